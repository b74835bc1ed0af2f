/* test-engine.c: laprof-cli record on real processes: launch, attach, cpu mode, threads, signals, kills.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-engine-util.h"

#include "lp-folded-reader.h"
#include "lp-stream.h"

static const char *cli;
static const char *target;
static char *target_cxx;
static char *tmpdir;

/* Runs laprof-cli with @args (NULL-terminated); returns its wait status. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = -1;

  g_ptr_array_add (argv, (char *) cli);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &status, &error);
  g_assert_no_error (error);
  return status;
}

static LpFolded *
load_report (const char *path)
{
  LpFolded *folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_STREAM);
  g_autoptr(GError) error = NULL;

  lp_folded_reader_read_file (reader, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lp_folded_reader_get_n_skipped (reader), ==, 0);
  return folded;
}

static gboolean
stack_has (const LpFolded      *folded,
           const LpFoldedStack *stack,
           const char          *name)
{
  for (guint d = 0; d < stack->depth; d++)
    if (g_str_equal (lp_folded_frame_name (folded, stack->frames[d]), name))
      return TRUE;
  return FALSE;
}

static gboolean
name_equal (const char *frame,
            const char *name)
{
  return g_str_equal (frame, name);
}

static gboolean
name_has_prefix (const char *frame,
                 const char *prefix)
{
  return g_str_has_prefix (frame, prefix);
}

/* Samples of the stacks that have a frame @match accepts (only the root
 * frame, if @root_only); all samples if @arg is NULL. */
static double
count_matching (const LpFolded *folded,
                gboolean        root_only,
                gboolean      (*match) (const char *frame, const char *arg),
                const char     *arg)
{
  double total = 0;

  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack s;
      gboolean found = arg == NULL;

      lp_folded_get_stack (folded, i, &s);
      for (guint d = 0; !found && d < (root_only ? MIN (s.depth, 1) : s.depth); d++)
        found = match (lp_folded_frame_name (folded, s.frames[d]), arg);
      if (found)
        total += s.count;
    }
  return total;
}

/* Samples of the stacks where a frame @first comes, root first, before a
 * frame @then (right before it, if @adjacent). */
static double
count_in_order (const LpFolded *folded,
                const char     *first,
                const char     *then,
                gboolean        adjacent)
{
  double total = 0;

  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack s;
      gint seen = -1;
      gboolean found = FALSE;

      lp_folded_get_stack (folded, i, &s);
      for (guint d = 0; !found && d < s.depth; d++)
        {
          const char *name = lp_folded_frame_name (folded, s.frames[d]);

          found = seen >= 0 && strcmp (name, then) == 0 && (!adjacent || seen == (gint) d - 1);
          if (strcmp (name, first) == 0)
            seen = (gint) d;
        }
      if (found)
        total += s.count;
    }
  return total;
}

static double
count_with (const LpFolded *folded,
            const char     *name)
{
  return count_matching (folded, FALSE, name_equal, name);
}

/* Share of samples whose first frame under the process (and thread) frame
 * is a root: _start, the thread start of glibc, or the dynamic loader's
 * entry, which runs the libraries' initializers before _start (perf
 * events sample a launched program from its exec on; under
 * AddressSanitizer its start-up was 1-3 % of the samples). */
static double
rooted_share (const LpFolded *folded,
              guint           root_at,
              const char     *process)
{
  static const char *roots[] = { "_start", "__clone3", "clone3", "__clone", "clone", "start_thread",
                                 "_dl_start_user", "_dl_start" };
  double rooted = 0, total = 0;

  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack s;
      gboolean ok = FALSE;

      lp_folded_get_stack (folded, i, &s);
      if (process != NULL && !g_str_equal (lp_folded_frame_name (folded, s.frames[0]), process))
        continue;
      total += s.count;
      if (s.depth > root_at)
        for (guint r = 0; r < G_N_ELEMENTS (roots); r++)
          ok = ok || g_str_equal (lp_folded_frame_name (folded, s.frames[root_at]), roots[r]);
      if (ok)
        rooted += s.count;
      else if (g_test_verbose ())
        g_test_message ("not rooted: %s… x%g", lp_folded_frame_name (folded, s.frames[MIN (root_at, s.depth - 1)]), s.count);
    }
  return total > 0 ? rooted / total : 0;
}

/* The share of hot_path the target measured: of its time (wall mode), or
 * of its time on a CPU (cpu mode, which samples only that). */
static double
parse_share (const char *text,
             gboolean    cpu)
{
  const char *key = cpu ? "hot_cpu_share=" : "hot_share=";
  const char *p = strstr (text, key);

  g_assert_nonnull (p);
  return g_ascii_strtod (p + strlen (key), NULL);
}

static void
check_work_report (const char *report_path,
                   const char *target_out,
                   gboolean    cpu)
{
  g_autoptr(LpFolded) folded = load_report (report_path);
  double measured = parse_share (target_out, cpu);
  double main_n = count_with (folded, "main");
  double hot_n = count_with (folded, "hot_path");
  double blocked = count_with (folded, "blocker_thread");
  double rooted = rooted_share (folded, 1, NULL);

  g_test_message ("samples %g, main %g, hot %g (%.4f, target measured %.4f), blocked %g, rooted %.4f",
                  count_with (folded, NULL), main_n, hot_n, hot_n / main_n, measured, blocked, rooted);
  g_assert_cmpfloat (main_n, >, 500);
  g_assert_cmpfloat (rooted, >=, 0.99);
  g_assert_cmpfloat (fabs (hot_n / main_n - measured), <=, 0.03);
  if (cpu)
    {
      /* blocked in read; on a CPU only on its way there: a sample or two
       * of that time (in the kernel, which cpu mode samples too: CI of
       * 6012ff9, 1 of 3842) */
      g_assert_cmpfloat (blocked, <=, 2);
    }
  else
    {
      /* blocked in read; a sample or two may find it on a CPU on its
       * way into read (seen under AddressSanitizer on a busy machine: 1
       * of 4002) */
      g_assert_cmpfloat (blocked, >, 0.5 * main_n);
      g_assert_cmpfloat (count_with (folded, "[idle: read]"), >=, 0.99 * blocked);
    }
}

enum { WALL, CPU, WALL_STOPS };

static void
test_launch (gconstpointer data)
{
  int how = GPOINTER_TO_INT (data);
  gboolean cpu = how == CPU;
  const char *names[] = { "launch-wall.folded", "launch-cpu.folded", "launch-wall-stops.folded" };
  g_autofree char *report = g_build_filename (tmpdir, names[how], NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  /* wall mode samples running threads with perf events, or stops them
   * (--stop-running): both must give the same report */
  status = run_cli (&out, &err, "record", "-F", "1000", "--mode", cpu ? "cpu" : "wall", "-o", report,
                    how == WALL_STOPS ? "--stop-running" : "--idle",
                    "--", target, "work", "4", NULL);
  g_test_message ("%s", err);
  if (cpu && status != 0 && strstr (err, "perf events refused") != NULL)
    {
      g_test_skip ("perf events not allowed here");
      return;
    }
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  /* the command's output is ours, its exit status reported */
  g_assert_nonnull (strstr (out, "hot_share="));
  g_assert_nonnull (strstr (err, "exited with status 0"));
  if (how == WALL)
    g_assert_nonnull (strstr (err, "running threads: sampled by perf events"));
  if (how == WALL_STOPS)
    g_assert_nonnull (strstr (err, "running threads: stopped at each tick"));
  check_work_report (report, out, cpu);
}

static long
parse_long (const char *text,
            const char *key)
{
  const char *p = strstr (text, key);

  g_assert_nonnull (p);
  return atol (p + strlen (key));
}

/* Two threads spinning on one CPU: wall mode gives each a sample at every
 * tick, whether it is on the CPU or waiting for it. With perf events the
 * running threads are never stopped: the target counts its own voluntary
 * context switches, which a ptrace stop adds to (the same count with
 * --stop-running shows the stops). */
static void
test_crowd (gconstpointer data)
{
  gboolean stops = GPOINTER_TO_INT (data);
  g_autofree char *report = g_build_filename (tmpdir, stops ? "crowd-stops.folded" : "crowd.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  double seconds = 1.5, hz = 200;
  int status;

  status = run_cli (&out, &err, "record", "-F", "200", "-o", report,
                    stops ? "--stop-running" : "--idle", "--", target, "crowd", "1.5", NULL);
  g_test_message ("%s%s", out, err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double a = count_with (folded, "crowd_a"), b = count_with (folded, "crowd_b");
    long vcsw = parse_long (out, "vcsw_a=") + parse_long (out, "vcsw_b=");

    g_test_message ("crowd_a %g, crowd_b %g samples of %g ticks; %ld voluntary switches", a, b, seconds * hz, vcsw);
    g_assert_cmpfloat (a, <=, 1.1 * seconds * hz);
    g_assert_cmpfloat (b, <=, 1.1 * seconds * hz);
    g_assert_cmpfloat (a, >=, 0.7 * seconds * hz);
    g_assert_cmpfloat (b, >=, 0.7 * seconds * hz);
    if (stops)
      {
        /* a waiting thread must get the CPU to stop, and the engine skips
         * ticks meanwhile (about 40 % here); each stop stands for the time
         * since the last one, from schedstat, so the counts stay right */
        g_assert_cmpfloat (vcsw, >=, 0.25 * (a + b));
      }
    else
      {
        g_assert_cmpfloat (vcsw, <, 0.05 * (a + b));
        /* half of each thread's samples are its time on the run queue */
        g_assert_cmpfloat (parse_long (err, "not stopped; "), >=, 0.3 * (a + b));
      }
  }
}

static GPid
spawn_target (char **argv_rest,
              int   *out_fd)
{
  return test_engine_spawn (target, (const char *const *) argv_rest, out_fd);
}

static void
test_attach (void)
{
  char *args[] = { "work", "2", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "attach.folded", NULL);
  g_autofree char *out = NULL, *err = NULL, *target_out = NULL;
  g_autofree char *pid_text = NULL;
  int fd, status, tstatus;
  GPid pid = spawn_target (args, &fd);

  g_usleep (200000);
  pid_text = g_strdup_printf ("%d", pid);
  status = run_cli (&out, &err, "record", "-F", "1000", "-d", "1.2", "-p", pid_text, "-o", report, NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  /* every thread was held while perf events were opened, then let go */
  g_assert_nonnull (strstr (err, "running threads: sampled by perf events"));
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  target_out = test_engine_read_all (fd);
  g_assert_nonnull (strstr (target_out, "ok=1"));
  {
    g_autoptr(LpFolded) folded = load_report (report);
    /* both threads sampled; the rate itself is bench-engine's to measure
     * (a loaded machine gave 208 of about 840) */
    g_assert_cmpfloat (count_with (folded, "hot_path"), >, 50);
    g_assert_cmpfloat (count_with (folded, "[idle: read]"), >, 50);
    g_assert_cmpfloat (rooted_share (folded, 1, NULL), >=, 0.99);
  }
}

/* cpu mode, attaching to a process that starts a thread every 10 ms (50
 * in all, the first half second): the threads started between the list
 * of threads and their creator's events inherit none. With that window
 * made 200 ms wide, 22 of 150 workers had no sample at all; now they are
 * caught after (the summary counts them) and every worker, which runs
 * 1.5 s or more, is in the report. (Under AddressSanitizer with 150
 * workers the engine fell behind: the kernel dropped a fifth of the
 * records, and a worker may have lost all of its.) */
static void
test_attach_spawner (void)
{
  char *args[] = { "spawner", "2", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "spawner.folded", NULL);
  g_autofree char *out = NULL, *err = NULL, *target_out = NULL;
  g_autofree char *pid_text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(LpFolded) folded = NULL;
  int fd, status, tstatus;
  GPid pid = spawn_target (args, &fd);
  guint workers = 0;

  g_usleep (100000);
  pid_text = g_strdup_printf ("%d", pid);
  g_setenv ("LAPROF_TEST_ATTACH_DELAY_MS", "200", TRUE);
  /* without the kernel's call chains: reading kallsyms first (0.2 s under
   * AddressSanitizer) let the spawner start its last threads before the
   * window this test widens, and none was caught after (CI, 9fb9e6c) */
  status = run_cli (&out, &err, "record", "--mode", "cpu", "--no-kernel-calls", "--threads", "-F", "1000",
                    "-p", pid_text, "-o", report, NULL);
  g_unsetenv ("LAPROF_TEST_ATTACH_DELAY_MS");
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (err, "caught after"));
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  target_out = test_engine_read_all (fd);
  folded = load_report (report);
  lines = g_strsplit (target_out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      int tid;
      double age;

      if (sscanf (lines[i], "worker=%d@%lf", &tid, &age) == 2)
        {
          g_autofree char *frame = g_strdup_printf ("engine-target-%d", tid);

          workers++;
          if (count_in_order (folded, frame, "worker_spin", FALSE) == 0)
            g_error ("worker %d, started %.3f s before the end, has no sample", tid, age);
        }
    }
  g_test_message ("%u workers, each sampled", workers);
  g_assert_cmpuint (workers, ==, 50);
}

/* Samples whose root (first) frame is @root. */
static double
count_rooted_at (const LpFolded *folded,
                 const char     *root)
{
  return count_matching (folded, TRUE, name_equal, root);
}

/* Samples with a frame that starts with @prefix. */
static double
count_with_prefix (const LpFolded *folded,
                   const char     *prefix)
{
  return count_matching (folded, FALSE, name_has_prefix, prefix);
}

/* A shell that runs the target: the processes a launched command starts
 * are followed, each under its own name and unwound with its own image
 * (after its exec), in both modes; --no-children leaves them out. */
static void
test_children (gconstpointer data)
{
  gboolean cpu = GPOINTER_TO_INT (data);
  g_autofree char *report = g_build_filename (tmpdir, cpu ? "children-cpu.folded" : "children.folded", NULL);
  g_autofree char *script = g_strdup_printf ("'%s' work 1.5 >/dev/null; true", target);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = run_cli (&out, &err, "record", "-F", "500", "--mode", cpu ? "cpu" : "wall", "-o", report,
                    "--", "sh", "-c", script, NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double child = count_rooted_at (folded, "engine-target");

    g_test_message ("engine-target %g (hot_path %g), sh %g of %g", child, count_with (folded, "hot_path"),
                    count_rooted_at (folded, "sh"), count_with (folded, NULL));
    /* a share, not a rate: in cpu mode the samples are the target's
     * time on a CPU, 40 % of one with three other busy processes */
    g_assert_cmpfloat (count_with (folded, "main"), >, 100);
    g_assert_cmpfloat (count_with (folded, "hot_path") / count_with (folded, "main"), >=, 0.6);
    g_assert_cmpfloat (count_with (folded, "hot_path") / count_with (folded, "main"), <=, 0.8);
    /* dash is stripped: its _start is [dash+0x…] */
    g_assert_cmpfloat (rooted_share (folded, 1, "engine-target"), >=, 0.99);
    /* the child unwound with the shell's image gave [unknown] frames in
     * half the samples; a stop of the shell just back from vfork can give
     * one (glibc's vfork keeps its return address in a register) */
    g_assert_cmpfloat (count_with_prefix (folded, "[unknown"), <=, 0.01 * count_with (folded, NULL));
    if (!cpu)
      {
        /* the shell waits, the target's second thread reads */
        g_assert_cmpfloat (count_with (folded, "[idle: wait4]"), >, 200);
        g_assert_cmpfloat (count_with (folded, "[idle: read]"), >, 200);
      }
  }

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "record", "-F", "500", "--mode", cpu ? "cpu" : "wall", "--no-children", "-o", report,
                    "--", "sh", "-c", script, NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    /* in cpu mode the waiting shell has no sample at all */
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (report, &text, NULL, NULL));
    g_assert_null (strstr (text, "engine-target"));
    if (!cpu)
      {
        g_autoptr(LpFolded) folded = load_report (report);
        g_assert_cmpfloat (count_with (folded, "[idle: wait4]"), >, 200);
        g_assert_cmpfloat (count_with_prefix (folded, "[unknown"), <=, 0.01 * count_with (folded, NULL));
      }
  }
}

enum { ALTERNATE, ALTERNATE_STOPS, ALTERNATE_BUSY };

/* A thread that runs 3 ms and sleeps 2 ms, over and over: wall mode counts
 * its time on a CPU, waiting and blocked from the kernel's own accounts,
 * so its share in the report is the share it measured itself, and no tick
 * is lost even when stopping it in its sleep is slow.
 *
 * ALTERNATE_BUSY: with every CPU kept busy by other processes. The thread
 * then waits for a CPU after each wake-up (in its sleep, as it measures)
 * and when it is preempted (in hot_path). Before the switch records told
 * the two apart, it showed 63 % in hot_path against 39 % measured, and
 * 12 % too many samples. */
static void
test_alternate (gconstpointer data)
{
  int kind = GPOINTER_TO_INT (data);
  gboolean stops = kind == ALTERNATE_STOPS;
  g_autofree char *report = g_build_filename (tmpdir, stops ? "alternate-stops.folded" : "alternate.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  double seconds = 2, hz = 1000;
  long n_hogs = kind == ALTERNATE_BUSY ? MAX (sysconf (_SC_NPROCESSORS_ONLN), 1) : 0;
  g_autofree pid_t *hogs = g_new0 (pid_t, n_hogs + 1);
  int status;

  for (long i = 0; i < n_hogs; i++)
    {
      hogs[i] = fork ();
      g_assert_cmpint (hogs[i], >=, 0);
      if (hogs[i] == 0)
        {
          volatile guint64 x = 0;
          for (;;)
            x++;
        }
    }

  /* --stop-running: the same accounts weight each stop; stopping the
   * thread took 255 µs on average here, and a sample per tick found it
   * running 34 % of the time */
  status = run_cli (&out, &err, "record", "-F", "1000", "-o", report, stops ? "--stop-running" : "--idle",
                    "--", target, "alternate", "2", NULL);
  for (long i = 0; i < n_hogs; i++)
    {
      kill (hogs[i], SIGKILL);
      waitpid (hogs[i], NULL, 0);
    }
  g_test_message ("%s%s", out, err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double total = count_with (folded, NULL), hot = count_with (folded, "hot_path");
    double measured = g_ascii_strtod (strstr (out, "busy_share=") + strlen ("busy_share="), NULL);

    g_test_message ("hot_path %g of %g samples (%.3f), target measured %.3f; [idle: nanosleep] %g",
                    hot, total, hot / total, measured, count_with (folded, "[idle: nanosleep]"));
    g_assert_cmpfloat (fabs (hot / total - measured), <=, 0.03);
    g_assert_cmpfloat (total, >=, 0.9 * seconds * hz);
    g_assert_cmpfloat (total, <=, 1.1 * seconds * hz);
  }
}

/* A signal handler's samples go through the signal trampoline into the
 * code the signal interrupted, as gdb shows them: main;...;[signal handler
 * called];on_alarm;in_handler (before, the trampoline was an unnamed
 * [libc.so.6+0x3c04f] frame, and the interrupted frame was looked up at
 * its pc - 1, as if it were a return address). At 1000 Hz: at 500 Hz,
 * with two busy processes, wall mode showed 1.4-4.2 points too much time
 * in the handler, as a wait after a preemption goes to the thread's last
 * sample before it, and that could be 2 ms old; within 0.5 at 1000 Hz.
 * Cpu mode compares with the share of the target's time on a CPU. */
static void
test_handler (gconstpointer data)
{
  gboolean cpu = GPOINTER_TO_INT (data);
  g_autofree char *report = g_build_filename (tmpdir, cpu ? "handler-cpu.folded" : "handler.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = run_cli (&out, &err, "record", "-F", "1000", "--mode", cpu ? "cpu" : "wall", "-o", report,
                    "--", target, "handler", "2", NULL);
  g_test_message ("%s%s", out, err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double total = count_with (folded, NULL);
    double handler = count_with (folded, "in_handler");
    double through = count_in_order (folded, "[signal handler called]", "on_alarm", TRUE);
    double rooted = count_in_order (folded, "main", "in_handler", FALSE);
    const char *key = cpu ? "handler_cpu_share=" : "handler_share=";
    double measured = g_ascii_strtod (strstr (out, key) + strlen (key), NULL);

    g_test_message ("in_handler %g of %g samples (%.3f), target measured %.3f; %g through the trampoline, "
                    "%g of them under main", handler, total, handler / total, measured, through, rooted);
    g_assert_cmpfloat (fabs (handler / total - measured), <=, 0.03);
    g_assert_cmpfloat (through, >=, 0.99 * handler);
    g_assert_cmpfloat (rooted, >=, 0.99 * handler);
  }
}

/* A child forked without exec runs the parent's image: its own copy of
 * the mappings unwinds it. */
static void
test_fork (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "fork.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = run_cli (&out, &err, "record", "-F", "500", "-o", report, "--", target, "fork", "1", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "child=0"));
  {
    g_autoptr(LpFolded) folded = load_report (report);

    g_test_message ("child_work %g, wait4 %g", count_with (folded, "child_work"), count_with (folded, "[idle: wait4]"));
    g_assert_cmpfloat (count_with (folded, "child_work"), >, 200);
    g_assert_cmpfloat (count_with (folded, "[idle: wait4]"), >, 200);
    g_assert_cmpfloat (rooted_share (folded, 1, NULL), >=, 0.99);
  }
}

static void
test_early_exit (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "early.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = run_cli (&out, &err, "record", "-o", report, "--", target, "exit", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (err, "exited with status 0"));
  g_assert_true (g_file_test (report, G_FILE_TEST_EXISTS));

  /* --min-time: too short a run leaves no report */
  g_unlink (report);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "record", "--min-time", "5", "-o", report, "--", target, "exit", NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (err, "no report written"));
  g_assert_false (g_file_test (report, G_FILE_TEST_EXISTS));

  /* a command that does not exist */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "record", "-o", report, "--", "/nonexistent/program", NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_nonnull (strstr (err, "No such file"));
}

static void
test_attach_exit (void)
{
  char *args[] = { "work", "1", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "attach-exit.folded", NULL);
  g_autofree char *out = NULL, *err = NULL, *pid_text = NULL;
  int fd, status, tstatus;
  GPid pid = spawn_target (args, &fd);
  gint64 t0;

  g_usleep (100000);
  pid_text = g_strdup_printf ("%d", pid);
  t0 = g_get_monotonic_time ();
  /* no duration: the recording ends when the target does */
  status = run_cli (&out, &err, "record", "-F", "200", "-p", pid_text, "-o", report, NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (err, "exited"));
  g_assert_true (test_engine_wait_pid (pid, 5, &tstatus));
  g_free (test_engine_read_all (fd));
  {
    g_autoptr(LpFolded) folded = load_report (report);
    g_assert_cmpfloat (count_with (folded, "hot_path"), >, 10);
  }
}

static void
test_no_process (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run_cli (&out, &err, "record", "-p", "999999999", "-d", "1", NULL);

  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_nonnull (strstr (err, "no such process"));
  g_assert_null (strchr (strchr (err, '\n') + 1, '\n'));   /* one line */
}

static void
test_already_traced (void)
{
  char *args[] = { "work", "1", NULL };
  g_autofree char *out = NULL, *err = NULL, *pid_text = NULL;
  int fd, status, tstatus;
  GPid pid = spawn_target (args, &fd);

  g_assert_cmpint (ptrace (PTRACE_SEIZE, pid, 0, 0), ==, 0);
  pid_text = g_strdup_printf ("%d", pid);
  status = run_cli (&out, &err, "record", "-p", pid_text, "-d", "0.5", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_nonnull (strstr (err, "already traced"));
  g_assert_nonnull (strstr (err, "test-engine"));
  kill (pid, SIGKILL);
  g_assert_true (test_engine_wait_pid (pid, 5, &tstatus));
  close (fd);
}

static void
test_many_threads (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "threads.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = run_cli (&out, &err, "record", "-F", "500", "--threads", "-o", report, "--", target, "threads", "500", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "threads=500"));
  g_assert_nonnull (strstr (err, "exited with status 0"));
  {
    g_autoptr(LpFolded) folded = load_report (report);
    guint thread_frames = 0;

    g_assert_cmpfloat (count_with (folded, "short_thread"), >, 50);
    /* root at index 2: process, thread, then _start or the thread start */
    g_assert_cmpfloat (rooted_share (folded, 2, NULL), >=, 0.99);
    for (guint f = 0; f < lp_folded_get_n_frames (folded); f++)
      if (g_str_has_prefix (lp_folded_frame_name (folded, f), "engine-target-"))
        thread_frames++;
    g_test_message ("%u thread frames", thread_frames);
    g_assert_cmpuint (thread_frames, >, 20);
  }
}

/* A walk that ends without an error short of a root (the unwind info
 * says there is no caller: cut_root's CFI, as a JIT's or a hand-written
 * function's may) is cut short all the same: [truncated] under the
 * process frame, as for a failed walk. Before, such stacks began at
 * cut_root as if it were _start (6 of them in a python recording). */
static void
test_cut_stack (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "cut.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = run_cli (&out, &err, "record", "-F", "500", "-o", report, "--", target, "cut", "0.6", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double cut = count_with (folded, "cut_leaf");

    g_assert_cmpfloat (cut, >, 100);
    /* each one begins [truncated];cut_root */
    g_assert_cmpfloat (count_in_order (folded, "[truncated]", "cut_root", TRUE), ==, cut);
    /* and every stack is rooted or says it is not */
    g_assert_cmpfloat (rooted_share (folded, 1, NULL) + count_matching (folded, FALSE, name_equal, "[truncated]") /
                       lp_folded_get_total (folded), >=, 0.999);
  }
}

/* A real program, Debian's python3 (json work): every stack begins at a
 * root or at [truncated], and no frame is named after data (python's
 * _PyRuntime once showed as a caller of __open). */
static void
test_python_roots (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "python.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no /usr/bin/python3");
      return;
    }
  status = run_cli (&out, &err, "record", "-F", "1000", "-o", report, "--", "/usr/bin/python3", "-c",
                    "import json\n"
                    "d = [{'a': i, 'b': str(i) * 10, 'c': [i, {'x': i / 3}]} for i in range(20000)]\n"
                    "for _ in range(6): d = json.loads(json.dumps(d))\n", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double total = lp_folded_get_total (folded);

    g_assert_cmpfloat (total, >, 200);
    g_assert_cmpfloat (count_with (folded, "_PyRuntime"), ==, 0);
    g_assert_cmpfloat (rooted_share (folded, 1, NULL) + count_matching (folded, FALSE, name_equal, "[truncated]") / total,
                       >=, 0.99999);
  }
}

/* Attached to `sleep 100`: the attach's stop turns its clock_nanosleep
 * into restart_syscall, the only call the engine ever sees it in. Its
 * samples are named after the call it continues, [idle: clock_nanosleep],
 * not [idle: restart_syscall]. */
static void
test_attach_sleep (void)
{
  const char *argv[] = { "sleep", "100", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "sleep.folded", NULL);
  g_autofree char *out = NULL, *err = NULL, *pid_text = NULL;
  g_autoptr(GError) error = NULL;
  int status, tstatus;
  GPid pid;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  g_usleep (200000);
  pid_text = g_strdup_printf ("%d", pid);
  status = run_cli (&out, &err, "record", "-d", "0.5", "-p", pid_text, "-o", report, NULL);
  g_test_message ("%s", err);
  kill (pid, SIGKILL);
  g_assert_true (test_engine_wait_pid (pid, 5, &tstatus));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double total = lp_folded_get_total (folded);

    g_assert_cmpfloat (total, >, 20);
    g_assert_cmpfloat (count_with (folded, "[idle: restart_syscall]"), ==, 0);
    g_assert_cmpfloat (count_with (folded, "[idle: clock_nanosleep]"), ==, total);
  }
}

/* The recording's length from the summary ("laprof-cli record: 3.00 s,
 * 744 samples (…)"); 0 if none. */
static double
summary_seconds (const char *err)
{
  const char *line = err ? strstr (err, " samples (") : NULL;
  double seconds = 0;

  while (line != NULL && line > err && line[-1] != '\n')
    line--;
  if (line == NULL || sscanf (line, "laprof-cli record: %lf s,", &seconds) != 1)
    return 0;
  return seconds;
}

/* Attached to a thread that starts 3,000 short threads a second, every
 * tick must sample it (wall mode: a sample per tick to every thread).
 * Before, it got 17-78 % of them: an interrupt that met its clone()
 * was taken by the clone's event stop and never came (the thread stayed
 * "pending", skipped by every later tick), and its time on a CPU, spent
 * in clone(), got no perf sample at all. */
static void
test_churn (void)
{
  char *args[] = { "churn", "3000", "4.5", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "churn.folded", NULL);
  g_autofree char *out = NULL, *err = NULL, *target_out = NULL;
  g_autofree char *pid_text = NULL, *thread = NULL;
  char ready[16] = "";
  int fd, status, tstatus;
  GPid pid = spawn_target (args, &fd);
  double seconds = 0, creator;

  g_assert_cmpint (read (fd, ready, 6), ==, 6);
  g_assert_cmpstr (ready, ==, "ready\n");
  pid_text = g_strdup_printf ("%d", pid);
  status = run_cli (&out, &err, "record", "-F", "100", "-d", "3", "--threads", "-p", pid_text, "-o", report, NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  target_out = test_engine_read_all (fd);
  g_assert_nonnull (strstr (target_out, "created="));
  seconds = summary_seconds (err);
  g_assert_cmpfloat (seconds, >, 2.5);
  {
    g_autoptr(LpFolded) folded = load_report (report);

    thread = g_strdup_printf ("engine-target-%d", pid);
    creator = count_with (folded, thread);
    g_test_message ("the creating thread: %.0f samples in %.2f s at 100 Hz", creator, seconds);
    g_assert_cmpfloat (creator, >=, 0.9 * 100 * seconds);
    g_assert_cmpfloat (creator, <=, 1.1 * 100 * seconds);
  }
}

static void
test_sigkill (void)
{
  /* the engine killed at a random moment: the target must finish its work */
  for (int i = 0; i < 20; i++)
    {
      char *args[] = { "work", "0.4", NULL };
      g_autofree char *pid_text = NULL, *target_out = NULL;
      const char *argv[] = { cli, "record", "-q", "-F", "1000", "-o", "/dev/null", "-p", NULL, NULL };
      int fd, tstatus, estatus;
      GPid pid = spawn_target (args, &fd), engine;
      g_autoptr(GError) error = NULL;

      pid_text = g_strdup_printf ("%d", pid);
      argv[8] = pid_text;
      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &engine, &error);
      g_assert_no_error (error);
      g_usleep (g_random_int_range (30000, 250000));
      kill (engine, SIGKILL);
      g_assert_true (test_engine_wait_pid (engine, 5, &estatus));
      if (!test_engine_wait_pid (pid, 5, &tstatus))
        {
          g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", pid);
          g_autofree char *stat = NULL;
          g_file_get_contents (stat_path, &stat, NULL, NULL);
          kill (pid, SIGKILL);
          g_error ("try %d: target still there 5 s after the engine was killed: %s", i, stat);
        }
      g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
      target_out = test_engine_read_all (fd);
      g_assert_nonnull (strstr (target_out, "ok=1"));
    }
}

static void
test_sigkill_launch (void)
{
  /* launch mode: the command outlives a killed engine and finishes its work */
  for (int i = 0; i < 5; i++)
    {
      const char *argv[] = { cli, "record", "-q", "-F", "1000", "-o", "/dev/null", "--", target, "work", "0.5", NULL };
      g_autofree char *target_out = NULL;
      g_autoptr(GError) error = NULL;
      GPid engine;
      int fd, estatus;

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &engine, NULL, &fd, NULL, &error);
      g_assert_no_error (error);
      /* once the command is forked: killed before, the engine has
       * launched nothing (a loaded machine took more than the 20 ms
       * this test first waited) */
      test_engine_wait_forked (engine, 10);
      g_usleep (g_random_int_range (0, 300000));
      kill (engine, SIGKILL);
      g_assert_true (test_engine_wait_pid (engine, 5, &estatus));
      /* the command holds the pipe until it exits */
      target_out = test_engine_read_all (fd);
      g_assert_nonnull (strstr (target_out, "ok=1"));
    }
}

/* SIGINT (Ctrl-C) or SIGTERM: stop, detach, write the report; the target runs on */
static void
test_stop_signal (gconstpointer data)
{
  int sig = GPOINTER_TO_INT (data);
  gboolean stream = sig == SIGTERM;
  char *args[] = { "work", "2", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "stopped.folded", NULL);
  g_autofree char *pid_text = NULL, *target_out = NULL, *engine_out = NULL;
  const char *argv[] = { cli, "record", "-q", "-p", NULL, stream ? "--stream" : "-o", stream ? NULL : report, NULL };
  g_autoptr(GError) error = NULL;
  int fd, efd, tstatus, estatus;
  GPid pid = spawn_target (args, &fd), engine;
  gint64 t0;

  pid_text = g_strdup_printf ("%d", pid);
  argv[4] = pid_text;
  g_unlink (report);
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &engine, NULL, &efd, NULL, &error);
  g_assert_no_error (error);
  g_usleep (500000);
  t0 = g_get_monotonic_time ();
  kill (engine, sig);
  engine_out = test_engine_read_all (efd);
  g_assert_true (test_engine_wait_pid (engine, 5, &estatus));
  g_assert_true (WIFEXITED (estatus) && WEXITSTATUS (estatus) == 0);
  /* the engine stopped at once, long before the target's end */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, G_USEC_PER_SEC);
  if (stream)
    {
      g_assert_true (g_str_has_prefix (engine_out, "#laprof-stream version=1 "));
      g_assert_nonnull (strstr (engine_out, "\n#end "));
      g_assert_nonnull (strstr (engine_out, " reason=stopped status=-1\n"));
    }
  else
    {
      g_autoptr(LpFolded) folded = load_report (report);
      g_assert_cmpfloat (count_with (folded, "hot_path"), >, 10);
    }
  /* detached and running: it finishes its work */
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  target_out = test_engine_read_all (fd);
  g_assert_nonnull (strstr (target_out, "ok=1"));
}

static void
test_signals (void)
{
  char *args[] = { "signals", "100", NULL };
  g_autofree char *pid_text = NULL, *target_out = NULL;
  const char *argv[] = { cli, "record", "-q", "-F", "1000", "-o", "/dev/null", "-p", NULL, NULL };
  int fd, tstatus, estatus;
  char ready[6] = "";
  GPid pid = spawn_target (args, &fd), engine;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (read (fd, ready, 6), ==, 6);
  pid_text = g_strdup_printf ("%d", pid);
  argv[8] = pid_text;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &engine, &error);
  g_assert_no_error (error);
  g_usleep (300000);
  for (int i = 0; i < 100; i++)
    {
      union sigval v = { .sival_int = i };
      g_assert_cmpint (sigqueue (pid, SIGRTMIN, v), ==, 0);
      g_usleep (2000);
    }
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  target_out = test_engine_read_all (fd);
  g_assert_nonnull (strstr (target_out, "signals=100"));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  g_assert_true (test_engine_wait_pid (engine, 5, &estatus));
  g_assert_true (WIFEXITED (estatus) && WEXITSTATUS (estatus) == 0);
}

static void
test_job_control (void)
{
  char *args[] = { "work", "1.5", NULL };
  g_autofree char *pid_text = NULL, *stat_path = NULL, *stat = NULL;
  const char *argv[] = { cli, "record", "-q", "-o", "/dev/null", "-p", NULL, NULL };
  int fd, tstatus, estatus;
  GPid pid = spawn_target (args, &fd), engine;
  g_autoptr(GError) error = NULL;
  const char *state;

  pid_text = g_strdup_printf ("%d", pid);
  argv[6] = pid_text;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &engine, &error);
  g_assert_no_error (error);
  g_usleep (200000);
  /* a job-control stop is respected: the process stays stopped until SIGCONT */
  kill (pid, SIGSTOP);
  g_usleep (300000);
  stat_path = g_strdup_printf ("/proc/%d/stat", pid);
  g_assert_true (g_file_get_contents (stat_path, &stat, NULL, NULL));
  state = strrchr (stat, ')') + 2;
  g_test_message ("state while stopped: %c", *state);
  g_assert_true (*state == 'T' || *state == 't');
  kill (pid, SIGCONT);
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  g_free (test_engine_read_all (fd));
  g_assert_true (test_engine_wait_pid (engine, 5, &estatus));
}

static void
test_cxx (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "cxx.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  if (!g_file_test (target_cxx, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no C++ compiler at build time");
      return;
    }
  status = run_cli (&out, &err, "record", "-F", "500", "-o", report, "--", target_cxx, "1", NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    double crunch = 0;

    for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
      {
        LpFoldedStack s;
        lp_folded_get_stack (folded, i, &s);
        for (guint d = 0; d < s.depth; d++)
          if (g_str_has_prefix (lp_folded_frame_name (folded, s.frames[d]), "laprof_test::Cruncher<long>::crunch("))
            {
              crunch += s.count;
              break;
            }
      }
    g_assert_cmpfloat (crunch, >, 0.8 * count_with (folded, "main"));
    for (guint f = 0; f < lp_folded_get_n_frames (folded); f++)
      g_assert_false (g_str_has_prefix (lp_folded_frame_name (folded, f), "_ZN"));
  }
}

static void
test_no_idle (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "no-idle.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = run_cli (&out, &err, "record", "--no-idle", "-o", report, "--", target, "work", "0.5", NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    /* no idle samples; the blocker thread only where it ran, on its way
     * into read: at most 1 % of 0.5 s at 100 Hz, or the one sample a
     * tick that found it starting gives (failed 1 in 5-8 runs on a busy
     * machine, before issue 15's changes as after: 1 of 51) */
    g_assert_cmpfloat (count_with_prefix (folded, "[idle: "), ==, 0);
    g_assert_cmpfloat (count_with (folded, "blocker_thread"), <=, MAX (1.0, 0.01 * count_with (folded, NULL)));
    g_assert_cmpfloat (count_with (folded, "hot_path"), >, 10);
  }
}

static void
test_deep_stack (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "deep.folded", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  /* 150 frames of 512 bytes: 75 KiB, beyond the 16 KiB copy. The outer
   * frames are read from the live process when the sample is unwound; the
   * samples still in the kernel's buffer when the process ends are unwound
   * at its exit stop, while its memory is there (before, up to 10 ms of
   * them ended in [truncated]: 0-5 of 250 samples in 0.5 s). Once, while
   * CI's sanitizer run loaded the machine, 2 of 750 samples still failed
   * at main's caller: at most 1 % is allowed */
  status = run_cli (&out, &err, "record", "-F", "500", "-o", report, "--", target, "deep", "1.5", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) folded = load_report (report);
    guint max_deep = 0;

    for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
      {
        LpFoldedStack s;
        guint n = 0;
        lp_folded_get_stack (folded, i, &s);
        for (guint d = 0; d < s.depth; d++)
          n += g_str_equal (lp_folded_frame_name (folded, s.frames[d]), "deep");
        max_deep = MAX (max_deep, n);
      }
    g_assert_cmpuint (max_deep, ==, 151);
    g_assert_cmpfloat (count_with (folded, "[truncated]"), <=, 0.01 * count_with (folded, NULL));
    g_assert_cmpfloat (rooted_share (folded, 1, NULL), >=, 0.99);
  }
}

static void
test_lines_and_tid (void)
{
  char *args[] = { "work", "1.5", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "tid.folded", NULL);
  g_autofree char *out = NULL, *err = NULL, *pid_text = NULL;
  int fd, status, tstatus;
  GPid pid = spawn_target (args, &fd);

  g_usleep (100000);
  pid_text = g_strdup_printf ("%d", pid);
  /* only the main thread (tid = pid), with file:line labels */
  status = run_cli (&out, &err, "record", "-p", pid_text, "-t", pid_text, "--lines", "-d", "0.5",
                    "-o", report, NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_free (test_engine_read_all (fd));
  {
    g_autoptr(LpFolded) folded = load_report (report);
    gboolean hot_line = FALSE;

    /* what matters here is the labels and the thread filter; the rate
     * drops on a loaded machine while line tables load the first time */
    g_assert_cmpfloat (count_with (folded, NULL), >, 5);
    for (guint f = 0; f < lp_folded_get_n_frames (folded); f++)
      {
        const char *name = lp_folded_frame_name (folded, f);
        g_assert_false (g_str_has_prefix (name, "blocker_thread"));
        hot_line = hot_line || g_str_has_prefix (name, "hot_path (engine-target.c:");
      }
    g_assert_true (hot_line);
  }
}

static void
drop_root (gpointer data)
{
  if (setgid (65534) != 0 || setuid (65534) != 0)
    _exit (99);
}

static int
perf_paranoid (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/perf_event_paranoid", &text, NULL, NULL))
    return 4;
  return atoi (text);
}

/* Wall mode as an ordinary user, on a program it launches: perf events for
 * user time only where kernel.perf_event_paranoid is 2 (or lower), within
 * the user's locked-memory allowance; stops for every thread where it is
 * 3, Debian's default. */
static void
test_unprivileged (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "nobody", NULL);
  g_autofree char *report = g_build_filename (dir, "report.folded", NULL);
  const char *argv[] = { cli, "record", "-F", "500", "-o", report, "--", target, "work", "1.5", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (getuid () != 0)
    {
      g_test_skip ("needs root to run the engine as another user");
      return;
    }
  g_assert_cmpint (chmod (tmpdir, 0711), ==, 0);
  g_assert_cmpint (g_mkdir (dir, 0777), ==, 0);
  g_assert_cmpint (chmod (dir, 0777), ==, 0);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, drop_root, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  if (perf_paranoid () <= 2)
    g_assert_nonnull (strstr (err, "running threads: sampled by perf events"));
  else
    g_assert_nonnull (strstr (err, "running threads: stopped at each tick"));
  {
    g_autoptr(LpFolded) folded = load_report (report);
    g_assert_cmpfloat (count_with (folded, "hot_path"), >, 50);
    g_assert_cmpfloat (count_with (folded, "[idle: read]"), >, 50);
    g_assert_cmpfloat (rooted_share (folded, 1, NULL), >=, 0.99);
  }
}

static void
low_fd_limit (gpointer data)
{
  struct rlimit lim;

  if (getrlimit (RLIMIT_NOFILE, &lim) == 0)
    {
      lim.rlim_cur = MIN (lim.rlim_max, 1024);
      setrlimit (RLIMIT_NOFILE, &lim);
    }
}

/* Attaching to 600 threads blocked in a system call, with the usual soft
 * limit of 1024 descriptors (an event per thread and CPU needs more): every
 * thread is held while its events are opened, every one is sampled. */
static void
test_attach_waiters (void)
{
  char *args[] = { "waiters", "600", "3", NULL };
  g_autofree char *report = g_build_filename (tmpdir, "waiters.folded", NULL);
  const char *argv[] = { cli, "record", "-F", "100", "-d", "1", "--threads", "-p", NULL, "-o", report, NULL };
  g_autofree char *out = NULL, *err = NULL, *pid_text = NULL, *line = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  struct rlimit lim;
  int fd, status, tstatus;
  GPid pid = spawn_target (args, &fd);

  channel = g_io_channel_unix_new (fd);
  g_io_channel_read_line (channel, &line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready\n");
  pid_text = g_strdup_printf ("%d", pid);
  argv[8] = pid_text;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, low_fd_limit, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &lim), ==, 0);
  if (lim.rlim_max >= 601 * (rlim_t) sysconf (_SC_NPROCESSORS_CONF) + 100)
    g_assert_nonnull (strstr (err, "running threads: sampled by perf events"));
  {
    g_autoptr(LpFolded) folded = load_report (report);
    g_autoptr(GHashTable) threads = g_hash_table_new (g_direct_hash, g_direct_equal);

    for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
      {
        LpFoldedStack st;
        lp_folded_get_stack (folded, i, &st);
        if (st.depth > 1 && stack_has (folded, &st, "idle_waiter"))
          g_hash_table_add (threads, GUINT_TO_POINTER (st.frames[1]));
      }
    g_test_message ("idle_waiter: %g samples in %u threads; hot_path %g",
                    count_with (folded, "idle_waiter"), g_hash_table_size (threads),
                    count_with (folded, "hot_path"));
    g_assert_cmpuint (g_hash_table_size (threads), ==, 600);
    g_assert_cmpfloat (count_with (folded, "idle_waiter"), >=, 600 * 20);
    g_assert_cmpfloat (count_with (folded, "hot_path"), >, 20);
  }
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
}

static void
test_not_permitted (void)
{
  char *args[] = { "work", "1", NULL };
  const char *argv[] = { cli, "record", "-d", "0.3", "-p", NULL, NULL };
  g_autofree char *out = NULL, *err = NULL, *pid_text = NULL;
  g_autoptr(GError) error = NULL;
  int fd, status, tstatus;
  GPid pid;

  if (getuid () != 0)
    {
      g_test_skip ("needs root to run the engine as another user");
      return;
    }
  pid = spawn_target (args, &fd);
  pid_text = g_strdup_printf ("%d", pid);
  argv[5] = pid_text;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, drop_root, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_nonnull (strstr (err, "not allowed to trace"));
  g_assert_nonnull (strstr (err, "--mode cpu"));
  g_assert_true (test_engine_wait_pid (pid, 10, &tstatus));
  g_assert_true (WIFEXITED (tstatus) && WEXITSTATUS (tstatus) == 0);
  close (fd);
}

typedef struct
{
  guint   headers, batches, ends, errors;
  double  stack_total;
  guint64 batch_samples;
  guint64 end_samples;
  int     end_status;
  char   *reason;
  char   *mode;
  gint64  pid;
} StreamSeen;

static void
on_event (const LpStreamEvent *ev,
          gpointer             data)
{
  StreamSeen *seen = data;

  switch (ev->type)
    {
    case LP_STREAM_EVENT_HEADER:
      seen->headers++;
      seen->mode = g_strdup (ev->mode);
      seen->pid = ev->pid;
      g_assert_cmpuint (ev->version, ==, 1);
      break;
    case LP_STREAM_EVENT_STACK:
      g_assert_cmpuint (seen->headers, ==, 1);
      seen->stack_total += ev->count;
      break;
    case LP_STREAM_EVENT_BATCH:
      seen->batches++;
      seen->batch_samples += ev->samples;
      break;
    case LP_STREAM_EVENT_PYTHON:
      /* the engine's test target runs no Python */
      g_assert_not_reached ();
      break;
    case LP_STREAM_EVENT_END:
      seen->ends++;
      seen->end_samples = ev->samples;
      seen->end_status = ev->status;
      seen->reason = g_strdup (ev->reason);
      break;
    case LP_STREAM_EVENT_ERROR:
      seen->errors++;
      break;
    case LP_STREAM_EVENT_CAPTURE:
      /* the samples with their times: test-capture-record */
      break;
    case LP_STREAM_EVENT_DEBUGINFO:
      /* debug files fetched in the background: test-names */
      break;
    }
}

static void
test_stream (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *saved = g_build_filename (tmpdir, "saved.stream", NULL);
  g_autofree char *check_out = NULL, *check_err = NULL;
  g_autoptr(LpStreamParser) parser = NULL;
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(GError) error = NULL;
  StreamSeen seen = { 0 };
  int status;

  status = run_cli (&out, &err, "record", "--stream", "-F", "200", "--", target, "work", "1.2", NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  /* the command's output goes to stderr, never into the protocol */
  g_assert_nonnull (strstr (err, "hot_share="));
  g_assert_null (strstr (out, "hot_share="));

  parser = lp_stream_parser_new (folded, on_event, &seen);
  lp_stream_parser_feed (parser, out, strlen (out), &error);
  g_assert_no_error (error);
  lp_stream_parser_finish (parser, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen.headers, ==, 1);
  g_assert_cmpstr (seen.mode, ==, "wall");
  g_assert_cmpint (seen.pid, >, 0);
  g_assert_cmpuint (seen.batches, >=, 5);   /* at least 5 a second */
  g_assert_cmpuint (seen.ends, ==, 1);
  g_assert_cmpstr (seen.reason, ==, "exited");
  g_assert_cmpint (seen.end_status, ==, 0);
  g_assert_cmpuint (seen.errors, ==, 0);
  g_assert_cmpfloat (seen.stack_total, >, 100);
  g_assert_cmpfloat (seen.stack_total, ==, (double) seen.end_samples);
  g_assert_cmpuint (seen.batch_samples, ==, seen.end_samples);
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, seen.stack_total);
  g_assert_true (lp_stream_parser_has_ended (parser));

  /* a saved stream is a report for check and merge */
  g_assert_true (g_file_set_contents (saved, out, -1, NULL));
  status = run_cli (&check_out, &check_err, "check", "--strict", saved, NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr(LpFolded) back = load_report (saved);
    g_assert_cmpfloat (lp_folded_get_total (back), ==, seen.stack_total);
  }
  {
    /* merge reads it too, and writes a plain report with the same total */
    g_autofree char *merged = g_build_filename (tmpdir, "merged.folded", NULL);
    g_autofree char *merge_out = NULL, *merge_err = NULL;
    g_autofree char *text = NULL;
    g_autoptr(LpFolded) back = NULL;

    status = run_cli (&merge_out, &merge_err, "merge", "--strict", saved, "-o", merged, NULL);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    g_assert_true (g_file_get_contents (merged, &text, NULL, NULL));
    g_assert_null (strchr (text, '#'));
    back = load_report (merged);
    g_assert_cmpfloat (lp_folded_get_total (back), ==, seen.stack_total);
  }
  g_free (seen.reason);
  g_free (seen.mode);
}

/* The reader of the stream goes away (the window is killed): the engine
 * ends, and so does the command it launched, which nobody could stop any
 * more. */
static void
test_stream_reader_gone (void)
{
  const char *argv[] = { cli, "record", "--stream", "-F", "200", "--", target, "work", "30", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL, *err_text = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  GPid engine;
  int out_fd, err_fd, status;
  const char *p;
  pid_t target_pid;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &engine, NULL, &out_fd, &err_fd, &error);
  g_assert_no_error (error);
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_read_line (channel, &line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  p = strstr (line, " pid=");
  g_assert_nonnull (p);
  target_pid = atoi (p + 5);
  g_assert_cmpint (kill (target_pid, 0), ==, 0);

  /* the reader closes its end: the next batch (within 0.2 s) finds it gone */
  g_io_channel_shutdown (channel, FALSE, NULL);
  g_assert_true (test_engine_wait_pid (engine, 5, &status));
  err_text = test_engine_read_all (err_fd);
  g_test_message ("%s", err_text);
  g_assert_nonnull (strstr (err_text, "killed by signal 15"));
  g_assert_cmpint (kill (target_pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static void
test_stream_error (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run_cli (&out, &err, "record", "--stream", "-p", "999999999", NULL);

  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_true (g_str_has_prefix (out, "#error message=no%20such%20process"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  test_engine_programs (&cli, &target);
  target_cxx = g_strconcat (target, "-cxx", NULL);
  tmpdir = g_dir_make_tmp ("laprof-engine-XXXXXX", NULL);

  g_test_add_data_func ("/engine/wall/launch", GINT_TO_POINTER (WALL), test_launch);
  g_test_add_data_func ("/engine/cpu/launch", GINT_TO_POINTER (CPU), test_launch);
  g_test_add_data_func ("/engine/wall/launch-stop-running", GINT_TO_POINTER (WALL_STOPS), test_launch);
  g_test_add_data_func ("/engine/wall/crowded-cpu", GINT_TO_POINTER (FALSE), test_crowd);
  g_test_add_data_func ("/engine/wall/crowded-cpu-stop-running", GINT_TO_POINTER (TRUE), test_crowd);
  g_test_add_func ("/engine/wall/attach", test_attach);
  g_test_add_func ("/engine/wall/attach-until-exit", test_attach_exit);
  g_test_add_func ("/engine/early-exit", test_early_exit);
  g_test_add_data_func ("/engine/wall/children", GINT_TO_POINTER (FALSE), test_children);
  g_test_add_data_func ("/engine/cpu/children", GINT_TO_POINTER (TRUE), test_children);
  g_test_add_func ("/engine/wall/fork", test_fork);
  g_test_add_data_func ("/engine/wall/run-and-sleep", GINT_TO_POINTER (ALTERNATE), test_alternate);
  g_test_add_data_func ("/engine/wall/run-and-sleep-stop-running", GINT_TO_POINTER (ALTERNATE_STOPS), test_alternate);
  g_test_add_data_func ("/engine/wall/run-and-sleep-busy", GINT_TO_POINTER (ALTERNATE_BUSY), test_alternate);
  g_test_add_data_func ("/engine/wall/signal-handler", GINT_TO_POINTER (FALSE), test_handler);
  g_test_add_data_func ("/engine/cpu/signal-handler", GINT_TO_POINTER (TRUE), test_handler);
  g_test_add_func ("/engine/cpu/attach-while-threads-start", test_attach_spawner);
  g_test_add_func ("/engine/no-such-process", test_no_process);
  g_test_add_func ("/engine/already-traced", test_already_traced);
  g_test_add_func ("/engine/wall/500-threads", test_many_threads);
  g_test_add_func ("/engine/wall/thread-starting-3000-threads-a-second", test_churn);
  g_test_add_func ("/engine/wall/cut-stack-says-truncated", test_cut_stack);
  g_test_add_func ("/engine/wall/attach-sleep-names-nanosleep", test_attach_sleep);
  g_test_add_func ("/engine/wall/python-stacks-rooted", test_python_roots);
  g_test_add_func ("/engine/wall/sigkill-engine", test_sigkill);
  g_test_add_func ("/engine/wall/sigkill-engine-launch", test_sigkill_launch);
  g_test_add_func ("/engine/wall/signals", test_signals);
  g_test_add_data_func ("/engine/wall/sigint-writes-report", GINT_TO_POINTER (SIGINT), test_stop_signal);
  g_test_add_data_func ("/engine/stream/sigterm-ends-stream", GINT_TO_POINTER (SIGTERM), test_stop_signal);
  g_test_add_func ("/engine/wall/job-control", test_job_control);
  g_test_add_func ("/engine/cxx-demangled", test_cxx);
  g_test_add_func ("/engine/wall/no-idle", test_no_idle);
  g_test_add_func ("/engine/wall/deep-stack", test_deep_stack);
  g_test_add_func ("/engine/wall/lines-and-tid", test_lines_and_tid);
  g_test_add_func ("/engine/not-permitted", test_not_permitted);
  g_test_add_func ("/engine/wall/unprivileged", test_unprivileged);
  g_test_add_func ("/engine/wall/attach-600-waiters", test_attach_waiters);
  g_test_add_func ("/engine/stream/record", test_stream);
  g_test_add_func ("/engine/stream/error", test_stream_error);
  g_test_add_func ("/engine/stream/reader-gone", test_stream_reader_gone);

  return g_test_run ();
}
