/* lp-flame-draw.h: paints a flame graph layout onto any cairo_t (screen, PNG, PDF).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pango.h>

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

/* LpFlamePainter: where lp_flame_draw_with() puts what it draws, in graph
 * coordinates: a cairo_t (lp_flame_draw()) or a widget's render nodes. */
typedef struct
{
  /* fill: a rectangle in @color at @alpha (0.5 for a zoom's ancestors) */
  void (*fill)    (gpointer data, double x, double y, double width, double height, LpRgb color, double alpha);
  /* outline: the hovered rectangle, outlined 1 px inside in black */
  void (*outline) (gpointer data, double x, double y, double width, double height);
  /* text: @text's lines in black, its top left corner at (@x, @y) */
  void (*text)    (gpointer data, PangoLayout *text, double x, double y);
} LpFlamePainter;

/* lp_flame_draw_with: what lp_flame_draw() paints, handed to @painter: the
 * rectangles that meet the clip (graph coordinates), each name that fits
 * set in @text, whose Pango context measures it and whose font is set. */
void  lp_flame_draw_with        (PangoLayout             *text,
                                 double                   clip_x1,
                                 double                   clip_y1,
                                 double                   clip_x2,
                                 double                   clip_y2,
                                 LpFlameModel            *model,
                                 const LpFlameLayout     *layout,
                                 const LpFlameDrawParams *params,
                                 const LpFlamePainter    *painter,
                                 gpointer                 data);

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
