/* bench-functions.c: how fast the functions table (core/lp-functions.h) fills in, and a function's callers, callees and lines, on large reports.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * usage: bench-functions FILE [ROUNDS [GENERATOR [SHAPE MEGABYTES]]]
 *        bench-functions --recursive [ROUNDS]
 * FILE is made with GENERATOR (bench/gen-folded) if it does not exist, as
 * bench-folded does. --recursive makes its report in memory instead:
 * 40,000 functions, stacks 20 to 420 deep of which most recurse, directly
 * (f;f;f) and through two or three others (eval;apply;eval;apply), frames
 * named "function (file:line)" as `laprof-cli record --lines` makes them.
 * Then, ROUNDS times (default 5): lp_functions_new(), with and without
 * LP_FUNCTIONS_HIDE_IDLE, the callers, callees and lines of the function
 * of most self time and of the function of most total time, and, for
 * reference, the flame graph's model of the same report. Best and median
 * of wall time and of this thread's CPU time. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lp-bench-util.h"
#include "lp-flame-model.h"
#include "lp-folded-reader.h"
#include "lp-functions.h"

static double
thread_cpu (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A measure: a wall and a CPU time a round. */
typedef struct
{
  const char *name;
  double      wall[64];
  double      cpu[64];
} Measure;

static void
measure_print (Measure *m,
               guint    rounds)
{
  qsort (m->wall, rounds, sizeof (double), lp_bench_cmp_double);
  qsort (m->cpu, rounds, sizeof (double), lp_bench_cmp_double);
  printf ("%-42s best %8.2f ms, median %8.2f ms; CPU best %8.2f ms, median %8.2f ms\n",
          m->name, m->wall[0] * 1e3, m->wall[rounds / 2] * 1e3, m->cpu[0] * 1e3, m->cpu[rounds / 2] * 1e3);
}

#define TIMED(m, r, code)                          \
  G_STMT_START {                                   \
    double w0_ = lp_bench_now (), c0_ = thread_cpu ();      \
    code;                                          \
    (m)->wall[r] = lp_bench_now () - w0_;                  \
    (m)->cpu[r] = thread_cpu () - c0_;             \
  } G_STMT_END

/* ---- the recursive report ---- */

/* skewed towards small indexes, like the hot functions of a program */
static guint
pick_skewed (GRand *rand,
             guint  n)
{
  double u = g_rand_double (rand);
  return (guint) (u * u * n);
}

static LpFolded *
make_recursive (void)
{
  const guint n_functions = 40000, n_stacks = 120000;
  /* GRand: the same numbers for a seed on every machine */
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  LpFolded *folded = lp_folded_new ();
  g_autofree guint32 *frames = g_new (guint32, 512);
  g_autoptr(GString) name = g_string_new (NULL);
  /* each function with 4 lines: frame id of line l of function f at
   * [f * 4 + l] */
  g_autofree guint32 *ids = g_new (guint32, n_functions * 4);
  g_autoptr(GError) error = NULL;

  for (guint f = 0; f < n_functions; f++)
    for (guint l = 0; l < 4; l++)
      {
        g_string_printf (name, "ns%u::Class%u::method%u (file%u.cc:%u)", f % 97, f % 1013, f, f / 50, 10 + 7 * l);
        ids[f * 4 + l] = lp_folded_intern (folded, name->str, name->len);
      }
  for (guint s = 0; s < n_stacks; s++)
    {
      guint depth = 0;
      guint prefix = g_rand_int_range (rand, 3, 18);
      guint cycle = g_rand_int_range (rand, 1, 4);
      guint turns = 5 + pick_skewed (rand, 130);
      guint32 cyc[3];

      frames[depth++] = ids[0];
      for (guint d = 1; d < prefix; d++)
        frames[depth++] = ids[(1 + pick_skewed (rand, n_functions - 1)) * 4 + g_rand_int_range (rand, 0, 4)];
      for (guint c = 0; c < cycle; c++)
        cyc[c] = 1 + pick_skewed (rand, 2000);
      /* one stack in five does not recurse */
      if (g_rand_int_range (rand, 0, 5) == 0)
        turns = 1;
      for (guint t = 0; t < turns && depth + cycle < 500; t++)
        for (guint c = 0; c < cycle; c++)
          frames[depth++] = ids[cyc[c] * 4 + g_rand_int_range (rand, 0, 4)];
      for (guint d = 0, tail = g_rand_int_range (rand, 1, 9); d < tail; d++)
        frames[depth++] = ids[(1 + pick_skewed (rand, n_functions - 1)) * 4 + g_rand_int_range (rand, 0, 4)];
      if (!lp_folded_add (folded, frames, depth, 0, 1 + pick_skewed (rand, 40), 0, NULL, &error))
        g_error ("%s", error->message);
    }
  return folded;
}

/* ---- the run ---- */

static guint
top_function (const LpFunctions *table,
              gboolean           by_total)
{
  guint best = 0;

  for (guint i = 1; i < lp_functions_get_n (table); i++)
    {
      const LpFunction *f = lp_functions_get (table, i), *b = lp_functions_get (table, best);

      if (by_total ? f->total > b->total : f->self > b->self)
        best = i;
    }
  return best;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = NULL;
  guint rounds = 5;
  gboolean recursive = argc > 1 && g_str_equal (argv[1], "--recursive");
  Measure m_new = { "lp_functions_new" }, m_new_idle = { "lp_functions_new (HIDE_IDLE)" };
  Measure m_links_self = { "callers + callees, top self function" };
  Measure m_links_total = { "callers + callees, top total function" };
  Measure m_lines = { "lines, top self function" };
  Measure m_model = { "reference: lp_flame_model_new_from_folded" };
  double read_s, rss_before, rss_table = 0;
  guint n_functions = 0;
  guint64 n_frames_total = 0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-functions FILE [ROUNDS [GENERATOR [SHAPE MEGABYTES]]]\n"
                       "       bench-functions --recursive [ROUNDS]\n");
      return 2;
    }
  if (argc > 2)
    rounds = CLAMP (atoi (argv[2]), 1, 64);

  read_s = lp_bench_now ();
  if (recursive)
    folded = make_recursive ();
  else
    {
      g_autoptr(LpFoldedReader) reader = NULL;

      if (!lp_bench_make_folded (argv[1], argc > 3 ? argv[3] : NULL, argc > 5 ? argv[4] : NULL,
                                 argc > 5 ? argv[5] : NULL, &error))
        {
          fprintf (stderr, "bench-functions: could not make %s: %s\n", argv[1], error->message);
          return 1;
        }
      folded = lp_folded_new ();
      reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
      if (!lp_folded_reader_read_file (reader, argv[1], &error))
        {
          fprintf (stderr, "bench-functions: %s\n", error->message);
          return 1;
        }
    }
  read_s = lp_bench_now () - read_s;
  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack s;

      lp_folded_get_stack (folded, i, &s);
      n_frames_total += s.depth;
    }

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(LpFunctions) table = NULL;
      g_autoptr(LpFunctions) busy = NULL;
      g_autoptr(LpFlameModel) model = NULL;
      guint top_self, top_total;

      rss_before = lp_bench_status_kib (getpid (), "VmRSS:") / 1024.0;
      TIMED (&m_new, r, table = lp_functions_new (folded, LP_FUNCTIONS_DEFAULT));
      rss_table = MAX (rss_table, lp_bench_status_kib (getpid (), "VmRSS:") / 1024.0 - rss_before);
      TIMED (&m_new_idle, r, busy = lp_functions_new (folded, LP_FUNCTIONS_HIDE_IDLE));
      n_functions = lp_functions_get_n (table);
      top_self = top_function (table, FALSE);
      top_total = top_function (table, TRUE);
      TIMED (&m_links_self, r, {
        g_autoptr(GArray) callers = lp_functions_get_callers (table, top_self);
        g_autoptr(GArray) callees = lp_functions_get_callees (table, top_self);
      });
      TIMED (&m_links_total, r, {
        g_autoptr(GArray) callers = lp_functions_get_callers (table, top_total);
        g_autoptr(GArray) callees = lp_functions_get_callees (table, top_total);
      });
      TIMED (&m_lines, r, {
        g_autoptr(GArray) lines = lp_functions_get_lines (table, top_self);
      });
      TIMED (&m_model, r, model = lp_flame_model_new_from_folded (folded, LP_FLAME_MODEL_DEFAULT));
      if (r == 0)
        printf ("top self: %s (%.0f); top total: %s (%.0f)\n",
                lp_functions_get (table, top_self)->name, lp_functions_get (table, top_self)->self,
                lp_functions_get (table, top_total)->name, lp_functions_get (table, top_total)->total);
    }

  printf ("report:  %s: %u stacks, %" G_GUINT64_FORMAT " frames in all, %u names, max depth %u, %.0f samples; read in %.3f s\n",
          recursive ? "recursive (made in memory)" : argv[1], lp_folded_get_n_stacks (folded), n_frames_total,
          lp_folded_get_n_frames (folded), lp_folded_get_max_depth (folded), lp_folded_get_total (folded), read_s);
  printf ("table:   %u functions; its RSS %.1f MB\n", n_functions, rss_table);
  printf ("over %u rounds:\n", rounds);
  measure_print (&m_new, rounds);
  measure_print (&m_new_idle, rounds);
  measure_print (&m_links_self, rounds);
  measure_print (&m_links_total, rounds);
  measure_print (&m_lines, rounds);
  measure_print (&m_model, rounds);
  printf ("the table: best %.1f ms wall, %.1f ms CPU (issue 17's goal, for the 140 MB report: <= 200 ms)\n",
          m_new.wall[0] * 1e3, m_new.cpu[0] * 1e3);
  return 0;
}
