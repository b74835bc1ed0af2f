/* lp-flame-view-private.h: what the files of the flame graph widget share (lp-flame-view.c, lp-flame-view-keys.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-flame-view.h"

G_BEGIN_DECLS

#define ROW_HEIGHT 18.0
#define MIN_WIDTH  0.5
#define FOCUS_WIDTH 2.0f   /* the keyboard focus ring, px */

struct _LpFlameView
{
  GtkWidget      parent_instance;

  LpFlameModel  *model;          /* not owned */
  LpFlameLayout *layout;         /* NULL when it must be made again */
  guint32        zoom;
  GArray        *history;        /* of guint32: zooms to go back to */
  GRegex        *search;
  char          *function;       /* marked in place of a search, or NULL */
  guint8        *marks;          /* its frames, per frame of marks_model's names */
  guint          n_marks;
  LpFlameModel  *marks_model;
  gboolean       icicle;
  LpFlameOrder   order;
  LpFlamePalette palette;
  guint32        hover_node;
  gboolean       pointer_inside;  /* a tooltip may be up: refresh it with the graph */
  guint32        menu_node;
  gboolean       scrolled_once;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  GtkScrollablePolicy hscroll_policy;
  GtkScrollablePolicy vscroll_policy;

  GtkWidget     *menu;
  gboolean       keyboard_used;  /* keys moved the cursor since the last click */
};

/* lp-flame-view.c: what a click and a key both do to @node: activate it
 * (the "frame-activated" signal, then zoom into it), or open the menu at
 * (@x, @y) of the widget */
void _lp_flame_view_activate      (LpFlameView *self,
                                   guint32      node);
void _lp_flame_view_popup_menu    (LpFlameView *self,
                                   guint32      node,
                                   int          x,
                                   int          y);

/* lp-flame-view-keys.c: the keyboard's controllers, and the focus ring
 * drawn over the graph */
void _lp_flame_view_keys_init     (LpFlameView *self);
void _lp_flame_view_keys_snapshot (LpFlameView *self,
                                   GtkSnapshot *snapshot);

G_END_DECLS
