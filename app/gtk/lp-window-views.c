/* lp-window-views.c: the window's views (the flame graph, the functions with their callers and callees, the call tree, the source lines), the function they all show, and the functions table they are made from (see lp-window-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-window-private.h"

/* a report with more stacks has its table made in a worker thread */
#define FUNCTIONS_THREAD_STACKS 20000
/* while recording, the table is made again at most this often (µs) */
#define LIVE_INTERVAL 500000

/* The functions table: made from what the graph shows, in a worker
 * thread for a large report that no recording writes into. The thread
 * reads the window's report: anything that frees or changes it waits for
 * the thread first (_lp_window_views_model_changing()). */

struct FunctionsJob
{
  LpWindow        *window;   /* NULL once the window stopped waiting for it */
  GThread         *thread;   /* a table made ahead: its thread, until finished */
  LpFolded        *source;
  LpFunctionsFlags flags;
  guint32          focus;    /* the graph's focus, a frame of source, or G_MAXUINT32 */
  gboolean         bottom_up; /* the focus keeps callers (bottom-up) */
  LpFunctions     *result;
  char            *select;   /* the function the table will select, or NULL: the costliest */
  guint            index;    /* its index in the result */
  GArray          *callers;  /* and its links, made ahead */
  GArray          *callees;
};

/* the function that costs most on its own, or LP_FUNCTIONS_NONE */
static guint
costliest (const LpFunctions *functions)
{
  guint best = LP_FUNCTIONS_NONE;

  for (guint i = 0; functions != NULL && i < lp_functions_get_n (functions); i++)
    if (best == LP_FUNCTIONS_NONE || lp_functions_get (functions, i)->self > lp_functions_get (functions, best)->self)
      best = i;
  return best;
}

static gboolean
is_live (LpWindow *self)
{
  return self->recorder != NULL && lp_recorder_is_running (self->recorder);
}

/* the table of @source, focused as the graph is (see functions_source()) */
static LpFunctions *
make_table (LpFolded         *source,
            LpFunctionsFlags  flags,
            guint32           focus,
            gboolean          callers)
{
  if (focus == G_MAXUINT32)
    return lp_functions_new (source, flags);
  return lp_functions_new_focus (source, focus, callers, flags);
}

static LpFolded *
functions_source_report (LpWindow         *self,
                         LpFunctionsFlags *flags)
{
  /* what the graph is drawn from: the filtered copy (hidden frames, and
   * idle samples gone), or the report or the selection's report */
  *flags = (self->show_idle || self->idle_dropped) ? LP_FUNCTIONS_DEFAULT : LP_FUNCTIONS_HIDE_IDLE;
  if (self->view_folded != NULL)
    return self->view_folded;
  return self->report != NULL ? _lp_window_shown_report (self) : NULL;
}

static LpFolded *
functions_source (LpWindow         *self,
                  LpFunctionsFlags *flags,
                  guint32          *focus,
                  gboolean         *callers)
{
  LpFolded *source;

  source = functions_source_report (self, flags);
  /* the graph's focus, where its frame is (else the graph has none) */
  *focus = G_MAXUINT32;
  *callers = self->reverse;
  if (source != NULL && self->focus != NULL &&
      !lp_intern_lookup (lp_folded_get_intern (source), self->focus, strlen (self->focus), focus))
    *focus = G_MAXUINT32;
  return source;
}

static void
show_source (LpWindow *self)
{
  LpFunctions *functions = lp_functions_view_get_functions (self->functions_view);
  guint index = LP_FUNCTIONS_NONE;
  g_autofree char *report_dir = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  const char *dirs[3] = { NULL, NULL, NULL };
  guint n = 0;

  if (functions != NULL && self->selected_function != NULL)
    index = lp_functions_find (functions, self->selected_function);
  if (self->report_file != NULL && g_file_peek_path (self->report_file) != NULL)
    {
      report_dir = g_path_get_dirname (g_file_peek_path (self->report_file));
      dirs[n++] = report_dir;
    }
  if (self->launch_dir != NULL)
    dirs[n++] = self->launch_dir;
  else
    dirs[n++] = cwd;
  lp_source_view_show (self->source_view, functions, index, self->capture, dirs);
  self->source_stale = FALSE;
}

static const char *
visible_view (LpWindow *self)
{
  return gtk_stack_get_visible_child_name (self->views_stack);
}

static void select_costliest (LpWindow *self);

/* the table is in: it shows the function the window shows */
static void
apply_functions (LpWindow    *self,
                 LpFunctions *functions)
{
  g_autofree char *selected = g_strdup (self->selected_function);

  self->last_functions = g_get_monotonic_time ();
  self->functions_stale = FALSE;
  self->applying = TRUE;
  lp_functions_view_set_functions (self->functions_view, functions);
  lp_functions_view_select (self->functions_view, selected);
  self->applying = FALSE;
  if (selected == NULL && g_str_equal (visible_view (self), "functions"))
    select_costliest (self);
  if (g_str_equal (visible_view (self), "source"))
    show_source (self);
  else
    self->source_stale = TRUE;
}

static void
job_free (struct FunctionsJob *job)
{
  g_clear_pointer (&job->result, lp_functions_free);
  g_clear_pointer (&job->callers, g_array_unref);
  g_clear_pointer (&job->callees, g_array_unref);
  g_free (job->select);
  g_free (job);
}

/* the table, and the links of the function it will select */
static void
job_run (struct FunctionsJob *job)
{
  job->result = make_table (job->source, job->flags, job->focus, job->bottom_up);
  job->index = job->select != NULL ? lp_functions_find (job->result, job->select) : costliest (job->result);
  if (job->index != LP_FUNCTIONS_NONE)
    {
      job->callers = lp_functions_get_callers (job->result, job->index);
      job->callees = lp_functions_get_callees (job->result, job->index);
    }
}

static void update_functions (LpWindow *self);

static gboolean
job_done_cb (gpointer data)
{
  struct FunctionsJob *job = data;
  LpWindow *self = job->window;

  if (self != NULL)
    {
      g_thread_join (self->functions_thread);
      self->functions_thread = NULL;
      self->functions_job = NULL;
      if (job->index != LP_FUNCTIONS_NONE)
        lp_functions_view_set_links (self->functions_view, job->index,
                                     g_steal_pointer (&job->callers), g_steal_pointer (&job->callees));
      apply_functions (self, g_steal_pointer (&job->result));
      /* the graph changed meanwhile: once more */
      if (self->functions_stale_again)
        {
          self->functions_stale_again = FALSE;
          self->functions_stale = TRUE;
          update_functions (self);
        }
    }
  job_free (job);
  return G_SOURCE_REMOVE;
}

static gpointer
ahead_thread (gpointer data)
{
  job_run (data);
  return NULL;
}

struct FunctionsJob *
_lp_window_views_ahead_start (LpFolded           *report,
                              const LpReportView *view)
{
  struct FunctionsJob *job;

  /* a small table is made at once when shown; one from a filtered copy
   * must wait for the copy */
  if (lp_folded_get_n_stacks (report) < FUNCTIONS_THREAD_STACKS || view->hide_kernel || view->focus != NULL ||
      (view->hidden != NULL && view->hidden[0] != NULL))
    return NULL;
  job = g_new0 (struct FunctionsJob, 1);
  job->source = report;
  job->focus = G_MAXUINT32;
  job->flags = view->hide_idle ? LP_FUNCTIONS_HIDE_IDLE : LP_FUNCTIONS_DEFAULT;
  job->thread = g_thread_new ("laprof-functions", ahead_thread, job);
  return job;
}

void
_lp_window_views_ahead_finish (struct FunctionsJob *job)
{
  if (job != NULL && job->thread != NULL)
    g_thread_join (g_steal_pointer (&job->thread));
}

void
_lp_window_views_ahead_free (struct FunctionsJob *job)
{
  if (job == NULL)
    return;
  _lp_window_views_ahead_finish (job);
  job_free (job);
}

void
_lp_window_views_take_ahead (LpWindow            *self,
                             struct FunctionsJob *job)
{
  g_clear_pointer (&self->functions_ahead, _lp_window_views_ahead_free);
  self->functions_ahead = job;
}

static gpointer
job_thread (gpointer data)
{
  struct FunctionsJob *job = data;

  job_run (job);
  /* before the next frame is drawn: the table is what the user waits for */
  g_idle_add_full (G_PRIORITY_DEFAULT, job_done_cb, job, NULL);
  return NULL;
}

/* the worker thread (if any) ends before its report changes: its table
 * is dropped, and made again */
static void
wait_for_job (LpWindow *self)
{
  if (self->functions_job == NULL)
    return;
  g_thread_join (self->functions_thread);
  self->functions_thread = NULL;
  self->functions_job->window = NULL;
  self->functions_job = NULL;
  self->functions_stale = TRUE;
}

static gboolean
functions_timeout_cb (gpointer data)
{
  LpWindow *self = data;

  self->functions_timeout = 0;
  update_functions (self);
  return G_SOURCE_REMOVE;
}

static void
update_functions (LpWindow *self)
{
  LpFunctionsFlags flags;
  LpFolded *source;
  guint32 focus;
  gboolean callers;
  gint64 now = g_get_monotonic_time ();

  if (!self->functions_stale)
    return;
  if (self->functions_job != NULL)
    {
      self->functions_stale_again = TRUE;
      return;
    }
  source = functions_source (self, &flags, &focus, &callers);
  if (source == NULL)
    {
      apply_functions (self, NULL);
      return;
    }
  /* made with the model, when it is of what the graph shows */
  if (self->functions_ahead != NULL)
    {
      struct FunctionsJob *ahead = g_steal_pointer (&self->functions_ahead);

      _lp_window_views_ahead_finish (ahead);
      if (ahead->source == source && ahead->flags == flags && focus == G_MAXUINT32 &&
          self->selected_function == NULL)
        {
          if (ahead->index != LP_FUNCTIONS_NONE)
            lp_functions_view_set_links (self->functions_view, ahead->index,
                                         g_steal_pointer (&ahead->callers), g_steal_pointer (&ahead->callees));
          apply_functions (self, g_steal_pointer (&ahead->result));
          job_free (ahead);
          return;
        }
      job_free (ahead);
    }
  if (is_live (self))
    {
      /* a recording: only for a view that shows it, twice a second; the
       * recorder writes into the report, so here, on the main loop */
      if (g_str_equal (visible_view (self), "flame") || g_str_equal (visible_view (self), "calltree"))
        return;
      if (now - self->last_functions < LIVE_INTERVAL)
        {
          if (self->functions_timeout == 0)
            self->functions_timeout = g_timeout_add ((LIVE_INTERVAL - (now - self->last_functions)) / 1000 + 1,
                                                     functions_timeout_cb, self);
          return;
        }
      apply_functions (self, make_table (source, flags, focus, callers));
      return;
    }
  if (lp_folded_get_n_stacks (source) < FUNCTIONS_THREAD_STACKS)
    {
      apply_functions (self, make_table (source, flags, focus, callers));
      return;
    }
  /* the job's table is the current one: asked again, nothing more to do */
  self->functions_stale = FALSE;
  self->functions_job = g_new0 (struct FunctionsJob, 1);
  self->functions_job->window = self;
  self->functions_job->source = source;
  self->functions_job->flags = flags;
  self->functions_job->focus = focus;
  self->functions_job->bottom_up = callers;
  self->functions_job->select = g_strdup (self->selected_function);
  self->functions_thread = g_thread_new ("laprof-functions", job_thread, self->functions_job);
}

void
_lp_window_views_model_changing (LpWindow *self)
{
  wait_for_job (self);
  lp_calltree_view_set_model (self->calltree_view, NULL);
}

static void
make_calltree (LpWindow *self)
{
  g_clear_handle_id (&self->calltree_idle, g_source_remove);
  self->calltree_stale = FALSE;
  self->last_calltree = g_get_monotonic_time ();
  lp_calltree_view_set_model (self->calltree_view, self->model);
}

static gboolean
calltree_idle_cb (gpointer data)
{
  LpWindow *self = data;

  self->calltree_idle = 0;
  if (self->calltree_stale)
    make_calltree (self);
  return G_SOURCE_REMOVE;
}

void
_lp_window_views_model_changed (LpWindow *self)
{
  self->functions_stale = TRUE;
  /* the call tree is made once the graph is drawn (30-40 ms for a big
   * report, which the graph need not wait for), shown or not: switching
   * to it then only draws it (bench/README.md, bench-gui-views); at once
   * if it is the view shown */
  self->calltree_stale = TRUE;
  if (g_str_equal (visible_view (self), "calltree"))
    make_calltree (self);
  else if (self->calltree_idle == 0)
    self->calltree_idle = g_idle_add_full (G_PRIORITY_LOW, calltree_idle_cb, self, NULL);
  update_functions (self);
}

void
_lp_window_views_report_grew (LpWindow *self)
{
  gint64 now = g_get_monotonic_time ();

  self->functions_stale = TRUE;
  update_functions (self);
  if (!g_str_equal (visible_view (self), "calltree"))
    {
      self->calltree_stale = TRUE;
      return;
    }
  if (now - self->last_calltree >= LIVE_INTERVAL)
    {
      self->last_calltree = now;
      lp_calltree_view_model_changed (self->calltree_view);
    }
}

void
_lp_window_views_dispose (LpWindow *self)
{
  wait_for_job (self);
  g_clear_pointer (&self->functions_ahead, _lp_window_views_ahead_free);
  g_clear_handle_id (&self->functions_timeout, g_source_remove);
  g_clear_handle_id (&self->calltree_idle, g_source_remove);
}

/* The function the views show */

void
_lp_window_views_select (LpWindow   *self,
                         const char *frame,
                         gboolean    mark)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  const char *name = frame != NULL ? lp_functions_name_of_frame (frame, buf) : NULL;

  if (g_strcmp0 (name, self->selected_function) == 0)
    return;
  g_free (self->selected_function);
  self->selected_function = g_strdup (name);
  if (!self->applying)
    lp_functions_view_select (self->functions_view, name);

  /* the graph marks its frames, as a search would (not when the choice
   * was made in the graph: its search stays) */
  if (name != NULL && mark)
    {
      /* by frame: the graph's layout marked in place, nothing moves */
      lp_flame_view_mark_function (self->flame_view, name);
      /* the share matched needs the graph's layout: made when it shows */
      if (g_str_equal (visible_view (self), "flame"))
        _lp_window_actions_update_matched (self);
    }
  if (g_str_equal (visible_view (self), "source"))
    show_source (self);
  else
    self->source_stale = TRUE;
}

static void
function_selected_cb (LpWindow   *self,
                      const char *name)
{
  /* a table emptied while its report changes selects nothing: the
   * function stays the window's until the next table */
  if (name == NULL && self->applying)
    return;
  _lp_window_views_select (self, name, TRUE);
}

static void
function_activated_cb (LpWindow      *self,
                       guint          position,
                       GtkColumnView *view)
{
  /* Enter or a double click on a function: its source lines */
  gtk_stack_set_visible_child_name (self->views_stack, "source");
}

static void
frame_activated_cb (LpWindow    *self,
                    guint        node,
                    LpFlameView *view)
{
  /* the graph's own model: the one the node is of */
  LpFlameModel *model = lp_flame_view_get_model (view);

  if (model == NULL || node == LP_FLAME_NO_NODE || node == LP_FLAME_ROOT)
    return;
  _lp_window_views_select (self, lp_flame_model_node_name (model, node), FALSE);
}

/* Switching views */

/* with nothing selected, the table opens on the function that costs most
 * on its own */
static void
select_costliest (LpWindow *self)
{
  LpFunctions *functions = lp_functions_view_get_functions (self->functions_view);
  guint best = costliest (functions);

  if (best != LP_FUNCTIONS_NONE)
    _lp_window_views_select (self, lp_functions_get (functions, best)->name, TRUE);
}

static void
visible_view_cb (LpWindow *self)
{
  const char *view = visible_view (self);

  if (g_str_equal (view, "calltree") && self->calltree_stale)
    make_calltree (self);
  if (g_str_equal (view, "functions") || g_str_equal (view, "source"))
    update_functions (self);
  if (g_str_equal (view, "functions") && self->selected_function == NULL)
    select_costliest (self);
  if (g_str_equal (view, "source") && self->source_stale)
    show_source (self);
  if (g_str_equal (view, "flame"))
    _lp_window_actions_update_matched (self);
  g_object_notify (G_OBJECT (self), "view");
}

const char *
_lp_window_views_get_view (LpWindow *self)
{
  return visible_view (self);
}

void
_lp_window_views_set_view (LpWindow   *self,
                           const char *name)
{
  if (name != NULL && gtk_stack_get_child_by_name (self->views_stack, name) != NULL)
    gtk_stack_set_visible_child_name (self->views_stack, name);
}

void
_lp_window_views_set_filter (LpWindow *self,
                             GRegex   *regex)
{
  lp_functions_view_set_filter (self->functions_view, regex);
}

void
_lp_window_views_init (LpWindow *self)
{
  self->functions_stale = TRUE;
  g_signal_connect_object (self->views_stack, "notify::visible-child-name", G_CALLBACK (visible_view_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->functions_view, "function-selected", G_CALLBACK (function_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lp_functions_view_get_table (self->functions_view), "activate",
                           G_CALLBACK (function_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->calltree_view, "function-selected", G_CALLBACK (function_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flame_view, "frame-activated", G_CALLBACK (frame_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_object_bind_property (self, "reverse", self->calltree_view, "reverse",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

void
_lp_window_views_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (LP_TYPE_FUNCTIONS_VIEW);
  g_type_ensure (LP_TYPE_CALLTREE_VIEW);
  g_type_ensure (LP_TYPE_SOURCE_VIEW);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, views_stack);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, functions_view);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, calltree_view);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, source_view);

  /* the views, as the switcher shows them */
  gtk_widget_class_install_property_action (widget_class, "win.view", "view");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.view", "s", "flame");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK, "win.view", "s", "functions");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK, "win.view", "s", "calltree");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_CONTROL_MASK, "win.view", "s", "source");
}
