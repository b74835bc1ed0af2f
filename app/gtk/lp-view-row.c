/* lp-view-row.c: one row of the window's tables, and the columns that show it (see lp-view-row.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-folded.h"
#include "lp-view-row.h"

G_DEFINE_FINAL_TYPE (LpViewRow, lp_view_row, G_TYPE_OBJECT)

static void
lp_view_row_finalize (GObject *object)
{
  LpViewRow *self = LP_VIEW_ROW (object);

  g_free (self->name);
  g_free (self->text);
  G_OBJECT_CLASS (lp_view_row_parent_class)->finalize (object);
}

static void
lp_view_row_class_init (LpViewRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lp_view_row_finalize;
}

static void
lp_view_row_init (LpViewRow *self)
{
}

LpViewRow *
lp_view_row_new (const char *name,
                 double      self_samples,
                 double      total,
                 double      base,
                 guint       id)
{
  LpViewRow *row = g_object_new (LP_TYPE_VIEW_ROW, NULL);

  row->name = g_strdup (name);
  row->self = self_samples;
  row->total = total;
  row->base = base;
  row->id = id;
  return row;
}

LpViewRow *
lp_view_row_from_item (gpointer item)
{
  if (GTK_IS_TREE_LIST_ROW (item))
    {
      /* gtk_tree_list_row_get_item() gives a reference: the row keeps one */
      GObject *inner = gtk_tree_list_row_get_item (item);
      g_object_unref (inner);
      return LP_VIEW_ROW (inner);
    }
  return LP_VIEW_ROW (item);
}

char *
lp_view_row_format_count (double count)
{
  char buf[64];

  lp_folded_format_count (count, buf);
  return g_strdup (buf);
}

char *
lp_view_row_format_percent (double part,
                        double whole)
{
  if (whole <= 0)
    return g_strdup ("");
  return g_strdup_printf ("%.2f%%", 100.0 * part / whole);
}

/* Cells: a label (in a tree expander for the tree's names) */

/* a name's whole text, as its tooltip: asked when the pointer rests on
 * it (a tooltip set at each bind would cost GTK a query of the pointer
 * from the X server per row) */
static gboolean
name_tooltip_cb (GtkWidget  *label,
                 int         x,
                 int         y,
                 gboolean    keyboard,
                 GtkTooltip *tooltip)
{
  const char *text = gtk_label_get_text (GTK_LABEL (label));

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
name_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  tree)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (name_tooltip_cb), NULL);
  if (GPOINTER_TO_INT (tree))
    {
      GtkWidget *expander = gtk_tree_expander_new ();

      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
      gtk_list_item_set_child (item, expander);
    }
  else
    gtk_list_item_set_child (item, label);
}

static void
name_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  tree)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  gpointer object = gtk_list_item_get_item (item);
  LpViewRow *row = lp_view_row_from_item (object);
  GtkWidget *label = child;

  if (GTK_IS_TREE_EXPANDER (child))
    {
      gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), GTK_TREE_LIST_ROW (object));
      label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
    }
  gtk_label_set_text (GTK_LABEL (label), row->name);
  if (row->dim)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

static void
count_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  what)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
count_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  what)
{
  LpViewRow *row = lp_view_row_from_item (gtk_list_item_get_item (item));
  g_autofree char *text = NULL;

  switch ((LpViewColumn) GPOINTER_TO_INT (what))
    {
    case LP_VIEW_COLUMN_SELF:
      text = lp_view_row_format_count (row->self);
      break;
    case LP_VIEW_COLUMN_SELF_PERCENT:
      text = lp_view_row_format_percent (row->self, row->base);
      break;
    case LP_VIEW_COLUMN_TOTAL:
      text = lp_view_row_format_count (row->total);
      break;
    case LP_VIEW_COLUMN_TOTAL_PERCENT:
    default:
      text = lp_view_row_format_percent (row->total, row->base);
      break;
    }
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

/* Sorters: a row's field, compared directly (no GValue per comparison) */

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_strcmp0 (LP_VIEW_ROW ((gpointer) a)->name, LP_VIEW_ROW ((gpointer) b)->name);
}

static int
compare_doubles (double x,
                 double y,
                 const char *na,
                 const char *nb)
{
  if (x != y)
    return x < y ? -1 : 1;
  /* equal counts: by name, the same order whichever way it is sorted */
  return g_strcmp0 (nb, na);
}

static int
compare_self (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const LpViewRow *x = a, *y = b;
  return compare_doubles (x->self, y->self, x->name, y->name);
}

static int
compare_total (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const LpViewRow *x = a, *y = b;
  return compare_doubles (x->total, y->total, x->name, y->name);
}

/* a sort of an array of rows: a column's comparison, either way */
typedef struct
{
  GCompareDataFunc compare;
  int              sign;    /* 1 ascending, -1 descending */
} RowOrder;

static int
compare_in_order (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  const RowOrder *order = data;

  /* every column's comparison is antisymmetric: -1 turns it around */
  return order->sign * order->compare (*(gpointer *) a, *(gpointer *) b, NULL);
}

/* how @sorter orders row (@na, @sa, @ta) before row (@nb, @sb, @tb) */
static GtkOrdering
probe (GtkSorter  *sorter,
       const char *na, double sa, double ta,
       const char *nb, double sb, double tb)
{
  g_autoptr(LpViewRow) a = lp_view_row_new (na, sa, ta, 1, 0);
  g_autoptr(LpViewRow) b = lp_view_row_new (nb, sb, tb, 1, 0);

  return gtk_sorter_compare (sorter, a, b);
}

void
lp_view_row_sort (GtkColumnView *view,
                  GPtrArray     *rows)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (view);
  GtkOrdering up;
  RowOrder order;

  /* GTK 4.8 does not tell the column sorted by: ask the sorter how it
   * orders three pairs of rows. In the first, every field of one is
   * less; in the second only the name; in the third only the self
   * count. Each column's comparison is a total order (equal counts by
   * name), so the column sorted by decides alone. */
  up = probe (sorter, "a", 1, 1, "b", 2, 2);
  if (up == GTK_ORDERING_EQUAL)
    return;   /* not sorted */
  order.sign = up == GTK_ORDERING_SMALLER ? 1 : -1;
  if (probe (sorter, "a", 2, 2, "b", 1, 1) == up)
    order.compare = compare_names;
  else if (probe (sorter, "b", 1, 2, "a", 2, 1) == up)
    order.compare = compare_self;
  else
    order.compare = compare_total;
  g_ptr_array_sort_with_data (rows, compare_in_order, &order);
}

static GtkColumnViewColumn *
add_column (GtkColumnView *view,
            const char    *title,
            GCallback      setup,
            GCallback      bind,
            gpointer       data,
            GtkSorter     *sorter)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, data);
  g_signal_connect (factory, "bind", bind, data);
  column = gtk_column_view_column_new (title, factory);
  if (sorter != NULL)
    {
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
    }
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return column;
}

GtkColumnViewColumn *
lp_view_row_add_name_column (GtkColumnView *view,
                          const char    *title,
                          gboolean       tree)
{
  GtkColumnViewColumn *column;

  column = add_column (view, title, G_CALLBACK (name_setup_cb), G_CALLBACK (name_bind_cb),
                       GINT_TO_POINTER (tree),
                       tree ? NULL : GTK_SORTER (gtk_custom_sorter_new (compare_names, NULL, NULL)));
  gtk_column_view_column_set_expand (column, TRUE);
  return column;
}

GtkColumnViewColumn *
lp_view_row_add_count_column (GtkColumnView *view,
                           const char    *title,
                           LpViewColumn   what,
                           gboolean       tree)
{
  GtkSorter *sorter = NULL;
  GtkColumnViewColumn *column;

  if (!tree)
    sorter = GTK_SORTER (gtk_custom_sorter_new (what == LP_VIEW_COLUMN_SELF || what == LP_VIEW_COLUMN_SELF_PERCENT
                                                ? compare_self : compare_total, NULL, NULL));
  column = add_column (view, title, G_CALLBACK (count_setup_cb), G_CALLBACK (count_bind_cb),
                       GINT_TO_POINTER (what), sorter);
  gtk_column_view_column_set_fixed_width (column, what == LP_VIEW_COLUMN_SELF || what == LP_VIEW_COLUMN_TOTAL ? 96 : 80);
  return column;
}

void
lp_view_row_scroll_to (GtkColumnView *view,
                   guint          position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
        return;
      }
}

GtkWidget *
lp_view_row_new_table (GtkColumnView **view)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  *view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (*view, FALSE);
  gtk_column_view_set_reorderable (*view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (*view), "data-table");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (*view));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (scrolled, TRUE);
  return scrolled;
}
