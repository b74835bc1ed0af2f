/* bench-render.c: how fast a large folded report becomes a flame graph: parse, layout, SVG, a screen frame, a live batch.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * usage: bench-render FILE [GENERATOR [SHAPE MEGABYTES]]
 * Makes FILE with GENERATOR (bench/gen-folded, 140 MB, or
 * `--shape=SHAPE` MEGABYTES) if it does not exist. Then: read + model + layout + SVG of the whole report (once, for
 * peak memory, then best of 3); one 1280x800 screen frame laid out and
 * drawn with cairo (median of 20); 150 batches of 1,000 stacks added to a
 * model that holds 100,000 stacks at the start (median of the first 50, and
 * of all, mean and worst: one batch crosses a doubling of the hash table);
 * then a live model grown from nothing to 5 million nodes by 1,000-stack
 * batches (the report's stacks, then again under new roots), each batch
 * into the model and the aggregate as the app does: the worst batch. */
#include <cairo.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "lp-flame-draw.h"
#include "lp-flame-export.h"
#include "lp-flame-svg.h"
#include "lp-folded-reader.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* this thread's CPU time: what a batch costs, whatever else the machine runs */
static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return v[n / 2];
}

static LpFolded *
read_file (const char *path)
{
  LpFolded *folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  g_autoptr(GError) error = NULL;

  if (!lp_folded_reader_read_file (reader, path, &error))
    {
      fprintf (stderr, "bench-render: %s\n", error->message);
      exit (1);
    }
  return folded;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  struct stat st;
  struct rusage ru;
  double best = G_MAXDOUBLE, t_read = 0, t_model = 0, t_layout = 0, t_svg = 0;
  gsize svg_len = 0;
  guint n_rects = 0, n_nodes = 0;
  double frame_ms[20], layout_ms[20], batch_ms[150], batch_folded_ms[150];

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-render FILE [GENERATOR [SHAPE MEGABYTES]]\n");
      return 2;
    }
  if (stat (argv[1], &st) != 0 && argc > 2)
    {
      g_autofree char *shape = argc > 4 ? g_strconcat ("--shape=", argv[3], NULL) : g_strdup ("--shape=default");
      const char *gen_argv[] = { argv[2], shape, argv[1], argc > 4 ? argv[4] : "140", NULL };
      int status;

      if (!g_spawn_sync (NULL, (char **) gen_argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                         NULL, NULL, NULL, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        {
          fprintf (stderr, "bench-render: could not make %s: %s\n", argv[1], error->message);
          return 1;
        }
    }
  if (stat (argv[1], &st) != 0)
    {
      perror (argv[1]);
      return 2;
    }

  /* 1. the whole report to an SVG, as `laprof-cli svg` does */
  for (guint round = 0; round < 3; round++)
    {
      double t0 = now (), t1, t2, t3, t4;
      g_autoptr(LpFolded) folded = read_file (argv[1]);
      g_autoptr(LpFlameModel) model = NULL;
      g_autoptr(LpFlameLayout) layout = NULL;
      g_autoptr(GString) svg = NULL;
      LpFlameExportOptions opts;

      t1 = now ();
      model = lp_flame_model_new_from_folded (folded, 0);
      t2 = now ();
      lp_flame_picture_options_init (&opts);
      layout = lp_flame_picture_layout (model, &opts);
      t3 = now ();
      svg = lp_flame_svg_new (model, &opts);
      t4 = now ();
      if (t4 - t0 < best)
        {
          best = t4 - t0;
          t_read = t1 - t0;
          t_model = t2 - t1;
          t_layout = t3 - t2;
          t_svg = t4 - t3;
        }
      svg_len = svg->len;
      n_rects = layout->rects->len;
      n_nodes = lp_flame_model_get_n_nodes (model);
      if (round == 0)
        {
          getrusage (RUSAGE_SELF, &ru);
          printf ("input: %s, %.1f MB, %u stacks, %u frames, %u tree nodes\n", argv[1], st.st_size / 1e6,
                  lp_folded_get_n_stacks (folded), lp_folded_get_n_frames (folded), n_nodes);
          printf ("peak RSS after one read + model + layout + SVG: %.1f MB\n", ru.ru_maxrss / 1024.0);
        }
    }
  printf ("read + model + layout + SVG (1200 px, minwidth 0.1), best of 3: %.3f s\n", best);
  printf ("  read %.3f s, model %.3f s, layout %.4f s (%u rects), SVG %.4f s (%.1f MB)\n",
          t_read, t_model, t_layout, n_rects, t_svg, svg_len / 1e6);

  /* 2. a screen frame: 1280x800, the bottom of a flame graph in view;
   * frames under 0.5 px (what a screen shows) and under 0.1 px (as the SVG) */
  {
    g_autoptr(LpFolded) folded = read_file (argv[1]);
    g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1280, 800);
    const double min_widths[] = { 0.5, 0.1 };
    LpFlameDrawParams draw;

    lp_flame_draw_params_init (&draw);
    for (guint m = 0; m < G_N_ELEMENTS (min_widths); m++)
      {
        guint drawn = 0;

        for (guint i = 0; i < G_N_ELEMENTS (frame_ms); i++)
          {
            LpFlameLayoutParams params = { .width = 1280, .row_height = 16, .min_width = min_widths[m] };
            double t0 = now (), t1;
            g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
            cairo_t *cr;

            t1 = now ();
            cr = cairo_create (surface);
            cairo_set_source_rgb (cr, 1, 1, 1);
            cairo_paint (cr);
            cairo_translate (cr, 0, 800 - layout->height);
            lp_flame_draw (cr, model, layout, &draw);
            cairo_destroy (cr);
            cairo_surface_flush (surface);
            frame_ms[i] = (now () - t0) * 1000;
            layout_ms[i] = (t1 - t0) * 1000;
            drawn = layout->rects->len;
          }
        printf ("screen frame 1280x800 (layout + draw, minwidth %.1f px, %u rects), median of %u: %.2f ms (layout %.2f ms)\n",
                min_widths[m], drawn, (guint) G_N_ELEMENTS (frame_ms), median (frame_ms, G_N_ELEMENTS (frame_ms)),
                median (layout_ms, G_N_ELEMENTS (layout_ms)));
      }
    cairo_surface_destroy (surface);
  }

  /* 3. the live view: 1,000-stack batches into a 100,000-stack model */
  {
    g_autoptr(LpFolded) src = read_file (argv[1]);
    g_autoptr(LpFolded) live = lp_folded_new ();
    g_autoptr(LpFlameModel) model = lp_flame_model_new (live, 0);
    g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (guint32));
    guint next = 0, n = lp_folded_get_n_stacks (src);

    guint start = 100000;

    /* a smaller report starts with fewer stacks */
    if (n < start + 1000 * G_N_ELEMENTS (batch_ms))
      start = n > 1000 * G_N_ELEMENTS (batch_ms) ? n - 1000 * (guint) G_N_ELEMENTS (batch_ms) : 0;
    if (n < start + 1000 * G_N_ELEMENTS (batch_ms))
      {
        fprintf (stderr, "bench-render: the input has too few stacks for the batch test\n");
        return 1;
      }
    /* names are interned up front, as the live reader does on arrival */
    for (guint f = 0; f < lp_folded_get_n_frames (src); f++)
      lp_folded_intern (live, lp_folded_frame_name (src, f), -1);
    for (; next < start; next++)
      {
        LpFoldedStack s;
        lp_folded_get_stack (src, next, &s);
        lp_flame_model_add_stack (model, s.frames, s.depth, s.count, 0);
      }
    for (guint b = 0; b < G_N_ELEMENTS (batch_ms); b++)
      {
        double t0 = now (), t1;

        for (guint i = 0; i < 1000; i++)
          {
            LpFoldedStack s;
            lp_folded_get_stack (src, next + i, &s);
            lp_flame_model_add_stack (model, s.frames, s.depth, s.count, 0);
          }
        t1 = now ();
        /* the same batch into the aggregate too, as the app keeps both */
        for (guint i = 0; i < 1000; i++)
          {
            LpFoldedStack s;
            lp_folded_get_stack (src, next + i, &s);
            if (!lp_folded_add (live, s.frames, s.depth, 0, s.count, 0, NULL, &error))
              return 1;
          }
        batch_ms[b] = (t1 - t0) * 1000;
        batch_folded_ms[b] = (now () - t0) * 1000;
        next += 1000;
      }
    {
      double worst = 0, sum = 0, first50[50];
      guint n_over = 0;

      for (guint b = 0; b < G_N_ELEMENTS (batch_ms); b++)
        {
          worst = MAX (worst, batch_ms[b]);
          sum += batch_ms[b];
          n_over += batch_ms[b] > 1.0;
          if (b < G_N_ELEMENTS (first50))
            first50[b] = batch_ms[b];
        }
      printf ("1,000-stack batches into a model of %u stacks and growing (%u nodes at the end), %u batches:\n"
              "  first 50: median %.3f ms; all: median %.3f ms, mean %.3f ms, worst %.3f ms, %u over 1 ms; "
              "model + aggregate: median %.3f ms\n",
              start, lp_flame_model_get_n_nodes (model), (guint) G_N_ELEMENTS (batch_ms),
              median (first50, G_N_ELEMENTS (first50)), median (batch_ms, G_N_ELEMENTS (batch_ms)),
              sum / G_N_ELEMENTS (batch_ms), worst, n_over,
              median (batch_folded_ms, G_N_ELEMENTS (batch_folded_ms)));
    }
  }

  /* 4. a live model from nothing to 5 million nodes, batch by batch */
  {
    g_autoptr(LpFolded) src = read_file (argv[1]);
    g_autoptr(LpFolded) live = lp_folded_new ();
    g_autoptr(LpFlameModel) model = lp_flame_model_new (live, 0);
    g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (double));
    double worst_cpu = 0;
    guint worst_cpu_at = 0, n_over_cpu = 0, n_over_cpu_11 = 0;
    g_autofree guint32 *buf = g_new (guint32, lp_folded_get_max_depth (src) + 1);
    guint n = lp_folded_get_n_stacks (src), next = 0, pass = 0;
    double worst = 0, sum = 0;
    guint worst_at = 0, n_over = 0;
    guint32 root = 0;

    for (guint f = 0; f < lp_folded_get_n_frames (src); f++)
      lp_folded_intern (live, lp_folded_frame_name (src, f), -1);
    while (lp_flame_model_get_n_nodes (model) < 5000000)
      {
        double t0 = now (), c0 = cpu_now (), ms, cpu_ms;
        guint before = lp_flame_model_get_n_nodes (model);

        for (guint i = 0; i < 1000; i++, next++)
          {
            LpFoldedStack s;
            const guint32 *frames;
            guint depth;

            if (next == n)
              {
                /* the report again, under a root of its own: all new nodes */
                g_autofree char *name = g_strdup_printf ("pass-%u", ++pass);
                root = lp_folded_intern (live, name, -1);
                next = 0;
              }
            lp_folded_get_stack (src, next, &s);
            frames = s.frames;
            depth = s.depth;
            if (pass > 0)
              {
                buf[0] = root;
                memcpy (buf + 1, s.frames, s.depth * sizeof (guint32));
                frames = buf;
                depth++;
              }
            lp_flame_model_add_stack (model, frames, depth, s.count, 0);
            if (!lp_folded_add (live, frames, depth, 0, s.count, 0, NULL, &error))
              return 1;
          }
        ms = (now () - t0) * 1000;
        cpu_ms = (cpu_now () - c0) * 1000;
        g_array_append_val (times, ms);
        g_array_append_val (cpu_times, cpu_ms);
        n_over_cpu += cpu_ms > 16;
        n_over_cpu_11 += cpu_ms > 11;
        if (cpu_ms > worst_cpu)
          {
            worst_cpu = cpu_ms;
            worst_cpu_at = before;
          }
        sum += ms;
        n_over += ms > 16;
        if (ms > worst)
          {
            worst = ms;
            worst_at = before;
          }
      }
    printf ("live model grown to %u nodes (%u stacks) by %u 1,000-stack batches, model + aggregate:\n"
            "  median %.3f ms, mean %.3f ms, worst %.3f ms (at %u nodes), %u over 16 ms\n",
            lp_flame_model_get_n_nodes (model), lp_folded_get_n_stacks (live), times->len,
            median ((double *) (gpointer) times->data, times->len), sum / times->len, worst, worst_at, n_over);
    printf ("  in CPU time of this thread: median %.3f ms, worst %.3f ms (at %u nodes), %u over 16 ms\n",
            median ((double *) (gpointer) cpu_times->data, cpu_times->len), worst_cpu, worst_cpu_at, n_over_cpu);
    /* median() sorted them */
    printf ("  in CPU time, 99th percentile %.3f ms, %u over 11 ms\n",
            ((double *) (gpointer) cpu_times->data)[cpu_times->len * 99 / 100], n_over_cpu_11);
  }
  return 0;
}
