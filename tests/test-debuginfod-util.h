/* test-debuginfod-util.h: a real debuginfod server on loopback for the tests, serving engine-target's debug file, and a slow proxy in front of it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

typedef struct
{
  GPid  server;
  GPid  proxy;
  char *url;        /* the server's: http://127.0.0.1:PORT */
  char *slow_url;   /* the proxy's, which waits 5 s before each request */
  char *dir;
} TestDebuginfod;

/* test_debuginfod_start: Debian's debuginfod serving ENGINE_TARGET_DEBUG
 * (the environment names it, and DELAY_PROXY the proxy's script), in
 * @tmpdir; ready once it serves the debug file of @stripped. NULL when
 * debuginfod is not installed. The servers end with the test program. */
TestDebuginfod *test_debuginfod_start     (const char *tmpdir,
                                           const char *stripped);
void            test_debuginfod_stop      (TestDebuginfod *self);

/* test_debuginfod_free_port: a loopback port nobody listens on (now) */
int             test_debuginfod_free_port (void);

/* test_debuginfod_env: the environment without DEBUGINFOD_URLS, or with
 * @urls, and a client cache of the test's own at @cache (if not NULL) */
char          **test_debuginfod_env       (const char *urls,
                                           const char *cache);
