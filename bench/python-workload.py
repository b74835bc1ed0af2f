#!/usr/bin/python3
# python-workload.py: a fixed CPU workload in Python for bench-engine (issue 14).
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   python-workload.py N        N units of shallow work: arithmetic, dicts, str
#   python-workload.py deep:N   N units at the bottom of a 150-frame recursion,
#                               through generators, sorted(key=) and json
# Prints "elapsed=SECONDS result=R" (the work alone, start-up excluded).
import json
import sys
import time


def mix(x, rounds):
    for i in range(rounds):
        x = ((x ^ (x >> 7)) * 2654435761 + i) & 0xFFFFFFFF
    return x


def words(seed):
    d = {}
    for i in range(300):
        k = "w%d" % ((seed * 31 + i) % 97)
        d[k] = d.get(k, 0) + 1
    return len(d)


def unit(seed):
    return mix(seed, 3000) + words(seed)


def gen(n):
    for i in range(n):
        yield mix(i, 40)


def leaf(seed):
    total = sum(gen(20))
    keys = sorted(range(30), key=lambda v: (v * seed) % 7)
    return total + len(json.dumps({"k": keys, "s": seed}))


def down(depth, seed):
    if depth == 0:
        return leaf(seed)
    return down(depth - 1, seed) + 1


def main():
    arg = sys.argv[1] if len(sys.argv) > 1 else "300"
    deep = arg.startswith("deep:")
    n = int(arg[5:] if deep else arg)
    start = time.perf_counter()
    r = 0
    for i in range(n):
        r = (r + (down(150, i) if deep else unit(i))) & 0xFFFFFFFF
    print("elapsed=%.6f result=%d" % (time.perf_counter() - start, r))


if __name__ == "__main__":
    main()
