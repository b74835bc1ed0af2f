/* lp-bench-gui.c: what the window's benchmarks share (see lp-bench-gui.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "lp-application.h"
#include "lp-bench-gui.h"

static LpApplication *app;
static gint64 last_tick;
static gint64 worst_gap;
static guint tick;

gint64
lp_bench_gui_report (const char         *prog,
                     const char         *path,
                     const char * const *gen_argv)
{
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  int status;

  if (g_stat (path, &st) == 0)
    return st.st_size;
  if (!g_spawn_sync (NULL, (char **) gen_argv, NULL, 0, NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "%s: %s\n", prog, error->message);
      return -1;
    }
  if (g_stat (path, &st) != 0)
    {
      fprintf (stderr, "%s: %s was not made\n", prog, path);
      return -1;
    }
  return st.st_size;
}

LpWindow *
lp_bench_gui_window (const char *prog)
{
  g_autoptr(GError) error = NULL;
  LpWindow *window;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  app = lp_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      fprintf (stderr, "%s: %s\n", prog, error->message);
      return NULL;
    }
  window = lp_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  /* let the window map before any clock starts */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  return window;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  worst_gap = MAX (worst_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

void
lp_bench_gui_stalls_start (void)
{
  last_tick = g_get_monotonic_time ();
  worst_gap = 0;
  if (tick == 0)
    tick = g_timeout_add (5, tick_cb, NULL);
}

gint64
lp_bench_gui_stalls_worst (void)
{
  return worst_gap;
}
