/* lp-bench-gui.h: what the window's benchmarks share: the report made if missing, a window shown under Xvfb, the main loop's stalls.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-window.h"

G_BEGIN_DECLS

/* lp_bench_gui_report: the size of report @path, made first with
 * @gen_argv (its generator's argument vector) when it is missing; -1 and
 * a message on stderr (prefixed with @prog) on error. */
gint64    lp_bench_gui_report       (const char         *prog,
                                     const char         *path,
                                     const char * const *gen_argv);

/* lp_bench_gui_window: a laprof window of 1280x800, shown and mapped,
 * with its application (kept for the program's life); NULL and a message
 * on stderr on error. */
LpWindow *lp_bench_gui_window       (const char *prog);

/* The main loop's longest stall: a 5 ms timer, whose late ticks are
 * moments the window could not answer. lp_bench_gui_stalls_start() starts
 * (or restarts) the count, lp_bench_gui_stalls_worst() gives it, in µs. */
void      lp_bench_gui_stalls_start (void);
gint64    lp_bench_gui_stalls_worst (void);

G_END_DECLS
