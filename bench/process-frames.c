/* process-frames.c: the seed's process_frames, native: recorded snapshots replayed through the engine's collapse.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the file of bench/record-frames (default frames.txt), turns each
 * snapshot's frame names into frame ids once (the engine's symbolizer has
 * done that already by the time it collapses), then, N times: a fresh
 * aggregate (as at the start of a recording) and every snapshot collapsed
 * into it with lp_collapse_stack(), the very function the sampler calls.
 * Each pass is timed as a whole (a clock read around a 40 ns call would
 * weigh as much as the call); the figure per call is the pass's time over
 * the number of snapshots, and MEAN +- STDEV are over the N passes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp-bench-util.h"
#include "lp-collapse.h"

typedef struct
{
  guint offset;  /* into the frame pool */
  guint depth;
} Snap;

static gboolean
load_snapshots (const char  *path,
                LpFolded    *names,
                GArray      *pool,
                GArray      *snaps,
                GError     **error)
{
  g_autofree char *text = NULL;
  char *line, *next;
  guint lineno = 0;

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  for (line = text; line != NULL && *line != '\0'; line = next)
    {
      char *end = strchr (line, '\n');
      char *stack;
      Snap snap;

      next = end ? end + 1 : NULL;
      if (end != NULL)
        *end = '\0';
      lineno++;
      if (line[0] == '#' || line[0] == '\0')
        continue;
      /* TIME TID FLAGS STACK: the stack is what follows the third space */
      stack = line;
      for (guint i = 0; i < 3 && stack != NULL; i++)
        {
          stack = strchr (stack, ' ');
          if (stack != NULL)
            stack++;
        }
      if (stack == NULL || *stack == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s:%u: not a snapshot line (TIME TID FLAGS STACK)", path, lineno);
          return FALSE;
        }
      snap.offset = pool->len;
      snap.depth = 0;
      while (TRUE)
        {
          char *semi = strchr (stack, ';');
          gsize len = semi ? (gsize) (semi - stack) : strlen (stack);
          guint32 id = lp_folded_intern (names, stack, (gssize) len);

          g_array_append_val (pool, id);
          snap.depth++;
          if (semi == NULL)
            break;
          stack = semi + 1;
        }
      g_array_append_val (snaps, snap);
    }
  return TRUE;
}

static gboolean
record (const char  *recorder,
        const char  *path,
        GError     **error)
{
  const char *argv[] = { recorder, "-o", path, NULL };
  int status;

  printf ("%s is missing: recording it with %s\n", path, recorder);
  fflush (stdout);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, error))
    return FALSE;
  return g_spawn_check_wait_status (status, error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) names = lp_folded_new ();
  g_autoptr(GArray) pool = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) snaps = g_array_new (FALSE, FALSE, sizeof (Snap));
  g_autofree double *per_call = NULL;
  g_autofree char *recorder = NULL;
  const char *path;
  int iterations = 1000;
  guint n_frames, n_stacks = 0;
  double mean, stdev, best, total = 0;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, "Passes over the snapshots (default 1000)", "N" },
    { "record-with", 0, 0, G_OPTION_ARG_FILENAME, &recorder, "If FILE is missing, make it with this record-frames first", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("[FILE] — replay record-frames' snapshots through the engine's collapse");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "process-frames: %s\n", error->message);
      return 2;
    }
  if (iterations < 1 || argc > 2)
    {
      fprintf (stderr, "process-frames: usage: process-frames [--iterations N] [FILE]\n");
      return 2;
    }
  path = argc > 1 ? argv[1] : "frames.txt";
  if (recorder != NULL && !g_file_test (path, G_FILE_TEST_EXISTS) && !record (recorder, path, &error))
    {
      fprintf (stderr, "process-frames: recording %s failed: %s\n", path, error->message);
      return 1;
    }
  if (!load_snapshots (path, names, pool, snaps, &error))
    {
      fprintf (stderr, "process-frames: %s\n", error->message);
      return 1;
    }
  n_frames = snaps->len;
  if (n_frames == 0)
    {
      fprintf (stderr, "process-frames: %s holds no snapshot\n", path);
      return 1;
    }

  printf ("Iterating %d times over %u frames.\n", iterations, n_frames);
  fflush (stdout);
  per_call = g_new (double, iterations);
  for (int it = 0; it < iterations; it++)
    {
      g_autoptr(LpFolded) dest = lp_folded_new ();
      const guint32 *frames = (const guint32 *) (gpointer) pool->data;
      const Snap *s = (const Snap *) (gpointer) snaps->data;
      double t0, t1;

      /* the frame ids the symbolizer would have made: the same names in the
       * same order give the same ids */
      for (guint f = 0; f < lp_folded_get_n_frames (names); f++)
        {
          guint32 id = lp_folded_intern (dest, lp_folded_frame_name (names, f), -1);
          g_assert (id == f);
        }
      t0 = lp_bench_now ();
      for (guint i = 0; i < n_frames; i++)
        if (!lp_collapse_stack (dest, frames + s[i].offset, s[i].depth, NULL))
          g_assert_not_reached ();
      t1 = lp_bench_now ();
      per_call[it] = (t1 - t0) / n_frames;
      total += t1 - t0;
      if (it == 0)
        {
          n_stacks = lp_folded_get_n_stacks (dest);
          g_assert (lp_folded_get_total (dest) == n_frames);
        }
    }
  lp_bench_mean_stdev (per_call, iterations, &mean, &stdev);
  best = per_call[0];
  for (int it = 1; it < iterations; it++)
    best = MIN (best, per_call[it]);
  printf ("Performance stats for sample (lp_collapse_stack): %.3g +- %.2g seconds per call\n", mean, stdev);
  printf ("(%u distinct stacks, %u frame names; best pass %.3g s per call; %.2f s in all)\n",
          n_stacks, lp_folded_get_n_frames (names), best, total);
  return 0;
}
