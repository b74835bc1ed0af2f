/* export-test-util.h: what test-export and test-perf-script share: running the real readers (go tool pprof, node), and the harness's npm modules.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* export_test_run: runs @argv (searched in PATH) in @cwd (nullable) and
 * returns its standard output; its standard error goes to the test's log.
 * *@status is its wait status as g_spawn_check_wait_status() takes it. */
char       *export_test_run      (const char *const *argv,
                                  const char        *cwd,
                                  int               *status);

/* export_test_run_ok: export_test_run() that fails the test unless the
 * command exits with 0. */
char       *export_test_run_ok   (const char *const *argv,
                                  const char        *cwd);

/* export_test_harness_dir: tests/export, with its npm modules installed
 * (`npm ci` there when they are missing; the test fails if that fails). */
const char *export_test_harness_dir (void);

/* export_test_sum_counts: the sum of the counts of folded text, and its
 * number of lines with a count (lines starting with '#' left out). */
double      export_test_sum_counts (const char *folded,
                                    guint      *n_lines);
