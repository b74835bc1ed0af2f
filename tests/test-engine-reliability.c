/* test-engine-reliability.c: the engine killed at random moments, and a long recording of a target that starts threads all the time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-bench-util.h"
#include "test-engine-util.h"

static const char *cli;
static const char *target;

/* The state letter of /proc/PID/stat: 't' or 'T' is stopped. */
static char
proc_state (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strrchr (text, ')')) == NULL)
    return 0;
  return p[2];
}

/* The engine SIGKILLed 100 times at random moments, from before its
 * attach is done to the middle of its sampling (wall mode, 1000 Hz), and
 * 30 times in launch mode: the target, a deterministic computation on
 * two threads with system calls in between, is never left stopped and
 * always prints its correct result. The design: no PTRACE_O_EXITKILL,
 * and the kernel detaches a dead tracer's tracees and resumes them
 * (docs/engine.md). */
static void
test_sigkill (void)
{
  const char *args[] = { "compute", "300", NULL };
  g_autofree char *expected = NULL;
  guint correct = 0, tries = 0;
  int fd, status;
  GPid pid;

  /* the result, untraced */
  pid = test_engine_spawn (target, args, &fd);
  expected = test_engine_read_all (fd);
  g_assert_true (test_engine_wait_pid (pid, 30, &status));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_true (g_str_has_prefix (expected, "checksum="));

  for (int i = 0; i < 130; i++)
    {
      gboolean launch = i >= 100;
      g_autofree char *pid_text = NULL, *out = NULL;
      const char *attach_argv[] = { cli, "record", "-q", "-F", "1000", "-o", "/dev/null", "-p", NULL, NULL };
      const char *launch_argv[] = { cli, "record", "-q", "-F", "1000", "-o", "/dev/null", "--", target,
                                    args[0], args[1], NULL };
      g_autoptr(GError) error = NULL;
      GPid engine;
      int estatus, tstatus = 0;

      tries++;
      if (launch)
        {
          g_spawn_async_with_pipes (NULL, (char **) launch_argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &engine, NULL, &fd, NULL, &error);
          g_assert_no_error (error);
          pid = 0;
        }
      else
        {
          pid = test_engine_spawn (target, args, &fd);
          pid_text = g_strdup_printf ("%d", pid);
          attach_argv[8] = pid_text;
          g_spawn_async (NULL, (char **) attach_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, &engine, &error);
          g_assert_no_error (error);
        }
      /* launch mode: once the command is forked (killed before, the
       * engine has launched nothing: 7 of 30 runs); the child waits for
       * its seize, or for the engine's end, then execs */
      if (launch)
        test_engine_wait_forked (engine, 10);
      /* from the engine's start-up (exec, attach: a few ms) to well into
       * the sampling */
      g_usleep (g_random_int_range (0, 300000));
      kill (engine, SIGKILL);
      g_assert_true (test_engine_wait_pid (engine, 5, &estatus));
      if (pid > 0 && !test_engine_wait_pid (pid, 20, &tstatus))
        {
          char state = proc_state (pid);

          kill (pid, SIGKILL);
          g_error ("try %d: the target is still there 20 s after the engine was killed, state %c", i, state);
        }
      /* launch mode: the command (reparented) holds the pipe until it ends */
      out = test_engine_read_all (fd);
      if (pid > 0)
        g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
      if (g_strcmp0 (out, expected) == 0)
        correct++;
      else
        g_test_message ("try %d: output \"%s\", expected \"%s\"", i, out, expected);
    }
  g_test_message ("correct output %u of %u", correct, tries);
  g_assert_cmpuint (correct, ==, tries);
}

/* A target that starts and ends 3,000 threads a second, recorded 8 s:
 * the engine ends when asked (no hang), and its memory (RssAnon: its
 * heap; VmRSS also counts the perf rings' pages, resident once the
 * kernel has written them, up to their size) is flat after the first
 * seconds. Before, it grew by 356-384 KiB from the 2nd to the 7th second:
 * a set of every thread ever seen (32 bytes a thread), and the entries of
 * threads that had ended before their creator's clone event was read
 * (1 % of them, with two open /proc files each); 0-16 KiB since. The
 * 30 s run at 1,000 threads a second is bench-engine-memory's. */
static void
test_churn_memory (void)
{
  const char *args[] = { "churn", "3000", "11", NULL };
  g_autofree char *pid_text = NULL, *out = NULL;
  const char *argv[] = { cli, "record", "-q", "-d", "8", "-o", "/dev/null", "-p", NULL, NULL };
  g_autoptr(GError) error = NULL;
  guint64 rss[9] = { 0 }, vm[9] = { 0 };
  char ready[8] = "";
  GPid pid, engine;
  int fd, estatus, tstatus;

  pid = test_engine_spawn (target, args, &fd);
  g_assert_cmpint (read (fd, ready, 6), ==, 6);
  pid_text = g_strdup_printf ("%d", pid);
  argv[8] = pid_text;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &engine, &error);
  g_assert_no_error (error);
  for (guint s = 1; s <= 7; s++)
    {
      g_usleep (G_USEC_PER_SEC);
      rss[s] = lp_bench_status_kib (engine, "RssAnon:");
      vm[s] = lp_bench_status_kib (engine, "VmRSS:");
    }
  for (guint s = 1; s <= 7; s++)
    g_test_message ("engine at %u s: RssAnon %" G_GUINT64_FORMAT " KiB, VmRSS %" G_GUINT64_FORMAT " KiB",
                    s, rss[s], vm[s]);
  if (!test_engine_wait_pid (engine, 15, &estatus))
    {
      kill (engine, SIGKILL);
      g_error ("the engine did not end 15 s after its 8 s recording");
    }
  g_assert_true (WIFEXITED (estatus) && WEXITSTATUS (estatus) == 0);
  g_assert_true (test_engine_wait_pid (pid, 20, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  out = test_engine_read_all (fd);
  g_assert_nonnull (strstr (out, "created="));
  g_assert_cmpuint (rss[2], >, 0);
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer keeps freed memory in quarantine (256 MiB): the
   * engine's heap grows by 5 MiB a second, whatever it frees */
  g_test_message ("AddressSanitizer: memory not checked");
#else
  g_assert_cmpuint (rss[7], <=, rss[2] + 64);
#endif
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  test_engine_programs (&cli, &target);

  g_test_add_func ("/engine/reliability/sigkill-130-times", test_sigkill);
  g_test_add_func ("/engine/reliability/churn-memory-flat", test_churn_memory);
  return g_test_run ();
}
