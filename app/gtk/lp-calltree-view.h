/* lp-calltree-view.h: the call tree, top-down or bottom-up, as an expandable table with self and total columns.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lp-flame-model.h"

G_BEGIN_DECLS

#define LP_TYPE_CALLTREE_VIEW (lp_calltree_view_get_type ())
G_DECLARE_FINAL_TYPE (LpCalltreeView, lp_calltree_view, LP, CALLTREE_VIEW, GtkWidget)

/* The nodes of an LpFlameModel (the graph's own) as a tree table: each
 * node's children sorted by total, largest first; the hottest path
 * expanded. Keys: Up and Down move, Right, + or Shift+Right expand (Right
 * again goes to the first child), Left, - or Shift+Left collapse (Left
 * again goes to the parent), * expands everything under the row, Enter
 * toggles. Property "reverse": the Top-Down / Bottom-Up buttons (the
 * window binds it to its own: the model is then made bottom-up). Signal
 * "function-selected" (const char *frame name): a row was selected. */
GtkWidget     *lp_calltree_view_new        (void);

/* lp_calltree_view_set_model: shows @model (not owned: the caller keeps
 * it alive until it sets another or NULL); the hottest path expanded. */
void           lp_calltree_view_set_model  (LpCalltreeView *self,
                                            LpFlameModel   *model);
/* lp_calltree_view_model_changed: the model gained samples: shown again
 * (the hottest path expanded again) */
void           lp_calltree_view_model_changed (LpCalltreeView *self);

/* the table (its model is a GtkSingleSelection of GtkTreeListRows of
 * LpViewRows whose id is the model's node) */
GtkColumnView *lp_calltree_view_get_table  (LpCalltreeView *self);

G_END_DECLS
