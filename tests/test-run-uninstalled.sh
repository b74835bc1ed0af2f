#!/usr/bin/env bash
# test-run-uninstalled.sh SRCDIR BUILDDIR: the laprof of the build tree runs
# (issue 12: it aborted, "Settings schema 'io.github.laprof.Laprof' is not
# installed"), under Xvfb, with nothing of the developer's environment:
#  - build/app/gtk/laprof FILE, as built (it finds build/data's schema);
#  - meson devenv -C build laprof FILE, as the README says;
#  - a copy of the program away from any schema: it says so on stderr, keeps
#    its settings in memory, and runs.
# Each must show a window titled with the report.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/laprof-uninstalled-XXXXXX)
app_pid=
cleanup() {
  [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$tmp/home" "$tmp/run"
chmod 700 "$tmp/run"
run_env=(env -i "PATH=/usr/bin:/bin" "HOME=$tmp/home" "XDG_RUNTIME_DIR=$tmp/run"
         "DISPLAY=${DISPLAY:?run under tests/with-xvfb.sh}" "XAUTHORITY=${XAUTHORITY:-}"
         "GDK_BACKEND=x11" "GSK_RENDERER=cairo" "GTK_A11Y=none" "NO_AT_BRIDGE=1")

# run_app NAME COMMAND...: starts COMMAND, waits for the report's window,
# then closes the program; its stderr is left in $tmp/NAME.err
run_app() {
  local name=$1 wid= pid
  shift
  "${run_env[@]}" dbus-run-session -- "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
  pid=$!
  for _ in $(seq 1 100); do
    wid=$(xdotool search --onlyvisible --name '^demo\.folded$' 2>/dev/null | head -n 1 || true)
    [[ -n $wid ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/$name.err"; fail "$name: laprof exited without a window"; }
    sleep 0.2
  done
  [[ -n $wid ]] || { cat "$tmp/$name.err"; fail "$name: no window titled demo.folded"; }
  app_pid=$(xdotool getwindowpid "$wid")
  sleep 0.5
  kill -0 "$app_pid" 2>/dev/null || { cat "$tmp/$name.err"; fail "$name: laprof ended after showing its window"; }
  kill "$app_pid"
  wait "$pid" 2>/dev/null || true
  app_pid=
  echo "ok: $name: the window of demo.folded appeared"
}

report=$src/data/demo.folded

run_app built "$build/app/gtk/laprof" "$report"
if grep -qi 'schema' "$tmp/built.err"; then cat "$tmp/built.err"; fail "built: a word about the schema"; fi

run_app devenv meson devenv -C "$build" -w "$src" laprof data/demo.folded
if grep -qi 'schema' "$tmp/devenv.err"; then cat "$tmp/devenv.err"; fail "devenv: a word about the schema"; fi

mkdir -p "$tmp/elsewhere"
cp "$build/app/gtk/laprof" "$tmp/elsewhere/laprof"
run_app elsewhere "$tmp/elsewhere/laprof" "$report"
grep -q 'io.github.laprof.Laprof is not installed' "$tmp/elsewhere.err" \
  || { cat "$tmp/elsewhere.err"; fail "elsewhere: no message about the missing schema"; }
echo "ok: elsewhere: it said: $(grep 'not installed' "$tmp/elsewhere.err")"
