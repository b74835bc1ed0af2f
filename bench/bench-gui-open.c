/* bench-gui-open.c: how soon the window shows a big report, and how responsive it stays.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * usage: bench-gui-open FILE [GENERATOR]
 * Opens FILE (made with GENERATOR, bench/gen-folded, if missing) in a laprof
 * window and prints the time until the first frame of the flame graph is
 * painted, and the longest stall of the main loop meanwhile (measured with
 * a 5 ms tick: a late tick means the window could not answer). Run under
 * Xvfb, as meson's benchmark() does. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "lp-application.h"
#include "lp-window.h"

static gint64 last_tick;
static gint64 worst_gap;
static gboolean painted;

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  worst_gap = MAX (worst_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                LpWindow      *window)
{
  const char *page = lp_window_get_page (window);
  LpFlameView *view = lp_window_get_flame_view (window);

  if (page != NULL && g_str_equal (page, "report") && lp_flame_view_get_layout (view) != NULL)
    painted = TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(LpApplication) app = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  LpWindow *window;
  gint64 start, end;
  GStatBuf st;
  guint tick;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-gui-open FILE [GENERATOR]\n");
      return 2;
    }
  if (g_stat (argv[1], &st) != 0 && argc > 2)
    {
      const char *gen_argv[] = { argv[2], argv[1], "140", NULL };
      int status;

      if (!g_spawn_sync (NULL, (char **) gen_argv, NULL, 0, NULL, NULL, NULL, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        {
          fprintf (stderr, "bench-gui-open: %s\n", error->message);
          return 1;
        }
      g_stat (argv[1], &st);
    }

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  app = lp_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      fprintf (stderr, "bench-gui-open: %s\n", error->message);
      return 1;
    }

  window = lp_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  /* let the window map before the clock starts */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), window);

  file = g_file_new_for_path (argv[1]);
  last_tick = start = g_get_monotonic_time ();
  tick = g_timeout_add (5, tick_cb, NULL);
  lp_window_open_file (window, file);
  while (!painted && g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  g_source_remove (tick);

  if (!painted)
    {
      fprintf (stderr, "bench-gui-open: no frame within 60 s\n");
      return 1;
    }
  printf ("report:            %s (%.1f MB, %u stacks)\n", argv[1], st.st_size / 1e6,
          lp_folded_get_n_stacks (lp_window_get_report (window)));
  printf ("first frame after: %.3f s (goal: 1 s)\n", (end - start) / 1e6);
  printf ("longest main-loop stall while loading: %.1f ms\n", worst_gap / 1e3);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
