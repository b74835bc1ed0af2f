# workload.py: a Python program that measures its own split, for laprof's engine tests.
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   python3 workload.py SECONDS [sleep|deep|threads|exit]
#
# The main thread calls branch_a (3 ms of CPU), branch_b (2 ms) and
# callback (sorted() calling key_fn back from C, 4 x 0.5 ms) in turn for
# SECONDS, and prints, for each, its share of the main thread's CPU time
# (cpu_*) and of its wall-clock time (wall_*), as measured by the program.
# With "sleep", a thread named "sleeper" sleeps in time.sleep meanwhile; with
# "deep", recurse(500) spins at the bottom of a 500-frame recursion half of
# the time; with "threads", threads named "short-N" start and end all along;
# with "exit", the program ends from inside a deep stack (sys.exit); with
# "gil", a thread named "contender" spins in Python too, so that each waits
# for the GIL while the other runs.
import sys
import threading
import time

cpu = {"branch_a": 0.0, "branch_b": 0.0, "callback": 0.0, "deep": 0.0}
wall = dict(cpu)


def spin(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def branch_a():
    spin(0.003)


def branch_b():
    spin(0.002)


def key_fn(x):
    spin(0.0005)
    return -x


def callback():
    return sorted(range(4), key=key_fn)


def recurse(n):
    if n == 0:
        spin(0.005)
        return 0
    return recurse(n - 1) + 1


def sleeper(stop):
    while not stop.is_set():
        time.sleep(0.05)


def contender(stop):
    while not stop.is_set():
        spin(0.001)


def short_lived(i):
    spin(0.002)


def measured(name, fn, *args):
    c0, w0 = time.thread_time(), time.perf_counter()
    fn(*args)
    cpu[name] += time.thread_time() - c0
    wall[name] += time.perf_counter() - w0


def main():
    seconds = float(sys.argv[1])
    kind = sys.argv[2] if len(sys.argv) > 2 else ""
    stop = threading.Event()
    helpers = []
    if kind == "sleep":
        helpers.append(threading.Thread(target=sleeper, args=(stop,), name="sleeper"))
    if kind == "gil":
        helpers.append(threading.Thread(target=contender, args=(stop,), name="contender"))
    for t in helpers:
        t.start()
    print("ready", threading.get_native_id(), flush=True)
    c0, w0 = time.thread_time(), time.perf_counter()
    end = w0 + seconds
    n = 0
    while time.perf_counter() < end:
        measured("branch_a", branch_a)
        measured("branch_b", branch_b)
        measured("callback", callback)
        if kind == "deep":
            measured("deep", recurse, 500)
        if kind == "threads" and n % 5 == 0:
            t = threading.Thread(target=short_lived, args=(n,), name="short-%d" % n)
            t.start()
            t.join()
        if kind == "exit" and time.perf_counter() > w0 + seconds / 2:
            recurse_exit(50)
        n += 1
    total_cpu = time.thread_time() - c0
    total_wall = time.perf_counter() - w0
    stop.set()
    for t in helpers:
        t.join()
    print(" ".join("cpu_%s=%.4f wall_%s=%.4f" % (k, cpu[k] / total_cpu, k, wall[k] / total_wall)
                   for k in cpu), flush=True)


def recurse_exit(n):
    if n == 0:
        print("exiting", flush=True)
        sys.exit(0)
    recurse_exit(n - 1)


if __name__ == "__main__":
    main()
