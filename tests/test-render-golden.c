/* test-render-golden.c: the flame graph of real and generated reports is the one the previous model built.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/data/golden/NAME.sums holds, for each report, the SHA-256 of its
 * layouts (every rectangle: depth, x, width, samples, self, delta, flags,
 * raw frame name, printed exactly) for each model flag, order and focus,
 * and of its SVG, as the hash-table model of laprof before issue 12 made
 * them. The model is now built from sorted stacks; the graphs must not
 * change. The SVG sums were made again once cut labels ended in "…"
 * rather than "..", the one change of issue 12 to the SVG (its layouts
 * sums, made by the old model, are unchanged). With --write-golden DIR the program writes the sums instead (how
 * they were made: this file compiled against the old render/ library). */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "lp-flame-export.h"
#include "lp-flame-svg.h"
#include "lp-flame-layout.h"
#include "lp-folded-reader.h"

typedef struct
{
  const char *report;    /* under tests/data/ */
  gboolean    svg;       /* also the SVG (reports without perf annotations) */
} GoldenCase;

static const GoldenCase cases[] = {
  { "perf-xz.folded", FALSE },
  { "perf-python.folded", FALSE },
  { "golden/gen-default.folded", TRUE },
  { "golden/gen-deep.folded", TRUE },
};

static void
sum_layout (GString      *sums,
            const char   *what,
            LpFlameModel *model,
            LpFlameOrder  order,
            double        min_width)
{
  LpFlameLayoutParams params = { .width = 1200, .row_height = 16, .min_width = min_width, .order = order };
  g_autoptr(LpFlameLayout) layout = lp_flame_layout_new (model, &params);
  g_autoptr(GString) dump = g_string_new (NULL);
  g_autofree char *sha = NULL;

  g_string_append_printf (dump, "nodes %u total %.17g max_depth %u rects %u hidden %u %.17g\n",
                          lp_flame_model_get_n_nodes (model), lp_flame_model_get_total (model),
                          lp_flame_model_get_max_depth (model), layout->rects->len, layout->n_hidden,
                          layout->hidden_samples);
  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      const char *name = r->frame == LP_FLAME_NO_FRAME ? "all"
                         : lp_folded_frame_name (lp_flame_model_get_names (model), r->frame);

      g_string_append_printf (dump, "%u %.17g %.17g %.17g %.17g %.17g %x %s\n", r->depth, r->x, r->width,
                              r->samples, r->self_samples, r->delta, r->flags, name);
    }
  sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, dump->str, dump->len);
  g_string_append_printf (sums, "%s %s\n", what, sha);
}

static GString *
sums_for (const char *path,
          gboolean    with_svg)
{
  static const LpFlameModelFlags flags[] = {
    0, LP_FLAME_MODEL_REVERSE, LP_FLAME_MODEL_HIDE_IDLE, LP_FLAME_MODEL_REVERSE | LP_FLAME_MODEL_HIDE_IDLE,
  };
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  g_autoptr(GError) error = NULL;
  GString *sums = g_string_new (NULL);
  LpFoldedStack st;
  guint32 focus;

  if (!lp_folded_reader_read_file (reader, path, &error))
    g_error ("%s", error->message);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, flags[i]);
      g_autofree char *a = g_strdup_printf ("flags-%u-alphabetical", flags[i]);
      g_autofree char *b = g_strdup_printf ("flags-%u-left-heavy", flags[i]);

      sum_layout (sums, a, model, LP_FLAME_ORDER_ALPHABETICAL, 0.1);
      sum_layout (sums, b, model, LP_FLAME_ORDER_LEFT_HEAVY, 0.5);
      if (with_svg && !(flags[i] & LP_FLAME_MODEL_HIDE_IDLE))
        {
          LpFlameExportOptions opts;
          g_autoptr(GString) svg = NULL;
          g_autofree char *sha = NULL;

          lp_flame_picture_options_init (&opts);
          svg = lp_flame_svg_new (model, &opts);
          sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, svg->str, svg->len);
          g_string_append_printf (sums, "svg-flags-%u %s\n", flags[i], sha);
        }
    }

  /* focus on the second frame of the first stack read (its callers too) */
  lp_folded_get_stack (folded, 0, &st);
  focus = st.frames[st.depth > 1 ? 1 : 0];
  for (guint r = 0; r < 2; r++)
    {
      g_autoptr(LpFlameModel) model = lp_flame_model_new_focus (folded, focus, r ? LP_FLAME_MODEL_REVERSE : 0);
      g_autofree char *what = g_strdup_printf ("focus-%u", r);

      sum_layout (sums, what, model, LP_FLAME_ORDER_ALPHABETICAL, 0.1);
    }
  return sums;
}

static void
test_golden (gconstpointer data)
{
  const GoldenCase *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", c->report, NULL);
  g_autofree char *base = g_path_get_basename (c->report);
  g_autofree char *sums_name = g_strconcat (base, ".sums", NULL);
  g_autofree char *sums_path = g_test_build_filename (G_TEST_DIST, "data", "golden", sums_name, NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GString) sums = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (sums_path, &expected, NULL, &error);
  g_assert_no_error (error);
  sums = sums_for (path, c->svg);
  g_assert_cmpstr (sums->str, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "--write-golden"))
    {
      /* --write-golden SRCDIR/tests/data OUTDIR */
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autofree char *path = g_build_filename (argv[2], cases[i].report, NULL);
          g_autofree char *base = g_path_get_basename (cases[i].report);
          g_autofree char *out = g_strconcat (argv[3], "/", base, ".sums", NULL);
          g_autoptr(GString) sums = sums_for (path, cases[i].svg);

          if (!g_file_set_contents (out, sums->str, sums->len, NULL))
            return 1;
        }
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/render/golden/%s", cases[i].report);
      g_test_add_data_func (name, &cases[i], test_golden);
    }
  return g_test_run ();
}
