/* lp-sampler.c: the sampler's public API, its images and thread table, attach and launch, and the loop that drives the sources (lp-source-*.c).
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
#include "lp-kernel.h"
#include "lp-sampler.h"
#include "lp-sampler-private.h"
#include "lp-symbols.h"
#include "lp-unwinder.h"

/* With Python frames on, perf events' samples are drained this often,
 * whatever the tick: their Python stacks are read then, a quarter of a
 * millisecond after the sample on average (the shares of a workload whose
 * Python calls last 0.5-3 ms were 3.6 points off with 1 ms, 5 points with
 * the 10 ms of cpu mode's tick) */
#define PYTHON_DRAIN_NS (250 * 1000)

/* how many samples of a thread may look for its Python name */
#define MAX_PYTHON_NAME_TRIES 20

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
_lp_sampler_space_unref (gpointer data)
{
  Space *space = data;

  if (space == NULL || --space->ref > 0)
    return;
  g_clear_pointer (&space->unwinder, lp_unwinder_free);
  g_clear_pointer (&space->symbols, lp_symbols_free);
  _lp_python_frames_clear (&space->python);
  g_hash_table_unref (space->frame_cache);
  g_hash_table_unref (space->inlined_cache);
  g_free (space);
}

Space *
_lp_sampler_space_ref (Space *space)
{
  space->ref++;
  return space;
}

static void
thread_free (gpointer data)
{
  Thread *t = data;

  if (t->wall.schedstat_fd >= 0)
    close (t->wall.schedstat_fd);
  if (t->wall.stat_fd >= 0)
    close (t->wall.stat_fd);
  if (t->signal.syscall_fd >= 0)
    close (t->signal.syscall_fd);
  if (t->wall.signal_stops != NULL)
    g_array_unref (t->wall.signal_stops);
  if (t->wall.signal_frames != NULL)
    g_array_unref (t->wall.signal_frames);
  if (t->wall.kernel_frames != NULL)
    g_array_unref (t->wall.kernel_frames);
  if (t->wall.kernel_last != NULL)
    g_array_unref (t->wall.kernel_last);
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
  self->period_ns = (gint64) (options->period * 1e9);
  self->source = options->mode == LP_SAMPLER_MODE_CPU ? &lp_source_perf : &lp_source_ptrace;
  if (self->opts.tids != NULL)
    self->opts.tids = g_memdup2 (options->tids, sizeof (pid_t) * options->n_tids);
  if (self->opts.stack_size == 0)
    self->opts.stack_size = DEFAULT_STACK_SIZE;
  self->dest = dest;
  self->pid = -1;
  self->ptrace.stride = self->ptrace.next_stride = 1;
  self->sigfd = -1;
  self->threads = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, thread_free);
  self->seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->perf.rings = g_ptr_array_new_with_free_func (_lp_perf_ring_free);
  self->perf.fds = g_array_new (FALSE, FALSE, sizeof (int));
  self->perf.switch_log = g_array_new (FALSE, FALSE, sizeof (Switch));
  self->perf.switches = self->opts.mode == LP_SAMPLER_MODE_WALL;
  self->perf.sample_time = TRUE;
  self->spaces = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, _lp_sampler_space_unref);
  self->idle_frames = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
  self->ips = g_new (guint64, MAX_FRAMES);
  self->native = g_new (guint32, LP_MAX_NATIVE_FRAMES);
  self->frames = g_new (guint32, LP_MAX_STACK_FRAMES);
  self->last_counts = g_array_new (FALSE, TRUE, sizeof (double));
  self->dirty = g_array_new (FALSE, FALSE, sizeof (guint));
  self->dirty_flag = g_byte_array_new ();
  self->deltas = g_array_new (FALSE, FALSE, sizeof (double));
  self->truncated_frame = lp_folded_intern (dest, "[truncated]", -1);
  self->signal_frame = lp_folded_intern (dest, "[signal handler called]", -1);
  self->python.gil_frame = lp_folded_intern (dest, LP_COLLAPSE_IDLE_PREFIX ": GIL]", -1);
  self->python.unreadable_frame = lp_folded_intern (dest, "[python: unreadable]", -1);
  return self;
}

void
lp_sampler_free (LpSampler *self)
{
  if (self == NULL)
    return;
  if (self->signal.ring != NULL)
    {
      /* attached in-process but never run: timers off, the ring freed */
      lp_source_signal.drain (self);
      lp_source_signal.detach (self);
    }
  g_hash_table_unref (self->threads);
  g_hash_table_unref (self->seen);
  _lp_perf_close (self);
  g_ptr_array_unref (self->perf.rings);
  g_array_unref (self->perf.fds);
  g_array_unref (self->perf.switch_log);
  g_hash_table_unref (self->idle_frames);
  g_clear_pointer (&self->unnamed_modules, g_hash_table_unref);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->source_files, g_hash_table_unref);
  for (guint i = 0; i < self->slots->len; i++)
    {
      g_free (g_array_index (self->slots, Slot, i).snap.stack);
      g_free (g_array_index (self->slots, Slot, i).py_frames);
      g_free (g_array_index (self->slots, Slot, i).kframes);
      if (i < self->n_slots)
        _lp_sampler_space_unref (g_array_index (self->slots, Slot, i).space);
    }
  g_hash_table_unref (self->spaces);
  g_array_unref (self->slots);
  g_free (self->ips);
  g_free (self->native);
  g_free (self->frames);
  g_array_unref (self->last_counts);
  g_array_unref (self->dirty);
  g_byte_array_unref (self->dirty_flag);
  g_array_unref (self->deltas);
  if (self->sigfd >= 0)
    close (self->sigfd);
  g_free ((gpointer) self->opts.tids);
  g_free (self->command);
  g_free (self->python.status);
  _lp_kernel_frames_free (self);
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
lp_sampler_set_sample_func (LpSampler           *self,
                            LpSamplerSampleFunc  func,
                            gpointer             user_data)
{
  self->sample_func = func;
  self->sample_data = user_data;
}

gint64
lp_sampler_get_start_ns (const LpSampler *self)
{
  return self->start_ns;
}

char *
lp_sampler_get_thread_name (LpSampler *self,
                            pid_t      pid,
                            pid_t      tid,
                            gboolean  *final)
{
  gboolean tried = FALSE;
  char *name = NULL;

  if (!self->opts.no_python)
    name = _lp_python_frames_thread_name (self, pid, tid, &tried);
  if (final != NULL)
    *final = name != NULL || self->opts.no_python;
  if (name == NULL)
    name = _lp_sampler_read_comm (pid, tid);
  return name;
}

/* _lp_sampler_thread_ended: tells the sample function that @tid ended */
void
_lp_sampler_thread_ended (LpSampler *self,
                          pid_t      tid)
{
  LpSamplerSample sample = { 0 };

  if (self->sample_func == NULL)
    return;
  sample.tid = tid;
  sample.ended = TRUE;
  sample.time_ns = now_ns () - self->start_ns;
  self->sample_func (self, &sample, self->sample_data);
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

const char *
lp_sampler_get_python (const LpSampler *self,
                       gboolean        *on)
{
  if (on != NULL)
    *on = self->python.on;
  return self->python.status;
}

const char *
lp_sampler_get_kernel (const LpSampler *self,
                       gboolean        *on)
{
  if (on != NULL)
    *on = self->kernel.callchains || self->kernel.stacks;
  return self->kernel.status;
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

char *
_lp_sampler_read_comm (pid_t pid,
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
pid_t
_lp_sampler_tracer_of (pid_t pid)
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
_lp_sampler_add_thread (LpSampler *self,
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
  t->ptrace.attached = TRUE;
  t->wall.stat_fd = -2;
  t->wall.run_delay = G_MAXUINT64;
  t->ptrace.last_syscall = -1;
  t->wall.schedstat_fd = -2;  /* not opened yet; -1: cannot be */
  t->signal.syscall_fd = -2;
  g_hash_table_insert (self->threads, GINT_TO_POINTER (tid), t);
  g_hash_table_add (self->seen, GINT_TO_POINTER (tid));
  return t;
}

guint32
_lp_sampler_thread_frame (LpSampler *self,
                          Thread    *t)
{
  /* a Python thread is named as Python names it, once its interpreter
   * is found and its threading.Thread known: tried at its first samples */
  if (t->python_name_tries < MAX_PYTHON_NAME_TRIES && !self->opts.no_python)
    {
      gboolean tried = FALSE;
      g_autofree char *python_name = _lp_python_frames_thread_name (self, t->tgid, t->tid, &tried);

      t->python_name_tries += tried;
      if (python_name != NULL)
        {
          g_autofree char *name = g_strdup_printf ("%s-%d", python_name, (int) t->tid);
          t->frame = lp_folded_intern (self->dest, name, -1);
          t->python_name_tries = MAX_PYTHON_NAME_TRIES;
        }
    }
  if (t->frame == G_MAXUINT32)
    {
      g_autofree char *comm = _lp_sampler_read_comm (t->tgid, t->tid);
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
  g_autofree char *comm = _lp_sampler_read_comm (pid, 0);
  const char *name;

  space->ref = 1;
  space->pid = pid;
  space->frame_cache = g_hash_table_new (g_direct_hash, g_direct_equal);
  space->inlined_cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                (GDestroyNotify) g_array_unref);
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
_lp_sampler_space_for (LpSampler *self,
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

/* In-process runs keep the image of their process from run to run:
 * reading the symbols and unwind tables of a Python interpreter and its
 * libraries takes some 30 ms, which a handler profiled at each call
 * would pay each time. */
static Space *kept_self_space;   /* exchanged atomically: no lock to be
                                  * left held in a forked child */
static gboolean kept_self_lines;

/* _lp_sampler_keep_self_space: at the end of an in-process run, keeps its
 * image for the next one. */
void
_lp_sampler_keep_self_space (LpSampler *self)
{
  Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (self->pid));
  Space *old;

  if (space == NULL || space->unwinder == NULL)
    return;
  kept_self_lines = self->opts.lines;
  old = g_atomic_pointer_exchange (&kept_self_space, _lp_sampler_space_ref (space));
  if (old != NULL)
    _lp_sampler_space_unref (old);
}

/* The kept image, made ready to count into this run's aggregate; NULL
 * when there is none for this process and these options. */
static Space *
take_self_space (LpSampler *self)
{
  Space *space;

  space = g_atomic_pointer_exchange (&kept_self_space, NULL);
  if (space == NULL)
    return NULL;
  if (space->pid != self->pid || kept_self_lines != self->opts.lines)
    {
      /* a forked child's inheritance, or other options */
      _lp_sampler_space_unref (space);
      return NULL;
    }
  {
    g_autofree char *comm = _lp_sampler_read_comm (self->pid, 0);

    g_free (self->command);
    self->command = g_strdup (comm != NULL ? comm : "process");
  }
  space->frame = lp_folded_intern (self->dest, self->command, -1);
  g_hash_table_remove_all (space->frame_cache);
  g_hash_table_remove_all (space->inlined_cache);
  _lp_python_frames_reuse (self, space);
  return space;
}

/* The target's image, (re)read at the start and after its exec. */
gboolean
_lp_sampler_load_address_space (LpSampler  *self,
                                GError    **error)
{
  Space *space = self->signal.in_process ? take_self_space (self) : NULL;
  gboolean ok;

  if (space == NULL)
    space = space_new (self, self->pid, error);
  ok = space->unwinder != NULL;

  g_hash_table_replace (self->spaces, GINT_TO_POINTER (self->pid), space);
  return ok;
}

/* Marks process @pid as ended; its image is kept a moment for samples still
 * in the kernel's buffers (see _lp_sampler_sweep_spaces). */
void
_lp_sampler_space_gone (LpSampler *self,
                        pid_t      pid)
{
  Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (pid));

  if (space != NULL && space->gone_ns == 0)
    space->gone_ns = now_ns ();
}

/* Forgets the images of processes that ended more than a second ago. */
void
_lp_sampler_sweep_spaces (LpSampler *self)
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

GArray *
_lp_sampler_list_tasks (pid_t pid)
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


/* cpu mode's kernel call chains name their frames from /proc/kallsyms:
 * read before anything starts (0.1 s), not at the first call chain, where
 * the sampler stalled while the rings filled and the samples' Python
 * stacks were read from a thread that had moved on (a deep recursion's
 * share off by 5 to 10 points); before the target's threads are listed,
 * so that none started meanwhile goes unseen. The table is the
 * process's, kept. */
/* whether the perf events ask the kernel for its call chains */
static gboolean
wants_callchains (LpSampler *self)
{
  return self->opts.mode == LP_SAMPLER_MODE_CPU && !self->opts.no_kernel_calls && !self->opts.no_kernel;
}

static void
preload_kernel_symbols (LpSampler *self)
{
  if (wants_callchains (self))
    (void) lp_kernel_symbols_get (NULL);
}

gboolean
lp_sampler_attach (LpSampler  *self,
                   pid_t       pid,
                   GError    **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/%d", (int) pid);

  g_return_val_if_fail (self->pid < 0, FALSE);
  preload_kernel_symbols (self);

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
  _lp_kernel_frames_start (self, pid, wants_callchains (self));
  if (!self->source->attach (self, pid, error))
    return FALSE;
  _lp_perf_start_assist (self, FALSE);
  return _lp_sampler_load_address_space (self, error);
}

gboolean
lp_sampler_attach_self (LpSampler  *self,
                        GError    **error)
{
  g_return_val_if_fail (self->pid < 0, FALSE);

  self->pid = getpid ();
  self->exec_done = TRUE;
  self->source = &lp_source_signal;
  self->signal.in_process = TRUE;
  /* blocked threads' kernel stacks; no call chains without perf events */
  _lp_kernel_frames_start (self, self->pid, FALSE);
  if (!self->source->attach (self, self->pid, error))
    return FALSE;
  return _lp_sampler_load_address_space (self, error);
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
  preload_kernel_symbols (self);

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

  _lp_kernel_frames_start (self, child, wants_callchains (self));
  if (!self->source->attach_child (self, child, error))
    {
      close (go[1]);
      close (err[0]);
      waitpid (child, NULL, 0);
      self->reaped = TRUE;
      return FALSE;
    }

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
      g_autoptr(GError) local = NULL;

      self->exec_done = TRUE;
      if (!_lp_sampler_load_address_space (self, &local))
        {
          /* the command may already be in its next exec (a shell shim
           * such as pyenv's python3 execs the interpreter at once): its
           * image is read again at its first sample, and only a process
           * that is gone is an error */
          Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (self->pid));

          if (kill (self->pid, 0) < 0)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          g_debug ("%s: read again at the first sample", local->message);
          space->stale = TRUE;
        }
    }
  return TRUE;
}

/* Waits up to @timeout_ns for a wait status (SIGCHLD) or @stop_fd. */
gboolean
_lp_sampler_wait_event (LpSampler *self,
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
        _lp_ptrace_drain_sigfd (self);
      return stop_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP));
    }
  return FALSE;
}

gboolean
_lp_sampler_target_alive (LpSampler *self)
{
  int status;

  if (self->launched)
    {
      pid_t r = waitpid (self->pid, &status, WNOHANG);
      if (r == self->pid)
        {
          _lp_ptrace_thread_gone (self, self->pid, status);
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

  /* a debug file arrived: symbols made again (lp-sampler-names.c) */
  _lp_sampler_names_refresh (self);
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
  gint64 tick_ns = self->period_ns;
  gint64 flush_ns = (gint64) (self->opts.flush_interval * 1e9);
  gint64 next_tick, next_flush, next_python = 0, end_ns = 0;
  gboolean ok = TRUE;
  gboolean cpu = self->opts.mode == LP_SAMPLER_MODE_CPU;

  g_return_val_if_fail (self->pid > 0, FALSE);

  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  /* in-process, the program's SIGCHLD is its own: the source's event
   * descriptor wakes the loop instead */
  if (!self->signal.in_process)
    {
      pthread_sigmask (SIG_BLOCK, &chld, &old);
      self->sigfd = signalfd (-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    }

  self->start_ns = now_ns ();
  next_tick = self->start_ns;
  next_flush = self->start_ns + flush_ns;
  if (self->opts.duration > 0)
    end_ns = self->start_ns + (gint64) (self->opts.duration * 1e9);
  if (cpu)
    tick_ns = 10 * 1000 * 1000;  /* the kernel samples; we only drain its buffers */
  else if (self->signal.in_process)
    /* running threads are sampled by their timers; blocked ones are
     * checked at the kernel's tick at most (their samples weigh the time
     * since), each wake-up of this thread being a cost to the program */
    tick_ns = MAX (tick_ns, IN_PROCESS_TICK_NS);

  while (ok)
    {
      gint64 now, wake;

      self->source->poll (self);
      /* in-process, poll drains the signal handler's ring: its samples
       * are collapsed now (the other sources' at their ticks, as before) */
      if (self->signal.in_process && self->n_slots > 0)
        _lp_collapse_slots (self);
      if (self->stats.target_exited || g_hash_table_size (self->threads) == 0)
        break;
      now = now_ns ();
      if (end_ns > 0 && now >= end_ns)
        break;
      if (now >= next_tick)
        {
          self->generation++;
          set_generation (self);
          self->source->tick (self);
          _lp_collapse_slots (self);
          /* wall mode: checks may be spaced out when nothing blocks */
          next_tick += tick_ns * (cpu ? 1 : self->ptrace.next_stride);
          self->ptrace.stride = self->ptrace.next_stride;
          now = now_ns ();
          if (next_tick < now)
            {
              guint64 missed = (now - next_tick) / tick_ns + 1;
              /* wall mode counts the time it was late for from schedstat */
              if (!cpu && self->exec_done && !self->wall.accounted)
                {
                  self->stats.lost[LP_SAMPLER_LOST_LATE] += missed * g_hash_table_size (self->threads);
                  self->batch_lost += missed * g_hash_table_size (self->threads);
                }
              next_tick += missed * tick_ns;
            }
        }
      /* Python frames are read from the live process when perf events'
       * samples are collapsed: the sooner, the closer to the sample */
      if (self->python.on && self->perf.rings->len > 0 && now >= next_python)
        {
          _lp_perf_tick (self);
          _lp_collapse_slots (self);
          now = now_ns ();
          next_python = now + PYTHON_DRAIN_NS;
        }
      if (flush_ns > 0 && now >= next_flush)
        {
          ok = _lp_collapse_flush_batch (self, error);
          next_flush += flush_ns;
          if (next_flush < now)
            next_flush = now + flush_ns;
        }
      wake = next_tick;
      if (flush_ns > 0)
        wake = MIN (wake, next_flush);
      if (end_ns > 0)
        wake = MIN (wake, end_ns);
      if (self->python.on && self->perf.rings->len > 0)
        wake = MIN (wake, next_python);
      if (self->signal.in_process)
        wake = MIN (wake, self->signal.next_scan_ns);
      if (_lp_sampler_wait_event (self, wake - now_ns (), stop_fd))
        break;
    }

  self->stats.duration = (now_ns () - self->start_ns) / 1e9;
  self->source->drain (self);
  _lp_collapse_slots (self);
  self->source->detach (self);
  self->stats.perf_assist = self->perf.assist;
  if (ok)
    ok = _lp_collapse_flush_batch (self, error);

  if (!self->signal.in_process)
    {
      close (self->sigfd);
      self->sigfd = -1;
      pthread_sigmask (SIG_SETMASK, &old, NULL);
    }
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
