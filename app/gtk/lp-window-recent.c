/* lp-window-recent.c: the main window's recent reports (on the welcome page) and the
 * reports dropped on it (see lp-window-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

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
welcome_shown (LpWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  return page != NULL && g_str_equal (page, "welcome");
}

/* the list is made again when it shows: not while a report does (GTK's
 * manager says "changed" each time a report opened is added) */
static void
recent_changed_cb (LpWindow *self)
{
  if (welcome_shown (self))
    fill_recent (self);
  else
    self->recent_stale = TRUE;
}

static void
page_changed_cb (LpWindow *self)
{
  if (self->recent_stale && welcome_shown (self))
    {
      self->recent_stale = FALSE;
      fill_recent (self);
    }
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

/* Recent files are written on a thread of their own. GTK 4.8's recent
 * manager saves recently-used.xbel on the main loop, with an fsync, some
 * 250 ms after an item is added: on the development VM that stalled the
 * window 57-87 ms once in about seven opens (the main thread off the CPU
 * in write), right when the user moves to the report's views. The file is
 * the same (the freedesktop bookmark format, GBookmarkFile); GTK's manager
 * sees it change and reloads it, and the welcome page follows. */

static GMutex recent_lock;   /* one writer of the file at a time */

static void
add_recent_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  const char *uri = data;
  const char *dir = g_get_user_data_dir ();
  g_autofree char *path = g_build_filename (dir, "recently-used.xbel", NULL);
  g_autofree char *local = g_filename_from_uri (uri, NULL, NULL);
  g_autofree char *type = g_content_type_guess (local != NULL ? local : uri, NULL, 0, NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);
  g_autoptr(GBookmarkFile) bookmarks = g_bookmark_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&recent_lock);

  if (!g_bookmark_file_load_from_file (bookmarks, path, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      /* a file we cannot read is not one to write over */
      g_warning ("%s: %s", path, error->message);
      return;
    }
  g_clear_error (&error);
  g_bookmark_file_set_mime_type (bookmarks, uri, mime != NULL ? mime : "application/octet-stream");
  /* NULL, NULL: the application's name, and its program name with %u */
  g_bookmark_file_add_application (bookmarks, uri, NULL, NULL);
  if (g_mkdir_with_parents (dir, 0700) < 0 ||
      !g_bookmark_file_to_file (bookmarks, path, &error))
    g_warning ("%s: %s", path, error != NULL ? error->message : g_strerror (errno));
}

/* _lp_window_recent_add: @file, just opened or saved, heads the recent
 * reports */
void
_lp_window_recent_add (LpWindow *self,
                       GFile    *file)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_task_data (task, g_file_get_uri (file), g_free);
  g_task_run_in_thread (task, add_recent_thread);
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
                           G_CALLBACK (recent_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (page_changed_cb), self, G_CONNECT_SWAPPED);
}
