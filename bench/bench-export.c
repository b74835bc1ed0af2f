/* bench-export.c: the exports of a large capture: 10 minutes of 8 threads at 1,000 Hz (4.8 million samples), in each format.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The capture is made in memory: 2,000 distinct stacks 10 to 30 deep over
 * 3,000 names, each thread walking its own share of them. Prints, for each
 * format, the best wall and CPU time of 3 runs of lp_export() and the
 * size it wrote. */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "lp-export.h"

#define N_THREADS 8
#define N_STACKS  2000
#define N_NAMES   3000
#define MS        ((guint64) 1000000)

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_now (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static LpCapture *
make_capture (guint64 n_per_thread)
{
  LpCapture *c = lp_capture_new ();
  LpFolded *f = lp_capture_get_folded (c);
  LpCaptureInfo *info = lp_capture_get_info (c);
  guint32 names[N_NAMES];
  guint stacks[N_STACKS];
  guint threads[N_THREADS];
  GRand *rand = g_rand_new_with_seed (16);

  lp_capture_info_set_string (c, &info->command, "bench-export");
  lp_capture_info_set_string (c, &info->mode, "wall");
  info->period = 0.001;
  info->has_times = TRUE;
  for (guint i = 0; i < N_NAMES; i++)
    {
      g_autofree char *name = g_strdup_printf (i % 7 == 0 ? "function_%u (file_%u.c:%u)" : "function_%u", i, i % 50, i);
      names[i] = lp_folded_intern (f, name, -1);
    }
  for (guint s = 0; s < N_STACKS; s++)
    {
      guint32 frames[30];
      guint depth = 10 + g_rand_int_range (rand, 0, 21);
      for (guint d = 0; d < depth; d++)
        frames[d] = names[d < 3 ? d : (guint) g_rand_int_range (rand, 0, N_NAMES)];
      g_assert_true (lp_folded_add (f, frames, depth, 0, 0, 0, &stacks[s], NULL));
    }
  for (guint t = 0; t < N_THREADS; t++)
    {
      g_autofree char *name = g_strdup_printf ("worker-%u", t);
      threads[t] = lp_capture_add_thread (c, 1000, 1000 + t, name, 0);
    }
  for (guint64 i = 0; i < n_per_thread; i++)
    for (guint t = 0; t < N_THREADS; t++)
      g_assert_true (lp_capture_add_sample (c, i * MS + t, threads[t],
                                            stacks[(t * 250 + g_rand_int_range (rand, 0, 250)) % N_STACKS],
                                            1, 0, NULL));
  g_rand_free (rand);
  return c;
}

int
main (int    argc,
      char **argv)
{
  guint64 n_per_thread = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 600000;
  double t0 = now ();
  g_autoptr(LpCapture) c = make_capture (n_per_thread);

  printf ("capture: %" G_GUINT64_FORMAT " samples, %u threads, %u stacks (made in %.2f s)\n",
          lp_capture_get_n_samples (c), lp_capture_get_n_threads (c),
          lp_folded_get_n_stacks (lp_capture_get_folded (c)), now () - t0);
  for (guint f = 0; f < LP_EXPORT_N_FORMATS; f++)
    {
      double best_wall = G_MAXDOUBLE, best_cpu = G_MAXDOUBLE;
      gsize size = 0;
      for (guint run = 0; run < 3; run++)
        {
          double w = now (), cpu = cpu_now ();
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) bytes = lp_export (c, NULL, f, &error);
          g_assert_no_error (error);
          best_wall = MIN (best_wall, now () - w);
          best_cpu = MIN (best_cpu, cpu_now () - cpu);
          size = g_bytes_get_size (bytes);
        }
      printf ("%-10s best of 3: %.2f s wall, %.2f s CPU, %.1f MB\n", lp_export_format_to_string (f),
              best_wall, best_cpu, size / 1e6);
    }
  return 0;
}
