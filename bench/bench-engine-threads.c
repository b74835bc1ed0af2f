/* bench-engine-threads.c: the engine following 16 busy threads at 1000 Hz: samples per thread and tick, lost samples, the engine's CPU.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-engine-threads WORKLOAD ROUNDS SECONDS THREADS HZ LAPROF_CLI [LAPROF_CLI…]
 *
 * Each round starts `WORKLOAD busy THREADS …` (THREADS threads that spin)
 * and attaches `laprof-cli record --threads -F HZ -d SECONDS -p PID` to it,
 * for each laprof-cli given (several: an old and a new build, compared in
 * the same run, interleaved round after round).
 *
 * "No lost samples": wall mode promises one sample per tick to every
 * thread, running, waiting for a CPU or blocked. With THREADS busy threads
 * on fewer CPUs, each runs a fraction of the time and waits for a CPU the
 * rest. The report's thread frames (--threads) give each thread's count;
 * it must be HZ × the recording's length (the summary's seconds): the
 * figure is the smallest and the mean of count / expected over the
 * threads (the main thread, blocked in pthread_join, included), and the
 * summary's "lost" count. The engine's CPU share is its user + system
 * time (wait4's rusage: the target is not its child when it attaches, so
 * not counted) over the recording's length. */
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "lp-bench-util.h"

typedef struct
{
  const char *cli;
  GArray     *cpu_share, *min_ratio, *mean_ratio, *lost, *unwind_us;
  char       *worst_reasons;   /* the summary's "lost N: why" lines of the worst round */
} Engine;

static double
median (GArray *values)
{
  g_autoptr(GArray) copy = g_array_copy (values);

  if (copy->len == 0)
    return -1;
  g_array_sort (copy, lp_bench_cmp_double);
  return g_array_index (copy, double, copy->len / 2);
}

static double
worst (GArray *values,
       gboolean highest)
{
  double w = values->len ? g_array_index (values, double, 0) : -1;

  for (guint i = 1; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);
      w = highest ? MAX (w, v) : MIN (w, v);
    }
  return w;
}

/* Starts the workload; returns its pid once it prints "ready". */
static GPid
start_workload (const char *workload,
                const char *threads,
                double      seconds)
{
  g_autofree char *secs = g_strdup_printf ("%.1f", seconds);
  const char *argv[] = { workload, "busy", threads, secs, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;
  int out;
  char buf[64];
  gssize n;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, NULL, &out, NULL, &error))
    {
      fprintf (stderr, "bench-engine-threads: %s\n", error->message);
      exit (1);
    }
  n = read (out, buf, sizeof buf - 1);
  close (out);
  if (n <= 0)
    {
      fprintf (stderr, "bench-engine-threads: the workload did not start\n");
      exit (1);
    }
  return pid;
}

static void
run_one (Engine     *e,
         const char *workload,
         const char *threads,
         double      seconds,
         const char *hz,
         const char *tmp)
{
  g_autofree char *folded = g_build_filename (tmp, "threads.folded", NULL);
  g_autofree char *errpath = g_build_filename (tmp, "stderr.txt", NULL);
  g_autofree char *secs = g_strdup_printf ("%.1f", seconds);
  g_autofree char *err = NULL, *report = NULL;
  g_autofree char *pidstr = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPid target = start_workload (workload, threads, seconds + 2);
  struct rusage ru;
  pid_t engine;
  int status;
  double length, cpu, expected, min_ratio = 1e9, sum = 0, lost;
  char **lines;

  pidstr = g_strdup_printf ("%d", (int) target);
  engine = fork ();
  if (engine == 0)
    {
      int fd = open (errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

      dup2 (fd, 2);
      execl (e->cli, e->cli, "record", "--threads", "-F", hz, "-d", secs, "-o", folded,
             "-p", pidstr, (char *) NULL);
      _exit (127);
    }
  if (wait4 (engine, &status, 0, &ru) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    fprintf (stderr, "bench-engine-threads: %s failed\n", e->cli);
  kill (target, SIGKILL);
  waitpid (target, NULL, 0);
  (void) status;

  g_file_get_contents (errpath, &err, NULL, NULL);
  if (!g_file_get_contents (folded, &report, NULL, NULL))
    return;
  lines = g_strsplit (report, "\n", -1);
  for (char **l = lines; *l != NULL && **l != '\0'; l++)
    {
      char *semi = strchr (*l, ';'), *end, *space = strrchr (*l, ' ');
      g_autofree char *thread = NULL;
      gsize c;

      if (semi == NULL || space == NULL)
        continue;
      end = strchr (semi + 1, ';');
      thread = g_strndup (semi + 1, (end && end < space ? end : space) - semi - 1);
      c = GPOINTER_TO_SIZE (g_hash_table_lookup (counts, thread)) + strtoull (space + 1, NULL, 10);
      g_hash_table_insert (counts, g_steal_pointer (&thread), GSIZE_TO_POINTER (c));
    }
  g_strfreev (lines);

  /* the summary: "laprof-cli record: 4.00 s, 67479 samples (…), 17 threads, 33 lost" */
  {
    const char *line = err ? strstr (err, " samples (") : NULL;

    while (line != NULL && line > err && line[-1] != '\n')
      line--;
    if (line == NULL || sscanf (line, "laprof-cli record: %lf s,", &length) != 1 || length <= 0)
      length = seconds;
  }
  expected = g_ascii_strtod (hz, NULL) * length;
  {
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init (&it, counts);
    while (g_hash_table_iter_next (&it, NULL, &value))
      {
        double r = GPOINTER_TO_SIZE (value) / expected;

        min_ratio = MIN (min_ratio, r);
        sum += r;
      }
  }
  cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  cpu /= length;
  lost = lp_bench_number_after (err, " threads, ");
  g_array_append_val (e->cpu_share, cpu);
  if (g_hash_table_size (counts) > 0)
    {
      double mean = sum / g_hash_table_size (counts);

      g_array_append_val (e->min_ratio, min_ratio);
      g_array_append_val (e->mean_ratio, mean);
    }
  lost = MAX (lost, 0);
  if (lost > 0 && (e->lost->len == 0 || lost > worst (e->lost, TRUE)))
    {
      g_autoptr(GString) why = g_string_new (NULL);
      g_auto(GStrv) err_lines = g_strsplit (err != NULL ? err : "", "\n", -1);

      for (char **l = err_lines; *l != NULL; l++)
        if (g_str_has_prefix (*l, "  lost "))
          g_string_append_printf (why, "%s%s", why->len ? ";" : "", g_strstrip (*l));
      g_free (e->worst_reasons);
      e->worst_reasons = g_string_free (g_steal_pointer (&why), FALSE);
    }
  g_array_append_val (e->lost, lost);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GArray) engines = g_array_new (FALSE, TRUE, sizeof (Engine));
  const char *workload, *threads, *hz;
  int rounds;
  double seconds;

  if (argc < 7)
    {
      fprintf (stderr, "usage: bench-engine-threads WORKLOAD ROUNDS SECONDS THREADS HZ LAPROF_CLI [LAPROF_CLI…]\n");
      return 2;
    }
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  workload = argv[1];
  rounds = atoi (argv[2]);
  seconds = g_ascii_strtod (argv[3], NULL);
  threads = argv[4];
  hz = argv[5];
  for (int i = 6; i < argc; i++)
    {
      Engine e = { argv[i] };

      e.cpu_share = g_array_new (FALSE, FALSE, sizeof (double));
      e.min_ratio = g_array_new (FALSE, FALSE, sizeof (double));
      e.mean_ratio = g_array_new (FALSE, FALSE, sizeof (double));
      e.lost = g_array_new (FALSE, FALSE, sizeof (double));
      e.unwind_us = g_array_new (FALSE, FALSE, sizeof (double));
      g_array_append_val (engines, e);
    }
  tmp = g_dir_make_tmp ("laprof-bench-XXXXXX", NULL);

  printf ("bench-engine-threads: %s busy threads, %s Hz, %.1f s, %d rounds, engines interleaved\n",
          threads, hz, seconds, rounds);
  for (int r = 0; r < rounds; r++)
    for (guint i = 0; i < engines->len; i++)
      run_one (&g_array_index (engines, Engine, i), workload, threads, seconds, hz, tmp);

  printf ("\n%-50s %10s %10s %12s %12s %13s %10s\n", "laprof-cli", "CPU share", "(worst)",
          "min/expected", "(worst)", "mean/expected", "lost (max)");
  for (guint i = 0; i < engines->len; i++)
    {
      Engine *e = &g_array_index (engines, Engine, i);

      printf ("%-50s %9.1f%% %9.1f%% %12.3f %12.3f %13.3f %10.0f\n", e->cli, 100 * median (e->cpu_share),
              100 * worst (e->cpu_share, TRUE), median (e->min_ratio), worst (e->min_ratio, FALSE),
              median (e->mean_ratio), worst (e->lost, TRUE));
    }
  for (guint i = 0; i < engines->len; i++)
    {
      Engine *e = &g_array_index (engines, Engine, i);

      if (e->worst_reasons != NULL)
        printf ("%s, worst round: %s\n", e->cli, e->worst_reasons);
      g_free (e->worst_reasons);
    }
  printf ("\nCPU share = the engine's user + system time / the recording's length (median, worst round);\n"
          "min/expected = the smallest over the threads of its samples / (Hz × length) (median, worst round);\n"
          "mean/expected = the mean over the threads of the same (median of the rounds);\n"
          "lost = the summary's lost samples (worst round), and why, as its summary says.\n");
  return lp_bench_remove_tree (tmp) ? 0 : 1;
}
