/* lp-window-save.c: the main window's saving and exporting, to files and S3.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-storer.h"
#include "lp-window-private.h"

/* Saving and exporting */

typedef enum
{
  SAVE_REPORT,     /* a capture if the name ends in .laprof and there are times, else folded */
  SAVE_SVG,
  SAVE_PNG,
  SAVE_FOLDED,     /* folded text, whatever the name */
} SaveKind;

/* whether the window's recording has times to keep: it is then saved as a
 * capture (folded text keeps only the totals) */
static gboolean
has_times (LpWindow *self)
{
  return self->capture != NULL && lp_capture_get_info (self->capture)->has_times &&
         lp_capture_get_n_samples (self->capture) > 0;
}

/* the recorded program's name as laprof-cli names it: the base name of a
 * launched command, the process name of an attached one; you own it */
static char *
recording_command (LpWindow *self)
{
  const char *header = self->recorder != NULL ? lp_recorder_get_command (self->recorder) : NULL;

  if (self->launch_argv != NULL)
    return g_path_get_basename (self->launch_argv[0]);
  if (header != NULL && header[0] != '\0')
    {
      g_autofree char *first = g_strdup (header);
      char *space = strchr (first, ' ');

      if (space != NULL)
        *space = '\0';
      return g_path_get_basename (first);
    }
  if (self->target_name != NULL)
    {
      /* "name (pid)" */
      char *name = g_strdup (self->target_name);
      char *paren = strstr (name, " (");

      if (paren != NULL)
        *paren = '\0';
      return name;
    }
  return g_strdup ("process");
}

char *
_lp_window_save_suggested_name (LpWindow   *self,
                                const char *suffix)
{
  g_autofree char *command = recording_command (self);
  g_autofree char *base = self->report_file != NULL ? g_file_get_basename (self->report_file)
                       : self->recorder != NULL
                         ? g_strdup_printf ("laprof-%s-%d.folded", command,
                                            lp_recorder_get_pid (self->recorder))
                         : g_strdup ("laprof.folded");
  char *dot = strrchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  return g_strconcat (base, suffix, NULL);
}

static gboolean
save_to (LpWindow    *self,
         SaveKind     kind,
         const char  *path,
         GError     **error)
{
  LpFlameExportOptions options;
  const LpFlameLayout *layout = lp_flame_view_get_layout (self->flame_view);
  g_autoptr(GRegex) search = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (kind == SAVE_REPORT && has_times (self) && g_str_has_suffix (path, ".laprof"))
    return lp_capture_save (self->capture, path, error);
  if (kind == SAVE_REPORT || kind == SAVE_FOLDED)
    return lp_folded_save (self->report, path, error);

  lp_flame_picture_options_init (&options);
  options.icicle = self->icicle;
  options.order = self->left_heavy ? LP_FLAME_ORDER_LEFT_HEAVY : LP_FLAME_ORDER_ALPHABETICAL;
  lp_flame_color_palette_from_string (_lp_window_python_view_palette (self), &options.palette);
  options.zoom = layout != NULL ? layout->zoom : LP_FLAME_ROOT;
  if (text != NULL && text[0] != '\0')
    search = g_regex_new (text, gtk_toggle_button_get_active (self->case_button) ? 0 : G_REGEX_CASELESS, 0, NULL);
  options.search = search;
  /* named after what was recorded, or the report's file */
  if (self->recorder != NULL)
    {
      g_autofree char *command = recording_command (self);
      g_autofree char *samples = lp_flame_picture_format_count ((double) lp_recorder_get_samples (self->recorder));

      title = g_strdup_printf (_("laprof — %s (%d)"), command, lp_recorder_get_pid (self->recorder));
      subtitle = g_strdup_printf (_("%s · %u Hz · %.1f s · %s samples"),
                                  self->rec_cpu ? _("on CPU") : _("wall clock"), self->rec_frequency,
                                  lp_recorder_get_time (self->recorder), samples);
    }
  else if (self->report_file != NULL)
    title = g_file_get_basename (self->report_file);
  else
    title = g_strdup (adw_window_title_get_title (self->window_title));
  options.title = title;
  options.subtitle = subtitle;
  return lp_flame_export_to_file (self->model, &options,
                                  kind == SAVE_SVG ? LP_FLAME_FORMAT_SVG : LP_FLAME_FORMAT_PNG,
                                  path, error);
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  LpWindow        *self)
{
  SaveKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "lp-kind"));
  /* what the question over unsaved samples left to do after a save */
  PendingDiscard *after = kind == SAVE_REPORT || kind == SAVE_FOLDED ? g_steal_pointer (&self->after_save) : NULL;
  gboolean saved = FALSE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL || !save_to (self, kind, path, &error))
        {
          g_autofree char *body = g_strdup_printf (_("%s\n\nNothing was lost: the graph is still open. "
                                                     "Choose another place, or free some space."),
                                                   error != NULL ? error->message : _("Only local files can be written."));
          _lp_window_show_error (self, _("Could Not Save"), body);
        }
      else
        {
          g_autofree char *dir = g_path_get_dirname (path);
          g_autofree char *name = g_path_get_basename (path);
          g_autofree char *msg = g_strdup_printf (_("Saved %s"), name);

          g_settings_set_string (self->settings, "last-directory", dir);
          if (kind == SAVE_REPORT || kind == SAVE_FOLDED)
            {
              _lp_window_recent_add (self, file);
              g_set_object (&self->report_file, file);
              self->unsaved = FALSE;
              adw_window_title_set_title (self->window_title, name);
              adw_window_title_set_subtitle (self->window_title, dir);
              gtk_window_set_title (GTK_WINDOW (self), name);
            }
          _lp_window_toast (self, msg);
          saved = TRUE;
        }
    }
  g_object_unref (chooser);
  if (after == NULL)
    return;
  /* saved as asked before dropping the samples: go on, last, for it may
   * close the window; not saved: nothing is dropped */
  if (saved)
    _lp_window_live_pending_discard_run (self, after);
  else
    _lp_window_live_pending_discard_free (after);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  SaveKind kind = g_str_equal (action_name, "win.export-svg") ? SAVE_SVG
                : g_str_equal (action_name, "win.export-png") ? SAVE_PNG
                : g_str_equal (action_name, "win.save-folded") ? SAVE_FOLDED : SAVE_REPORT;
  const char *titles[] = { N_("Save Report"), N_("Export SVG"), N_("Export PNG"), N_("Save as Folded Text") };
  const char *suffixes[] = { ".folded", ".svg", ".png", ".folded" };
  /* a recording with times is saved as a capture; the name's extension
   * decides (save_to()), so that .folded still gives folded text */
  gboolean capture = kind == SAVE_REPORT && has_times (self);
  g_autofree char *name = _lp_window_save_suggested_name (self, capture ? ".laprof" : suffixes[kind]);
  g_autofree char *last = g_settings_get_string (self->settings, "last-directory");
  GtkFileChooserNative *chooser;

  if (self->report == NULL)
    return;
  chooser = gtk_file_chooser_native_new (capture ? _("Save Recording") : _(titles[kind]), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (last != NULL && last[0] != '\0')
    {
      g_autoptr(GFile) dir = g_file_new_for_path (last);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
    }
  g_object_set_data (G_OBJECT (chooser), "lp-kind", GINT_TO_POINTER (kind));
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

gboolean
_lp_window_save_to_path (LpWindow    *self,
                         const char  *what,
                         const char  *path,
                         GError     **error)
{
  SaveKind kind = g_str_equal (what, "svg") ? SAVE_SVG : g_str_equal (what, "png") ? SAVE_PNG
                : g_str_equal (what, "folded") ? SAVE_FOLDED : SAVE_REPORT;

  if (kind == SAVE_REPORT && !has_times (self))
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_NO_TIMES,
                   _("This report has no times to keep in a capture: save it as folded text"));
      return FALSE;
    }
  if (kind == SAVE_REPORT)
    {
      if (!lp_capture_save (self->capture, path, error))
        return FALSE;
    }
  else if (!save_to (self, kind, path, error))
    return FALSE;
  if (kind == SAVE_REPORT || kind == SAVE_FOLDED)
    self->unsaved = FALSE;
  return TRUE;
}

/* S3: saving a report there, and merging a prefix into one graph. Both
 * block on the network, so they run in a thread, one storer per thread. */

typedef struct
{
  LpStorer  *storer;
  GBytes    *report;
  char      *command;
  gint64     pid;
  char      *location;
  LpWindow  *window;    /* weak, for progress */
  LpFolded  *merged;    /* open: the reports merged */
  guint      n_reports;
  LpReportView view;
  LpFlameModel *model;
  LpFolded  *filtered;
  char      *dest;
} S3Data;

static void
s3_data_free (S3Data *data)
{
  g_clear_pointer (&data->storer, lp_storer_free);
  g_clear_pointer (&data->report, g_bytes_unref);
  g_free (data->command);
  g_free (data->location);
  g_free (data->dest);
  g_clear_pointer (&data->model, lp_flame_model_free);
  g_clear_pointer (&data->filtered, lp_folded_free);
  g_clear_pointer (&data->merged, lp_folded_free);
  lp_report_view_clear (&data->view);
  g_clear_weak_pointer (&data->window);
  g_free (data);
}

static gboolean
upload_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  S3Data *data = user_data;

  if (total > 0)
    _lp_window_post_progress (data->window, (double) done / total, FALSE);
  return TRUE;
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  S3Data *data = task_data;
  LpReportMeta meta = { data->command, data->pid, NULL };
  GError *error = NULL;

  lp_storer_set_transfer_func (data->storer, upload_progress_cb, data);
  if (!lp_storer_store (data->storer, data->report, &meta, &data->location, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LpWindow *self = LP_WINDOW (source);
  S3Data *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->transfer_progress), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-s3", TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* the storer says where it kept the report when it could not send it */
      _lp_window_show_error (self, _("Could Not Save to S3"), error->message);
      return;
    }
  {
    g_autofree char *msg = g_strdup_printf (_("Saved to %s"), data->location);
    self->unsaved = FALSE;
    _lp_window_live_update_title (self);
    _lp_window_toast (self, msg);
    g_free (self->last_location);
    self->last_location = g_strdup (data->location);
  }
}

/* the transfer's data with the storer for @dest (remembered as the
 * last destination), or NULL and @error when @dest is not one */
static S3Data *
s3_data_new (LpWindow    *self,
             const char  *dest,
             GError     **error)
{
  LpStorer *storer = lp_storer_new_for_destination (dest, error);
  S3Data *data;

  if (storer == NULL)
    return NULL;
  g_settings_set_string (self->settings, "s3-destination", dest);
  data = g_new0 (S3Data, 1);
  data->storer = storer;
  return data;
}

gboolean
_lp_window_save_store (LpWindow    *self,
                       const char  *dest,
                       GError     **error)
{
  g_autoptr(GTask) task = NULL;
  S3Data *data = s3_data_new (self, dest, error);

  if (data == NULL)
    return FALSE;
  data->report = lp_folded_to_bytes (self->report);
  if (self->recorder != NULL)
    {
      g_autofree char *cmd = g_strdup (lp_recorder_get_command (self->recorder));
      if (cmd != NULL)
        {
          char *space = strchr (cmd, ' ');
          if (space != NULL)
            *space = '\0';
          data->command = g_path_get_basename (cmd);
        }
      data->pid = lp_recorder_get_pid (self->recorder);
    }
  else if (self->report_file != NULL)
    {
      data->command = g_file_get_basename (self->report_file);
      if (g_str_has_suffix (data->command, ".folded"))
        data->command[strlen (data->command) - strlen (".folded")] = '\0';
    }
  g_set_weak_pointer (&data->window, self);

  gtk_progress_bar_set_fraction (self->transfer_progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->transfer_progress), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-s3", FALSE);

  task = g_task_new (self, NULL, store_done_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) s3_data_free);
  g_task_run_in_thread (task, store_thread);
  return TRUE;
}

static void
list_progress_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  S3Data *data = user_data;

  if (total > 0)
    _lp_window_post_progress (data->window, (double) done / total, TRUE);
}

static void
load_s3_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  S3Data *data = task_data;
  GError *error = NULL;

  data->merged = lp_folded_new ();
  if (!lp_storer_load_all (data->storer, data->merged, &data->n_reports, list_progress_cb, data, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->n_reports == 0 || lp_folded_get_n_stacks (data->merged) == 0)
    {
      g_task_return_new_error (task, LP_STORER_ERROR, LP_STORER_ERROR_NOT_FOUND,
                               _("No report (*.folded) was found at %s."), data->dest);
      return;
    }
  data->model = lp_report_view_build_model (&data->view, data->merged, &data->filtered, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
load_s3_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LpWindow *self = LP_WINDOW (source);
  S3Data *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      gtk_stack_set_visible_child_name (self->stack, self->report != NULL ? "report" : "welcome");
      _lp_window_show_error (self, _("Could Not Open from S3"), error->message);
      return;
    }

  subtitle = g_strdup_printf (g_dngettext (NULL, "%u report merged", "%u reports merged", data->n_reports),
                              data->n_reports);
  _lp_window_replace_report (self, g_steal_pointer (&data->merged), g_steal_pointer (&data->model),
                  g_steal_pointer (&data->filtered), NULL, data->dest, subtitle);
}

static void open_destination_now (LpWindow *self,
                                  gpointer  user_data);

gboolean
_lp_window_save_open_destination (LpWindow    *self,
                                  const char  *dest,
                                  GError     **error)
{
  S3Data *data = s3_data_new (self, dest, error);

  if (data == NULL)
    return FALSE;
  data->dest = g_strdup (dest);
  _lp_window_live_confirm_discard (self, open_destination_now, data, (GDestroyNotify) s3_data_free);
  return TRUE;
}

static void
open_destination_now (LpWindow *self,
                      gpointer  user_data)
{
  S3Data *asked = user_data;   /* freed by the question's code */
  S3Data *data = g_new0 (S3Data, 1);
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  data->storer = g_steal_pointer (&asked->storer);
  data->dest = g_steal_pointer (&asked->dest);

  _lp_window_view_from_window (&data->view, self);
  g_set_weak_pointer (&data->window, self);

  label = g_strdup_printf (_("Merging the reports at %s…"), data->dest);
  gtk_label_set_text (self->loading_label, label);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  task = g_task_new (self, NULL, load_s3_done_cb, NULL);
  /* the task owns the data now */
  g_task_set_task_data (task, data, (GDestroyNotify) s3_data_free);
  g_task_run_in_thread (task, load_s3_thread);
}

static void
s3_dialog_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       LpWindow         *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *dest = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (g_str_equal (response, "save"))
    ok = lp_window_store (self, dest, &error);
  else if (g_str_equal (response, "open"))
    ok = lp_window_open_destination (self, dest, &error);
  if (!ok)
    _lp_window_show_error (self, g_str_equal (response, "save") ? _("Could Not Save to S3") : _("Could Not Open from S3"),
                error->message);
}

static void
ask_destination (LpWindow   *self,
                 gboolean    save)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *last = g_settings_get_string (self->settings, "s3-destination");

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (self), save ? _("Save to S3") : _("Open from S3"),
    save ? _("The report goes under this prefix, with the time and the program in its name. "
             "Credentials, region and endpoint are found as the AWS tools find them.")
         : _("Every report under this prefix is read and merged into one graph.")));
  gtk_editable_set_text (GTK_EDITABLE (entry), last[0] != '\0' ? last : "s3://");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "s3://bucket/prefix/");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    save ? "save" : "open", save ? _("_Save") : _("_Open"), NULL);
  adw_message_dialog_set_response_appearance (dialog, save ? "save" : "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, save ? "save" : "open");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (s3_dialog_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_s3_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  if (LP_WINDOW (widget)->report != NULL)
    ask_destination (LP_WINDOW (widget), TRUE);
}

static void
open_s3_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ask_destination (LP_WINDOW (widget), FALSE);
}

void
_lp_window_save_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save-s3", NULL, save_s3_action);
  gtk_widget_class_install_action (widget_class, "win.open-s3", NULL, open_s3_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-folded", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.export-svg", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.export-png", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-folded", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export-svg", NULL);
}
