/* lp-flame-layout.h: a flame graph model laid out into plain rectangles for one zoom and viewport.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-flame-model.h"

G_BEGIN_DECLS

typedef enum
{
  LP_FLAME_ORDER_ALPHABETICAL, /* flamegraph.pl's: towers stay in place between captures */
  LP_FLAME_ORDER_LEFT_HEAVY,   /* widest child first */
} LpFlameOrder;

typedef enum
{
  LP_FLAME_RECT_ROOT     = 1 << 0, /* the "all" frame */
  LP_FLAME_RECT_ANCESTOR = 1 << 1, /* below the zoom root, drawn full width */
  LP_FLAME_RECT_ZOOM     = 1 << 2, /* the zoom root */
  LP_FLAME_RECT_MATCH    = 1 << 3, /* its name matches the search */
  LP_FLAME_RECT_IDLE     = 1 << 4, /* a blocked sample's "[idle…" frame */
} LpFlameRectFlags;

typedef struct
{
  double  x;            /* from the left edge of the graph, in pixels */
  double  y;            /* top of the row, in pixels */
  double  width;
  guint32 depth;        /* 0 for "all" */
  guint32 frame;        /* LP_FLAME_NO_FRAME for "all" */
  guint32 node;         /* in the model, for zooming */
  guint32 flags;        /* LpFlameRectFlags */
  double  samples;      /* the frame and above */
  double  self_samples; /* the frame as the last one */
  double  delta;        /* differential: samples - base (B - A); else 0 */
} LpFlameRect;

typedef struct
{
  double        width;        /* of the graph, in pixels */
  double        row_height;   /* in pixels; 0 means 16 */
  double        min_width;    /* frames narrower than this (pixels) are not drawn */
  guint32       zoom;         /* the node shown full width; LP_FLAME_ROOT for none */
  LpFlameOrder  order;
  gboolean      icicle;       /* root at the top; else at the bottom (flame) */
  GRegex       *search;       /* nullable: frames whose name matches get LP_FLAME_RECT_MATCH */
  const guint8 *marks;        /* nullable, in place of @search: per frame of the
                               * model's names, nonzero for LP_FLAME_RECT_MATCH */
} LpFlameLayoutParams;

typedef struct
{
  GArray  *rects;           /* LpFlameRect: each parent before its children */
  guint    n_hidden;        /* frames merged away for being narrower than min_width */
  double   hidden_samples;  /* their samples */
  guint    max_depth;       /* deepest row drawn */
  double   height;          /* (max_depth + 1) * row_height */
  double   row_height;
  double   width;
  double   total;           /* samples of the zoom root: the full width */
  double   max_abs_delta;   /* differential: the largest |delta| drawn */
  double   matched;         /* with a search: samples in matching frames under
                             * the zoom root (nested matches counted once) */
  guint32  zoom;
  gboolean icicle;
} LpFlameLayout;

/* lp_flame_layout_new: lays out @model for @params. The rectangles refer to
 * the model's nodes and frames; lay out again after the model changes. Cost
 * is in proportion to the frames drawn and their siblings, plus, with a
 * search, the nodes under the zoom root. You own the result. */
LpFlameLayout *lp_flame_layout_new  (LpFlameModel              *model,
                                     const LpFlameLayoutParams *params) G_GNUC_WARN_UNUSED_RESULT;
void           lp_flame_layout_free (LpFlameLayout *self);

/* lp_flame_layout_mark: marks the rectangles of @self (laid out from
 * @model) anew, as @search or else @marks would have marked them (see
 * LpFlameLayoutParams; both NULL: none), and counts matched again. Cheaper
 * than a new layout: no rectangle moves, and only the frames drawn are
 * matched against @search (matched counts the nodes under the zoom root). */
void           lp_flame_layout_mark (LpFlameLayout *self,
                                     LpFlameModel  *model,
                                     GRegex        *search,
                                     const guint8  *marks);

/* lp_flame_layout_hit: the rectangle at (@x, @y) (graph coordinates), or
 * NULL; owned by the layout. */
const LpFlameRect *lp_flame_layout_hit (const LpFlameLayout *self,
                                        double               x,
                                        double               y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpFlameLayout, lp_flame_layout_free)

G_END_DECLS
