/* test-engine-util.h: helpers shared by the engine's test programs (the programs under test, processes and pipes).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* test_engine_read_all: everything readable from @fd until its end, which
 * it then closes (you own the text). */
char     *test_engine_read_all (int     fd);

/* test_engine_wait_pid: waits up to @seconds for child @pid to end and
 * stores its wait status in @status; FALSE if it has not ended. */
gboolean  test_engine_wait_pid (GPid    pid,
                                double  seconds,
                                int    *status);

/* test_engine_programs: laprof-cli and the engine's test target, from
 * LAPROF_CLI and ENGINE_TARGET (tests/meson.build sets them); fails the
 * test if either is unset. */
void      test_engine_programs (const char **cli,
                                const char **target);

/* test_engine_spawn: starts @program with @args (NULL-terminated, after
 * argv[0]), its stdout to a pipe whose end it stores in @out_fd; not
 * reaped (wait with test_engine_wait_pid()). Fails the test if it cannot
 * start. */
GPid      test_engine_spawn    (const char        *program,
                                const char *const *args,
                                int               *out_fd);

/* test_engine_wait_forked: waits up to @seconds for process @pid to have
 * a child (its /proc/PID/task/PID/children no longer empty): for an
 * engine in launch mode, once it has forked the command. */
void      test_engine_wait_forked (GPid    pid,
                                   double  seconds);
