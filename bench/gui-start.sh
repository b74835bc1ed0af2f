#!/bin/sh
# gui-start.sh: what the window's second start (app/gtk/lp-malloc.c)
# costs: `laprof --help` started N times as it is, and N times with
# GLIBC_TUNABLES=glibc.malloc.hugetlb=0 (one start, no huge pages),
# interleaved; prints the medians and their difference.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: gui-start.sh LAPROF [N]
set -eu
laprof=$1
n=${2:-30}
once=$(mktemp) twice=$(mktemp)
trap 'rm -f "$once" "$twice"' EXIT

ms_of () {
  t0=$(date +%s%N)
  "$@" > /dev/null 2>&1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
}

i=0
while [ $i -lt "$n" ]; do
  ms_of "$laprof" --help >> "$twice"
  ms_of env GLIBC_TUNABLES=glibc.malloc.hugetlb=0 "$laprof" --help >> "$once"
  i=$((i + 1))
done

median () {
  sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}
a=$(median "$twice")
b=$(median "$once")
echo "laprof --help, $n runs each (median):"
echo "  started twice (huge pages):         $a ms"
echo "  started once (hugetlb=0 asked for): $b ms"
echo "the second start costs:             $(echo "$a $b" | awk '{ printf "%.1f", $1 - $2 }') ms"
