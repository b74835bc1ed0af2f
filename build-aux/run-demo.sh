#!/usr/bin/env bash
# run-demo.sh: the README's demo. With a display, the laprof window records
# the bundled demo workload live; without one, laprof-cli records it and
# writes a folded report and an SVG flame graph.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
demo="$build/bench/demo-handler"

if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  # the app from the build tree: its settings schema is compiled there
  export GSETTINGS_SCHEMA_DIR="$PWD/$build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
  export LAPROF_CLI="$PWD/$build/app/cli/laprof-cli"
  export LAPROF_DEMO="$PWD/$demo"
  exec "$build/app/gtk/laprof" --demo "$@"
fi

echo "run-demo: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window"
echo "run-demo: cannot open; recording the demo with laprof-cli instead."
out="$PWD/demo-output"
mkdir -p "$out"
"$build/app/cli/laprof-cli" record -F 200 -o "$out/demo.folded" -- "$demo" --scale 0.5
"$build/app/cli/laprof-cli" svg "$out/demo.folded" -o "$out/demo.svg" --title "laprof demo"
echo
echo "run-demo: the folded report: $out/demo.folded"
echo "run-demo: the flame graph:   $out/demo.svg (open it in a web browser)"
