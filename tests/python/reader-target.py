# reader-target.py: a Python program whose threads sit in known places, for
# tests/test-python-reader.c. Prints "thread NAME NATIVE_ID" per thread, then
# "ready"; the main thread and "spinner" spin (so one waits for the GIL),
# the others sleep. Ends when stdin closes or gets a line.
# Lines the test looks for carry a "# @NAME" marker.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import os
import sys
import threading
import time

ready = []


def mark():
    ev = threading.Event()
    ready.append(ev)
    return ev


def sleeper(ev):
    ev.set()
    time.sleep(1000)  # @sleeper


def key(x, ev):
    ev.set()
    time.sleep(1000)  # @key
    return x


def cb(ev):
    sorted([1, 2], key=lambda x: key(x, ev))  # @cb


def gen(ev):
    ev.set()
    yield time.sleep(1000)  # @gen


def g(ev):
    for _ in gen(ev):  # @g
        pass


async def inner(ev):
    ev.set()
    time.sleep(1000)  # @inner


async def outer(ev):
    await inner(ev)  # @outer


def run_async(ev):
    asyncio.run(outer(ev))  # @run_async


def deep(n, ev):
    if n == 0:
        ev.set()
        time.sleep(1000)  # @deep-bottom
    return deep(n - 1, ev)  # @deep


class Box:
    def __init__(self, ev):
        if ev is not None:
            ev.set()
            time.sleep(1000)  # @box


def boxes(ev):
    # warm: 3.13 then calls __init__ through a frame of its own (cleanup)
    for i in range(100):
        Box(ev if i == 99 else None)  # @boxes


def spin():
    while True: pass  # @spin


def a():
    b()  # @a


def b():
    c()  # @b


def c():
    report()
    while True: pass  # @c


def report():
    print("thread MainThread", threading.get_native_id())
    for t in threads:
        print("thread", t.name, t.native_id)
    print("ready", flush=True)


def waiter():
    sys.stdin.readline()
    os._exit(0)


threads = [threading.Thread(target=f, args=(mark(),), name=n, daemon=True)
           for f, n in ((sleeper, "sleepy"), (cb, "callback"), (g, "gen"),
                        (run_async, "async"))]
threads.append(threading.Thread(target=deep, args=(500, mark()), name="deep", daemon=True))
threads.append(threading.Thread(target=boxes, args=(mark(),), name="boxes", daemon=True))
threads.append(threading.Thread(target=spin, name="spinner", daemon=True))
threads.append(threading.Thread(target=waiter, name="waiter", daemon=True))
for t in threads:
    t.start()
for ev in ready:
    ev.wait()
time.sleep(0.2)
a()  # @main
