/* bench-engine.c: the cost of sampling: a fixed workload natively, under laprof-cli record and under perf.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-engine LAPROF_CLI WORKLOAD [ROUNDS] [UNITS] [OTHER_CLI]
 *
 * A WORKLOAD ending in ".py" is a Python program (bench/python-workload.py):
 * three more configurations run laprof with --no-python, so that the cost
 * of a sample with Python frames compares with a native-only sample of the
 * same workload (issue 14).
 *
 * With OTHER_CLI (another build, say main's), two more configurations run
 * it in wall mode at 100 and 1000 Hz, interleaved with the others: old and
 * new compared in the same run.
 *
 * Runs the workload natively, under `laprof-cli record` (wall mode, wall
 * mode with --stop-running, cpu mode; 100 and 1000 Hz) and under `perf
 * record -F HZ --call-graph dwarf`, the configurations interleaved round
 * after round, and prints the median elapsed time of the work (measured by
 * the workload itself), the slowdown against native and the ratio to perf
 * at the same frequency (both the median of per-round ratios, so that a
 * drift of the machine between rounds cancels out), and laprof's own
 * per-sample costs from its summary. */
#include <math.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "lp-bench-util.h"

typedef struct
{
  const char *name;
  const char *tool;     /* NULL native, "laprof", "perf" */
  const char *mode;
  const char *hz;
  const char *extra;    /* one more option for laprof-cli record */
  const char *cli;      /* another laprof-cli than the first argument's */
  const char *output;   /* the report's file name (default bench.folded) */
  GArray     *elapsed;  /* of double, one per round (NAN: the run failed) */
  GArray     *file_bytes;  /* a capture's bytes per sample */
  GArray     *stop_us, *unwind_us, *symbolize_us, *collapse_us, *python_us, *rate;
  GArray     *kstack_rate, *kstack_us;  /* kernel stacks of blocked threads read a second, µs each */
} Config;

/* The @q quantile (0.5: the median) of @values, failed runs (NAN) left
 * out; -1 if none. */
static double
quantile (GArray *values,
          double  q)
{
  g_autoptr(GArray) copy = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < values->len; i++)
    if (!isnan (g_array_index (values, double, i)))
      g_array_append_val (copy, g_array_index (values, double, i));
  if (copy->len == 0)
    return -1;
  g_array_sort (copy, lp_bench_cmp_double);
  return g_array_index (copy, double, (guint) (q * (copy->len - 1) + 0.5));
}

static double
median (GArray *values)
{
  return quantile (values, 0.5);
}

/* The @q quantile over the rounds of @a's time / @b's time in the same round. */
static double
ratio_quantile (const Config *a,
                const Config *b,
                double        q)
{
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint r = 0; r < MIN (a->elapsed->len, b->elapsed->len); r++)
    {
      double ratio = g_array_index (a->elapsed, double, r) / g_array_index (b->elapsed, double, r);
      g_array_append_val (ratios, ratio);
    }
  return quantile (ratios, q);
}

static double
median_ratio (const Config *a,
              const Config *b)
{
  return ratio_quantile (a, b, 0.5);
}

static gboolean
run_one (Config     *c,
         const char *cli,
         const char *workload,
         const char *units,
         const char *tmp)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *perf_data = g_build_filename (tmp, "perf.data", NULL);
  int status;
  double e, v, failed = NAN;

  if (g_strcmp0 (c->tool, "laprof") == 0)
    {
      g_ptr_array_add (argv, g_strdup (c->cli != NULL ? c->cli : cli));
      g_ptr_array_add (argv, g_strdup ("record"));
      g_ptr_array_add (argv, g_strdup ("--mode"));
      g_ptr_array_add (argv, g_strdup (c->mode));
      g_ptr_array_add (argv, g_strdup ("-F"));
      g_ptr_array_add (argv, g_strdup (c->hz));
      g_ptr_array_add (argv, g_strdup ("-o"));
      g_ptr_array_add (argv, g_build_filename (tmp, c->output != NULL ? c->output : "bench.folded", NULL));
      if (c->extra != NULL)
        g_ptr_array_add (argv, g_strdup (c->extra));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  else if (g_strcmp0 (c->tool, "perf") == 0)
    {
      g_ptr_array_add (argv, g_strdup ("perf"));
      g_ptr_array_add (argv, g_strdup ("record"));
      g_ptr_array_add (argv, g_strdup ("-q"));
      g_ptr_array_add (argv, g_strdup ("-F"));
      g_ptr_array_add (argv, g_strdup (c->hz));
      g_ptr_array_add (argv, g_strdup ("--call-graph"));
      g_ptr_array_add (argv, g_strdup ("dwarf"));
      g_ptr_array_add (argv, g_strdup ("-o"));
      g_ptr_array_add (argv, g_strdup (perf_data));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_strdup (workload));
  g_ptr_array_add (argv, g_strdup (units));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error) || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "bench-engine: %s failed: %s%s\n", c->name, error ? error->message : "", err ? err : "");
      g_array_append_val (c->elapsed, failed);
      return FALSE;
    }
  e = lp_bench_number_after (out, "elapsed=");
  if (e <= 0)
    {
      g_array_append_val (c->elapsed, failed);
      return FALSE;
    }
  g_array_append_val (c->elapsed, e);
  if ((v = lp_bench_number_after (err, "threads stopped ")) > 0)
    g_array_append_val (c->stop_us, v);
  if ((v = lp_bench_number_after (err, "unwind ")) >= 0)
    g_array_append_val (c->unwind_us, v);
  if ((v = lp_bench_number_after (err, "symbolize ")) >= 0)
    g_array_append_val (c->symbolize_us, v);
  if ((v = lp_bench_number_after (err, "collapse ")) >= 0)
    g_array_append_val (c->collapse_us, v);
  v = lp_bench_number_after (err, "reading Python stacks: ");
  v = MAX (v, 0);
  g_array_append_val (c->python_us, v);
  if ((v = lp_bench_number_after (err, "samples (")) >= 0)
    g_array_append_val (c->rate, v);
  {
    /* "kernel stacks of blocked threads read: N, X µs each" */
    const char *kstacks = err != NULL ? strstr (err, "kernel stacks of blocked threads read: ") : NULL;
    double seconds = e;   /* the workload's time, about the recording's */
    double n = kstacks != NULL ? lp_bench_number_after (kstacks, "read: ") : 0;
    double each = kstacks != NULL ? lp_bench_number_after (kstacks, ", ") : 0;

    n = seconds > 0 ? MAX (n, 0) / seconds : 0;
    each = MAX (each, 0);
    g_array_append_val (c->kstack_rate, n);
    g_array_append_val (c->kstack_us, each);
  }
  if (c->output != NULL && (v = lp_bench_number_after (err, " s, ")) > 0)
    {
      g_autofree char *path = g_build_filename (tmp, c->output, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        {
          double per_sample = st.st_size / v;

          g_array_append_val (c->file_bytes, per_sample);
        }
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  Config configs[] = {
    { "native",             NULL,     NULL,   NULL },
    { "laprof wall 100",    "laprof", "wall", "100" },
    { "laprof wall 1000",   "laprof", "wall", "1000" },
    { "laprof stops 100",   "laprof", "wall", "100", "--stop-running" },
    { "laprof stops 1000",  "laprof", "wall", "1000", "--stop-running" },
    { "laprof cpu 100",     "laprof", "cpu",  "100" },
    { "laprof cpu 1000",    "laprof", "cpu",  "1000" },
    { "perf dwarf 100",     "perf",   NULL,   "100" },
    { "perf dwarf 1000",    "perf",   NULL,   "1000" },
    { "other wall 100",     "laprof", "wall", "100" },
    { "other wall 1000",    "laprof", "wall", "1000" },
    { "nopy wall 100",      "laprof", "wall", "100", "--no-python" },
    { "nopy wall 1000",     "laprof", "wall", "1000", "--no-python" },
    { "nopy cpu 1000",      "laprof", "cpu",  "1000", "--no-python" },
    /* a capture (every sample with its time and thread) rather than a
     * folded report: the same cost to the target, and its file's bytes a
     * sample (issue 16) */
    { "capture wall 1000",  "laprof", "wall", "1000", NULL, NULL, "bench.laprof" },
    { "capture cpu 1000",   "laprof", "cpu",  "1000", NULL, NULL, "bench.laprof" },
    /* without kernel frames (issue 17): perf's kernel call chains, and in
     * wall mode each blocked thread's /proc/PID/task/TID/stack at its stop */
    { "nokern wall 100",    "laprof", "wall", "100",  "--no-kernel" },
    { "nokern wall 1000",   "laprof", "wall", "1000", "--no-kernel" },
    { "nokern cpu 1000",    "laprof", "cpu",  "1000", "--no-kernel" },
  };
  gboolean enabled[G_N_ELEMENTS (configs)];
  gboolean python;
  const Config *perf_at[2] = { &configs[7], &configs[8] };
  const char *cli, *workload, *units;
  int rounds;
  g_autofree char *tmp = NULL;
  gboolean have_perf = g_find_program_in_path ("perf") != NULL;
  double native;

  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-engine LAPROF_CLI WORKLOAD [ROUNDS] [UNITS]\n");
      return 2;
    }
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  cli = argv[1];
  workload = argv[2];
  rounds = argc > 3 ? atoi (argv[3]) : 7;
  units = argc > 4 ? argv[4] : "3000";
  python = g_str_has_suffix (workload, ".py");
  /* string hashes are randomized per run, and with them the speed of the
   * workload's dicts (1.9 to 3.1 s for the same work): one seed for all */
  if (python)
    g_setenv ("PYTHONHASHSEED", "0", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    enabled[i] = i < 9 || (i >= 11 && i <= 13 && python) || i >= 14;
  if (argc > 5)
    {
      configs[9].cli = configs[10].cli = argv[5];
      enabled[9] = enabled[10] = TRUE;
      printf ("bench-engine: other = %s\n", argv[5]);
    }
  tmp = g_dir_make_tmp ("laprof-bench-XXXXXX", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    {
      configs[i].elapsed = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].stop_us = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].unwind_us = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].symbolize_us = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].collapse_us = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].python_us = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].rate = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].file_bytes = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].kstack_rate = g_array_new (FALSE, FALSE, sizeof (double));
      configs[i].kstack_us = g_array_new (FALSE, FALSE, sizeof (double));
    }

  printf ("bench-engine: workload %s %s, %d rounds, configurations interleaved\n", workload, units, rounds);
  for (int r = 0; r < rounds; r++)
    for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
      {
        if (!enabled[i] || (g_strcmp0 (configs[i].tool, "perf") == 0 && !have_perf))
          continue;
        run_one (&configs[i], cli, workload, units, tmp);
      }

  native = median (configs[0].elapsed);
  printf ("\n%-18s %9s %9s %8s %15s %10s %9s %9s %9s %9s\n", "configuration", "median s", "slowdown",
          "vs perf", "(quartiles)", "samples/s", "stop µs", "unwind µs", "symb µs", "coll µs");
  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    {
      Config *c = &configs[i];
      double m = median (c->elapsed);

      if (!enabled[i])
        continue;
      if (m < 0)
        {
          printf ("%-18s %9s\n", c->name, "n/a");
          continue;
        }
      printf ("%-18s %9.4f %9.4f", c->name, m, i == 0 ? 1.0 : median_ratio (c, &configs[0]));
      if (g_strcmp0 (c->tool, "laprof") == 0 && have_perf)
        {
          const Config *perf = perf_at[g_str_equal (c->hz, "1000")];
          g_autofree char *iqr = g_strdup_printf ("(%.3f-%.3f)", ratio_quantile (c, perf, 0.25),
                                                  ratio_quantile (c, perf, 0.75));
          printf (" %8.4f %15s", median_ratio (c, perf), iqr);
        }
      else
        printf (" %8s %15s", "", "");
      if (c->rate->len > 0)
        {
          double rate = median (c->rate);

          printf (" %10.1f %9.1f %9.2f %9.2f %9.2f", rate, median (c->stop_us),
                  median (c->unwind_us), median (c->symbolize_us), median (c->collapse_us));
          /* a cheap profiler that samples less than asked is not cheap;
           * in cpu mode a thread off a CPU is not sampled at all, so only
           * wall mode's rate is a promise */
          if (g_strcmp0 (c->mode, "wall") == 0 && rate < 0.9 * g_ascii_strtod (c->hz, NULL))
            printf ("  LOW RATE: the slowdown is not comparable");
        }
      if (c->file_bytes->len > 0)
        printf ("  capture: %.2f bytes a sample", median (c->file_bytes));
      printf ("\n");
    }
  (void) native;
  if (python)
    {
      /* the engine's time per sample, with Python frames and without */
      static const guint pairs[][2] = { { 1, 11 }, { 2, 12 }, { 6, 13 } };

      printf ("\nPython frames: the engine's time per sample (unwind + symbolize + collapse + reading the\n"
              "Python stack), with them and without:\n");
      for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
        {
          const Config *with = &configs[pairs[i][0]], *without = &configs[pairs[i][1]];
          double a = median (with->unwind_us) + median (with->symbolize_us) + median (with->collapse_us)
                     + median (with->python_us);
          double b = median (without->unwind_us) + median (without->symbolize_us) + median (without->collapse_us);

          if (with->unwind_us->len > 0 && without->unwind_us->len > 0)
            printf ("  %-18s %8.2f µs, %-18s %8.2f µs: %.2f times; slowdown %.4f vs %.4f\n", with->name, a,
                    without->name, b, a / b, median_ratio (with, &configs[0]), median_ratio (without, &configs[0]));
        }
    }
  {
    /* kernel frames: the same configurations with them (the default
     * where allowed) and without */
    static const guint pairs[][2] = { { 1, 16 }, { 2, 17 }, { 6, 18 } };

    printf ("\nKernel frames: slowdown and the engine's time per sample (unwind + symbolize + collapse), with\n"
            "them and with --no-kernel; wall mode: kernel stacks of blocked threads read a second, µs each:\n");
    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        const Config *with = &configs[pairs[i][0]], *without = &configs[pairs[i][1]];
        double a = median (with->unwind_us) + median (with->symbolize_us) + median (with->collapse_us);
        double b = median (without->unwind_us) + median (without->symbolize_us) + median (without->collapse_us);

        if (with->unwind_us->len > 0 && without->unwind_us->len > 0)
          printf ("  %-18s %.4f, %7.2f µs; %-18s %.4f, %7.2f µs; stacks %.1f/s, %.1f µs each\n", with->name,
                  median_ratio (with, &configs[0]), a, without->name, median_ratio (without, &configs[0]), b,
                  median (with->kstack_rate), median (with->kstack_us));
      }
  }
  printf ("\nslowdown, vs perf = median over the rounds of elapsed / native's (perf's at the same Hz) in that round;\n"
          "(quartiles) = of that ratio to perf, a measure of the noise;\n"
          "stops = wall mode with --stop-running; stop µs = mean time a thread was stopped (wall);\n"
          "unwind/symb/coll µs = engine time per sample (laprof's summary); perf: record only;\n"
          "capture = -o FILE.laprof (every sample with its time and thread) rather than a folded report.\n");
  return lp_bench_remove_tree (tmp) ? 0 : 1;
}
