/* lp-calltree-view.c: the call tree as an expandable table (see lp-calltree-view.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-calltree-view.h"
#include "lp-list-slice.h"
#include "lp-view-row.h"

/* no path is expanded deeper than this by itself */
#define MAX_AUTO_DEPTH 256

/* rows shown at first (lp-list-slice.h): a tall window's, and at least a
 * few beyond the hottest path's last */
#define FIRST_ROWS 36
#define ROWS_AFTER 8

struct _LpCalltreeView
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkToggleButton    *top_down_button;
  GtkToggleButton    *bottom_up_button;
  GtkColumnView      *table;
  GtkSingleSelection *selection;
  GtkSliceListModel  *slice;    /* what the table shows of the tree's rows */

  LpFlameModel       *model;    /* not owned */
  gboolean            reverse;
  gboolean            rebuilding; /* rows selected by the tree itself: no signal */
};

enum
{
  PROP_0,
  PROP_REVERSE,
  N_PROPS
};

enum
{
  FUNCTION_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LpCalltreeView, lp_calltree_view, GTK_TYPE_WIDGET)

static int
compare_rows_by_total (gconstpointer a,
                       gconstpointer b)
{
  const LpViewRow *x = *(LpViewRow * const *) a, *y = *(LpViewRow * const *) b;

  if (x->total != y->total)
    return x->total > y->total ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

/* the children of @node, hottest first, as a list of rows; NULL if none */
static GListModel *
children_of (LpCalltreeView *self,
             guint32         node)
{
  const LpFlameNode *n;
  g_autoptr(GPtrArray) rows = NULL;
  GListStore *store;
  double base;

  if (self->model == NULL)
    return NULL;
  n = lp_flame_model_get_node (self->model, node);
  if (n->first_child == LP_FLAME_NO_NODE)
    return NULL;
  base = lp_flame_model_get_total (self->model);
  rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint32 c = n->first_child; c != LP_FLAME_NO_NODE; c = lp_flame_model_get_node (self->model, c)->next_sibling)
    {
      const LpFlameNode *child = lp_flame_model_get_node (self->model, c);
      g_ptr_array_add (rows, lp_view_row_new (lp_flame_model_node_name (self->model, c),
                                              child->self, child->total, base, c));
    }
  g_ptr_array_sort (rows, compare_rows_by_total);
  store = g_list_store_new (LP_TYPE_VIEW_ROW);
  g_list_store_splice (store, 0, 0, rows->pdata, rows->len);
  return G_LIST_MODEL (store);
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  return children_of (user_data, LP_VIEW_ROW (item)->id);
}

static GtkTreeListModel *
tree_model (LpCalltreeView *self)
{
  return GTK_TREE_LIST_MODEL (gtk_slice_list_model_get_model (self->slice));
}

/* selects the row at @pos of the tree, shown if it was not */
static void
select_row (LpCalltreeView *self,
            guint           pos)
{
  lp_list_slice_reveal (self->slice, pos, ROWS_AFTER);
  gtk_single_selection_set_selected (self->selection, pos);
}

/* opens the hottest path of @tree: from the first root, each first
 * (hottest) child; returns the position of its last row. Done before the
 * table shows @tree: in a shown table, each row opened costs GTK 4.8 a
 * pass over the rows (100 ms at 3,600 roots). */
static guint
expand_hottest (GtkTreeListModel *tree)
{
  guint pos = 0;

  for (guint depth = 0; depth < MAX_AUTO_DEPTH; depth++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (tree, pos);

      if (row == NULL)
        break;
      /* the path's leaf */
      if (!gtk_tree_list_row_is_expandable (row))
        return pos;
      gtk_tree_list_row_set_expanded (row, TRUE);
      pos++;
    }
  return pos > 0 ? pos - 1 : 0;
}

static void
rebuild (LpCalltreeView *self)
{
  GListModel *roots = children_of (self, LP_FLAME_ROOT);
  GtkTreeListModel *tree;
  guint last;

  if (roots == NULL)
    roots = G_LIST_MODEL (g_list_store_new (LP_TYPE_VIEW_ROW));
  tree = gtk_tree_list_model_new (roots, FALSE, FALSE, create_children_cb, self, NULL);
  last = expand_hottest (tree);
  self->rebuilding = TRUE;
  lp_list_slice_start (self->slice, FIRST_ROWS);
  lp_list_slice_reveal (self->slice, last, ROWS_AFTER);
  gtk_slice_list_model_set_model (self->slice, G_LIST_MODEL (tree));
  select_row (self, last);
  self->rebuilding = FALSE;
  g_object_unref (tree);
}

void
lp_calltree_view_set_model (LpCalltreeView *self,
                            LpFlameModel   *model)
{
  g_return_if_fail (LP_IS_CALLTREE_VIEW (self));

  /* the rows made from the old model go before it does */
  self->model = NULL;
  gtk_slice_list_model_set_model (self->slice, NULL);
  self->model = model;
  rebuild (self);
}

void
lp_calltree_view_model_changed (LpCalltreeView *self)
{
  g_return_if_fail (LP_IS_CALLTREE_VIEW (self));
  rebuild (self);
}

GtkColumnView *
lp_calltree_view_get_table (LpCalltreeView *self)
{
  return self->table;
}

/* Keys: the selected row is the cursor */

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                LpCalltreeView        *self)
{
  guint pos = gtk_single_selection_get_selected (self->selection);
  g_autoptr(GtkTreeListRow) row = NULL;
  gboolean expand, collapse, toggle, all;

  if (pos == GTK_INVALID_LIST_POSITION || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    return FALSE;
  row = gtk_tree_list_model_get_row (tree_model (self), pos);
  if (row == NULL)
    return FALSE;
  expand = keyval == GDK_KEY_Right || keyval == GDK_KEY_plus || keyval == GDK_KEY_KP_Add;
  collapse = keyval == GDK_KEY_Left || keyval == GDK_KEY_minus || keyval == GDK_KEY_KP_Subtract;
  toggle = keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_space;
  all = keyval == GDK_KEY_asterisk || keyval == GDK_KEY_KP_Multiply;

  if (all)
    {
      /* everything under the row, as deep as it goes */
      guint depth = gtk_tree_list_row_get_depth (row);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (tree_model (self)));

      for (guint i = pos; i < n; i++)
        {
          g_autoptr(GtkTreeListRow) r = gtk_tree_list_model_get_row (tree_model (self), i);
          if (i > pos && gtk_tree_list_row_get_depth (r) <= depth)
            break;
          gtk_tree_list_row_set_expanded (r, TRUE);
          n = g_list_model_get_n_items (G_LIST_MODEL (tree_model (self)));
        }
      return TRUE;
    }
  if (toggle)
    {
      gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
      select_row (self, pos);
      return TRUE;
    }
  if (expand)
    {
      if (gtk_tree_list_row_is_expandable (row) && !gtk_tree_list_row_get_expanded (row))
        gtk_tree_list_row_set_expanded (row, TRUE);
      else if (keyval == GDK_KEY_Right && !(state & GDK_SHIFT_MASK) && gtk_tree_list_row_is_expandable (row))
        pos++;   /* already open: to its first child */
      select_row (self, pos);
      lp_view_row_scroll_to (self->table, pos);
      return TRUE;
    }
  if (collapse)
    {
      if (gtk_tree_list_row_get_expanded (row))
        gtk_tree_list_row_set_expanded (row, FALSE);
      else if (keyval == GDK_KEY_Left && !(state & GDK_SHIFT_MASK))
        {
          /* already closed: to its parent */
          g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);
          if (parent != NULL)
            pos = gtk_tree_list_row_get_position (parent);
        }
      select_row (self, pos);
      lp_view_row_scroll_to (self->table, pos);
      return TRUE;
    }
  return FALSE;
}

static void
selection_changed_cb (LpCalltreeView *self)
{
  gpointer item = gtk_single_selection_get_selected_item (self->selection);

  if (item == NULL || self->model == NULL || self->rebuilding)
    return;
  g_signal_emit (self, signals[FUNCTION_SELECTED], 0, lp_view_row_from_item (item)->name);
}

static void
direction_toggled_cb (LpCalltreeView  *self,
                      GtkToggleButton *button)
{
  gboolean reverse;

  if (!gtk_toggle_button_get_active (button))
    return;
  reverse = button == self->bottom_up_button;
  if (reverse != self->reverse)
    g_object_set (self, "reverse", reverse, NULL);
}

static void
lp_calltree_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LpCalltreeView *self = LP_CALLTREE_VIEW (object);

  switch (prop_id)
    {
    case PROP_REVERSE:
      g_value_set_boolean (value, self->reverse);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lp_calltree_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LpCalltreeView *self = LP_CALLTREE_VIEW (object);

  switch (prop_id)
    {
    case PROP_REVERSE:
      if (self->reverse == g_value_get_boolean (value))
        return;
      self->reverse = g_value_get_boolean (value);
      gtk_toggle_button_set_active (self->reverse ? self->bottom_up_button : self->top_down_button, TRUE);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lp_calltree_view_dispose (GObject *object)
{
  LpCalltreeView *self = LP_CALLTREE_VIEW (object);

  self->model = NULL;
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (lp_calltree_view_parent_class)->dispose (object);
}

static void
lp_calltree_view_class_init (LpCalltreeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lp_calltree_view_dispose;
  object_class->get_property = lp_calltree_view_get_property;
  object_class->set_property = lp_calltree_view_set_property;
  properties[PROP_REVERSE] = g_param_spec_boolean ("reverse", NULL, NULL, FALSE,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[FUNCTION_SELECTED] = g_signal_new ("function-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "calltree");
}

static void
lp_calltree_view_init (LpCalltreeView *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *scrolled = lp_view_row_new_table (&self->table);
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->top_down_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Top-Down")));
  self->bottom_up_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Bottom-Up")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->top_down_button), _("From the first function of each stack to what it calls"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->bottom_up_button), _("From the functions where the samples were taken to their callers (Ctrl+R)"));
  gtk_toggle_button_set_group (self->bottom_up_button, self->top_down_button);
  gtk_toggle_button_set_active (self->top_down_button, TRUE);
  g_signal_connect_swapped (self->top_down_button, "toggled", G_CALLBACK (direction_toggled_cb), self);
  g_signal_connect_swapped (self->bottom_up_button, "toggled", G_CALLBACK (direction_toggled_cb), self);
  gtk_widget_add_css_class (bar, "linked");
  gtk_widget_set_halign (bar, GTK_ALIGN_START);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->top_down_button));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->bottom_up_button));
  gtk_box_append (GTK_BOX (self->box), bar);
  gtk_box_append (GTK_BOX (self->box), scrolled);

  lp_view_row_add_name_column (self->table, _("Function"), TRUE);
  lp_view_row_add_count_column (self->table, _("Self"), LP_VIEW_COLUMN_SELF, TRUE);
  lp_view_row_add_count_column (self->table, _("Self %"), LP_VIEW_COLUMN_SELF_PERCENT, TRUE);
  lp_view_row_add_count_column (self->table, _("Total"), LP_VIEW_COLUMN_TOTAL, TRUE);
  lp_view_row_add_count_column (self->table, _("Total %"), LP_VIEW_COLUMN_TOTAL_PERCENT, TRUE);
  self->slice = lp_list_slice_new (NULL, self->table);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->slice));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (self->selection);
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->table), keys);

  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  rebuild (self);
}

GtkWidget *
lp_calltree_view_new (void)
{
  return g_object_new (LP_TYPE_CALLTREE_VIEW, NULL);
}
