/* test-gui-names.c: the window while debug files come from a real debuginfod server (behind a proxy that waits 5 s a request): it says how far they are, the graph names the stripped program's frames once the file came; with the server down it says why the names are missing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <string.h>

#include "lp-application.h"
#include "lp-flame-model.h"
#include "lp-window.h"
#include "test-debuginfod-util.h"
#include "test-gui-util.h"

static LpApplication *app;
static TestDebuginfod *srv;
static const char *stripped;
static char *tmpdir;

typedef struct
{
  LpWindow   *window;
  const char *part;
} Wait;

static gboolean
label_shown (gpointer data)
{
  Wait *w = data;

  return test_gui_find_label (GTK_WIDGET (w->window), TEST_GUI_TEXT_HAS, w->part) != NULL;
}

/* the graph has a frame named @data (the window is Wait's) */
static gboolean
graph_has_frame (gpointer data)
{
  Wait *w = data;
  LpFlameModel *model = lp_flame_view_get_model (lp_window_get_flame_view (w->window));

  if (model == NULL)
    return FALSE;
  for (guint n = 1; n < lp_flame_model_get_n_nodes (model); n++)
    if (strcmp (lp_flame_model_node_name (model, n), w->part) == 0)
      return TRUE;
  return FALSE;
}

static LpWindow *
record_stripped (const char *urls,
                 const char *cache)
{
  const char *argv[] = { stripped, "work", "30", NULL };
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  /* the engine the window starts inherits them */
  g_setenv ("DEBUGINFOD_URLS", urls, TRUE);
  g_setenv ("DEBUGINFOD_CACHE_PATH", cache, TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);
  return window;
}

static void
stop (LpWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 30));
}

/* A slow server: the window says the file is coming while the graph grows
 * unnamed, then that it came, and the program's functions get names */
static void
test_slow (void)
{
  g_autofree char *cache = g_build_filename (tmpdir, "cache-slow", NULL);
  g_autofree char *base = g_path_get_basename (stripped);
  Wait w = { NULL, NULL };

  if (srv == NULL)
    {
      g_test_skip ("no debuginfod server (Debian package debuginfod)");
      return;
    }
  w.window = record_stripped (srv->slow_url, cache);
  w.part = "Fetching debug information for";
  g_assert_true (test_gui_spin_until (label_shown, &w, 30));
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (test_gui_find_label (GTK_WIDGET (w.window), TEST_GUI_TEXT_HAS, w.part))));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (test_gui_find_label (GTK_WIDGET (w.window), TEST_GUI_TEXT_HAS, w.part))), base));
  g_spawn_command_line_sync ("xdotool mousemove 0 0", NULL, NULL, NULL, NULL);
  test_gui_screenshot ("debuginfod-fetching");
  /* "1 file fetched", or with a second module asked for (libc's, when
   * its frames were sampled), which the server has not: "1 of 2 files
   * fetched; none for libc.so.6: …" */
  w.part = "fetched";
  g_assert_true (test_gui_spin_until (label_shown, &w, 30));
  w.part = "hot_path";
  g_assert_true (test_gui_spin_until (graph_has_frame, &w, 30));
  stop (w.window);
  gtk_window_destroy (GTK_WINDOW (w.window));
}

/* The server down: the window says why the names are missing */
static void
test_down (void)
{
  g_autofree char *cache = g_build_filename (tmpdir, "cache-down", NULL);
  g_autofree char *dead = g_strdup_printf ("http://127.0.0.1:%d", test_debuginfod_free_port ());
  Wait w = { NULL, "could not be reached" };

  w.window = record_stripped (dead, cache);
  g_assert_true (test_gui_spin_until (label_shown, &w, 30));
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (test_gui_find_label (GTK_WIDGET (w.window), TEST_GUI_TEXT_HAS, w.part))));
  stop (w.window);
  gtk_window_destroy (GTK_WINDOW (w.window));
}

int
main (int argc, char **argv)
{
  int r;

  app = test_gui_init (&argc, &argv);
  stripped = g_getenv ("ENGINE_TARGET_STRIPPED");
  g_assert_nonnull (stripped);
  tmpdir = g_dir_make_tmp ("laprof-gui-names-XXXXXX", NULL);
  srv = test_debuginfod_start (tmpdir, stripped);
  g_test_add_func ("/gui/names/slow", test_slow);
  g_test_add_func ("/gui/names/down", test_down);
  r = g_test_run ();
  test_debuginfod_stop (srv);
  g_clear_object (&app);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);

    g_assert_cmpint (system (cmd), ==, 0);
  }
  g_free (tmpdir);
  return r;
}
