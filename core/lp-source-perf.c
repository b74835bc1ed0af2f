/* lp-source-perf.c: the perf events source: per-CPU rings, their samples and context-switch records.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lp-sampler-private.h"


void
_lp_perf_ring_free (gpointer data)
{
  Ring *ring = data;

  if (ring == NULL)
    return;
  munmap (ring->map, ring->size);   /* its event is closed with the others */
  g_free (ring);
}

/* Closes every perf event and its buffers. */
void
_lp_perf_close (LpSampler *self)
{
  for (guint i = 0; i < self->perf.fds->len; i++)
    close (g_array_index (self->perf.fds, int, i));
  g_array_set_size (self->perf.fds, 0);
  g_ptr_array_set_size (self->perf.rings, 0);
}

/* Wall mode: opens perf events on every thread, so that at a tick a
 * running thread is not stopped; the kernel samples it as in cpu mode
 * (see _lp_wall_time_runnable_sample). Threads created later inherit the events; while
 * they are opened the threads of an attached process are held, so that
 * none starts a thread in between. Without perf events (refused, or no
 * file descriptors left), every thread is stopped at each tick. */
void
_lp_perf_start_assist (LpSampler *self,
                       gboolean   on_exec)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;
  gboolean ok = TRUE;

  if (self->opts.mode != LP_SAMPLER_MODE_WALL || self->opts.stop_running)
    return;
  if (!on_exec)
    _lp_ptrace_hold_all (self);
  g_hash_table_iter_init (&iter, self->threads);
  while (ok && g_hash_table_iter_next (&iter, NULL, &value))
    {
      ok = _lp_perf_attach (self, value, on_exec, &error);
      if (!ok && g_error_matches (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS))
        {
          ok = TRUE;   /* a thread that has just ended */
          g_clear_error (&error);
        }
    }
  if (ok)
    self->perf.assist = TRUE;
  else
    {
      g_debug ("wall mode stops running threads too: %s", error->message);
      _lp_perf_close (self);
    }
  if (!on_exec)
    _lp_ptrace_release_all (self);
}

static void ring_copy (const guint8 *data, gsize data_size, guint64 pos, void *dst, gsize len);

/* The threads whose start the events of their creator reported (a
 * PERF_RECORD_FORK), read from the rings without consuming them. */
static GHashTable *
peek_forks (LpSampler *self)
{
  GHashTable *forked = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < self->perf.rings->len; i++)
    {
      Ring *ring = g_ptr_array_index (self->perf.rings, i);
      struct perf_event_mmap_page *meta;
      guint64 head, pos;

      if (ring == NULL)
        continue;
      meta = (void *) ring->map;
      head = __atomic_load_n (&meta->data_head, __ATOMIC_ACQUIRE);
      for (pos = meta->data_tail; pos < head;)
        {
          struct perf_event_header hdr;
          guint32 ids[4];   /* pid, ppid, tid, ptid */

          ring_copy (ring->map + 4096, ring->size - 4096, pos, &hdr, sizeof hdr);
          if (hdr.size < sizeof hdr)
            break;
          if (hdr.type == PERF_RECORD_FORK && hdr.size >= sizeof hdr + sizeof ids)
            {
              ring_copy (ring->map + 4096, ring->size - 4096, pos + sizeof hdr, ids, sizeof ids);
              g_hash_table_add (forked, GINT_TO_POINTER ((pid_t) ids[2]));
            }
          pos += hdr.size;
        }
    }
  return forked;
}

/* cpu mode: opens the events of thread @tid of @pid; *@opened is FALSE if
 * it has ended meanwhile, which is no failure. */
gboolean
_lp_perf_open_thread_events (LpSampler  *self,
                             pid_t       tid,
                             pid_t       pid,
                             gboolean   *opened,
                             GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  Thread *t = _lp_sampler_add_thread (self, tid, pid);

  t->ptrace.attached = FALSE;
  *opened = _lp_perf_attach (self, t, FALSE, &local_error);
  if (*opened)
    return TRUE;
  g_hash_table_remove (self->threads, GINT_TO_POINTER (tid));
  if (g_error_matches (local_error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* cpu mode, attaching: a thread started between the list of threads and
 * the opening of its creator's events inherits none, and would never be
 * sampled. Any thread listed now that is neither known nor reported
 * started by the events gets its own; and so on until there is none
 * (it may have started threads of its own meanwhile). */
gboolean
_lp_perf_catch_unseen (LpSampler  *self,
                       pid_t       pid,
                       GError    **error)
{
  for (guint round = 0; round < 100; round++)
    {
      g_autoptr(GArray) tids = _lp_sampler_list_tasks (pid);
      g_autoptr(GArray) unseen = g_array_new (FALSE, FALSE, sizeof (pid_t));
      g_autoptr(GHashTable) forked = peek_forks (self);

      for (guint i = 0; i < tids->len; i++)
        {
          pid_t tid = g_array_index (tids, pid_t, i);

          if (!g_hash_table_contains (self->threads, GINT_TO_POINTER (tid)) &&
              !g_hash_table_contains (forked, GINT_TO_POINTER (tid)))
            g_array_append_val (unseen, tid);
        }
      if (unseen->len == 0)
        return TRUE;
      /* the kernel lists a new thread a moment before it reports its start */
      g_usleep (2000);
      g_clear_pointer (&forked, g_hash_table_unref);
      forked = peek_forks (self);
      for (guint i = 0; i < unseen->len; i++)
        {
          pid_t tid = g_array_index (unseen, pid_t, i);
          gboolean opened;

          if (g_hash_table_contains (forked, GINT_TO_POINTER (tid)))
            continue;
          if (!_lp_perf_open_thread_events (self, tid, pid, &opened, error))
            return FALSE;
          self->stats.caught += opened;
        }
    }
  return TRUE;
}

/* ---- cpu mode: perf events ---- */

static long
perf_event_open (struct perf_event_attr *attr,
                 pid_t                   pid,
                 int                     cpu,
                 int                     group_fd,
                 unsigned long           flags)
{
  return syscall (SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

/* perf's register order for x86-64 */
enum
{
  PERF_AX, PERF_BX, PERF_CX, PERF_DX, PERF_SI, PERF_DI, PERF_BP, PERF_SP,
  PERF_IP, PERF_FLAGS, PERF_CS, PERF_SS, PERF_DS, PERF_ES, PERF_FS, PERF_GS,
  PERF_R8, PERF_R9, PERF_R10, PERF_R11, PERF_R12, PERF_R13, PERF_R14, PERF_R15,
};

#define PERF_REGS_MASK ((1ULL << PERF_AX) | (1ULL << PERF_BX) | (1ULL << PERF_CX) | \
                        (1ULL << PERF_DX) | (1ULL << PERF_SI) | (1ULL << PERF_DI) | \
                        (1ULL << PERF_BP) | (1ULL << PERF_SP) | (1ULL << PERF_IP) | \
                        (1ULL << PERF_R8) | (1ULL << PERF_R9) | (1ULL << PERF_R10) | \
                        (1ULL << PERF_R11) | (1ULL << PERF_R12) | (1ULL << PERF_R13) | \
                        (1ULL << PERF_R14) | (1ULL << PERF_R15))

/* An event per thread and CPU: a process of a few hundred threads needs
 * more descriptors than the usual soft limit of 1024. Raised once, to the
 * hard limit. */
static void
raise_fd_limit (void)
{
  static gboolean raised;
  struct rlimit lim;

  if (raised)
    return;
  raised = TRUE;
  if (getrlimit (RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max)
    {
      lim.rlim_cur = lim.rlim_max;
      setrlimit (RLIMIT_NOFILE, &lim);
    }
}

/* The attributes of the events of _lp_perf_attach(): @self's period and
 * mode, enabled at the next exec if @enable_on_exec. */
static void
perf_attr (LpSampler              *self,
           gboolean                enable_on_exec,
           struct perf_event_attr *attr)
{
  memset (attr, 0, sizeof *attr);
  attr->size = sizeof *attr;
  attr->type = PERF_TYPE_SOFTWARE;
  attr->config = PERF_COUNT_SW_TASK_CLOCK;
  attr->sample_period = (guint64) self->period_ns;
  attr->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
  attr->sample_regs_user = PERF_REGS_MASK;
  attr->sample_stack_user = MIN (self->opts.stack_size, 65528) & ~7u;
  attr->exclude_hv = 1;
  /* the kernel's call chain (its own part only: the user stack is
   * unwound from the copy), where the kernel lets us see it */
  if (self->kernel.callchains)
    {
      attr->sample_type |= PERF_SAMPLE_CALLCHAIN;
      attr->exclude_callchain_user = 1;
    }
  /* threads created later report into their creator's events; the kernel
   * allows that only for per-CPU events, hence one event per CPU, as perf
   * does; with --tid, only the threads named */
  attr->inherit = self->opts.tids == NULL;
  /* nobody waits on these descriptors (they are drained on a timer): no
   * wake-up per sample, which would cost an irq_work in the target */
  attr->wakeup_events = 0;
  attr->disabled = enable_on_exec ? 1 : 0;
  attr->enable_on_exec = enable_on_exec ? 1 : 0;
  /* cpu mode sees the processes the target starts only through these:
   * their exec (to read their new image) and their exit */
  if (self->opts.mode == LP_SAMPLER_MODE_CPU && !self->opts.no_children)
    {
      attr->comm = 1;
      attr->comm_exec = 1;
    }
  /* cpu mode: the starts of threads (see _lp_perf_catch_unseen) and the ends of
   * processes */
  if (self->opts.mode == LP_SAMPLER_MODE_CPU)
    attr->task = 1;
  /* wall mode: a thread's wait for a CPU belongs to its running code when
   * it was preempted, but to its system call when it has just been woken;
   * schedstat's run_delay sums both, its switch records tell them apart
   * (see apply_switches) */
  if (self->perf.switches)
    {
      attr->context_switch = 1;
      attr->sample_id_all = 1;
    }
  /* the engine's clock: to place its own observations among them (wall
   * mode), and each sample at its time in a capture: collapsed up to a
   * tick later, a sample stamped then was 12 ms after its thread had
   * stopped running the code it shows (test-capture-record) */
  if (self->perf.sample_time)
    {
      attr->sample_type |= PERF_SAMPLE_TIME;
      attr->use_clockid = 1;
      attr->clockid = CLOCK_MONOTONIC;
    }
}

/* The data pages of a ring (a power of two): a second of the samples one
 * CPU makes at @self's rate (each with its stack copy), at least
 * PERF_PAGES, at most MAX_RING_PAGES, and 64 MiB over all CPUs (at least
 * 1 MiB each). The engine drains the rings at each check, but on a loaded
 * machine it may wait for a CPU itself: with 16 busy threads on 2 CPUs at
 * 1000 Hz and a load average of 12, it waited 50-180 ms at a time while it
 * loaded symbols, up to 650 ms once, and a 4 MiB ring (a quarter of a
 * second of samples of 16 KiB) overflowed (bench-engine-threads). */
static guint
ring_pages (LpSampler *self,
            long       n_cpus)
{
  guint64 record = (guint64) self->opts.stack_size + 256;
  guint64 need = record * (guint64) (G_GINT64_CONSTANT (1000000000) / MAX (self->period_ns, 1)) / 4096;
  guint budget = MAX (16384 / (guint) MAX (n_cpus, 1), 256);
  guint pages = PERF_PAGES;

  while (pages < need && pages < MAX_RING_PAGES)
    pages *= 2;
  while (pages > budget)
    pages /= 2;
  return pages;
}

/* Opens @t's events, one per CPU, each writing into that CPU's ring.
 * Samples count kernel time too (like perf record), unless the kernel
 * allows only user time. */
gboolean
_lp_perf_attach (LpSampler  *self,
                 Thread     *t,
                 gboolean    enable_on_exec,
                 GError    **error)
{
  struct perf_event_attr attr;
  long n_cpus = MAX (sysconf (_SC_NPROCESSORS_CONF), 1);
  guint opened = 0;

  raise_fd_limit ();
  perf_attr (self, enable_on_exec, &attr);

  if (self->perf.rings->len == 0)
    g_ptr_array_set_size (self->perf.rings, n_cpus);
  for (long cpu = 0; cpu < n_cpus; cpu++)
    {
      Ring *ring = g_ptr_array_index (self->perf.rings, cpu);
      int fd, e;

      attr.exclude_kernel = self->perf.user_only;
      fd = perf_event_open (&attr, t->tid, (int) cpu, -1, PERF_FLAG_FD_CLOEXEC);
      if (fd < 0 && errno == EINVAL && (self->perf.switches || self->perf.sample_time) &&
          opened == 0 && self->perf.fds->len == 0)
        {
          /* a kernel without switch records (before 4.3): every wait for
           * a CPU goes to the running code, and samples are timed when
           * they are read */
          self->perf.switches = FALSE;
          self->perf.sample_time = FALSE;
          attr.context_switch = 0;
          attr.sample_id_all = 0;
          attr.use_clockid = 0;
          attr.sample_type &= ~(guint64) PERF_SAMPLE_TIME;
          fd = perf_event_open (&attr, t->tid, (int) cpu, -1, PERF_FLAG_FD_CLOEXEC);
        }
      if (fd < 0 && (errno == EACCES || errno == EPERM) && !self->perf.user_only)
        {
          /* kernel.perf_event_paranoid 2: user time only */
          self->perf.user_only = TRUE;
          attr.exclude_kernel = 1;
          attr.sample_type &= ~(guint64) PERF_SAMPLE_CALLCHAIN;
          attr.exclude_callchain_user = 0;
          _lp_kernel_frames_refused (self);
          fd = perf_event_open (&attr, t->tid, (int) cpu, -1, PERF_FLAG_FD_CLOEXEC);
        }
      if (fd < 0)
        {
          e = errno;
          if (e == ENODEV || e == EINVAL)
            continue;   /* an offline CPU */
          if (e == ESRCH)
            g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS,
                         _("no such process or thread: %d"), (int) t->tid);
          else if (e == EACCES || e == EPERM)
            g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERMISSION,
                         _("perf events refused for %d (kernel.perf_event_paranoid or a seccomp "
                           "filter); run as root, lower kernel.perf_event_paranoid, or use --mode wall"),
                         (int) t->tid);
          else
            g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERF,
                         _("perf_event_open failed for %d: %s; use --mode wall"),
                         (int) t->tid, g_strerror (e));
          return FALSE;
        }
      g_array_append_val (self->perf.fds, fd);
      if (ring == NULL)
        {
          void *map = MAP_FAILED;
          gsize size = 0;

          /* an unprivileged user may lock only perf_event_mlock_kb (516 KiB
           * by default) per CPU, plus RLIMIT_MEMLOCK */
          for (guint pages = ring_pages (self, n_cpus); pages >= 16 && map == MAP_FAILED; pages /= 4)
            {
              size = (1 + pages) * 4096;
              map = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            }
          if (map == MAP_FAILED)
            {
              e = errno;
              g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERF,
                           _("cannot map the perf buffer: %s; use --mode wall"), g_strerror (e));
              return FALSE;
            }
          ring = g_new0 (Ring, 1);
          ring->fd = fd;
          ring->map = map;
          ring->size = size;
          g_ptr_array_index (self->perf.rings, cpu) = ring;
        }
      else if (ioctl (fd, PERF_EVENT_IOC_SET_OUTPUT, ring->fd) < 0)
        {
          e = errno;
          g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERF,
                       _("cannot share the perf buffer: %s; use --mode wall"), g_strerror (e));
          return FALSE;
        }
      opened++;
    }
  if (opened == 0)
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERF,
                   _("perf_event_open failed for %d on every CPU; use --mode wall"), (int) t->tid);
      return FALSE;
    }
  return TRUE;
}

static void
ring_copy (const guint8 *data,
           gsize         data_size,
           guint64       pos,
           void         *dst,
           gsize         len)
{
  gsize off = pos & (data_size - 1);
  gsize first = MIN (len, data_size - off);

  memcpy (dst, data + off, first);
  if (first < len)
    memcpy ((guint8 *) dst + first, data, len - first);
}

/* read_perf(): one PERF_RECORD_SAMPLE, @rec (@hdr first), into a slot:
 * its registers and stack copy; records cut short are skipped. */
static void
read_sample (LpSampler                      *self,
             const guint8                   *rec,
             const struct perf_event_header *hdr)
{
  const guint8 *p = rec + sizeof *hdr, *end = rec + hdr->size;
  guint32 pid_tid[2];
  guint64 abi, regs[24] = { 0 }, size, dyn_size, time, chain_nr = 0;
  const guint8 *chain = NULL;
  Slot *slot;
  guint k = 0;

  if (p + 16 > end)
    return;
  memcpy (pid_tid, p, 8);
  p += 8;
  time = 0;
  if (self->perf.sample_time && p + 8 <= end)
    memcpy (&time, p, 8);
  if (self->perf.sample_time)
    p += 8;
  if (self->kernel.callchains && p + 8 <= end)
    {
      memcpy (&chain_nr, p, 8);
      p += 8;
      if (chain_nr > (guint64) (end - p) / 8)
        return;
      chain = p;
      p += 8 * chain_nr;
    }
  if (p + 8 > end || (self->opts.no_children && (pid_t) pid_tid[0] != self->pid))
    return;
  memcpy (&abi, p, 8);
  p += 8;
  if (abi == PERF_SAMPLE_REGS_ABI_NONE)
    {
      self->stats.lost[LP_SAMPLER_LOST_READ]++;
      self->batch_lost++;
      return;
    }
  for (guint r = 0; r < 24; r++)
    if (PERF_REGS_MASK & (1ULL << r))
      {
        if (p + 8 > end)
          break;
        memcpy (&regs[r], p, 8);
        p += 8;
        k++;
      }
  if (p + 8 > end)
    return;
  memcpy (&size, p, 8);
  p += 8;
  if (p + size + 8 > end)
    return;
  memcpy (&dyn_size, p + size, 8);
  /* wall mode: every thread is in self->threads, added to seen
   * when it is; one that ended already is counted */
  if (!self->perf.assist)
    g_hash_table_add (self->seen, GINT_TO_POINTER ((int) pid_tid[1]));
  {
    Thread *owner = g_hash_table_lookup (self->threads, GINT_TO_POINTER ((int) pid_tid[1]));
    if (owner != NULL)
      owner->perf.n++;
  }

  slot = _lp_collapse_next_slot (self);
  slot->snap.regs[LP_REG_RAX] = regs[PERF_AX];
  slot->snap.regs[LP_REG_RDX] = regs[PERF_DX];
  slot->snap.regs[LP_REG_RCX] = regs[PERF_CX];
  slot->snap.regs[LP_REG_RBX] = regs[PERF_BX];
  slot->snap.regs[LP_REG_RSI] = regs[PERF_SI];
  slot->snap.regs[LP_REG_RDI] = regs[PERF_DI];
  slot->snap.regs[LP_REG_RBP] = regs[PERF_BP];
  slot->snap.regs[LP_REG_RSP] = regs[PERF_SP];
  slot->snap.regs[LP_REG_RIP] = regs[PERF_IP];
  for (guint r = 0; r < 8; r++)
    slot->snap.regs[LP_REG_R8 + r] = regs[PERF_R8 + r];
  slot->snap.stack_addr = regs[PERF_SP];
  slot->snap.stack_len = MIN (MIN (dyn_size, size), slot->cap);
  memcpy (slot->snap.stack, p, slot->snap.stack_len);
  slot->tid = pid_tid[1];
  slot->tgid = pid_tid[0];
  slot->space = _lp_sampler_space_ref (_lp_sampler_space_for (self, pid_tid[0]));
  /* the thread runs on: its Python stack is read now, as close to the
   * sample as can be */
  _lp_python_frames_read_now (self, slot);
  slot->thread_frame = G_MAXUINT32;
  if (self->opts.threads)
    {
      Thread *st = g_hash_table_lookup (self->threads, GINT_TO_POINTER ((int) pid_tid[1]));

      if (st != NULL)
        slot->thread_frame = _lp_sampler_thread_frame (self, st);
      else if (!self->perf.assist)
        {
          st = _lp_sampler_add_thread (self, pid_tid[1], pid_tid[0]);
          st->ptrace.attached = FALSE;
          slot->thread_frame = _lp_sampler_thread_frame (self, st);
        }
      else
        {
          /* wall mode: a thread we have not seen start (or seen
           * end): its clone event has not been read yet */
          Thread tmp = { .tid = pid_tid[1], .frame = G_MAXUINT32 };
          slot->thread_frame = _lp_sampler_thread_frame (self, &tmp);
        }
    }
  slot->idle_syscall = -1;
  slot->just_born = FALSE;
  slot->clone_parent = FALSE;
  slot->on_cpu = TRUE;
  slot->weight = 1;
  slot->time = time;
  slot->signal_stop = FALSE;
  slot->in_kernel = (hdr->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
  if (chain != NULL)
    _lp_kernel_frames_from_callchain (self, slot, chain, chain_nr);
  self->n_slots++;
}

/* Reads the samples in @t's ring into slots. */
static void
read_perf (LpSampler *self,
           Ring      *ring)
{
  struct perf_event_mmap_page *meta = (void *) ring->map;
  const guint8 *data = ring->map + 4096;
  gsize data_size = ring->size - 4096;
  guint64 head = __atomic_load_n (&meta->data_head, __ATOMIC_ACQUIRE);
  guint64 tail = meta->data_tail;
  g_autofree guint8 *rec = NULL;
  gsize rec_cap = 0;

  while (tail < head)
    {
      struct perf_event_header hdr;

      ring_copy (data, data_size, tail, &hdr, sizeof hdr);
      if (hdr.size < sizeof hdr)
        break;
      if (hdr.size > rec_cap)
        {
          rec_cap = hdr.size;
          rec = g_realloc (rec, rec_cap);
        }
      ring_copy (data, data_size, tail, rec, hdr.size);
      tail += hdr.size;

      if (hdr.type == PERF_RECORD_COMM && (hdr.misc & PERF_RECORD_MISC_COMM_EXEC) && hdr.size >= sizeof hdr + 8)
        {
          /* cpu mode: a process has exec'd; its next samples need its new image */
          guint32 pid;
          Space *space;

          memcpy (&pid, rec + sizeof hdr, 4);
          space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER ((pid_t) pid));
          if (space != NULL)
            space->stale = TRUE;
        }
      else if (hdr.type == PERF_RECORD_EXIT && hdr.size >= sizeof hdr + 16)
        {
          guint32 ids[4];   /* pid, ppid, tid, ptid */

          memcpy (ids, rec + sizeof hdr, 16);
          if (ids[0] == ids[2] && (pid_t) ids[0] != self->pid)
            _lp_sampler_space_gone (self, ids[0]);
          /* cpu mode: a thread's end, for a capture's thread lifetimes */
          _lp_sampler_thread_ended (self, (pid_t) ids[2]);
        }
      else if (hdr.type == PERF_RECORD_SWITCH && self->perf.switches && hdr.size >= sizeof hdr + 16)
        {
          /* sample_id: pid, tid, time */
          guint32 pid_tid[2];
          Switch sw;

          memcpy (pid_tid, rec + sizeof hdr, 8);
          memcpy (&sw.time, rec + sizeof hdr + 8, 8);
          sw.tid = (pid_t) pid_tid[1];
          sw.out = (hdr.misc & PERF_RECORD_MISC_SWITCH_OUT) != 0;
          sw.preempt = (hdr.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) != 0;
          g_array_append_val (self->perf.switch_log, sw);
        }
      else if (hdr.type == PERF_RECORD_LOST)
        {
          guint64 lost;
          memcpy (&lost, rec + sizeof hdr + 8, 8);
          self->stats.lost[LP_SAMPLER_LOST_KERNEL] += lost;
          self->batch_lost += lost;
        }
      else if (hdr.type == PERF_RECORD_SAMPLE)
        read_sample (self, rec, &hdr);
    }
  __atomic_store_n (&meta->data_tail, tail, __ATOMIC_RELEASE);
}

static int
switch_cmp (gconstpointer a,
            gconstpointer b)
{
  const Switch *x = a, *y = b;

  return x->time < y->time ? -1 : x->time > y->time;
}

/* The last on-CPU sample of @tid taken at or before @time among the slots
 * not collapsed yet (those read by this tick, and those of signal stops
 * since the last one); NULL if none. */
Slot *
_lp_perf_sample_before (LpSampler *self,
                        pid_t      tid,
                        guint64    time)
{
  Slot *best = NULL;

  for (guint i = 0; i < self->n_slots; i++)
    {
      Slot *slot = &g_array_index (self->slots, Slot, i);

      if (slot->on_cpu && slot->tid == tid && slot->time <= time && (best == NULL || slot->time > best->time))
        best = slot;
    }
  return best;
}

/* Gives each thread's waits for a CPU after a preemption (_lp_wall_time_add_wait), in
 * the order of their times: the rings of two CPUs may hold a thread's
 * switch out and its switch in. A switch in read before its switch out
 * (which happened just after the first ring was read) is left alone; the
 * wait is then counted as blocked. */
static void
apply_switches (LpSampler *self)
{
  g_array_sort (self->perf.switch_log, switch_cmp);
  for (guint i = 0; i < self->perf.switch_log->len; i++)
    {
      const Switch *sw = &g_array_index (self->perf.switch_log, Switch, i);
      Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (sw->tid));

      if (t == NULL || sw->time < t->perf.in_ns)
        continue;
      if (sw->out)
        {
          t->perf.out_ns = sw->time;
          t->perf.out_preempt = sw->preempt;
        }
      else
        {
          /* off a CPU since a preemption, or since a signal-delivery stop
           * the engine saw (in the engine's clock, as these times): the
           * stop and the wait for a CPU after it */
          if (t->perf.out_ns != 0 && t->perf.out_preempt)
            _lp_wall_time_add_wait (self, t, t->perf.out_ns, (gint64) (sw->time - t->perf.out_ns), FALSE);
          else if (t->perf.out_ns != 0 && _lp_wall_time_signal_stop_within (t, t->perf.out_ns, sw->time))
            _lp_wall_time_add_wait (self, t, sw->time, (gint64) (sw->time - t->perf.out_ns), TRUE);   /* to its stop's sample */
          t->perf.out_ns = 0;
          t->perf.in_ns = sw->time;
        }
    }
  g_array_set_size (self->perf.switch_log, 0);
}

void
_lp_perf_tick (LpSampler *self)
{
  for (guint i = 0; i < self->perf.rings->len; i++)
    if (g_ptr_array_index (self->perf.rings, i) != NULL)
      read_perf (self, g_ptr_array_index (self->perf.rings, i));
  if (self->perf.switch_log->len > 0)
    apply_switches (self);
}

/* cpu mode: the target's end, seen from its process (no ptrace events) */
static void
perf_poll (LpSampler *self)
{
  if (!_lp_sampler_target_alive (self))
    self->stats.target_exited = TRUE;
}

static void
perf_detach (LpSampler *self)
{
  _lp_perf_close (self);
  g_hash_table_remove_all (self->threads);
}

/* Attaching to a running process: events on each of its threads. */
static gboolean
perf_attach (LpSampler  *self,
             pid_t       pid,
             GError    **error)
{
  /* inherit: threads created later report into their creator's buffer */
  g_autoptr(GArray) tids = _lp_sampler_list_tasks (pid);
  const char *delay = g_getenv ("LAPROF_TEST_ATTACH_DELAY_MS");

  /* tests: widen the window between the list and the events, in
   * which the threads started are seen by _lp_perf_catch_unseen() alone */
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
      if (!_lp_perf_open_thread_events (self, tid, pid, &opened, error))
        return FALSE;
    }
  if (g_hash_table_size (self->threads) == 0)
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS,
                   _("no such process or thread: %d"), (int) pid);
      return FALSE;
    }
  if (self->opts.tids == NULL)
    return _lp_perf_catch_unseen (self, pid, error);
  return TRUE;
}

/* Launching: the child, waiting before its exec, gets its events (the
 * threads it starts inherit them). */
static gboolean
perf_attach_child (LpSampler  *self,
                   pid_t       child,
                   GError    **error)
{
  Thread *t = _lp_sampler_add_thread (self, child, child);

  t->ptrace.attached = FALSE;
  return _lp_perf_attach (self, t, TRUE, error);
}

const LpSource lp_source_perf = {
  .name = "perf",
  .attach = perf_attach,
  .attach_child = perf_attach_child,
  .poll = perf_poll,
  .tick = _lp_perf_tick,
  .drain = _lp_perf_tick,
  .detach = perf_detach,
};
