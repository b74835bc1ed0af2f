/* lp-flame-view.h: the flame graph widget: draws a model, zooms, searches, explains.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lp-flame-draw.h"
#include "lp-flame-export.h"

G_BEGIN_DECLS

#define LP_TYPE_FLAME_VIEW (lp_flame_view_get_type ())
G_DECLARE_FINAL_TYPE (LpFlameView, lp_flame_view, LP, FLAME_VIEW, GtkWidget)

/* A scrollable widget (put it in a GtkScrolledWindow) that draws an
 * LpFlameModel with render/'s layout and draw functions. Signals:
 * "zoom-changed" (), "focus-requested" (guint frame), "hide-requested"
 * (guint frame), "hover-changed" (guint node: the node under the pointer,
 * or LP_FLAME_NO_NODE), "frame-activated" (guint node: clicked, or Enter
 * on it; the view zooms into it after). */
GtkWidget           *lp_flame_view_new          (void);

/* lp_flame_view_set_model: shows @model, which the caller keeps alive
 * until it sets another one or NULL. Resets zoom and history. */
void                 lp_flame_view_set_model    (LpFlameView  *self,
                                                 LpFlameModel *model);
LpFlameModel        *lp_flame_view_get_model    (LpFlameView  *self);

/* lp_flame_view_model_changed: the model gained samples: lay out and draw
 * again at the next frame (many calls in one frame cost one layout). */
void                 lp_flame_view_model_changed (LpFlameView *self);

void                 lp_flame_view_set_zoom     (LpFlameView *self,
                                                 guint32      node);
guint32              lp_flame_view_get_zoom     (LpFlameView *self);
/* lp_flame_view_zoom_back: the previous zoom; FALSE if there is none */
gboolean             lp_flame_view_zoom_back    (LpFlameView *self);
void                 lp_flame_view_reset_zoom   (LpFlameView *self);

/* lp_flame_view_set_search: highlights frames matching @pattern (a regular
 * expression; NULL or "" for none). FALSE and @error if it does not compile. */
gboolean             lp_flame_view_set_search   (LpFlameView  *self,
                                                 const char   *pattern,
                                                 gboolean      ignore_case,
                                                 GError      **error);
/* lp_flame_view_mark_function: marks the frames of @function (see
 * lp_functions_name_of_frame()) as a search would, in place of the search;
 * NULL marks none. */
void                 lp_flame_view_mark_function (LpFlameView *self,
                                                  const char  *function);
/* the share of the zoom root's samples in matching (or marked) frames, or -1 */
double               lp_flame_view_get_matched  (LpFlameView *self);

void                 lp_flame_view_set_icicle   (LpFlameView *self,
                                                 gboolean     icicle);
void                 lp_flame_view_set_order    (LpFlameView  *self,
                                                 LpFlameOrder  order);
void                 lp_flame_view_set_palette  (LpFlameView    *self,
                                                 LpFlamePalette  palette);

/* lp_flame_view_get_layout: the current layout, laid out now if needed
 * (NULL without a model); owned by the view. */
const LpFlameLayout *lp_flame_view_get_layout   (LpFlameView *self);
/* lp_flame_view_rect_at: the rectangle under widget point (@x, @y), or NULL */
const LpFlameRect   *lp_flame_view_rect_at      (LpFlameView *self,
                                                 double       x,
                                                 double       y);
/* lp_flame_view_get_cursor: the node the keyboard cursor (or the pointer)
 * is on, or LP_FLAME_NO_NODE. Arrows move it, Enter zooms into it. */
guint32              lp_flame_view_get_cursor   (LpFlameView *self);

/* lp_flame_view_describe: the hover text for @rect; you own it */
char                *lp_flame_view_describe     (LpFlameView       *self,
                                                 const LpFlameRect *rect);
/* lp_flame_view_graph_to_widget_y: where graph row coordinate @y is drawn */
double               lp_flame_view_graph_to_widget_y (LpFlameView *self,
                                                      double       y);

G_END_DECLS
