#!/usr/bin/env bash
# test-install.sh SRCDIR OUTDIR: installs laprof into a fresh prefix
# (meson setup --prefix, compile, install, as a user would) and checks that
# the installed app works with nothing but XDG_DATA_DIRS pointing at the
# prefix: post_install compiled the settings schema, the icon cache and the
# desktop and MIME databases; `laprof demo.folded` opens a window titled
# with the report under Xvfb (a screenshot lands in OUTDIR), with no word
# about a missing schema; the icon theme finds the app's icon in the prefix.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
src=$(cd "$1" && pwd)
out=$2
tmp=$(mktemp -d /tmp/laprof-install-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

prefix=$tmp/prefix
echo "# meson setup --prefix=$prefix, compile, install"
meson setup "$tmp/build" "$src" --prefix="$prefix" > "$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; fail "meson setup"; }
meson compile -C "$tmp/build" -j 2 > "$tmp/compile.log" 2>&1 || { tail -30 "$tmp/compile.log"; fail "meson compile"; }
meson install -C "$tmp/build" > "$tmp/install.log" 2>&1 || { tail -30 "$tmp/install.log"; fail "meson install"; }

share=$prefix/share
for f in bin/laprof bin/laprof-cli libexec/laprof/demo-handler \
         share/glib-2.0/schemas/gschemas.compiled \
         share/icons/hicolor/icon-theme.cache \
         share/icons/hicolor/scalable/apps/io.github.laprof.Laprof.svg \
         share/applications/io.github.laprof.Laprof.desktop \
         share/applications/mimeinfo.cache \
         share/mime/packages/io.github.laprof.Laprof.xml share/mime/mime.cache; do
  [[ -e $prefix/$f ]] || fail "$f was not installed (post_install?)"
done
echo "ok: files, compiled schema, icon cache, desktop and MIME databases"

# the in-process profiler from the prefix: the installed laprof-cli finds the
# installed liblaprof (no build tree around)
"$prefix/bin/laprof-cli" record --in-process -q -F 200 -o "$tmp/inprocess.folded" -- \
  "$prefix/libexec/laprof/demo-handler" --scale 0.05 > "$tmp/inprocess.out" 2>&1 \
  || { cat "$tmp/inprocess.out"; fail "record --in-process with the installed liblaprof"; }
grep -q ';main;demo_compute;' "$tmp/inprocess.folded" \
  || { head -c 2000 "$tmp/inprocess.folded"; fail "the in-process report of demo-handler has no main;demo_compute"; }
echo "ok: the installed laprof-cli record --in-process profiles demo-handler from inside (liblaprof in the prefix)"
grep -qx 'text/x-folded-stacks:\*\.folded' "$share/mime/globs" || fail "*.folded is not text/x-folded-stacks"
grep -q '^text/x-folded-stacks=io.github.laprof.Laprof.desktop' "$share/applications/mimeinfo.cache" \
  || fail "the desktop database does not offer laprof for text/x-folded-stacks"
echo "ok: *.folded is text/x-folded-stacks, opened by laprof"

# nothing of the build tree or of the developer's environment
run_env=(env -i "PATH=/usr/bin:/bin" "HOME=$tmp/home" "XDG_DATA_DIRS=$share:/usr/share"
         "XDG_RUNTIME_DIR=$tmp/run" "GDK_BACKEND=x11" "GSK_RENDERER=cairo" "GTK_A11Y=none" "NO_AT_BRIDGE=1")
# a sanitizer build's own settings (leak suppressions) go through
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
  if [[ -n ${!v:-} ]]; then run_env+=("$v=${!v}"); fi
done
mkdir -p "$tmp/home" "$tmp/run"
chmod 700 "$tmp/run"

"${run_env[@]}" "$prefix/bin/laprof" --version | grep -q '^laprof ' || fail "laprof --version"

# the icon, as the desktop finds it: in the prefix's hicolor theme
"${run_env[@]}" DISPLAY="${DISPLAY:?run under tests/with-xvfb.sh}" XAUTHORITY="${XAUTHORITY:-}" "$out/icon-lookup" io.github.laprof.Laprof "$share/icons" \
  || fail "the icon theme does not find io.github.laprof.Laprof in $share/icons"
echo "ok: the icon theme finds the app's icon in the prefix"

"${run_env[@]}" DISPLAY="$DISPLAY" XAUTHORITY="${XAUTHORITY:-}" dbus-run-session -- "$prefix/bin/laprof" "$src/data/demo.folded" \
  > "$tmp/app.out" 2> "$tmp/app.err" &
pids+=($!)
wid=
for _ in $(seq 1 100); do
  wid=$(xdotool search --onlyvisible --name '^demo\.folded$' 2>/dev/null | head -n 1 || true)
  [[ -n $wid ]] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$tmp/app.err"; fail "laprof exited"; }
  sleep 0.2
done
[[ -n $wid ]] || { cat "$tmp/app.err"; fail "no window titled demo.folded appeared"; }
sleep 1
import -window root "$out/install-report.png"
kill -0 "${pids[0]}" 2>/dev/null || { cat "$tmp/app.err"; fail "laprof exited after showing its window"; }
if grep -qi 'schema' "$tmp/app.err"; then cat "$tmp/app.err"; fail "laprof complained about its schema"; fi
echo "ok: the installed laprof opened demo.folded in window $wid; screenshot $out/install-report.png"
kill "$(xdotool getwindowpid "$wid")" 2>/dev/null || true
