/* lp-window-live.c: the main window's live recording, and the question before unsaved samples go.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <unistd.h>

#include "lp-summary-dialog.h"
#include "lp-window-private.h"

struct PendingDiscard
{
  DiscardFunc    func;
  gpointer       data;
  GDestroyNotify destroy;
};

/* _lp_window_live_drop_recorder: ends this window's recording, if any; the engine is asked
 * to stop and nothing it still sends reaches the window. */
void
_lp_window_live_drop_recorder (LpWindow *self)
{
  if (self->recorder == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->recorder, self);
  /* the recorder writes into self->report: it must stop doing so now, and
   * end its engine on its own time, whether this window lives on or not */
  lp_recorder_cancel (self->recorder);
  g_clear_object (&self->recorder);
  g_clear_handle_id (&self->target_watch, g_source_remove);
  g_clear_pointer (&self->end_reason, g_free);
}

/* Unsaved recordings: every path that would replace or drop one (opening a
 * report, a drop, a recent file, S3, a new recording, Record Again,
 * closing) goes through _lp_window_live_confirm_discard(), which asks Save / Discard /
 * Cancel and then runs what was asked, or nothing. */


void
_lp_window_live_pending_discard_free (PendingDiscard *pending)
{
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_free (pending);
}

void
_lp_window_live_pending_discard_run (LpWindow       *self,
                                     PendingDiscard *pending)
{
  pending->func (self, pending->data);
  _lp_window_live_pending_discard_free (pending);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     LpWindow         *self)
{
  PendingDiscard *pending = g_object_steal_data (G_OBJECT (dialog), "lp-pending");

  g_clear_weak_pointer (&self->discard_dialog);
  /* the dialog goes after this handler; the window may go within it (a
   * close): the dialog must not refer to it then */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  if (pending == NULL)
    return;
  if (g_str_equal (response, "discard"))
    {
      self->unsaved = FALSE;
      _lp_window_live_pending_discard_run (self, pending);
    }
  else if (g_str_equal (response, "save"))
    {
      /* runs after a successful save (save_response_cb), or never */
      g_clear_pointer (&self->after_save, _lp_window_live_pending_discard_free);
      self->after_save = pending;
      gtk_widget_activate_action (GTK_WIDGET (self), "win.save", NULL);
    }
  else
    _lp_window_live_pending_discard_free (pending);
}

/* _lp_window_live_confirm_discard: runs @func (@data, freed with @destroy) now if no
 * unsaved samples would be lost, else after the user chose Discard, or
 * Save and the save succeeded; never after Cancel. */
void
_lp_window_live_confirm_discard (LpWindow       *self,
                                 DiscardFunc     func,
                                 gpointer        data,
                                 GDestroyNotify  destroy)
{
  PendingDiscard *pending = g_new0 (PendingDiscard, 1);
  AdwMessageDialog *dialog;

  pending->func = func;
  pending->data = data;
  pending->destroy = destroy;
  if (!self->unsaved)
    {
      _lp_window_live_pending_discard_run (self, pending);
      return;
    }
  if (self->discard_dialog != NULL)
    {
      /* one question at a time: the one on screen decides */
      _lp_window_live_pending_discard_free (pending);
      gtk_window_present (GTK_WINDOW (self->discard_dialog));
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Save the Recording?"),
                                                       _("The samples recorded in this window are not saved "
                                                         "and will be lost.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "discard", _("_Discard"),
                                    "save", _("_Save…"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "lp-pending", pending, (GDestroyNotify) _lp_window_live_pending_discard_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  g_set_weak_pointer (&self->discard_dialog, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Recording live
 *
 * What the header (live_label), the subtitle and the graph say, at every
 * moment of a recording:
 * - recording: "Recording" in the subtitle; the header counts the samples
 *   recorded, which the graph shows as they come;
 * - paused (the view stands still, the engine goes on): "Paused"; the
 *   header says "N samples shown, M recorded": N is what the graph and its
 *   tooltips show, frozen at the pause, M goes on counting;
 * - after the user's Stop: "Stopped"; after the target exited: "The
 *   program ended" with its exit status when the engine knows it; after
 *   --duration: "Recording finished"; after an engine error: "Recording
 *   failed". The header starts with the same word. */

void
_lp_window_live_update_title (LpWindow *self)
{
  g_autofree char *title = NULL;
  const char *name = self->target_name;

  if (self->report_file != NULL)
    return;
  if (name == NULL)
    name = "laprof";
  /* a dot, as editors mark unsaved documents */
  title = self->unsaved ? g_strdup_printf ("• %s", name) : g_strdup (name);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* the state of the recording in words: for the subtitle (@sentence) or
 * the start of the header line */
static char *
describe_state (LpWindow *self,
                gboolean  sentence)
{
  const char *reason = self->end_reason;

  if (lp_recorder_is_running (self->recorder))
    return g_strdup (self->paused ? _("Paused") : _("Recording"));
  if (g_strcmp0 (reason, "stopped") == 0)
    return g_strdup (_("Stopped"));
  if (g_strcmp0 (reason, "exited") == 0)
    {
      if (sentence && self->end_status >= 0)
        return g_strdup_printf (_("The program ended (exit status %d)"), self->end_status);
      return g_strdup (_("The program ended"));
    }
  if (g_strcmp0 (reason, "duration") == 0)
    return g_strdup (_("Recording finished"));
  return g_strdup (_("Recording failed"));
}

static void
update_live_label (LpWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *samples = NULL;
  g_autofree char *state = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *counts = NULL;
  double t;
  guint64 n, lost;

  if (self->recorder == NULL)
    return;
  t = lp_recorder_get_time (self->recorder);
  n = lp_recorder_get_samples (self->recorder);
  lost = lp_recorder_get_lost (self->recorder);
  samples = lp_flame_picture_format_count ((double) n);
  state = describe_state (self, FALSE);
  if (self->paused && lp_recorder_is_running (self->recorder))
    {
      g_autofree char *shown = lp_flame_picture_format_count (self->shown_samples);
      /* TRANSLATORS: while the view is paused: what the graph shows, and
       * what the engine recorded meanwhile */
      counts = g_strdup_printf (_("%s samples shown, %s recorded"), shown, samples);
    }
  else
    counts = g_strdup_printf (_("%s samples"), samples);
  text = g_strdup_printf (_("%s: %s · %u Hz, %s · %.1f s · %s · %.0f/s · %" PRIu64 " lost"),
                          state, self->target_name != NULL ? self->target_name : "",
                          self->rec_frequency,
                          self->rec_cpu ? _("on CPU") : (self->idle_dropped ? _("wall clock, no idle") : _("wall clock")),
                          t, counts, t > 0 ? n / t : 0.0, lost);
  gtk_label_set_text (self->live_label, text);
  if (self->report_file == NULL)
    {
      subtitle = describe_state (self, TRUE);
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
}

/* TRUE if the process @pid is there and not a zombie */
static gboolean
pid_alive (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *close_paren;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  close_paren = strrchr (text, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] != 'Z' && close_paren[2] != 'X';
}

/* Record Again records the same target: a launched command is launched
 * again; an attached process only while it is still there */
static gboolean
can_record_again (LpWindow *self)
{
  if (self->recorder == NULL || lp_recorder_is_running (self->recorder))
    return FALSE;
  return self->launch_argv != NULL || pid_alive (self->attach_pid);
}

void
_lp_window_live_update_actions (LpWindow *self)
{
  gboolean running = self->recorder != NULL && lp_recorder_is_running (self->recorder);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restart", can_record_again (self));
}

static gboolean
target_watch_cb (gpointer user_data)
{
  LpWindow *self = user_data;

  if (can_record_again (self))
    return G_SOURCE_CONTINUE;
  self->target_watch = 0;
  _lp_window_live_update_actions (self);
  return G_SOURCE_REMOVE;
}

static void
show_engine_error (LpWindow   *self,
                   const char *message)
{
  gboolean privileges = strstr (message, "root") != NULL || strstr (message, "ptrace_scope") != NULL ||
                        strstr (message, "ermission") != NULL;

  gtk_label_set_text (self->error_label, message);
  /* where attaching needs privileges the user lacks, offer pkexec */
  gtk_widget_set_visible (self->pkexec_button,
                          privileges && geteuid () != 0 && g_find_program_in_path ("pkexec") != NULL);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
error_dismiss_cb (LpWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static gboolean
live_fast_path (LpWindow *self)
{
  /* batches go straight into the model when it draws the report itself:
   * not a filtered copy (lp_report_view_build_model()), nor the report
   * without its idle samples, which is rebuilt as a filtered view is */
  return self->model != NULL && self->view_folded == NULL && self->focus == NULL &&
         self->scoped == NULL &&
         !(lp_flame_model_get_flags (self->model) & LP_FLAME_MODEL_HIDE_IDLE);
}

static void
recorder_stack_cb (LpWindow            *self,
                   const LpStreamEvent *event)
{
  if (self->paused || !live_fast_path (self))
    return;
  lp_flame_model_add_stack (self->model, event->frames, event->depth, event->count, 0);
}

static void
recorder_batch_cb (LpWindow *self,
                   double    time,
                   guint64   samples,
                   guint64   lost)
{
  if (samples > 0 && !self->unsaved)
    {
      self->unsaved = TRUE;
      _lp_window_live_update_title (self);
    }
  if (!g_str_equal (lp_window_get_page (self), "report"))
    {
      gtk_stack_set_visible_child_name (self->stack, "report");
      _lp_window_actions_update_report (self);
    }
  update_live_label (self);
  if (self->paused)
    return;
  _lp_window_timeline_capture_grew (self);
  /* the summary under the graph tells of what the graph shows */
  _lp_window_update_summary (self);
  if (live_fast_path (self))
    {
      lp_flame_view_model_changed (self->flame_view);
      _lp_window_views_report_grew (self);
    }
  else if (g_get_monotonic_time () - self->last_rebuild > 500000)
    {
      /* a filtered view is rebuilt whole, at most twice a second */
      self->last_rebuild = g_get_monotonic_time ();
      _lp_window_rebuild_model (self);
    }
  else
    self->rebuild_pending = TRUE;
  _lp_window_actions_update_matched (self);
}

static void
recorder_output_cb (LpWindow   *self,
                    const char *line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, line, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", 1);
  /* keep the last few thousand lines */
  if (gtk_text_buffer_get_line_count (buffer) > 5000)
    {
      GtkTextIter start, cut;
      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, 1000);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
  gtk_widget_set_visible (self->output_expander, TRUE);
}

/* how far the debug files the engine fetches from debuginfod are: the
 * graph names their frames as they come */
static void
recorder_debuginfo_cb (LpWindow   *self,
                       const char *text)
{
  gtk_label_set_text (GTK_LABEL (self->debuginfo_label), text);
  gtk_widget_set_tooltip_text (self->debuginfo_label, text);
  gtk_widget_set_visible (self->debuginfo_label, TRUE);
}

static void
recorder_failed_cb (LpWindow   *self,
                    const char *message)
{
  show_engine_error (self, message);
  if (self->report == NULL || lp_folded_get_n_stacks (self->report) == 0)
    {
      /* nothing recorded: back to the start, with the reason on top */
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      _lp_window_show_error (self, _("Could Not Record"), message);
    }
}

static void
recorder_ended_cb (LpWindow   *self,
                   const char *reason,
                   int         status)
{
  g_autofree char *msg = NULL;

  g_free (self->end_reason);
  self->end_reason = g_strdup (reason);
  self->end_status = status;
  if (self->paused || self->rebuild_pending || !live_fast_path (self))
    {
      self->paused = FALSE;
      self->rebuild_pending = FALSE;
      _lp_window_rebuild_model (self);
    }
  else
    {
      lp_flame_view_model_changed (self->flame_view);
      _lp_window_views_report_grew (self);
    }

  if (g_str_equal (reason, "exited"))
    msg = status >= 0 ? g_strdup_printf (_("The program exited with status %d"), status)
                      : g_strdup (_("The program ended"));
  else if (g_str_equal (reason, "stopped"))
    msg = g_strdup (_("Recording stopped; the report is kept"));
  else if (g_str_equal (reason, "duration"))
    msg = g_strdup (_("Recording finished"));
  if (msg != NULL)
    _lp_window_toast (self, msg);
  update_live_label (self);
  _lp_window_live_update_actions (self);
  _lp_window_update_summary (self);
  /* an attached process may go later: Record Again follows it */
  if (self->launch_argv == NULL && can_record_again (self) && self->target_watch == 0)
    self->target_watch = g_timeout_add_seconds (1, target_watch_cb, self);
  g_object_notify (G_OBJECT (self), "title");
}

static gboolean
start_recording (LpWindow    *self,
                 gboolean     use_pkexec,
                 GError     **error)
{
  LpRecorderOptions options = { 0 };
  gboolean ok;

  options.frequency = g_settings_get_uint (self->settings, "frequency");
  options.cpu_mode = g_settings_get_enum (self->settings, "mode") == 1;
  options.idle = g_settings_get_boolean (self->settings, "show-idle");
  options.use_pkexec = use_pkexec;
  self->rec_frequency = options.frequency;
  self->rec_cpu = options.cpu_mode;

  _lp_window_live_drop_recorder (self);

  /* a new, empty report and a model that batches go into */
  _lp_window_show_model (self, NULL, NULL);
  g_clear_pointer (&self->report, lp_folded_free);
  _lp_window_forget_counts (self);
  g_clear_object (&self->report_file);
  g_ptr_array_set_size (self->hidden, 0);
  g_clear_pointer (&self->focus, g_free);
  self->report = lp_folded_new ();
  /* the recording's times and threads, from the stream's capture blocks */
  _lp_window_timeline_set_capture (self, lp_capture_new ());
  self->idle_dropped = !options.idle;
  self->unsaved = FALSE;
  self->paused = FALSE;
  _lp_window_rebuild_model (self);

  _lp_window_python_report_changed (self);
  gtk_widget_set_visible (self->debuginfo_label, FALSE);
  self->recorder = lp_recorder_new (self->report);
  lp_recorder_set_capture (self->recorder, self->capture);
  g_signal_connect_object (self->recorder, "debuginfo", G_CALLBACK (recorder_debuginfo_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "python", G_CALLBACK (_lp_window_python_recorder_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "stack", G_CALLBACK (recorder_stack_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "batch", G_CALLBACK (recorder_batch_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "output", G_CALLBACK (recorder_output_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "failed", G_CALLBACK (recorder_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "ended", G_CALLBACK (recorder_ended_cb), self, G_CONNECT_SWAPPED);

  /* LAPROF_STREAM_COPY=FILE keeps the engine's raw stream, for checks */
  if (g_getenv ("LAPROF_STREAM_COPY") != NULL)
    lp_recorder_set_tee_file (self->recorder, g_getenv ("LAPROF_STREAM_COPY"), NULL);

  if (self->launch_argv != NULL)
    ok = lp_recorder_start_launch (self->recorder, (const char * const *) self->launch_argv,
                                   self->launch_dir, &options, error);
  else
    ok = lp_recorder_start_attach (self->recorder, self->attach_pid, &options, error);

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->output_view), "", 0);
  gtk_widget_set_visible (self->output_expander, FALSE);
  gtk_widget_set_visible (self->live_box, TRUE);
  _lp_window_live_update_title (self);
  update_live_label (self);
  _lp_window_live_update_actions (self);
  _lp_window_update_summary (self);
  _lp_window_actions_update_report (self);
  if (!ok)
    g_clear_object (&self->recorder);
  return ok;
}

static void
begin (LpWindow *self)
{
  g_autoptr(GError) error = NULL;

  /* the graph page at once: it fills as batches arrive */
  gtk_stack_set_visible_child_name (self->stack, "report");
  _lp_window_actions_update_report (self);
  if (!start_recording (self, FALSE, &error))
    {
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      _lp_window_show_error (self, _("Could Not Record"), error->message);
    }
}

/* what to record, until the user said the unsaved samples may go */
typedef struct
{
  GStrv  argv;       /* a command line, */
  char  *directory;
  int    pid;        /* or a process */
  char  *name;
} RecordTarget;

static void
record_target_free (RecordTarget *target)
{
  g_strfreev (target->argv);
  g_free (target->directory);
  g_free (target->name);
  g_free (target);
}

static void
record_target_now (LpWindow *self,
                   gpointer  user_data)
{
  RecordTarget *target = user_data;

  g_strfreev (self->launch_argv);
  self->launch_argv = g_steal_pointer (&target->argv);
  g_free (self->launch_dir);
  self->launch_dir = g_steal_pointer (&target->directory);
  self->attach_pid = target->pid;
  g_free (self->target_name);
  self->target_name = g_steal_pointer (&target->name);
  begin (self);
}

/* _lp_window_live_record: records the process @pid, or runs @argv in
 * @directory and records it, named @name (taken) in the title; after the
 * question, if unsaved samples would be dropped */
void
_lp_window_live_record (LpWindow           *self,
                        int                 pid,
                        const char * const *argv,
                        const char         *directory,
                        char               *name)
{
  RecordTarget *target = g_new0 (RecordTarget, 1);

  target->pid = pid;
  target->argv = g_strdupv ((char **) argv);
  target->directory = g_strdup (directory);
  target->name = name;
  _lp_window_live_confirm_discard (self, record_target_now, target, (GDestroyNotify) record_target_free);
}

static void
record_with_pkexec_now (LpWindow *self,
                        gpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  if (!start_recording (self, TRUE, &error))
    _lp_window_show_error (self, _("Could Not Record"), error->message);
}

static void
pkexec_clicked_cb (LpWindow *self)
{
  _lp_window_live_confirm_discard (self, record_with_pkexec_now, NULL, NULL);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  if (self->recorder != NULL)
    lp_recorder_stop (self->recorder);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  self->paused = !self->paused;
  if (self->paused)
    self->shown_samples = self->model != NULL ? lp_flame_model_get_total (self->model) : 0;
  else
    {
      /* catch up with what arrived while the view stood still */
      self->rebuild_pending = FALSE;
      _lp_window_rebuild_model (self);
      _lp_window_update_summary (self);
    }
  update_live_label (self);
}

static void
restart_now (LpWindow *self,
             gpointer  user_data)
{
  /* the target may have gone while the question was asked */
  if (!can_record_again (self))
    {
      _lp_window_live_update_actions (self);
      return;
    }
  begin (self);
}

static void
restart_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  if (!can_record_again (self))
    {
      _lp_window_live_update_actions (self);
      _lp_window_toast (self, _("The process is gone: it cannot be recorded again"));
      return;
    }
  _lp_window_live_confirm_discard (self, restart_now, NULL, NULL);
}

/* Summary of the recording, or of the report */

static void
summary_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  LpSummaryFacts facts = { 0 };
  g_autofree char *file = NULL;
  GtkWindow *dialog;

  if (self->report == NULL)
    return;
  if (self->recorder != NULL)
    {
      facts.recorded = TRUE;
      facts.target = self->target_name;
      facts.launched = lp_recorder_is_launch (self->recorder);
      facts.mode = lp_recorder_get_mode (self->recorder);
      facts.cpu_mode = self->rec_cpu;
      facts.idle_dropped = self->idle_dropped;
      facts.period = lp_recorder_get_period (self->recorder);
      facts.frequency = self->rec_frequency;
      facts.duration = lp_recorder_get_time (self->recorder);
      facts.samples = lp_recorder_get_samples (self->recorder);
      facts.lost = lp_recorder_get_lost (self->recorder);
      facts.end_reason = self->end_reason;
      facts.end_status = self->end_status;
      facts.running = lp_recorder_is_running (self->recorder);
      lp_recorder_get_python (self->recorder, &facts.python);
    }
  if (self->report_file != NULL)
    file = g_file_get_parse_name (self->report_file);
  facts.file = file;
  dialog = lp_summary_dialog_new (GTK_WINDOW (self), &facts, self->report);
  gtk_window_present (dialog);
}

void
_lp_window_live_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, error_dismiss_cb);
  gtk_widget_class_bind_template_callback (widget_class, pkexec_clicked_cb);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "win.summary", NULL, summary_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "win.stop", NULL);
}
