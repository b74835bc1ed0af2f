#!/usr/bin/env bash
# check-po.sh SRCDIR LANG: fails unless po/LANG.po translates every message
# the sources have now (a fresh template, as meson's glib preset makes it).
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
src=$1
lang=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$src/po/POTFILES.in" | sed '/^$/d' > "$tmp/files"
(cd "$src" && xgettext --from-code=UTF-8 --add-comments --output="$tmp/laprof.pot" \
   --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
   --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
   --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
   --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
   --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
   --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
   --files-from="$tmp/files" 2>/dev/null)
msgmerge --quiet --no-fuzzy-matching "$src/po/$lang.po" "$tmp/laprof.pot" -o "$tmp/$lang.po"
stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1 | grep -v "escape sequence" | tail -n 1)
echo "po/$lang.po against the sources: $stats"
if grep -qE "untranslated|fuzzy" <<<"$stats"; then
  echo "Translate the new messages: meson compile -C build laprof-pot && msgmerge -U po/$lang.po po/laprof.pot"
  msgattrib --untranslated "$tmp/$lang.po" | grep '^msgid' | sed 1d | head -n 20
  exit 1
fi
