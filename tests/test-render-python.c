/* test-render-python.c: Python frames (issue 14) in the lang palette: their
 * kind, their colours on screen and in the SVG, `laprof-cli svg --colors lang`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "lp-flame-color.h"
#include "lp-flame-layout.h"
#include "lp-flame-model.h"
#include "lp-flame-picture.h"
#include "lp-flame-svg.h"
#include "lp-folded-reader.h"

/* the Python family of the lang palette: Python's blue, never the aqua of
 * libc (green = blue) nor the greys, reds, oranges and yellows of the others */
static gboolean
is_python_blue (LpRgb c)
{
  return c.b >= 205 && c.b > c.g + 30 && c.g > c.r && c.r <= 110;
}

/* the names the engine gives Python frames, and some that only look alike */
static void
test_kind (void)
{
  static const char *const python[] = {
    "handler (app.py)", "<module> (app.py)", "Parser.parse (parser.py)",
    "dumps (json/__init__.py)", "outer.<locals>.inner (pkg/mod.py)",
    "handler (app.py:42)", "<lambda> (app.py:7)", "[python: unreadable]",
    "Thread._bootstrap_inner (threading.py)",
  };
  static const char *const not_python[] = {
    "main", "_PyEval_EvalFrameDefault", "[python3.11+0x2543b3]", "[idle: GIL]",
    "(app.py)", " (app.py)", "f (.py)", "f (app.pyc)", "f (app.py:)", "f (app.py:4x)",
    "f (app.py) more", "f (app.py:12", "std::vector<int>::push_back", "[unknown]",
    "do_syscall_64_[k]", "f (app.py)_[j]", "1234567)", "[python: ", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (python); i++)
    {
      g_test_message ("%s", python[i]);
      g_assert_true (lp_flame_color_is_python (python[i]));
      g_assert_cmpint (lp_flame_color_kind_of (python[i]), ==, LP_FLAME_KIND_PYTHON);
    }
  for (guint i = 0; i < G_N_ELEMENTS (not_python); i++)
    {
      g_test_message ("%s", not_python[i]);
      g_assert_false (lp_flame_color_is_python (not_python[i]));
      g_assert_cmpint (lp_flame_color_kind_of (not_python[i]), !=, LP_FLAME_KIND_PYTHON);
    }
  /* a JIT annotation wins, as for any other name */
  g_assert_cmpint (lp_flame_color_kind_of ("f (app.py)_[j]"), ==, LP_FLAME_KIND_JIT);
}

/* Python frames take Python's blue in the lang palette, stable per name
 * and not all the same; the C frames around them keep their colours */
static void
test_colours (void)
{
  LpRgb a = lp_flame_color_for_name ("handler (app.py)", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb a2 = lp_flame_color_for_name ("handler (app.py)", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb b = lp_flame_color_for_name ("dumps (json/__init__.py)", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb m = lp_flame_color_for_name ("[python: unreadable]", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb c = lp_flame_color_for_name ("encoder_listencode_obj", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb eval = lp_flame_color_for_name ("_PyEval_EvalFrameDefault", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb l = lp_flame_color_for_name ("malloc", LP_FLAME_PALETTE_LANG, FALSE);
  LpRgb hot = lp_flame_color_for_name ("handler (app.py)", LP_FLAME_PALETTE_HOT, FALSE);
  guint distinct = 0;

  g_assert_true (a.r == a2.r && a.g == a2.g && a.b == a2.b);
  g_assert_true (is_python_blue (a));
  g_assert_true (is_python_blue (b));
  g_assert_true (is_python_blue (m));
  g_assert_false (is_python_blue (c));
  g_assert_false (is_python_blue (eval));
  g_assert_false (is_python_blue (l));
  /* the other palettes do not tell languages apart */
  g_assert_false (is_python_blue (hot));

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *name = g_strdup_printf ("func_%u (mod%u.py:%u)", i, i % 7, i);
      LpRgb x = lp_flame_color_for_name (name, LP_FLAME_PALETTE_LANG, i % 2);

      g_assert_true (is_python_blue (x));
      if (x.r != a.r || x.g != a.g || x.b != a.b)
        distinct++;
    }
  g_assert_cmpuint (distinct, >, 150);
}

/* tests/data/python.folded, as the engine writes a Python program's
 * stacks (you own it) */
static LpFolded *
load_python_report (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "python.folded", NULL);
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  g_autoptr(GError) error = NULL;

  g_assert_true (lp_folded_reader_read_file (reader, path, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&folded);
}

/* the fill of the box titled @title ("NAME (N samples, P%)") in @svg, as
 * an LpRgb; fails the test if there is no such box */
static LpRgb
svg_fill_of (const char *svg,
             const char *name)
{
  g_autofree char *title = g_strdup_printf ("<title>%s (", name);
  const char *at = strstr (svg, title);
  const char *fill;
  guint r, g, b;

  g_assert_nonnull (at);
  fill = strstr (at, "fill=\"rgb(");
  g_assert_nonnull (fill);
  g_assert_cmpint (sscanf (fill, "fill=\"rgb(%u,%u,%u)", &r, &g, &b), ==, 3);
  return (LpRgb) { r, g, b };
}

/* The SVG of a report with Python frames, in the lang palette: Python
 * frames blue, native ones not; hot: no blue */
static void
test_svg (void)
{
  g_autoptr(LpFolded) folded = load_python_report ();
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GString) lang = NULL;
  g_autoptr(GString) hot = NULL;
  LpFlameExportOptions opts;

  lp_flame_picture_options_init (&opts);
  opts.min_width = 0;
  opts.palette = LP_FLAME_PALETTE_LANG;
  lang = lp_flame_svg_new (model, &opts);
  opts.palette = LP_FLAME_PALETTE_HOT;
  hot = lp_flame_svg_new (model, &opts);

  g_assert_true (is_python_blue (svg_fill_of (lang->str, "handler (app.py)")));
  g_assert_true (is_python_blue (svg_fill_of (lang->str, "&lt;module&gt; (app.py)")));
  g_assert_true (is_python_blue (svg_fill_of (lang->str, "dumps (json/__init__.py)")));
  g_assert_true (is_python_blue (svg_fill_of (lang->str, "[python: unreadable]")));
  g_assert_false (is_python_blue (svg_fill_of (lang->str, "encoder_listencode_obj")));
  g_assert_false (is_python_blue (svg_fill_of (lang->str, "Py_RunMain")));
  g_assert_false (is_python_blue (svg_fill_of (hot->str, "handler (app.py)")));
  {
    LpRgb want = lp_flame_color_for_name ("Parser.parse (parser.py)", LP_FLAME_PALETTE_LANG, FALSE);
    LpRgb got = svg_fill_of (lang->str, "Parser.parse (parser.py)");

    g_assert_true (want.r == got.r && want.g == got.g && want.b == got.b);
  }
}

/* `laprof-cli svg --colors lang` of the same report: the same colours */
static void
test_cli_svg (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "python.folded", NULL);
  const char *cli = g_getenv ("LAPROF_CLI");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("LAPROF_CLI is not set (run through meson test)");
      return;
    }
  {
    const char *argv[] = { cli, "svg", "--colors", "lang", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }
  g_assert_true (is_python_blue (svg_fill_of (out, "handler (app.py)")));
  g_assert_true (is_python_blue (svg_fill_of (out, "Thread.run (threading.py)")));
  g_assert_false (is_python_blue (svg_fill_of (out, "encoder_listencode_obj")));
  g_assert_false (is_python_blue (svg_fill_of (out, "ksys_write_[k]")));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/python/kind", test_kind);
  g_test_add_func ("/render/python/colours", test_colours);
  g_test_add_func ("/render/python/svg", test_svg);
  g_test_add_func ("/render/python/cli-svg", test_cli_svg);
  return g_test_run ();
}
