/* lp-source-ptrace.c: the ptrace source: seizing threads, their stops and events, a tick of stops, detaching.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-sampler-private.h"

static void dispatch (LpSampler *self, pid_t tid, int status);


/* ---- ptrace ---- */

gboolean
_lp_ptrace_seize (LpSampler  *self,
                  pid_t       tid,
                  GError    **error)
{
  /* exec: the new image's symbols and unwind info must be loaded */
  long opts = PTRACE_O_TRACEEXEC;

  /* threads created later, and (unless --no-children) the processes
   * the target starts */
  if (self->opts.tids == NULL)
    opts |= PTRACE_O_TRACECLONE;
  if (self->opts.tids == NULL && !self->opts.no_children)
    opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
  /* a thread about to end stops while its memory is still there: the
   * samples of deep stacks not yet unwound can still read it */
  opts |= PTRACE_O_TRACEEXIT;
  /* no PTRACE_O_EXITKILL: if we die, the kernel detaches and the target runs on */
  if (ptrace (PTRACE_SEIZE, tid, 0, (void *) opts) == 0)
    {
      _lp_sampler_add_thread (self, tid, self->pid);
      return TRUE;
    }
  if (errno == ESRCH)
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS,
                   _("no such process or thread: %d"), (int) tid);
      return FALSE;
    }
  if (errno == EPERM)
    {
      pid_t tracer = _lp_sampler_tracer_of (tid);

      /* a thread started after its creator was seized: traced already,
       * by the kernel for us (PTRACE_O_TRACECLONE); its first stop is
       * on its way. Attaching to a thread that started 3,000 threads a
       * second failed with "already traced by laprof-cli" */
      if (tracer == getpid ())
        {
          Thread *t = _lp_sampler_add_thread (self, tid, self->pid);
          t->ptrace.fresh = TRUE;
          return TRUE;
        }
      if (tracer > 0)
        {
          g_autofree char *tcomm = _lp_sampler_read_comm (tracer, 0);
          g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_ALREADY_TRACED,
                       _("process %d is already traced by %s (pid %d); detach it (gdb: 'detach') "
                         "or use --mode cpu"),
                       (int) tid, tcomm ? tcomm : "?", (int) tracer);
        }
      else
        g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERMISSION,
                     _("not allowed to trace process %d: run as root or as its owner, "
                       "set kernel.yama.ptrace_scope=0 (sysctl), or use --mode cpu"),
                     (int) tid);
      return FALSE;
    }
  g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_FAILED,
               _("cannot trace thread %d: %s"), (int) tid, g_strerror (errno));
  return FALSE;
}

/* Stops every thread and keeps it stopped, new ones included, so that no
 * thread can start another one unseen (see _lp_perf_start_assist). Gives up on
 * threads that do not stop within a second (uninterruptible sleep). */
void
_lp_ptrace_hold_all (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 deadline = now_ns () + G_GINT64_CONSTANT (1000000000);

  self->ptrace.holding = TRUE;
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      if (t->ptrace.attached && !t->ptrace.listening)
        ptrace (PTRACE_INTERRUPT, t->tid, 0, 0);
    }
  while (now_ns () < deadline)
    {
      gboolean all = TRUE;
      int status;
      pid_t tid;

      g_hash_table_iter_init (&iter, self->threads);
      while (all && g_hash_table_iter_next (&iter, NULL, &value))
        {
          Thread *t = value;
          all = !t->ptrace.attached || t->ptrace.listening || t->ptrace.held;
        }
      if (all)
        break;
      tid = waitpid (-1, &status, __WALL | WNOHANG);
      if (tid > 0)
        dispatch (self, tid, status);
      else if (tid < 0 && errno == ECHILD)
        break;
      else
        g_usleep (50);
    }
}

/* Lets every held thread run again. A thread that stops later, after the
 * wait of _lp_ptrace_hold_all(), is resumed by dispatch(). */
void
_lp_ptrace_release_all (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;

  self->ptrace.holding = FALSE;
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      if (t->ptrace.held)
        {
          t->ptrace.held = FALSE;
          ptrace (PTRACE_CONT, t->tid, 0, 0);
        }
    }
}

static gboolean
is_idle (const struct user_regs_struct *regs,
         long                          *nr)
{
  long rax = (long) regs->rax;

  /* interrupted inside a blocking system call: it will be restarted (or
   * see EINTR) when the thread resumes */
  if ((long) regs->orig_rax >= 0 && ((rax <= -512 && rax >= -516) || rax == -EINTR))
    {
      *nr = (long) regs->orig_rax;
      return TRUE;
    }
  *nr = -1;
  return FALSE;
}

static void snapshot_ptrace (LpSampler *self, Thread *t);

/* Wall mode with switch records: @t is in a signal-delivery stop. The
 * time off a CPU this costs it (the stop, then its wait for a CPU) belongs
 * to where the signal struck, not to the last perf sample (on a busy
 * machine often in the previous signal's handler): its stack is copied
 * here, as a sample of no weight that the time goes to (see
 * apply_switches); if it is unwound first, its frames wait in the thread
 * (collapse_slot). */
static void
signal_stop_sample (LpSampler *self,
                    Thread    *t)
{
  gint64 now = now_ns ();
  guint before = self->n_slots;

  if (t->wall.signal_stops == NULL)
    t->wall.signal_stops = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (t->wall.signal_stops->len >= 4096)
    return;
  g_array_append_val (t->wall.signal_stops, now);
  t->wall.weight = 1;
  snapshot_ptrace (self, t);
  if (self->n_slots > before)
    {
      Slot *slot = &g_array_index (self->slots, Slot, self->n_slots - 1);

      slot->on_cpu = TRUE;
      slot->time = (guint64) now;
      slot->weight = 0;
      slot->signal_stop = TRUE;
    }
}

/* Copies registers and stack of the stopped thread @t. Must be quick: the
 * thread is stopped until this returns. */
static void
snapshot_ptrace (LpSampler *self,
                 Thread    *t)
{
  struct user_regs_struct regs;
  Slot *slot;
  struct iovec local, remote;
  gssize n;
  long nr;
  gboolean restarted;

  if (ptrace (PTRACE_GETREGS, t->tid, 0, &regs) < 0)
    {
      self->stats.lost[LP_SAMPLER_LOST_READ]++;
      self->batch_lost++;
      return;
    }
  if (!is_idle (&regs, &nr) && t->wall.found_blocked && (long) regs.orig_rax >= 0)
    {
      /* the check found it blocked, but it was woken before the stop and
       * stopped on its way out of the call: the time its stop stands for
       * was spent in that call */
      nr = (long) regs.orig_rax;
    }
  if (nr >= 0 && !self->opts.idle)
    {
      /* counted, but not unwound */
      self->stats.samples++;
      self->stats.idle_samples++;
      self->batch_samples++;
      return;
    }
  /* an interrupted futex or nanosleep with a timeout goes on as
   * restart_syscall (219): name it after the call it continues */
  restarted = nr == 219;
  if (nr == 219 && t->ptrace.last_syscall >= 0)
    nr = t->ptrace.last_syscall;
  else if (nr >= 0)
    t->ptrace.last_syscall = nr;
  slot = _lp_collapse_next_slot (self);
  slot->snap.regs[LP_REG_RAX] = regs.rax;
  slot->snap.regs[LP_REG_RDX] = regs.rdx;
  slot->snap.regs[LP_REG_RCX] = regs.rcx;
  slot->snap.regs[LP_REG_RBX] = regs.rbx;
  slot->snap.regs[LP_REG_RSI] = regs.rsi;
  slot->snap.regs[LP_REG_RDI] = regs.rdi;
  slot->snap.regs[LP_REG_RBP] = regs.rbp;
  slot->snap.regs[LP_REG_RSP] = regs.rsp;
  slot->snap.regs[LP_REG_R8] = regs.r8;
  slot->snap.regs[LP_REG_R9] = regs.r9;
  slot->snap.regs[LP_REG_R10] = regs.r10;
  slot->snap.regs[LP_REG_R11] = regs.r11;
  slot->snap.regs[LP_REG_R12] = regs.r12;
  slot->snap.regs[LP_REG_R13] = regs.r13;
  slot->snap.regs[LP_REG_R14] = regs.r14;
  slot->snap.regs[LP_REG_R15] = regs.r15;
  slot->snap.regs[LP_REG_RIP] = regs.rip;
  slot->snap.stack_addr = regs.rsp;
  local.iov_base = slot->snap.stack;
  local.iov_len = slot->cap;
  remote.iov_base = (void *) (guintptr) regs.rsp;
  remote.iov_len = slot->cap;
  n = process_vm_readv (t->tid, &local, 1, &remote, 1, 0);
  if (n < 0)
    {
      /* the window crossed the end of the stack mapping: copy up to the page end */
      remote.iov_len = local.iov_len = 4096 - (regs.rsp & 4095);
      n = process_vm_readv (t->tid, &local, 1, &remote, 1, 0);
    }
  slot->snap.stack_len = n > 0 ? (gsize) n : 0;
  slot->tid = t->tid;
  slot->tgid = t->tgid;
  slot->space = NULL;   /* looked up once the thread runs again: it may mean reading a new image */
  slot->thread_frame = self->opts.threads ? _lp_sampler_thread_frame (self, t) : G_MAXUINT32;
  slot->idle_syscall = nr;
  /* a thread that has just come out of clone/clone3 in the child (rax 0):
   * its stack is empty and the CFI there is the parent's */
  slot->just_born = ((long) regs.orig_rax == 56 || (long) regs.orig_rax == 435) && regs.rax == 0;
  slot->clone_parent = ((long) regs.orig_rax == 56 || (long) regs.orig_rax == 435) && (long) regs.rax > 0;
  slot->on_cpu = FALSE;
  slot->in_kernel = FALSE;
  slot->signal_stop = FALSE;
  slot->weight = MAX (t->wall.weight, 1);
  t->wall.weight = 1;
  _lp_kernel_frames_to_slot (self, slot, t, restarted);
  /* while it is stopped, its Python stack is the one of the sample */
  _lp_python_frames_read_now (self, slot);
  self->n_slots++;
}

void
_lp_ptrace_thread_gone (LpSampler *self,
                        pid_t      tid,
                        int        status)
{
  Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));

  if (t != NULL && t->ptrace.pending)
    {
      self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
      self->batch_lost++;
    }
  if (t != NULL)
    {
      _lp_python_frames_thread_gone (self, t->tgid);
      _lp_sampler_thread_ended (self, tid);
      g_hash_table_remove (self->threads, GINT_TO_POINTER (tid));
    }
  /* counted, and forgotten: a set of every thread ever seen grew by 32
   * bytes a thread (1,000 threads a second: 2 MiB a minute) */
  if (g_hash_table_remove (self->seen, GINT_TO_POINTER (tid)))
    self->n_seen_gone++;
  /* a process leader's exit is reported once all its threads are gone */
  if (tid != self->pid && g_hash_table_contains (self->spaces, GINT_TO_POINTER (tid)))
    _lp_sampler_space_gone (self, tid);
  if (tid == self->pid)
    {
      self->stats.target_exited = TRUE;
      self->stats.exit_status = status;
      self->stats.exit_status_known = TRUE;
      if (self->launched)
        self->reaped = TRUE;
    }
}

static void
detach_thread (LpSampler *self,
               Thread    *t,
               int        sig)
{
  ptrace (PTRACE_DETACH, t->tid, 0, (void *) (long) sig);
  g_hash_table_remove (self->threads, GINT_TO_POINTER (t->tid));
}

/* Samples @t, which was interrupted (t->ptrace.pending) and is now in a ptrace
 * stop; the caller resumes it. */
static void
sample_stopped (LpSampler *self,
                Thread    *t)
{
  gint64 t0 = now_ns ();

  t->ptrace.pending = FALSE;
  snapshot_ptrace (self, t);
  if (!self->perf.assist && !t->wall.found_blocked && t->wall.check_ns > 0)
    _lp_wall_time_running_stop_time (self, t);
  self->stats.stops++;
  self->stats.stop_ns += now_ns () - t0;
  if (self->n_slots > 0)
    {
      Slot *slot = &g_array_index (self->slots, Slot, self->n_slots - 1);
      if (slot->space == NULL)
        slot->space = _lp_sampler_space_ref (_lp_sampler_space_for (self, slot->tgid));
    }
}

/* dispatch(): PTRACE_EVENT_STOP, a job-control stop, our interrupt, or
 * a new thread's first stop. */
static void
on_stop_event (LpSampler *self,
               Thread    *t,
               pid_t      tid,
               int        sig)
{
  if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
    {
      /* job-control stop: stay stopped, but let us see SIGCONT */
      if (t->ptrace.pending)
        {
          t->ptrace.pending = FALSE;
          self->stats.lost[LP_SAMPLER_LOST_TIMEOUT]++;
          self->batch_lost++;
        }
      if (self->ptrace.detaching)
        detach_thread (self, t, 0);
      else
        {
          t->ptrace.listening = TRUE;
          ptrace (PTRACE_LISTEN, tid, 0, 0);
        }
      return;
    }
  t->ptrace.listening = FALSE;
  if (self->ptrace.detaching)
    {
      detach_thread (self, t, 0);
      return;
    }
  if (self->ptrace.holding)
    {
      /* our interrupt, or the first stop of a new thread: keep it
       * stopped until _lp_ptrace_release_all() */
      t->ptrace.fresh = FALSE;
      t->ptrace.held = TRUE;
      return;
    }
  if (t->ptrace.fresh)
    {
      /* the first stop of a new thread, maybe our interrupt merged into it */
      t->ptrace.fresh = FALSE;
      if (t->ptrace.pending)
        {
          t->ptrace.pending = FALSE;
          self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
          self->batch_lost++;
        }
      ptrace (PTRACE_CONT, tid, 0, 0);
      return;
    }
  if (t->ptrace.pending)
    {
      sample_stopped (self, t);
      ptrace (PTRACE_CONT, tid, 0, 0);
      return;
    }
  ptrace (PTRACE_CONT, tid, 0, 0);
}

/* dispatch(): @t creates a thread or a process (PTRACE_EVENT_CLONE,
 * _FORK, _VFORK @event). */
static void
on_clone_event (LpSampler *self,
                Thread    *t,
                pid_t      tid,
                int        event)
{
  unsigned long msg = 0;

  if (!t->ptrace.pending && !self->ptrace.detaching && self->perf.assist && t->wall.unsampled_carry >= 2 * self->period_ns)
    {
      /* its time on a CPU the kernel did not sample (see
       * _lp_wall_time_runnable_sample): here, in its clone */
      gint64 period_ns = self->period_ns;
      gboolean was_blocked = t->wall.found_blocked;

      t->wall.weight = (guint) (t->wall.unsampled_carry / period_ns);
      t->wall.unsampled_carry -= (gint64) t->wall.weight * period_ns;
      t->wall.found_blocked = FALSE;
      t->ptrace.pending = TRUE;
      sample_stopped (self, t);
      t->wall.found_blocked = was_blocked;
      if (self->n_slots > 0 && g_array_index (self->slots, Slot, self->n_slots - 1).tid == tid)
        g_array_index (self->slots, Slot, self->n_slots - 1).clone_parent = event == PTRACE_EVENT_CLONE;
    }
  else if (t->ptrace.pending && !self->ptrace.detaching)
    {
      /* our interrupt came while it entered clone(): the clone's
       * event stop took its place (any ptrace stop clears a pending
       * PTRACE_INTERRUPT; no PTRACE_EVENT_STOP follows). Left
       * pending, it was skipped by every later tick: a thread that
       * started 3,000 threads a second got 171 of 1,000 samples in
       * 10 s. It is stopped here: sample it, in the parent's
       * clone/clone3 before its return, unwound from the return
       * address at the top of its stack */
      sample_stopped (self, t);
      if (self->n_slots > 0 && g_array_index (self->slots, Slot, self->n_slots - 1).tid == tid)
        g_array_index (self->slots, Slot, self->n_slots - 1).clone_parent = event == PTRACE_EVENT_CLONE;
    }

  /* a short thread may have ended, and its end been read, before
   * this event: added now, it stayed for good (400 Thread entries
   * and their open /proc files in 10 s of a program starting 3,000
   * threads a second) */
  if (ptrace (PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 && msg > 0 &&
      !g_hash_table_contains (self->threads, GINT_TO_POINTER ((pid_t) msg)) &&
      (syscall (SYS_tgkill, event == PTRACE_EVENT_CLONE ? t->tgid : (pid_t) msg, (pid_t) msg, 0) == 0 ||
       errno != ESRCH))
    {
      /* it has not run yet: its registers are the parent's clone
       * frame on a fresh stack, nothing to unwind; wait for its
       * first stop. A new process's image is read at its first
       * sample. */
      Thread *nt = _lp_sampler_add_thread (self, (pid_t) msg, event == PTRACE_EVENT_CLONE ? 0 : (pid_t) msg);
      nt->ptrace.fresh = TRUE;
    }
  if (self->ptrace.detaching)
    detach_thread (self, t, 0);
  else
    ptrace (PTRACE_CONT, tid, 0, 0);
}

/* dispatch(): PTRACE_EVENT_EXIT, @t is about to end. */
static void
on_exit_event (LpSampler *self,
               Thread    *t,
               pid_t      tid)
{
  /* the thread ends (its process, maybe): unwind now the samples
   * taken so far, which may need to read stacks deeper than their
   * copies, while its memory is there */
  if (t->ptrace.pending)
    {
      t->ptrace.pending = FALSE;
      self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
      self->batch_lost++;
    }
  if (!self->ptrace.detaching)
    {
      if (self->perf.assist)
        _lp_perf_tick (self);
      _lp_collapse_slots (self);
    }
  ptrace (PTRACE_CONT, tid, 0, 0);
}

/* dispatch(): PTRACE_EVENT_EXEC, @t's process has a new image. */
static void
on_exec_event (LpSampler *self,
               Thread    *t)
{
  /* every other thread of the process is gone; the one left has the
   * process id */
  pid_t tgid = t->tgid;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Thread *) value)->tgid == tgid)
      g_hash_table_iter_remove (&iter);
  t = _lp_sampler_add_thread (self, tgid, tgid);
  if (tgid == self->pid)
    {
      self->exec_done = TRUE;
      _lp_sampler_load_address_space (self, NULL);
    }
  else
    {
      Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (tgid));
      if (space != NULL)
        space->stale = TRUE;
    }
  if (self->ptrace.detaching)
    detach_thread (self, t, 0);
  else
    ptrace (PTRACE_CONT, tgid, 0, 0);
}

/* dispatch(): a signal-delivery stop of @t, signal @sig. */
static void
on_signal_stop (LpSampler *self,
                Thread    *t,
                pid_t      tid,
                int        sig)
{
  /* a signal on its way to the target: deliver it */
  if (self->ptrace.detaching)
    detach_thread (self, t, sig);
  else
    {
      /* stopped while running: the time off a CPU this costs it (the
       * stop, then the wait for a CPU again) is its running code's */
      if (t->ptrace.pending)
        sample_stopped (self, t);   /* this stop took our interrupt's place */
      else if (self->perf.assist && self->perf.switches)
        signal_stop_sample (self, t);
      else if (!t->wall.found_blocked && t->wall.check_ns > 0)
        _lp_wall_time_running_stop_time (self, t);
      ptrace (PTRACE_CONT, tid, 0, (void *) (long) sig);
    }
}

/* Handles one wait status of a tracee. Samples a pending thread when its
 * interrupt stop arrives, resumes it at once. */
static void
dispatch (LpSampler *self,
          pid_t      tid,
          int        status)
{
  Thread *t;
  int sig, event;

  if (WIFEXITED (status) || WIFSIGNALED (status))
    {
      _lp_ptrace_thread_gone (self, tid, status);
      return;
    }
  if (!WIFSTOPPED (status))
    return;

  sig = WSTOPSIG (status);
  event = (unsigned) status >> 16;
  t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));
  if (t == NULL)
    t = _lp_sampler_add_thread (self, tid, 0);   /* a new thread can report before its creator's clone event */

  switch (event)
    {
    case PTRACE_EVENT_STOP:
      on_stop_event (self, t, tid, sig);
      return;

    case PTRACE_EVENT_CLONE:
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
      on_clone_event (self, t, tid, event);
      return;

    case PTRACE_EVENT_EXIT:
      on_exit_event (self, t, tid);
      return;

    case PTRACE_EVENT_EXEC:
      on_exec_event (self, t);
      return;

    case 0:
      on_signal_stop (self, t, tid, sig);
      return;

    default:
      if (self->ptrace.detaching)
        detach_thread (self, t, 0);
      else
        ptrace (PTRACE_CONT, tid, 0, 0);
      return;
    }
}

void
_lp_ptrace_drain_sigfd (LpSampler *self)
{
  struct signalfd_siginfo si;

  while (read (self->sigfd, &si, sizeof si) == sizeof si)
    ;
}

/* Handles every status that is ready. */
static void
drain_events (LpSampler *self)
{
  int status;
  pid_t tid;

  while ((tid = waitpid (-1, &status, __WALL | WNOHANG)) > 0)
    dispatch (self, tid, status);
}

/* How long to poll for a thread's stop before sleeping on the signalfd.
 * A sleeping engine is woken by SIGCHLD, and on a VM the wake-up of its
 * idle vCPU is most of what a stop costs the target: at 1000 Hz on the
 * development VM, slowdown 1.03-1.05 polling vs 1.06-1.07 sleeping, the
 * stop itself 5 µs vs 12 µs (bench/README.md). The poll yields the CPU, so
 * a target on the engine's own CPU can run into its stop; not done at all
 * on one CPU. LAPROF_SPIN_US overrides the default of 200 µs (0: off). */
static gint64
spin_ns (void)
{
  static gint64 v = -1;

  if (v < 0)
    {
      const char *env = g_getenv ("LAPROF_SPIN_US");

      v = env != NULL ? MAX (atoi (env), 0) * G_GINT64_CONSTANT (1000) : 200 * 1000;
      if (sysconf (_SC_NPROCESSORS_ONLN) < 2)
        v = 0;
    }
  return v;
}

/* How many stops sample_threads() waits for at once. A thread must get a
 * CPU to reach its stop: on a busy machine that took 3.5 ms per blocked
 * thread, and 600 of them, stopped one after the other, took the whole of
 * a 1 s recording. Stops overlap their waits; the window bounds how long a
 * stopped thread waits for the engine to copy it (some 20 µs a thread). */
#define STOP_WINDOW 16

typedef struct
{
  pid_t  tid;
  gint64 deadline;
} Stop;

/* Stops each thread of @todo to copy its stack (by dispatch(), which
 * resumes it at once), up to STOP_WINDOW of them at a time. */
static void
sample_threads (LpSampler *self,
                GArray    *todo)
{
  Stop window[STOP_WINDOW];
  guint n_window = 0, next = 0;
  gint64 spin_until = 0;

  while (next < todo->len || n_window > 0)
    {
      int status;
      pid_t r;
      gint64 now, wake;

      while (next < todo->len && n_window < STOP_WINDOW)
        {
          pid_t tid = g_array_index (todo, pid_t, next++);
          Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));

          /* a thread may have gone, or been sampled by dispatch(), meanwhile */
          if (t == NULL || t->ptrace.pending || t->ptrace.listening || t->ptrace.fresh)
            continue;
          if (ptrace (PTRACE_INTERRUPT, tid, 0, 0) < 0)
            {
              self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
              self->batch_lost++;
              continue;
            }
          t->ptrace.pending = TRUE;
          now = now_ns ();
          window[n_window].tid = tid;
          window[n_window++].deadline = now + STOP_TIMEOUT_NS;
          spin_until = now + spin_ns ();
        }

      /* only these threads' statuses: another's (its exit, say) could
       * make dispatch() unwind while these are stopped */
      for (guint i = 0; i < n_window; i++)
        {
          Thread *t;

          while ((r = waitpid (window[i].tid, &status, __WALL | WNOHANG)) > 0)
            {
              dispatch (self, r, status);
              /* @t may be gone now */
              t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (r));
              if (t == NULL || !t->ptrace.pending)
                break;
            }
          if (r < 0 && errno != EINTR)
            _lp_ptrace_thread_gone (self, window[i].tid, 0);
        }

      /* out of the window: the stops that came, the threads that went,
       * the stops that are late (handled by dispatch() when they come) */
      now = now_ns ();
      wake = G_MAXINT64;
      for (guint i = 0; i < n_window;)
        {
          Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (window[i].tid));

          if (t != NULL && t->ptrace.pending && now < window[i].deadline)
            {
              wake = MIN (wake, window[i].deadline);
              i++;
              continue;
            }
          /* a stop that is late is not lost: the thread is still waiting
           * for a CPU to reach it, and dispatch() samples it when it comes
           * (its weight covers the time since its check). Only a stop that
           * has not come by the end is lost (pending_at_end) */
          window[i] = window[--n_window];
        }
      if (n_window == 0 || (n_window < STOP_WINDOW && next < todo->len))
        continue;
      if (now < spin_until)
        sched_yield ();
      else
        _lp_sampler_wait_event (self, wake - now, -1);
    }
}


/* Wall mode: every thread, running or blocked. */
static void
tick_ptrace (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  gboolean steady = TRUE;
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (pid_t));

  self->wall.accounted = TRUE;
  if (self->perf.assist)
    _lp_perf_tick (self);   /* the samples of threads on a CPU */

  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;

      if (t->ptrace.pending || t->ptrace.listening || t->ptrace.fresh || !t->ptrace.attached)
        {
          steady = FALSE;
          continue;
        }
      if (_lp_wall_time_runnable_sample (self, t, &steady) || _lp_wall_time_reuse_sample (self, t, MAX (t->wall.weight, 1)))
        {
          t->wall.weight = 1;
          continue;
        }
      /* a blocked thread's kernel stack, before its stop replaces it */
      _lp_kernel_frames_read_blocked (self, t);
      g_array_append_val (todo, t->tid);
      steady = FALSE;
    }
  /* when every thread runs, or sits in the same system call, nothing is
   * lost between two checks: the kernel samples the running ones and the
   * blocked ones stand for every tick they slept through. The engine then
   * wakes less often (twice the interval each time, up to 10 ms); a
   * thread that blocks brings it back to every tick. */
  if (steady && self->perf.assist)
    self->ptrace.next_stride = MIN (self->ptrace.stride * 2, MAX (MAX_CHECK_NS / self->period_ns, 1));
  else
    self->ptrace.next_stride = 1;
  sample_threads (self, todo);
}

/* Leaves every thread running (or in its job-control stop). */
static void
detach_all (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 deadline;

  self->ptrace.detaching = TRUE;
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      if (t->ptrace.attached && !t->ptrace.pending)
        ptrace (PTRACE_INTERRUPT, t->tid, 0, 0);
    }
  /* each stop that now arrives detaches its thread (dispatch) */
  deadline = now_ns () + G_GINT64_CONSTANT (500000000);
  while (g_hash_table_size (self->threads) > 0 && now_ns () < deadline)
    {
      int status;
      pid_t tid = waitpid (-1, &status, __WALL | WNOHANG);

      if (tid > 0)
        {
          Thread *t;
          dispatch (self, tid, status);
          /* a thread created meanwhile must be interrupted too */
          t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));
          (void) t;
          continue;
        }
      if (tid < 0 && errno == ECHILD)
        break;
      g_hash_table_iter_init (&iter, self->threads);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Thread *t = value;
          if (!t->ptrace.pending)
            {
              t->ptrace.pending = TRUE;
              ptrace (PTRACE_INTERRUPT, t->tid, 0, 0);
            }
        }
      _lp_sampler_wait_event (self, G_GINT64_CONSTANT (10000000), -1);
    }
  /* what is left (stuck in uninterruptible sleep) is detached by the kernel
   * when we exit */
  self->ptrace.detaching = FALSE;
}

/* wall mode: a tick once the command's image is in place */
static void
ptrace_tick (LpSampler *self)
{
  if (!self->exec_done)
    return;
  tick_ptrace (self);
  self->stats.ticks++;
}

/* The recording ends: the stops still on their way (threads waiting for
 * a CPU to reach them, on a busy machine) are awaited a little longer,
 * and sampled when they come; those that do not come are lost. */
static void
pending_at_end (LpSampler *self)
{
  gint64 deadline = now_ns () + STOP_TIMEOUT_NS;

  for (;;)
    {
      GHashTableIter iter;
      gpointer value;
      guint64 pending = 0;

      drain_events (self);
      g_hash_table_iter_init (&iter, self->threads);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Thread *t = value;

          if (t->ptrace.pending)
            pending += MAX (t->wall.weight, 1);
        }
      if (pending == 0)
        return;
      if (now_ns () >= deadline)
        {
          self->stats.lost[LP_SAMPLER_LOST_TIMEOUT] += pending;
          self->batch_lost += pending;
          return;
        }
      _lp_sampler_wait_event (self, MIN (deadline - now_ns (), G_GINT64_CONSTANT (1000000)), -1);
    }
}

/* the last perf samples of running threads (see _lp_perf_start_assist), and the
 * stops still to come */
static void
ptrace_drain (LpSampler *self)
{
  if (self->exec_done && !self->stats.target_exited)
    pending_at_end (self);
  if (self->perf.assist)
    _lp_perf_tick (self);
}

static void
ptrace_detach (LpSampler *self)
{
  if (!self->stats.target_exited)
    detach_all (self);
  _lp_perf_close (self);
}

/* Attaching to a running process: every thread seized (or those of
 * --tid), the list read again while threads start meanwhile. */
static gboolean
ptrace_attach (LpSampler  *self,
               pid_t       pid,
               GError    **error)
{
  if (self->opts.tids != NULL)
    {
      for (guint i = 0; i < self->opts.n_tids; i++)
        if (!_lp_ptrace_seize (self, self->opts.tids[i], error))
          return FALSE;
      return TRUE;
    }

  /* threads may be created while we attach: rescan until nothing is new */
  for (guint round = 0; round < 100; round++)
    {
      g_autoptr(GArray) tids = _lp_sampler_list_tasks (pid);
      guint added = 0;

      for (guint i = 0; i < tids->len; i++)
        {
          pid_t tid = g_array_index (tids, pid_t, i);
          g_autoptr(GError) local_error = NULL;

          if (g_hash_table_contains (self->threads, GINT_TO_POINTER (tid)))
            continue;
          if (!_lp_ptrace_seize (self, tid, &local_error))
            {
              /* a thread that ended meanwhile is no failure; the process itself is */
              if (tid != pid && g_error_matches (local_error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS))
                continue;
              /* nor one that is ending: the kernel refuses to seize a
               * thread that has begun to exit with EPERM, though the same
               * rights let us seize its siblings (a target starting 3,000
               * threads a second was reported "not allowed to trace") */
              if (tid != pid && g_hash_table_size (self->threads) > 0 &&
                  g_error_matches (local_error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERMISSION))
                continue;
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          added++;
        }
      if (added == 0)
        break;
    }
  return TRUE;
}

/* Launching: the child, waiting before its exec, is seized; its running
 * threads get perf's help (see _lp_perf_start_assist). */
static gboolean
ptrace_attach_child (LpSampler  *self,
                     pid_t       child,
                     GError    **error)
{
  if (!_lp_ptrace_seize (self, child, error))
    return FALSE;
  _lp_perf_start_assist (self, TRUE);
  return TRUE;
}

const LpSource lp_source_ptrace = {
  .name = "ptrace",
  .attach = ptrace_attach,
  .attach_child = ptrace_attach_child,
  .poll = drain_events,
  .tick = ptrace_tick,
  .drain = ptrace_drain,
  .detach = ptrace_detach,
};
