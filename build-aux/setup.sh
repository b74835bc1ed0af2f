#!/usr/bin/env bash
# setup.sh: installs the Debian packages laprof needs (only the missing ones)
# and configures the build directory `build/` if it is not there yet.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
while read -r pkg command _; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  # "package command": the package is not needed where the command exists
  # (npm comes with some builds of nodejs, and Debian's npm conflicts with them)
  if [[ -n "$command" && "$command" != \#* ]] && command -v "$command" >/dev/null 2>&1; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done < build-aux/debian-packages.txt

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -f build/build.ninja ]]; then
  meson setup build
fi
