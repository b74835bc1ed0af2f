#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mini-debuginfo.sh IN OUT: OUT is IN stripped, with MiniDebugInfo: the
# symbols of its functions, xz-compressed in a .gnu_debugdata section, as
# Fedora ships its programs (gdb's "MiniDebugInfo").
set -e
in=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D "$in" --format=posix --defined-only | awk '{ print $1 }' | sort > "$tmp/dynsyms"
nm "$in" --format=posix --defined-only | awk '$2 == "T" || $2 == "t" { print $1 }' | sort > "$tmp/funcsyms"
comm -13 "$tmp/dynsyms" "$tmp/funcsyms" > "$tmp/keep"
objcopy --only-keep-debug "$in" "$tmp/mini"
objcopy -S --remove-section .gdb_index --remove-section .comment --keep-symbols="$tmp/keep" "$tmp/mini" "$tmp/mini2"
xz -c "$tmp/mini2" > "$tmp/mini.xz"
objcopy --strip-all --remove-section .comment "$in" "$tmp/stripped"
objcopy --add-section .gnu_debugdata="$tmp/mini.xz" "$tmp/stripped" "$out"
