/* test-engine-util.h: helpers shared by the engine's test programs (processes and pipes).
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
