/* lp-window.c: the main window: the type, its properties and pages, its public functions,
 * opening reports through an LpReportLoader, what the graph is drawn from (see lp-window-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "lp-flame-view.h"
#include "lp-report-loader.h"
#include "lp-settings.h"
#include "lp-window-private.h"

enum
{
  PROP_0,
  PROP_ICICLE,
  PROP_REVERSE,
  PROP_LEFT_HEAVY,
  PROP_SHOW_IDLE,
  PROP_SHOW_KERNEL,
  PROP_PALETTE,
  PROP_VIEW_PALETTE,
  PROP_VIEW,
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

/* What is drawn: the report as the window's view shows it
 * (lp-report-view.h); the model is built in a worker thread for big
 * reports. */

void
_lp_window_view_from_window (LpReportView *view,
                             LpWindow     *self)
{
  view->reverse = self->reverse;
  /* a recording made without idle samples has none to hide */
  view->hide_idle = !(self->show_idle || self->idle_dropped);
  view->hide_kernel = !self->show_kernel;
  g_ptr_array_add (self->hidden, NULL);
  view->hidden = g_strdupv ((char **) self->hidden->pdata);
  g_ptr_array_set_size (self->hidden, self->hidden->len - 1);
  view->focus = g_strdup (self->focus);
}

/* Replaces what is drawn by @model over @filtered (both taken). */
void
_lp_window_show_model (LpWindow     *self,
                       LpFlameModel *model,
                       LpFolded     *filtered)
{
  lp_flame_view_set_model (self->flame_view, NULL);
  _lp_window_views_model_changing (self);
  g_clear_pointer (&self->model, lp_flame_model_free);
  g_clear_pointer (&self->view_folded, lp_folded_free);
  self->model = model;
  self->view_folded = filtered;
  lp_flame_view_set_model (self->flame_view, model);
  _lp_window_actions_update_zoom_state (self);
  _lp_window_views_model_changed (self);
}

void
_lp_window_rebuild_model (LpWindow *self)
{
  LpReportView view = { 0 };
  LpFolded *filtered = NULL;
  LpFlameModel *model;

  if (self->report == NULL)
    return;
  if (self->scope_stale)
    _lp_window_timeline_update_scope (self);
  _lp_window_view_from_window (&view, self);
  model = lp_report_view_build_model (&view, _lp_window_shown_report (self), &filtered, NULL);
  _lp_window_show_model (self, model, filtered);
  lp_report_view_clear (&view);
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
  _lp_window_live_drop_recorder (self);
  gtk_widget_set_visible (self->live_box, FALSE);
  self->unsaved = FALSE;
  self->idle_dropped = FALSE;
  _lp_window_timeline_set_capture (self, _lp_window_timeline_new_no_times ());
  g_clear_pointer (&self->report, lp_folded_free);
  self->report = report;
  _lp_window_forget_counts (self);
  g_set_object (&self->report_file, file);
  _lp_window_show_model (self, model, filtered);
  _lp_window_python_report_changed (self);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
  _lp_window_update_summary (self);
  /* at once: a crossfade paints the whole report into offscreen surfaces at
   * every frame for 0.2 s (10 ms a frame for a big graph, the first 70),
   * while the user may already be switching views */
  gtk_stack_set_visible_child_full (self->stack, "report", GTK_STACK_TRANSITION_TYPE_NONE);
  _lp_window_actions_update_report (self);
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

/* the report or the selection's report changed: the header counts its
 * functions anew (the counter goes by the report's address) */
void
_lp_window_forget_counts (LpWindow *self)
{
  g_clear_pointer (&self->functions_counter, lp_functions_counter_free);
  self->functions_counter = lp_functions_counter_new ();
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
  if (self->scoped != NULL)
    {
      char all[64];

      lp_folded_format_count (lp_folded_get_total (self->scoped), samples);
      lp_folded_format_count (lp_folded_get_total (self->report), all);
      /* TRANSLATORS: the header while a part of the timeline is selected */
      text = g_strdup_printf (_("%s samples selected (of %s) · %u stacks · %u functions · depth %u"),
                              samples, all, lp_folded_get_n_stacks (self->scoped),
                              lp_functions_counter_count (self->functions_counter, self->scoped),
                              lp_folded_get_max_depth (self->scoped));
      gtk_label_set_text (self->report_summary, text);
      return;
    }
  lp_folded_format_count (lp_folded_get_total (self->report), samples);
  text = g_strdup_printf (_("%s samples · %u stacks · %u functions · depth %u"),
                          samples, lp_folded_get_n_stacks (self->report),
                          lp_functions_counter_count (self->functions_counter, self->report),
                          lp_folded_get_max_depth (self->report));
  gtk_label_set_text (self->report_summary, text);
}

/* Opening a report: the loader reads it on a worker thread; the window
 * shows its progress on the loading page and takes the report. */

/* what the loader's worker thread makes with the report it read: the
 * model, and beside it, on a second thread, the functions table */
typedef struct
{
  LpReportView         view;
  struct FunctionsJob *functions;   /* until the window takes it */
} OpenView;

static void
open_view_free (OpenView *ov)
{
  lp_report_view_clear (&ov->view);
  _lp_window_views_ahead_free (ov->functions);
  g_free (ov);
}

static LpFlameModel *
build_model_cb (LpFolded  *report,
                LpFolded **filtered,
                gpointer   data)
{
  OpenView *ov = data;
  LpFlameModel *model;

  ov->functions = _lp_window_views_ahead_start (report, &ov->view);
  model = lp_report_view_build_model (&ov->view, report, filtered, NULL);
  _lp_window_views_ahead_finish (ov->functions);
  return model;
}

static void
loader_progress_cb (LpWindow       *self,
                    GParamSpec     *pspec,
                    LpReportLoader *loader)
{
  if (loader == self->loader)
    gtk_progress_bar_set_fraction (self->loading_progress, lp_report_loader_get_fraction (loader));
}

static void
show_load_error (LpWindow *self,
                 GFile    *file,
                 GError   *error)
{
  g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"),
                                              g_file_peek_path (file) ? g_file_peek_path (file) : "");
  g_autofree char *body = g_strdup_printf ("%s\n\n%s", error->message,
                                           _("laprof opens folded text (one stack a line, like “main;parse;read 42”), its capture files (.laprof) and the text of perf script."));

  gtk_stack_set_visible_child_name (self->stack, self->report != NULL ? "report" : "welcome");
  _lp_window_show_error (self, heading, body);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LpReportLoader *loader = LP_REPORT_LOADER (source);
  g_autoptr(LpWindow) self = user_data;
  GFile *file = lp_report_loader_get_file (loader);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *basename = NULL;
  g_autofree char *dirname = NULL;
  LpFlameModel *model = NULL;
  LpFolded *filtered = NULL;
  LpFolded *report;
  LpCapture *capture;

  if (loader == self->loader)
    {
      g_clear_object (&self->loader);
      g_clear_object (&self->loading);
    }
  report = lp_report_loader_load_finish (loader, result, &model, &filtered, &error);
  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_load_error (self, file, error);
      return;
    }

  basename = g_file_get_basename (file);
  dirname = path != NULL ? g_path_get_dirname (path) : g_strdup ("");
  /* the selection was of the report before */
  g_clear_pointer (&self->selected_function, g_free);
  {
    OpenView *ov = g_object_get_data (G_OBJECT (loader), "lp-open-view");

    _lp_window_views_take_ahead (self, g_steal_pointer (&ov->functions));
  }
  _lp_window_replace_report (self, report, model, filtered, file, basename, dirname);
  /* a capture (or perf script text) has times: the timeline shows them */
  capture = lp_report_loader_take_capture (loader);
  if (capture != NULL)
    _lp_window_timeline_set_capture (self, capture);
  g_settings_set_string (self->settings, "last-directory", dirname);
  _lp_window_recent_add (self, file);

  if (lp_report_loader_get_n_skipped (loader) > 0)
    {
      guint64 n_skipped = lp_report_loader_get_n_skipped (loader);
      g_autofree char *msg = g_strdup_printf (g_dngettext (NULL, "%" PRIu64 " line could not be read (%s)",
                                                           "%" PRIu64 " lines could not be read (first: %s)",
                                                           n_skipped),
                                              n_skipped, lp_report_loader_get_first_skip (loader));
      _lp_window_toast (self, msg);
    }
}

/* ends the load in progress, if any: its result is dropped */
static void
cancel_loading (LpWindow *self)
{
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->loader);
}

static void
open_file_now (LpWindow *self,
               gpointer  user_data)
{
  GFile *file = user_data;
  OpenView *ov = g_new0 (OpenView, 1);
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *label = g_strdup_printf (_("Opening %s…"), basename);

  cancel_loading (self);
  self->loading = g_cancellable_new ();
  self->loader = lp_report_loader_new (file);
  _lp_window_view_from_window (&ov->view, self);
  lp_report_loader_set_model_func (self->loader, build_model_cb, ov, (GDestroyNotify) open_view_free);
  g_object_set_data (G_OBJECT (self->loader), "lp-open-view", ov);
  g_signal_connect_object (self->loader, "notify::fraction", G_CALLBACK (loader_progress_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_label_set_text (self->loading_label, label);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  lp_report_loader_load_async (self->loader, self->loading, load_done_cb, g_object_ref (self));
}

void
lp_window_open_file (LpWindow *self,
                     GFile    *file)
{
  g_return_if_fail (LP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  _lp_window_live_confirm_discard (self, open_file_now, g_object_ref (file), g_object_unref);
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

const char *
lp_window_get_selected_function (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->selected_function;
}

void
lp_window_select_function (LpWindow   *self,
                           const char *name)
{
  g_return_if_fail (LP_IS_WINDOW (self));
  _lp_window_views_select (self, name, TRUE);
}

GtkWidget *
lp_window_get_view_widget (LpWindow   *self,
                           const char *name)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->views_stack, name);
}

LpTimelineView *
lp_window_get_timeline_view (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->timeline_view;
}

LpCapture *
lp_window_get_capture (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->capture;
}

LpFolded *
lp_window_get_shown_report (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return _lp_window_shown_report (self);
}

void
lp_window_show_capture (LpWindow   *self,
                        LpCapture  *capture,
                        const char *title)
{
  g_autoptr(GError) error = NULL;
  LpReportView view = { 0 };
  LpFolded *report;
  LpFolded *filtered = NULL;
  LpFlameModel *model;

  g_return_if_fail (LP_IS_WINDOW (self));
  g_return_if_fail (capture != NULL);

  report = _lp_window_timeline_report_of (capture, &error);
  if (report == NULL)
    {
      _lp_window_show_error (self, title, error->message);
      lp_capture_free (capture);
      return;
    }
  _lp_window_view_from_window (&view, self);
  model = lp_report_view_build_model (&view, report, &filtered, NULL);
  lp_report_view_clear (&view);
  _lp_window_replace_report (self, report, model, filtered, NULL, title, "");
  _lp_window_timeline_set_capture (self, capture);
}

gboolean
lp_window_export_to (LpWindow    *self,
                     const char  *format,
                     const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (self->report != NULL, FALSE);
  return _lp_window_export_to_path (self, format, path, error);
}

LpRecorder *
lp_window_get_recorder (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->recorder;
}

const char *
lp_window_get_last_location (LpWindow *self)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), NULL);
  return self->last_location;
}

void
lp_window_record_pid (LpWindow   *self,
                      int         pid,
                      const char *name)
{
  g_return_if_fail (LP_IS_WINDOW (self));

  _lp_window_live_record (self, pid, NULL, NULL,
                          g_strdup_printf ("%s (%d)", name != NULL ? name : "?", pid));
}

void
lp_window_record_command (LpWindow           *self,
                          const char * const *argv,
                          const char         *directory)
{
  g_return_if_fail (LP_IS_WINDOW (self));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  _lp_window_live_record (self, 0, argv, directory, g_path_get_basename (argv[0]));
}

gboolean
lp_window_save_to (LpWindow    *self,
                   const char  *what,
                   const char  *path,
                   GError     **error)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (self->report != NULL, FALSE);

  return _lp_window_save_to_path (self, what, path, error);
}

gboolean
lp_window_store (LpWindow    *self,
                 const char  *dest,
                 GError     **error)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (self->report != NULL, FALSE);

  return _lp_window_save_store (self, dest, error);
}

gboolean
lp_window_open_destination (LpWindow    *self,
                            const char  *dest,
                            GError     **error)
{
  g_return_val_if_fail (LP_IS_WINDOW (self), FALSE);

  return _lp_window_save_open_destination (self, dest, error);
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
    case PROP_SHOW_KERNEL:
      g_value_set_boolean (value, self->show_kernel);
      break;
    case PROP_PALETTE:
      g_value_set_string (value, self->palette);
      break;
    case PROP_VIEW_PALETTE:
      g_value_set_string (value, _lp_window_python_view_palette (self));
      break;
    case PROP_VIEW:
      g_value_set_string (value, _lp_window_views_get_view (self));
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
    case PROP_SHOW_KERNEL:
      if (self->show_kernel == b)
        return;
      self->show_kernel = b;
      _lp_window_rebuild_model (self);
      break;
    case PROP_PALETTE:
      if (g_strcmp0 (self->palette, g_value_get_string (value)) == 0)
        return;
      g_free (self->palette);
      self->palette = g_value_dup_string (value);
      /* a palette chosen (here, in another window) wins over Python's */
      self->python_palette = FALSE;
      _lp_window_python_apply_palette (self);
      break;
    case PROP_VIEW_PALETTE:
      _lp_window_python_pick_palette (self, g_value_get_string (value));
      return;
    case PROP_VIEW:
      /* the stack tells of the change (lp-window-views.c) */
      _lp_window_views_set_view (self, g_value_get_string (value));
      return;
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
  _lp_window_live_confirm_discard (self, close_now, NULL, NULL);
  return TRUE;
}

static void
lp_window_dispose (GObject *object)
{
  LpWindow *self = LP_WINDOW (object);

  cancel_loading (self);
  _lp_window_views_dispose (self);
  _lp_window_live_drop_recorder (self);
  g_clear_pointer (&self->after_save, _lp_window_live_pending_discard_free);
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
  g_clear_pointer (&self->scoped, lp_folded_free);
  g_clear_pointer (&self->functions_counter, lp_functions_counter_free);
  g_clear_pointer (&self->capture, lp_capture_free);
  g_clear_pointer (&self->report, lp_folded_free);
  g_clear_object (&self->report_file);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->hidden, g_ptr_array_unref);
  g_free (self->focus);
  g_free (self->selected_function);
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
  /* the kernel's frames ("name_[k]"), or every stack without them */
  properties[PROP_SHOW_KERNEL] = g_param_spec_boolean ("show-kernel", NULL, NULL, TRUE,
                                                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "palette": the user's choice, kept in the settings; "view-palette":
   * the graph's, "lang" for a report with Python frames while the user
   * chose none; setting it (the View menu) is the user's choice */
  properties[PROP_PALETTE] = g_param_spec_string ("palette", NULL, NULL, "hot",
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW_PALETTE] = g_param_spec_string ("view-palette", NULL, NULL, "hot",
                                                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* the view the report is shown in (lp-window-views.c) */
  properties[PROP_VIEW] = g_param_spec_string ("view", NULL, NULL, "flame",
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
  gtk_widget_class_bind_template_child (widget_class, LpWindow, python_label);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, debuginfo_label);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, output_expander);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, output_view);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, transfer_progress);
  _lp_window_timeline_class_init (widget_class);
  _lp_window_recent_class_init (widget_class);
  _lp_window_live_class_init (widget_class);
  _lp_window_save_class_init (widget_class);
  _lp_window_export_class_init (widget_class);
  _lp_window_views_class_init (widget_class);
  _lp_window_actions_class_init (widget_class);
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
  self->hidden = g_ptr_array_new_with_free_func (g_free);
  self->functions_counter = lp_functions_counter_new ();
  self->show_idle = TRUE;
  self->show_kernel = TRUE;
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

  /* idle frames: shown or not, as chosen for recording */
  g_settings_bind (self->settings, "show-idle", self, "show-idle", G_SETTINGS_BIND_DEFAULT);
  _lp_window_actions_update_report (self);
  _lp_window_live_update_actions (self);

  _lp_window_recent_init (self);
  _lp_window_timeline_init (self);
  _lp_window_views_init (self);
}

LpWindow *
lp_window_new (GtkApplication *application)
{
  return g_object_new (LP_TYPE_WINDOW, "application", application, NULL);
}
