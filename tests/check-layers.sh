#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-layers.sh SRCDIR: fails when a source file includes what its part
# of the tree may not (the rules are the layout section of README.md):
#
#   core      GLib, libunwind, elfutils, the C library; nothing of laprof's
#             other parts, no drawing, no network, no GTK
#   render    core; cairo and pango; no storers, no network, no GTK
#   storers   core; libcurl; no render, no drawing, no GTK
#   app/cli   core, render, storers; no GTK
#   app/gtk   everything
#
# and a private header (NAME-private.h, or one listed below) is included
# only from its own directory, never from tests, benchmarks or another part.

set -u
src=${1:-.}
cd "$src" || exit 2

status=0
fail ()
{
  echo "check-layers: $*" >&2
  status=1
}

# part_of HEADER: the directory that holds a laprof header ("" if none does)
part_of ()
{
  for dir in core render storers app/cli app/gtk; do
    if [ -f "$dir/$1" ]; then
      echo "$dir"
      return
    fi
  done
}

# check DIR "QUOTED-PARTS" "FORBIDDEN-SYSTEM-REGEX"
check ()
{
  dir=$1 allowed=$2 forbidden=$3
  for file in "$dir"/*.c "$dir"/*.h; do
    [ -f "$file" ] || continue
    grep -n '^[[:space:]]*#[[:space:]]*include' "$file" | while IFS= read -r line; do
      case $line in
        *'"'*)
          header=$(echo "$line" | sed 's/.*"\(.*\)".*/\1/')
          [ "$header" = config.h ] && continue
          part=$(part_of "$header")
          [ -n "$part" ] || continue
          ok=no
          for a in $allowed; do
            [ "$a" = "$part" ] && ok=yes
          done
          [ $ok = yes ] || echo "$file:${line%%:*}: $dir may not include $part/$header"
          ;;
        *'<'*)
          if [ -n "$forbidden" ] && echo "$line" | grep -Eq "<($forbidden)"; then
            echo "$file:${line%%:*}: $dir may not include ${line#*#include }"
          fi
          ;;
      esac
    done
  done
}

private_headers ()
{
  for dir in core render storers app/cli app/gtk; do
    ls "$dir"/*-private.h 2>/dev/null
  done
  echo core/lp-demangle-rust-v0.h
}

out=$( {
  check core    "core"                                 "gtk/|adwaita|cairo|pango|curl/"
  check render  "render core"                          "gtk/|adwaita|curl/"
  check storers "storers core"                         "gtk/|adwaita|cairo|pango"
  check app/cli "app/cli core render storers"          "gtk/|adwaita"
  check app/gtk "app/gtk core render storers"          ""
  for header in $(private_headers); do
    dir=${header%/*}
    name=${header##*/}
    grep -rln --include='*.c' --include='*.h' --include='*.cc' \
         "#[[:space:]]*include[[:space:]]*\"$name\"" \
         core render storers app bench tests fuzz 2>/dev/null |
      while read -r user; do
        [ "${user%/*}" = "$dir" ] || echo "$user: includes $header, private to $dir"
      done
  done
} )

if [ -n "$out" ]; then
  echo "$out" | while IFS= read -r l; do fail "$l"; done
  echo "check-layers: $(echo "$out" | wc -l) include(s) cross the layout's rules (README.md, Layout)" >&2
  exit 1
fi
echo "check-layers: every include keeps to its part's rules"
exit $status
