/* test-collapse.c: the engine's collapse step and the sampler's snapshot hook that bench/ replays.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <string.h>
#include <sys/wait.h>

#include "lp-collapse.h"
#include "lp-sampler.h"

static void
test_collapse_stack (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  guint32 a = lp_folded_intern (folded, "main", -1);
  guint32 b = lp_folded_intern (folded, "work", -1);
  guint32 c = lp_folded_intern (folded, "leaf", -1);
  guint32 s1[] = { a, b, c }, s2[] = { a, b };
  guint i1 = 99, i2 = 99, again = 99;
  LpFoldedStack stack;
  g_autoptr(GBytes) text = NULL;

  g_assert_true (lp_collapse_stack (folded, s1, 3, &i1));
  g_assert_true (lp_collapse_stack (folded, s2, 2, &i2));
  g_assert_true (lp_collapse_stack (folded, s1, 3, &again));
  g_assert_true (lp_collapse_stack (folded, s1, 3, NULL));
  g_assert_cmpuint (i1, ==, again);
  g_assert_cmpuint (i1, !=, i2);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 2);
  lp_folded_get_stack (folded, i1, &stack);
  g_assert_cmpfloat (stack.count, ==, 3);
  g_assert_cmpuint (stack.depth, ==, 3);
  text = lp_folded_to_bytes (folded);
  {
    /* the bytes are not NUL-terminated */
    gsize len;
    const char *data = g_bytes_get_data (text, &len);
    g_autofree char *str = g_strndup (data, len);

    g_assert_cmpstr (str, ==, "main;work 1\nmain;work;leaf 3\n");
  }
}

typedef struct
{
  LpFolded  *folded;
  GPtrArray *stacks;   /* of char *, "frame;frame" */
  guint      reused;
} Seen;

static void
on_snapshot (LpSampler               *sampler,
             const LpSamplerSnapshot *snapshot,
             gpointer                 user_data)
{
  Seen *seen = user_data;
  GString *s = g_string_new (NULL);

  g_assert_cmpuint (snapshot->depth, >, 0);
  g_assert_cmpint (snapshot->tid, >, 0);
  g_assert_cmpfloat (snapshot->time, >=, 0);
  for (guint i = 0; i < snapshot->depth; i++)
    {
      if (i > 0)
        g_string_append_c (s, ';');
      g_string_append (s, lp_folded_frame_name (seen->folded, snapshot->frames[i]));
    }
  g_ptr_array_add (seen->stacks, g_string_free (s, FALSE));
  seen->reused += snapshot->reused;
}

/* Every sample passes the hook once, before the collapse: replaying what
 * the hook saw through lp_collapse_stack() gives the sampler's report. */
static void
test_snapshot_replay (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFolded) replay = lp_folded_new ();
  g_autoptr(LpSampler) sampler = NULL;
  g_autoptr(GPtrArray) stacks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  char *argv[] = { "/bin/sh", "-c", "sleep 0.15; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done", NULL };
  LpSamplerOptions opts = { .mode = LP_SAMPLER_MODE_WALL, .period = 0.002, .idle = TRUE };
  LpSamplerStats st;
  Seen seen = { folded, stacks, 0 };
  int status;

  sampler = lp_sampler_new (&opts, folded);
  lp_sampler_set_snapshot_func (sampler, on_snapshot, &seen);
  g_assert_true (lp_sampler_launch (sampler, argv, &error));
  g_assert_no_error (error);
  g_assert_true (lp_sampler_run (sampler, -1, &error));
  g_assert_no_error (error);
  if (lp_sampler_wait_child (sampler, &status))
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  lp_sampler_get_stats (sampler, &st);

  g_assert_cmpuint (stacks->len, ==, st.samples);
  g_assert_cmpuint (stacks->len, >, 20);
  g_assert_cmpuint (seen.reused, ==, st.reused);
  for (guint i = 0; i < stacks->len; i++)
    {
      g_auto(GStrv) names = g_strsplit (stacks->pdata[i], ";", -1);
      guint depth = g_strv_length (names);
      g_autofree guint32 *frames = g_new (guint32, depth);

      for (guint f = 0; f < depth; f++)
        frames[f] = lp_folded_intern (replay, names[f], -1);
      g_assert_true (lp_collapse_stack (replay, frames, depth, NULL));
    }
  a = lp_folded_to_bytes (folded);
  b = lp_folded_to_bytes (replay);
  g_assert_true (g_bytes_equal (a, b));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/collapse/stack", test_collapse_stack);
  g_test_add_func ("/core/collapse/snapshot-replay", test_snapshot_replay);

  return g_test_run ();
}
