/* lp-window-recent.c: the main window's recent reports (on the welcome page) and the
 * reports dropped on it (see lp-window-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lp-window-private.h"

#define MAX_RECENT 5

static void
recent_row_activated_cb (LpWindow      *self,
                         GtkListBoxRow *row)
{
  const char *uri = g_object_get_data (G_OBJECT (row), "lp-uri");
  g_autoptr(GFile) file = g_file_new_for_uri (uri);

  lp_window_open_file (self, file);
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GtkRecentInfo *x = *(GtkRecentInfo **) a, *y = *(GtkRecentInfo **) b;
  /* transfer none: the recent info keeps them */
  GDateTime *tx = gtk_recent_info_get_modified (x);
  GDateTime *ty = gtk_recent_info_get_modified (y);
  return g_date_time_compare (ty, tx);
}

static void
fill_recent (LpWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr(GPtrArray) reports = g_ptr_array_new ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);

      if (g_str_has_suffix (uri, ".folded") && gtk_recent_info_exists (info))
        g_ptr_array_add (reports, info);
    }
  g_ptr_array_sort (reports, compare_recent);

  for (guint i = 0; i < reports->len && i < MAX_RECENT; i++)
    {
      GtkRecentInfo *info = reports->pdata[i];
      g_autoptr(GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *dir = path != NULL ? g_path_get_dirname (path) : g_strdup ("");
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "lp-uri",
                              g_strdup (gtk_recent_info_get_uri (info)), g_free);
      gtk_list_box_append (self->recent_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), reports->len > 0);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         LpWindow      *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  lp_window_open_file (self, g_value_get_object (value));
  return TRUE;
}

/* _lp_window_recent_add: @file, just opened, heads the recent reports */
void
_lp_window_recent_add (LpWindow *self,
                       GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

void
_lp_window_recent_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
}

/* _lp_window_recent_init: fills the recent reports, keeps them up to date,
 * and opens the files dropped on the window */
void
_lp_window_recent_init (LpWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  fill_recent (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (fill_recent), self, G_CONNECT_SWAPPED);
}
