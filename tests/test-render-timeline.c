/* test-render-timeline.c: the timeline's drawing and hit testing (render/lp-timeline.h) on captures made through the lp_capture_add_* API.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cairo.h>
#include <glib.h>
#include <string.h>

#include "lp-timeline.h"

#define S 1000000000ull
#define MS 1000000ull

/* Two threads at 1,000 Hz over [0, 3 s): "worker" on CPU in busy() only
 * during [1 s, 2 s) and blocked in a read the rest of the time; "main" on
 * CPU in spin() the whole time. */
static LpCapture *
make_capture (guint *worker,
              guint *main_thread)
{
  LpCapture *capture = lp_capture_new ();
  LpFolded *folded = lp_capture_get_folded (capture);
  guint32 busy[2], blocked[2], spin[2];
  g_autoptr(GError) error = NULL;

  busy[0] = lp_folded_intern (folded, "start_thread", -1);
  busy[1] = lp_folded_intern (folded, "busy", -1);
  blocked[0] = busy[0];
  blocked[1] = lp_folded_intern (folded, "[idle: read]", -1);
  spin[0] = lp_folded_intern (folded, "main", -1);
  spin[1] = lp_folded_intern (folded, "spin", -1);
  *main_thread = lp_capture_add_thread (capture, 100, 100, "main", 0);
  *worker = lp_capture_add_thread (capture, 100, 101, "worker", 0);
  for (guint64 t = 0; t < 3 * S; t += MS)
    {
      gboolean on = t >= 1 * S && t < 2 * S;

      g_assert_true (lp_capture_add_sample_frames (capture, t, *main_thread, spin, 2, 1, 0, &error));
      g_assert_true (lp_capture_add_sample_frames (capture, t + 1, *worker, on ? busy : blocked, 2, 1,
                                                   on ? 0 : LP_CAPTURE_SAMPLE_IDLE, &error));
    }
  g_assert_no_error (error);
  return capture;
}

typedef struct
{
  cairo_surface_t *surface;
  int              width, height;
} Picture;

static void
draw (Picture                *pic,
      LpCapture              *capture,
      const LpTimelineParams *params)
{
  cairo_t *cr;

  pic->width = (int) params->width;
  pic->height = (int) params->height;
  pic->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, pic->width, pic->height);
  cr = cairo_create (pic->surface);
  lp_timeline_draw (cr, capture, params);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (pic->surface);
}

static LpRgb
pixel (Picture *pic,
       int      x,
       int      y)
{
  const guint8 *data = cairo_image_surface_get_data (pic->surface);
  guint32 v;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (x, <, pic->width);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (y, <, pic->height);
  memcpy (&v, data + y * cairo_image_surface_get_stride (pic->surface) + 4 * x, 4);
  return (LpRgb) { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
}

static gboolean
same_rgb (LpRgb a,
          LpRgb b)
{
  return ABS (a.r - b.r) <= 2 && ABS (a.g - b.g) <= 2 && ABS (a.b - b.b) <= 2;
}

static void
init_params (LpTimelineParams *params,
             LpCapture        *capture)
{
  lp_timeline_params_init (params);
  params->width = 132 + 600;
  params->height = lp_timeline_get_height (capture);
  params->from_ns = 0;
  params->to_ns = 3 * S;
}

/* the middle row of @thread's lane, at the bottom half (on-CPU share) */
static int
lane_row (guint thread)
{
  return (int) (lp_timeline_lane_y (thread) + LP_TIMELINE_LANE_HEIGHT / 2 + 2);
}

static void
test_lanes (void)
{
  guint worker, main_thread;
  g_autoptr(LpCapture) capture = make_capture (&worker, &main_thread);
  LpTimelineParams params;
  Picture pic;
  int x_from, x_to, y_worker, y_main;
  guint n_on = 0;

  init_params (&params, capture);
  draw (&pic, capture, &params);
  x_from = (int) lp_timeline_x_at (&params, 1 * S);
  x_to = (int) lp_timeline_x_at (&params, 2 * S);
  g_assert_cmpint (x_from, ==, 132 + 200);
  g_assert_cmpint (x_to, ==, 132 + 400);
  y_worker = lane_row (worker);
  y_main = lane_row (main_thread);

  /* the worker is on-CPU green exactly over [1 s, 2 s) (one column of
   * slack at each end), and blocked blue everywhere else */
  for (int x = (int) lp_timeline_area_x (&params); x < pic.width; x++)
    {
      LpRgb c = pixel (&pic, x, y_worker);

      if (x > x_from && x < x_to - 1)
        g_assert_true (same_rgb (c, LP_TIMELINE_ON_CPU_RGB));
      else if (x < x_from - 1 || x > x_to)
        {
          if (same_rgb (c, LP_TIMELINE_ON_CPU_RGB))
            g_error ("on-CPU colour at x=%d (%g s), outside [1 s, 2 s)", x,
                     lp_timeline_time_at (&params, x) / (double) S);
          g_assert_true (same_rgb (c, LP_TIMELINE_BLOCKED_RGB));
        }
      if (same_rgb (c, LP_TIMELINE_ON_CPU_RGB))
        n_on++;
      /* main is on CPU the whole time */
      g_assert_true (same_rgb (pixel (&pic, x, y_main), LP_TIMELINE_ON_CPU_RGB));
    }
  g_assert_cmpuint (n_on, >=, 198);
  g_assert_cmpuint (n_on, <=, 202);
  cairo_surface_destroy (pic.surface);
}

static void
test_zoomed_span (void)
{
  guint worker, main_thread;
  g_autoptr(LpCapture) capture = make_capture (&worker, &main_thread);
  LpTimelineParams params;
  Picture pic;
  double x_to;

  /* a span of [1.5 s, 2.5 s): the worker's busy time ends in the middle */
  init_params (&params, capture);
  params.from_ns = 1500 * MS;
  params.to_ns = 2500 * MS;
  draw (&pic, capture, &params);
  x_to = lp_timeline_x_at (&params, 2 * S);
  g_assert_cmpfloat_with_epsilon (x_to, 132 + 300, 1e-9);
  g_assert_true (same_rgb (pixel (&pic, 132 + 2, lane_row (worker)), LP_TIMELINE_ON_CPU_RGB));
  g_assert_true (same_rgb (pixel (&pic, 132 + 298, lane_row (worker)), LP_TIMELINE_ON_CPU_RGB));
  g_assert_true (same_rgb (pixel (&pic, 132 + 302, lane_row (worker)), LP_TIMELINE_BLOCKED_RGB));
  g_assert_true (same_rgb (pixel (&pic, 132 + 598, lane_row (worker)), LP_TIMELINE_BLOCKED_RGB));
  cairo_surface_destroy (pic.surface);
}

static void
test_hit (void)
{
  guint worker, main_thread;
  g_autoptr(LpCapture) capture = make_capture (&worker, &main_thread);
  LpTimelineParams params;

  init_params (&params, capture);
  g_assert_cmpfloat (lp_timeline_area_x (&params), ==, 132);
  g_assert_cmpfloat (lp_timeline_area_width (&params), ==, 600);
  g_assert_cmpuint (lp_timeline_time_at (&params, 132), ==, 0);
  g_assert_cmpuint (lp_timeline_time_at (&params, 132 + 300), ==, 1500 * MS);
  g_assert_cmpuint (lp_timeline_time_at (&params, 132 + 600), ==, 3 * S);
  /* clamped to the span */
  g_assert_cmpuint (lp_timeline_time_at (&params, 10), ==, 0);
  g_assert_cmpuint (lp_timeline_time_at (&params, 5000), ==, 3 * S);
  for (double x = 132; x <= 732; x += 37.5)
    g_assert_cmpfloat_with_epsilon (lp_timeline_x_at (&params, lp_timeline_time_at (&params, x)), x, 1e-6);

  g_assert_cmpuint (lp_timeline_lane_at (capture, &params, 1), ==, LP_TIMELINE_NO_LANE);
  g_assert_cmpuint (lp_timeline_lane_at (capture, &params, LP_TIMELINE_RULER_HEIGHT + 5), ==, LP_TIMELINE_NO_LANE);
  g_assert_cmpuint (lp_timeline_lane_at (capture, &params, lane_row (worker)), ==, worker);
  g_assert_cmpuint (lp_timeline_lane_at (capture, &params, lane_row (main_thread)), ==, main_thread);
  g_assert_cmpuint (lp_timeline_lane_at (capture, &params, lp_timeline_lane_y (2) + 1), ==, LP_TIMELINE_NO_LANE);
}

static void
test_selection (void)
{
  guint worker, main_thread;
  g_autoptr(LpCapture) capture = make_capture (&worker, &main_thread);
  LpTimelineParams params;
  Picture pic, plain;
  guint threads[1];
  int y = lane_row (main_thread);

  init_params (&params, capture);
  draw (&plain, capture, &params);
  g_assert_cmpfloat (lp_timeline_selection_samples (capture, &params), ==, 6000);

  /* [0.5 s, 1.5 s): 1,000 samples a thread */
  params.sel_from_ns = 500 * MS;
  params.sel_to_ns = 1500 * MS;
  g_assert_cmpfloat (lp_timeline_selection_samples (capture, &params), ==, 2000);
  threads[0] = worker;
  params.sel_threads = threads;
  params.n_sel_threads = 1;
  g_assert_cmpfloat (lp_timeline_selection_samples (capture, &params), ==, 1000);

  /* drawn: the range as it was, the rest shaded darker */
  params.sel_threads = NULL;
  params.n_sel_threads = 0;
  draw (&pic, capture, &params);
  g_assert_true (same_rgb (pixel (&pic, 132 + 150, y), pixel (&plain, 132 + 150, y)));
  g_assert_true (same_rgb (pixel (&pic, 132 + 250, y), LP_TIMELINE_ON_CPU_RGB));
  g_assert_false (same_rgb (pixel (&pic, 132 + 50, y), LP_TIMELINE_ON_CPU_RGB));
  g_assert_cmpint (pixel (&pic, 132 + 50, y).g, <, pixel (&plain, 132 + 50, y).g);
  g_assert_cmpint (pixel (&pic, 132 + 450, y).g, <, pixel (&plain, 132 + 450, y).g);
  cairo_surface_destroy (pic.surface);

  /* a selected lane keeps its colours; the others are dimmed */
  params.sel_from_ns = LP_CAPTURE_TIME_NONE;
  params.sel_threads = threads;
  params.n_sel_threads = 1;
  draw (&pic, capture, &params);
  g_assert_true (same_rgb (pixel (&pic, 132 + 300, lane_row (worker)), LP_TIMELINE_ON_CPU_RGB));
  g_assert_false (same_rgb (pixel (&pic, 132 + 300, y), LP_TIMELINE_ON_CPU_RGB));
  cairo_surface_destroy (pic.surface);
  cairo_surface_destroy (plain.surface);
}

static void
test_marks (void)
{
  guint worker, main_thread;
  g_autoptr(LpCapture) capture = make_capture (&worker, &main_thread);
  LpFolded *folded = lp_capture_get_folded (capture);
  LpTimelineParams params;
  g_autofree double *marks = NULL;
  guint32 frame = lp_folded_intern (folded, "busy", -1);
  double total = 0;
  Picture pic;
  int y_mark = (int) (LP_TIMELINE_RULER_HEIGHT + LP_TIMELINE_STRIP_HEIGHT - 2);

  init_params (&params, capture);
  marks = lp_timeline_marks_new (capture, &params, &frame, 1, 600);
  for (guint i = 0; i < 600; i++)
    {
      if (i < 200 || i >= 400)
        g_assert_cmpfloat (marks[i], ==, 0);
      else
        g_assert_cmpfloat (marks[i], >, 0);
      total += marks[i];
    }
  g_assert_cmpfloat (total, ==, 1000);

  params.marks = marks;
  params.n_marks = 600;
  draw (&pic, capture, &params);
  g_assert_true (same_rgb (pixel (&pic, 132 + 300, y_mark), LP_TIMELINE_MARK_RGB));
  g_assert_false (same_rgb (pixel (&pic, 132 + 100, y_mark), LP_TIMELINE_MARK_RGB));
  g_assert_false (same_rgb (pixel (&pic, 132 + 500, y_mark), LP_TIMELINE_MARK_RGB));
  cairo_surface_destroy (pic.surface);

  /* only in the selected threads: main never runs busy() */
  g_clear_pointer (&marks, g_free);
  params.marks = NULL;
  params.sel_threads = &main_thread;
  params.n_sel_threads = 1;
  marks = lp_timeline_marks_new (capture, &params, &frame, 1, 600);
  for (guint i = 0; i < 600; i++)
    g_assert_cmpfloat (marks[i], ==, 0);
}

/* a folded report has no times: no lanes, a line that says why */
static void
test_no_times (void)
{
  g_autoptr(LpCapture) capture = lp_capture_new ();
  LpTimelineParams params;
  Picture pic;
  guint dark = 0;

  lp_capture_get_info (capture)->has_times = FALSE;
  init_params (&params, capture);
  params.height = 40;
  draw (&pic, capture, &params);
  for (int x = 0; x < pic.width; x++)
    for (int y = 0; y < pic.height; y++)
      {
        LpRgb c = pixel (&pic, x, y);

        g_assert_false (same_rgb (c, LP_TIMELINE_ON_CPU_RGB));
        if (c.r < 160)
          dark++;
      }
  /* the text is there */
  g_assert_cmpuint (dark, >, 50);
  cairo_surface_destroy (pic.surface);
}

static void
test_format_span (void)
{
  const struct { guint64 ns; const char *text; } cases[] = {
    { 1250 * MS, "1.25 s" },
    { 340 * MS, "340 ms" },
    { 12000, "12 µs" },
    { 500, "500 ns" },
    { 0, "0 s" },
    { 90 * S, "1:30.0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = lp_timeline_format_span (cases[i].ns);
      g_assert_cmpstr (s, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/timeline/lanes-on-cpu-where-busy", test_lanes);
  g_test_add_func ("/render/timeline/zoomed-span", test_zoomed_span);
  g_test_add_func ("/render/timeline/hit", test_hit);
  g_test_add_func ("/render/timeline/selection", test_selection);
  g_test_add_func ("/render/timeline/marks", test_marks);
  g_test_add_func ("/render/timeline/no-times", test_no_times);
  g_test_add_func ("/render/timeline/format-span", test_format_span);
  return g_test_run ();
}
