/* lp-sampler.c: ptrace and perf sampling of a process's threads, offline unwinding, collapse.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lp-collapse.h"
#include "lp-sampler.h"
#include "lp-sampler-private.h"
#include "lp-symbols.h"
#include "lp-unwind.h"

G_DEFINE_QUARK (lp-sampler-error-quark, lp_sampler_error)

const char *
lp_sampler_lost_to_string (LpSamplerLost reason)
{
  switch (reason)
    {
    case LP_SAMPLER_LOST_EXITED:  return _("thread exited before it was sampled");
    case LP_SAMPLER_LOST_TIMEOUT: return _("thread did not stop in time (uninterruptible sleep)");
    case LP_SAMPLER_LOST_READ:    return _("registers or stack unreadable");
    case LP_SAMPLER_LOST_LATE:    return _("ticks skipped, the engine fell behind");
    case LP_SAMPLER_LOST_KERNEL:  return _("records dropped by the kernel");
    case LP_SAMPLER_LOST_N_REASONS: break;
    }
  return "";
}

const char *
lp_sampler_mode_to_string (LpSamplerMode mode)
{
  return mode == LP_SAMPLER_MODE_CPU ? "cpu" : "wall";
}

void
space_unref (gpointer data)
{
  Space *space = data;

  if (space == NULL || --space->ref > 0)
    return;
  g_clear_pointer (&space->unwinder, lp_unwinder_free);
  g_clear_pointer (&space->symbols, lp_symbols_free);
  g_hash_table_unref (space->frame_cache);
  g_free (space);
}

Space *
space_ref (Space *space)
{
  space->ref++;
  return space;
}

static void
thread_free (gpointer data)
{
  Thread *t = data;

  if (t->schedstat_fd >= 0)
    close (t->schedstat_fd);
  if (t->stat_fd >= 0)
    close (t->stat_fd);
  if (t->signal_stops != NULL)
    g_array_unref (t->signal_stops);
  if (t->signal_frames != NULL)
    g_array_unref (t->signal_frames);
  g_free (t);
}

LpSampler *
lp_sampler_new (const LpSamplerOptions *options,
                LpFolded               *dest)
{
  LpSampler *self;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (dest != NULL, NULL);
  g_return_val_if_fail (options->period > 0, NULL);

  self = g_new0 (LpSampler, 1);
  self->opts = *options;
  if (self->opts.tids != NULL)
    self->opts.tids = g_memdup2 (options->tids, sizeof (pid_t) * options->n_tids);
  if (self->opts.stack_size == 0)
    self->opts.stack_size = DEFAULT_STACK_SIZE;
  self->dest = dest;
  self->pid = -1;
  self->stride = self->next_stride = 1;
  self->sigfd = -1;
  self->threads = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, thread_free);
  self->seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->rings = g_ptr_array_new_with_free_func (ring_free);
  self->perf_fds = g_array_new (FALSE, FALSE, sizeof (int));
  self->switch_log = g_array_new (FALSE, FALSE, sizeof (Switch));
  self->switches = self->opts.mode == LP_SAMPLER_MODE_WALL;
  self->spaces = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, space_unref);
  self->idle_frames = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
  self->ips = g_new (guint64, MAX_FRAMES);
  self->frames = g_new (guint32, MAX_FRAMES + 8);
  self->last_counts = g_array_new (FALSE, TRUE, sizeof (double));
  self->dirty = g_array_new (FALSE, FALSE, sizeof (guint));
  self->dirty_flag = g_byte_array_new ();
  self->deltas = g_array_new (FALSE, FALSE, sizeof (double));
  self->truncated_frame = lp_folded_intern (dest, "[truncated]", -1);
  self->signal_frame = lp_folded_intern (dest, "[signal handler called]", -1);
  return self;
}

void
lp_sampler_free (LpSampler *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->threads);
  g_hash_table_unref (self->seen);
  close_perf (self);
  g_ptr_array_unref (self->rings);
  g_array_unref (self->perf_fds);
  g_array_unref (self->switch_log);
  g_hash_table_unref (self->idle_frames);
  for (guint i = 0; i < self->slots->len; i++)
    {
      g_free (g_array_index (self->slots, Slot, i).snap.stack);
      if (i < self->n_slots)
        space_unref (g_array_index (self->slots, Slot, i).space);
    }
  g_hash_table_unref (self->spaces);
  g_array_unref (self->slots);
  g_free (self->ips);
  g_free (self->frames);
  g_array_unref (self->last_counts);
  g_array_unref (self->dirty);
  g_byte_array_unref (self->dirty_flag);
  g_array_unref (self->deltas);
  if (self->sigfd >= 0)
    close (self->sigfd);
  g_free ((gpointer) self->opts.tids);
  g_free (self->command);
  g_free (self);
}

void
lp_sampler_set_batch_func (LpSampler          *self,
                           LpSamplerBatchFunc  func,
                           gpointer            user_data)
{
  self->batch_func = func;
  self->batch_data = user_data;
}

void
lp_sampler_set_snapshot_func (LpSampler             *self,
                              LpSamplerSnapshotFunc  func,
                              gpointer               user_data)
{
  g_return_if_fail (self != NULL);
  self->snapshot_func = func;
  self->snapshot_data = user_data;
}

pid_t
lp_sampler_get_pid (const LpSampler *self)
{
  return self->pid;
}

const char *
lp_sampler_get_command (const LpSampler *self)
{
  return self->command;
}

void
lp_sampler_get_stats (const LpSampler *self,
                      LpSamplerStats  *stats)
{
  *stats = self->stats;
  stats->threads_seen = g_hash_table_size (self->seen) + self->n_seen_gone;
  stats->lost_total = 0;
  for (guint i = 0; i < LP_SAMPLER_LOST_N_REASONS; i++)
    stats->lost_total += self->stats.lost[i];
}

static char *
read_comm (pid_t pid,
           pid_t tid)
{
  g_autofree char *path = tid > 0 ? g_strdup_printf ("/proc/%d/task/%d/comm", (int) pid, (int) tid)
                                  : g_strdup_printf ("/proc/%d/comm", (int) pid);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  g_strchomp (contents);
  g_strdelimit (contents, ";", ':');
  return contents;
}

/* The tracer of @pid, from /proc/PID/status, 0 if none. */
static pid_t
tracer_of (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  const char *p;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  p = strstr (contents, "TracerPid:");
  return p != NULL ? (pid_t) atoi (p + strlen ("TracerPid:")) : 0;
}

/* The process of thread @tid, from /proc/TID/status; @tid itself if
 * unknown (it has ended). */
static pid_t
task_tgid (pid_t tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) tid);
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return tid;
  p = strstr (status, "\nTgid:");
  return p != NULL ? (pid_t) atoi (p + strlen ("\nTgid:")) : tid;
}

Thread *
add_thread (LpSampler *self,
            pid_t      tid,
            pid_t      tgid)
{
  Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));

  if (t != NULL)
    return t;
  t = g_new0 (Thread, 1);
  t->tid = tid;
  t->tgid = tgid > 0 ? tgid : task_tgid (tid);
  t->frame = G_MAXUINT32;
  t->attached = TRUE;
  t->stat_fd = -2;
  t->run_delay = G_MAXUINT64;
  t->last_syscall = -1;
  t->schedstat_fd = -2;  /* not opened yet; -1: cannot be */
  g_hash_table_insert (self->threads, GINT_TO_POINTER (tid), t);
  g_hash_table_add (self->seen, GINT_TO_POINTER (tid));
  return t;
}

guint32
thread_frame (LpSampler *self,
              Thread    *t)
{
  if (t->frame == G_MAXUINT32)
    {
      g_autofree char *comm = read_comm (t->tgid, t->tid);
      /* a thread that has ended meanwhile: most threads keep the
       * process's name */
      const char *shown = comm != NULL ? comm : self->command != NULL ? self->command : "thread";
      g_autofree char *name = g_strdup_printf ("%s-%d", shown, (int) t->tid);
      t->frame = lp_folded_intern (self->dest, name, -1);
    }
  return t->frame;
}

/* ---- the target's symbols and unwind info, (re)loaded after exec ---- */

/* Reads the mappings and symbols of process @pid as they are now. */
static Space *
space_new (LpSampler  *self,
           pid_t       pid,
           GError    **error)
{
  Space *space = g_new0 (Space, 1);
  g_autofree char *comm = read_comm (pid, 0);
  const char *name;

  space->ref = 1;
  space->pid = pid;
  space->frame_cache = g_hash_table_new (g_direct_hash, g_direct_equal);
  if (pid == self->pid && comm != NULL)
    {
      g_free (self->command);
      self->command = g_strdup (comm);
    }
  name = pid == self->pid && self->command != NULL ? self->command : comm != NULL ? comm : "process";
  space->frame = lp_folded_intern (self->dest, name, -1);
  space->unwinder = lp_unwinder_new (pid, error);
  if (space->unwinder != NULL)
    {
      space->symbols = lp_symbols_new (pid, self->opts.lines, error);
      if (space->symbols == NULL)
        g_clear_pointer (&space->unwinder, lp_unwinder_free);
    }
  return space;
}

/* The image of process @pid its next samples are unwound with: read when
 * first needed, and again after an exec. */
Space *
space_for (LpSampler *self,
           pid_t      pid)
{
  Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (pid));

  if (space == NULL || space->stale)
    {
      space = space_new (self, pid, NULL);
      g_hash_table_replace (self->spaces, GINT_TO_POINTER (pid), space);
    }
  return space;
}

/* The target's image, (re)read at the start and after its exec. */
static gboolean
load_address_space (LpSampler  *self,
                    GError    **error)
{
  Space *space = space_new (self, self->pid, error);
  gboolean ok = space->unwinder != NULL;

  g_hash_table_replace (self->spaces, GINT_TO_POINTER (self->pid), space);
  return ok;
}

/* Marks process @pid as ended; its image is kept a moment for samples still
 * in the kernel's buffers (see sweep_spaces). */
void
space_gone (LpSampler *self,
            pid_t      pid)
{
  Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (pid));

  if (space != NULL && space->gone_ns == 0)
    space->gone_ns = now_ns ();
}

/* Forgets the images of processes that ended more than a second ago. */
void
sweep_spaces (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = now_ns ();

  g_hash_table_iter_init (&iter, self->spaces);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Space *space = value;
      if (space->pid != self->pid && space->gone_ns > 0 && now - space->gone_ns > G_GINT64_CONSTANT (1000000000))
        g_hash_table_iter_remove (&iter);
    }
}

/* ---- ptrace ---- */

static gboolean
seize (LpSampler  *self,
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
      add_thread (self, tid, self->pid);
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
      pid_t tracer = tracer_of (tid);

      /* a thread started after its creator was seized: traced already,
       * by the kernel for us (PTRACE_O_TRACECLONE); its first stop is
       * on its way. Attaching to a thread that started 3,000 threads a
       * second failed with "already traced by laprof-cli" */
      if (tracer == getpid ())
        {
          Thread *t = add_thread (self, tid, self->pid);
          t->fresh = TRUE;
          return TRUE;
        }
      if (tracer > 0)
        {
          g_autofree char *tcomm = read_comm (tracer, 0);
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

GArray *
list_tasks (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task", (int) pid);
  GDir *dir = g_dir_open (path, 0, NULL);
  GArray *tids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  const char *name;

  if (dir == NULL)
    return tids;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      pid_t tid = atoi (name);
      if (tid > 0)
        g_array_append_val (tids, tid);
    }
  g_dir_close (dir);
  return tids;
}

static void     dispatch    (LpSampler *self, pid_t tid, int status);
static gboolean attach_threads (LpSampler *self, pid_t pid, GError **error);

/* Stops every thread and keeps it stopped, new ones included, so that no
 * thread can start another one unseen (see start_assist). Gives up on
 * threads that do not stop within a second (uninterruptible sleep). */
void
hold_all (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 deadline = now_ns () + G_GINT64_CONSTANT (1000000000);

  self->holding = TRUE;
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      if (t->attached && !t->listening)
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
          all = !t->attached || t->listening || t->held;
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
 * wait of hold_all(), is resumed by dispatch(). */
void
release_all (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;

  self->holding = FALSE;
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      if (t->held)
        {
          t->held = FALSE;
          ptrace (PTRACE_CONT, t->tid, 0, 0);
        }
    }
}

gboolean
lp_sampler_attach (LpSampler  *self,
                   pid_t       pid,
                   GError    **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/%d", (int) pid);

  g_return_val_if_fail (self->pid < 0, FALSE);

  if (pid <= 0 || !g_file_test (proc, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS,
                   _("no such process: %d"), (int) pid);
      return FALSE;
    }
  if (pid == getpid ())
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_FAILED,
                   _("laprof cannot profile itself"));
      return FALSE;
    }
  self->pid = pid;
  self->exec_done = TRUE;

  /* permission is checked by the seize or perf_event_open: their errors say
   * what to do; the mappings are read after */
  if (!attach_threads (self, pid, error))
    return FALSE;
  start_assist (self, FALSE);
  return load_address_space (self, error);
}

static gboolean
attach_threads (LpSampler  *self,
                pid_t       pid,
                GError    **error)
{
  if (self->opts.mode == LP_SAMPLER_MODE_CPU)
    {
      /* inherit: threads created later report into their creator's buffer */
      g_autoptr(GArray) tids = list_tasks (pid);
      const char *delay = g_getenv ("LAPROF_TEST_ATTACH_DELAY_MS");

      /* tests: widen the window between the list and the events, in
       * which the threads started are seen by catch_unseen() alone */
      if (delay != NULL)
        g_usleep (1000 * g_ascii_strtoull (delay, NULL, 10));
      for (guint i = 0; i < tids->len; i++)
        {
          pid_t tid = g_array_index (tids, pid_t, i);
          gboolean opened;

          if (self->opts.tids != NULL)
            {
              gboolean wanted = FALSE;
              for (guint j = 0; j < self->opts.n_tids; j++)
                wanted = wanted || self->opts.tids[j] == tid;
              if (!wanted)
                continue;
            }
          if (!open_thread_events (self, tid, pid, &opened, error))
            return FALSE;
        }
      if (g_hash_table_size (self->threads) == 0)
        {
          g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS,
                       _("no such process or thread: %d"), (int) pid);
          return FALSE;
        }
      if (self->opts.tids == NULL)
        return catch_unseen (self, pid, error);
      return TRUE;
    }

  if (self->opts.tids != NULL)
    {
      for (guint i = 0; i < self->opts.n_tids; i++)
        if (!seize (self, self->opts.tids[i], error))
          return FALSE;
      return TRUE;
    }

  /* threads may be created while we attach: rescan until nothing is new */
  for (guint round = 0; round < 100; round++)
    {
      g_autoptr(GArray) tids = list_tasks (pid);
      guint added = 0;

      for (guint i = 0; i < tids->len; i++)
        {
          pid_t tid = g_array_index (tids, pid_t, i);
          g_autoptr(GError) local_error = NULL;

          if (g_hash_table_contains (self->threads, GINT_TO_POINTER (tid)))
            continue;
          if (!seize (self, tid, &local_error))
            {
              /* a thread that ended meanwhile is no failure; the process itself is */
              if (tid != pid && g_error_matches (local_error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS))
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

gboolean
lp_sampler_launch (LpSampler   *self,
                   char       **argv,
                   GError     **error)
{
  int go[2], err[2];
  pid_t child;
  int child_errno = 0;
  gssize n;

  g_return_val_if_fail (self->pid < 0, FALSE);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);

  if (pipe2 (go, O_CLOEXEC) < 0 || pipe2 (err, O_CLOEXEC) < 0)
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_LAUNCH,
                   _("cannot start %s: %s"), argv[0], g_strerror (errno));
      return FALSE;
    }

  child = fork ();
  if (child < 0)
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_LAUNCH,
                   _("cannot start %s: %s"), argv[0], g_strerror (errno));
      return FALSE;
    }
  if (child == 0)
    {
      sigset_t none;
      char c;

      close (go[1]);
      close (err[0]);
      /* wait until the parent has seized us (or died: then run untraced) */
      while (read (go[0], &c, 1) < 0 && errno == EINTR)
        ;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      signal (SIGINT, SIG_DFL);
      signal (SIGTERM, SIG_DFL);
      signal (SIGPIPE, SIG_DFL);
      if (self->opts.child_stdout_to_stderr)
        dup2 (2, 1);
      execvp (argv[0], argv);
      child_errno = errno;
      if (write (err[1], &child_errno, sizeof child_errno) < 0)
        _exit (127);
      _exit (127);
    }

  close (go[0]);
  close (err[1]);
  self->pid = child;
  self->launched = TRUE;
  self->command = g_path_get_basename (argv[0]);

  if (self->opts.mode == LP_SAMPLER_MODE_CPU)
    {
      Thread *t = add_thread (self, child, child);
      t->attached = FALSE;
      if (!attach_perf (self, t, TRUE, error))
        {
          close (go[1]);
          close (err[0]);
          waitpid (child, NULL, 0);
          self->reaped = TRUE;
          return FALSE;
        }
    }
  else if (!seize (self, child, error))
    {
      close (go[1]);
      close (err[0]);
      waitpid (child, NULL, 0);
      self->reaped = TRUE;
      return FALSE;
    }
  else
    start_assist (self, TRUE);

  close (go[1]);
  do
    n = read (err[0], &child_errno, sizeof child_errno);
  while (n < 0 && errno == EINTR);
  close (err[0]);
  if (n == sizeof child_errno)
    {
      int status;

      while (waitpid (child, &status, __WALL) < 0 && errno == EINTR)
        ;
      self->reaped = TRUE;
      g_hash_table_remove_all (self->threads);
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_LAUNCH,
                   _("cannot run %s: %s"), argv[0], g_strerror (child_errno));
      return FALSE;
    }
  /* exec has happened (the error pipe closed on it) */
  if (self->opts.mode == LP_SAMPLER_MODE_CPU)
    {
      self->exec_done = TRUE;
      return load_address_space (self, error);
    }
  return TRUE;
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

  if (t->signal_stops == NULL)
    t->signal_stops = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (t->signal_stops->len >= 4096)
    return;
  g_array_append_val (t->signal_stops, now);
  t->weight = 1;
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

  if (ptrace (PTRACE_GETREGS, t->tid, 0, &regs) < 0)
    {
      self->stats.lost[LP_SAMPLER_LOST_READ]++;
      self->batch_lost++;
      return;
    }
  if (!is_idle (&regs, &nr) && t->found_blocked && (long) regs.orig_rax >= 0)
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
  if (nr == 219 && t->last_syscall >= 0)
    nr = t->last_syscall;
  else if (nr >= 0)
    t->last_syscall = nr;
  slot = next_slot (self);
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
  slot->thread_frame = self->opts.threads ? thread_frame (self, t) : G_MAXUINT32;
  slot->idle_syscall = nr;
  /* a thread that has just come out of clone/clone3 in the child (rax 0):
   * its stack is empty and the CFI there is the parent's */
  slot->just_born = ((long) regs.orig_rax == 56 || (long) regs.orig_rax == 435) && regs.rax == 0;
  slot->clone_parent = ((long) regs.orig_rax == 56 || (long) regs.orig_rax == 435) && (long) regs.rax > 0;
  slot->on_cpu = FALSE;
  slot->in_kernel = FALSE;
  slot->signal_stop = FALSE;
  slot->weight = MAX (t->weight, 1);
  t->weight = 1;
  self->n_slots++;
}

static void
thread_gone (LpSampler *self,
             pid_t      tid,
             int        status)
{
  Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));

  if (t != NULL && t->pending)
    {
      self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
      self->batch_lost++;
    }
  if (t != NULL)
    g_hash_table_remove (self->threads, GINT_TO_POINTER (tid));
  /* counted, and forgotten: a set of every thread ever seen grew by 32
   * bytes a thread (1,000 threads a second: 2 MiB a minute) */
  if (g_hash_table_remove (self->seen, GINT_TO_POINTER (tid)))
    self->n_seen_gone++;
  /* a process leader's exit is reported once all its threads are gone */
  if (tid != self->pid && g_hash_table_contains (self->spaces, GINT_TO_POINTER (tid)))
    space_gone (self, tid);
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

/* Samples @t, which was interrupted (t->pending) and is now in a ptrace
 * stop; the caller resumes it. */
static void
sample_stopped (LpSampler *self,
                Thread    *t)
{
  gint64 t0 = now_ns ();

  t->pending = FALSE;
  snapshot_ptrace (self, t);
  if (!self->assist && !t->found_blocked && t->check_ns > 0)
    running_stop_time (self, t);
  self->stats.stops++;
  self->stats.stop_ns += now_ns () - t0;
  if (self->n_slots > 0)
    {
      Slot *slot = &g_array_index (self->slots, Slot, self->n_slots - 1);
      if (slot->space == NULL)
        slot->space = space_ref (space_for (self, slot->tgid));
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
      thread_gone (self, tid, status);
      return;
    }
  if (!WIFSTOPPED (status))
    return;

  sig = WSTOPSIG (status);
  event = (unsigned) status >> 16;
  t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));
  if (t == NULL)
    t = add_thread (self, tid, 0);   /* a new thread can report before its creator's clone event */

  switch (event)
    {
    case PTRACE_EVENT_STOP:
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
        {
          /* job-control stop: stay stopped, but let us see SIGCONT */
          if (t->pending)
            {
              t->pending = FALSE;
              self->stats.lost[LP_SAMPLER_LOST_TIMEOUT]++;
              self->batch_lost++;
            }
          if (self->detaching)
            detach_thread (self, t, 0);
          else
            {
              t->listening = TRUE;
              ptrace (PTRACE_LISTEN, tid, 0, 0);
            }
          return;
        }
      t->listening = FALSE;
      if (self->detaching)
        {
          detach_thread (self, t, 0);
          return;
        }
      if (self->holding)
        {
          /* our interrupt, or the first stop of a new thread: keep it
           * stopped until release_all() */
          t->fresh = FALSE;
          t->held = TRUE;
          return;
        }
      if (t->fresh)
        {
          /* the first stop of a new thread, maybe our interrupt merged into it */
          t->fresh = FALSE;
          if (t->pending)
            {
              t->pending = FALSE;
              self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
              self->batch_lost++;
            }
          ptrace (PTRACE_CONT, tid, 0, 0);
          return;
        }
      if (t->pending)
        {
          sample_stopped (self, t);
          ptrace (PTRACE_CONT, tid, 0, 0);
          return;
        }
      ptrace (PTRACE_CONT, tid, 0, 0);
      return;

    case PTRACE_EVENT_CLONE:
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
      {
        unsigned long msg = 0;

        if (!t->pending && !self->detaching && self->assist && t->unsampled_carry >= 2 * (gint64) (self->opts.period * 1e9))
          {
            /* its time on a CPU the kernel did not sample (see
             * runnable_sample): here, in its clone */
            gint64 period_ns = (gint64) (self->opts.period * 1e9);
            gboolean was_blocked = t->found_blocked;

            t->weight = (guint) (t->unsampled_carry / period_ns);
            t->unsampled_carry -= (gint64) t->weight * period_ns;
            t->found_blocked = FALSE;
            t->pending = TRUE;
            sample_stopped (self, t);
            t->found_blocked = was_blocked;
            if (self->n_slots > 0 && g_array_index (self->slots, Slot, self->n_slots - 1).tid == tid)
              g_array_index (self->slots, Slot, self->n_slots - 1).clone_parent = event == PTRACE_EVENT_CLONE;
          }
        else if (t->pending && !self->detaching)
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
            Thread *nt = add_thread (self, (pid_t) msg, event == PTRACE_EVENT_CLONE ? 0 : (pid_t) msg);
            nt->fresh = TRUE;
          }
        if (self->detaching)
          detach_thread (self, t, 0);
        else
          ptrace (PTRACE_CONT, tid, 0, 0);
        return;
      }

    case PTRACE_EVENT_EXIT:
      /* the thread ends (its process, maybe): unwind now the samples
       * taken so far, which may need to read stacks deeper than their
       * copies, while its memory is there */
      if (t->pending)
        {
          t->pending = FALSE;
          self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
          self->batch_lost++;
        }
      if (!self->detaching)
        {
          if (self->assist)
            tick_perf (self);
          collapse_slots (self);
        }
      ptrace (PTRACE_CONT, tid, 0, 0);
      return;

    case PTRACE_EVENT_EXEC:
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
        t = add_thread (self, tgid, tgid);
        if (tgid == self->pid)
          {
            self->exec_done = TRUE;
            load_address_space (self, NULL);
          }
        else
          {
            Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (tgid));
            if (space != NULL)
              space->stale = TRUE;
          }
        if (self->detaching)
          detach_thread (self, t, 0);
        else
          ptrace (PTRACE_CONT, tgid, 0, 0);
        return;
      }

    case 0:
      /* a signal on its way to the target: deliver it */
      if (self->detaching)
        detach_thread (self, t, sig);
      else
        {
          /* stopped while running: the time off a CPU this costs it (the
           * stop, then the wait for a CPU again) is its running code's */
          if (t->pending)
            sample_stopped (self, t);   /* this stop took our interrupt's place */
          else if (self->assist && self->switches)
            signal_stop_sample (self, t);
          else if (!t->found_blocked && t->check_ns > 0)
            running_stop_time (self, t);
          ptrace (PTRACE_CONT, tid, 0, (void *) (long) sig);
        }
      return;

    default:
      if (self->detaching)
        detach_thread (self, t, 0);
      else
        ptrace (PTRACE_CONT, tid, 0, 0);
      return;
    }
}

static void
drain_sigfd (LpSampler *self)
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

/* Waits up to @timeout_ns for a wait status (SIGCHLD) or @stop_fd. */
static gboolean
wait_event (LpSampler *self,
            gint64     timeout_ns,
            int        stop_fd)
{
  struct pollfd fds[2] = { { self->sigfd, POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
  struct timespec ts;

  if (timeout_ns < 0)
    timeout_ns = 0;
  ts.tv_sec = timeout_ns / 1000000000;
  ts.tv_nsec = timeout_ns % 1000000000;
  if (ppoll (fds, stop_fd >= 0 ? 2 : 1, &ts, NULL) > 0)
    {
      if (fds[0].revents & POLLIN)
        drain_sigfd (self);
      return stop_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP));
    }
  return FALSE;
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
          if (t == NULL || t->pending || t->listening || t->fresh)
            continue;
          if (ptrace (PTRACE_INTERRUPT, tid, 0, 0) < 0)
            {
              self->stats.lost[LP_SAMPLER_LOST_EXITED]++;
              self->batch_lost++;
              continue;
            }
          t->pending = TRUE;
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
              if (t == NULL || !t->pending)
                break;
            }
          if (r < 0 && errno != EINTR)
            thread_gone (self, window[i].tid, 0);
        }

      /* out of the window: the stops that came, the threads that went,
       * the stops that are late (handled by dispatch() when they come) */
      now = now_ns ();
      wake = G_MAXINT64;
      for (guint i = 0; i < n_window;)
        {
          Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (window[i].tid));

          if (t != NULL && t->pending && now < window[i].deadline)
            {
              wake = MIN (wake, window[i].deadline);
              i++;
              continue;
            }
          if (t != NULL && t->pending)
            {
              self->stats.lost[LP_SAMPLER_LOST_TIMEOUT]++;
              self->batch_lost++;
            }
          window[i] = window[--n_window];
        }
      if (n_window == 0 || (n_window < STOP_WINDOW && next < todo->len))
        continue;
      if (now < spin_until)
        sched_yield ();
      else
        wait_event (self, wake - now, -1);
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

  self->accounted = TRUE;
  if (self->assist)
    tick_perf (self);   /* the samples of threads on a CPU */

  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;

      if (t->pending || t->listening || t->fresh || !t->attached)
        {
          steady = FALSE;
          continue;
        }
      if (runnable_sample (self, t, &steady) || reuse_sample (self, t, MAX (t->weight, 1)))
        {
          t->weight = 1;
          continue;
        }
      g_array_append_val (todo, t->tid);
      steady = FALSE;
    }
  /* when every thread runs, or sits in the same system call, nothing is
   * lost between two checks: the kernel samples the running ones and the
   * blocked ones stand for every tick they slept through. The engine then
   * wakes less often (twice the interval each time, up to 10 ms); a
   * thread that blocks brings it back to every tick. */
  if (steady && self->assist)
    self->next_stride = MIN (self->stride * 2, MAX (MAX_CHECK_NS / (gint64) (self->opts.period * 1e9), 1));
  else
    self->next_stride = 1;
  sample_threads (self, todo);
}

/* Leaves every thread running (or in its job-control stop). */
static void
detach_all (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 deadline;

  self->detaching = TRUE;
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      if (t->attached && !t->pending)
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
          if (!t->pending)
            {
              t->pending = TRUE;
              ptrace (PTRACE_INTERRUPT, t->tid, 0, 0);
            }
        }
      wait_event (self, G_GINT64_CONSTANT (10000000), -1);
    }
  /* what is left (stuck in uninterruptible sleep) is detached by the kernel
   * when we exit */
  self->detaching = FALSE;
}

static gboolean
target_alive (LpSampler *self)
{
  int status;

  if (self->launched)
    {
      pid_t r = waitpid (self->pid, &status, WNOHANG);
      if (r == self->pid)
        {
          thread_gone (self, self->pid, status);
          return FALSE;
        }
      return r == 0;
    }
  {
    g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) self->pid);
    g_autofree char *contents = NULL;
    const char *p;

    if (!g_file_get_contents (path, &contents, NULL, NULL))
      return FALSE;
    p = strrchr (contents, ')');
    return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
  }
}

/* ---- the loop ---- */

/* A new tick: the images may read changed mappings again. */
static void
set_generation (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->spaces);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Space *space = value;

      if (space->unwinder != NULL)
        lp_unwinder_set_generation (space->unwinder, self->generation);
      if (space->symbols != NULL)
        lp_symbols_set_generation (space->symbols, self->generation);
    }
}

gboolean
lp_sampler_run (LpSampler  *self,
                int         stop_fd,
                GError    **error)
{
  sigset_t chld, old;
  gint64 period_ns = (gint64) (self->opts.period * 1e9);
  gint64 flush_ns = (gint64) (self->opts.flush_interval * 1e9);
  gint64 next_tick, next_flush, end_ns = 0;
  gboolean ok = TRUE;
  gboolean cpu = self->opts.mode == LP_SAMPLER_MODE_CPU;

  g_return_val_if_fail (self->pid > 0, FALSE);

  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  pthread_sigmask (SIG_BLOCK, &chld, &old);
  self->sigfd = signalfd (-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);

  self->start_ns = now_ns ();
  next_tick = self->start_ns;
  next_flush = self->start_ns + flush_ns;
  if (self->opts.duration > 0)
    end_ns = self->start_ns + (gint64) (self->opts.duration * 1e9);
  if (cpu)
    period_ns = 10 * 1000 * 1000;  /* the kernel samples; we only drain its buffers */

  while (ok)
    {
      gint64 now, wake;

      if (!cpu)
        drain_events (self);
      else if (!target_alive (self))
        self->stats.target_exited = TRUE;
      if (self->stats.target_exited || g_hash_table_size (self->threads) == 0)
        break;
      now = now_ns ();
      if (end_ns > 0 && now >= end_ns)
        break;
      if (now >= next_tick)
        {
          self->generation++;
          set_generation (self);
          if (cpu)
            tick_perf (self);
          else if (self->exec_done)
            {
              tick_ptrace (self);
              self->stats.ticks++;
            }
          collapse_slots (self);
          /* wall mode: checks may be spaced out when nothing blocks */
          next_tick += period_ns * (cpu ? 1 : self->next_stride);
          self->stride = self->next_stride;
          now = now_ns ();
          if (next_tick < now)
            {
              guint64 missed = (now - next_tick) / period_ns + 1;
              /* wall mode counts the time it was late for from schedstat */
              if (!cpu && self->exec_done && !self->accounted)
                {
                  self->stats.lost[LP_SAMPLER_LOST_LATE] += missed * g_hash_table_size (self->threads);
                  self->batch_lost += missed * g_hash_table_size (self->threads);
                }
              next_tick += missed * period_ns;
            }
        }
      if (flush_ns > 0 && now >= next_flush)
        {
          ok = flush_batch (self, error);
          next_flush += flush_ns;
          if (next_flush < now)
            next_flush = now + flush_ns;
        }
      wake = next_tick;
      if (flush_ns > 0)
        wake = MIN (wake, next_flush);
      if (end_ns > 0)
        wake = MIN (wake, end_ns);
      if (wait_event (self, wake - now_ns (), stop_fd))
        break;
    }

  self->stats.duration = (now_ns () - self->start_ns) / 1e9;
  if (cpu)
    {
      tick_perf (self);
      collapse_slots (self);
      close_perf (self);
      g_hash_table_remove_all (self->threads);
    }
  else
    {
      if (self->assist)
        tick_perf (self);
      collapse_slots (self);
      if (!self->stats.target_exited)
        detach_all (self);
      close_perf (self);
    }
  self->stats.perf_assist = self->assist;
  if (ok)
    ok = flush_batch (self, error);

  close (self->sigfd);
  self->sigfd = -1;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return ok;
}

gboolean
lp_sampler_wait_child (LpSampler *self,
                       int       *status)
{
  if (!self->launched)
    return FALSE;
  if (self->reaped)
    {
      *status = self->stats.exit_status;
      return self->stats.exit_status_known;
    }
  while (waitpid (self->pid, status, 0) < 0)
    if (errno != EINTR)
      return FALSE;
  self->reaped = TRUE;
  self->stats.exit_status = *status;
  self->stats.exit_status_known = TRUE;
  return TRUE;
}
