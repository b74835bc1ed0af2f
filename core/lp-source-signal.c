/* lp-source-signal.c: the in-process source: per-thread timer signals for running threads, /proc for blocked ones.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sampler runs on a thread of the process it samples (liblaprof), where
 * ptrace, perf events and process_vm_readv may all be forbidden:
 *
 * - A running thread is sampled by a timer on its own CPU-time clock
 *   (timer_create with SIGEV_THREAD_ID): the kernel sends its signal only
 *   while the thread runs, on its way back to user mode, so a blocked
 *   thread is never woken and no system call is interrupted. The handler
 *   (on_signal) is async-signal-safe: it copies the registers and the top
 *   of the stack into a free entry of a lock-free ring, and nothing else;
 *   unwinding, symbols and collapse happen on the sampler's thread. Linux
 *   checks CPU-time timers at its scheduler tick (250 Hz on many kernels):
 *   at a shorter period a signal stands for the periods it covers (the
 *   timer's overrun), so the counts stay right.
 * - A blocked thread (wall mode) is read without a signal at each tick:
 *   /proc/self/task/TID/syscall gives its system call, stack pointer and
 *   program counter; its stack is read through /proc/self/mem
 *   (lp_process_mem_readv). A thread that has not run since its last sample
 *   is counted again with the same stack.
 *
 * The handler stays installed once installed (a signal still pending when
 * a run stops must not meet the default action, which ends the process);
 * it does nothing between runs, and calls the handler it replaced for
 * signals that are not its timers'. */
#define _GNU_SOURCE
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <time.h>
#include <unistd.h>

#include "lp-collapse.h"
#include "lp-process-mem.h"
#include "lp-sampler-private.h"
#include "lp-source-signal.h"

#define SAMPLE_SIGNAL SIGPROF
/* a timer's signal value: MAGIC | the index of its thread's record */
#define VALUE_MAGIC 0x1a900000
#define VALUE_MASK  0xfff00000
#define MAX_RECORDS 4096
#define RING_ENTRIES 64
/* a thread state's fields, a _PyCFrame's, and the top of a data stack
 * copied with a sample */
#define PY_TS_MAX 512
#define PY_CF_MAX 64
#define PY_DS_MAX (32 * 1024)
#define PY_EXTRA 8
#define PY_FRAME_MAX 128
/* frames followed from the innermost, looking for those outside the data stack */
#define PY_WALK_MAX 256
/* new threads are looked for every SCAN_MAX_NS in a steady process; after
 * a look that found threads come or go, again in SCAN_MIN_NS, then less
 * and less often (a program that starts short threads all along has them
 * sampled: at a fixed 10 ms, 46 samples of 840 threads of 2 ms each) */
#define SCAN_MIN_NS (1 * 1000 * 1000)
#define SCAN_MAX_NS (10 * 1000 * 1000)

enum { ENTRY_FREE, ENTRY_WRITING, ENTRY_READY };

/* What the handler knows of a thread: the stack it may copy from. */
typedef struct
{
  atomic_uint   run;        /* the run it belongs to; 0: none */
  atomic_ulong  stack_lo;   /* its stack's mapping, once known */
  atomic_ulong  stack_hi;
  atomic_ulong  unknown_sp; /* a stack pointer outside it, to look up */
  atomic_uint   pending;    /* periods of CPU it ran before its timer was set,
                             * added to its first sample */
  /* its Python thread state, once a walk has found it (0: none), and
   * where its frames are (LpPythonCapture), written before it */
  atomic_ulong  py_tstate;
  gint32        py_ts_len;
  gint32        py_ts_frame;
  gint32        py_cframe_current;
  gint32        py_chunk;
  gint32        py_top;
  gint32        py_frame_len;
  gint32        py_frame_previous;
} Record;

/* One sample, as the handler leaves it. */
typedef struct
{
  atomic_uint state;
  pid_t       tid;
  guint       weight;
  guint       record;
  guint64     regs[LP_N_REGS];
  gsize       stack_len;
  /* its Python thread state, _PyCFrame and the top of its data stack, as
   * they were at the sample (the frames; code objects are read later) */
  guint64     py_ts_addr;
  gsize       py_ts_len;
  guint8      py_ts[PY_TS_MAX];
  guint64     py_cf_addr;
  gsize       py_cf_len;
  guint8      py_cf[PY_CF_MAX];
  guint64     py_ds_addr;
  gsize       py_ds_len;    /* its bytes follow the stack's in the entry */
  /* frames of the chain outside the data stack: generators' and
   * coroutines' (in their objects, whose link to the caller is cleared
   * when they suspend), 3.12's entry frames (on the C stack) */
  guint       py_n_extra;
  guint64     py_extra_addr[PY_EXTRA];
  guint8      py_extra[PY_EXTRA][PY_FRAME_MAX];
  guint8      stack[];
} Entry;

typedef struct
{
  guint        run;
  gsize        stack_size;
  gsize        stride;
  atomic_uint  next;
  atomic_ulong lost;
  int          wake_fd;     /* the loop's event descriptor */
  int          mem_fd;      /* /proc/self/mem: a data stack is read with
                             * pread, never faulting on a chunk just freed */
  guint8      *entries;
} SignalRing;

static Record records[MAX_RECORDS];
static _Atomic (SignalRing *) the_ring;
static atomic_int in_handler;
static atomic_uint next_run;
static struct sigaction previous;
static gsize page_size;
G_LOCK_DEFINE_STATIC (install);
static gboolean installed;
/* records in use by a run */
static atomic_uchar record_used[MAX_RECORDS];

static inline Entry *
ring_entry (SignalRing *ring,
            guint i)
{
  return (Entry *) (ring->entries + (gsize) i * ring->stride);
}

static void
call_previous (int        sig,
               siginfo_t *info,
               void      *context)
{
  if (previous.sa_flags & SA_SIGINFO)
    {
      if (previous.sa_sigaction != NULL)
        previous.sa_sigaction (sig, info, context);
    }
  else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler != NULL)
    previous.sa_handler (sig);
}

/* Copies @len bytes of the interrupted code's stack: word by word, out of
 * AddressSanitizer's sight (the frames' red zones are poisoned for it, not
 * for us), and never turned into a call to memcpy. */
__attribute__ ((no_sanitize ("address", "undefined"))) static void
copy_stack (guint8     *dst,
            guint64     src,
            gsize       len)
{
  const volatile guint64 *from = (const volatile guint64 *) (guintptr) src;
  guint64 *to = (guint64 *) dst;
  gsize words = len / 8;

  for (gsize i = 0; i < words; i++)
    to[i] = from[i];
  for (gsize i = words * 8; i < len; i++)
    dst[i] = ((const volatile guint8 *) (guintptr) src)[i];
}

/* Follows the chain of frames from the innermost, through the copies,
 * copying (pread) the frames found outside them. */
__attribute__ ((no_sanitize ("address", "undefined"))) static void
capture_chain (SignalRing *ring,
               Record     *rec,
               Entry      *e)
{
  const guint8 *ds = e->stack + ring->stack_size;
  gsize flen = (gsize) rec->py_frame_len;
  gsize prev_off = (gsize) rec->py_frame_previous;
  guint64 f = 0;

  e->py_n_extra = 0;
  if (rec->py_frame_len <= 0 || flen > PY_FRAME_MAX || rec->py_frame_previous < 0 || prev_off + 8 > flen)
    return;
  /* the innermost frame: in the _PyCFrame (3.11, 3.12) or the state (3.13) */
  if (rec->py_cframe_current >= 0)
    {
      if (e->py_cf_len < (gsize) rec->py_cframe_current + 8)
        return;
      memcpy (&f, e->py_cf + rec->py_cframe_current, 8);
    }
  else
    memcpy (&f, e->py_ts + rec->py_ts_frame, 8);

  for (guint i = 0; i < PY_WALK_MAX && f != 0 && (f & 7) == 0; i++)
    {
      const guint8 *copy = NULL;

      if (f >= e->py_ds_addr && f - e->py_ds_addr + flen <= e->py_ds_len)
        copy = ds + (f - e->py_ds_addr);
      else
        {
          for (guint k = 0; k < e->py_n_extra && copy == NULL; k++)
            if (e->py_extra_addr[k] == f)
              return;  /* a loop */
          if (e->py_n_extra == PY_EXTRA
              || pread (ring->mem_fd, e->py_extra[e->py_n_extra], flen, (off_t) f) != (gssize) flen)
            return;
          e->py_extra_addr[e->py_n_extra] = f;
          copy = e->py_extra[e->py_n_extra++];
        }
      memcpy (&f, copy + prev_off, 8);
    }
}

/* The thread's Python frames as they are now (see Entry): its thread
 * state and _PyCFrame read in place (the state is on the heap, the
 * _PyCFrame on this stack), the top of its data stack with a pread (a
 * chunk may be unmapped once freed). Async-signal-safe. */
__attribute__ ((no_sanitize ("address", "undefined"))) static void
capture_python (SignalRing *ring,
                Record     *rec,
                Entry      *e,
                guint64     sp,
                guint64     stack_hi)
{
  guint64 ts = atomic_load (&rec->py_tstate);
  guint64 chunk, top, cf, start;
  gssize n;

  e->py_ts_len = e->py_cf_len = e->py_ds_len = 0;
  e->py_n_extra = 0;
  if (ts == 0 || rec->py_ts_len <= 0 || rec->py_ts_len > PY_TS_MAX)
    return;
  copy_stack (e->py_ts, ts, (gsize) rec->py_ts_len);
  e->py_ts_addr = ts;
  e->py_ts_len = (gsize) rec->py_ts_len;
  if (rec->py_cframe_current >= 0 && rec->py_ts_frame >= 0)
    {
      memcpy (&cf, e->py_ts + rec->py_ts_frame, 8);
      /* on this thread's stack, above the interrupted code */
      if (cf >= sp && cf + (guint64) rec->py_cframe_current + 8 <= stack_hi
          && (guint64) rec->py_cframe_current + 8 <= PY_CF_MAX)
        {
          copy_stack (e->py_cf, cf, (gsize) rec->py_cframe_current + 8);
          e->py_cf_addr = cf;
          e->py_cf_len = (gsize) rec->py_cframe_current + 8;
        }
    }
  if (rec->py_chunk < 0 || rec->py_top < 0 || ring->mem_fd < 0)
    return;
  memcpy (&chunk, e->py_ts + rec->py_chunk, 8);
  memcpy (&top, e->py_ts + rec->py_top, 8);
  if (chunk == 0 || top <= chunk || top - chunk > 64 * 1024 * 1024)
    return;
  start = top - chunk > PY_DS_MAX ? top - PY_DS_MAX : chunk;
  n = pread (ring->mem_fd, e->stack + ring->stack_size, top - start, (off_t) start);
  if (n > 0)
    {
      e->py_ds_addr = start;
      e->py_ds_len = (gsize) n;
    }
  capture_chain (ring, rec, e);
}

/* Async-signal-safe: atomics, copies of our own memory, pread(2). */
__attribute__ ((no_sanitize ("address", "undefined"))) static void
on_signal (int        sig,
           siginfo_t *info,
           void      *context)
{
  int saved_errno = errno;
  ucontext_t *uc = context;
  SignalRing *ring;
  guint value = (guint) info->si_value.sival_int;
  guint index = value & ~VALUE_MASK;

  if (info->si_code != SI_TIMER || (value & VALUE_MASK) != VALUE_MAGIC || index >= MAX_RECORDS)
    {
      call_previous (sig, info, context);
      errno = saved_errno;
      return;
    }

  atomic_fetch_add (&in_handler, 1);
  ring = atomic_load (&the_ring);
  if (ring != NULL && atomic_load (&records[index].run) == ring->run)
    {
      Record *rec = &records[index];
      const greg_t *g = uc->uc_mcontext.gregs;
      guint64 sp = (guint64) g[REG_RSP];
      guint64 lo = atomic_load (&rec->stack_lo), hi = atomic_load (&rec->stack_hi);
      gsize avail, len;
      guint start = atomic_fetch_add (&ring->next, 1);
      Entry *e = NULL;

      if (sp >= lo && sp < hi)
        avail = hi - sp;
      else
        {
          /* the page of the stack pointer is mapped; beyond it, not known */
          avail = page_size - (sp & (page_size - 1));
          atomic_store (&rec->unknown_sp, sp);
        }
      len = MIN (avail, ring->stack_size);
      for (guint i = 0; i < RING_ENTRIES; i++)
        {
          Entry *c = ring_entry (ring, (start + i) % RING_ENTRIES);
          guint expected = ENTRY_FREE;

          if (atomic_compare_exchange_strong (&c->state, &expected, ENTRY_WRITING))
            {
              e = c;
              break;
            }
        }
      if (e == NULL)
        atomic_fetch_add (&ring->lost, 1 + (guint) MAX (info->si_overrun, 0));
      else
        {
          e->tid = (pid_t) syscall (SYS_gettid);
          e->weight = 1 + (guint) MAX (info->si_overrun, 0) + atomic_exchange (&rec->pending, 0);
          e->record = index;
          e->regs[LP_REG_RAX] = g[REG_RAX];
          e->regs[LP_REG_RDX] = g[REG_RDX];
          e->regs[LP_REG_RCX] = g[REG_RCX];
          e->regs[LP_REG_RBX] = g[REG_RBX];
          e->regs[LP_REG_RSI] = g[REG_RSI];
          e->regs[LP_REG_RDI] = g[REG_RDI];
          e->regs[LP_REG_RBP] = g[REG_RBP];
          e->regs[LP_REG_RSP] = g[REG_RSP];
          e->regs[LP_REG_R8] = g[REG_R8];
          e->regs[LP_REG_R9] = g[REG_R9];
          e->regs[LP_REG_R10] = g[REG_R10];
          e->regs[LP_REG_R11] = g[REG_R11];
          e->regs[LP_REG_R12] = g[REG_R12];
          e->regs[LP_REG_R13] = g[REG_R13];
          e->regs[LP_REG_R14] = g[REG_R14];
          e->regs[LP_REG_R15] = g[REG_R15];
          e->regs[LP_REG_RIP] = g[REG_RIP];
          copy_stack (e->stack, sp, len);
          e->stack_len = len;
          capture_python (ring, rec, e, sp, hi);
          atomic_store (&e->state, ENTRY_READY);
        }
    }
  atomic_fetch_sub (&in_handler, 1);
  errno = saved_errno;
}

static gboolean
install_handler (GError **error)
{
  gboolean ok = TRUE;

  G_LOCK (install);
  if (!installed)
    {
      struct sigaction sa;

      memset (&sa, 0, sizeof sa);
      sa.sa_sigaction = on_signal;
      sa.sa_flags = SA_SIGINFO | SA_RESTART;
      sigemptyset (&sa.sa_mask);
      page_size = (gsize) sysconf (_SC_PAGESIZE);
      if (sigaction (SAMPLE_SIGNAL, &sa, &previous) < 0)
        {
          g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_FAILED,
                       _("cannot install the sampling signal's handler: %s"), g_strerror (errno));
          ok = FALSE;
        }
      else
        installed = TRUE;
    }
  G_UNLOCK (install);
  return ok;
}

/* A free record, taken without a lock (a lock held by the parent's
 * sampler thread at a fork would stay held in the child). */
static guint
record_take (void)
{
  for (guint i = 1; i < MAX_RECORDS; i++)
    {
      guchar expected = 0;

      if (atomic_compare_exchange_strong (&record_used[i], &expected, 1))
        return i;
    }
  return 0;
}

static void
record_give (guint index)
{
  atomic_store (&records[index].run, 0);
  atomic_store (&record_used[index], 0);
}

/* The mapping of our memory that holds @addr, from /proc/self/maps. */
static gboolean
find_mapping (guint64  addr,
              guint64 *lo,
              guint64 *hi)
{
  g_autofree char *maps = NULL;
  char *line, *save = NULL;

  if (!g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL))
    return FALSE;
  for (line = strtok_r (maps, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save))
    {
      char *end;
      guint64 start = g_ascii_strtoull (line, &end, 16);
      guint64 stop = *end == '-' ? g_ascii_strtoull (end + 1, NULL, 16) : 0;

      if (addr >= start && addr < stop)
        {
          *lo = start;
          *hi = stop;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- threads ---- */

static clockid_t
thread_cpu_clock (pid_t tid)
{
  /* the kernel's MAKE_THREAD_CPUCLOCK (tid, CPUCLOCK_SCHED) */
  return (clockid_t) ((~(unsigned) tid) << 3) | 6;
}

/* Starts sampling @tid: its record and its timer. */
static void
arm_thread (LpSampler *self,
            pid_t      tid,
            gboolean   born)
{
  Thread *t = _lp_sampler_add_thread (self, tid, self->pid);
  struct sigevent sev;
  struct itimerspec its;
  guint index;

  if (t->signal.record != 0)
    return;
  index = record_take ();
  if (index == 0)
    return;
  atomic_store (&records[index].stack_lo, 0);
  atomic_store (&records[index].stack_hi, 0);
  atomic_store (&records[index].unknown_sp, 0);
  atomic_store (&records[index].py_tstate, 0);
  atomic_store (&records[index].pending, 0);
  atomic_store (&records[index].run, self->signal.run);

  memset (&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SAMPLE_SIGNAL;
  sev.sigev_value.sival_int = (int) (VALUE_MAGIC | index);
  sev._sigev_un._tid = tid;
  if (timer_create (thread_cpu_clock (tid), &sev, &t->signal.timer) < 0)
    {
      record_give (index);
      return;
    }
  t->signal.record = index;
  its.it_value.tv_sec = self->period_ns / 1000000000;
  its.it_value.tv_nsec = self->period_ns % 1000000000;
  its.it_interval = its.it_value;
  if (born)
    {
      /* a thread started during the run, found up to a scan later: what it
       * ran until now counts in its first sample, which comes at the next
       * tick (a thread of 2 ms would end before a full period more) */
      struct timespec cpu;

      if (clock_gettime (thread_cpu_clock (tid), &cpu) == 0)
        atomic_store (&records[index].pending,
                      (guint) (((gint64) cpu.tv_sec * 1000000000 + cpu.tv_nsec) / self->period_ns));
      its.it_value.tv_sec = 0;
      its.it_value.tv_nsec = 1;
    }
  timer_settime (t->signal.timer, 0, &its, NULL);
}

static void
disarm_thread (Thread *t)
{
  if (t->signal.record == 0)
    return;
  timer_delete (t->signal.timer);
  record_give (t->signal.record);
  t->signal.record = 0;
}

/* Which threads to sample: every thread of the process but ours, or the
 * ones asked for. New ones are armed, gone ones disarmed. */
static void
scan_threads (LpSampler *self)
{
  g_autoptr(GHashTable) alive = g_hash_table_new (g_direct_hash, g_direct_equal);
  GHashTableIter iter;
  gpointer key, value;
  DIR *dir;
  struct dirent *de;
  gboolean changed = FALSE;
  gint64 interval;

  dir = opendir ("/proc/self/task");
  if (dir == NULL)
    {
      self->signal.next_scan_ns = now_ns () + SCAN_MAX_NS;
      return;
    }
  while ((de = readdir (dir)) != NULL)
    {
      pid_t tid = (pid_t) atoi (de->d_name);
      gboolean wanted = self->opts.tids == NULL;

      if (tid <= 0 || tid == self->signal.own_tid)
        continue;
      for (guint i = 0; i < self->opts.n_tids && !wanted; i++)
        wanted = self->opts.tids[i] == tid;
      if (!wanted)
        continue;
      g_hash_table_add (alive, GINT_TO_POINTER (tid));
      changed |= !g_hash_table_contains (self->threads, GINT_TO_POINTER (tid));
      arm_thread (self, tid, self->signal.scanned);
    }
  closedir (dir);

  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (alive, key))
      {
        disarm_thread (value);
        g_hash_table_iter_remove (&iter);
        changed = TRUE;
      }
  self->signal.scanned = TRUE;
  interval = changed ? SCAN_MIN_NS : MIN (self->signal.scan_interval_ns * 2, SCAN_MAX_NS);
  self->signal.scan_interval_ns = MAX (interval, SCAN_MIN_NS);
  self->signal.next_scan_ns = now_ns () + self->signal.scan_interval_ns;
}

/* ---- the source ---- */

static gboolean
signal_attach (LpSampler  *self,
               pid_t       pid,
               GError    **error)
{
  SignalRing *ring;

  if (pid != getpid ())
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_FAILED,
                   _("the in-process source samples only its own process"));
      return FALSE;
    }
  if (atomic_load (&the_ring) != NULL)
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_FAILED,
                   _("a profiler already runs in this process: stop it first"));
      return FALSE;
    }
  if (!install_handler (error))
    return FALSE;

  ring = g_new0 (SignalRing, 1);
  ring->run = atomic_fetch_add (&next_run, 1) + 1;
  ring->stack_size = self->opts.stack_size;
  ring->stride = (sizeof (Entry) + ring->stack_size + PY_DS_MAX + 15) & ~(gsize) 15;
  ring->entries = g_malloc0 (ring->stride * RING_ENTRIES);
  ring->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  ring->mem_fd = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (ring->wake_fd < 0)
    {
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_FAILED,
                   _("cannot create an event descriptor: %s"), g_strerror (errno));
      g_free (ring->entries);
      g_free (ring);
      return FALSE;
    }
  self->signal.ring = ring;
  self->signal.run = ring->run;
  self->signal.own_tid = (pid_t) syscall (SYS_gettid);
  self->sigfd = ring->wake_fd;
  /* lateness is not a loss here: blocked threads weigh the time since
   * their last sample, running ones their timers' overruns */
  self->wall.accounted = TRUE;
  atomic_store (&the_ring, ring);
  scan_threads (self);
  if (g_hash_table_size (self->threads) == 0)
    {
      lp_source_signal.drain (self);
      lp_source_signal.detach (self);
      g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_NO_PROCESS,
                   _("no thread to sample: the threads asked for have ended"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
signal_attach_child (LpSampler  *self,
                     pid_t       child,
                     GError    **error)
{
  g_set_error (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_FAILED,
               _("the in-process source does not launch programs"));
  return FALSE;
}

/* Tells the handler of @tid's record where its Python frames are, once
 * known (its thread state does not change while the thread lives). */
static void
publish_python (LpPythonReader *reader,
                Record         *rec,
                pid_t           tid)
{
  LpPythonCapture cap;

  if (atomic_load (&rec->py_tstate) != 0 || !lp_python_reader_get_capture (reader, tid, &cap))
    return;
  rec->py_ts_len = cap.ts_len;
  rec->py_ts_frame = cap.ts_frame;
  rec->py_cframe_current = cap.cframe_current;
  rec->py_chunk = cap.ts_datastack_chunk;
  rec->py_top = cap.ts_datastack_top;
  rec->py_frame_len = cap.frame_len;
  rec->py_frame_previous = cap.frame_previous;
  atomic_store (&rec->py_tstate, cap.tstate);
}

/* Moves the handler's samples into slots; their Python stacks are read
 * now, as close to the sample as can be. */
static void
drain_ring (LpSampler *self)
{
  SignalRing *ring = self->signal.ring;
  Space *space;
  guint64 lost;

  if (ring == NULL)
    return;
  {
    guint64 buf;
    ssize_t n = read (ring->wake_fd, &buf, sizeof buf);
    (void) n;
  }
  space = _lp_sampler_space_for (self, self->pid);
  for (guint i = 0; i < RING_ENTRIES; i++)
    {
      Entry *e = ring_entry (ring, i);
      Slot *slot;
      Thread *t;
      Record *rec;
      guint64 sp;
      guint record;

      if (atomic_load (&e->state) != ENTRY_READY)
        continue;
      t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (e->tid));
      if (t == NULL || space == NULL)
        {
          atomic_store (&e->state, ENTRY_FREE);
          continue;
        }
      slot = _lp_collapse_next_slot (self);
      memcpy (slot->snap.regs, e->regs, sizeof e->regs);
      slot->snap.stack_addr = e->regs[LP_REG_RSP];
      slot->snap.stack_len = MIN (e->stack_len, slot->cap);
      memcpy (slot->snap.stack, e->stack, slot->snap.stack_len);
      slot->tid = e->tid;
      slot->tgid = self->pid;
      slot->weight = e->weight;
      slot->space = _lp_sampler_space_ref (space);
      record = e->record;
      /* its Python frames as the handler copied them (the rest, code
       * objects and older frames, from the live process) */
      if (space->python.reader == NULL)
        _lp_python_frames_read_now (self, slot);
      else
        {
          MemOverlay *o = &space->python.overlay;

          o->n = 0;
          if (e->py_ts_len > 0)
            o->regions[o->n++] = (MemRegion) { e->py_ts_addr, e->py_ts_len, e->py_ts };
          if (e->py_cf_len > 0)
            o->regions[o->n++] = (MemRegion) { e->py_cf_addr, e->py_cf_len, e->py_cf };
          if (e->py_ds_len > 0)
            o->regions[o->n++] = (MemRegion) { e->py_ds_addr, e->py_ds_len, e->stack + ring->stack_size };
          for (guint k = 0; k < e->py_n_extra && o->n < MAX_OVERLAY - 1; k++)
            o->regions[o->n++] = (MemRegion) { e->py_extra_addr[k], (gsize) records[e->record].py_frame_len,
                                               e->py_extra[k] };
          o->regions[o->n++] = (MemRegion) { slot->snap.stack_addr, slot->snap.stack_len, slot->snap.stack };
          _lp_python_frames_read_now (self, slot);
          o->n = 0;
          publish_python (space->python.reader, &records[record], e->tid);
        }
      atomic_store (&e->state, ENTRY_FREE);

      slot->idle_syscall = -1;
      slot->on_cpu = TRUE;
      slot->in_kernel = FALSE;
      slot->just_born = slot->clone_parent = slot->signal_stop = FALSE;
      slot->time = (guint64) now_ns ();
      slot->thread_frame = self->opts.threads ? _lp_sampler_thread_frame (self, t) : G_MAXUINT32;
      self->n_slots++;

      rec = &records[record];
      sp = atomic_exchange (&rec->unknown_sp, 0);
      if (sp != 0)
        {
          guint64 lo, hi;

          if (find_mapping (sp, &lo, &hi))
            {
              atomic_store (&rec->stack_lo, lo);
              atomic_store (&rec->stack_hi, hi);
            }
        }
    }
  lost = atomic_exchange (&ring->lost, 0);
  self->stats.lost[LP_SAMPLER_LOST_LATE] += lost;
  self->batch_lost += lost;
}

static void
signal_poll (LpSampler *self)
{
  drain_ring (self);
  if (now_ns () >= self->signal.next_scan_ns)
    scan_threads (self);
}

/* /proc/self/task/TID/syscall of @t: TRUE when it is blocked in a system
 * call, with its number, stack pointer and program counter. */
static gboolean
read_blocked (Thread  *t,
              long    *nr,
              guint64 *sp,
              guint64 *pc)
{
  char buf[256];
  gssize n;
  char *fields[9];
  char *p = buf, *save = NULL;
  guint count = 0;

  if (t->signal.syscall_fd == -2)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%d/syscall", (int) t->tid);
      t->signal.syscall_fd = open (path, O_RDONLY | O_CLOEXEC);
    }
  if (t->signal.syscall_fd < 0)
    return FALSE;
  n = pread (t->signal.syscall_fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return FALSE;
  buf[n] = '\0';
  if (!g_ascii_isdigit (buf[0]))
    return FALSE;  /* "running", or "-1 …": not in a system call */
  for (char *f = strtok_r (p, " \n", &save); f != NULL && count < G_N_ELEMENTS (fields); f = strtok_r (NULL, " \n", &save))
    fields[count++] = f;
  if (count != 9)
    return FALSE;
  *nr = strtol (fields[0], NULL, 10);
  *sp = g_ascii_strtoull (fields[7], NULL, 16);
  *pc = g_ascii_strtoull (fields[8], NULL, 16);
  return TRUE;
}

/* A blocked thread's frame pointer, which /proc does not give: the first
 * place above its stack pointer that looks like a frame record (a saved
 * frame pointer further up the stack, then a return address into a
 * mapped module). Code built without frame pointers (most of a Debian
 * system) never needs it; code built with them (sanitized builds,
 * programs with -fno-omit-frame-pointer) cannot be unwound without it.
 * A wrong guess only ends the walk where it would have ended anyway. */
static guint64
guess_frame_pointer (Space            *space,
                     const LpSnapshot *snap)
{
  guint64 top = snap->stack_addr + snap->stack_len;

  if (space->unwinder == NULL)
    return 0;
  for (gsize off = 0; off + 16 <= snap->stack_len; off += 8)
    {
      guint64 here = snap->stack_addr + off, saved, ret;
      const char *module;
      guint64 offset;

      memcpy (&saved, snap->stack + off, 8);
      memcpy (&ret, snap->stack + off + 8, 8);
      if (!(saved > here && saved < top && (saved & 7) == 0))
        continue;
      if (ret >= snap->stack_addr && ret < top)
        continue;
      if (!lp_unwinder_describe (space->unwinder, ret, &module, &offset))
        continue;
      /* and the record it points to looks like one too (a pointer to a
       * local variable followed by a return address does not) */
      if (saved + 16 <= top)
        {
          guint64 saved2, ret2;

          memcpy (&saved2, snap->stack + (saved - snap->stack_addr), 8);
          memcpy (&ret2, snap->stack + (saved - snap->stack_addr) + 8, 8);
          if (saved2 != 0 && !(saved2 > saved && (saved2 & 7) == 0))
            continue;
          if (saved2 != 0 && !lp_unwinder_describe (space->unwinder, ret2, &module, &offset))
            continue;
        }
      return here;
    }
  return 0;
}

/* Wall mode: blocked threads, read without stopping them. */
static void
signal_tick (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  Space *space;
  gint64 now = now_ns ();

  drain_ring (self);
  if (self->opts.mode != LP_SAMPLER_MODE_WALL || !self->opts.idle)
    return;
  space = _lp_sampler_space_for (self, self->pid);
  if (space == NULL)
    return;
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Thread *t = value;
      long nr;
      guint64 sp, pc, runtime;
      guint weight = 1;
      Slot *slot;
      struct iovec local, remote;
      gssize got;

      if (t->signal.check_ns > 0)
        {
          gint64 since = now - t->signal.check_ns;
          weight = (guint) CLAMP ((since + self->period_ns / 2) / self->period_ns, 1, 1000);
        }
      /* not run since its last sample, which found it blocked: the same stack */
      if (t->wall.last_idle && t->wall.runtime != G_MAXUINT64
          && (runtime = _lp_wall_time_read_runtime (self, t)) == t->wall.runtime)
        {
          if (_lp_collapse_recount_stack (self, t->wall.last_index, t->tid, TRUE, TRUE, weight, 0))
            t->signal.check_ns = now;
          continue;
        }
      if (!read_blocked (t, &nr, &sp, &pc))
        {
          t->signal.check_ns = now;
          continue;
        }
      slot = _lp_collapse_next_slot (self);
      memset (slot->snap.regs, 0, sizeof slot->snap.regs);
      slot->snap.regs[LP_REG_RSP] = sp;
      slot->snap.regs[LP_REG_RIP] = pc;
      slot->snap.stack_addr = sp;
      local.iov_base = slot->snap.stack;
      local.iov_len = slot->cap;
      remote.iov_base = (void *) (guintptr) sp;
      remote.iov_len = slot->cap;
      got = lp_process_mem_readv (self->pid, &local, 1, &remote, 1);
      slot->snap.stack_len = got > 0 ? (gsize) got : 0;
      slot->snap.regs[LP_REG_RBP] = guess_frame_pointer (space, &slot->snap);
      slot->tid = t->tid;
      slot->tgid = self->pid;
      slot->weight = weight;
      slot->space = _lp_sampler_space_ref (space);
      slot->idle_syscall = nr;
      slot->on_cpu = FALSE;
      slot->in_kernel = TRUE;
      slot->just_born = slot->clone_parent = slot->signal_stop = FALSE;
      slot->time = (guint64) now;
      slot->thread_frame = self->opts.threads ? _lp_sampler_thread_frame (self, t) : G_MAXUINT32;
      _lp_kernel_frames_read_now (self, slot, t);
      /* it is blocked: its Python stack is the one of this sample */
      _lp_python_frames_read_now (self, slot);
      self->n_slots++;
      t->signal.check_ns = now;
    }
}

static void
signal_drain (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  SignalRing *ring = self->signal.ring;

  /* no new samples: timers off, then wait for a handler that still runs */
  g_hash_table_iter_init (&iter, self->threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    disarm_thread (value);
  atomic_store (&the_ring, NULL);
  while (atomic_load (&in_handler) > 0)
    g_usleep (50);
  if (ring != NULL)
    drain_ring (self);
}

static void
signal_detach (LpSampler *self)
{
  SignalRing *ring = self->signal.ring;

  if (ring == NULL)
    return;
  _lp_sampler_keep_self_space (self);
  self->signal.ring = NULL;
  self->sigfd = -1;
  close (ring->wake_fd);
  if (ring->mem_fd >= 0)
    close (ring->mem_fd);
  g_free (ring->entries);
  g_free (ring);
}

const LpSource lp_source_signal = {
  .name = "signal",
  .attach = signal_attach,
  .attach_child = signal_attach_child,
  .poll = signal_poll,
  .tick = signal_tick,
  .drain = signal_drain,
  .detach = signal_detach,
};

/* After a fork, in the child: no run goes on there (its timers were not
 * inherited, nor the sampler's thread). */
void
lp_source_signal_forget_after_fork (void)
{
  atomic_store (&the_ring, NULL);
  atomic_store (&in_handler, 0);
  for (guint i = 0; i < MAX_RECORDS; i++)
    atomic_store (&record_used[i], 0);
}
