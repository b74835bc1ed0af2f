/* test-cli-util.h: laprof-cli run as a user runs it, for the tests of its commands.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

typedef struct
{
  char *out;
  char *err;
  int   status;   /* exit status, or -1 if killed */
} Run;

void run_clear (Run *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* run_cli: runs laprof-cli (LAPROF_CLI) with @first and the arguments
 * after it (NULL-terminated), @input (nullable) on its standard input;
 * its output, errors and exit status into @run, and into the test's log. */
void run_cli (Run        *run,
              const char *input,
              const char *first,
              ...);
