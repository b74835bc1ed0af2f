#!/usr/bin/env bash
# check-names.sh SRCDIR [LIB.a…]: fails unless every public function lives
# in the file named after it: a function of core/lp-folded-reader.c is
# lp_folded_reader or lp_folded_reader_*, so that a reader finds a
# function's file from its name (STYLE.md). Public: not static, named lp_*;
# private helpers shared by the files of one part (_lp_window_*, static
# functions) are not checked. Looks at the definitions in the sources of
# core/, render/, storers/ and app/ (GNU style: the name at the start of its
# line), and, for each static library given, at the functions its objects
# define (nm), whatever their style.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
src=$1
shift
libs=()
for lib in "$@"; do
  libs+=("$(realpath "$lib")")
done
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT

# prints "FILE NAME" when NAME does not begin with the name of FILE
check () {
  awk '{
    base = $1; sub(/.*\//, "", base); sub(/\.c(\.o)?$/, "", base); gsub(/-/, "_", base)
    if ($2 != base && index($2, base "_") != 1) print $1 ": " $2
  }'
}

cd "$src"
for f in core/lp-*.c render/lp-*.c storers/lp-*.c app/*/lp-*.c; do
  awk -v file="$f" '
    /^lp_[a-z0-9_]+ *\(/ && prev !~ /(^|[^a-z_])static([^a-z_]|$)/ {
      name = $1; sub(/\(.*/, "", name); print file, name
    }
    { prev = $0 }' "$f"
done | check >> "$bad"

for lib in "${libs[@]}"; do
  # "archive:member.o: address T name" for the functions it defines
  nm -A --defined-only -g "$lib" | awk '$(NF-1) == "T" && $NF ~ /^lp_/ {
      member = $1; sub(/:[^:]*$/, "", member); sub(/.*[:\/]/, "", member); print member, $NF
    }' | check >> "$bad"
done

if [ -s "$bad" ]; then
  echo "public functions not named after their file (rename them, or move them to the file they name):"
  sort -u "$bad"
  exit 1
fi
echo "every public function is named after its file"
