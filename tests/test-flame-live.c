/* test-flame-live.c: a live model (stacks added one at a time) holds the tree a model built at once holds.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>

#include "lp-flame-model.h"

/* Deep stacks that share prefixes of any length (each one a prefix of an
 * earlier stack, then frames of its own), in random order: most stacks
 * end in a run of new nodes, and the model's index goes through several
 * sizes of slots, recycling the chunks the shards leave behind. */
static LpFolded *
make_deep (guint n_stacks,
           guint seed)
{
  LpFolded *folded = lp_folded_new ();
  g_autoptr(GPtrArray) stacks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint32 names[3000];
  GRand *rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = g_strdup_printf ("ns::fn%u()", i);
      names[i] = lp_folded_intern (folded, name, -1);
    }
  for (guint s = 0; s < n_stacks; s++)
    {
      guint depth = (guint) g_rand_int_range (rand, 8, 49);
      guint32 *frames = g_new (guint32, depth + 1);
      guint shared = 0;

      frames[0] = depth;
      if (stacks->len > 0)
        {
          const guint32 *from = g_ptr_array_index (stacks, g_rand_int_range (rand, 0, (gint32) stacks->len));
          guint cut = (guint) g_rand_int_range (rand, 0, (gint32) depth);

          shared = MIN (from[0], cut);
          for (guint d = 0; d < shared; d++)
            frames[d + 1] = from[d + 1];
        }
      for (guint d = shared; d < depth; d++)
        frames[d + 1] = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
      g_assert_true (lp_folded_add (folded, frames + 1, depth, 0, g_rand_int_range (rand, 1, 9),
                                    g_rand_int_range (rand, 0, 9), NULL, &error));
      g_assert_no_error (error);
      g_ptr_array_add (stacks, frames);
    }
  lp_folded_set_differential (folded, TRUE);
  g_rand_free (rand);
  return folded;
}

/* node by node (parents have lower indexes): the live model has the same
 * child with the same samples */
static void
assert_same_tree (LpFlameModel *whole,
                  LpFlameModel *live)
{
  guint32 n = lp_flame_model_get_n_nodes (whole);
  g_autofree guint32 *map = g_new (guint32, n);

  g_assert_cmpuint (lp_flame_model_get_n_nodes (live), ==, n);
  g_assert_cmpfloat (lp_flame_model_get_total (live), ==, lp_flame_model_get_total (whole));
  g_assert_cmpuint (lp_flame_model_get_max_depth (live), ==, lp_flame_model_get_max_depth (whole));
  map[LP_FLAME_ROOT] = LP_FLAME_ROOT;
  for (guint32 i = 1; i < n; i++)
    {
      const LpFlameNode *w = lp_flame_model_get_node (whole, i);
      guint32 l = lp_flame_model_find_child (live, map[w->parent], w->frame);

      g_assert_cmpuint (l, !=, LP_FLAME_NO_NODE);
      g_assert_cmpfloat (lp_flame_model_get_node (live, l)->total, ==, w->total);
      g_assert_cmpfloat (lp_flame_model_get_node (live, l)->self, ==, w->self);
      g_assert_cmpfloat (lp_flame_model_get_base (live, l), ==, lp_flame_model_get_base (whole, i));
      map[i] = l;
    }
}

static void
check_flags (LpFlameModelFlags flags)
{
  g_autoptr(LpFolded) folded = make_deep (24000, 12);
  g_autoptr(LpFlameModel) whole = lp_flame_model_new_from_folded (folded, flags);
  g_autoptr(LpFlameModel) live = lp_flame_model_new (folded, flags);
  guint n = lp_folded_get_n_stacks (folded);

  /* in an order with little shared prefix from one stack to the next */
  for (guint k = 0; k < n; k++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, (guint) (((guint64) k * 7919u) % n), &st);
      lp_flame_model_add_stack (live, st.frames, st.depth, st.count, st.count2);
    }
  /* past several sizes of the index (shards of 64 slots at the start) */
  g_assert_cmpuint (lp_flame_model_get_n_nodes (live), >, 350000);
  assert_same_tree (whole, live);
}

static void
test_live_deep (void)
{
  check_flags (LP_FLAME_MODEL_DEFAULT);
}

static void
test_live_deep_reverse (void)
{
  check_flags (LP_FLAME_MODEL_REVERSE);
}

static void
test_live_deep_differential (void)
{
  check_flags (LP_FLAME_MODEL_DIFFERENTIAL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/model/live-deep", test_live_deep);
  g_test_add_func ("/render/model/live-deep-reverse", test_live_deep_reverse);
  g_test_add_func ("/render/model/live-deep-differential", test_live_deep_differential);
  return g_test_run ();
}
