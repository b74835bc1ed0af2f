/* test-gui-python.c: Python frames in the window under Xvfb (issue 14): a
 * report with Python frames is drawn in the lang palette (Python's blue)
 * unless the user chose a palette, search finds Python functions, and a
 * recording of a real python3 says that Python frames are on.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "lp-application.h"
#include "lp-flame-color.h"
#include "lp-flame-draw.h"
#include "lp-settings.h"
#include "lp-window.h"
#include "test-gui-util.h"

static LpApplication *app;

/* the palette the graph is drawn in: the window's "view-palette", the
 * state of the View menu's win.palette (a property action) */
static char *
checked_palette (LpWindow *window)
{
  char *palette = NULL;

  g_object_get (window, "view-palette", &palette, NULL);
  return palette;
}

static gboolean
window_shows_report (gpointer data)
{
  const char *page = lp_window_get_page (data);
  LpFlameView *view = lp_window_get_flame_view (data);

  return g_strcmp0 (page, "report") == 0 && gtk_widget_get_width (GTK_WIDGET (view)) > 100 &&
         lp_flame_view_get_layout (view) != NULL;
}

static LpWindow *
open_report (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (window_shows_report, window, 20));
  return window;
}

/* the box of the frame @name as the view lays it out (the widest one) */
static const LpFlameRect *
box_of (LpFlameView *view,
        const char  *name)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (view);
  LpFlameModel *model = lp_flame_view_get_model (view);
  const LpFlameRect *widest = NULL;

  if (layout == NULL)
    return NULL;
  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);

      if (r->frame == LP_FLAME_NO_FRAME || strcmp (lp_flame_model_node_name (model, r->node), name) != 0)
        continue;
      if (widest == NULL || widest->width < r->width)
        widest = r;
    }
  return widest;
}

/* the colour on screen inside the box of @name, left of its label */
static LpRgb
colour_on_screen (LpFlameView *view,
                  const char  *name)
{
  g_autoptr(GdkTexture) shot = NULL;
  const LpFlameRect *r = box_of (view, name);
  g_autofree guint8 *pixels = NULL;
  int stride, height, x, y;
  const guint8 *p;

  g_assert_nonnull (r);
  /* scrolled to, as a user would, when the graph is taller than the view */
  height = gtk_widget_get_height (GTK_WIDGET (view));
  y = (int) lp_flame_view_graph_to_widget_y (view, r->y + 2);
  if (y < 0 || y >= height)
    {
      GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

      gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj) + y - height / 2);
    }
  /* a frame drawn since the last change */
  test_gui_spin (0.2);
  shot = test_gui_render_widget (GTK_WIDGET (view));
  stride = gdk_texture_get_width (shot) * 4;
  pixels = g_malloc ((gsize) stride * gdk_texture_get_height (shot));
  r = box_of (view, name);
  x = (int) r->x + 2;
  y = (int) lp_flame_view_graph_to_widget_y (view, r->y + 2);
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (x, <, gdk_texture_get_width (shot));
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (y, <, gdk_texture_get_height (shot));
  gdk_texture_download (shot, pixels, stride);
  /* cairo's ARGB32 in native (little) endian: B, G, R, A */
  p = pixels + (gsize) y * stride + (gsize) x * 4;
  g_test_message ("%s: box at %g,%g (%g wide) drawn rgb(%u,%u,%u)", name, r->x, r->y, r->width, p[2], p[1], p[0]);
  return (LpRgb) { p[2], p[1], p[0] };
}

/* Python's blue of the lang palette (render/lp-flame-color.c), not the
 * aqua of libc, the red of other code or hot's reds and yellows */
static gboolean
is_python_blue (LpRgb c)
{
  return c.b >= 200 && c.b > c.g + 25 && c.g > c.r && c.r <= 115;
}

static void
search_for (LpWindow   *window,
            const char *text)
{
  GtkWidget *entry;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  entry = test_gui_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "search-changed");
}

/* A report with Python frames, opened from a file: the lang palette
 * (checked in the View menu) without touching the user's settings; its
 * Python frames blue on screen, native frames not; search finds "handler" */
static void
test_report (void)
{
  g_autoptr(GSettings) settings = lp_settings_new ();
  g_autoptr(GVariant) chosen = NULL;
  LpWindow *window;
  LpFlameView *view;
  const LpFlameRect *handler;
  g_autofree char *palette = NULL;

  g_settings_reset (settings, "palette");
  window = open_report ("python.folded");
  view = lp_window_get_flame_view (window);

  palette = checked_palette (window);
  g_assert_cmpstr (palette, ==, "lang");
  chosen = g_settings_get_user_value (settings, "palette");
  g_assert_null (chosen);
  g_assert_true (is_python_blue (colour_on_screen (view, "handler (app.py)")));
  g_assert_true (is_python_blue (colour_on_screen (view, "<module> (app.py)")));
  g_assert_true (is_python_blue (colour_on_screen (view, "dumps (json/__init__.py)")));
  g_assert_false (is_python_blue (colour_on_screen (view, "Py_RunMain")));
  g_assert_false (is_python_blue (colour_on_screen (view, "encoder_listencode_obj")));
  /* the pointer off the graph, so that no tooltip hides it in the picture */
  g_spawn_command_line_sync ("xdotool mousemove 0 0", NULL, NULL, NULL, NULL);
  test_gui_screenshot ("python-report");

  /* search finds the Python function, in magenta */
  search_for (window, "handler");
  handler = box_of (view, "handler (app.py)");
  g_assert_nonnull (handler);
  g_assert_true (handler->flags & LP_FLAME_RECT_MATCH);
  g_assert_false (box_of (view, "main (app.py)")->flags & LP_FLAME_RECT_MATCH);
  /* 212 + 147 + 96 + 3 of the 856 samples go through handler */
  g_assert_cmpfloat (lp_flame_view_get_layout (view)->matched, ==, 458);
  {
    LpRgb m = colour_on_screen (view, "handler (app.py)");

    g_assert_true (m.r == LP_FLAME_MATCH_RGB.r && m.g == LP_FLAME_MATCH_RGB.g && m.b == LP_FLAME_MATCH_RGB.b);
  }
  gtk_window_destroy (GTK_WINDOW (window));

  /* a native report keeps the user's palette */
  window = open_report ("perf-xz.folded");
  g_clear_pointer (&palette, g_free);
  palette = checked_palette (window);
  g_assert_cmpstr (palette, ==, "hot");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A palette the user chose (even the default one) wins over Python's, and
 * is kept for the next reports */
static void
test_chosen_palette (void)
{
  g_autoptr(GSettings) settings = lp_settings_new ();
  LpWindow *window;
  g_autofree char *palette = NULL;

  g_settings_reset (settings, "palette");
  window = open_report ("python.folded");
  palette = checked_palette (window);
  g_assert_cmpstr (palette, ==, "lang");

  /* View ▸ Colours ▸ Hot */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.palette", "s", "hot");
  g_clear_pointer (&palette, g_free);
  palette = checked_palette (window);
  g_assert_cmpstr (palette, ==, "hot");
  g_assert_false (is_python_blue (colour_on_screen (lp_window_get_flame_view (window), "handler (app.py)")));
  {
    g_autoptr(GVariant) chosen = g_settings_get_user_value (settings, "palette");
    g_autofree char *kept = g_settings_get_string (settings, "palette");

    g_assert_nonnull (chosen);
    g_assert_cmpstr (kept, ==, "hot");
  }
  gtk_window_destroy (GTK_WINDOW (window));

  /* the next Python report keeps it */
  window = open_report ("python.folded");
  g_clear_pointer (&palette, g_free);
  palette = checked_palette (window);
  g_assert_cmpstr (palette, ==, "hot");
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "palette");
}

static gboolean
python_indicator_shown (gpointer data)
{
  return test_gui_find_label (data, TEST_GUI_TEXT_IS, "Python frames on") != NULL;
}

/* branch_a (a third of the workload's time) wide enough to point at */
static gboolean
graph_has_branch_a (gpointer data)
{
  const LpFlameRect *r = box_of (lp_window_get_flame_view (data), "branch_a (workload.py)");

  return r != NULL && r->width > 40;
}

/* the summary dialog over @window, if it is shown */
static GtkWindow *
summary_of (LpWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *w = g_list_model_get_item (toplevels, i);
      gboolean found = ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (window) &&
                       gtk_widget_get_visible (GTK_WIDGET (w));

      /* the list keeps its own reference */
      g_object_unref (w);
      if (found)
        return w;
    }
  return NULL;
}

static gboolean
summary_shown (gpointer data)
{
  return summary_of (data) != NULL;
}

/* a new window recording tests/python/workload.py run by @python, the
 * palette not chosen */
static LpWindow *
record_workload (const char *python)
{
  g_autofree char *workload = g_test_build_filename (G_TEST_DIST, "python", "workload.py", NULL);
  const char *argv[] = { python, workload, "30", NULL };
  g_autoptr(GSettings) settings = lp_settings_new ();
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  g_settings_reset (settings, "palette");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);
  return window;
}

/* Recording a real python3 (tests/python/workload.py): the header says
 * Python frames are on (the engine's line as its tooltip), the graph is
 * in the lang palette, and search finds a Python function */
static void
test_record (void)
{
  /* Debian's, else the PATH's (which may be a shim that runs it) */
  g_autofree char *python = g_file_test ("/usr/bin/python3.11", G_FILE_TEST_IS_EXECUTABLE)
                            ? g_strdup ("/usr/bin/python3.11") : g_find_program_in_path ("python3");
  LpWindow *window;
  LpFlameView *view;
  GtkWidget *label;
  g_autofree char *palette = NULL;

  if (python == NULL)
    {
      g_test_skip ("no python3 on PATH");
      return;
    }
  window = record_workload (python);

  g_assert_true (test_gui_spin_until (python_indicator_shown, window, 30));
  label = test_gui_find_label (GTK_WIDGET (window), TEST_GUI_TEXT_IS, "Python frames on");
  g_test_message ("tooltip: %s", gtk_widget_get_tooltip_text (label));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (label), "Python 3."));
  {
    const char *text = NULL;

    g_assert_true (lp_recorder_get_python (lp_window_get_recorder (window), &text));
    g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, text);
  }
  palette = checked_palette (window);
  g_assert_cmpstr (palette, ==, "lang");

  g_assert_true (test_gui_spin_until (graph_has_branch_a, window, 30));
  view = lp_window_get_flame_view (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  test_gui_spin (0.3);
  g_assert_true (is_python_blue (colour_on_screen (view, "branch_a (workload.py)")));
  search_for (window, "branch_a");
  g_assert_true (box_of (view, "branch_a (workload.py)")->flags & LP_FLAME_RECT_MATCH);
  g_assert_cmpfloat (lp_flame_view_get_layout (view)->matched, >, 0);
  g_spawn_command_line_sync ("xdotool mousemove 0 0", NULL, NULL, NULL, NULL);
  test_gui_screenshot ("python-recording");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  /* it still says how the recording was made, and so does its summary */
  g_assert_true (python_indicator_shown (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.summary", NULL);
  g_assert_true (test_gui_spin_until (summary_shown, window, 10));
  {
    const char *text = NULL;
    GtkWindow *summary = summary_of (window);

    lp_recorder_get_python (lp_window_get_recorder (window), &text);
    g_assert_nonnull (test_gui_find_label (GTK_WIDGET (summary), TEST_GUI_TEXT_IS, text));
    gtk_window_destroy (summary);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
toast_says_not_known (gpointer data)
{
  return test_gui_find_label (data, TEST_GUI_TEXT_HAS, "not known to laprof") != NULL;
}

/* Recording a CPython laprof does not know (pyenv's 3.9, where there is
 * one): a toast says so (the engine's line), no "Python frames on", and
 * the user's palette */
static void
test_unsupported (void)
{
  const char *python = "/root/.pyenv/versions/3.9.18/bin/python3.9";
  g_autofree char *palette = NULL;
  LpWindow *window;

  if (!g_file_test (python, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip_printf ("%s is not on this machine", python);
      return;
    }
  window = record_workload (python);

  g_assert_true (test_gui_spin_until (toast_says_not_known, window, 30));
  g_assert_nonnull (test_gui_find_label (GTK_WIDGET (window), TEST_GUI_TEXT_HAS, "Python 3.9.18"));
  g_assert_false (python_indicator_shown (window));
  g_assert_false (lp_recorder_get_python (lp_window_get_recorder (window), NULL));
  palette = checked_palette (window);
  g_assert_cmpstr (palette, ==, "hot");
  test_gui_screenshot ("python-unsupported");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  int status;

  app = test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/python/report", test_report);
  g_test_add_func ("/gui/python/chosen-palette", test_chosen_palette);
  g_test_add_func ("/gui/python/record", test_record);
  g_test_add_func ("/gui/python/unsupported", test_unsupported);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
