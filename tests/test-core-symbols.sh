#!/bin/sh
# test-core-symbols.sh: liblaprof-core.a defines no global symbol outside its name spaces (issue 13).
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-core-symbols.sh NM ARCHIVE
#
# Every program and test links liblaprof-core.a: a global symbol without
# the library's prefix (lp_ public, _lp_ private to core/, LP_ for
# constants) can clash with the program's own names or a library's. The
# engine's files share their private functions as _lp_FILE_NAME (e.g.
# _lp_ptrace_seize in lp-source-ptrace.c); a function used in one file is
# static.
set -eu
nm=$1
archive=$2

# Allowed on purpose, each with its reason:
# - sigprocmask: lp-unwind.c interposes libc's, so that libunwind's calls
#   (two a lookup) return at once while the engine's thread unwinds (see
#   docs/engine.md, "Unwinding").
allowed='^(sigprocmask)$'
# AddressSanitizer adds an ODR indicator, __odr_asan.NAME, for each global
# variable NAME: judged by NAME.

bad=$("$nm" -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sed 's/^__odr_asan\.//' |
      grep -Ev '^(lp_|_lp_|LP_)' | grep -Ev "$allowed" | sort -u || true)
if [ -n "$bad" ]; then
  echo "global symbols of $archive without lp_, _lp_ or LP_:"
  echo "$bad"
  exit 1
fi
echo "ok: every global symbol of $archive starts with lp_, _lp_ or LP_"
