/* lp-window.c: the main window: welcome page, opening reports, attaching.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "lp-folded-reader.h"
#include "lp-launch-dialog.h"
#include "lp-process-picker.h"
#include "lp-window.h"

#define MAX_RECENT 5

struct _LpWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  AdwPreferencesGroup *recent_group;
  GtkListBox      *recent_list;
  GtkLabel        *loading_label;
  GtkProgressBar  *loading_progress;
  GtkLabel        *report_summary;
  GtkSpinButton   *frequency_spin;
  AdwComboRow     *mode_row;
  GtkSwitch       *idle_switch;

  GSettings       *settings;
  LpFolded        *report;
  GFile           *report_file;
  GCancellable    *loading;
};

G_DEFINE_FINAL_TYPE (LpWindow, lp_window, ADW_TYPE_APPLICATION_WINDOW)

static void
show_error (LpWindow   *self,
            const char *heading,
            const char *body)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toast (LpWindow   *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* Opening a report: parse in a worker thread, report progress by idle. */

typedef struct
{
  GFile    *file;
  char     *path;
  goffset   size;
  LpFolded *folded;
  guint64   n_skipped;
  char     *first_skip;
  LpWindow *window;   /* a weak pointer, for progress only */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data->path);
  g_clear_pointer (&data->folded, lp_folded_free);
  g_free (data->first_skip);
  g_clear_weak_pointer (&data->window);
  g_free (data);
}

typedef struct
{
  LpWindow *window;
  double    fraction;
} Progress;

static gboolean
progress_idle_cb (gpointer user_data)
{
  Progress *p = user_data;

  if (p->window != NULL)
    gtk_progress_bar_set_fraction (LP_WINDOW (p->window)->loading_progress, p->fraction);
  g_clear_weak_pointer (&p->window);
  g_free (p);
  return G_SOURCE_REMOVE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buf = g_malloc (1024 * 1024);
  goffset done = 0;
  gint64 last_progress = 0;

  in = g_file_read (data->file, cancellable, &error);
  if (in == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buf, 1024 * 1024, cancellable, &error);

      if (n < 0)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (n == 0)
        break;
      if (!lp_folded_reader_feed (reader, buf, (gsize) n, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      done += n;
      if (data->size > 0 && g_get_monotonic_time () - last_progress > 50000)
        {
          Progress *p = g_new0 (Progress, 1);

          last_progress = g_get_monotonic_time ();
          p->fraction = (double) done / data->size;
          g_set_weak_pointer (&p->window, data->window);
          g_idle_add (progress_idle_cb, p);
        }
    }

  if (!lp_folded_reader_finish (reader, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->n_skipped = lp_folded_reader_get_n_skipped (reader);
  if (data->n_skipped > 0)
    {
      guint n_skips;
      const LpFoldedSkip *skips = lp_folded_reader_get_skips (reader, &n_skips);

      data->first_skip = g_strdup_printf (_("line %" PRIu64 ": %s"), skips[0].line,
                                          lp_folded_skip_reason_to_string (skips[0].reason));
    }
  data->folded = g_steal_pointer (&folded);
  g_task_return_boolean (task, TRUE);
}

static void
update_summary (LpWindow *self)
{
  g_autofree char *text = NULL;
  char samples[64];

  if (self->report == NULL)
    return;
  lp_folded_format_count (lp_folded_get_total (self->report), samples);
  text = g_strdup_printf (_("%s samples · %u stacks · %u functions · depth %u"),
                          samples, lp_folded_get_n_stacks (self->report),
                          lp_folded_get_n_frames (self->report),
                          lp_folded_get_max_depth (self->report));
  gtk_label_set_text (self->report_summary, text);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LpWindow *self = LP_WINDOW (source);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *dirname = NULL;
  g_autofree char *uri = NULL;

  g_clear_object (&self->loading);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_stack_set_visible_child_name (self->stack, self->report != NULL ? "report" : "welcome");
      {
        g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"), g_file_peek_path (data->file) ? g_file_peek_path (data->file) : "");
        g_autofree char *body = g_strdup_printf ("%s\n\n%s", error->message,
                                                 _("A report is folded text: one stack a line, like “main;parse;read 42”."));
        show_error (self, heading, body);
      }
      return;
    }

  g_clear_pointer (&self->report, lp_folded_free);
  self->report = g_steal_pointer (&data->folded);
  g_set_object (&self->report_file, data->file);

  basename = g_file_get_basename (data->file);
  dirname = data->path != NULL ? g_path_get_dirname (data->path) : g_strdup ("");
  adw_window_title_set_title (self->window_title, basename);
  adw_window_title_set_subtitle (self->window_title, dirname);
  gtk_window_set_title (GTK_WINDOW (self), basename);
  g_settings_set_string (self->settings, "last-directory", dirname);

  uri = g_file_get_uri (data->file);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);

  update_summary (self);
  gtk_stack_set_visible_child_name (self->stack, "report");

  if (data->n_skipped > 0)
    {
      g_autofree char *msg = g_strdup_printf (g_dngettext (NULL, "%" PRIu64 " line could not be read (%s)",
                                                           "%" PRIu64 " lines could not be read (first: %s)",
                                                           data->n_skipped),
                                              data->n_skipped, data->first_skip);
      toast (self, msg);
    }
}

void
lp_window_open_file (LpWindow *self,
                     GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *label = NULL;
  LoadData *data;

  g_return_if_fail (LP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_set_object (&self->loading, g_cancellable_new ());

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->path = g_file_get_path (file);
  g_set_weak_pointer (&data->window, self);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  data->size = info != NULL ? g_file_info_get_size (info) : 0;

  basename = g_file_get_basename (file);
  label = g_strdup_printf (_("Opening %s…"), basename);
  gtk_label_set_text (self->loading_label, label);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  task = g_task_new (self, self->loading, load_done_cb, NULL);
  g_task_set_source_tag (task, lp_window_open_file);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

LpFolded *
lp_window_get_report (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->report;
}

const char *
lp_window_get_page (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/* Actions */

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  LpWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      lp_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) folded = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *last = g_settings_get_string (self->settings, "last-directory");

  chooser = gtk_file_chooser_native_new (_("Open a Report"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (folded, _("Folded reports"));
  gtk_file_filter_add_pattern (folded, "*.folded");
  gtk_file_filter_add_pattern (folded, "*.txt");
  gtk_file_filter_add_pattern (folded, "*.collapsed");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), folded);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  if (last != NULL && last[0] != '\0')
    {
      g_autoptr(GFile) dir = g_file_new_for_path (last);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
process_chosen_cb (LpWindow   *self,
                   int         pid,
                   const char *name)
{
  g_autofree char *msg = g_strdup_printf (_("Recording %s (%d)…"), name, pid);
  /* The recording view arrives with the engine; say what was chosen. */
  toast (self, msg);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  LpProcessPicker *picker = lp_process_picker_new (GTK_WINDOW (self));

  g_signal_connect_object (picker, "process-chosen", G_CALLBACK (process_chosen_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
launch_requested_cb (LpWindow           *self,
                     const char * const *argv,
                     const char         *directory)
{
  g_autofree char *command = g_strjoinv (" ", (char **) argv);
  g_autofree char *msg = g_strdup_printf (_("Launching %s…"), command);
  /* The recording view arrives with the engine; say what was asked. */
  toast (self, msg);
}

static void
launch_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  LpLaunchDialog *dialog = lp_launch_dialog_new (GTK_WINDOW (self));

  g_signal_connect_object (dialog, "launch-requested", G_CALLBACK (launch_requested_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Recent reports and drag and drop */

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
  g_autoptr(GDateTime) tx = gtk_recent_info_get_modified (x);
  g_autoptr(GDateTime) ty = gtk_recent_info_get_modified (y);
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

static void
lp_window_dispose (GObject *object)
{
  LpWindow *self = LP_WINDOW (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  gtk_widget_dispose_template (GTK_WIDGET (self), LP_TYPE_WINDOW);
  G_OBJECT_CLASS (lp_window_parent_class)->dispose (object);
}

static void
lp_window_finalize (GObject *object)
{
  LpWindow *self = LP_WINDOW (object);

  g_clear_pointer (&self->report, lp_folded_free);
  g_clear_object (&self->report_file);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (lp_window_parent_class)->finalize (object);
}

static void
lp_window_class_init (LpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lp_window_dispose;
  object_class->finalize = lp_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/laprof/Laprof/lp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, report_summary);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, frequency_spin);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, mode_row);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, idle_switch);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "win.launch", NULL, launch_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.attach", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.launch", NULL);
}

/* "mode" is an enum nick in GSettings and a position in the combo row */
static gboolean
mode_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_uint (value, g_str_equal (g_variant_get_string (variant, NULL), "cpu") ? 1 : 0);
  return TRUE;
}

static GVariant *
mode_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "cpu" : "wall");
}

static void
lp_window_init (LpWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  /* the recording options are preferences: they outlive the window */
  g_settings_bind (self->settings, "frequency",
                   gtk_spin_button_get_adjustment (self->frequency_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "mode", self->mode_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, mode_get_mapping, mode_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "show-idle", self->idle_switch, "active", G_SETTINGS_BIND_DEFAULT);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  fill_recent (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (fill_recent), self, G_CONNECT_SWAPPED);
}

LpWindow *
lp_window_new (GtkApplication *application)
{
  return g_object_new (LP_TYPE_WINDOW, "application", application, NULL);
}
