/* test-inprocess.c: liblaprof from inside the process (C API, LD_PRELOAD, laprof-cli record --in-process) under a seccomp filter that forbids ptrace, perf events and process_vm_readv.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The programs profiled are tests/inprocess-target.c (INPROCESS_TARGET,
 * plain; INPROCESS_TARGET_API, linked with liblaprof and started by its
 * --api option) and Debian's python3, each run under tests/lp-seccomp-run
 * (LP_SECCOMP_RUN) unless a test says otherwise; the first test checks that
 * the filter really refuses what it should, so that the others prove
 * something. The S3 tests use the tests' S3 gate (node + s3rver) and awscli. */
#define _GNU_SOURCE
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storers-test-util.h"
#include "test-inprocess-report.h"

static const char *lib;         /* build/app/lib/liblaprof.so */
static const char *target;      /* tests/inprocess-target */
static const char *target_api;  /* tests/inprocess-target-api */
static const char *seccomp_run; /* tests/lp-seccomp-run */
static const char *cli;         /* laprof-cli */
static char *tmpdir;
static StorersGate *gate;
static char *gate_why;


/* ---- running programs ---- */

/* Runs @argv with our environment, less LD_PRELOAD and every LAPROF_*
 * variable, plus @env ("NAME=VALUE", NULL-terminated, may be NULL);
 * stdout and stderr in *@out and *@err (may be NULL). Fails the test when
 * it has not ended after @timeout seconds (it is killed). Returns the wait
 * status. */
static int
run (const char *const *argv,
     const char *const *env,
     double             timeout,
     char             **out,
     char             **err)
{
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out_text = g_string_new (NULL);
  g_autoptr(GString) err_text = g_string_new (NULL);
  GString *text[2] = { out_text, err_text };
  gint64 end = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  int fds[2] = { -1, -1 };
  int status = -1;
  GPid pid;

  envp = g_environ_unsetenv (envp, "LD_PRELOAD");
  for (guint i = 0; envp[i] != NULL;)
    if (g_str_has_prefix (envp[i], "LAPROF_") && !g_str_has_prefix (envp[i], "LAPROF_CLI=") &&
        !g_str_has_prefix (envp[i], "LAPROF_LOCALEDIR="))
      {
        g_autofree char *name = g_strndup (envp[i], strcspn (envp[i], "="));
        envp = g_environ_unsetenv (envp, name);
      }
    else
      i++;
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (env[i], strcspn (env[i], "="));
      envp = g_environ_setenv (envp, name, strchr (env[i], '=') + 1, TRUE);
    }
  {
    g_autofree char *cmd = g_strjoinv (" ", (char **) argv);
    note ("running: %s", cmd);
  }
  g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &fds[0], &fds[1], &error);
  g_assert_no_error (error);
  while (fds[0] >= 0 || fds[1] >= 0)
    {
      struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
      gint64 left = (end - g_get_monotonic_time ()) / 1000;

      if (left <= 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          note ("stdout so far: %s\nstderr so far: %s", text[0]->str, text[1]->str);
          g_error ("%s did not end within %g s (killed): a deadlock?", argv[0], timeout);
        }
      if (poll (p, 2, (int) MIN (left, 1000)) < 0 && errno != EINTR)
        g_error ("poll: %s", g_strerror (errno));
      for (int k = 0; k < 2; k++)
        if (fds[k] >= 0 && (p[k].revents & (POLLIN | POLLHUP | POLLERR)))
          {
            char buf[4096];
            gssize n = read (fds[k], buf, sizeof buf);

            if (n > 0)
              g_string_append_len (text[k], buf, n);
            else if (n == 0 || errno != EINTR)
              {
                close (fds[k]);
                fds[k] = -1;
              }
          }
    }
  while (waitpid (pid, &status, WNOHANG) == 0)
    {
      if (g_get_monotonic_time () > end)
        {
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          g_error ("%s did not end within %g s after closing its outputs (killed)", argv[0], timeout);
        }
      g_usleep (2000);
    }
  if (text[1]->len > 0)
    note ("stderr: %s", text[1]->str);
  if (out != NULL)
    *out = g_strdup (text[0]->str);
  if (err != NULL)
    *err = g_strdup (text[1]->str);
  return status;
}

/* The same, under lp-seccomp-run: @argv is the command. @env is set by
 * env(1) between them, so that LD_PRELOAD reaches the command only (the
 * library, loaded into lp-seccomp-run, would keep its exec'd child from
 * being profiled, as it should). */
static int
run_seccomp (const char *const *argv,
             const char *const *env,
             double             timeout,
             char             **out,
             char             **err)
{
  g_autoptr(GPtrArray) full = g_ptr_array_new ();
#if defined(__SANITIZE_ADDRESS__)
  /* LeakSanitizer stops the world with ptrace, which the filter refuses:
   * under it, AddressSanitizer checks memory errors only (test_startstop
   * runs outside it for the leak checker) */
  g_autofree char *asan = g_strdup_printf ("ASAN_OPTIONS=%s:detect_leaks=0", g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "");
#endif

  g_ptr_array_add (full, (char *) seccomp_run);
  g_ptr_array_add (full, (char *) "--");
  g_ptr_array_add (full, (char *) "/usr/bin/env");
#if defined(__SANITIZE_ADDRESS__)
  g_ptr_array_add (full, asan);
#endif
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    g_ptr_array_add (full, (char *) env[i]);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (char *) argv[i]);
  g_ptr_array_add (full, NULL);
  return run ((const char *const *) full->pdata, NULL, timeout, out, err);
}

static void
assert_exit_zero (int         status,
                  const char *what)
{
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s: wait status 0x%x (%s %d)", what, status,
             WIFSIGNALED (status) ? "signal" : "exit",
             WIFSIGNALED (status) ? WTERMSIG (status) : WEXITSTATUS (status));
}

/* LD_PRELOAD's value: liblaprof, after AddressSanitizer's runtime when the
 * tests are built with it (it must come first in a program without it). */
static char *
preload_value (void)
{
#if defined(__SANITIZE_ADDRESS__)
  g_autofree char *asan = NULL;
  const char *gcc_argv[] = { "gcc", "-print-file-name=libasan.so", NULL };

  g_spawn_sync (NULL, (char **) gcc_argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &asan, NULL, NULL, NULL);
  if (asan != NULL && g_path_is_absolute (g_strstrip (asan)))
    return g_strdup_printf ("%s:%s", asan, lib);
#endif
  return g_strdup (lib);
}

/* A new empty directory under the test's temporary one. */
static char *
new_dir (const char *name)
{
  char *dir = g_build_filename (tmpdir, name, NULL);

  storers_test_rm_rf (dir);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The paths of the files in @dir, sorted. */
static GPtrArray *
list_dir (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);

  for (const char *n; d != NULL && (n = g_dir_read_name (d)) != NULL;)
    g_ptr_array_add (names, g_build_filename (dir, n, NULL));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* ---- the tests ---- */

/* The filter refuses ptrace, perf events and process_vm_readv (outside it,
 * as root, they work), and the engine is refused there, its message
 * pointing to --in-process. */
static void
test_seccomp_refuses (void)
{
  g_autofree char *out = NULL, *inside = NULL, *err = NULL;
  g_autofree char *report = g_build_filename (tmpdir, "refused.folded", NULL);
  const char *probe[] = { target, "probe", NULL };
  const char *record[] = { cli, "record", "-o", report, "--", target, "busy", "0.3", NULL };
  int status;

  /* outside: ptrace of one's own child and process_vm_readv of oneself work
   * (perf events may not, for a user, by kernel.perf_event_paranoid) */
  assert_exit_zero (run (probe, NULL, 30, &out, NULL), "probe");
  g_assert_true (g_str_has_prefix (out, "ptrace=ok perf="));
  g_assert_true (g_str_has_suffix (out, " vm=ok\n"));
  assert_exit_zero (run_seccomp (probe, NULL, 30, &inside, NULL), "probe under seccomp");
  g_assert_cmpstr (inside, ==, "ptrace=EPERM perf=EPERM vm=EPERM\n");

  status = run_seccomp (record, NULL, 60, NULL, &err);
  g_assert_false (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (err, "--in-process"));
}

/* Checks the busy program's report: alpha's share of alpha + beta within 8
 * points of what the program measured, a sample a @period of CPU time,
 * every sample under the process's root frame. @seconds: how long the
 * program was asked to be busy, @in_process: the report is liblaprof's. */
static void
check_busy (const Report *r,
            const char   *out,
            const char   *program,
            double        period,
            double        seconds,
            gboolean      in_process)
{
  double measured = number_after (out, "share");
  double cpu = number_after (out, "alpha") + number_after (out, "beta");
  double alpha = report_count (r, "inproc_hot_alpha", FALSE);
  double beta = report_count (r, "inproc_hot_beta", FALSE);

  note ("samples %g: alpha %g, beta %g (share %.3f, measured %.3f), root %s",
                  r->total, alpha, beta, alpha / (alpha + beta), measured, report_root (r));
  g_assert_cmpfloat (measured, >, 0.5);
  g_assert_cmpfloat (alpha + beta, >, 200);
  assert_root (r, program);
  /* The kernel's CPU-time timers, which liblaprof samples with, skew when
   * the thread waits for a CPU: a 30-line program with the same timer and
   * the same 2:1 split gave shares of 0.71-0.92 (and 86 % of the rate)
   * with three spinning processes on this 2-CPU machine, 0.64 alone. A
   * thread that ran under 90 % of the time it was busy waited for a CPU:
   * its shares say nothing of liblaprof (docs/in-process.md) */
  if (in_process && cpu < 0.9 * seconds)
    {
      g_test_message ("the busy thread ran %.2f s of %.2f s: the machine was loaded, "
                      "the share and the rate are not checked", cpu, seconds);
      g_assert_cmpfloat (alpha, >, beta);
      return;
    }
  /* the rate asked: a sample per period of the thread's CPU time */
  note ("%g samples in the hot functions for %.3f s of CPU at period %g: %.1f %% of the rate asked",
        alpha + beta, cpu, period, 100 * (alpha + beta) * period / cpu);
  g_assert_cmpfloat ((alpha + beta) * period / cpu, >=, 0.9);
  /* Linux checks CPU-time timers at its tick (250 Hz here): at period
   * 0.001 a signal stands for about 4 samples (its overrun), so a second
   * of CPU gives some 250 independent draws, a standard deviation of 3
   * points on the share; 8 points is 2.7 of them */
  g_assert_cmpfloat (fabs (alpha / (alpha + beta) - measured), <, 0.08);
}

/* (a) The C API, wall mode at period 0.001: the hot functions in their
 * measured split, the process root frame, the reader thread's
 * [idle: read]; the frames from main to the hot function are those
 * laprof-cli record (the engine, outside the filter) gives. */
static void
test_api_busy (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "api-busy.folded", NULL);
  g_autofree char *engine_report = g_build_filename (tmpdir, "engine-busy.folded", NULL);
  g_autofree char *out = NULL, *engine_out = NULL;
  const char *argv[] = { target_api, "--api", "--period", "0.001", "--output", report, "busy", "1.5", NULL };
  const char *record[] = { cli, "record", "-q", "-F", "1000", "-o", engine_report, "--", target_api, "busy", "1.5", NULL };
  g_autoptr(Report) r = NULL;
  g_autoptr(Report) e = NULL;

  assert_exit_zero (run_seccomp (argv, NULL, 60, &out, NULL), "inprocess-target-api --api busy");
  g_assert_nonnull (strstr (out, "api: stop=0 "));
  g_assert_nonnull (strstr (out, "stored=1"));
  r = report_load (report);
  check_busy (r, out, target_api, 0.001, 1.5, TRUE);
  note ("%s", out);
#if defined(__SANITIZE_ADDRESS__)
  /* the engine's run below ptraces it: LeakSanitizer cannot work there */
  {
    g_autofree char *opts = g_strdup_printf ("%s:detect_leaks=0", g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "");
    g_setenv ("ASAN_OPTIONS", opts, TRUE);
  }
#endif
  g_assert_cmpfloat (report_leaf_count (r, "[idle: read]"), >, 100);
  g_assert_cmpfloat (report_count (r, "inproc_idle_reader", FALSE), >, 100);

  assert_exit_zero (run (record, NULL, 60, &engine_out, NULL), "laprof-cli record");
  e = report_load (engine_report);
  check_busy (e, engine_out, target_api, 0.001, 1.5, FALSE);
  /* the same process root frame as the engine's: the reports merge */
  g_assert_cmpstr (report_root (r), ==, report_root (e));
  for (guint i = 0; i < 2; i++)
    {
      const char *hot = i == 0 ? "inproc_hot_alpha" : "inproc_hot_beta";
      g_autofree char *ours = report_path (r, "main", hot);
      g_autofree char *theirs = report_path (e, "main", hot);

      note ("in-process: %s\nengine:     %s", ours, theirs);
      g_assert_nonnull (ours);
      g_assert_cmpstr (ours, ==, theirs);
    }
  {
    g_autofree char *ours = report_path (r, "inproc_idle_reader", "[idle: read]");
    g_autofree char *theirs = report_path (e, "inproc_idle_reader", "[idle: read]");

    g_assert_nonnull (ours);
    g_assert_cmpstr (ours, ==, theirs);
  }
}

/* (b) LD_PRELOAD with LAPROF_OUTPUT: a file, then a directory. */
static void
test_preload_output (void)
{
  g_autofree char *preload = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%s", preload);
  g_autofree char *file = g_build_filename (tmpdir, "preload.folded", NULL);
  g_autofree char *file_env = g_strdup_printf ("LAPROF_OUTPUT=%s", file);
  g_autofree char *dir = new_dir ("preload-dir");
  g_autofree char *dir_env = g_strdup_printf ("LAPROF_OUTPUT=%s", dir);
  g_autofree char *out = NULL;
  const char *argv[] = { target, "busy", "1.5", NULL };
  const char *env_file[] = { ld, file_env, "LAPROF_PERIOD=0.001", NULL };
  const char *env_dir[] = { ld, dir_env, NULL };
  g_autoptr(GPtrArray) files = NULL;

  g_remove (file);
  assert_exit_zero (run_seccomp (argv, env_file, 60, &out, NULL), "preloaded busy");
  {
    g_autoptr(Report) r = report_load (file);
    check_busy (r, out, target, 0.001, 1.5, TRUE);
  }
  g_clear_pointer (&out, g_free);
  assert_exit_zero (run_seccomp (argv, env_dir, 60, &out, NULL), "preloaded busy");
  files = list_dir (dir);
  g_assert_cmpuint (files->len, ==, 1);
  {
    g_autoptr(Report) r = report_load (g_ptr_array_index (files, 0));
    /* period 0.01 by default: 1.5 s of CPU, about 150 samples */
    g_assert_cmpfloat (report_count (r, "inproc_hot_alpha", FALSE), >, 40);
    g_assert_cmpfloat (report_count (r, "inproc_hot_beta", FALSE), >, 20);
  }
}

/* (b) LAPROF_DISABLE=1, true, yes, YES: no report, the program's result as
 * ever (0: one); LAPROF_MIN_TIME longer than the run: none; shorter: one. */
static void
test_preload_disable_min_time (void)
{
  g_autofree char *preload = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%s", preload);
  const char *argv[] = { target, "busy", "0.5", NULL };
  const char *values[] = { "LAPROF_DISABLE=1", "LAPROF_DISABLE=true", "LAPROF_DISABLE=yes", "LAPROF_DISABLE=YES",
                           "LAPROF_DISABLE=0",
                           "LAPROF_MIN_TIME=30", "LAPROF_MIN_TIME=0.1" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *dir = new_dir ("preload-off");
      g_autofree char *dir_env = g_strdup_printf ("LAPROF_OUTPUT=%s", dir);
      g_autofree char *out = NULL;
      const char *env[] = { ld, dir_env, values[i], NULL };
      g_autoptr(GPtrArray) files = NULL;
      /* the last of each kind: a report (so that the others prove something) */
      guint expected = g_str_equal (values[i], "LAPROF_MIN_TIME=0.1") || g_str_equal (values[i], "LAPROF_DISABLE=0");

      assert_exit_zero (run_seccomp (argv, env, 60, &out, NULL), values[i]);
      g_assert_nonnull (strstr (out, "share="));
      files = list_dir (dir);
      note ("%s: %u reports", values[i], files->len);
      g_assert_cmpuint (files->len, ==, expected);
    }
}

/* (b) Short runs of a stripped program that blocks (Debian's sleep): the
 * library is still sampling (and naming frames) when the program exits;
 * every run must end as the program does. */
static void
test_preload_short_runs (void)
{
  g_autofree char *preload = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%s", preload);
  g_autofree char *dir = new_dir ("short");
  g_autofree char *dir_env = g_strdup_printf ("LAPROF_OUTPUT=%s", dir);
  const char *env[] = { ld, dir_env, NULL };
  const char *lengths[] = { "0.002", "0.005", "0.01" };
  guint failed = 0;

  for (guint i = 0; i < 45; i++)
    {
      const char *argv[] = { "/bin/sleep", lengths[i % G_N_ELEMENTS (lengths)], NULL };
      int status = run_seccomp (argv, env, 30, NULL, NULL);

      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          note ("sleep %s: wait status 0x%x (%s %d)", argv[1], status, WIFSIGNALED (status) ? "signal" : "exit",
                WIFSIGNALED (status) ? WTERMSIG (status) : WEXITSTATUS (status));
          failed++;
        }
    }
  g_assert_cmpuint (failed, ==, 0);
}

/* (c) The blocking program: the same output and status with and without
 * the profiler, at periods 0.001 and 0.01, wall and cpu; the wall report
 * shows its blocked threads with [idle: …] leaves. */
static void
test_blocking (void)
{
  g_autofree char *preload = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%s", preload);
  g_autofree char *alone = NULL;
  const char *argv[] = { target, "blocking", "100", NULL };
  const char *periods[] = { "0.001", "0.01" };
  const char *modes[] = { "wall", "cpu" };

  assert_exit_zero (run_seccomp (argv, NULL, 60, &alone, NULL), "blocking, not profiled");
  g_assert_nonnull (strstr (alone, "problems=0"));
  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
      {
        g_autofree char *file = g_strdup_printf ("%s/blocking-%s-%s.folded", tmpdir, modes[m], periods[p]);
        g_autofree char *out_env = g_strdup_printf ("LAPROF_OUTPUT=%s", file);
        g_autofree char *period_env = g_strdup_printf ("LAPROF_PERIOD=%s", periods[p]);
        g_autofree char *mode_env = g_strdup_printf ("LAPROF_MODE=%s", modes[m]);
        g_autofree char *out = NULL;
        const char *env[] = { ld, out_env, period_env, mode_env, NULL };
        int status = run_seccomp (argv, env, 60, &out, NULL);

        note ("%s %s: %s", modes[m], periods[p], out);
        g_assert_cmpstr (out, ==, alone);
        assert_exit_zero (status, "blocking, profiled");
        if (m == 0 && p == 0)
          {
            g_autoptr(Report) r = report_load (file);
            g_autofree char *leaves = report_leaves (r, "[idle: ");
            const char *sleeps[] = { "[idle: clock_nanosleep]", "[idle: nanosleep]" };
            const char *polls[] = { "[idle: poll]", "[idle: ppoll]" };
            double n_sleep = 0, n_poll = 0;

            note ("idle leaves: %s", leaves);
            for (guint i = 0; i < G_N_ELEMENTS (sleeps); i++)
              n_sleep += report_leaf_count (r, sleeps[i]);
            for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
              n_poll += report_leaf_count (r, polls[i]);
            g_assert_cmpfloat (n_sleep, >, 50);
            g_assert_cmpfloat (n_poll, >, 10);
            g_assert_cmpfloat (report_leaf_count (r, "[idle: read]"), >, 50);
            g_assert_cmpfloat (report_leaf_count (r, "[idle: futex]"), >, 50);
            g_assert_cmpfloat (report_leaf_count (r, "[idle: epoll_wait]") + report_leaf_count (r, "[idle: epoll_pwait]"), >, 10);
            g_assert_cmpfloat (report_count (r, "inproc_timed_waiter", FALSE), >, 50);
#if !defined(__SANITIZE_ADDRESS__)
            /* (under AddressSanitizer, its read() interceptor keeps a frame
             * pointer, which /proc does not give for a blocked thread: the
             * guess of guess_frame_pointer() does not always find it) */
            g_assert_cmpfloat (report_count (r, "inproc_pipe_reader", FALSE), >, 50);
#endif
          }
      }
}

/* (d) Threads started and ended all along, at period 0.001: no crash,
 * samples from many threads. */
static void
test_churn (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "churn.folded", NULL);
  g_autofree char *preload = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%s", preload);
  g_autofree char *out = NULL;
  g_autofree char *preload_out = NULL;
  const char *argv[] = { target_api, "--api", "--period", "0.001", "--output", report, "churn", "2", NULL };
  const char *plain[] = { target, "churn", "1", NULL };
  const char *env[] = { ld, "LAPROF_PERIOD=0.001", "LAPROF_OUTPUT=/dev/null/not-a-dir.folded", NULL };
  double created;

  assert_exit_zero (run_seccomp (argv, NULL, 60, &out, NULL), "churn");
  created = number_after (out, "created");
  note ("%s", out);
  g_assert_cmpfloat (created, >, 100);
  g_assert_cmpfloat (number_after (out, "threads"), >=, 0.3 * created);
  {
    g_autoptr(Report) r = report_load (report);
    g_assert_cmpfloat (report_count (r, "inproc_churn_work", FALSE), >=, 0.3 * created);
  }
  /* preloaded, the store failing at exit: still no crash, same status */
  assert_exit_zero (run_seccomp (plain, env, 60, &preload_out, NULL), "churn, preloaded");
  g_assert_nonnull (strstr (preload_out, "created="));
}

/* (e) fork while profiled (preload, to a directory): exactly one report,
 * the parent's; the children's statuses right; nothing deadlocks. */
static void
test_fork (void)
{
  g_autofree char *preload = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%s", preload);
  g_autofree char *dir = new_dir ("fork");
  g_autofree char *dir_env = g_strdup_printf ("LAPROF_OUTPUT=%s", dir);
  g_autofree char *out = NULL;
  const char *argv[] = { target, "fork", "20", NULL };
  const char *env[] = { ld, dir_env, "LAPROF_PERIOD=0.001", NULL };
  g_autoptr(GPtrArray) files = NULL;

  assert_exit_zero (run_seccomp (argv, env, 90, &out, NULL), "fork");
  g_assert_cmpstr (out, ==, "children=21 statuses=ok\n");
  files = list_dir (dir);
  for (guint i = 0; i < files->len; i++)
    note ("report: %s", (char *) g_ptr_array_index (files, i));
  g_assert_cmpuint (files->len, ==, 1);
  {
    g_autoptr(Report) r = report_load (g_ptr_array_index (files, 0));
    g_assert_cmpfloat (report_count (r, "inproc_parent_work", FALSE), >, 100);
    g_assert_cmpfloat (report_count (r, "inproc_child_work", FALSE), ==, 0);
    assert_root (r, target);
  }
}

/* (f) 1,000 runs in one process: no file descriptor, thread or memory kept
 * (under AddressSanitizer its leak checker sees the rest, outside the
 * filter since it needs ptrace). */
static void
test_startstop (void)
{
  g_autofree char *out = NULL;
  const char *argv[] = { target_api, "startstop", "1000", NULL };
  int fds0 = -1, fds1 = -1, threads0 = -1, threads1 = -1;
  long rss0 = -1, rss1 = -1;

  /* a fixed mmap threshold: the sampler's 4 MiB ring (256 stacks of 16
   * KiB) is then always mapped and unmapped; with glibc's moving threshold
   * it lands in the heap once, a 4 MiB step in RSS that is no leak */
  g_assert_true (g_setenv ("MALLOC_MMAP_THRESHOLD_", "131072", TRUE));
#if defined(__SANITIZE_ADDRESS__)
  /* the leak checker needs ptrace: outside the filter, where it sees what
   * 1,000 runs would leave */
  assert_exit_zero (run (argv, NULL, 300, &out, NULL), "startstop 1000");
#else
  assert_exit_zero (run_seccomp (argv, NULL, 120, &out, NULL), "startstop 1000");
#endif
  note ("%s", out);
  g_assert_cmpint (sscanf (strstr (out, "fds="), "fds=%d->%d threads=%d->%d rss_kib=%ld->%ld",
                           &fds0, &fds1, &threads0, &threads1, &rss0, &rss1), ==, 6);
  g_assert_cmpint (fds1, ==, fds0);
  g_assert_cmpint (threads1, ==, threads0);
#if !defined(__SANITIZE_ADDRESS__)
  g_assert_cmpint (rss1 - rss0, <, 1024);
#endif
}

/* (g) single: only the calling thread's frames; without it, the other
 * thread's too. */
static void
test_single (void)
{
  for (int single = 1; single >= 0; single--)
    {
      g_autofree char *report = g_strdup_printf ("%s/single-%d.folded", tmpdir, single);
      g_autofree char *out = NULL;
      const char *argv[] = { target_api, "--api", "--mode", "cpu", "--period", "0.001", "--output", report,
                             single ? "--single" : "--no-idle", "single", "1", NULL };
      g_autoptr(Report) r = NULL;

      assert_exit_zero (run_seccomp (argv, NULL, 60, &out, NULL), "single");
      r = report_load (report);
      note ("single=%d: mine %g, other %g", single, report_count (r, "inproc_single_mine", FALSE),
                      report_count (r, "inproc_single_other", FALSE));
      g_assert_cmpfloat (report_count (r, "inproc_single_mine", FALSE), >, 300);
      if (single)
        g_assert_cmpfloat (report_count (r, "inproc_single_other", FALSE), ==, 0);
      else
        g_assert_cmpfloat (report_count (r, "inproc_single_other", FALSE), >, 300);
    }
}

/* (h) An S3 destination the server refuses (a wrong secret): laprof_stop
 * returns -1 naming the spool file, which holds the report; the program's
 * result is unchanged. With the right secret the report is stored, as
 * awscli reads it back. */
static void
test_s3 (void)
{
  g_autofree char *aws_dir = NULL;
  g_autofree char *spool = new_dir ("spool");
  g_autofree char *spool_env = g_strdup_printf ("LAPROF_SPOOL_DIR=%s", spool);
  g_autofree char *endpoint_env = NULL;
  const char *argv[] = { target_api, "--api", "--period", "0.001", "--output", "s3://" GATE_BUCKET "/inproc/",
                         "busy", "0.5", NULL };

  gate = storers_test_gate_start (&gate_why);
  if (gate == NULL)
    g_error ("the S3 gate is not running: %s", gate_why);
  aws_dir = storers_test_clean_aws_env ();
  endpoint_env = g_strdup_printf ("AWS_ENDPOINT_URL=%s", storers_test_gate_endpoint (gate));
  {
    const char *env[] = { "AWS_ACCESS_KEY_ID=" GATE_KEY, "AWS_SECRET_ACCESS_KEY=wrong-secret", "AWS_REGION=us-east-1",
                          endpoint_env, spool_env, NULL };
    g_autofree char *out = NULL;
    g_autoptr(GPtrArray) files = NULL;
    const char *message;

    assert_exit_zero (run_seccomp (argv, env, 90, &out, NULL), "refused upload");
    note ("%s", out);
    g_assert_nonnull (strstr (out, "share="));
    g_assert_nonnull (strstr (out, "api: stop=-1 "));
    g_assert_nonnull (strstr (out, "spooled=1"));
    message = strstr (out, "api-error: ");
    g_assert_nonnull (message);
    /* the spool: the report and its side file (REPORT.dest: where it
     * was going); the message names the report */
    files = list_dir (spool);
    g_assert_cmpuint (files->len, ==, 2);
    {
      const char *kept = g_ptr_array_index (files, 0);
      g_autofree char *dest = NULL;
      g_autofree char *dest_path = g_strconcat (kept, ".dest", NULL);
      g_autoptr(Report) r = NULL;

      g_assert_cmpstr (g_ptr_array_index (files, 1), ==, dest_path);
      g_assert_nonnull (strstr (message, kept));
      g_assert_true (g_file_get_contents (g_ptr_array_index (files, 1), &dest, NULL, NULL));
      g_assert_true (g_str_has_prefix (dest, "s3://" GATE_BUCKET "/inproc/"));
      r = report_load (kept);
      g_assert_cmpfloat (report_count (r, "inproc_hot_alpha", FALSE), >, 50);
    }
  }
  {
    const char *env[] = { "AWS_ACCESS_KEY_ID=" GATE_KEY, "AWS_SECRET_ACCESS_KEY=" GATE_SECRET, "AWS_REGION=us-east-1",
                          endpoint_env, spool_env, NULL };
    g_autofree char *out = NULL;
    g_autofree char *url = NULL;
    g_autofree char *got = NULL;
    const char *at;

    assert_exit_zero (run_seccomp (argv, env, 90, &out, NULL), "upload");
    note ("%s", out);
    g_assert_nonnull (strstr (out, "api: stop=0 "));
    g_assert_nonnull (strstr (out, "stored=1"));
    at = strstr (out, "location=s3://" GATE_BUCKET "/inproc/");
    g_assert_nonnull (at);
    url = g_strndup (at + strlen ("location="), strcspn (at + strlen ("location="), " \n"));
    {
      const char *args[] = { "s3", "cp", url, "-", NULL };
      gsize len = 0;
      g_autoptr(Report) r = NULL;

      got = storers_test_aws (gate, args, &len);
      g_assert_nonnull (got);
      r = report_parse (got);
      g_assert_cmpfloat (report_count (r, "inproc_hot_alpha", FALSE), >, 50);
    }
  }
  storers_test_rm_rf (aws_dir);
  storers_test_gate_stop (gate);
}

/* (i) laprof-cli record --in-process -o FILE -- inprocess-target busy */
static void
test_cli_in_process (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "cli-in-process.folded", NULL);
  g_autofree char *out = NULL;
  const char *argv[] = { cli, "record", "--in-process", "-F", "1000", "-o", report, "--", target, "busy", "1.5", NULL };

#if defined(__SANITIZE_ADDRESS__)
  /* the runtime must come first in LD_PRELOAD, before the library that
   * laprof-cli adds to it */
  g_autofree char *asan = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%.*s", (int) (strrchr (asan, ':') ? strrchr (asan, ':') - asan : 0), asan);
  const char *env[] = { ld, NULL };
#else
  const char **env = NULL;
#endif

  g_remove (report);
  assert_exit_zero (run_seccomp (argv, env, 60, &out, NULL), "laprof-cli record --in-process");
  {
    g_autoptr(Report) r = report_load (report);
    check_busy (r, out, target, 0.001, 1.5, TRUE);
  }
}

/* (j) Debian's python3 under the preload: the Python functions by name. */
static void
test_python (void)
{
  g_autofree char *script = g_build_filename (tmpdir, "inproc_script.py", NULL);
  g_autofree char *report = g_build_filename (tmpdir, "python.folded", NULL);
  g_autofree char *out_env = g_strdup_printf ("LAPROF_OUTPUT=%s", report);
  g_autofree char *preload = preload_value ();
  g_autofree char *ld = g_strdup_printf ("LD_PRELOAD=%s", preload);
  g_autofree char *out = NULL;
  const char *argv[] = { "/usr/bin/python3", script, NULL };
  const char *env[] = { ld, out_env, "LAPROF_PERIOD=0.001", "ASAN_OPTIONS=detect_leaks=0", NULL };
  const char *code =
    "import time\n"
    "def lp_py_alpha(n):\n"
    "    s = 0\n"
    "    for i in range(n):\n"
    "        s += i * i\n"
    "    return s\n"
    "def lp_py_beta(n):\n"
    "    return sum(lp_py_alpha(100) for _ in range(n))\n"
    "def lp_py_main():\n"
    "    end = time.monotonic() + 1.5\n"
    "    while time.monotonic() < end:\n"
    "        lp_py_alpha(20000)\n"
    "        lp_py_beta(100)\n"
    "    print('python done')\n"
    "lp_py_main()\n";
  g_autoptr(GError) error = NULL;

  g_file_set_contents (script, code, -1, &error);
  g_assert_no_error (error);
  assert_exit_zero (run_seccomp (argv, env, 60, &out, NULL), "python3 preloaded");
  g_assert_cmpstr (out, ==, "python done\n");
  {
    g_autoptr(Report) r = report_load (report);
    double main_n = report_count (r, "lp_py_main (inproc_script.py)", FALSE);

    note ("samples %g: lp_py_main %g, lp_py_alpha %g, lp_py_beta %g", r->total, main_n,
                    report_count (r, "lp_py_alpha (inproc_script.py)", FALSE),
                    report_count (r, "lp_py_beta (inproc_script.py)", FALSE));
    g_assert_cmpfloat (main_n, >, 500);
    g_assert_cmpfloat (report_count (r, "lp_py_alpha (inproc_script.py)", FALSE), >, 0.3 * main_n);
    g_assert_cmpfloat (report_count (r, "lp_py_beta (inproc_script.py)", FALSE), >, 0.1 * main_n);
  }
}

/* Runs the test @data in a child process of the test program. */
static void
in_subprocess (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      ((GTestFunc) data) ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
add (const char *path,
     GTestFunc   func)
{
  g_test_add_data_func (path, func, in_subprocess);
}

#if defined(__SANITIZE_ADDRESS__)
static void
skip_uninstrumented (void)
{
  g_test_skip ("AddressSanitizer's runtime preloaded into a program built without it (Debian's sleep, "
               "python3) deadlocks in glibc's locale lock (p11-kit's destructor, Py_DecodeLocale), "
               "with LAPROF_DISABLE=1 too; the normal build runs this test");
}
#endif

/* A test that preloads liblaprof into one of Debian's programs. */
static void
add_uninstrumented (const char *path,
                    GTestFunc   func)
{
#if defined(__SANITIZE_ADDRESS__)
  (void) func;
  g_test_add_func (path, skip_uninstrumented);
#else
  add (path, func);
#endif
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  lib = g_getenv ("LAPROF_LIB");
  target = g_getenv ("INPROCESS_TARGET");
  target_api = g_getenv ("INPROCESS_TARGET_API");
  seccomp_run = g_getenv ("LP_SECCOMP_RUN");
  cli = g_getenv ("LAPROF_CLI");
  if (lib == NULL || target == NULL || target_api == NULL || seccomp_run == NULL || cli == NULL)
    g_error ("LAPROF_LIB, INPROCESS_TARGET, INPROCESS_TARGET_API, LP_SECCOMP_RUN and LAPROF_CLI must be set "
             "(tests/meson.build does)");
  if (g_test_subprocess ())
    tmpdir = g_strdup (g_getenv ("INPROCESS_TEST_TMPDIR"));
  else
    {
      /* a failed assertion fails its test's process, and the others run */
      g_test_set_nonfatal_assertions ();
      tmpdir = g_dir_make_tmp ("laprof-inprocess-XXXXXX", &error);
      g_assert_no_error (error);
      g_setenv ("INPROCESS_TEST_TMPDIR", tmpdir, TRUE);
    }

  add ("/inprocess/seccomp-refuses", test_seccomp_refuses);
  add ("/inprocess/api/busy", test_api_busy);
  add ("/inprocess/preload/output", test_preload_output);
  add ("/inprocess/preload/disable-min-time", test_preload_disable_min_time);
  add_uninstrumented ("/inprocess/preload/short-runs", test_preload_short_runs);
  add ("/inprocess/blocking", test_blocking);
  add ("/inprocess/churn", test_churn);
  add ("/inprocess/fork", test_fork);
  add ("/inprocess/api/startstop", test_startstop);
  add ("/inprocess/api/single", test_single);
  add ("/inprocess/api/s3", test_s3);
  add ("/inprocess/cli-record", test_cli_in_process);
  add_uninstrumented ("/inprocess/python", test_python);
  rc = g_test_run ();

  if (!g_test_subprocess ())
    storers_test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (gate_why);
  return rc;
}
