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

#include "lp-bench-gui.h"
#include "lp-malloc.h"
#include "lp-window.h"

static gboolean painted;

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
  g_autoptr(GFile) file = NULL;
  LpWindow *window;
  gint64 start, end;
  gint64 size;

  /* as the laprof window does (app/gtk/main.c) */
  lp_malloc_tune (argv);
  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-gui-open FILE [GENERATOR]\n");
      return 2;
    }
  {
    const char *gen_argv[] = { argc > 2 ? argv[2] : "gen-folded", argv[1], "140", NULL };

    if ((size = lp_bench_gui_report ("bench-gui-open", argv[1], gen_argv)) < 0)
      return 1;
  }
  if ((window = lp_bench_gui_window ("bench-gui-open")) == NULL)
    return 1;
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), window);

  file = g_file_new_for_path (argv[1]);
  start = g_get_monotonic_time ();
  lp_bench_gui_stalls_start ();
  lp_window_open_file (window, file);
  while (!painted && g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();

  if (!painted)
    {
      fprintf (stderr, "bench-gui-open: no frame within 60 s\n");
      return 1;
    }
  printf ("report:            %s (%.1f MB, %u stacks)\n", argv[1], size / 1e6,
          lp_folded_get_n_stacks (lp_window_get_report (window)));
  printf ("first frame after: %.3f s (goal: 1 s)\n", (end - start) / 1e6);
  printf ("longest main-loop stall while loading: %.1f ms\n", lp_bench_gui_stalls_worst () / 1e3);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
