/* bench-timeline.c: the timeline with a big capture: a frame of the timeline, a range selection's new graph, opening a capture file to its first frame.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * usage: bench-timeline [SHAPE]
 * SHAPE "steady" (default): 10 minutes of 8 threads at 1,000 Hz (4.8
 * million samples), each thread on CPU and blocked in phases of 2 to 10 s,
 * 300 stacks a thread, 12 to 30 deep. SHAPE "churn": the same 4.8 million
 * samples from 96 threads of 50 s each (8 alive at a time, lanes starting
 * and ending), 50,000 stacks 20 to 60 deep, weights 1 to 3.
 *
 * Measured (CPU time of this thread, median of N, and the worst):
 *   frame   lp_timeline_draw() of the whole recording at 1280 px (8 or 96
 *           lanes; 96 lanes drawn up to the 240 px the window shows),
 *           then with a range selected and the marks of a frame;
 *   marks   the marks of a hovered frame (once per hover);
 *   range   a range selection's new graph: lp_capture_select() of 60 s and
 *           of half the recording, the model (lp_report_view_build_model)
 *           and its layout at 1280 px;
 *   open    lp_capture_save() once, then lp_capture_load(), the window's
 *           copy of the report, model, layout and a timeline frame (best of 3). */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lp-bench-util.h"
#include "lp-flame-layout.h"
#include "lp-report-view.h"
#include "lp-timeline.h"

#define S 1000000000ull
#define MS 1000000ull
#define WIDTH 1280

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report (const char *what,
        double     *v,
        guint       n,
        double      target_ms)
{
  qsort (v, n, sizeof (double), lp_bench_cmp_double);
  printf ("%-44s median %8.2f ms  worst %8.2f ms  (n=%u%s%s)\n", what, v[n / 2] * 1e3, v[n - 1] * 1e3, n,
          target_ms > 0 ? (v[n / 2] * 1e3 <= target_ms ? ", within " : ", OVER ") : "",
          target_ms > 0 ? (target_ms >= 100 ? (target_ms >= 1000 ? "1 s" : "100 ms") : "16 ms") : "");
}

static guint32
next (guint64 *state)
{
  /* xorshift64*: the same capture on every run */
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return (guint32) ((*state * 2685821657736338717ull) >> 32);
}

typedef struct
{
  guint32 *frames;   /* n_stacks stacks of max_depth frames */
  guint   *depths;
  guint    n_stacks;
  guint    max_depth;
} StackPool;

static void
pool_init (StackPool *pool,
           LpFolded  *folded,
           guint      n_stacks,
           guint      min_depth,
           guint      max_depth,
           guint      n_names,
           guint64   *rng)
{
  pool->n_stacks = n_stacks;
  pool->max_depth = max_depth;
  pool->frames = g_new (guint32, (gsize) n_stacks * max_depth);
  pool->depths = g_new (guint, n_stacks);
  for (guint s = 0; s < n_stacks; s++)
    {
      guint depth = min_depth + next (rng) % (max_depth - min_depth + 1);

      pool->depths[s] = depth;
      for (guint d = 0; d < depth; d++)
        {
          char name[64];
          /* shared roots, varied leaves: like a real program's stacks */
          guint n = d < 3 ? d : 3 + next (rng) % n_names;

          g_snprintf (name, sizeof name, d == depth - 1 && s % 3 == 0 ? "[idle: fn_%u]" : "fn_%u", n);
          pool->frames[(gsize) s * max_depth + d] = lp_folded_intern (folded, name, -1);
        }
    }
}

static void
pool_clear (StackPool *pool)
{
  g_free (pool->frames);
  g_free (pool->depths);
}

static LpCapture *
make_capture (const char *shape)
{
  LpCapture *capture = lp_capture_new ();
  LpFolded *folded = lp_capture_get_folded (capture);
  LpCaptureInfo *info = lp_capture_get_info (capture);
  gboolean churn = g_str_equal (shape, "churn");
  guint n_threads = churn ? 96 : 8;
  guint64 rng = 0x9e3779b97f4a7c15ull;
  StackPool pool;
  guint *lanes = g_new (guint, n_threads);
  guint64 *phase_end = g_new0 (guint64, n_threads);
  gboolean *on = g_new0 (gboolean, n_threads);
  g_autoptr(GError) error = NULL;

  info->has_times = TRUE;
  info->period = 0.001;
  lp_capture_info_set_string (capture, &info->source, "laprof");
  lp_capture_info_set_string (capture, &info->mode, "wall");
  pool_init (&pool, folded, churn ? 50000 : 8 * 300, churn ? 20 : 12, churn ? 60 : 30,
             churn ? 20000 : 2000, &rng);

  for (guint t = 0; t < n_threads; t++)
    lanes[t] = G_MAXUINT;
  for (guint64 tick = 0; tick < 600000; tick++)
    {
      guint64 time = tick * MS;

      for (guint t = 0; t < n_threads; t++)
        {
          guint s, w = 1, base, span;
          guint64 life_from = churn ? (guint64) (t / 8) * 50 * S : 0;
          guint64 life_to = churn ? life_from + 50 * S : 600 * S;

          if (time < life_from || time >= life_to)
            {
              if (lanes[t] != G_MAXUINT && time >= life_to && lp_capture_get_thread (capture, lanes[t])->end_ns == LP_CAPTURE_TIME_NONE)
                lp_capture_end_thread (capture, lanes[t], time);
              continue;
            }
          if (lanes[t] == G_MAXUINT)
            {
              char name[32];

              g_snprintf (name, sizeof name, churn ? "job-%u" : "worker-%u", t);
              lanes[t] = lp_capture_add_thread (capture, 1000, 1000 + t, name, time);
            }
          if (time >= phase_end[t])
            {
              on[t] = !on[t];
              phase_end[t] = time + (2 + next (&rng) % 9) * S;
            }
          /* a thread's own stacks: on CPU the non-idle ones, blocked the idle ones */
          span = churn ? pool.n_stacks : 300;
          base = churn ? 0 : t * 300;
          s = base + next (&rng) % span;
          if (on[t] == (s % 3 == 0))
            s = base + (s - base + 1) % span;
          if (churn)
            w = 1 + next (&rng) % 3;
          if (!lp_capture_add_sample_frames (capture, time + t, lanes[t], &pool.frames[(gsize) s * pool.max_depth],
                                             pool.depths[s], w, s % 3 == 0 ? LP_CAPTURE_SAMPLE_IDLE : 0, &error))
            g_error ("%s", error->message);
        }
    }
  info->duration = 600;
  pool_clear (&pool);
  g_free (lanes);
  g_free (phase_end);
  g_free (on);
  return capture;
}

/* one frame of the timeline as the window draws it */
static double
draw_frame (LpCapture              *capture,
            const LpTimelineParams *params,
            cairo_surface_t        *surface)
{
  cairo_t *cr = cairo_create (surface);
  double t0 = cpu_now ();

  lp_timeline_draw (cr, capture, params);
  cairo_surface_flush (surface);
  t0 = cpu_now () - t0;
  cairo_destroy (cr);
  return t0;
}

/* the parts of the last range's and open's time (CPU seconds) */
static double part_select, part_model, part_layout;
static double part_load, part_copy, part_frame;

/* the graph of a range: the selection's report, its model and layout */
static double
select_range (LpCapture *capture,
              guint64    from_ns,
              guint64    to_ns,
              double    *samples)
{
  LpCaptureFilter filter;
  LpReportView view = { 0 };
  LpFlameLayoutParams lp = { .width = WIDTH, .row_height = 16, .min_width = 0.5, .zoom = LP_FLAME_ROOT };
  g_autoptr(GError) error = NULL;
  LpFolded *scoped, *filtered = NULL;
  LpFlameModel *model;
  LpFlameLayout *layout;
  double t0 = cpu_now ();

  lp_capture_filter_all (&filter);
  filter.from_ns = from_ns;
  filter.to_ns = to_ns;
  scoped = lp_capture_select (capture, &filter, &error);
  if (scoped == NULL)
    g_error ("%s", error->message);
  part_select = cpu_now () - t0;
  model = lp_report_view_build_model (&view, scoped, &filtered, NULL);
  part_model = cpu_now () - t0 - part_select;
  layout = lp_flame_layout_new (model, &lp);
  t0 = cpu_now () - t0;
  part_layout = t0 - part_select - part_model;
  *samples = lp_folded_get_total (scoped);
  lp_flame_layout_free (layout);
  lp_flame_model_free (model);
  g_clear_pointer (&filtered, lp_folded_free);
  lp_folded_free (scoped);
  return t0;
}

static void
init_params (LpTimelineParams *params,
             LpCapture        *capture)
{
  lp_timeline_params_init (params);
  params->width = WIDTH;
  params->height = MIN (lp_timeline_get_height (capture), 240);
  params->from_ns = 0;
  params->to_ns = lp_capture_get_end_ns (capture) + 1;
}

int
main (int   argc,
      char *argv[])
{
  const char *shape = argc > 1 ? argv[1] : "steady";
  g_autoptr(LpCapture) capture = NULL;
  LpTimelineParams params;
  cairo_surface_t *surface;
  double v[40], t0, samples = 0;
  g_autofree double *marks = NULL;
  guint32 frame;
  g_autoptr(GError) error = NULL;

  setvbuf (stdout, NULL, _IOLBF, 0);
  t0 = lp_bench_now ();
  capture = make_capture (shape);
  printf ("bench-timeline %s: %" G_GUINT64_FORMAT " samples, %u threads, %u stacks, %u frames, %.0f s; made in %.1f s\n",
          shape, lp_capture_get_n_samples (capture), lp_capture_get_n_threads (capture),
          lp_folded_get_n_stacks (lp_capture_get_folded (capture)),
          lp_folded_get_n_frames (lp_capture_get_folded (capture)),
          lp_capture_get_end_ns (capture) / 1e9, lp_bench_now () - t0);

  init_params (&params, capture);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, (int) params.height);
  draw_frame (capture, &params, surface);
  for (guint i = 0; i < 30; i++)
    v[i] = draw_frame (capture, &params, surface);
  report ("frame: whole recording", v, 30, 16);

  params.sel_from_ns = 200 * S;
  params.sel_to_ns = 260 * S;
  frame = lp_folded_intern (lp_capture_get_folded (capture), "fn_40", -1);
  for (guint i = 0; i < 5; i++)
    {
      g_clear_pointer (&marks, g_free);
      t0 = cpu_now ();
      marks = lp_timeline_marks_new (capture, &params, &frame, 1, (guint) lp_timeline_area_width (&params));
      v[i] = cpu_now () - t0;
    }
  report ("marks: a hovered frame (once per hover)", v, 5, 0);
  params.marks = marks;
  params.n_marks = (guint) lp_timeline_area_width (&params);
  for (guint i = 0; i < 30; i++)
    v[i] = draw_frame (capture, &params, surface);
  report ("frame: with a range and marks", v, 30, 16);
  params.marks = NULL;
  params.n_marks = 0;
  params.from_ns = 200 * S;
  params.to_ns = 210 * S;
  for (guint i = 0; i < 30; i++)
    v[i] = draw_frame (capture, &params, surface);
  report ("frame: 10 s of it", v, 30, 16);
  cairo_surface_destroy (surface);

  for (guint i = 0; i < 5; i++)
    v[i] = select_range (capture, 200 * S, 260 * S, &samples);
  report ("range: 60 s -> graph (select, model, layout)", v, 5, 100);
  printf ("  (%.0f samples in the range; the last: select %.1f ms, model %.1f ms, layout %.1f ms)\n",
          samples, part_select * 1e3, part_model * 1e3, part_layout * 1e3);
  for (guint i = 0; i < 5; i++)
    v[i] = select_range (capture, 150 * S, 450 * S, &samples);
  report ("range: 300 s -> graph", v, 5, 100);
  printf ("  (the last: select %.1f ms, model %.1f ms, layout %.1f ms)\n",
          part_select * 1e3, part_model * 1e3, part_layout * 1e3);

  /* opening: the file once, then load to the first frame */
  {
    g_autofree char *dir = g_dir_make_tmp ("bench-timeline-XXXXXX", &error);
    g_autofree char *path = NULL;
    struct stat st;

    g_assert_no_error (error);
    path = g_build_filename (dir, "big.laprof", NULL);
    if (!lp_capture_save (capture, path, &error))
      g_error ("save: %s", error->message);
    g_assert_cmpint (stat (path, &st), ==, 0);
    printf ("capture file: %.1f MB, %.2f bytes a sample\n", st.st_size / 1e6,
            (double) st.st_size / lp_capture_get_n_samples (capture));
    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(LpCapture) loaded = NULL;
        g_autoptr(LpFolded) copy = lp_folded_new ();
        LpReportView view = { 0 };
        LpFlameLayoutParams lp = { .width = WIDTH, .row_height = 16, .min_width = 0.5, .zoom = LP_FLAME_ROOT };
        LpFolded *filtered = NULL;
        LpFlameModel *model;
        LpFlameLayout *layout;
        double w0 = lp_bench_now ();

        t0 = cpu_now ();
        loaded = lp_capture_load (path, &error);
        if (loaded == NULL)
          g_error ("load: %s", error->message);
        part_load = cpu_now () - t0;
        if (!lp_folded_merge (copy, lp_capture_get_folded (loaded), &error))
          g_error ("%s", error->message);
        part_copy = cpu_now () - t0 - part_load;
        model = lp_report_view_build_model (&view, copy, &filtered, NULL);
        layout = lp_flame_layout_new (model, &lp);
        part_model = cpu_now () - t0 - part_load - part_copy;
        init_params (&params, loaded);
        surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, (int) params.height);
        part_frame = draw_frame (loaded, &params, surface);
        v[i] = cpu_now () - t0;
        v[10 + i] = lp_bench_now () - w0;
        cairo_surface_destroy (surface);
        lp_flame_layout_free (layout);
        lp_flame_model_free (model);
        g_clear_pointer (&filtered, lp_folded_free);
        g_assert_cmpuint (lp_capture_get_n_samples (loaded), ==, lp_capture_get_n_samples (capture));
      }
    report ("open: load, report, model, layout, frame (CPU)", v, 3, 1000);
    report ("open: the same, wall clock", v + 10, 3, 1000);
    printf ("  (the last: lp_capture_load %.1f ms, the window's copy of the report %.1f ms, "
            "model and layout %.1f ms, a timeline frame %.1f ms)\n",
            part_load * 1e3, part_copy * 1e3, part_model * 1e3, part_frame * 1e3);
    g_unlink (path);
    g_rmdir (dir);
  }
  return 0;
}
