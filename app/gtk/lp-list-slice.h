/* lp-list-slice.h: a long list's rows shown a slice at a time, more of them as it is scrolled.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's lists make the widgets of up to 200 rows, shown or not: some
 * 11 widgets a row in a table of five columns, tens of ms of the main loop
 * to make and to measure. A list whose model is wrapped in such a slice
 * makes those of the rows a screen shows, and more when it is scrolled
 * within a page of the slice's end: LP_LIST_SLICE_MORE at a time, all of
 * them once LP_LIST_SLICE_ALL_AT would be. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LP_LIST_SLICE_MORE   40
#define LP_LIST_SLICE_ALL_AT 200

/* lp_list_slice_new: a slice of @model (taken: transfer full), all of it
 * until lp_list_slice_start(), grown as @view is scrolled. */
GtkSliceListModel *lp_list_slice_new       (GListModel        *model,
                                            GtkColumnView     *view);

/* lp_list_slice_start: the first @rows rows only (a list filled again). */
void               lp_list_slice_start     (GtkSliceListModel *slice,
                                            guint              rows);

/* lp_list_slice_show_all: every row. */
void               lp_list_slice_show_all  (GtkSliceListModel *slice);

/* lp_list_slice_reveal: rows up to @position and @after more, or all of
 * them if that many would be LP_LIST_SLICE_ALL_AT or more. */
void               lp_list_slice_reveal    (GtkSliceListModel *slice,
                                            guint              position,
                                            guint              after);

/* lp_list_slice_shows_all: whether no row of the model is left out. */
gboolean           lp_list_slice_shows_all (GtkSliceListModel *slice);

G_END_DECLS
