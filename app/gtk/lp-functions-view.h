/* lp-functions-view.h: the functions table (self and total of every function, sortable, filtered) and the callers and callees of the selected one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lp-functions.h"

G_BEGIN_DECLS

#define LP_TYPE_FUNCTIONS_VIEW (lp_functions_view_get_type ())
G_DECLARE_FINAL_TYPE (LpFunctionsView, lp_functions_view, LP, FUNCTIONS_VIEW, GtkWidget)

/* A table of the functions of an LpFunctions, beside two lists: who calls
 * the selected function and what it calls, with all its calls merged.
 * A click or Enter on a caller or callee selects it. Signals:
 * "function-selected" (const char *name, nullable): the selection changed,
 * by the user or by lp_functions_view_select(). */
GtkWidget     *lp_functions_view_new            (void);

/* lp_functions_view_set_functions: shows @functions (taken; nullable:
 * an empty table); the selected function stays selected if it is still
 * there. */
void           lp_functions_view_set_functions  (LpFunctionsView *self,
                                                 LpFunctions     *functions);
LpFunctions   *lp_functions_view_get_functions  (LpFunctionsView *self);
/* lp_functions_view_set_links: the callers and callees (both taken) of
 * function @index of the table about to be set, made ahead (in a worker
 * thread: each costs a pass over the report); used when it is selected */
void           lp_functions_view_set_links      (LpFunctionsView *self,
                                                 guint            index,
                                                 GArray          *callers,
                                                 GArray          *callees);

/* GTK 4.8 makes the widgets of 200 rows of a list at once, shown or not:
 * each list shows its first rows, and all of them once scrolled near
 * their end (or when a row beyond is selected); the lists' models hold
 * only those. lp_functions_view_shows_all: whether every list shows all
 * its rows; lp_functions_view_show_all: all of them, now. */
gboolean       lp_functions_view_shows_all      (LpFunctionsView *self);
void           lp_functions_view_show_all       (LpFunctionsView *self);

/* lp_functions_view_set_filter: shows only the functions whose name
 * matches @regex (nullable: all) */
void           lp_functions_view_set_filter     (LpFunctionsView *self,
                                                 GRegex          *regex);

/* lp_functions_view_select: selects the function @name (or the function
 * of the frame @name, "name (file:line)"); NULL or a name not in the
 * table: none. The table scrolls to its row. */
void           lp_functions_view_select         (LpFunctionsView *self,
                                                 const char      *name);
/* the selected function's name, or NULL */
const char    *lp_functions_view_get_selected   (LpFunctionsView *self);
/* the selected function's index in the table, or LP_FUNCTIONS_NONE */
guint          lp_functions_view_get_selected_index (LpFunctionsView *self);

/* The three tables (for tests and the window's focus): their models are
 * GtkSingleSelections of LpViewRows. */
GtkColumnView *lp_functions_view_get_table      (LpFunctionsView *self);
GtkColumnView *lp_functions_view_get_callers    (LpFunctionsView *self);
GtkColumnView *lp_functions_view_get_callees    (LpFunctionsView *self);

G_END_DECLS
