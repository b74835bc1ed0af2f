/* lp-process-picker.c: the "Attach to a Process" window: filter, choose, explain.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-process-picker.h"
#include "lp-process-row.h"

#define REFRESH_SECONDS 2

struct _LpProcessPicker
{
  AdwWindow       parent_instance;

  GtkSearchEntry *search_entry;
  GtkColumnView  *column_view;
  GtkButton      *attach_button;
  GtkRevealer    *why_revealer;
  GtkLabel       *why_label;

  LpProcessList  *processes;
  GListStore     *store;
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;
  GtkSingleSelection *selection;
  guint           refresh_id;

  GtkScrolledWindow *scrolled_window;
  gboolean        user_moved;   /* scrolled, clicked or keyed in the list */
};

G_DEFINE_FINAL_TYPE (LpProcessPicker, lp_process_picker, ADW_TYPE_WINDOW)

enum
{
  PROCESS_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static LpProcessRow *
selected_row (LpProcessPicker *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_selection_state (LpProcessPicker *self)
{
  LpProcessRow *row = selected_row (self);
  const char *why = row != NULL ? lp_process_row_get_why_not (row) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), row != NULL && why == NULL);
  if (why != NULL)
    gtk_label_set_text (self->why_label, why);
  gtk_revealer_set_reveal_child (self->why_revealer, why != NULL);
}

static void
choose (LpProcessPicker *self,
        LpProcessRow    *row)
{
  if (row == NULL)
    return;
  if (lp_process_row_get_why_not (row) != NULL)
    {
      /* say why, and stay open */
      update_selection_state (self);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  g_signal_emit (self, signals[PROCESS_CHOSEN], 0,
                 lp_process_row_get_pid (row), lp_process_row_get_name (row));
  gtk_window_close (GTK_WINDOW (self));
}

static void
attach_clicked_cb (LpProcessPicker *self)
{
  choose (self, selected_row (self));
}

static void
row_activated_cb (LpProcessPicker *self,
                  guint            position)
{
  g_autoptr(LpProcessRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  choose (self, row);
}

static void
search_changed_cb (LpProcessPicker *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION &&
      g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
  update_selection_state (self);
}

static void
search_activate_cb (LpProcessPicker *self)
{
  choose (self, selected_row (self));
}

/* Escape in the search entry: the entry takes the key before the window's
 * binding sees it, so close from here, as Escape does elsewhere */
static void
stop_search_cb (LpProcessPicker *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* Until the user moves in the list, it stays at its top, where the busiest
 * processes are: a list model re-sorted by a refresh would otherwise keep
 * the row that was at the top in view, wherever it moved. */
static void
user_moved_cb (LpProcessPicker *self)
{
  self->user_moved = TRUE;
}

/* The list follows the row that was at its top wherever a new sort moves
 * it: back to its first row, with the list's own action (it moves the
 * list's anchor, which setting the adjustment does not do reliably), and
 * the keyboard focus left where it was (in the filter, as a rule). */
static void
scroll_to_top (LpProcessPicker *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *list = NULL;

  if (self->user_moved || g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      list = child;
  if (list == NULL)
    return;
  if (focus != NULL)
    g_object_ref (focus);
  gtk_widget_activate_action (list, "list.scroll-to-item", "u", 0);
  if (focus != NULL && gtk_root_get_focus (GTK_ROOT (self)) != focus)
    {
      if (GTK_IS_TEXT (focus))
        gtk_text_grab_focus_without_selecting (GTK_TEXT (focus));
      else
        gtk_widget_grab_focus (focus);
    }
  g_clear_object (&focus);
}

static void
keep_at_top_init (LpProcessPicker *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  /* in the capture phase, so that they see what the list and its
   * scrollbar then handle */
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (scroll, "scroll-begin", G_CALLBACK (user_moved_cb), self);
  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (user_moved_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), scroll);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (user_moved_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), GTK_EVENT_CONTROLLER (click));
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (user_moved_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), keys);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  LpProcessPicker *self = user_data;
  LpProcessRow *row = item;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *hay = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  pid = g_strdup_printf ("%d", lp_process_row_get_pid (row));
  hay = g_utf8_casefold (lp_process_row_get_cmdline (row), -1);
  if (strstr (hay, needle) != NULL || g_str_has_prefix (pid, text))
    return TRUE;
  g_free (hay);
  hay = g_utf8_casefold (lp_process_row_get_name (row), -1);
  if (strstr (hay, needle) != NULL)
    return TRUE;
  return g_str_equal (lp_process_row_get_user (row), text);
}

/* own processes first, then the busiest, then by pid */
static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  LpProcessRow *x = (LpProcessRow *) a, *y = (LpProcessRow *) b;
  gboolean ox = lp_process_row_get_is_own (x), oy = lp_process_row_get_is_own (y);
  gboolean kx = lp_process_row_get_why_not (x) != NULL, ky = lp_process_row_get_why_not (y) != NULL;
  double cx = lp_process_row_get_cpu (x), cy = lp_process_row_get_cpu (y);

  if (ox != oy)
    return ox ? -1 : 1;
  if (kx != ky)
    return kx ? 1 : -1;
  if (cx != cy)
    return cx > cy ? -1 : 1;
  return lp_process_row_get_pid (x) - lp_process_row_get_pid (y);
}

static void
refresh (LpProcessPicker *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) rows = g_hash_table_new (g_direct_hash, g_direct_equal);
  LpProcessRow *was_selected = selected_row (self);
  int selected_pid = was_selected != NULL ? lp_process_row_get_pid (was_selected) : -1;
  guint n;

  if (!lp_process_list_refresh (self->processes, NULL))
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      LpProcessRow *row = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      g_hash_table_insert (rows, GINT_TO_POINTER (lp_process_row_get_pid (row)), row);
      g_object_unref (row);
    }

  for (guint i = 0; i < lp_process_list_get_n (self->processes); i++)
    {
      const LpProcessInfo *info = lp_process_list_get (self->processes, i);
      LpProcessRow *row;

      /* kernel threads cannot be profiled and only crowd the list */
      if (info->is_kernel_thread)
        continue;
      g_hash_table_add (seen, GINT_TO_POINTER (info->pid));
      row = g_hash_table_lookup (rows, GINT_TO_POINTER (info->pid));
      if (row != NULL)
        lp_process_row_update (row, info);
      else
        {
          g_autoptr(LpProcessRow) new_row = lp_process_row_new (info);
          g_list_store_append (self->store, new_row);
        }
    }

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->store)); i > 0; i--)
    {
      g_autoptr(LpProcessRow) row = g_list_model_get_item (G_LIST_MODEL (self->store), i - 1);
      if (!g_hash_table_contains (seen, GINT_TO_POINTER (lp_process_row_get_pid (row))))
        g_list_store_remove (self->store, i - 1);
    }

  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  scroll_to_top (self);
  if (selected_pid < 0 || !lp_process_picker_select (self, selected_pid))
    {
      if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0 && selected_pid < 0)
        gtk_single_selection_set_selected (self->selection, 0);
    }
  update_selection_state (self);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  refresh (user_data);
  return G_SOURCE_CONTINUE;
}

gboolean
lp_process_picker_select (LpProcessPicker *self,
                          int              pid)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LpProcessRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (lp_process_row_get_pid (row) == pid)
        {
          gtk_single_selection_set_selected (self->selection, i);
          update_selection_state (self);
          return TRUE;
        }
    }
  return FALSE;
}

/* Columns: a label bound to one property of the row. */
typedef struct
{
  const char *title;
  const char *property;
  gboolean    expand;
  float       xalign;
} Column;

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  const Column *column = user_data;
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column->xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
update_label (GtkLabel     *label,
              LpProcessRow *row,
              const Column *column)
{
  g_autofree char *text = NULL;

  if (g_str_equal (column->property, "pid"))
    text = g_strdup_printf ("%d", lp_process_row_get_pid (row));
  else if (g_str_equal (column->property, "cpu"))
    text = g_strdup_printf ("%.1f", lp_process_row_get_cpu (row));
  else if (g_str_equal (column->property, "threads"))
    text = g_strdup_printf ("%u", lp_process_row_get_threads (row));
  else
    g_object_get (row, column->property, &text, NULL);
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (label),
                               lp_process_row_get_why_not (row) != NULL
                                 ? lp_process_row_get_why_not (row)
                                 : lp_process_row_get_cmdline (row));
  if (lp_process_row_get_why_not (row) != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
}

static void
row_notify_cb (LpProcessRow *row,
               GParamSpec   *pspec,
               GtkListItem  *item)
{
  const Column *column = g_object_get_data (G_OBJECT (item), "lp-column");
  update_label (GTK_LABEL (gtk_list_item_get_child (item)), row, column);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  const Column *column = user_data;
  LpProcessRow *row = gtk_list_item_get_item (item);

  g_object_set_data (G_OBJECT (item), "lp-column", (gpointer) column);
  update_label (GTK_LABEL (gtk_list_item_get_child (item)), row, column);
  g_signal_connect_object (row, "notify", G_CALLBACK (row_notify_cb), item, 0);
}

static void
unbind_label_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  LpProcessRow *row = gtk_list_item_get_item (item);

  if (row != NULL)
    g_signal_handlers_disconnect_by_func (row, row_notify_cb, item);
}

static const Column columns[] = {
  { N_("PID"), "pid", FALSE, 1.0f },
  { N_("Name"), "name", FALSE, 0.0f },
  { N_("User"), "user", FALSE, 0.0f },
  { N_("CPU %"), "cpu", FALSE, 1.0f },
  { N_("Threads"), "threads", FALSE, 1.0f },
  { N_("Command Line"), "cmdline", TRUE, 0.0f },
};

static void
lp_process_picker_dispose (GObject *object)
{
  LpProcessPicker *self = LP_PROCESS_PICKER (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), LP_TYPE_PROCESS_PICKER);
  g_clear_object (&self->store);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->processes, lp_process_list_free);
  G_OBJECT_CLASS (lp_process_picker_parent_class)->dispose (object);
}

static void
lp_process_picker_class_init (LpProcessPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lp_process_picker_dispose;

  signals[PROCESS_CHOSEN] = g_signal_new ("process-chosen", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/laprof/Laprof/lp-process-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, LpProcessPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LpProcessPicker, column_view);
  gtk_widget_class_bind_template_child (widget_class, LpProcessPicker, attach_button);
  gtk_widget_class_bind_template_child (widget_class, LpProcessPicker, why_revealer);
  gtk_widget_class_bind_template_child (widget_class, LpProcessPicker, why_label);
  gtk_widget_class_bind_template_callback (widget_class, attach_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_child (widget_class, LpProcessPicker, scrolled_window);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
selection_changed_cb (LpProcessPicker *self)
{
  update_selection_state (self);
}

static void
lp_process_picker_init (LpProcessPicker *self)
{
  g_autoptr(GtkFilterListModel) filtered = NULL;
  g_autoptr(GtkSortListModel) sorted = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->processes = lp_process_list_new ();
  self->store = g_list_store_new (LP_TYPE_PROCESS_ROW);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->sorter = gtk_custom_sorter_new (sort_func, NULL, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)), GTK_FILTER (self->filter));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_steal_pointer (&filtered)), GTK_SORTER (self->sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), (gpointer) &columns[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cb), (gpointer) &columns[i]);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_label_cb), (gpointer) &columns[i]);
      column = gtk_column_view_column_new (_(columns[i].title), factory);
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
    }

  keep_at_top_init (self);
  refresh (self);
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_timeout_cb, self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

LpProcessPicker *
lp_process_picker_new (GtkWindow *parent)
{
  return g_object_new (LP_TYPE_PROCESS_PICKER, "transient-for", parent, NULL);
}
