/* test-gui-timeline.c: the window's timeline under Xvfb, with real pointer and key events (xdotool): a range and lanes scope the graph, Escape clears, hovering marks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lp-application.h"
#include "lp-window.h"
#include "test-gui-util.h"

#define S 1000000000ull
#define MS 1000000ull

static LpApplication *app;

/* ---- a capture with known times ---- */

/* Four threads at 1,000 Hz over [0, 3 s):
 *   main    on CPU the whole time, in main;run;spin (and run;compute;hash
 *           every fourth sample)
 *   worker  on CPU in start_thread;work;busy during [1 s, 2 s) only,
 *           blocked in start_thread;[idle: read] the rest
 *   io      blocked in poll, with 40 ms bursts of parse every 400 ms
 *   pool-1  on CPU in crunch a varying share of the time */
typedef struct
{
  guint main, worker, io, pool;
} Threads;

static void
add (LpCapture          *capture,
     guint64             t,
     guint               thread,
     const char * const *names,
     gboolean            idle)
{
  LpFolded *folded = lp_capture_get_folded (capture);
  guint32 frames[8];
  guint depth = 0;
  g_autoptr(GError) error = NULL;

  for (; names[depth] != NULL; depth++)
    frames[depth] = lp_folded_intern (folded, names[depth], -1);
  g_assert_true (lp_capture_add_sample_frames (capture, t, thread, frames, depth, 1,
                                               idle ? LP_CAPTURE_SAMPLE_IDLE : 0, &error));
  g_assert_no_error (error);
}

static LpCapture *
make_capture (Threads *th)
{
  static const char *spin[] = { "main", "run", "spin", NULL };
  static const char *hash[] = { "main", "run", "compute", "hash", NULL };
  static const char *busy[] = { "start_thread", "work", "busy", NULL };
  static const char *read_[] = { "start_thread", "[idle: read]", NULL };
  static const char *poll_[] = { "start_thread", "io_loop", "[idle: poll]", NULL };
  static const char *parse[] = { "start_thread", "io_loop", "parse", NULL };
  static const char *crunch[] = { "start_thread", "pool_run", "crunch", NULL };
  static const char *wait_[] = { "start_thread", "pool_run", "[idle: futex]", NULL };
  LpCapture *capture = lp_capture_new ();
  LpCaptureInfo *info = lp_capture_get_info (capture);

  info->has_times = TRUE;
  info->period = 0.001;
  th->main = lp_capture_add_thread (capture, 100, 100, "main", 0);
  th->worker = lp_capture_add_thread (capture, 100, 101, "worker", 0);
  th->io = lp_capture_add_thread (capture, 100, 102, "io", 0);
  th->pool = lp_capture_add_thread (capture, 100, 103, "pool-1", 0);
  for (guint64 i = 0; i < 3000; i++)
    {
      guint64 t = i * MS;
      gboolean on = t >= 1 * S && t < 2 * S;

      add (capture, t, th->main, i % 4 == 0 ? hash : spin, FALSE);
      add (capture, t + 1, th->worker, on ? busy : read_, !on);
      add (capture, t + 2, th->io, i % 400 < 40 ? parse : poll_, i % 400 >= 40);
      {
        gboolean crunching = sin (i / 150.0) + sin (i / 37.0) > 0;
        add (capture, t + 3, th->pool, crunching ? crunch : wait_, !crunching);
      }
    }
  return capture;
}

/* ---- the window, and where things are on the screen ---- */

static gboolean
timeline_mapped (gpointer data)
{
  GtkWidget *timeline = GTK_WIDGET (lp_window_get_timeline_view (data));
  return gtk_widget_get_mapped (timeline) && gtk_widget_get_width (timeline) > 300 &&
         gtk_widget_get_height (timeline) > 60;
}

static LpWindow *
show_capture (Threads *th)
{
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_show_capture (window, make_capture (th), "threads.laprof");
  g_assert_true (test_gui_spin_until (timeline_mapped, window, 10));
  test_gui_spin (0.3);
  return window;
}

/* a press at (x0, y), a drag to (x1, y), a release: real X events */
static void
drag (GtkWidget *widget,
      double     x0,
      double     x1,
      double     y)
{
  TestGuiXPoint a, b, mid;
  g_autofree char *out = NULL;

  test_gui_x_point (widget, x0, y, &a);
  test_gui_x_point (widget, (x0 + x1) / 2, y, &mid);
  test_gui_x_point (widget, x1, y, &b);
  {
    const char *argv[] = { "mousemove", "--sync", "--window", a.xid, a.x, a.y, "mousedown", "1",
                           "mousemove", "--sync", "--window", mid.xid, mid.x, mid.y,
                           "mousemove", "--sync", "--window", b.xid, b.x, b.y, "mouseup", "1", NULL };
    out = test_gui_xdotool (argv);
  }
}

static void
click (GtkWidget  *widget,
       double      x,
       double      y,
       const char *modifier)
{
  TestGuiXPoint p;
  g_autofree char *out = NULL;

  test_gui_x_point (widget, x, y, &p);
  if (modifier != NULL)
    {
      const char *argv[] = { "mousemove", "--sync", "--window", p.xid, p.x, p.y,
                             "keydown", modifier, "click", "1", "keyup", modifier, NULL };
      out = test_gui_xdotool (argv);
    }
  else
    {
      const char *argv[] = { "mousemove", "--sync", "--window", p.xid, p.x, p.y, "click", "1", NULL };
      out = test_gui_xdotool (argv);
    }
}


/* the y of @thread's lane in the timeline widget */
static double
lane_y (guint thread)
{
  return lp_timeline_lane_y (thread) + LP_TIMELINE_LANE_HEIGHT / 2;
}

static gboolean
has_range (gpointer data)
{
  return lp_timeline_view_get_range (lp_window_get_timeline_view (data), NULL, NULL);
}

static gboolean
has_no_selection (gpointer data)
{
  return !lp_timeline_view_has_selection (lp_window_get_timeline_view (data));
}

static gboolean
has_threads (gpointer data)
{
  guint n;
  return lp_timeline_view_get_threads (lp_window_get_timeline_view (data), &n) != NULL;
}

/* the graph has the frame path @names (root first) */
static gboolean
graph_has (LpWindow           *window,
           const char * const *names)
{
  LpFlameModel *model = lp_flame_view_get_model (lp_window_get_flame_view (window));

  g_assert_nonnull (model);
  return lp_flame_model_find_path (model, names) != LP_FLAME_NO_NODE;
}

static const char *busy_path[] = { "start_thread", "work", "busy", NULL };
static const char *spin_path[] = { "main", "run", "spin", NULL };
static const char *parse_path[] = { "start_thread", "io_loop", "parse", NULL };

static double
graph_total (LpWindow *window)
{
  return lp_flame_model_get_total (lp_flame_view_get_model (lp_window_get_flame_view (window)));
}

/* ---- the tests ---- */

static void
test_drag_range (void)
{
  Threads th;
  LpWindow *window = show_capture (&th);
  LpTimelineView *timeline = lp_window_get_timeline_view (window);
  LpTimelineParams params;
  guint64 from, to;
  double whole = lp_folded_get_total (lp_window_get_report (window));
  double shown, matched_all;
  g_autoptr(GError) error = NULL;

  g_assert_cmpfloat (whole, ==, 12000);
  g_assert_true (graph_has (window, busy_path));
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), ==, whole);

  /* over the strip, from 0.2 s to 0.8 s: before the worker is busy */
  lp_timeline_view_get_params (timeline, &params);
  drag (GTK_WIDGET (timeline), lp_timeline_x_at (&params, 200 * MS), lp_timeline_x_at (&params, 800 * MS),
        LP_TIMELINE_RULER_HEIGHT + LP_TIMELINE_STRIP_HEIGHT / 2);
  g_assert_true (test_gui_spin_until (has_range, window, 5));
  test_gui_spin (0.2);
  g_assert_true (lp_timeline_view_get_range (timeline, &from, &to));
  g_test_message ("range: [%g s, %g s)", from / (double) S, to / (double) S);
  /* within a pixel (3 s over some 1,000 px) of where the pointer went */
  g_assert_cmpfloat (fabs ((double) from - 200.0 * MS), <, 10.0 * MS);
  g_assert_cmpfloat (fabs ((double) to - 800.0 * MS), <, 10.0 * MS);

  /* the header counts and the graph show the range only: 4 samples a ms */
  shown = lp_folded_get_total (lp_window_get_shown_report (window));
  g_assert_cmpfloat (fabs (shown - 4.0 * (to - from) / MS), <=, 4);
  g_assert_cmpfloat (shown, <, whole / 4);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_report (window)), ==, whole);
  /* (the graph leaves out idle samples if the view hides them) */
  g_assert_cmpfloat (graph_total (window), <=, shown);
  g_assert_cmpfloat (graph_total (window), >, 0);
  g_assert_false (graph_has (window, busy_path));
  g_assert_true (graph_has (window, spin_path));
  /* the range's label counts what the header counts */
  lp_timeline_view_get_params (timeline, &params);
  g_assert_cmpfloat (params.sel_samples, ==, shown);
  test_gui_screenshot ("timeline");

  /* Escape clears it: the whole graph again */
  test_gui_x_key (GTK_WIDGET (window), "Escape");
  g_assert_true (test_gui_spin_until (has_no_selection, window, 5));
  test_gui_spin (0.1);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), ==, whole);
  g_assert_true (graph_has (window, busy_path));

  /* a search: its Matched % is of what the graph shows */
  g_assert_true (lp_flame_view_set_search (lp_window_get_flame_view (window), "^busy$", FALSE, &error));
  matched_all = lp_flame_view_get_matched (lp_window_get_flame_view (window));
  g_assert_cmpfloat (matched_all, >, 0);

  /* a range over the worker's busy second */
  drag (GTK_WIDGET (timeline), lp_timeline_x_at (&params, 1100 * MS), lp_timeline_x_at (&params, 1900 * MS),
        lane_y (th.io));
  g_assert_true (test_gui_spin_until (has_range, window, 5));
  test_gui_spin (0.1);
  g_assert_true (graph_has (window, busy_path));
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), <, whole / 3);
  /* busy() is a third of the worker's second, a twelfth of the whole */
  g_test_message ("Matched: %.2f %% of all, %.2f %% of the range", 100 * matched_all,
                  100 * lp_flame_view_get_matched (lp_window_get_flame_view (window)));
  g_assert_cmpfloat (lp_flame_view_get_matched (lp_window_get_flame_view (window)), >, 2 * matched_all);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_click_lanes (void)
{
  Threads th;
  LpWindow *window = show_capture (&th);
  LpTimelineView *timeline = lp_window_get_timeline_view (window);
  LpTimelineParams params;
  const guint *threads;
  guint n;
  double x;

  lp_timeline_view_get_params (timeline, &params);
  x = lp_timeline_x_at (&params, 1500 * MS);

  /* a click on the worker's lane: only the worker */
  click (GTK_WIDGET (timeline), x, lane_y (th.worker), NULL);
  g_assert_true (test_gui_spin_until (has_threads, window, 5));
  test_gui_spin (0.1);
  threads = lp_timeline_view_get_threads (timeline, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (threads[0], ==, th.worker);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), ==, 3000);
  g_assert_true (graph_has (window, busy_path));
  g_assert_false (graph_has (window, spin_path));
  g_assert_false (graph_has (window, parse_path));

  /* Ctrl-click adds the io thread */
  click (GTK_WIDGET (timeline), x, lane_y (th.io), "ctrl");
  test_gui_spin (0.3);
  threads = lp_timeline_view_get_threads (timeline, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), ==, 6000);
  g_assert_true (graph_has (window, parse_path));
  g_assert_false (graph_has (window, spin_path));
  test_gui_screenshot ("timeline-lanes");

  /* a plain click on another lane: only that one */
  click (GTK_WIDGET (timeline), x, lane_y (th.main), NULL);
  test_gui_spin (0.3);
  threads = lp_timeline_view_get_threads (timeline, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (threads[0], ==, th.main);
  g_assert_true (graph_has (window, spin_path));
  g_assert_false (graph_has (window, busy_path));

  test_gui_x_key (GTK_WIDGET (window), "Escape");
  g_assert_true (test_gui_spin_until (has_no_selection, window, 5));
  test_gui_spin (0.1);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), ==, 12000);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_marks (gpointer data)
{
  return lp_timeline_view_get_n_marked_columns (lp_window_get_timeline_view (data)) > 0;
}

/* hovering busy() in the graph marks [1 s, 2 s) on the timeline */
static void
test_hover_marks (void)
{
  Threads th;
  LpWindow *window = show_capture (&th);
  LpTimelineView *timeline = lp_window_get_timeline_view (window);
  LpFlameView *view = lp_window_get_flame_view (window);
  LpFlameModel *model = lp_flame_view_get_model (view);
  const LpFlameLayout *layout = lp_flame_view_get_layout (view);
  guint32 node = lp_flame_model_find_path (model, busy_path);
  const LpFlameRect *rect = NULL;
  LpTimelineParams params;
  TestGuiXPoint p;
  g_autofree char *out = NULL;

  g_assert_cmpuint (node, !=, LP_FLAME_NO_NODE);
  for (guint i = 0; i < layout->rects->len; i++)
    if (g_array_index (layout->rects, LpFlameRect, i).node == node)
      rect = &g_array_index (layout->rects, LpFlameRect, i);
  g_assert_nonnull (rect);
  test_gui_x_point (GTK_WIDGET (view), rect->x + rect->width / 2,
           lp_flame_view_graph_to_widget_y (view, rect->y + 5), &p);
  {
    const char *argv[] = { "mousemove", "--sync", "--window", p.xid, p.x, p.y, NULL };
    out = test_gui_xdotool (argv);
  }
  g_assert_true (test_gui_spin_until (has_marks, window, 5));
  test_gui_spin (0.2);
  lp_timeline_view_get_params (timeline, &params);
  g_assert_nonnull (params.marks);
  for (guint i = 0; i < params.n_marks; i++)
    if (params.marks[i] > 0)
      {
        double t = (double) lp_timeline_time_at (&params, lp_timeline_area_x (&params) + i + 0.5);
        g_assert_cmpfloat (t, >, 1.0 * S - 10 * MS);
        g_assert_cmpfloat (t, <, 2.0 * S + 10 * MS);
      }
  /* about a third of the columns (a second of three) */
  g_assert_cmpuint (lp_timeline_view_get_n_marked_columns (timeline), >, params.n_marks / 3 - 4);
  g_assert_cmpuint (lp_timeline_view_get_n_marked_columns (timeline), <, params.n_marks / 3 + 4);
  test_gui_screenshot ("timeline-hover");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
page_is_report (gpointer data)
{
  return g_strcmp0 (lp_window_get_page (data), "report") == 0;
}

/* a folded report has no times: the timeline says so, and selects nothing */
static void
test_folded_no_times (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpTimelineView *timeline = lp_window_get_timeline_view (window);
  LpCapture *capture;

  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (page_is_report, window, 20));
  test_gui_spin (0.3);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (timeline)));
  capture = lp_window_get_capture (window);
  g_assert_nonnull (capture);
  g_assert_false (lp_capture_get_info (capture)->has_times);
  /* one line of text (in the scrolled window's least height), no lanes */
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (timeline)), <, 60);
  drag (GTK_WIDGET (timeline), 300, 600, 10);
  test_gui_spin (0.3);
  g_assert_false (lp_timeline_view_has_selection (timeline));
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), ==, 12736);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* a recording saved as a capture opens again with its timeline; saved as
 * folded text, with none */
static void
test_save_open_capture (void)
{
  Threads th;
  LpWindow *window = show_capture (&th);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-timeline-XXXXXX", &error);
  g_autofree char *capture_path = g_build_filename (dir, "threads.laprof", NULL);
  g_autofree char *folded_path = g_build_filename (dir, "threads.folded", NULL);
  g_autoptr(GFile) capture_file = g_file_new_for_path (capture_path);
  g_autoptr(GFile) folded_file = g_file_new_for_path (folded_path);
  LpWindow *opened;
  LpCapture *capture;
  const LpCaptureThread *worker;
  guint64 from, to;

  g_assert_no_error (error);
  g_assert_true (lp_window_save_to (window, "capture", capture_path, &error));
  g_assert_no_error (error);
  g_assert_true (lp_window_save_to (window, "folded", folded_path, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (window));

  opened = lp_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (opened), 1200, 760);
  gtk_window_present (GTK_WINDOW (opened));
  lp_window_open_file (opened, capture_file);
  g_assert_true (test_gui_spin_until (timeline_mapped, opened, 20));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (opened)), ==, "threads.laprof");
  capture = lp_window_get_capture (opened);
  g_assert_true (lp_capture_get_info (capture)->has_times);
  g_assert_cmpuint (lp_capture_get_n_samples (capture), ==, 12000);
  g_assert_cmpuint (lp_capture_get_n_threads (capture), ==, 4);
  worker = lp_capture_get_thread (capture, th.worker);
  g_assert_cmpstr (worker->name, ==, "worker");
  g_assert_cmpint (worker->tid, ==, 101);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_report (opened)), ==, 12000);
  /* a range selects in the opened capture as in the recording */
  lp_timeline_view_set_range (lp_window_get_timeline_view (opened), 1 * S, 2 * S);
  g_assert_true (lp_timeline_view_get_range (lp_window_get_timeline_view (opened), &from, &to));
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (opened)), ==, 4000);
  g_assert_true (graph_has (opened, busy_path));

  /* the folded text has no times: an empty timeline */
  lp_window_open_file (opened, folded_file);
  g_assert_true (test_gui_spin_until (page_is_report, opened, 20));
  test_gui_spin (0.3);
  g_assert_false (lp_capture_get_info (lp_window_get_capture (opened))->has_times);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_report (opened)), ==, 12000);
  g_assert_false (lp_timeline_view_has_selection (lp_window_get_timeline_view (opened)));
  gtk_window_destroy (GTK_WINDOW (opened));
  g_unlink (capture_path);
  g_unlink (folded_path);
  g_rmdir (dir);
}

/* ---- live ---- */

typedef struct
{
  LpWindow *window;
  guint64   n_samples;   /* more than this */
  guint64   end_ns;      /* and a later end than this */
} Growth;

static gboolean
capture_grew (gpointer data)
{
  Growth *g = data;
  LpCapture *capture = lp_window_get_capture (g->window);
  LpRecorder *recorder = lp_window_get_recorder (g->window);

  return capture != NULL && recorder != NULL && lp_recorder_get_n_batches (recorder) >= 2 &&
         lp_capture_get_n_samples (capture) > g->n_samples &&
         lp_capture_get_end_ns (capture) > g->end_ns &&
         lp_capture_get_n_threads (capture) > 0 &&
         gtk_widget_get_height (GTK_WIDGET (lp_window_get_timeline_view (g->window))) >=
           lp_timeline_lane_y (lp_capture_get_n_threads (capture));
}

/* the rightmost column of the timeline's picture where a lane (of
 * @n_threads) is drawn in the on-CPU or the blocked colour, or -1 */
static int
lanes_right (LpTimelineView *timeline,
             guint           n_threads)
{
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;
  g_autofree guint8 *data = NULL;
  int right = -1;

  /* while recording, a batch may have queued a redraw: the next frame */
  for (guint i = 0; i < 200 && texture == NULL; i++)
    if ((texture = test_gui_try_render_widget (GTK_WIDGET (timeline))) == NULL)
      test_gui_spin (0.01);
  g_assert_nonnull (texture);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  data = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, data, (gsize) width * 4);
  for (guint t = 0; t < n_threads && (int) lane_y (t) < height; t++)
    for (int x = 0; x < width; x++)
      {
        /* GDK_MEMORY_DEFAULT: B G R A */
        const guint8 *p = data + ((gsize) (int) lane_y (t) * width + x) * 4;
        LpRgb on = LP_TIMELINE_ON_CPU_RGB, blocked = LP_TIMELINE_BLOCKED_RGB;

        if ((ABS (p[2] - on.r) < 4 && ABS (p[1] - on.g) < 4 && ABS (p[0] - on.b) < 4) ||
            (ABS (p[2] - blocked.r) < 4 && ABS (p[1] - blocked.g) < 4 && ABS (p[0] - blocked.b) < 4))
          right = MAX (right, x);
      }
  return right;
}

/* the timeline draws the capture up to its last sample (a lower bound:
 * the picture may be of a later frame, with a longer span) */
static void
assert_drawn_to_end (LpTimelineView *timeline,
                     LpCapture      *capture,
                     guint64        *span_ns)
{
  guint64 end = lp_capture_get_end_ns (capture);
  int right = lanes_right (timeline, lp_capture_get_n_threads (capture));
  LpTimelineParams params;

  lp_timeline_view_get_params (timeline, &params);
  g_test_message ("%" G_GUINT64_FORMAT " samples, %u threads, %g s; lanes drawn to x=%d, the end at x=%.0f",
                  lp_capture_get_n_samples (capture), lp_capture_get_n_threads (capture), end / 1e9, right,
                  lp_timeline_x_at (&params, end));
  g_assert_cmpint (right, >, (int) lp_timeline_area_x (&params));
  g_assert_cmpfloat (right, >=, lp_timeline_x_at (&params, end) - 3);
  g_assert_cmpuint (params.to_ns, >, end);
  *span_ns = params.to_ns;
}

/* a recording's timeline grows as the samples arrive; a range selects
 * in it while it records; saved, it opens again with its times */
static void
test_live (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *demo = lp_application_find_demo ();
  const char *argv[] = { demo, "--forever", "--scale", "0.3", NULL };
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpTimelineView *timeline = lp_window_get_timeline_view (window);
  g_autofree char *dir = g_dir_make_tmp ("laprof-timeline-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "live.laprof", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Growth growth = { window, 0, 0 };
  LpCapture *capture;
  LpTimelineParams params;
  guint64 span_before, span_after;
  guint64 from, to, n_samples;
  double whole;

  g_assert_nonnull (demo);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);

  g_assert_true (test_gui_spin_until (capture_grew, &growth, 30));
  test_gui_spin (0.1);
  capture = lp_window_get_capture (window);
  g_assert_true (lp_capture_get_info (capture)->has_times);
  growth.n_samples = lp_capture_get_n_samples (capture);
  growth.end_ns = lp_capture_get_end_ns (capture);
  assert_drawn_to_end (timeline, capture, &span_before);

  /* more: the timeline grows with the recording (its span, past its
   * first second), drawn up to its end again */
  growth.end_ns = MAX (growth.end_ns, 1100 * MS);
  g_assert_true (test_gui_spin_until (capture_grew, &growth, 30));
  test_gui_spin (0.1);
  assert_drawn_to_end (timeline, capture, &span_after);
  g_assert_cmpuint (span_after, >, span_before);
  lp_timeline_view_get_params (timeline, &params);
  g_assert_cmpuint (params.to_ns, >, lp_capture_get_end_ns (capture));

  /* a range dragged while recording: the graph shows it */
  drag (GTK_WIDGET (timeline), lp_timeline_x_at (&params, params.to_ns / 4),
        lp_timeline_x_at (&params, params.to_ns / 2), LP_TIMELINE_RULER_HEIGHT + LP_TIMELINE_STRIP_HEIGHT / 2);
  g_assert_true (test_gui_spin_until (has_range, window, 5));
  g_assert_true (lp_timeline_view_get_range (timeline, &from, &to));
  test_gui_screenshot ("timeline-live");
  test_gui_spin (0.6);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), <,
                     lp_folded_get_total (lp_window_get_report (window)));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  test_gui_spin (0.3);
  /* everything the stack lines said, the capture lines said too */
  whole = lp_folded_get_total (lp_window_get_report (window));
  g_assert_cmpfloat (lp_folded_get_total (lp_capture_get_folded (capture)), ==, whole);
  n_samples = lp_capture_get_n_samples (capture);

  g_assert_true (lp_window_save_to (window, "capture", path, &error));
  g_assert_no_error (error);
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (timeline_mapped, window, 20));
  test_gui_spin (0.2);
  g_assert_cmpuint (lp_capture_get_n_samples (lp_window_get_capture (window)), ==, n_samples);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_report (window)), ==, whole);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* ---- perf's text ---- */

/* `perf script` text of two threads as perf writes it (the sample's first
 * line ends in the event's name, a colon and a blank): alpha() in the
 * main thread during the first second, beta() in the other during the
 * second */
static char *
perf_script_text (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 2000; i++)
    {
      gboolean first = i < 1000;

      g_string_append_printf (text, "hot %d %u.%06u:    1001001 cpu-clock:ppp: \n",
                              first ? 27450 : 27452, 44393 + i / 1000, (i % 1000) * 1000);
      if (first)
        g_string_append (text, "\t            1177 hot_alpha+0x1e (/tmp/exp/hot)\n"
                               "\t           2724a __libc_start_call_main+0x7a (/usr/lib/x86_64-linux-gnu/libc.so.6)\n\n");
      else
        g_string_append (text, "\t            11ad hot_beta+0x19 (/tmp/exp/hot)\n"
                               "\t           891f5 start_thread+0x305 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n\n");
    }
  return g_string_free (text, FALSE);
}

/* the window's loader tells perf script text by lp_capture_sniff() */
static void
test_sniff_perf_script (void)
{
  g_autofree char *text = perf_script_text ();

  g_assert_cmpint (lp_capture_sniff ((const guint8 *) text, MIN (strlen (text), 4096)), ==,
                   LP_CAPTURE_KIND_PERF_SCRIPT);
}

/* ---- other tools' formats, and perf's ---- */

/* the Export menu's formats, of the selection: the worker's busy second */
static void
test_export (void)
{
  Threads th;
  LpWindow *window = show_capture (&th);
  LpTimelineView *timeline = lp_window_get_timeline_view (window);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-timeline-XXXXXX", &error);
  const char *formats[] = { "pprof", "speedscope", "gecko" };

  g_assert_no_error (error);
  lp_timeline_view_set_threads (timeline, &th.worker, 1);
  lp_timeline_view_set_range (timeline, 1 * S, 2 * S);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_build_filename (dir, formats[i], NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (lp_window_export_to (window, formats[i], path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &data, &len, &error));
      g_assert_cmpuint (len, >, 20);
      if (g_str_equal (formats[i], "pprof"))
        {
          /* gzip'd */
          g_assert_cmpint ((guint8) data[0], ==, 0x1f);
          g_assert_cmpint ((guint8) data[1], ==, 0x8b);
        }
      else
        {
          /* the selection only: the worker's busy(), not main's spin() */
          g_assert_nonnull (strstr (data, "busy"));
          g_assert_null (strstr (data, "spin"));
        }
      g_unlink (path);
    }
  g_assert_false (lp_window_export_to (window, "nonsense", "/nonexistent", &error));
  g_assert_nonnull (error);
  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (dir);
}

static void
test_open_perf_script (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-timeline-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "hot.perf", NULL);
  g_autofree char *text = perf_script_text ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpTimelineView *timeline = lp_window_get_timeline_view (window);
  const char *alpha[] = { "hot", "__libc_start_call_main", "hot_alpha", NULL };
  const char *beta[] = { "hot", "start_thread", "hot_beta", NULL };
  LpCapture *capture;
  guint beta_thread = G_MAXUINT;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (timeline_mapped, window, 20));
  capture = lp_window_get_capture (window);
  g_assert_true (lp_capture_get_info (capture)->has_times);
  g_assert_cmpuint (lp_capture_get_n_samples (capture), ==, 2000);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_report (window)), ==, 2000);
  for (guint t = 0; t < lp_capture_get_n_threads (capture); t++)
    if (lp_capture_get_thread (capture, t)->tid == 27452)
      beta_thread = t;
  g_assert_cmpuint (beta_thread, !=, G_MAXUINT);
  g_assert_true (graph_has (window, alpha));

  /* perf's times: the first second is alpha()'s, the second beta()'s */
  lp_timeline_view_set_range (timeline, 0, 900 * MS);
  g_assert_true (graph_has (window, alpha));
  g_assert_false (graph_has (window, beta));
  lp_timeline_view_set_range (timeline, 1100 * MS, 1900 * MS);
  g_assert_false (graph_has (window, alpha));
  g_assert_true (graph_has (window, beta));
  lp_timeline_view_clear_selection (timeline);
  lp_timeline_view_set_threads (timeline, &beta_thread, 1);
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_shown_report (window)), ==, 1000);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  app = test_gui_init (&argc, &argv);
  g_test_add_func ("/gui/timeline/drag-range", test_drag_range);
  g_test_add_func ("/gui/timeline/click-lanes", test_click_lanes);
  g_test_add_func ("/gui/timeline/hover-marks", test_hover_marks);
  g_test_add_func ("/gui/timeline/folded-no-times", test_folded_no_times);
  g_test_add_func ("/gui/timeline/save-open-capture", test_save_open_capture);
  g_test_add_func ("/gui/timeline/live", test_live);
  g_test_add_func ("/gui/timeline/export", test_export);
  g_test_add_func ("/gui/timeline/open-perf-script", test_open_perf_script);
  /* (failed against main's lp_capture_sniff() before 481e6c3) */
  g_test_add_func ("/gui/timeline/sniff-perf-script", test_sniff_perf_script);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
