/* lp-window.c: the main window: welcome page, opening reports, exploring the graph (see lp-window-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lp-file.h"
#include "lp-flame-export.h"
#include "lp-flame-view.h"
#include "lp-folded-reader.h"
#include "lp-launch-dialog.h"
#include "lp-process-picker.h"
#include "lp-recorder.h"
#include "lp-settings.h"
#include "lp-storer.h"
#include "lp-window-private.h"

#define MAX_RECENT 5

enum
{
  PROP_0,
  PROP_ICICLE,
  PROP_REVERSE,
  PROP_LEFT_HEAVY,
  PROP_SHOW_IDLE,
  PROP_PALETTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LpWindow, lp_window, ADW_TYPE_APPLICATION_WINDOW)

void
_lp_window_show_error (LpWindow   *self,
            const char *heading,
            const char *body)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_lp_window_toast (LpWindow   *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* What is drawn: the report filtered (idle samples, hidden functions) and
 * as a model (reverse, focus). Runs in a worker thread for big reports. */


void
_lp_window_view_spec_clear (ViewSpec *spec)
{
  g_clear_pointer (&spec->hidden, g_strfreev);
  g_clear_pointer (&spec->focus, g_free);
}

void
_lp_window_view_spec_from_window (ViewSpec *spec,
                       LpWindow *self)
{
  spec->reverse = self->reverse;
  /* a recording made without idle samples has none to hide */
  spec->show_idle = self->show_idle || self->idle_dropped;
  g_ptr_array_add (self->hidden, NULL);
  spec->hidden = g_strdupv ((char **) self->hidden->pdata);
  g_ptr_array_set_size (self->hidden, self->hidden->len - 1);
  spec->focus = g_strdup (self->focus);
}

static gboolean
view_spec_filters (const ViewSpec *spec)
{
  return !spec->show_idle || (spec->hidden != NULL && spec->hidden[0] != NULL);
}

/* Builds the model of @report for @spec; *@filtered gets the filtered copy
 * the model's names live in, when one is needed. */
LpFlameModel *
_lp_window_build_model (LpFolded        *report,
             const ViewSpec  *spec,
             LpFolded       **filtered)
{
  LpFlameModelFlags flags = 0;
  LpFolded *source = report;
  guint32 focus_frame;

  *filtered = NULL;
  if (spec->reverse)
    flags |= LP_FLAME_MODEL_REVERSE;
  if (lp_folded_is_differential (report))
    flags |= LP_FLAME_MODEL_DIFFERENTIAL;

  if (view_spec_filters (spec))
    {
      guint n_frames = lp_folded_get_n_frames (report);
      g_autofree guint8 *hide = g_new0 (guint8, MAX (n_frames, 1));
      g_autofree guint8 *idle = g_new0 (guint8, MAX (n_frames, 1));
      g_autoptr(GArray) buf = g_array_new (FALSE, FALSE, sizeof (guint32));
      LpFolded *copy = lp_folded_new ();

      for (guint i = 0; spec->hidden != NULL && spec->hidden[i] != NULL; i++)
        {
          guint32 id;
          if (lp_intern_lookup (lp_folded_get_intern (report), spec->hidden[i], strlen (spec->hidden[i]), &id))
            hide[id] = TRUE;
        }
      for (guint i = 0; i < n_frames; i++)
        idle[i] = lp_flame_name_is_idle (lp_folded_frame_name (report, i));

      lp_folded_set_differential (copy, lp_folded_is_differential (report));
      for (guint i = 0; i < lp_folded_get_n_stacks (report); i++)
        {
          LpFoldedStack st;

          lp_folded_get_stack (report, i, &st);
          if (!spec->show_idle && idle[st.frames[st.depth - 1]])
            continue;
          g_array_set_size (buf, 0);
          for (guint d = 0; d < st.depth; d++)
            if (!hide[st.frames[d]])
              {
                guint32 id = lp_folded_intern (copy, lp_folded_frame_name (report, st.frames[d]), -1);
                g_array_append_val (buf, id);
              }
          if (buf->len > 0)
            lp_folded_add (copy, (const guint32 *) (gpointer) buf->data, buf->len, 0,
                           st.count, st.count2, NULL, NULL);
        }
      source = *filtered = copy;
    }

  if (spec->focus != NULL &&
      lp_intern_lookup (lp_folded_get_intern (source), spec->focus, strlen (spec->focus), &focus_frame))
    return lp_flame_model_new_focus (source, focus_frame, flags);
  return lp_flame_model_new_from_folded (source, flags);
}


/* Replaces what is drawn by @model over @filtered (both taken). */
void
_lp_window_show_model (LpWindow     *self,
            LpFlameModel *model,
            LpFolded     *filtered)
{
  lp_flame_view_set_model (self->flame_view, NULL);
  g_clear_pointer (&self->model, lp_flame_model_free);
  g_clear_pointer (&self->view_folded, lp_folded_free);
  self->model = model;
  self->view_folded = filtered;
  lp_flame_view_set_model (self->flame_view, model);
  _lp_window_update_zoom_state (self);
}

void
_lp_window_rebuild_model (LpWindow *self)
{
  ViewSpec spec = { 0 };
  LpFolded *filtered = NULL;
  LpFlameModel *model;

  if (self->report == NULL)
    return;
  _lp_window_view_spec_from_window (&spec, self);
  model = _lp_window_build_model (self->report, &spec, &filtered);
  _lp_window_show_model (self, model, filtered);
  _lp_window_view_spec_clear (&spec);
}

/* _lp_window_replace_report: shows @report (taken) through @model over @filtered (both
 * taken) in place of what the window had; a live recording ends first, as
 * it writes into the report being replaced. */
void
_lp_window_replace_report (LpWindow     *self,
                LpFolded     *report,
                LpFlameModel *model,
                LpFolded     *filtered,
                GFile        *file,
                const char   *title,
                const char   *subtitle)
{
  /* the old model refers to the old report: let go of it first */
  _lp_window_show_model (self, NULL, NULL);
  _lp_window_drop_recorder (self);
  gtk_widget_set_visible (self->live_box, FALSE);
  self->unsaved = FALSE;
  self->idle_dropped = FALSE;
  g_clear_pointer (&self->report, lp_folded_free);
  self->report = report;
  g_set_object (&self->report_file, file);
  _lp_window_show_model (self, model, filtered);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
  _lp_window_update_summary (self);
  gtk_stack_set_visible_child_name (self->stack, "report");
  _lp_window_update_report_actions (self);
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
  ViewSpec  spec;
  LpFlameModel *model;
  LpFolded *filtered;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data->path);
  /* the model refers to the names of the report or of the filtered copy */
  g_clear_pointer (&data->model, lp_flame_model_free);
  g_clear_pointer (&data->filtered, lp_folded_free);
  g_clear_pointer (&data->folded, lp_folded_free);
  _lp_window_view_spec_clear (&data->spec);
  g_free (data->first_skip);
  g_clear_weak_pointer (&data->window);
  g_free (data);
}

typedef struct
{
  LpWindow *window;
  double    fraction;
  gboolean  loading_page;
} TransferProgress;

static gboolean
transfer_idle_cb (gpointer user_data)
{
  TransferProgress *p = user_data;

  if (p->window != NULL)
    gtk_progress_bar_set_fraction (p->loading_page ? p->window->loading_progress
                                                   : p->window->transfer_progress, p->fraction);
  g_clear_weak_pointer (&p->window);
  g_free (p);
  return G_SOURCE_REMOVE;
}

/* _lp_window_post_progress: from a worker thread, moves the progress bar of the
 * loading page (@loading_page) or of a transfer, if the window still lives */
void
_lp_window_post_progress (LpWindow *window,
               double    fraction,
               gboolean  loading_page)
{
  TransferProgress *p = g_new0 (TransferProgress, 1);

  g_set_weak_pointer (&p->window, window);
  p->fraction = fraction;
  p->loading_page = loading_page;
  g_idle_add (transfer_idle_cb, p);
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
          last_progress = g_get_monotonic_time ();
          _lp_window_post_progress (data->window, (double) done / data->size, TRUE);
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
  /* the model of a big report takes a while too: build it here */
  data->model = _lp_window_build_model (folded, &data->spec, &data->filtered);
  data->folded = g_steal_pointer (&folded);
  g_task_return_boolean (task, TRUE);
}

void
_lp_window_update_summary (LpWindow *self)
{
  g_autofree char *text = NULL;
  char samples[64];

  if (self->report == NULL)
    {
      gtk_label_set_text (self->report_summary, "");
      return;
    }
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
        _lp_window_show_error (self, heading, body);
      }
      return;
    }

  basename = g_file_get_basename (data->file);
  dirname = data->path != NULL ? g_path_get_dirname (data->path) : g_strdup ("");
  _lp_window_replace_report (self, g_steal_pointer (&data->folded), g_steal_pointer (&data->model),
                  g_steal_pointer (&data->filtered), data->file, basename, dirname);
  g_settings_set_string (self->settings, "last-directory", dirname);

  uri = g_file_get_uri (data->file);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);

  if (data->n_skipped > 0)
    {
      g_autofree char *msg = g_strdup_printf (g_dngettext (NULL, "%" PRIu64 " line could not be read (%s)",
                                                           "%" PRIu64 " lines could not be read (first: %s)",
                                                           data->n_skipped),
                                              data->n_skipped, data->first_skip);
      _lp_window_toast (self, msg);
    }
}

static void
open_file_now (LpWindow *self,
               gpointer  user_data)
{
  GFile *file = user_data;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *label = NULL;
  LoadData *data;

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_set_object (&self->loading, g_cancellable_new ());

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->path = g_file_get_path (file);
  g_set_weak_pointer (&data->window, self);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  data->size = info != NULL ? g_file_info_get_size (info) : 0;
  _lp_window_view_spec_from_window (&data->spec, self);

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

void
lp_window_open_file (LpWindow *self,
                     GFile    *file)
{
  g_return_if_fail (LP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  _lp_window_confirm_discard (self, open_file_now, g_object_ref (file), g_object_unref);
}

LpFlameView *
lp_window_get_flame_view (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->flame_view;
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

/* a window already showing something keeps it: record in a new one */
static LpWindow *
window_for_recording (LpWindow *self)
{
  LpWindow *target;

  if (self->report == NULL)
    return self;
  target = lp_window_new (gtk_window_get_application (GTK_WINDOW (self)));
  gtk_window_present (GTK_WINDOW (target));
  return target;
}

static void
process_chosen_cb (LpWindow   *self,
                   int         pid,
                   const char *name)
{
  lp_window_record_pid (window_for_recording (self), pid, name);
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
  lp_window_record_command (window_for_recording (self), argv, directory);
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

/* Exploring the graph */

void
_lp_window_update_matched (LpWindow *self)
{
  double matched = lp_flame_view_get_matched (self->flame_view);
  g_autofree char *text = NULL;

  if (matched >= 0)
    text = g_strdup_printf (_("Matched: %.2f%%"), 100.0 * matched);
  gtk_label_set_text (self->matched_label, text != NULL ? text : "");
}

void
_lp_window_update_zoom_state (LpWindow *self)
{
  guint32 zoom = lp_flame_view_get_zoom (self->flame_view);
  gboolean zoomed = self->model != NULL && zoom != LP_FLAME_ROOT;
  g_autofree char *text = NULL;

  if (zoomed)
    text = g_strdup_printf (_("Zoomed into %s"), lp_flame_model_node_name (self->model, zoom));
  else if (self->focus != NULL)
    text = g_strdup_printf (_("Focused on %s"), self->focus);
  gtk_label_set_text (self->zoom_label, text != NULL ? text : "");
  gtk_widget_set_visible (self->reset_zoom_button, zoomed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset-zoom", zoomed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-back", zoomed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.unfilter",
                                 self->focus != NULL || self->hidden->len > 0);
  _lp_window_update_matched (self);
}

static void
zoom_changed_cb (LpWindow *self)
{
  _lp_window_update_zoom_state (self);
}

static void
search_changed_cb (LpWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean ignore_case = !gtk_toggle_button_get_active (self->case_button);
  g_autoptr(GError) error = NULL;

  if (!lp_flame_view_set_search (self->flame_view, text, ignore_case, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_entry), error->message);
      gtk_label_set_text (self->matched_label, "");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_entry), NULL);
  _lp_window_update_matched (self);
}

static void
stop_search_cb (LpWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
focus_requested_cb (LpWindow *self,
                    guint     frame)
{
  LpFolded *names = lp_flame_model_get_names (self->model);

  g_free (self->focus);
  self->focus = g_strdup (lp_folded_frame_name (names, frame));
  _lp_window_rebuild_model (self);
}

static void
hide_requested_cb (LpWindow *self,
                   guint     frame)
{
  LpFolded *names = lp_flame_model_get_names (self->model);
  const char *name = lp_folded_frame_name (names, frame);

  if (g_strcmp0 (name, self->focus) == 0)
    g_clear_pointer (&self->focus, g_free);
  g_ptr_array_add (self->hidden, g_strdup (name));
  _lp_window_rebuild_model (self);
}

static void
unfilter_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  g_ptr_array_set_size (self->hidden, 0);
  g_clear_pointer (&self->focus, g_free);
  _lp_window_rebuild_model (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
zoom_back_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  lp_flame_view_zoom_back (LP_WINDOW (widget)->flame_view);
}

static void
reset_zoom_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  lp_flame_view_reset_zoom (LP_WINDOW (widget)->flame_view);
}

void
_lp_window_update_report_actions (LpWindow *self)
{
  gboolean has = self->report != NULL;
  const char *actions[] = { "win.save", "win.save-s3", "win.export-svg", "win.export-png", "win.find", "win.summary",
                            "win.icicle", "win.reverse", "win.left-heavy", "win.show-idle", "win.palette" };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], has);
  gtk_widget_set_visible (self->view_button, has);
  gtk_widget_set_visible (self->export_button, has);
  gtk_widget_set_visible (self->summary_button, has);
  gtk_widget_set_visible (GTK_WIDGET (self->search_button), has);
  _lp_window_update_zoom_state (self);
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

static void
lp_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LpWindow *self = LP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ICICLE:
      g_value_set_boolean (value, self->icicle);
      break;
    case PROP_REVERSE:
      g_value_set_boolean (value, self->reverse);
      break;
    case PROP_LEFT_HEAVY:
      g_value_set_boolean (value, self->left_heavy);
      break;
    case PROP_SHOW_IDLE:
      g_value_set_boolean (value, self->show_idle);
      break;
    case PROP_PALETTE:
      g_value_set_string (value, self->palette);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lp_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LpWindow *self = LP_WINDOW (object);
  gboolean b = G_VALUE_HOLDS_BOOLEAN (value) ? g_value_get_boolean (value) : FALSE;

  switch (prop_id)
    {
    case PROP_ICICLE:
      if (self->icicle == b)
        return;
      self->icicle = b;
      lp_flame_view_set_icicle (self->flame_view, b);
      break;
    case PROP_REVERSE:
      if (self->reverse == b)
        return;
      self->reverse = b;
      _lp_window_rebuild_model (self);
      break;
    case PROP_LEFT_HEAVY:
      if (self->left_heavy == b)
        return;
      self->left_heavy = b;
      lp_flame_view_set_order (self->flame_view, b ? LP_FLAME_ORDER_LEFT_HEAVY : LP_FLAME_ORDER_ALPHABETICAL);
      break;
    case PROP_SHOW_IDLE:
      if (self->show_idle == b)
        return;
      self->show_idle = b;
      _lp_window_rebuild_model (self);
      break;
    case PROP_PALETTE:
      {
        LpFlamePalette palette;

        if (g_strcmp0 (self->palette, g_value_get_string (value)) == 0)
          return;
        g_free (self->palette);
        self->palette = g_value_dup_string (value);
        if (lp_flame_palette_from_string (self->palette, &palette))
          lp_flame_view_set_palette (self->flame_view, palette);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_object_notify_by_pspec (object, pspec);
}

static void
close_now (LpWindow *self,
           gpointer  user_data)
{
  /* nothing left to ask: the recording ends with the window (dispose) */
  self->unsaved = FALSE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
lp_window_close_request (GtkWindow *window)
{
  LpWindow *self = LP_WINDOW (window);

  if (!self->unsaved)
    return GTK_WINDOW_CLASS (lp_window_parent_class)->close_request (window);
  _lp_window_confirm_discard (self, close_now, NULL, NULL);
  return TRUE;
}

static void
lp_window_dispose (GObject *object)
{
  LpWindow *self = LP_WINDOW (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  _lp_window_drop_recorder (self);
  g_clear_pointer (&self->after_save, _lp_window_pending_discard_free);
  if (self->discard_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->discard_dialog));
  g_clear_weak_pointer (&self->discard_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), LP_TYPE_WINDOW);
  G_OBJECT_CLASS (lp_window_parent_class)->dispose (object);
}

static void
lp_window_finalize (GObject *object)
{
  LpWindow *self = LP_WINDOW (object);

  g_clear_pointer (&self->model, lp_flame_model_free);
  g_clear_pointer (&self->view_folded, lp_folded_free);
  g_clear_pointer (&self->report, lp_folded_free);
  g_clear_object (&self->report_file);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->hidden, g_ptr_array_unref);
  g_free (self->focus);
  g_free (self->palette);
  g_strfreev (self->launch_argv);
  g_free (self->launch_dir);
  g_free (self->target_name);
  g_free (self->last_location);
  G_OBJECT_CLASS (lp_window_parent_class)->finalize (object);
}

static void
lp_window_class_init (LpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lp_window_dispose;
  object_class->finalize = lp_window_finalize;
  object_class->get_property = lp_window_get_property;
  object_class->set_property = lp_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = lp_window_close_request;

  properties[PROP_ICICLE] = g_param_spec_boolean ("icicle", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVERSE] = g_param_spec_boolean ("reverse", NULL, NULL, FALSE,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LEFT_HEAVY] = g_param_spec_boolean ("left-heavy", NULL, NULL, FALSE,
                                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_IDLE] = g_param_spec_boolean ("show-idle", NULL, NULL, TRUE,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PALETTE] = g_param_spec_string ("palette", NULL, NULL, "hot",
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LP_TYPE_FLAME_VIEW);

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
  gtk_widget_class_bind_template_child (widget_class, LpWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, case_button);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, matched_label);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, reset_zoom_button);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, flame_view);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, view_button);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, summary_button);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, pkexec_button);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, live_box);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, live_label);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, output_expander);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, output_view);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, transfer_progress);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  _lp_window_live_class_init (widget_class);
  _lp_window_save_class_init (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, focus_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, hide_requested_cb);

  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-back", NULL, zoom_back_action);
  gtk_widget_class_install_action (widget_class, "win.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_install_action (widget_class, "win.unfilter", NULL, unfilter_action);
  gtk_widget_class_install_property_action (widget_class, "win.icicle", "icicle");
  gtk_widget_class_install_property_action (widget_class, "win.reverse", "reverse");
  gtk_widget_class_install_property_action (widget_class, "win.left-heavy", "left-heavy");
  gtk_widget_class_install_property_action (widget_class, "win.show-idle", "show-idle");
  gtk_widget_class_install_property_action (widget_class, "win.palette", "palette");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "win.zoom-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.zoom-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.reset-zoom", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.icicle", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reverse", NULL);

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

  self->hidden = g_ptr_array_new_with_free_func (g_free);
  self->show_idle = TRUE;
  self->end_status = -1;
  self->palette = g_strdup ("hot");

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = lp_settings_new ();
  g_settings_bind (self->settings, "palette", self, "palette", G_SETTINGS_BIND_DEFAULT);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
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

  /* idle frames: shown or not, as chosen for recording */
  g_settings_bind (self->settings, "show-idle", self, "show-idle", G_SETTINGS_BIND_DEFAULT);
  _lp_window_update_report_actions (self);
  _lp_window_update_live_actions (self);

  fill_recent (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (fill_recent), self, G_CONNECT_SWAPPED);
}

LpWindow *
lp_window_new (GtkApplication *application)
{
  return g_object_new (LP_TYPE_WINDOW, "application", application, NULL);
}
