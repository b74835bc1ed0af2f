/* lp-window.c: the main window: welcome page, opening reports, attaching.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lp-file.h"
#include "lp-flame-export.h"
#include "lp-flame-view.h"
#include "lp-folded-reader.h"
#include "lp-launch-dialog.h"
#include "lp-process-picker.h"
#include "lp-recorder.h"
#include "lp-storer.h"
#include "lp-summary-dialog.h"
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

  GtkSearchBar    *search_bar;
  GtkSearchEntry  *search_entry;
  GtkToggleButton *case_button;
  GtkLabel        *matched_label;
  GtkLabel        *zoom_label;
  GtkWidget       *reset_zoom_button;
  LpFlameView     *flame_view;
  GtkWidget       *view_button;
  GtkWidget       *export_button;
  GtkWidget       *summary_button;
  GtkToggleButton *search_button;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  GtkWidget       *pkexec_button;
  GtkWidget       *live_box;
  GtkLabel        *live_label;
  GtkWidget       *output_expander;
  GtkTextView     *output_view;
  GtkProgressBar  *transfer_progress;

  GSettings       *settings;
  LpFolded        *report;
  GFile           *report_file;
  GCancellable    *loading;

  /* what is drawn: the report, or a filtered copy of it, as a model */
  LpFolded        *view_folded;
  LpFlameModel    *model;
  GPtrArray       *hidden;       /* names of hidden functions */
  char            *focus;        /* name of the focused function, or NULL */

  /* live recording */
  LpRecorder      *recorder;
  gboolean         paused;
  gboolean         unsaved;        /* live data not saved yet */
  gboolean         idle_dropped;   /* recorded with --no-idle: nothing to filter */
  gboolean         rebuild_pending;
  gint64           last_rebuild;
  int              attach_pid;     /* what to record again: a pid, */
  GStrv            launch_argv;    /* or a command line */
  char            *launch_dir;
  char            *target_name;
  char            *last_location; /* where the last store put the report */
  guint            rec_frequency;  /* the recording's options, shown with it */
  gboolean         rec_cpu;
  char            *end_reason;     /* how the recording ended ("stopped", …), or NULL */
  int              end_status;     /* the target's exit status, -1 unknown */
  double           shown_samples;  /* while paused: the samples the graph shows */
  guint            target_watch;   /* after an attach: is the target still there? */

  /* asked before unsaved samples are dropped: what to do after a Save */
  struct PendingDiscard *after_save;
  GtkWidget       *discard_dialog;

  gboolean         icicle;
  gboolean         reverse;
  gboolean         left_heavy;
  gboolean         show_idle;
  char            *palette;
};

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

/* What is drawn: the report filtered (idle samples, hidden functions) and
 * as a model (reverse, focus). Runs in a worker thread for big reports. */

typedef struct
{
  gboolean     reverse;
  gboolean     show_idle;
  GStrv        hidden;
  char        *focus;
} ViewSpec;

static void
view_spec_clear (ViewSpec *spec)
{
  g_clear_pointer (&spec->hidden, g_strfreev);
  g_clear_pointer (&spec->focus, g_free);
}

static void
view_spec_from_window (ViewSpec *spec,
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
static LpFlameModel *
build_model (LpFolded        *report,
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

static void update_zoom_state (LpWindow *self);
static void update_matched (LpWindow *self);
static void update_summary (LpWindow *self);
static void update_report_actions (LpWindow *self);

/* Replaces what is drawn by @model over @filtered (both taken). */
static void
show_model (LpWindow     *self,
            LpFlameModel *model,
            LpFolded     *filtered)
{
  lp_flame_view_set_model (self->flame_view, NULL);
  g_clear_pointer (&self->model, lp_flame_model_free);
  g_clear_pointer (&self->view_folded, lp_folded_free);
  self->model = model;
  self->view_folded = filtered;
  lp_flame_view_set_model (self->flame_view, model);
  update_zoom_state (self);
}

static void
rebuild_model (LpWindow *self)
{
  ViewSpec spec = { 0 };
  LpFolded *filtered = NULL;
  LpFlameModel *model;

  if (self->report == NULL)
    return;
  view_spec_from_window (&spec, self);
  model = build_model (self->report, &spec, &filtered);
  show_model (self, model, filtered);
  view_spec_clear (&spec);
}

/* drop_recorder: ends this window's recording, if any; the engine is asked
 * to stop and nothing it still sends reaches the window. */
static void
drop_recorder (LpWindow *self)
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
 * closing) goes through confirm_discard(), which asks Save / Discard /
 * Cancel and then runs what was asked, or nothing. */

typedef void (*DiscardFunc) (LpWindow *self,
                             gpointer  data);

typedef struct PendingDiscard
{
  DiscardFunc    func;
  gpointer       data;
  GDestroyNotify destroy;
} PendingDiscard;

static void
pending_discard_free (PendingDiscard *pending)
{
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_free (pending);
}

static void
pending_discard_run (LpWindow       *self,
                     PendingDiscard *pending)
{
  pending->func (self, pending->data);
  pending_discard_free (pending);
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
      pending_discard_run (self, pending);
    }
  else if (g_str_equal (response, "save"))
    {
      /* runs after a successful save (save_response_cb), or never */
      g_clear_pointer (&self->after_save, pending_discard_free);
      self->after_save = pending;
      gtk_widget_activate_action (GTK_WIDGET (self), "win.save", NULL);
    }
  else
    pending_discard_free (pending);
}

/* confirm_discard: runs @func (@data, freed with @destroy) now if no
 * unsaved samples would be lost, else after the user chose Discard, or
 * Save and the save succeeded; never after Cancel. */
static void
confirm_discard (LpWindow       *self,
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
      pending_discard_run (self, pending);
      return;
    }
  if (self->discard_dialog != NULL)
    {
      /* one question at a time: the one on screen decides */
      pending_discard_free (pending);
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
  g_object_set_data_full (G_OBJECT (dialog), "lp-pending", pending, (GDestroyNotify) pending_discard_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  g_set_weak_pointer (&self->discard_dialog, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* replace_report: shows @report (taken) through @model over @filtered (both
 * taken) in place of what the window had; a live recording ends first, as
 * it writes into the report being replaced. */
static void
replace_report (LpWindow     *self,
                LpFolded     *report,
                LpFlameModel *model,
                LpFolded     *filtered,
                GFile        *file,
                const char   *title,
                const char   *subtitle)
{
  /* the old model refers to the old report: let go of it first */
  show_model (self, NULL, NULL);
  drop_recorder (self);
  gtk_widget_set_visible (self->live_box, FALSE);
  self->unsaved = FALSE;
  self->idle_dropped = FALSE;
  g_clear_pointer (&self->report, lp_folded_free);
  self->report = report;
  g_set_object (&self->report_file, file);
  show_model (self, model, filtered);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
  update_summary (self);
  gtk_stack_set_visible_child_name (self->stack, "report");
  update_report_actions (self);
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
  view_spec_clear (&data->spec);
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

/* post_progress: from a worker thread, moves the progress bar of the
 * loading page (@loading_page) or of a transfer, if the window still lives */
static void
post_progress (LpWindow *window,
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
          post_progress (data->window, (double) done / data->size, TRUE);
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
  data->model = build_model (folded, &data->spec, &data->filtered);
  data->folded = g_steal_pointer (&folded);
  g_task_return_boolean (task, TRUE);
}

static void
update_summary (LpWindow *self)
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
        show_error (self, heading, body);
      }
      return;
    }

  basename = g_file_get_basename (data->file);
  dirname = data->path != NULL ? g_path_get_dirname (data->path) : g_strdup ("");
  replace_report (self, g_steal_pointer (&data->folded), g_steal_pointer (&data->model),
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
      toast (self, msg);
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
  view_spec_from_window (&data->spec, self);

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

  confirm_discard (self, open_file_now, g_object_ref (file), g_object_unref);
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

static void
update_title (LpWindow *self)
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
  samples = lp_flame_format_count ((double) n);
  state = describe_state (self, FALSE);
  if (self->paused && lp_recorder_is_running (self->recorder))
    {
      g_autofree char *shown = lp_flame_format_count (self->shown_samples);
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

static void
update_live_actions (LpWindow *self)
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
  update_live_actions (self);
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
  /* batches go straight into the model when it draws the report itself */
  return self->model != NULL && self->view_folded == NULL && self->focus == NULL;
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
      update_title (self);
    }
  if (!g_str_equal (lp_window_get_page (self), "report"))
    {
      gtk_stack_set_visible_child_name (self->stack, "report");
      update_report_actions (self);
    }
  update_live_label (self);
  if (self->paused)
    return;
  /* the summary under the graph tells of what the graph shows */
  update_summary (self);
  if (live_fast_path (self))
    lp_flame_view_model_changed (self->flame_view);
  else if (g_get_monotonic_time () - self->last_rebuild > 500000)
    {
      /* a filtered view is rebuilt whole, at most twice a second */
      self->last_rebuild = g_get_monotonic_time ();
      rebuild_model (self);
    }
  else
    self->rebuild_pending = TRUE;
  update_matched (self);
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

static void
recorder_failed_cb (LpWindow   *self,
                    const char *message)
{
  show_engine_error (self, message);
  if (self->report == NULL || lp_folded_get_n_stacks (self->report) == 0)
    {
      /* nothing recorded: back to the start, with the reason on top */
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      show_error (self, _("Could Not Record"), message);
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
      rebuild_model (self);
    }
  else
    lp_flame_view_model_changed (self->flame_view);

  if (g_str_equal (reason, "exited"))
    msg = status >= 0 ? g_strdup_printf (_("The program exited with status %d"), status)
                      : g_strdup (_("The program ended"));
  else if (g_str_equal (reason, "stopped"))
    msg = g_strdup (_("Recording stopped; the report is kept"));
  else if (g_str_equal (reason, "duration"))
    msg = g_strdup (_("Recording finished"));
  if (msg != NULL)
    toast (self, msg);
  update_live_label (self);
  update_live_actions (self);
  update_summary (self);
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

  drop_recorder (self);

  /* a new, empty report and a model that batches go into */
  show_model (self, NULL, NULL);
  g_clear_pointer (&self->report, lp_folded_free);
  g_clear_object (&self->report_file);
  g_ptr_array_set_size (self->hidden, 0);
  g_clear_pointer (&self->focus, g_free);
  self->report = lp_folded_new ();
  self->idle_dropped = !options.idle;
  self->unsaved = FALSE;
  self->paused = FALSE;
  rebuild_model (self);

  self->recorder = lp_recorder_new (self->report);
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
  update_title (self);
  update_live_label (self);
  update_live_actions (self);
  update_summary (self);
  update_report_actions (self);
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
  update_report_actions (self);
  if (!start_recording (self, FALSE, &error))
    {
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      show_error (self, _("Could Not Record"), error->message);
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

void
lp_window_record_pid (LpWindow   *self,
                      int         pid,
                      const char *name)
{
  RecordTarget *target;

  g_return_if_fail (LP_IS_WINDOW (self));

  target = g_new0 (RecordTarget, 1);
  target->pid = pid;
  target->name = g_strdup_printf ("%s (%d)", name != NULL ? name : "?", pid);
  confirm_discard (self, record_target_now, target, (GDestroyNotify) record_target_free);
}

void
lp_window_record_command (LpWindow           *self,
                          const char * const *argv,
                          const char         *directory)
{
  RecordTarget *target;

  g_return_if_fail (LP_IS_WINDOW (self));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  target = g_new0 (RecordTarget, 1);
  target->argv = g_strdupv ((char **) argv);
  target->directory = g_strdup (directory);
  target->name = g_path_get_basename (argv[0]);
  confirm_discard (self, record_target_now, target, (GDestroyNotify) record_target_free);
}

LpRecorder *
lp_window_get_recorder (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->recorder;
}

static void
record_with_pkexec_now (LpWindow *self,
                        gpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  if (!start_recording (self, TRUE, &error))
    show_error (self, _("Could Not Record"), error->message);
}

static void
pkexec_clicked_cb (LpWindow *self)
{
  confirm_discard (self, record_with_pkexec_now, NULL, NULL);
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
      rebuild_model (self);
      update_summary (self);
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
      update_live_actions (self);
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
      update_live_actions (self);
      toast (self, _("The process is gone: it cannot be recorded again"));
      return;
    }
  confirm_discard (self, restart_now, NULL, NULL);
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
    }
  if (self->report_file != NULL)
    file = g_file_get_parse_name (self->report_file);
  facts.file = file;
  dialog = lp_summary_dialog_new (GTK_WINDOW (self), &facts, self->report);
  gtk_window_present (dialog);
}

/* Exploring the graph */

static void
update_matched (LpWindow *self)
{
  double matched = lp_flame_view_get_matched (self->flame_view);
  g_autofree char *text = NULL;

  if (matched >= 0)
    text = g_strdup_printf (_("Matched: %.2f%%"), 100.0 * matched);
  gtk_label_set_text (self->matched_label, text != NULL ? text : "");
}

static void
update_zoom_state (LpWindow *self)
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
  update_matched (self);
}

static void
zoom_changed_cb (LpWindow *self)
{
  update_zoom_state (self);
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
  update_matched (self);
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
  rebuild_model (self);
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
  rebuild_model (self);
}

static void
unfilter_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  g_ptr_array_set_size (self->hidden, 0);
  g_clear_pointer (&self->focus, g_free);
  rebuild_model (self);
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

static void
update_report_actions (LpWindow *self)
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
  update_zoom_state (self);
}

/* Saving and exporting */

typedef enum
{
  SAVE_REPORT,
  SAVE_SVG,
  SAVE_PNG,
} SaveKind;

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

static char *
suggested_name (LpWindow   *self,
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

  if (kind == SAVE_REPORT)
    return lp_folded_save (self->report, path, error);

  lp_flame_export_options_init (&options);
  options.icicle = self->icicle;
  options.order = self->left_heavy ? LP_FLAME_ORDER_LEFT_HEAVY : LP_FLAME_ORDER_ALPHABETICAL;
  lp_flame_palette_from_string (self->palette, &options.palette);
  options.zoom = layout != NULL ? layout->zoom : LP_FLAME_ROOT;
  if (text != NULL && text[0] != '\0')
    search = g_regex_new (text, gtk_toggle_button_get_active (self->case_button) ? 0 : G_REGEX_CASELESS, 0, NULL);
  options.search = search;
  /* named after what was recorded, or the report's file */
  if (self->recorder != NULL)
    {
      g_autofree char *command = recording_command (self);
      g_autofree char *samples = lp_flame_format_count ((double) lp_recorder_get_samples (self->recorder));

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
  PendingDiscard *after = kind == SAVE_REPORT ? g_steal_pointer (&self->after_save) : NULL;
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
          show_error (self, _("Could Not Save"), body);
        }
      else
        {
          g_autofree char *dir = g_path_get_dirname (path);
          g_autofree char *name = g_path_get_basename (path);
          g_autofree char *msg = g_strdup_printf (_("Saved %s"), name);

          g_settings_set_string (self->settings, "last-directory", dir);
          if (kind == SAVE_REPORT)
            {
              g_autofree char *uri = g_file_get_uri (file);
              gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
              g_set_object (&self->report_file, file);
              self->unsaved = FALSE;
              adw_window_title_set_title (self->window_title, name);
              adw_window_title_set_subtitle (self->window_title, dir);
              gtk_window_set_title (GTK_WINDOW (self), name);
            }
          toast (self, msg);
          saved = TRUE;
        }
    }
  g_object_unref (chooser);
  if (after == NULL)
    return;
  /* saved as asked before dropping the samples: go on, last, for it may
   * close the window; not saved: nothing is dropped */
  if (saved)
    pending_discard_run (self, after);
  else
    pending_discard_free (after);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  SaveKind kind = g_str_equal (action_name, "win.export-svg") ? SAVE_SVG
                : g_str_equal (action_name, "win.export-png") ? SAVE_PNG : SAVE_REPORT;
  const char *titles[] = { N_("Save Report"), N_("Export SVG"), N_("Export PNG") };
  const char *suffixes[] = { ".folded", ".svg", ".png" };
  g_autofree char *name = suggested_name (self, suffixes[kind]);
  g_autofree char *last = g_settings_get_string (self->settings, "last-directory");
  GtkFileChooserNative *chooser;

  if (self->report == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_(titles[kind]), GTK_WINDOW (self),
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
lp_window_save_to (LpWindow    *self,
                   const char  *what,
                   const char  *path,
                   GError     **error)
{
  SaveKind kind = g_str_equal (what, "svg") ? SAVE_SVG : g_str_equal (what, "png") ? SAVE_PNG : SAVE_REPORT;

  g_return_val_if_fail (LP_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (self->report != NULL, FALSE);
  if (!save_to (self, kind, path, error))
    return FALSE;
  if (kind == SAVE_REPORT)
    self->unsaved = FALSE;
  return TRUE;
}

LpFlameView *
lp_window_get_flame_view (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->flame_view;
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
  ViewSpec   spec;
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
  view_spec_clear (&data->spec);
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
    post_progress (data->window, (double) done / total, FALSE);
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
      show_error (self, _("Could Not Save to S3"), error->message);
      return;
    }
  {
    g_autofree char *msg = g_strdup_printf (_("Saved to %s"), data->location);
    self->unsaved = FALSE;
    update_title (self);
    toast (self, msg);
    g_free (self->last_location);
    self->last_location = g_strdup (data->location);
  }
}

gboolean
lp_window_store (LpWindow    *self,
                 const char  *dest,
                 GError     **error)
{
  g_autoptr(GTask) task = NULL;
  S3Data *data;
  LpStorer *storer;

  g_return_val_if_fail (LP_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (self->report != NULL, FALSE);

  storer = lp_storer_new_for_destination (dest, error);
  if (storer == NULL)
    return FALSE;
  g_settings_set_string (self->settings, "s3-destination", dest);

  data = g_new0 (S3Data, 1);
  data->storer = storer;
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

const char *
lp_window_get_last_location (LpWindow *self)
{
  return self->last_location;
}

static void
list_progress_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  S3Data *data = user_data;

  if (total > 0)
    post_progress (data->window, (double) done / total, TRUE);
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
  data->model = build_model (data->merged, &data->spec, &data->filtered);
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
      show_error (self, _("Could Not Open from S3"), error->message);
      return;
    }

  subtitle = g_strdup_printf (g_dngettext (NULL, "%u report merged", "%u reports merged", data->n_reports),
                              data->n_reports);
  replace_report (self, g_steal_pointer (&data->merged), g_steal_pointer (&data->model),
                  g_steal_pointer (&data->filtered), NULL, data->dest, subtitle);
}

static void open_destination_now (LpWindow *self,
                                  gpointer  user_data);

gboolean
lp_window_open_destination (LpWindow    *self,
                            const char  *dest,
                            GError     **error)
{
  S3Data *data;
  LpStorer *storer;

  g_return_val_if_fail (LP_IS_WINDOW (self), FALSE);

  storer = lp_storer_new_for_destination (dest, error);
  if (storer == NULL)
    return FALSE;
  g_settings_set_string (self->settings, "s3-destination", dest);

  data = g_new0 (S3Data, 1);
  data->storer = storer;
  data->dest = g_strdup (dest);
  confirm_discard (self, open_destination_now, data, (GDestroyNotify) s3_data_free);
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

  view_spec_from_window (&data->spec, self);
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
    show_error (self, g_str_equal (response, "save") ? _("Could Not Save to S3") : _("Could Not Open from S3"),
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
      rebuild_model (self);
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
      rebuild_model (self);
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
  confirm_discard (self, close_now, NULL, NULL);
  return TRUE;
}

static void
lp_window_dispose (GObject *object)
{
  LpWindow *self = LP_WINDOW (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  drop_recorder (self);
  g_clear_pointer (&self->after_save, pending_discard_free);
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
  gtk_widget_class_install_action (widget_class, "win.save-s3", NULL, save_s3_action);
  gtk_widget_class_install_action (widget_class, "win.open-s3", NULL, open_s3_action);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, error_dismiss_cb);
  gtk_widget_class_bind_template_callback (widget_class, pkexec_clicked_cb);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "win.summary", NULL, summary_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "win.stop", NULL);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, focus_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, hide_requested_cb);

  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.export-svg", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.export-png", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-back", NULL, zoom_back_action);
  gtk_widget_class_install_action (widget_class, "win.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_install_action (widget_class, "win.unfilter", NULL, unfilter_action);
  gtk_widget_class_install_property_action (widget_class, "win.icicle", "icicle");
  gtk_widget_class_install_property_action (widget_class, "win.reverse", "reverse");
  gtk_widget_class_install_property_action (widget_class, "win.left-heavy", "left-heavy");
  gtk_widget_class_install_property_action (widget_class, "win.show-idle", "show-idle");
  gtk_widget_class_install_property_action (widget_class, "win.palette", "palette");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export-svg", NULL);
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

  self->settings = g_settings_new (APPLICATION_ID);
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
  update_report_actions (self);
  update_live_actions (self);

  fill_recent (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (fill_recent), self, G_CONNECT_SWAPPED);
}

LpWindow *
lp_window_new (GtkApplication *application)
{
  return g_object_new (LP_TYPE_WINDOW, "application", application, NULL);
}
