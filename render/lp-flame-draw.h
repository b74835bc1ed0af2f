/* lp-flame-draw.h: paints a flame graph layout onto any cairo_t (screen, PNG, PDF).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "lp-flame-color.h"
#include "lp-flame-layout.h"
#include "lp-flame-model.h"

G_BEGIN_DECLS

typedef struct
{
  LpFlamePalette  palette;
  gboolean        name_hash;   /* flamegraph.pl's --hash colours */
  const char     *font;        /* a Pango font description; NULL: Sans, 12 px or less to fit the rows */
  guint32         hover_node;  /* outlined; LP_FLAME_NO_NODE for none (0 is the root) */
} LpFlameDrawParams;

/* lp_flame_draw_params_init: the defaults: hot palette, Sans sized to the rows, no hover. */
void  lp_flame_draw_params_init (LpFlameDrawParams *params);

/* lp_flame_draw: paints every rectangle of @layout that meets the clip of
 * @cr, at graph coordinates (translate @cr to place the graph): colours by
 * palette (differential models: red grew, blue shrank), search matches and
 * idle frames in their own colours, zoom ancestors faded, and each name
 * that fits, elided with "…" when it does not fit whole. */
void  lp_flame_draw             (cairo_t                 *cr,
                                 LpFlameModel            *model,
                                 const LpFlameLayout     *layout,
                                 const LpFlameDrawParams *params);

/* lp_flame_draw_rect_color: the fill colour lp_flame_draw() uses for @rect. */
LpRgb lp_flame_draw_rect_color (LpFlameModel            *model,
                                const LpFlameLayout     *layout,
                                const LpFlameRect       *rect,
                                const LpFlameDrawParams *params);

/* lp_flame_draw_elide: @name cut to at most @max_chars characters, ending in
 * "…" (one character, U+2026) when cut; NULL when not even one character
 * and "…" fit (@max_chars < 2). You own the result. */
char *lp_flame_draw_elide (const char *name,
                           int         max_chars) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
