#!/usr/bin/env python3
# fold-perf-script.py: folds `perf script` text (of `perf record -g`) into
# folded stacks, the way Brendan Gregg's stackcollapse-perf.pl does, for
# test-perf-script to compare laprof's reader with: an independent reading
# (regular expressions, not laprof's C). Root frame: the process's name
# (the comm of its main thread, tid == pid, where shown), else the comm;
# symbols without their +0xoff; "[unknown]" symbols as "[dso+0xaddr]".
# Prints the folded lines in byte order, then "#total N" and
# "#threads N" (distinct pid/tid).
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import sys

HEADER = re.compile(r'^(\S.*?)\s+(?:(\d+)/)?(\d+)\s+(?:\[\d+\]\s+)?(\d+)\.(\d+):')
FRAME = re.compile(r'^\s+([0-9a-fA-F]+)\s+(.*?)\s*\(([^()]*)\)\s*$')

text = open(sys.argv[1], 'rb').read().decode('utf-8', 'surrogateescape')
blocks = re.split(r'\n[ \t]*\n', text)

process = {}
for block in blocks:
    for line in block.split('\n'):
        m = HEADER.match(line)
        if m and m.group(2) is not None and m.group(2) == m.group(3):
            process.setdefault(m.group(2), m.group(1))

counts = {}
threads = set()
total = 0
for block in blocks:
    lines = [l for l in block.split('\n') if l.strip() and not l.startswith('#')]
    if not lines:
        continue
    m = HEADER.match(lines[0])
    if not m:
        continue
    comm, pid, tid = m.group(1), m.group(2), m.group(3)
    threads.add((pid, tid))
    frames = []
    for line in lines[1:]:
        f = FRAME.match(line)
        if not f:
            continue
        addr, sym, dso = f.group(1), f.group(2), f.group(3)
        sym = re.sub(r'\+0x[0-9a-fA-F]+$', '', sym)
        if sym == '[unknown]' or sym == '':
            addr = addr.lstrip('0') or '0'
            if dso and dso != '[unknown]':
                sym = '[%s+0x%s]' % (os.path.basename(dso), addr)
            else:
                sym = '[0x%s]' % addr
        frames.append(sym)
    root = process.get(pid, comm) if pid is not None else comm
    stack = ';'.join([root] + frames[::-1])
    counts[stack] = counts.get(stack, 0) + 1
    total += 1

out = sys.stdout.buffer
for stack in sorted(counts, key=lambda s: s.encode('utf-8', 'surrogateescape')):
    out.write(('%s %d\n' % (stack, counts[stack])).encode('utf-8', 'surrogateescape'))
out.write(b'#total %d\n#threads %d\n' % (total, len(threads)))
