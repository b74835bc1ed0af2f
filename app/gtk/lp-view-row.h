/* lp-view-row.h: one row of the window's tables (a function, a caller or callee, a node of the call tree, a source line) and the columns that show it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LP_TYPE_VIEW_ROW (lp_view_row_get_type ())
G_DECLARE_FINAL_TYPE (LpViewRow, lp_view_row, LP, VIEW_ROW, GObject)

/* A plain record in a GObject, for GListModels: the tables read its
 * fields directly (they are the app's own, not an API). */
struct _LpViewRow
{
  GObject  parent_instance;

  char    *name;    /* what the first column shows; owned */
  double   self;    /* samples of its own (a caller's or callee's: its samples) */
  double   total;   /* samples with everything it calls */
  double   base;    /* the 100 % of the percentages */
  guint    id;      /* the function's index, the tree's node, the line's number */
  char    *text;    /* a source line's text, or NULL; owned */
  gboolean dim;     /* a row that stands for no function ("[self]"): shown dim */
};

/* lp_view_row_new: a row named @name (copied). */
LpViewRow  *lp_view_row_new           (const char *name,
                                       double      self,
                                       double      total,
                                       double      base,
                                       guint       id);

/* The item of a list position: the row itself, or the row of a
 * GtkTreeListRow (call trees). Not a new reference. */
LpViewRow  *lp_view_row_from_item     (gpointer    item);

typedef enum
{
  LP_VIEW_COLUMN_SELF,
  LP_VIEW_COLUMN_SELF_PERCENT,
  LP_VIEW_COLUMN_TOTAL,
  LP_VIEW_COLUMN_TOTAL_PERCENT,
} LpViewColumn;

/* lp_view_row_add_name_column: the first column of @view (titled @title,
 * expanding), with a tree expander if @tree (the items are then
 * GtkTreeListRows), sortable by name unless @tree. Returns the column
 * (owned by @view). */
GtkColumnViewColumn *lp_view_row_add_name_column  (GtkColumnView *view,
                                                const char    *title,
                                                gboolean       tree);
/* lp_view_row_add_count_column: a number column: @what of the rows,
 * right-aligned, sortable by it unless @tree. */
GtkColumnViewColumn *lp_view_row_add_count_column (GtkColumnView *view,
                                                const char    *title,
                                                LpViewColumn   what,
                                                gboolean       tree);

/* lp_view_row_format_count: samples as the window writes them ("1,234" is
 * written "1234" as in folded text); you own it */
char       *lp_view_row_format_count      (double      count);
/* lp_view_row_format_percent: @part of @whole, "12.34%", or "" when @whole is 0 */
char       *lp_view_row_format_percent    (double      part,
                                       double      whole);

/* lp_view_row_sort: sorts @rows (of LpViewRow) in place as the columns of
 * @view (lp_view_row_add_*_column(), not a tree's) sort them now: a sorted
 * list then finds them in order, in one comparison a row where it would
 * make about log2(n) (GTK 4.8 compares through its column sorters at
 * about 2 µs a comparison). */
void        lp_view_row_sort              (GtkColumnView *view,
                                       GPtrArray     *rows);

/* lp_view_row_scroll_to: scrolls the list of @view to @position (GTK 4.8 has
 * no gtk_column_view_scroll_to(): its list's "list.scroll-to-item") */
void        lp_view_row_scroll_to         (GtkColumnView *view,
                                       guint          position);

/* lp_view_row_new_table: a column view in a scrolled window (returned; the
 * view in *@view), with the window's look for tables */
GtkWidget  *lp_view_row_new_table         (GtkColumnView **view);

G_END_DECLS
