/* lp-wall-time.c: wall mode's accounts: each thread's time from schedstat and switch records, carried
 * from check to check, turned into the weight of its samples.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp-sampler-private.h"


static gboolean read_schedstat (LpSampler *self, Thread *t, guint64 *runtime, guint64 *run_delay);

/* The time a running thread spends stopped (by us with --stop-running,
 * or on its way to a signal handler, until we let the signal through) is
 * neither on a CPU nor waiting for one, and would be counted as blocked;
 * it belongs to the code it runs. Since its check (or the last stop
 * counted here) it has run, waited, or been stopped: the rest is the stop
 * so far (its accounts are up to date while it is stopped). */
void
_lp_wall_time_running_stop_time (LpSampler *self,
                                 Thread    *t)
{
  guint64 runtime, run_delay;
  gint64 now = now_ns ();

  if (t->wall.run_delay == G_MAXUINT64 || t->wall.stop_ref_ns == 0 || !read_schedstat (self, t, &runtime, &run_delay))
    return;
  t->wall.stopped_ns += MAX ((now - t->wall.stop_ref_ns) - (gint64) (runtime - t->wall.stop_ref_runtime)
                        - (gint64) (run_delay - t->wall.stop_ref_delay), 0);
  t->wall.stop_ref_ns = now;
  t->wall.stop_ref_runtime = runtime;
  t->wall.stop_ref_delay = run_delay;
}

/* Reads /proc/PID/task/TID/@name of @t into @buf (the file is kept open in
 * *@fd: one pread a tick). */
static gssize
read_task_file (LpSampler  *self,
                Thread     *t,
                int        *fd,
                const char *name,
                char       *buf,
                gsize       size)
{
  gssize n;

  if (*fd == -2)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/%s", (int) t->tgid, (int) t->tid, name);
      *fd = open (path, O_RDONLY | O_CLOEXEC);
    }
  if (*fd < 0)
    return -1;
  n = pread (*fd, buf, size - 1, 0);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  return n;
}

/* The time @t has spent on a CPU and waiting on a run queue, in ns, from
 * its schedstat. */
static gboolean
read_schedstat (LpSampler *self,
                Thread    *t,
                guint64   *runtime,
                guint64   *run_delay)
{
  char buf[128];
  char *end;

  if (read_task_file (self, t, &t->wall.schedstat_fd, "schedstat", buf, sizeof buf) < 0)
    return FALSE;
  *runtime = g_ascii_strtoull (buf, &end, 10);
  *run_delay = g_ascii_strtoull (end, NULL, 10);
  return TRUE;
}

/* The time @t has spent on a CPU; G_MAXUINT64 if unknown. */
guint64
_lp_wall_time_read_runtime (LpSampler *self,
                            Thread    *t)
{
  guint64 runtime, run_delay;

  return read_schedstat (self, t, &runtime, &run_delay) ? runtime : G_MAXUINT64;
}

/* The state letter of @t in its stat file: R (on a CPU or waiting for
 * one), S, D, T, t…; 0 if unknown. */
static char
read_state (LpSampler *self,
            Thread    *t)
{
  char buf[1024];
  const char *p;

  if (read_task_file (self, t, &t->wall.stat_fd, "stat", buf, sizeof buf) < 0)
    return 0;
  p = strrchr (buf, ')');
  return p != NULL && p[1] == ' ' ? p[2] : 0;
}

/* Whether /proc/PID/task/TID/syscall shows @t blocked where its last
 * idle sample found it: the same stack and instruction pointers. */
static gboolean
blocked_where_sampled (LpSampler *self,
                       Thread    *t)
{
  char buf[256];
  const char *p = buf;
  guint64 sp, pc;
  int fd = -2;   /* read once per idle sample: not kept open */
  gssize n = read_task_file (self, t, &fd, "syscall", buf, sizeof buf);

  if (fd >= 0)
    close (fd);
  if (n < 0)
    return FALSE;
  /* "NR ARG1 ... ARG6 SP PC", or "running", or "-1 SP PC" */
  for (int field = 0; field < 7 && p != NULL; field++)
    {
      p = strchr (p, ' ');
      p = p != NULL ? p + 1 : NULL;
    }
  if (p == NULL || sscanf (p, "0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x", &sp, &pc) != 2)
    return FALSE;
  return sp == t->wall.idle_sp && pc == t->wall.idle_pc;
}

/* A blocked thread that has not run since its last sample has the same
 * stack: count that stack again, without stopping the thread. Its time on
 * a CPU is the one _lp_wall_time_runnable_sample() has just read. */
gboolean
_lp_wall_time_reuse_sample (LpSampler *self,
                            Thread    *t,
                            guint      weight)
{
  /* (a thread that has been woken but has not run yet is not blocked: in
   * --stop-running its stop stands for its time on a CPU) */
  if (!t->wall.found_blocked || !t->wall.last_idle || t->wall.runtime == G_MAXUINT64 || t->wall.check_runtime != t->wall.runtime)
    return FALSE;
  /* its time on a CPU is read once its sample is collapsed, and it may
   * have run since its stop: once, make sure it is blocked where it was
   * (a shell stopped on its way out of vfork, on a busy machine, showed
   * in vfork for the whole run, not in wait4) */
  if (!t->wall.idle_checked && !blocked_where_sampled (self, t))
    return FALSE;
  t->wall.idle_checked = TRUE;
  return _lp_collapse_recount_stack (self, t->wall.last_index, t->tid, TRUE, TRUE, weight, 0);
}

/* Counts the whole periods of *@carry (and takes them out of it) as
 * samples of @t's last stack on a CPU, if it has one; returns how many. */
static guint
count_run_stack (LpSampler *self,
                 Thread    *t,
                 gint64    *carry)
{
  gint64 period_ns = self->period_ns;
  guint n;

  if (!t->wall.run_known || *carry < period_ns)
    return 0;
  n = (guint) (*carry / period_ns);
  *carry -= (gint64) n * period_ns;
  /* at the time of the run it stands for (in a capture) */
  return _lp_collapse_recount_stack (self, t->wall.run_index, t->tid, FALSE, FALSE, n, t->wall.run_time) ? n : 0;
}

/* Wall mode with perf events: the kernel measures each thread's time in
 * three parts, and each becomes samples, a sample a period:
 *
 * - on a CPU: the perf events sample it, with its stack (_lp_perf_tick);
 * - waiting for a CPU after a preemption (from its switch records; without
 *   them, schedstat's run_delay): the stack of its last sample on a CPU;
 * - blocked (the rest of the time since its last check, a wait for a CPU
 *   after a wake-up included: the thread is still in its system call):
 *   its stack in the system call, counted when a check finds it blocked,
 *   by _lp_wall_time_reuse_sample (if it has not run since) or by a stop.
 *
 * So a thread on a CPU is never stopped, a blocked one at most once a
 * period, and time the engine was late for (a slow stop, a busy machine,
 * checks spaced out by tick_ptrace) is still counted, in the right share.
 * Returns TRUE if @t needs no stop now; else t->wall.weight is the number of
 * samples its stop (or reused stack) stands for. *@steady is cleared if
 * @t blocked since its last check other than in the same system call all
 * along: then checks must come at every tick, to see where it blocks. */
gboolean
_lp_wall_time_runnable_sample (LpSampler *self,
                               Thread    *t,
                               gboolean  *steady)
{
  gint64 period_ns = self->period_ns;
  gint64 now = now_ns ();
  guint64 runtime = 0, run_delay = 0;
  gint64 blocked_ns = 0, waited = 0, late = 0;
  gboolean known = read_schedstat (self, t, &runtime, &run_delay);
  char state = read_state (self, t);
  gboolean was_blocked = t->wall.found_blocked;

  t->wall.found_blocked = known && state != 0 && state != 'R';
  if (!known || state == 0)
    {
      /* no schedstat: a sample per tick, as with stops (and none reused) */
      *steady = FALSE;
      self->wall.accounted = FALSE;
      t->wall.weight = 1;
      t->wall.check_ns = 0;
      t->wall.check_runtime = G_MAXUINT64;
      return FALSE;
    }
  /* the wait for a CPU that belongs to the running code: after a
   * preemption, as switch records tell. Without them (--stop-running),
   * schedstat's run_delay, but none of it if the last check found the
   * thread blocked: then it waited after its wake-up, still in its
   * system call. Counted as running, such waits made a thread that
   * computes 3 ms and sleeps 2 ms show 6-8 points too much computing
   * with both CPUs kept busy; within 1.8 in 17 runs now. (A preemption
   * in the same period after the wake-up is counted as blocked.) */
  if (self->perf.assist && self->perf.switches)
    {
      waited = t->wall.preempted_ns;
      late = t->wall.preempted_late_ns;
    }
  else if (t->wall.run_delay != G_MAXUINT64 && was_blocked)
    waited = t->wall.stopped_ns;
  else if (t->wall.run_delay != G_MAXUINT64)
    waited = (gint64) (run_delay - t->wall.run_delay) + t->wall.stopped_ns;
  t->wall.preempted_ns = 0;
  t->wall.preempted_late_ns = 0;
  t->wall.stopped_ns = 0;
  /* signed, and carried as it is: the kernel brings a running thread's
   * time on a CPU up to date only at its scheduler's tick, and its wait
   * when it gets a CPU, so one check may see too much time blocked and
   * the next one too little. Clamped at 0, the excess would be counted
   * and never given back (12 % too many samples on a busy machine). */
  if (t->wall.check_ns > 0 && t->wall.run_delay != G_MAXUINT64)
    blocked_ns = (now - t->wall.check_ns) - (gint64) (runtime - t->wall.check_runtime) - waited;
  else if (state != 'R')
    blocked_ns = period_ns;   /* its first check: one sample */
  if (!self->perf.assist && t->wall.check_ns > 0 && t->wall.run_delay != G_MAXUINT64)
    t->wall.run_carry += (gint64) (runtime - t->wall.check_runtime) + waited;
  else if (!self->perf.assist && state == 'R')
    t->wall.run_carry += period_ns;   /* its first check: one sample */
  if (self->perf.assist && t->wall.run_delay != G_MAXUINT64)
    t->wall.wait_carry += self->perf.switches ? late : waited;
  /* its time on a CPU, less what the kernel sampled. The kernel may not
   * sample it at all: a thread that started 3,000 short threads a second
   * (25 % of a CPU, most of it in clone()) got no task-clock sample in
   * 5 s, nor with `perf record -e task-clock -p` (why was not found; the
   * events its children inherit end with them). Such time is sampled by
   * a stop when the thread is found running, or in its next clone event
   * stop, once it is two periods. */
  if (self->perf.assist && t->wall.check_ns > 0 && t->wall.run_delay != G_MAXUINT64)
    {
      t->wall.unsampled_carry += (gint64) (runtime - t->wall.check_runtime) - (gint64) t->perf.n * period_ns;
      /* the kernel brings a running thread's time up to date at its
       * scheduler tick only (4-10 ms): perf's samples may be ahead */
      t->wall.unsampled_carry = MAX (t->wall.unsampled_carry, -MAX (4 * period_ns, 20 * 1000 * 1000));
    }
  t->perf.n = 0;
  t->wall.run_delay = run_delay;
  self->stats.waiting += count_run_stack (self, t, &t->wall.wait_carry);
  if (!t->wall.run_known)
    t->wall.wait_carry = MIN (t->wall.wait_carry, period_ns);

  t->wall.blocked_carry += blocked_ns;
  if (blocked_ns > period_ns / 2 && runtime != t->wall.check_runtime)
    *steady = FALSE;
  t->wall.check_ns = now;
  t->wall.check_runtime = runtime;
  t->wall.stop_ref_ns = now;
  t->wall.stop_ref_runtime = runtime;
  t->wall.stop_ref_delay = run_delay;
  if (state == 'R' && self->perf.assist && t->wall.unsampled_carry >= 2 * period_ns)
    {
      t->wall.weight = (guint) (t->wall.unsampled_carry / period_ns);
      t->wall.unsampled_carry -= (gint64) t->wall.weight * period_ns;
      return FALSE;
    }
  if (state == 'R' && self->perf.assist)
    return TRUE;   /* its time blocked is counted when it is next found blocked */
  if (state == 'R')
    {
      /* --stop-running: a stop stands for its time on a CPU and waiting
       * since the last one */
      t->wall.weight = (guint) (t->wall.run_carry / period_ns);
      t->wall.run_carry -= (gint64) t->wall.weight * period_ns;
      return t->wall.weight == 0;
    }
  /* --stop-running, found blocked: its time on a CPU since its last stop
   * went on from there. Kept for its next stop instead, it would go to
   * wherever that finds it, often on its way out of the call it is
   * blocked in now (a thread that computes 3 ms and sleeps 2 ms showed
   * 3-4 points too little computing with both CPUs kept busy) */
  if (!self->perf.assist)
    count_run_stack (self, t, &t->wall.run_carry);

  t->wall.weight = (guint) (MAX (t->wall.blocked_carry, 0) / period_ns);
  t->wall.blocked_carry -= (gint64) t->wall.weight * period_ns;
  if (!t->wall.last_idle)
    *steady = FALSE;
  return t->wall.weight == 0;   /* blocked less than a period so far: later */
}

/* A wait for a CPU after a preemption at @at (or a signal-delivery stop
 * and the wait after it, up to @at), of @wait_ns: it belongs to the code
 * the thread ran then, the stack of its last sample at or before @at. If
 * that sample is not collapsed yet, it stands for the wait too (its weight
 * grows); else _lp_wall_time_runnable_sample() gives the wait to its stack (run_index). */
void
_lp_wall_time_add_wait (LpSampler *self,
                        Thread    *t,
                        guint64    at,
                        gint64     wait_ns,
                        gboolean   signal)
{
  gint64 period_ns = self->period_ns;
  Slot *slot = _lp_perf_sample_before (self, t->tid, at);

  t->wall.preempted_ns += wait_ns;
  if (signal && t->wall.signal_frames != NULL && t->wall.signal_frames->len > 0 && t->wall.signal_time <= at &&
      (slot == NULL || slot->time < t->wall.signal_time))
    {
      guint n;

      /* its signal stop's sample is unwound already */
      t->wall.wait_carry += wait_ns;
      n = (guint) (MAX (t->wall.wait_carry, 0) / period_ns);
      t->wall.wait_carry -= (gint64) n * period_ns;
      if (n > 0 && _lp_collapse_count_frames (self, (const guint32 *) (gpointer) t->wall.signal_frames->data,
                                 t->wall.signal_frames->len, t->tid, FALSE, FALSE, n, t->wall.signal_time))
        self->stats.waiting += n;
      return;
    }
  if (slot == NULL)
    {
      t->wall.preempted_late_ns += wait_ns;
      return;
    }
  t->wall.wait_carry += wait_ns;
  if (t->wall.wait_carry >= period_ns)
    {
      guint n = (guint) (t->wall.wait_carry / period_ns);

      slot->weight += n;
      t->wall.wait_carry -= (gint64) n * period_ns;
      self->stats.waiting += n;
    }
}

/* Whether the engine saw @t in a signal-delivery stop between @out and
 * @in; forgets the stops seen before @in. */
gboolean
_lp_wall_time_signal_stop_within (Thread  *t,
                                  guint64  out,
                                  guint64  in)
{
  gboolean within = FALSE;
  guint n = 0;

  if (t->wall.signal_stops == NULL)
    return FALSE;
  for (; n < t->wall.signal_stops->len && g_array_index (t->wall.signal_stops, gint64, n) <= (gint64) in; n++)
    within = within || g_array_index (t->wall.signal_stops, gint64, n) >= (gint64) out;
  g_array_remove_range (t->wall.signal_stops, 0, n);
  return within;
}
