/* lp-flame-color.h: flamegraph.pl-like palettes, stable per frame name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LP_FLAME_PALETTE_HOT,   /* reds and yellows (flamegraph.pl's default) */
  LP_FLAME_PALETTE_MEM,   /* greens */
  LP_FLAME_PALETTE_IO,    /* blues */
  LP_FLAME_PALETTE_LANG,  /* kernel orange, C++ yellow, libc aqua, unknown grey, Python blue,
                           * other red/pink; perf's annotations: JIT green, inlined and
                           * waker aqua */
  /* flamegraph.pl's plain colour families */
  LP_FLAME_PALETTE_RED,
  LP_FLAME_PALETTE_GREEN,
  LP_FLAME_PALETTE_BLUE,
  LP_FLAME_PALETTE_AQUA,
  LP_FLAME_PALETTE_YELLOW,
  LP_FLAME_PALETTE_PURPLE,
  LP_FLAME_PALETTE_ORANGE,
} LpFlamePalette;

typedef enum
{
  LP_FLAME_KIND_OTHER,
  LP_FLAME_KIND_KERNEL,
  LP_FLAME_KIND_CXX,
  LP_FLAME_KIND_LIBC,
  LP_FLAME_KIND_UNKNOWN,
  /* perf's annotations at the end of a name, as flamegraph.pl's java, js
   * and chain palettes colour them */
  LP_FLAME_KIND_JIT,      /* "_[j]": JIT-compiled, green */
  LP_FLAME_KIND_INLINED,  /* "_[i]": inlined, aqua */
  LP_FLAME_KIND_WAKER,    /* "_[w]": a waker's stack in a chain graph, aqua */
  /* the engine's CPython frames: "QUALNAME (FILE.py)", "QUALNAME (FILE.py:LINE)"
   * and its "[python: …]" markers, blue */
  LP_FLAME_KIND_PYTHON,
} LpFlameKind;

typedef struct
{
  guint8 r, g, b;
} LpRgb;

/* Fixed colours: search matches (flamegraph.pl's magenta), idle frames,
 * the "all" frame of a zoomed graph's ancestors is drawn faded. */
#define LP_FLAME_MATCH_RGB ((LpRgb) { 230, 0, 230 })
#define LP_FLAME_IDLE_RGB  ((LpRgb) { 176, 196, 222 })

/* lp_flame_color_palette_from_string: "hot", "mem", "io", "lang" (also
 * "native", and flamegraph.pl's "java", "js", "perl" and "chain", whose
 * annotation colours it has), or one of flamegraph.pl's "red", "green", "blue", "aqua",
 * "yellow", "purple", "orange"; FALSE if unknown. */
gboolean    lp_flame_color_palette_from_string (const char     *name,
                                                LpFlamePalette *palette);

/* lp_flame_color_annotation_len: 4 when @name ends in one of perf's annotations
 * "_[k]", "_[j]", "_[i]" or "_[w]" (kernel, JIT, inlined, waker) after at
 * least one other byte, else 0. The annotation is part of the frame (it
 * is read, merged and written back with the name), but flamegraph.pl
 * shows names without it and colours by it; so do the graphs. */
gsize       lp_flame_color_annotation_len (const char *name);

/* lp_flame_color_display_name: @name as a graph shows it, without its
 * annotation; you own the result. */
char       *lp_flame_color_display_name (const char *name) G_GNUC_WARN_UNUSED_RESULT;

/* lp_flame_color_kind_of: what sort of code a frame name looks like. */
LpFlameKind lp_flame_color_kind_of (const char *name);

/* lp_flame_color_is_python: whether @name is one of the engine's Python
 * frames or markers (LP_FLAME_KIND_PYTHON), as `laprof-cli record` names
 * them: "handler (app.py)", "Parser.parse (parser.py:42)",
 * "[python: unreadable]". */
gboolean    lp_flame_color_is_python (const char *name);

/* lp_flame_color_for_name: the colour of @name in @palette, the same for
 * the same name every time. Kernel frames (LP_FLAME_KIND_KERNEL: "name_[k]")
 * get a family of their own in every palette: orange (flamegraph.pl's), or
 * violet in hot and orange, whose other frames have oranges. @name_hash selects flamegraph.pl's --hash
 * (similar names get similar colours, from their first characters); else
 * the whole name is hashed. */
LpRgb       lp_flame_color_for_name     (const char     *name,
                                         LpFlamePalette  palette,
                                         gboolean        name_hash);

/* lp_flame_color_for_delta: differential colour: red where @delta > 0
 * (grew), blue where it shrank, white for none, stronger as |@delta|
 * approaches @max_abs_delta. */
LpRgb       lp_flame_color_for_delta    (double delta,
                                         double max_abs_delta);

G_END_DECLS
