/* lp-functions-view.c: the functions table and the callers and callees of the selected function (see lp-functions-view.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-functions-view.h"
#include "lp-list-slice.h"
#include "lp-view-row.h"

struct _LpFunctionsView
{
  GtkWidget           parent_instance;

  GtkWidget          *paned;
  GtkColumnView      *table;
  GtkColumnView      *callers;
  GtkColumnView      *callees;
  GtkLabel           *callers_label;
  GtkLabel           *callees_label;

  GListStore         *store;         /* of LpViewRow: one per function */
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;      /* the store as filtered (a reference), under the selection */
  GtkSingleSelection *selection;
  GListStore         *caller_store;
  GListStore         *callee_store;
  GtkSliceListModel  *slices[3];     /* what the table, callers and callees show of their lists */

  LpFunctions        *functions;     /* owned */
  guint               cached;        /* the function whose links were made ahead, or NONE */
  GArray             *cached_callers;
  GArray             *cached_callees;
  gboolean            cache_next;    /* the cache is of the next table set */
  GRegex             *regex;         /* the filter, or NULL */
  guint               current;       /* the selected function, or LP_FUNCTIONS_NONE */
  gboolean            selecting;     /* the selection is being set from code */
};

enum
{
  FUNCTION_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LpFunctionsView, lp_functions_view, GTK_TYPE_WIDGET)

/* Each list shows about a screen of its rows at first, more as it is
 * scrolled (lp-list-slice.h): the table a tall window's, each list of
 * links its half of it. */

#define TABLE_ROWS  36
#define LINKS_ROWS  14

/* the list of @slice has new rows: the first ones */
static void
refill (LpFunctionsView   *self,
        GtkSliceListModel *slice)
{
  lp_list_slice_start (slice, slice == self->slices[0] ? TABLE_ROWS : LINKS_ROWS);
}

gboolean
lp_functions_view_shows_all (LpFunctionsView *self)
{
  g_return_val_if_fail (LP_IS_FUNCTIONS_VIEW (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (self->slices); i++)
    if (!lp_list_slice_shows_all (self->slices[i]))
      return FALSE;
  return TRUE;
}

void
lp_functions_view_show_all (LpFunctionsView *self)
{
  g_return_if_fail (LP_IS_FUNCTIONS_VIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (self->slices); i++)
    lp_list_slice_show_all (self->slices[i]);
}

/* The callers and callees of the current function */

static void
fill_links (LpFunctionsView *self,
            GListStore      *store,
            GArray          *links,
            const char      *none_name)
{
  const LpFunction *f = lp_functions_get (self->functions, self->current);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < links->len; i++)
    {
      const LpFunctionLink *link = &g_array_index (links, LpFunctionLink, i);
      LpViewRow *row;

      if (link->function == LP_FUNCTIONS_NONE)
        {
          row = lp_view_row_new (none_name, link->count, link->count, f->total, LP_FUNCTIONS_NONE);
          row->dim = TRUE;
        }
      else
        row = lp_view_row_new (lp_functions_get (self->functions, link->function)->name,
                               link->count, link->count, f->total, link->function);
      g_ptr_array_add (rows, row);
    }
  lp_view_row_sort (store == self->caller_store ? self->callers : self->callees, rows);
  refill (self, self->slices[store == self->caller_store ? 1 : 2]);
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), rows->pdata, rows->len);
}

static void
update_links (LpFunctionsView *self)
{
  g_autofree char *callers_text = NULL;
  g_autofree char *callees_text = NULL;

  if (self->functions == NULL || self->current == LP_FUNCTIONS_NONE)
    {
      g_list_store_remove_all (self->caller_store);
      g_list_store_remove_all (self->callee_store);
      gtk_label_set_text (self->callers_label, _("Callers"));
      gtk_label_set_text (self->callees_label, _("Callees"));
      return;
    }
  {
    const char *name = lp_functions_get (self->functions, self->current)->name;
    g_autoptr(GArray) callers = NULL;
    g_autoptr(GArray) callees = NULL;

    /* each costs a pass over the report's stacks: made ahead, in a
     * worker thread, for the function selected with a new table */
    if (self->cached == self->current && self->cached_callers != NULL)
      {
        callers = g_array_ref (self->cached_callers);
        callees = g_array_ref (self->cached_callees);
      }
    else
      {
        callers = lp_functions_get_callers (self->functions, self->current);
        callees = lp_functions_get_callees (self->functions, self->current);
      }

    /* the stacks that begin with the function have no caller; the
     * stacks that end in it, no callee: its own time */
    fill_links (self, self->caller_store, callers, _("[no caller: the stack begins here]"));
    fill_links (self, self->callee_store, callees, _("[self: its own time]"));
    callers_text = g_strdup_printf (_("Who calls %s"), name);
    callees_text = g_strdup_printf (_("What %s calls"), name);
    gtk_label_set_text (self->callers_label, callers_text);
    gtk_label_set_text (self->callees_label, callees_text);
  }
}

/* the current function becomes @index: its links, and the signal */
static void
set_current (LpFunctionsView *self,
             guint            index)
{
  if (index == self->current)
    return;
  self->current = index;
  update_links (self);
  g_signal_emit (self, signals[FUNCTION_SELECTED], 0, lp_functions_view_get_selected (self));
}

static void
selection_changed_cb (LpFunctionsView *self)
{
  LpViewRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (self->selecting || row == NULL)
    return;
  set_current (self, row->id);
}

/* the position of function @index in the table as sorted and filtered, or
 * GTK_INVALID_LIST_POSITION */
static guint
position_of (LpFunctionsView *self,
             guint            index)
{
  GListModel *model = G_LIST_MODEL (self->filtered);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LpViewRow) row = g_list_model_get_item (model, i);

      if (row->id != index)
        continue;
      /* a row the table does not show yet: all of them at once */
      if (i >= gtk_slice_list_model_get_size (self->slices[0]))
        lp_list_slice_show_all (self->slices[0]);
      return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* the table's selection shows the current function (if the filter lets
 * it in), without telling again */
static void
show_current (LpFunctionsView *self,
              gboolean         scroll)
{
  guint pos = self->current != LP_FUNCTIONS_NONE ? position_of (self, self->current)
                                                  : GTK_INVALID_LIST_POSITION;

  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, pos);
  self->selecting = FALSE;
  if (scroll && pos != GTK_INVALID_LIST_POSITION)
    lp_view_row_scroll_to (self->table, pos);
}

void
lp_functions_view_select (LpFunctionsView *self,
                          const char      *name)
{
  guint index = LP_FUNCTIONS_NONE;

  g_return_if_fail (LP_IS_FUNCTIONS_VIEW (self));

  if (name != NULL && self->functions != NULL)
    index = lp_functions_find (self->functions, name);
  set_current (self, index);
  show_current (self, TRUE);
}

static void
link_activate_cb (GtkColumnView   *view,
                  guint            position,
                  LpFunctionsView *self)
{
  g_autoptr(LpViewRow) row = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (view)), position);

  if (row == NULL || row->id == LP_FUNCTIONS_NONE)
    return;
  set_current (self, row->id);
  show_current (self, TRUE);
}

const char *
lp_functions_view_get_selected (LpFunctionsView *self)
{
  g_return_val_if_fail (LP_IS_FUNCTIONS_VIEW (self), NULL);

  if (self->functions == NULL || self->current == LP_FUNCTIONS_NONE)
    return NULL;
  return lp_functions_get (self->functions, self->current)->name;
}

guint
lp_functions_view_get_selected_index (LpFunctionsView *self)
{
  g_return_val_if_fail (LP_IS_FUNCTIONS_VIEW (self), LP_FUNCTIONS_NONE);
  return self->current;
}

static void
clear_cache (LpFunctionsView *self)
{
  self->cached = LP_FUNCTIONS_NONE;
  g_clear_pointer (&self->cached_callers, g_array_unref);
  g_clear_pointer (&self->cached_callees, g_array_unref);
}

void
lp_functions_view_set_links (LpFunctionsView *self,
                             guint            index,
                             GArray          *callers,
                             GArray          *callees)
{
  g_return_if_fail (LP_IS_FUNCTIONS_VIEW (self));

  clear_cache (self);
  self->cached = index;
  self->cached_callers = callers;
  self->cached_callees = callees;
  self->cache_next = TRUE;
}

void
lp_functions_view_set_functions (LpFunctionsView *self,
                                 LpFunctions     *functions)
{
  g_autofree char *selected = g_strdup (lp_functions_view_get_selected (self));
  g_autoptr(GPtrArray) rows = NULL;
  guint n = functions != NULL ? lp_functions_get_n (functions) : 0;
  double base = functions != NULL ? lp_functions_get_total (functions) : 0;
  guint index = LP_FUNCTIONS_NONE;

  g_return_if_fail (LP_IS_FUNCTIONS_VIEW (self));

  rows = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      const LpFunction *f = lp_functions_get (functions, i);

      /* a name with no samples here (only in idle stacks left out, or
       * outside the timeline's selection) is no row */
      if (f->total > 0)
        g_ptr_array_add (rows, lp_view_row_new (f->name, f->self, f->total, base, i));
    }
  /* sorted here, in C: no GtkSortListModel, whose comparisons go
   * through the column sorters at about 2 µs each in GTK 4.8 */
  lp_view_row_sort (self->table, rows);
  /* the rows go before the table they index: a new store */
  self->selecting = TRUE;
  g_clear_object (&self->store);
  self->store = g_list_store_new (LP_TYPE_VIEW_ROW);
  g_list_store_splice (self->store, 0, 0, rows->pdata, rows->len);
  refill (self, self->slices[0]);
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->store));
  self->selecting = FALSE;
  if (!self->cache_next)
    clear_cache (self);
  self->cache_next = FALSE;
  g_clear_pointer (&self->functions, lp_functions_free);
  self->functions = functions;

  if (selected != NULL && functions != NULL)
    index = lp_functions_find (functions, selected);
  self->current = index;
  update_links (self);
  show_current (self, FALSE);
  if (index == LP_FUNCTIONS_NONE && selected != NULL)
    g_signal_emit (self, signals[FUNCTION_SELECTED], 0, NULL);
}

LpFunctions *
lp_functions_view_get_functions (LpFunctionsView *self)
{
  g_return_val_if_fail (LP_IS_FUNCTIONS_VIEW (self), NULL);
  return self->functions;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  LpFunctionsView *self = user_data;

  return self->regex == NULL || g_regex_match (self->regex, LP_VIEW_ROW (item)->name, 0, NULL);
}

void
lp_functions_view_set_filter (LpFunctionsView *self,
                              GRegex          *regex)
{
  g_return_if_fail (LP_IS_FUNCTIONS_VIEW (self));

  if (regex == self->regex)
    return;
  g_clear_pointer (&self->regex, g_regex_unref);
  self->regex = regex != NULL ? g_regex_ref (regex) : NULL;
  self->selecting = TRUE;
  refill (self, self->slices[0]);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  self->selecting = FALSE;
  show_current (self, TRUE);
}

GtkColumnView *
lp_functions_view_get_table (LpFunctionsView *self)
{
  return self->table;
}

GtkColumnView *
lp_functions_view_get_callers (LpFunctionsView *self)
{
  return self->callers;
}

GtkColumnView *
lp_functions_view_get_callees (LpFunctionsView *self)
{
  return self->callees;
}

/* the index in self->slices of the list @view shows */
static guint
list_of (LpFunctionsView *self,
         GtkColumnView   *view)
{
  return view == self->table ? 0 : view == self->callers ? 1 : 2;
}

/* a header was clicked: @view's store sorted again (in C) */
static void
sorter_changed_cb (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   LpFunctionsView *self)
{
  GtkColumnView *view = g_object_get_data (G_OBJECT (sorter), "lp-view");
  GListStore *store = view == self->table ? self->store : view == self->callers ? self->caller_store
                                                                               : self->callee_store;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, g_list_model_get_item (G_LIST_MODEL (store), i));
  lp_view_row_sort (view, rows);
  self->selecting = TRUE;
  refill (self, self->slices[list_of (self, view)]);
  g_list_store_splice (store, 0, n, rows->pdata, rows->len);
  self->selecting = FALSE;
  if (view == self->table)
    show_current (self, TRUE);
}

/* @model in @view, its rows in the order its columns say: every list
 * given to the view comes sorted (lp_view_row_sort()), and is sorted
 * again when a header is clicked */
static GtkSingleSelection *
attach_model (LpFunctionsView *self,
              GtkColumnView   *view,
              GListModel      *model)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (view);
  GtkSingleSelection *selection;
  GtkSliceListModel *slice;

  g_object_set_data (G_OBJECT (sorter), "lp-view", view);
  g_signal_connect_object (sorter, "changed", G_CALLBACK (sorter_changed_cb), self, 0);
  self->slices[list_of (self, view)] = slice = lp_list_slice_new (g_object_ref (model), view);
  selection = gtk_single_selection_new (G_LIST_MODEL (slice));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  return selection;
}

/* a list of links (callers or callees) under a heading */
static GtkWidget *
new_links (LpFunctionsView  *self,
           GtkColumnView   **view,
           GtkLabel        **label,
           GListStore      **store,
           const char       *name_title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = lp_view_row_new_table (view);
  GtkColumnViewColumn *count;

  *label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (*label, 0);
  gtk_label_set_ellipsize (*label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_margin_start (GTK_WIDGET (*label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (*label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (*label), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (*label), 6);
  gtk_widget_add_css_class (GTK_WIDGET (*label), "heading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*label));
  gtk_box_append (GTK_BOX (box), scrolled);

  lp_view_row_add_name_column (*view, name_title, FALSE);
  count = lp_view_row_add_count_column (*view, _("Samples"), LP_VIEW_COLUMN_TOTAL, FALSE);
  lp_view_row_add_count_column (*view, _("Share"), LP_VIEW_COLUMN_TOTAL_PERCENT, FALSE);
  *store = g_list_store_new (LP_TYPE_VIEW_ROW);
  attach_model (self, *view, G_LIST_MODEL (*store));
  gtk_column_view_sort_by_column (*view, count, GTK_SORT_DESCENDING);
  /* one click, or Enter, goes to a caller or callee */
  gtk_column_view_set_single_click_activate (*view, TRUE);
  g_signal_connect (*view, "activate", G_CALLBACK (link_activate_cb), self);
  return box;
}

static void
lp_functions_view_dispose (GObject *object)
{
  LpFunctionsView *self = LP_FUNCTIONS_VIEW (object);

  g_clear_pointer (&self->paned, gtk_widget_unparent);
  G_OBJECT_CLASS (lp_functions_view_parent_class)->dispose (object);
}

static void
lp_functions_view_finalize (GObject *object)
{
  LpFunctionsView *self = LP_FUNCTIONS_VIEW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->filtered);
  g_clear_object (&self->caller_store);
  g_clear_object (&self->callee_store);
  clear_cache (self);
  g_clear_pointer (&self->functions, lp_functions_free);
  g_clear_pointer (&self->regex, g_regex_unref);
  G_OBJECT_CLASS (lp_functions_view_parent_class)->finalize (object);
}

static void
lp_functions_view_class_init (LpFunctionsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lp_functions_view_dispose;
  object_class->finalize = lp_functions_view_finalize;
  signals[FUNCTION_SELECTED] = g_signal_new ("function-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "functions");
}

static void
lp_functions_view_init (LpFunctionsView *self)
{
  GtkWidget *table_box = lp_view_row_new_table (&self->table);
  GtkWidget *links = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  GtkColumnViewColumn *self_column;
  GtkFilterListModel *filtered;

  self->current = LP_FUNCTIONS_NONE;
  self->cached = LP_FUNCTIONS_NONE;
  lp_view_row_add_name_column (self->table, _("Function"), FALSE);
  self_column = lp_view_row_add_count_column (self->table, _("Self"), LP_VIEW_COLUMN_SELF, FALSE);
  lp_view_row_add_count_column (self->table, _("Self %"), LP_VIEW_COLUMN_SELF_PERCENT, FALSE);
  lp_view_row_add_count_column (self->table, _("Total"), LP_VIEW_COLUMN_TOTAL, FALSE);
  lp_view_row_add_count_column (self->table, _("Total %"), LP_VIEW_COLUMN_TOTAL_PERCENT, FALSE);

  self->store = g_list_store_new (LP_TYPE_VIEW_ROW);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->store)),
                                        GTK_FILTER (self->filter));
  self->filtered = filtered;
  self->selection = attach_model (self, self->table, G_LIST_MODEL (filtered));
  /* at first, what costs most on its own (pprof's top, perf report) */
  gtk_column_view_sort_by_column (self->table, self_column, GTK_SORT_DESCENDING);
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);

  gtk_paned_set_start_child (GTK_PANED (links), new_links (self, &self->callers, &self->callers_label,
                                                           &self->caller_store, _("Caller")));
  gtk_paned_set_end_child (GTK_PANED (links), new_links (self, &self->callees, &self->callees_label,
                                                         &self->callee_store, _("Callee")));
  gtk_paned_set_shrink_start_child (GTK_PANED (links), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (links), FALSE);

  self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (self->paned), table_box);
  gtk_paned_set_end_child (GTK_PANED (self->paned), links);
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
  gtk_widget_set_size_request (table_box, 420, -1);
  gtk_widget_set_size_request (links, 320, -1);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
  update_links (self);
}

GtkWidget *
lp_functions_view_new (void)
{
  return g_object_new (LP_TYPE_FUNCTIONS_VIEW, NULL);
}
