/* bench-gui-views.c: how soon the functions table of a big report fills, and how long switching between the window's views stalls it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * usage: bench-gui-views FILE GENERATOR [SHAPE SIZE]
 * Opens FILE (made with GENERATOR, bench/gen-folded, "--shape=SHAPE FILE
 * SIZE", if missing) in a laprof window under Xvfb; when the graph is
 * painted, switches to the Functions view and prints the time until the
 * table is filled and painted, then switches between the four views
 * (Flame Graph, Functions, Call Tree, Source; five rounds, a function
 * selected) and prints the longest switch (the action until the next
 * painted frame) and the longest stall of the main loop meanwhile (a 5 ms
 * timer: a late tick is a moment the window could not answer), with the
 * main thread's CPU time, which a busy machine does not inflate.
 * The first round (each view's first showing; the graph's first return)
 * is printed apart from the later rounds, with
 * the main thread's page faults meanwhile, and the cost of a page fault on
 * this machine (first touch of 4 MiB): GTK's cairo renderer paints each
 * frame into memory of the window's size, new memory the first time. */
#define _GNU_SOURCE   /* RUSAGE_THREAD */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "lp-bench-gui.h"
#include "lp-malloc.h"
#include "lp-functions-view.h"
#include "lp-window.h"

static guint n_painted;
static guint painted_mark;

static void
after_paint_cb (GdkFrameClock *clock,
                LpWindow      *window)
{
  n_painted++;
}

/* the CPU time of this thread (the main loop's), in ms: what a busy
 * machine does not inflate as it does wall time */
static double
thread_cpu_ms (void)
{
  struct rusage ru;

  getrusage (RUSAGE_THREAD, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* this thread's page faults so far */
static long
thread_faults (void)
{
  struct rusage ru;

  getrusage (RUSAGE_THREAD, &ru);
  return ru.ru_minflt + ru.ru_majflt;
}

/* ms to touch 4 MiB of new memory, page by page: what the page faults of
 * a window-sized frame cost on this machine */
static double
first_touch_ms (void)
{
  const gsize size = 4 << 20;
  char *mem = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  gint64 t0;
  double ms;

  if (mem == MAP_FAILED)
    return -1;
  t0 = g_get_monotonic_time ();
  for (gsize i = 0; i < size; i += 4096)
    mem[i] = 1;
  ms = (g_get_monotonic_time () - t0) / 1e3;
  munmap (mem, size);
  return ms;
}

/* runs the main loop until @done or 60 s; FALSE on time out */
static gboolean
spin_until (gboolean (*done) (LpWindow *), LpWindow *window)
{
  gint64 start = g_get_monotonic_time ();

  while (!done (window))
    {
      if (g_get_monotonic_time () - start > 60 * G_USEC_PER_SEC)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static gboolean
graph_shown (LpWindow *window)
{
  const char *page = lp_window_get_page (window);

  const LpFlameLayout *layout;

  if (page == NULL || !g_str_equal (page, "report"))
    return FALSE;
  /* laid out at the graph's width (not before its first allocation), then
   * painted */
  layout = lp_flame_view_get_layout (lp_window_get_flame_view (window));
  if (layout == NULL || layout->width < 100)
    {
      painted_mark = n_painted;
      return FALSE;
    }
  return n_painted > painted_mark;
}

static gboolean
table_painted (LpWindow *window)
{
  LpFunctionsView *view = LP_FUNCTIONS_VIEW (lp_window_get_view_widget (window, "functions"));
  GtkColumnView *table = lp_functions_view_get_table (view);

  if (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))) == 0)
    {
      painted_mark = n_painted;
      return FALSE;
    }
  return n_painted > painted_mark;
}

static gboolean
painted_since_mark (LpWindow *window)
{
  return n_painted > painted_mark;
}

int
main (int    argc,
      char **argv)
{
  /* from the Functions view, where the first part leaves the window */
  static const char *views[] = { "flame", "functions", "calltree", "source" };
  gint64 view_switch[4] = { 0 }, view_stall[4] = { 0 };
  gint64 first_switch[4] = { 0 }, first_stall[4] = { 0 };
  long first_faults[4] = { 0 };
  g_autoptr(GFile) file = NULL;
  LpWindow *window;
  gint64 start, table_time, settled, worst_switch = 0;
  double cpu0;
  const char *worst_view = "";
  gint64 size;

  /* as the laprof window does (app/gtk/main.c) */
  lp_malloc_tune (argv);
  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-gui-views FILE GENERATOR [SHAPE SIZE]\n");
      return 2;
    }
  {
    g_autofree char *shape = g_strdup_printf ("--shape=%s", argc > 4 ? argv[3] : "default");
    const char *gen_argv[] = { argv[2], shape, argv[1], argc > 4 ? argv[4] : "140", NULL };

    if ((size = lp_bench_gui_report ("bench-gui-views", argv[1], gen_argv)) < 0)
      return 1;
  }
  if ((window = lp_bench_gui_window ("bench-gui-views")) == NULL)
    return 1;
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), window);
  lp_bench_gui_stalls_start ();

  file = g_file_new_for_path (argv[1]);
  lp_window_open_file (window, file);
  if (!spin_until (graph_shown, window))
    {
      fprintf (stderr, "bench-gui-views: no graph within 60 s\n");
      return 1;
    }

  if (g_getenv ("LP_BENCH_SETTLE"))
    for (gint64 idle = g_get_monotonic_time (); g_get_monotonic_time () - idle < 500000;)
      g_main_context_iteration (NULL, FALSE);
  /* the table, asked for as soon as the graph is there */
  lp_bench_gui_stalls_start ();
  start = g_get_monotonic_time ();
  cpu0 = thread_cpu_ms ();
  painted_mark = n_painted;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "functions");
  if (!spin_until (table_painted, window))
    {
      fprintf (stderr, "bench-gui-views: no table within 60 s\n");
      return 1;
    }
  table_time = g_get_monotonic_time () - start;
  /* its first frame is not all of it: GTK paints what the rows show in
   * the next ones. Done when the main loop has had no iteration longer
   * than 8 ms for 0.2 s: the end of the last long one */
  {
    gint64 last = g_get_monotonic_time ();

    settled = last;
    while (g_get_monotonic_time () - settled < 200000)
      {
        gint64 now;

        /* blocking: the 5 ms timer wakes it; an iteration of more than
         * 8 ms did work */
        g_main_context_iteration (NULL, TRUE);
        now = g_get_monotonic_time ();
        if (now - last > 8000)
          {
            settled = now;
            if (g_getenv ("LP_BENCH_EACH"))
              fprintf (stderr, "table: an iteration of %.1f ms, ending %.1f ms after the graph (at %.6f)\n",
                       (now - last) / 1e3, (now - start) / 1e3, now / 1e6);
          }
        last = now;
      }
  }
  printf ("report:              %s (%.1f MB, %u stacks, %u functions)\n", argv[1], size / 1e6,
          lp_folded_get_n_stacks (lp_window_get_report (window)),
          lp_functions_get_n (lp_functions_view_get_functions (LP_FUNCTIONS_VIEW (lp_window_get_view_widget (window, "functions")))));
  printf ("functions table first painted:      %.1f ms after the graph\n", table_time / 1e3);
  printf ("functions table filled and painted: %.1f ms after the graph (goal: 200 ms; its last frame's end)\n",
          (settled - start) / 1e3);
  printf ("longest main-loop stall meanwhile:  %.1f ms (main thread CPU meanwhile: %.1f ms)\n",
          lp_bench_gui_stalls_worst () / 1e3, thread_cpu_ms () - cpu0);

  /* switching: five rounds of the four views, with a function selected */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  lp_bench_gui_stalls_start ();
  cpu0 = thread_cpu_ms ();
  {
    gint64 stall = 0, later_stall = 0;
    double worst_cpu = 0;

    for (guint round = 0; round < 5; round++)
      for (guint v = 0; v < G_N_ELEMENTS (views); v++)
        {
          gint64 t0 = g_get_monotonic_time (), t;
          double c0 = thread_cpu_ms ();
          long faults = thread_faults ();

          painted_mark = n_painted;
          gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", views[v]);
          spin_until (painted_since_mark, window);
          t = g_get_monotonic_time () - t0;
          worst_cpu = MAX (worst_cpu, thread_cpu_ms () - c0);
          if (t > worst_switch)
            {
              worst_switch = t;
              worst_view = views[v];
            }
          /* a little idle time, as between a user's key presses */
          for (gint64 idle = g_get_monotonic_time (); g_get_monotonic_time () - idle < 50000;)
            g_main_context_iteration (NULL, FALSE);
          faults = thread_faults () - faults;
          if (g_getenv ("LP_BENCH_EACH"))
            fprintf (stderr, "round %u to %s: %.1f ms, stall %.1f ms, %ld page faults (from %.6f)\n",
                     round, views[v], t / 1e3, lp_bench_gui_stalls_worst () / 1e3, faults, t0 / 1e6);
          if (round == 0)
            {
              first_switch[v] = t;
              first_stall[v] = lp_bench_gui_stalls_worst ();
              first_faults[v] = faults;
            }
          else
            {
              view_switch[v] = MAX (view_switch[v], t);
              view_stall[v] = MAX (view_stall[v], lp_bench_gui_stalls_worst ());
              later_stall = MAX (later_stall, lp_bench_gui_stalls_worst ());
            }
          stall = MAX (stall, lp_bench_gui_stalls_worst ());
          lp_bench_gui_stalls_start ();
        }
    if (g_getenv ("LP_BENCH_EACH"))
      {
        gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "flame");
        for (gint64 idle = g_get_monotonic_time (); g_get_monotonic_time () - idle < 100000;)
          g_main_context_iteration (NULL, FALSE);
        for (int k = 0; k < 3; k++)
          {
            gint64 t0 = g_get_monotonic_time ();
            painted_mark = n_painted;
            gtk_widget_queue_draw (GTK_WIDGET (lp_window_get_flame_view (window)));
            spin_until (painted_since_mark, window);
            fprintf (stderr, "graph redrawn in %.1f ms\n", (g_get_monotonic_time () - t0) / 1e3);
          }
      }
    printf ("view switches (action to painted frame), the main loop's longest stall:\n");
    for (guint v = 0; v < G_N_ELEMENTS (views); v++)
      printf ("  to %-10s round 1: %5.1f ms, stall %5.1f ms, %4ld page faults;"
              " rounds 2-5: longest %5.1f ms, stall %5.1f ms\n", views[v],
              first_switch[v] / 1e3, first_stall[v] / 1e3, first_faults[v],
              view_switch[v] / 1e3, view_stall[v] / 1e3);
    printf ("selected function:   %s\n", lp_window_get_selected_function (window));
    printf ("longest view switch (action to painted frame): %.1f ms (to %s)\n", worst_switch / 1e3, worst_view);
    printf ("longest main-loop stall while switching:       %.1f ms (goal: 16 ms)\n", stall / 1e3);
    printf ("  the same in rounds 2-5:                      %.1f ms\n", later_stall / 1e3);
    printf ("a page fault here: 4 MiB of new memory touched in %.1f ms\n", first_touch_ms ());
    printf ("most main-thread CPU for one switch:           %.1f ms\n", worst_cpu);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
