/* bench-folded.c: how fast a large folded report is read and aggregated.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * usage: bench-folded FILE [ROUNDS [GENERATOR [SHAPE MEGABYTES]]]
 * Makes FILE with GENERATOR (bench/gen-folded, 140 MB or `--shape=SHAPE`
 * MEGABYTES) if it does not exist, then
 * reads it ROUNDS times (default 5) into a fresh aggregate, then writes
 * the sorted report ROUNDS times, and times `LC_ALL=C sort | awk` merging the same
 * file as the reference a flamegraph.pl user would reach for. */
#include <glib.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lp-folded.h"
#include "lp-folded-reader.h"

/* CPU time of @clock (the process: every thread; or this thread) in s */
static double
cpu_now (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) kept = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *quoted = NULL;
  g_autofree double *times = NULL;
  g_autofree double *cpu = NULL;
  struct stat st;
  struct rusage ru;
  guint rounds = 5;
  g_autofree double *write_s = NULL;
  g_autofree double *write_cpu = NULL;
  g_autofree double *write_all = NULL;
  double mb, t0, c0, p0, sort_s;
  int devnull, status;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-folded FILE [ROUNDS [GENERATOR [SHAPE MEGABYTES]]]\n");
      return 2;
    }
  if (argc > 2)
    rounds = MAX (1, atoi (argv[2]));
  if (stat (argv[1], &st) != 0 && argc > 3)
    {
      g_autofree char *shape = argc > 5 ? g_strconcat ("--shape=", argv[4], NULL) : g_strdup ("--shape=default");
      const char *gen_argv[] = { argv[3], shape, argv[1], argc > 5 ? argv[5] : "140", NULL };

      if (!g_spawn_sync (NULL, (char **) gen_argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                         NULL, NULL, NULL, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        {
          fprintf (stderr, "bench-folded: could not make %s: %s\n", argv[1], error->message);
          return 1;
        }
    }
  if (stat (argv[1], &st) != 0)
    {
      perror (argv[1]);
      return 2;
    }
  mb = st.st_size / 1e6;
  times = g_new (double, rounds);
  cpu = g_new (double, rounds);
  write_s = g_new (double, rounds);
  write_cpu = g_new (double, rounds);
  write_all = g_new (double, rounds);

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(LpFolded) folded = lp_folded_new ();
      g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);

      t0 = g_get_monotonic_time () / 1e6;
      c0 = cpu_now (CLOCK_PROCESS_CPUTIME_ID);
      if (!lp_folded_reader_read_file (reader, argv[1], &error))
        {
          fprintf (stderr, "bench-folded: %s\n", error->message);
          return 1;
        }
      times[r] = g_get_monotonic_time () / 1e6 - t0;
      cpu[r] = cpu_now (CLOCK_PROCESS_CPUTIME_ID) - c0;
      printf ("round %u: read+aggregate %.3f s (%.0f MB/s), CPU %.3f s (all threads)\n",
              r + 1, times[r], mb / times[r], cpu[r]);
      if (r == rounds - 1)
        kept = g_steal_pointer (&folded);
    }
  qsort (times, rounds, sizeof (double), compare_doubles);
  qsort (cpu, rounds, sizeof (double), compare_doubles);

  getrusage (RUSAGE_SELF, &ru);

  /* the sorted report written ROUNDS times too: one write is too short
   * to be timed once on a shared machine */
  devnull = open ("/dev/null", O_WRONLY);
  for (guint r = 0; r < rounds; r++)
    {
      t0 = g_get_monotonic_time () / 1e6;
      c0 = cpu_now (CLOCK_THREAD_CPUTIME_ID);
      p0 = cpu_now (CLOCK_PROCESS_CPUTIME_ID);
      if (!lp_folded_write_fd (kept, devnull, &error))
        {
          fprintf (stderr, "bench-folded: %s\n", error->message);
          return 1;
        }
      write_s[r] = g_get_monotonic_time () / 1e6 - t0;
      write_cpu[r] = cpu_now (CLOCK_THREAD_CPUTIME_ID) - c0;
      write_all[r] = cpu_now (CLOCK_PROCESS_CPUTIME_ID) - p0;
    }
  close (devnull);
  qsort (write_s, rounds, sizeof (double), compare_doubles);
  qsort (write_cpu, rounds, sizeof (double), compare_doubles);
  qsort (write_all, rounds, sizeof (double), compare_doubles);

  quoted = g_shell_quote (argv[1]);
  cmd = g_strdup_printf ("sh -c 'LC_ALL=C sort -S 1G %s | LC_ALL=C awk \"{ n = \\$NF; "
                         "s = substr(\\$0, 1, length(\\$0) - length(n) - 1); if (s == p) c += n; "
                         "else { if (NR > 1) print p, c; p = s; c = n } } END { print p, c }\" > /dev/null'",
                         quoted);
  t0 = g_get_monotonic_time () / 1e6;
  if (!g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error))
    {
      fprintf (stderr, "bench-folded: %s\n", error->message);
      return 1;
    }
  sort_s = g_get_monotonic_time () / 1e6 - t0;

  printf ("\nfile:            %s (%.1f MB)\n", argv[1], mb);
  printf ("stacks:          %u unique, %u frames, max depth %u, %.0f samples\n",
          lp_folded_get_n_stacks (kept), lp_folded_get_n_frames (kept),
          lp_folded_get_max_depth (kept), lp_folded_get_total (kept));
  printf ("read+aggregate:  best %.3f s, median %.3f s over %u rounds (%.0f MB/s best)\n",
          times[0], times[rounds / 2], rounds, mb / times[0]);
  printf ("read+aggregate CPU: best %.3f s, median %.3f s (both reading threads)\n",
          cpu[0], cpu[rounds / 2]);
  printf ("peak RSS:        %.1f MB\n", ru.ru_maxrss / 1024.0);
  printf ("write sorted:    best %.3f s, median %.3f s over %u rounds (CPU best %.3f s in the writing thread, %.3f s in all)\n",
          write_s[0], write_s[rounds / 2], rounds, write_cpu[0], write_all[0]);
  printf ("merge (read+aggregate median + write sorted median): %.3f s\n",
          times[rounds / 2] + write_s[rounds / 2]);
  printf ("sort|awk merge:  %.3f s (reference; laprof read+aggregate+write is %.1fx faster)\n",
          sort_s, sort_s / (times[rounds / 2] + write_s[rounds / 2]));
  return 0;
}
