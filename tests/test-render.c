/* test-render.c: the flame graph model, layout, colours and cairo drawing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp-flame-draw.h"
#include "lp-flame-export.h"
#include "lp-flame-svg.h"
#include "lp-flame-layout.h"
#include "lp-flame-model.h"
#include "lp-folded-reader.h"
#include "test-util.h"

typedef struct
{
  const char *name;
  double      x, width, y;
  guint       depth;
  double      samples, self;
  guint32     flags;
} Expect;

static void
assert_rects (LpFlameModel        *model,
              const LpFlameLayout *layout,
              const Expect        *expect,
              guint                n)
{
  if (layout->rects->len != n)
    {
      for (guint i = 0; i < layout->rects->len; i++)
        {
          const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
          g_test_message ("rect %u: %s x=%g w=%g y=%g depth=%u", i,
                          lp_flame_model_node_name (model, r->node), r->x, r->width, r->y, r->depth);
        }
    }
  g_assert_cmpuint (layout->rects->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);

      g_assert_cmpstr (lp_flame_model_node_name (model, r->node), ==, expect[i].name);
      g_assert_cmpfloat_with_epsilon (r->x, expect[i].x, 1e-9);
      g_assert_cmpfloat_with_epsilon (r->width, expect[i].width, 1e-9);
      g_assert_cmpfloat_with_epsilon (r->y, expect[i].y, 1e-9);
      g_assert_cmpuint (r->depth, ==, expect[i].depth);
      g_assert_cmpfloat (r->samples, ==, expect[i].samples);
      g_assert_cmpfloat (r->self_samples, ==, expect[i].self);
      g_assert_cmphex (r->flags, ==, expect[i].flags);
    }
}

static const char small_report[] = "a;b 1\na;c 2\nd 1\n";

static void
test_model_basic (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text (small_report);
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  const char *path_ac[] = { "a", "c", NULL };
  const char *path_ax[] = { "a", "x", NULL };
  guint32 ac;

  g_assert_cmpuint (lp_flame_model_get_n_nodes (model), ==, 5);
  g_assert_cmpfloat (lp_flame_model_get_total (model), ==, 4);
  g_assert_cmpuint (lp_flame_model_get_max_depth (model), ==, 2);
  ac = lp_flame_model_find_path (model, path_ac);
  g_assert_cmpuint (ac, !=, LP_FLAME_NO_NODE);
  g_assert_cmpfloat (lp_flame_model_get_node (model, ac)->total, ==, 2);
  g_assert_cmpfloat (lp_flame_model_get_node (model, ac)->self, ==, 2);
  g_assert_cmpuint (lp_flame_model_get_depth (model, ac), ==, 2);
  g_assert_cmpfloat (lp_flame_model_get_node (model, lp_flame_model_get_node (model, ac)->parent)->self, ==, 0);
  g_assert_cmpuint (lp_flame_model_find_path (model, path_ax), ==, LP_FLAME_NO_NODE);
  g_assert_cmpstr (lp_flame_model_node_name (model, LP_FLAME_ROOT), ==, "all");
}

static void
test_layout_flame (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text (small_report);
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  LpFlameLayoutParams params = { .width = 400, .row_height = 10, .min_width = 0 };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  const Expect expect[] = {
    { "all", 0, 400, 20, 0, 4, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "a", 0, 300, 10, 1, 3, 0, 0 },
    { "d", 300, 100, 10, 1, 1, 1, 0 },
    { "b", 0, 100, 0, 2, 1, 1, 0 },
    { "c", 100, 200, 0, 2, 2, 2, 0 },
  };

  assert_rects (model, layout, expect, G_N_ELEMENTS (expect));
  g_assert_cmpuint (layout->max_depth, ==, 2);
  g_assert_cmpfloat (layout->height, ==, 30);
  g_assert_cmpuint (layout->n_hidden, ==, 0);

  /* hit testing in graph coordinates */
  g_assert_cmpstr (lp_flame_model_node_name (model, lp_flame_layout_hit (layout, 150, 5)->node), ==, "c");
  g_assert_cmpstr (lp_flame_model_node_name (model, lp_flame_layout_hit (layout, 350, 15)->node), ==, "d");
  g_assert_cmpstr (lp_flame_model_node_name (model, lp_flame_layout_hit (layout, 399, 29)->node), ==, "all");
  g_assert_null (lp_flame_layout_hit (layout, 350, 5));
  g_assert_null (lp_flame_layout_hit (layout, 10, 31));
}

static void
test_layout_icicle_left_heavy (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text (small_report);
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  LpFlameLayoutParams params = { .width = 400, .row_height = 10, .order = LP_FLAME_ORDER_LEFT_HEAVY,
                                 .icicle = TRUE };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  const Expect expect[] = {
    { "all", 0, 400, 0, 0, 4, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "a", 0, 300, 10, 1, 3, 0, 0 },
    { "d", 300, 100, 10, 1, 1, 1, 0 },
    { "c", 0, 200, 20, 2, 2, 2, 0 },
    { "b", 200, 100, 20, 2, 1, 1, 0 },
  };

  assert_rects (model, layout, expect, G_N_ELEMENTS (expect));
  g_assert_cmpstr (lp_flame_model_node_name (model, lp_flame_layout_hit (layout, 250, 25)->node), ==, "b");
}

static void
test_layout_zoom (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text (small_report);
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  const char *path_a[] = { "a", NULL };
  LpFlameLayoutParams params = { .width = 300, .row_height = 10 };
  g_autoptr(LpFlameLayout) layout = NULL;
  const Expect expect[] = {
    { "all", 0, 300, 20, 0, 4, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ANCESTOR },
    { "a", 0, 300, 10, 1, 3, 0, LP_FLAME_RECT_ZOOM },
    { "b", 0, 100, 0, 2, 1, 1, 0 },
    { "c", 100, 200, 0, 2, 2, 2, 0 },
  };

  params.zoom = lp_flame_model_find_path (model, path_a);
  layout = lp_flame_layout_new (model, &params);
  assert_rects (model, layout, expect, G_N_ELEMENTS (expect));
  g_assert_cmpfloat (layout->total, ==, 3);
}

static void
test_layout_reverse (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text (small_report);
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, LP_FLAME_MODEL_REVERSE);
  LpFlameLayoutParams params = { .width = 400, .row_height = 10 };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  const Expect expect[] = {
    { "all", 0, 400, 20, 0, 4, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "b", 0, 100, 10, 1, 1, 0, 0 },
    { "c", 100, 200, 10, 1, 2, 0, 0 },
    { "d", 300, 100, 10, 1, 1, 1, 0 },
    { "a", 0, 100, 0, 2, 1, 1, 0 },
    { "a", 100, 200, 0, 2, 2, 2, 0 },
  };

  assert_rects (model, layout, expect, G_N_ELEMENTS (expect));
}

static void
test_layout_min_width (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;b 1\na;c 100\na;c;x 0.5\nz 1\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  LpFlameLayoutParams params = { .width = 102.5, .row_height = 10, .min_width = 2 };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  /* b (1 px), x (0.5 px) and z (1 px) are merged away; c keeps its place */
  const Expect expect[] = {
    { "all", 0, 102.5, 20, 0, 102.5, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "a", 0, 101.5, 10, 1, 101.5, 0, 0 },
    { "c", 1, 100.5, 0, 2, 100.5, 100, 0 },
  };

  assert_rects (model, layout, expect, G_N_ELEMENTS (expect));
  g_assert_cmpuint (layout->n_hidden, ==, 3);
  g_assert_cmpfloat (layout->hidden_samples, ==, 2.5);
}

/* many visible children are sorted; a few among narrow ones are placed by
 * the sum of what sorts before them: both give the same places */
static void
test_layout_many_children (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFlameModel) model = NULL;

  for (int i = 11; i >= 0; i--)
    g_string_append_printf (text, "root;c%02d %d\n", i, i + 1);
  folded = test_folded_from_text (text->str);
  model = lp_flame_model_new_from_folded (folded, 0);

  for (guint pass = 0; pass < 2; pass++)
    {
      LpFlameLayoutParams params = { .width = 78, .row_height = 10, .min_width = pass == 0 ? 0 : 9.5 };
      g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
      guint seen = 0;

      g_assert_cmpuint (layout->rects->len, ==, pass == 0 ? 14 : 5);
      g_assert_cmpuint (layout->n_hidden, ==, pass == 0 ? 0 : 9);
      for (guint i = 2; i < layout->rects->len; i++)
        {
          const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
          int k = atoi (lp_flame_model_node_name (model, r->node) + 1);

          g_assert_cmpfloat (r->x, ==, k * (k + 1) / 2);
          g_assert_cmpfloat (r->width, ==, k + 1);
          seen++;
        }
      g_assert_cmpuint (seen, ==, pass == 0 ? 12 : 3);
    }
}

/* random reports: every drawn frame lies within its parent, next to its
 * siblings in the asked order, as wide as its samples */
static void
test_layout_random (void)
{
  /* more than 8 names, so that both ways of placing children are used */
  static const char *names[] = { "a", "b", "c", "dd", "e e", "[idle: x]", "f", "g", "h", "i", "j", "k" };
  GRand *rand = g_rand_new_with_seed (42);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(LpFolded) folded = lp_folded_new ();
      g_autoptr(LpFlameModel) model = NULL;
      g_autoptr(LpFlameLayout) layout = NULL;
      g_autoptr(GHashTable) by_node = g_hash_table_new (NULL, NULL);
      LpFlameLayoutParams params = { 0 };
      guint n_stacks = g_rand_int_range (rand, 1, 60);
      double scale;

      for (guint i = 0; i < n_stacks; i++)
        {
          const char *stack[10];
          guint depth = g_rand_int_range (rand, 1, 9);
          g_autoptr(GError) error = NULL;

          for (guint d = 0; d < depth; d++)
            stack[d] = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
          stack[depth] = NULL;
          lp_folded_add_names (folded, stack, g_rand_int_range (rand, 1, 400) / 4.0, &error);
          g_assert_no_error (error);
        }
      model = lp_flame_model_new_from_folded (folded, g_rand_boolean (rand) ? LP_FLAME_MODEL_REVERSE : 0);
      params.width = g_rand_double_range (rand, 50, 2000);
      params.row_height = 16;
      params.min_width = g_rand_boolean (rand) ? 0 : g_rand_double_range (rand, 0, 20);
      params.order = g_rand_boolean (rand) ? LP_FLAME_ORDER_LEFT_HEAVY : LP_FLAME_ORDER_ALPHABETICAL;
      params.icicle = g_rand_boolean (rand);
      params.zoom = g_rand_int_range (rand, 0, lp_flame_model_get_n_nodes (model));
      layout = lp_flame_layout_new (model, &params);
      scale = params.width / lp_flame_model_get_node (model, params.zoom)->total;

      for (guint i = 0; i < layout->rects->len; i++)
        {
          const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
          const LpFlameRect *parent;

          g_hash_table_insert (by_node, GUINT_TO_POINTER (r->node), (gpointer) r);
          g_assert_cmpfloat (r->y, ==, (params.icicle ? r->depth : layout->max_depth - r->depth) * 16.0);
          if (r->flags & (LP_FLAME_RECT_ANCESTOR | LP_FLAME_RECT_ZOOM))
            {
              g_assert_cmpfloat (r->x, ==, 0);
              g_assert_cmpfloat (r->width, ==, params.width);
              continue;
            }
          /* parents come first */
          parent = g_hash_table_lookup (by_node, GUINT_TO_POINTER (lp_flame_model_get_node (model, r->node)->parent));
          g_assert_nonnull (parent);
          g_assert_cmpuint (r->depth, ==, parent->depth + 1);
          g_assert_cmpfloat (r->width, >=, params.min_width);
          g_assert_cmpfloat_with_epsilon (r->width, r->samples * scale, 1e-6);
          g_assert_cmpfloat (r->x, >=, parent->x - 1e-6);
          g_assert_cmpfloat (r->x + r->width, <=, parent->x + parent->width + 1e-6);
          /* siblings drawn before it lie wholly on one side, in order */
          for (guint j = 0; j < i; j++)
            {
              const LpFlameRect *o = &g_array_index (layout->rects, LpFlameRect, j);
              if (o->depth != r->depth || (o->flags & (LP_FLAME_RECT_ANCESTOR | LP_FLAME_RECT_ZOOM)))
                continue;
              g_assert_true (o->x + o->width <= r->x + 1e-6 || r->x + r->width <= o->x + 1e-6);
              if (lp_flame_model_get_node (model, o->node)->parent ==
                  lp_flame_model_get_node (model, r->node)->parent)
                {
                  gboolean left = o->x < r->x;
                  if (params.order == LP_FLAME_ORDER_ALPHABETICAL)
                    g_assert_cmpint (left, ==, strcmp (lp_flame_model_node_name (model, o->node),
                                                       lp_flame_model_node_name (model, r->node)) < 0);
                  else if (o->samples != r->samples)
                    g_assert_cmpint (left, ==, o->samples > r->samples);
                }
            }
          g_assert_cmpint ((r->flags & LP_FLAME_RECT_IDLE) != 0, ==,
                           g_str_has_prefix (lp_flame_model_node_name (model, r->node), "[idle"));
        }
    }
  g_rand_free (rand);
}

static void
test_layout_fractional (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("main;a 0.25\nmain;b 0.75\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  LpFlameLayoutParams params = { .width = 200, .row_height = 16, .min_width = 0.1 };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  const Expect expect[] = {
    { "all", 0, 200, 32, 0, 1, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "main", 0, 200, 16, 1, 1, 0, 0 },
    { "a", 0, 50, 0, 2, 0.25, 0.25, 0 },
    { "b", 50, 150, 0, 2, 0.75, 0.75, 0 },
  };

  assert_rects (model, layout, expect, G_N_ELEMENTS (expect));
}

static void
test_layout_search_idle (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;b 1\na;c 2\nd;[idle: futex] 1\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GRegex) re = g_regex_new ("^[ac]$", 0, 0, NULL);
  LpFlameLayoutParams params = { .width = 400, .row_height = 10, .search = re };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  guint n_match = 0, n_idle = 0;

  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      const char *name = lp_flame_model_node_name (model, r->node);

      if (r->flags & LP_FLAME_RECT_MATCH)
        {
          n_match++;
          g_assert_true (g_str_equal (name, "a") || g_str_equal (name, "c"));
        }
      if (r->flags & LP_FLAME_RECT_IDLE)
        {
          n_idle++;
          g_assert_cmpstr (name, ==, "[idle: futex]");
        }
    }
  g_assert_cmpuint (n_match, ==, 2);
  g_assert_cmpuint (n_idle, ==, 1);
  /* c is inside a: counted once */
  g_assert_cmpfloat (layout->matched, ==, 3);

  /* idle samples left out: d had only those */
  {
    g_autoptr(LpFlameModel) busy = lp_flame_model_new_from_folded (folded, LP_FLAME_MODEL_HIDE_IDLE);
    const char *path_d[] = { "d", NULL };

    g_assert_cmpfloat (lp_flame_model_get_total (busy), ==, 3);
    g_assert_cmpuint (lp_flame_model_find_path (busy, path_d), ==, LP_FLAME_NO_NODE);
  }
}

/* a layout marked again in place (lp_flame_layout_mark) equals one laid
 * out with the same search or marks: rectangles, flags and matched */
static void
assert_same_layout (const LpFlameLayout *a,
                    const LpFlameLayout *b)
{
  g_assert_cmpuint (a->rects->len, ==, b->rects->len);
  g_assert_cmpfloat (a->matched, ==, b->matched);
  for (guint i = 0; i < a->rects->len; i++)
    {
      const LpFlameRect *ra = &g_array_index (a->rects, LpFlameRect, i);
      const LpFlameRect *rb = &g_array_index (b->rects, LpFlameRect, i);

      g_assert_cmpuint (ra->node, ==, rb->node);
      g_assert_cmpuint (ra->flags, ==, rb->flags);
      g_assert_cmpfloat (ra->x, ==, rb->x);
      g_assert_cmpfloat (ra->y, ==, rb->y);
    }
}

static void
test_layout_mark (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;b;c 1\na;c 2\nd;c;b 3\nd 1\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GRegex) re = g_regex_new ("^b$", 0, 0, NULL);
  g_autofree guint8 *marks = g_new0 (guint8, lp_folded_get_n_frames (folded));
  LpFlameLayoutParams params = { .width = 400, .row_height = 10 };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  guint32 c;

  /* a search */
  lp_flame_layout_mark (layout, model, re, NULL);
  {
    LpFlameLayoutParams p = params;
    g_autoptr(LpFlameLayout) fresh = NULL;

    p.search = re;
    fresh = lp_flame_layout_new (model, &p);
    assert_same_layout (layout, fresh);
    g_assert_cmpfloat (layout->matched, ==, 4);
  }
  /* marks in place of it: c's frames, nested ones counted once */
  g_assert_true (lp_intern_lookup (lp_folded_get_intern (folded), "c", 1, &c));
  marks[c] = 1;
  lp_flame_layout_mark (layout, model, re, marks);
  {
    LpFlameLayoutParams p = params;
    g_autoptr(LpFlameLayout) fresh = NULL;

    p.marks = marks;
    fresh = lp_flame_layout_new (model, &p);
    assert_same_layout (layout, fresh);
    g_assert_cmpfloat (layout->matched, ==, 6);
  }
  /* none */
  lp_flame_layout_mark (layout, model, NULL, NULL);
  {
    g_autoptr(LpFlameLayout) fresh = lp_flame_layout_new (model, &params);

    assert_same_layout (layout, fresh);
    g_assert_cmpfloat (layout->matched, ==, 0);
  }
}

static void
test_incremental (void)
{
  g_autoptr(LpFolded) all = test_folded_from_text (small_report);
  g_autoptr(LpFolded) live = lp_folded_new ();
  g_autoptr(LpFlameModel) model = lp_flame_model_new (live, 0);
  g_autoptr(GError) error = NULL;
  const char *batch1[][4] = { { "a", "b", NULL }, { "a", "c", NULL } };
  const char *batch2[][4] = { { "a", "c", NULL }, { "d", NULL } };
  const char *path_ac[] = { "a", "c", NULL };

  /* the live view: each batch into the aggregate and into the model */
  for (guint b = 0; b < 2; b++)
    for (guint i = 0; i < 2; i++)
      {
        const char **names = b == 0 ? batch1[i] : batch2[i];
        guint32 frames[4];
        guint depth = 0;

        for (; names[depth] != NULL; depth++)
          frames[depth] = lp_folded_intern (live, names[depth], -1);
        lp_folded_add (live, frames, depth, 0, 1, 0, NULL, &error);
        g_assert_no_error (error);
        lp_flame_model_add_stack (model, frames, depth, 1, 0);
        if (b == 0 && i == 1)
          {
            g_autoptr(LpFlameLayout) layout = NULL;
            LpFlameLayoutParams params = { .width = 100 };

            layout = lp_flame_layout_new (model, &params);
            g_assert_cmpuint (layout->rects->len, ==, 4);
          }
      }

  {
    g_autoptr(LpFlameModel) whole = lp_flame_model_new_from_folded (all, 0);
    LpFlameLayoutParams params = { .width = 400, .row_height = 10 };
    g_autoptr(LpFlameLayout) l1 = lp_flame_layout_new (model, &params);
    g_autoptr(LpFlameLayout) l2 = lp_flame_layout_new (whole, &params);

    g_assert_cmpfloat (lp_flame_model_get_total (model), ==, 4);
    g_assert_cmpfloat (lp_flame_model_get_node (model, lp_flame_model_find_path (model, path_ac))->total, ==, 2);
    g_assert_cmpuint (l1->rects->len, ==, l2->rects->len);
    for (guint i = 0; i < l1->rects->len; i++)
      {
        const LpFlameRect *r1 = &g_array_index (l1->rects, LpFlameRect, i);
        const LpFlameRect *r2 = &g_array_index (l2->rects, LpFlameRect, i);
        g_assert_cmpstr (lp_flame_model_node_name (model, r1->node), ==,
                         lp_flame_model_node_name (whole, r2->node));
        g_assert_cmpfloat (r1->x, ==, r2->x);
        g_assert_cmpfloat (r1->width, ==, r2->width);
      }
  }
}

/* a model grows its hash table (past 2 million nodes) while stacks
 * arrive; it must hold the same tree as one built in one go */
static void
test_grow (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFlameModel) whole = NULL;
  g_autoptr(LpFlameModel) live = NULL;
  g_autofree guint32 *map = NULL;
  guint32 names[1000];
  GRand *rand = g_rand_new_with_seed (7);
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = g_strdup_printf ("fn%u", i);
      names[i] = lp_folded_intern (folded, name, -1);
    }
  /* about 2.2 million distinct prefixes */
  for (guint i = 0; i < 560000; i++)
    {
      guint32 frames[6];
      for (guint d = 0; d < G_N_ELEMENTS (frames); d++)
        frames[d] = names[g_rand_int_range (rand, 0, d == 0 ? 4 : 1000)];
      lp_folded_add (folded, frames, G_N_ELEMENTS (frames), 0, g_rand_int_range (rand, 1, 9), 0, NULL, &error);
      g_assert_no_error (error);
    }
  g_rand_free (rand);
  whole = lp_flame_model_new_from_folded (folded, 0);
  live = lp_flame_model_new (folded, 0);
  n = lp_folded_get_n_stacks (folded);
  /* in an order with little shared prefix */
  for (guint k = 0; k < n; k++)
    {
      LpFoldedStack st;
      lp_folded_get_stack (folded, (guint) (((guint64) k * 7919u) % n), &st);
      lp_flame_model_add_stack (live, st.frames, st.depth, st.count, 0);
    }
  g_assert_cmpuint (lp_flame_model_get_n_nodes (live), >, 2100000);
  g_assert_cmpuint (lp_flame_model_get_n_nodes (live), ==, lp_flame_model_get_n_nodes (whole));

  /* node by node (parents have lower indexes): the same child, the same samples */
  map = g_new (guint32, lp_flame_model_get_n_nodes (whole));
  map[LP_FLAME_ROOT] = LP_FLAME_ROOT;
  for (guint32 i = 1; i < lp_flame_model_get_n_nodes (whole); i++)
    {
      const LpFlameNode *w = lp_flame_model_get_node (whole, i);
      guint32 l = lp_flame_model_find_child (live, map[w->parent], w->frame);

      g_assert_cmpuint (l, !=, LP_FLAME_NO_NODE);
      g_assert_cmpfloat (lp_flame_model_get_node (live, l)->total, ==, w->total);
      g_assert_cmpfloat (lp_flame_model_get_node (live, l)->self, ==, w->self);
      map[i] = l;
    }
  g_assert_cmpuint (lp_flame_model_find_child (live, LP_FLAME_ROOT, 123456), ==, LP_FLAME_NO_NODE);
}

static void
test_focus (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;f;b 1\nc;f;d 2\nf 1\ne 5\nf;g;f 1\n");
  guint32 f = lp_folded_intern (folded, "f", -1);
  g_autoptr(LpFlameModel) focus = lp_flame_model_new_focus (folded, f, 0);
  g_autoptr(LpFlameModel) callers = lp_flame_model_new_focus (folded, f, LP_FLAME_MODEL_REVERSE);
  LpFlameLayoutParams params = { .width = 500, .row_height = 10 };
  g_autoptr(LpFlameLayout) l1 = lp_flame_layout_new (focus, &params);
  g_autoptr(LpFlameLayout) l2 = NULL;
  /* every call of f under one root; e (no f) left out; recursion cut at
   * the first f */
  const Expect e1[] = {
    { "all", 0, 500, 30, 0, 5, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "f", 0, 500, 20, 1, 5, 1, 0 },
    { "b", 0, 100, 10, 2, 1, 1, 0 },
    { "d", 100, 200, 10, 2, 2, 2, 0 },
    { "g", 300, 100, 10, 2, 1, 0, 0 },
    { "f", 300, 100, 0, 3, 1, 1, 0 },
  };
  /* callers of f, from the last call of f in each stack */
  const Expect e2[] = {
    { "all", 0, 500, 30, 0, 5, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "f", 0, 500, 20, 1, 5, 1, 0 },
    { "a", 0, 100, 10, 2, 1, 1, 0 },
    { "c", 100, 200, 10, 2, 2, 2, 0 },
    { "g", 300, 100, 10, 2, 1, 0, 0 },
    { "f", 300, 100, 0, 3, 1, 1, 0 },
  };

  assert_rects (focus, l1, e1, G_N_ELEMENTS (e1));
  l2 = lp_flame_layout_new (callers, &params);
  assert_rects (callers, l2, e2, G_N_ELEMENTS (e2));
}

static void
test_add_batch (void)
{
  g_autoptr(LpFolded) live = lp_folded_new ();
  g_autoptr(LpFlameModel) model = lp_flame_model_new (live, 0);
  g_autoptr(LpFolded) batch1 = test_folded_from_text ("a;b 1\nx 2\n");
  g_autoptr(LpFolded) batch2 = test_folded_from_text ("z 1\na;b 2\n");
  g_autoptr(GError) error = NULL;
  const char *path_ab[] = { "a", "b", NULL };

  g_assert_true (lp_flame_model_add_batch (model, batch1, &error));
  g_assert_no_error (error);
  g_assert_true (lp_flame_model_add_batch (model, batch2, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (lp_flame_model_get_total (model), ==, 6);
  g_assert_cmpfloat (lp_folded_get_total (live), ==, 6);
  g_assert_cmpuint (lp_folded_get_n_stacks (live), ==, 3);
  g_assert_cmpfloat (lp_flame_model_get_node (model, lp_flame_model_find_path (model, path_ab))->total, ==, 3);
}

static void
test_differential (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;b 1 3\na;c 2 0\nd 1 1\n");
  g_autoptr(LpFlameModel) model = NULL;
  LpFlameLayoutParams params = { .width = 400, .row_height = 10 };
  g_autoptr(LpFlameLayout) layout = NULL;
  LpFlameDrawParams draw;
  const Expect expect[] = {
    { "all", 0, 400, 20, 0, 4, 0, LP_FLAME_RECT_ROOT | LP_FLAME_RECT_ZOOM },
    { "a", 0, 300, 10, 1, 3, 0, 0 },
    { "d", 300, 100, 10, 1, 1, 1, 0 },
    { "b", 0, 300, 0, 2, 3, 3, 0 },
  };

  g_assert_true (lp_folded_is_differential (folded));
  model = lp_flame_model_new_from_folded (folded, LP_FLAME_MODEL_DIFFERENTIAL);
  layout = lp_flame_layout_new (model, &params);
  assert_rects (model, layout, expect, G_N_ELEMENTS (expect));
  lp_flame_draw_params_init (&draw);

  /* b grew by 2 (the most): full red; d did not change: white; c (gone) is not drawn */
  g_assert_cmpfloat (g_array_index (layout->rects, LpFlameRect, 3).delta, ==, 2);
  g_assert_cmpfloat (layout->max_abs_delta, ==, 2);
  {
    LpRgb b = lp_flame_draw_rect_color (model, layout, &g_array_index (layout->rects, LpFlameRect, 3), &draw);
    LpRgb d = lp_flame_draw_rect_color (model, layout, &g_array_index (layout->rects, LpFlameRect, 2), &draw);
    LpRgb shrank = lp_flame_color_for_delta (-1, 2);

    g_assert_cmpuint (b.r, ==, 255);
    g_assert_cmpuint (b.g, ==, 0);
    g_assert_cmpuint (d.r, ==, d.b);
    g_assert_cmpuint (shrank.b, ==, 255);
    g_assert_cmpuint (shrank.r, ==, 105);
  }
}

static void
test_colors (void)
{
  LpRgb a = lp_flame_color_for_name ("main", LP_FLAME_PALETTE_HOT, FALSE);
  LpRgb b = lp_flame_color_for_name ("main", LP_FLAME_PALETTE_HOT, FALSE);
  LpFlamePalette p;

  /* stable per name, within flamegraph.pl's ranges */
  g_assert_true (a.r == b.r && a.g == b.g && a.b == b.b);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *name = g_strdup_printf ("func_%u", i);
      LpRgb hot = lp_flame_color_for_name (name, LP_FLAME_PALETTE_HOT, i % 2);
      LpRgb mem = lp_flame_color_for_name (name, LP_FLAME_PALETTE_MEM, i % 2);
      LpRgb io = lp_flame_color_for_name (name, LP_FLAME_PALETTE_IO, i % 2);

      g_assert_cmpuint (hot.r, >=, 205);
      g_assert_cmpuint (hot.b, <=, 55);
      g_assert_cmpuint (mem.r, ==, 0);
      g_assert_cmpuint (mem.g, >=, 190);
      g_assert_cmpuint (io.r, ==, io.g);
      g_assert_cmpuint (io.b, >=, 190);
    }

  g_assert_cmpint (lp_flame_color_kind_of ("do_syscall_64_[k]"), ==, LP_FLAME_KIND_KERNEL);
  g_assert_cmpint (lp_flame_color_kind_of ("std::vector<int>::push_back"), ==, LP_FLAME_KIND_CXX);
  g_assert_cmpint (lp_flame_color_kind_of ("__libc_start_main"), ==, LP_FLAME_KIND_LIBC);
  g_assert_cmpint (lp_flame_color_kind_of ("[libc.so.6]"), ==, LP_FLAME_KIND_LIBC);
  g_assert_cmpint (lp_flame_color_kind_of ("[unknown]"), ==, LP_FLAME_KIND_UNKNOWN);
  g_assert_cmpint (lp_flame_color_kind_of ("[liblzma.so.5.4.1]"), ==, LP_FLAME_KIND_UNKNOWN);
  g_assert_cmpint (lp_flame_color_kind_of ("main"), ==, LP_FLAME_KIND_OTHER);
  /* the four kinds look different */
  {
    LpRgb k = lp_flame_color_for_name ("x_[k]", LP_FLAME_PALETTE_LANG, FALSE);
    LpRgb c = lp_flame_color_for_name ("ns::f", LP_FLAME_PALETTE_LANG, FALSE);
    LpRgb l = lp_flame_color_for_name ("malloc", LP_FLAME_PALETTE_LANG, FALSE);
    LpRgb u = lp_flame_color_for_name ("[unknown]", LP_FLAME_PALETTE_LANG, FALSE);

    g_assert_cmpuint (k.r, >, k.b + 100);   /* orange */
    g_assert_cmpuint (c.g, >=, 195);        /* yellow */
    g_assert_cmpuint (l.b, >, l.r + 50);    /* aqua */
    g_assert_true (u.r == u.g && u.g == u.b); /* grey */
    {
      LpRgb other = lp_flame_color_for_name ("main", LP_FLAME_PALETTE_LANG, FALSE);
      g_assert_cmpuint (other.r, >=, 200);     /* red */
      g_assert_cmpuint (other.g, ==, other.b);
    }
  }

  {
    LpRgb g = lp_flame_color_for_name ("x", LP_FLAME_PALETTE_GREEN, FALSE);
    LpRgb o = lp_flame_color_for_name ("x", LP_FLAME_PALETTE_ORANGE, FALSE);
    g_assert_cmpuint (g.g, >=, 200);
    g_assert_cmpuint (g.r, ==, g.b);
    g_assert_cmpuint (o.b, ==, 0);
    g_assert_true (lp_flame_color_palette_from_string ("purple", &p));
    g_assert_cmpint (p, ==, LP_FLAME_PALETTE_PURPLE);
  }
  g_assert_true (lp_flame_color_palette_from_string ("mem", &p));
  g_assert_cmpint (p, ==, LP_FLAME_PALETTE_MEM);
  g_assert_false (lp_flame_color_palette_from_string ("rainbow", &p));
}

static void
test_elide (void)
{
  g_autofree char *a = lp_flame_draw_elide ("function", 20);
  g_autofree char *b = lp_flame_draw_elide ("function", 5);
  g_autofree char *c = lp_flame_draw_elide ("function", 1);
  g_autofree char *d = lp_flame_draw_elide ("ééééé", 4);
  g_autofree char *e = lp_flame_draw_elide ("function", 2);

  /* cut names end in one ellipsis character, never two dots */
  g_assert_cmpstr (a, ==, "function");
  g_assert_cmpstr (b, ==, "func\u2026");
  g_assert_null (c);
  g_assert_cmpstr (d, ==, "ééé\u2026");
  g_assert_cmpstr (e, ==, "f\u2026");
}

static guint32
pixel_at (cairo_surface_t *s,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  return *(const guint32 *) (data + y * cairo_image_surface_get_stride (s) + x * 4) & 0xffffff;
}

static guint32
rgb_word (LpRgb c)
{
  return ((guint32) c.r << 16) | ((guint32) c.g << 8) | c.b;
}

static void
test_draw_pixels (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("main;compute 3\nmain;[idle: poll] 1\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GRegex) re = g_regex_new ("^main$", 0, 0, NULL);
  LpFlameLayoutParams params = { .width = 400, .row_height = 16, .search = re };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 48);
  cairo_t *cr = cairo_create (surface);
  LpFlameDrawParams draw;
  LpRgb compute;

  lp_flame_draw_params_init (&draw);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  lp_flame_draw (cr, model, layout, &draw);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  compute = lp_flame_color_for_name ("compute", LP_FLAME_PALETTE_HOT, FALSE);
  /* rows: 0-15 "[idle: poll]" (0-100) then compute (100-400, '[' sorts
   * before 'c'), 16-31 main (a match), 32-47 all; the right end of each
   * box has no text */
  g_assert_cmphex (pixel_at (surface, 395, 12), ==, rgb_word (compute));
  g_assert_cmphex (pixel_at (surface, 97, 12), ==, rgb_word (LP_FLAME_IDLE_RGB));
  g_assert_cmphex (pixel_at (surface, 395, 28), ==, rgb_word (LP_FLAME_MATCH_RGB));
  g_assert_cmphex (pixel_at (surface, 395, 44), ==,
                   rgb_word (lp_flame_color_for_name ("all", LP_FLAME_PALETTE_HOT, FALSE)));
  /* the 1-pixel gap between rows */
  g_assert_cmphex (pixel_at (surface, 395, 15), ==, 0xffffff);
  /* some text was drawn at the left of "compute" */
  {
    gboolean dark = FALSE;
    for (int x = 2; x < 60 && !dark; x++)
      for (int y = 2; y < 14 && !dark; y++)
        dark = (pixel_at (surface, x, y) & 0xff) < 0x40 && ((pixel_at (surface, x, y) >> 16) & 0xff) < 0x40;
    g_assert_true (dark);
  }
  cairo_surface_destroy (surface);
}

static void
test_png_export (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("main;compute 3\nmain;io 1\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFlameLayout) layout = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-render-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "g.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "g.pdf", NULL);
  LpFlameExportOptions opts;
  cairo_surface_t *s;
  double w, h, top;

  g_assert_no_error (error);
  lp_flame_picture_options_init (&opts);
  opts.width = 420;
  opts.palette = LP_FLAME_PALETTE_MEM;
  g_assert_true (lp_flame_export_to_file (model, &opts, LP_FLAME_FORMAT_PNG, png, &error));
  g_assert_no_error (error);
  g_assert_true (lp_flame_export_to_file (model, &opts, LP_FLAME_FORMAT_PDF, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));

  layout = lp_flame_picture_layout (model, &opts);
  lp_flame_picture_size (layout, &opts, &w, &h);
  s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 420);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, (int) h);
  /* graph starts 10 px in and 36 px down; compute is 0..300 of 400 on row 0 */
  top = 36;
  g_assert_cmphex (pixel_at (s, 10 + 295, top + 12), ==,
                   rgb_word (lp_flame_color_for_name ("compute", LP_FLAME_PALETTE_MEM, FALSE)));
  g_assert_cmphex (pixel_at (s, 10 + 395, top + 12), ==,
                   rgb_word (lp_flame_color_for_name ("io", LP_FLAME_PALETTE_MEM, FALSE)));
  g_assert_cmphex (pixel_at (s, 10 + 395, top + 16 + 12), ==,
                   rgb_word (lp_flame_color_for_name ("main", LP_FLAME_PALETTE_MEM, FALSE)));
  cairo_surface_destroy (s);
  g_unlink (png);
  g_unlink (pdf);
  g_rmdir (dir);
}

static void
test_real_report (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "perf-xz.folded", NULL);
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFlameModel) model = NULL;
  g_autoptr(LpFlameModel) reversed = NULL;
  LpFlameLayoutParams params = { .width = 1180, .min_width = 0.1 };
  g_autoptr(LpFlameLayout) layout = NULL;
  double sum_leaves = 0;

  lp_folded_reader_read_file (reader, path, &error);
  g_assert_no_error (error);
  model = lp_flame_model_new_from_folded (folded, 0);
  reversed = lp_flame_model_new_from_folded (folded, LP_FLAME_MODEL_REVERSE);
  g_assert_cmpfloat (lp_flame_model_get_total (model), ==, lp_folded_get_total (folded));
  g_assert_cmpfloat (lp_flame_model_get_total (reversed), ==, lp_folded_get_total (folded));

  /* every node: total = self + the totals of its children */
  for (guint n = 0; n < lp_flame_model_get_n_nodes (model); n++)
    {
      const LpFlameNode *node = lp_flame_model_get_node (model, n);
      double sum = node->self;

      for (guint32 c = node->first_child; c != LP_FLAME_NO_NODE; c = lp_flame_model_get_node (model, c)->next_sibling)
        sum += lp_flame_model_get_node (model, c)->total;
      g_assert_cmpfloat_with_epsilon (sum, node->total, 1e-6);
      sum_leaves += node->self;
    }
  g_assert_cmpfloat_with_epsilon (sum_leaves, lp_folded_get_total (folded), 1e-6);

  layout = lp_flame_layout_new (model, &params);
  g_assert_cmpuint (layout->rects->len, >, 10);
  /* children lie within their parents and do not overlap */
  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      g_assert_cmpfloat (r->width, >=, 0.1);
      g_assert_cmpfloat (r->x + r->width, <=, 1180 + 1e-6);
    }
}


/* flamegraph.pl shows perf's annotations ("_[k]" kernel, "_[j]" JIT,
 * "_[i]" inlined, "_[w]" waker) as colours, not text: the name is shown
 * without them, and the java/js/chain palettes (laprof's lang) colour by
 * them. The lines are those of flamegraph.pl's own test reports. */
static void
test_annotations (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text (
    "java;start_thread;JavaMain;write0_[j];  3\n"
    "java;start_thread;JavaMain;Interpreter_[i];do_syscall_64_[k] 1\n"
    "waker;try_to_wake_up_[w] 2\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GString) svg = NULL;
  LpFlameExportOptions opts;
  LpFlamePalette palette = LP_FLAME_PALETTE_HOT;
  LpRgb j = lp_flame_color_for_name ("write0_[j]", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb i = lp_flame_color_for_name ("Interpreter_[i]", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb w = lp_flame_color_for_name ("try_to_wake_up_[w]", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb k = lp_flame_color_for_name ("do_syscall_64_[k]", LP_FLAME_PALETTE_LANG, FALSE);

  /* JIT green, inlined and waker aqua, kernel orange */
  g_assert_cmpuint (j.g, >=, 200);
  g_assert_cmpuint (j.r, ==, j.b);
  g_assert_cmpuint (i.r, <, i.g);
  g_assert_cmpuint (i.g, ==, i.b);
  g_assert_cmpuint (w.r, <, w.g);
  g_assert_cmpuint (w.g, ==, w.b);
  g_assert_cmpuint (k.r, >, k.b + 100);
  g_assert_true (lp_flame_color_palette_from_string ("java", &palette));
  g_assert_cmpint (palette, ==, LP_FLAME_PALETTE_LANG);

  /* the blank frame's line counts: 6 samples in all */
  g_assert_cmpfloat (lp_flame_model_get_total (model), ==, 6);

  lp_flame_picture_options_init (&opts);
  opts.palette = LP_FLAME_PALETTE_LANG;
  opts.min_width = 0;
  svg = lp_flame_svg_new (model, &opts);
  g_assert_nonnull (strstr (svg->str, "<title>all (6 samples, 100.00%)</title>"));
  /* boxes without the annotations; titles (hover, search) with them */
  g_assert_nonnull (strstr (svg->str, ">write0</text>"));
  g_assert_nonnull (strstr (svg->str, ">Interpreter</text>"));
  g_assert_nonnull (strstr (svg->str, ">do_syscall_64</text>"));
  g_assert_nonnull (strstr (svg->str, ">try_to_wake_up</text>"));
  g_assert_null (strstr (svg->str, "_[j]</text>"));
  g_assert_null (strstr (svg->str, "_[k]</text>"));
  g_assert_nonnull (strstr (svg->str, "<title>write0_[j] (3 samples, 50.00%)</title>"));
  /* the blank frame is a box with a blank name, as flamegraph.pl draws it */
  g_assert_nonnull (strstr (svg->str, "<title>  (3 samples, 50.00%)</title>"));
  /* the model and the report keep the whole names */
  g_assert_cmpstr (lp_flame_model_node_name (model, lp_flame_model_find_path (model,
                   (const char *[]) { "waker", "try_to_wake_up_[w]", NULL })), ==, "try_to_wake_up_[w]");
}


/* A model built from a report (sorted, no index) that then gets stacks one
 * at a time, as the live view does after a change of view while
 * recording: the first stack added indexes the nodes built so far. */
static void
test_built_then_added (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "perf-xz.folded", NULL);
  g_autoptr(LpFolded) all = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (all, LP_FOLDED_READER_DEFAULT);
  g_autoptr(LpFolded) part = lp_folded_new ();
  g_autoptr(LpFlameModel) whole = NULL;
  g_autoptr(LpFlameModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint32 *map = NULL;
  guint n;

  g_assert_true (lp_folded_reader_read_file (reader, path, &error));
  /* the same frame ids in both */
  for (guint f = 0; f < lp_folded_get_n_frames (all); f++)
    g_assert_cmpuint (lp_folded_intern (part, lp_folded_frame_name (all, f), -1), ==, f);
  n = lp_folded_get_n_stacks (all);
  for (guint i = 0; i < n / 2; i++)
    {
      LpFoldedStack st;
      lp_folded_get_stack (all, i, &st);
      g_assert_true (lp_folded_add (part, st.frames, st.depth, 0, st.count, 0, NULL, &error));
    }
  model = lp_flame_model_new_from_folded (part, 0);
  for (guint i = n / 2; i < n; i++)
    {
      LpFoldedStack st;
      lp_folded_get_stack (all, i, &st);
      lp_flame_model_add_stack (model, st.frames, st.depth, st.count, 0);
    }

  whole = lp_flame_model_new_from_folded (all, 0);
  g_assert_cmpuint (lp_flame_model_get_n_nodes (model), ==, lp_flame_model_get_n_nodes (whole));
  g_assert_cmpfloat (lp_flame_model_get_total (model), ==, lp_flame_model_get_total (whole));
  map = g_new (guint32, lp_flame_model_get_n_nodes (whole));
  map[LP_FLAME_ROOT] = LP_FLAME_ROOT;
  for (guint32 i = 1; i < lp_flame_model_get_n_nodes (whole); i++)
    {
      const LpFlameNode *w = lp_flame_model_get_node (whole, i);
      guint32 m = lp_flame_model_find_child (model, map[w->parent], w->frame);

      g_assert_cmpuint (m, !=, LP_FLAME_NO_NODE);
      g_assert_cmpfloat (lp_flame_model_get_node (model, m)->total, ==, w->total);
      g_assert_cmpfloat (lp_flame_model_get_node (model, m)->self, ==, w->self);
      /* the whole model, never indexed, finds its children too */
      g_assert_cmpuint (lp_flame_model_find_child (whole, w->parent, w->frame), ==, i);
      map[i] = m;
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/model/basic", test_model_basic);
  g_test_add_func ("/render/model/incremental", test_incremental);
  g_test_add_func ("/render/model/real-report", test_real_report);
  g_test_add_func ("/render/model/focus", test_focus);
  g_test_add_func ("/render/model/grow", test_grow);
  g_test_add_func ("/render/model/add-batch", test_add_batch);
  g_test_add_func ("/render/layout/flame", test_layout_flame);
  g_test_add_func ("/render/layout/icicle-left-heavy", test_layout_icicle_left_heavy);
  g_test_add_func ("/render/layout/zoom", test_layout_zoom);
  g_test_add_func ("/render/layout/reverse", test_layout_reverse);
  g_test_add_func ("/render/layout/min-width", test_layout_min_width);
  g_test_add_func ("/render/layout/fractional", test_layout_fractional);
  g_test_add_func ("/render/layout/many-children", test_layout_many_children);
  g_test_add_func ("/render/layout/random", test_layout_random);
  g_test_add_func ("/render/layout/search-idle", test_layout_search_idle);
  g_test_add_func ("/render/layout/mark", test_layout_mark);
  g_test_add_func ("/render/layout/differential", test_differential);
  g_test_add_func ("/render/color/palettes", test_colors);
  g_test_add_func ("/render/draw/elide", test_elide);
  g_test_add_func ("/render/draw/pixels", test_draw_pixels);
  g_test_add_func ("/render/export/png", test_png_export);
  g_test_add_func ("/render/color/annotations", test_annotations);
  g_test_add_func ("/render/model/built-then-added", test_built_then_added);
  return g_test_run ();
}
