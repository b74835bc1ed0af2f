/* lp-bench-util.h: what the seed's benchmarks share: finding their programs, the demo server, statistics, temporary directories.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* lp_bench_program_path: @name in the directory of the running program
 * (build/bench/), or @name itself when that is a path; you own it. */
char        *lp_bench_program_path      (const char *name);

/* lp_bench_demo_server_start: runs @server (bench/demo-server) with
 * --delay @delay and waits for its "listening on 127.0.0.1:PORT" line;
 * returns its pid (0 on error), to stop with lp_bench_demo_server_stop().
 * No GLib child watch is involved (GLib 2.74 would install a SIGCHLD
 * handler, which the sampler's signalfd must not compete with). */
GPid         lp_bench_demo_server_start (const char  *server,
                                         double       delay,
                                         guint16     *port,
                                         GError     **error);
void         lp_bench_demo_server_stop  (GPid         server);

/* lp_bench_mean_stdev: mean and sample standard deviation (n - 1) of @v. */
void         lp_bench_mean_stdev        (const double *v,
                                         guint         n,
                                         double       *mean,
                                         double       *stdev);

/* lp_bench_now: CLOCK_MONOTONIC in seconds. */
double       lp_bench_now               (void);

/* lp_bench_number_after: the number that follows @key in @text (as
 * "samples (1234"), or -1 where @text is NULL or has no @key. */
double       lp_bench_number_after      (const char *text,
                                         const char *key);

/* lp_bench_cmp_double: orders doubles, for g_array_sort(). */
int          lp_bench_cmp_double        (gconstpointer a,
                                         gconstpointer b);

/* lp_bench_status_kib: the KiB of /proc/PID/status's @key ("RssAnon:");
 * 0 if none. */
guint64      lp_bench_status_kib        (GPid        pid,
                                         const char *key);

/* lp_bench_make_folded: makes @path with bench/gen-folded (@generator;
 * --shape=@shape, @megabytes; NULL: the default shape, 140 MB) if it does
 * not exist yet, as the benchmarks of large reports do on first use. */
gboolean     lp_bench_make_folded       (const char  *path,
                                         const char  *generator,
                                         const char  *shape,
                                         const char  *megabytes,
                                         GError     **error);

/* lp_bench_remove_tree: removes @dir and all it holds (rm -rf); FALSE if
 * that failed. */
gboolean     lp_bench_remove_tree       (const char *dir);

G_END_DECLS
