#!/usr/bin/env python3
# count-tests.py: counts individual test cases in meson testlog.json files.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# GLib test programs speak TAP; each "ok"/"not ok" line is one case. A test
# program that printed no TAP (or crashed after its last line) counts as one
# case of its own. Prints "PASSED FAILED SKIPPED".
import json
import re
import sys

passed = failed = skipped = 0
tap = re.compile(r"^(not ok|ok)\b(.*)$")

for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as e:
        print("count-tests: %s" % e, file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        p = f = s = 0
        for out_line in (entry.get("stdout") or "").splitlines():
            m = tap.match(out_line)
            if not m:
                continue
            if m.group(1) == "not ok":
                if "# TODO" in m.group(2):
                    continue
                f += 1
            elif "# SKIP" in m.group(2):
                s += 1
            else:
                p += 1
        result = entry.get("result")
        if result in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS") and f == 0:
            f = 1
        elif p + f + s == 0:
            if result == "OK":
                p = 1
            elif result == "SKIP":
                s = 1
            else:
                f = 1
        passed += p
        failed += f
        skipped += s

print(passed, failed, skipped)
