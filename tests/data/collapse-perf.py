#!/usr/bin/env python3
# collapse-perf.py: `perf script` output -> folded stacks, one line per sample.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Made the perf-*.folded files in this folder:
#   perf record -g -F 2000 -o xz.data -- xz -9 -k -f -T1 in.txt
#   perf script -i xz.data | tests/data/collapse-perf.py > tests/data/perf-xz.folded
# Lines are left unsorted and unmerged (count 1 per sample) on purpose: the
# tests compare laprof's read+write with `LC_ALL=C sort` and a merge.
import os
import re
import sys

frame_re = re.compile(r"^\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)$")


def frame_name(sym, module):
    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
    if sym == "[unknown]":
        return module if module.startswith("[") else "[%s]" % os.path.basename(module)
    if module == "[kernel.kallsyms]":
        return sym + "_[k]"
    return sym


def emit(comm, frames):
    if comm is None or not frames:
        return
    names = [comm] + [frame_name(s, m) for s, m in reversed(frames)]
    sys.stdout.write(";".join(n.replace(";", ":") for n in names) + " 1\n")


comm, frames = None, []
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        emit(comm, frames)
        comm, frames = None, []
    elif not line[0].isspace():
        comm = line.split()[0]
        frames = []
    else:
        m = frame_re.match(line)
        if m and m.group(1) != "0":
            frames.append((m.group(2), m.group(3)))
emit(comm, frames)
