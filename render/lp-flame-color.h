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
  LP_FLAME_PALETTE_LANG,  /* kernel orange, C++ yellow, libc aqua, unknown grey, other red/pink */
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
} LpFlameKind;

typedef struct
{
  guint8 r, g, b;
} LpRgb;

/* Fixed colours: search matches (flamegraph.pl's magenta), idle frames,
 * the "all" frame of a zoomed graph's ancestors is drawn faded. */
#define LP_FLAME_MATCH_RGB ((LpRgb) { 230, 0, 230 })
#define LP_FLAME_IDLE_RGB  ((LpRgb) { 176, 196, 222 })

/* lp_flame_palette_from_string: "hot", "mem", "io", "lang" (also
 * "native"), or one of flamegraph.pl's "red", "green", "blue", "aqua",
 * "yellow", "purple", "orange"; FALSE if unknown. */
gboolean    lp_flame_palette_from_string (const char     *name,
                                          LpFlamePalette *palette);

/* lp_flame_kind_of: what sort of code a frame name looks like. */
LpFlameKind lp_flame_kind_of            (const char *name);

/* lp_flame_color_for_name: the colour of @name in @palette, the same for
 * the same name every time. @name_hash selects flamegraph.pl's --hash
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
