#!/usr/bin/env bash
# with-xvfb.sh COMMAND [ARG...]: runs COMMAND with DISPLAY set to an Xvfb of
# its own (1280x800x24), then stops the server and returns COMMAND's status.
# The server picks a free display itself (-displayfd), so two runs never
# race for one number as xvfb-run -a's lock-file scan can; the script waits
# until the server answers before it starts COMMAND, and says so when the
# server ended before COMMAND did (a test that "cannot open display" is then
# about the server, not about laprof).
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail
dir=$(mktemp -d /tmp/laprof-xvfb-XXXXXX)
trap 'rm -rf "$dir"' EXIT
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3> "$dir/display" 2> "$dir/xvfb.log" &
xvfb=$!
for _ in $(seq 1 200); do
  [[ -s $dir/display ]] && break
  kill -0 "$xvfb" 2>/dev/null || { cat "$dir/xvfb.log" >&2; echo "with-xvfb: Xvfb did not start" >&2; exit 1; }
  sleep 0.05
done
[[ -s $dir/display ]] || { echo "with-xvfb: Xvfb gave no display in 10 s" >&2; kill "$xvfb"; exit 1; }
export DISPLAY=":$(tr -d '\n' < "$dir/display")"
unset XAUTHORITY
"$@"
status=$?
if ! kill -0 "$xvfb" 2>/dev/null; then
  echo "with-xvfb: the X server on $DISPLAY ended before the test did" >&2
  cat "$dir/xvfb.log" >&2
  [[ $status -eq 0 ]] && status=1
fi
kill "$xvfb" 2>/dev/null
wait "$xvfb" 2>/dev/null
exit $status
