# reader-churn.py: threads that come and go, recursing to random depths
# through f0..f7, generators and a sorted() callback, for the racy test of
# tests/test-python-reader.c. Prints "ready"; ends when stdin closes.
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import random
import sys
import threading
import time


def leaf():
    x = 0
    for i in range(random.randint(1, 2000)):
        x += i
    return x


def make(k):
    def f(n):
        if n <= 0:
            return leaf()
        return FUNCS[(k + n) % 8](n - 1)
    f.__name__ = f.__qualname__ = "f%d" % k
    return f


FUNCS = [make(k) for k in range(8)]


def gen(n):
    for i in range(n):
        yield FUNCS[i % 8](i % 30)


def worker(seed):
    random.seed(seed)
    for _ in range(random.randint(1, 20)):
        kind = random.randint(0, 2)
        if kind == 0:
            FUNCS[0](random.randint(0, 200))
        elif kind == 1:
            sum(x or 0 for x in gen(random.randint(1, 10)))
        else:
            sorted(range(5), key=lambda v: FUNCS[v % 8](random.randint(0, 50)))


def spawner():
    seed = 0
    while True:
        ts = [threading.Thread(target=worker, args=(seed + i,), daemon=True) for i in range(4)]
        seed += 4
        for t in ts:
            t.start()
        for t in ts:
            t.join()


def waiter():
    sys.stdin.readline()
    os._exit(0)


threading.Thread(target=waiter, daemon=True).start()
threading.Thread(target=spawner, daemon=True).start()
print("ready", flush=True)
while True:
    worker(random.randint(0, 1 << 30))
