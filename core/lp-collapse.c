/* lp-collapse.c: the engine's collapse step, shared by the sampler and bench/process-frames,
 * and the sampler's side of it: unwind, symbolize and count its slots, hand out batches.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lp-collapse.h"
#include "lp-sampler-private.h"

gboolean
lp_collapse_stack_n (LpFolded      *dest,
                     const guint32 *frames,
                     guint          depth,
                     guint          n,
                     guint         *index)
{
  guint64 hash;

  g_return_val_if_fail (dest != NULL, FALSE);
  g_return_val_if_fail (frames != NULL || depth == 0, FALSE);

  hash = lp_folded_hash_stack (frames, depth);
  return lp_folded_add (dest, frames, depth, hash, n, 0, index, NULL);
}

gboolean
lp_collapse_stack (LpFolded      *dest,
                   const guint32 *frames,
                   guint          depth,
                   guint         *index)
{
  return lp_collapse_stack_n (dest, frames, depth, 1, index);
}

/* ---- the sampler's slots: counted, then unwound, symbolized and collapsed after the tick ---- */

static void mark_dirty (LpSampler *self, guint index);

Slot *
_lp_collapse_next_slot (LpSampler *self)
{
  Slot *slot;

  if (self->n_slots == self->slots->len)
    {
      g_array_set_size (self->slots, self->slots->len + 1);
      slot = &g_array_index (self->slots, Slot, self->n_slots);
      slot->cap = self->opts.stack_size;
      slot->snap.stack = g_malloc (slot->cap);
    }
  slot = &g_array_index (self->slots, Slot, self->n_slots);
  slot->n_kframes = 0;
  return slot;
}

/* Hands self->frames[0..depth) to the snapshot function. */
static void
emit_snapshot (LpSampler *self,
               guint      depth,
               pid_t      tid,
               gboolean   idle,
               gboolean   truncated,
               gboolean   reused)
{
  LpSamplerSnapshot snapshot = {
    .frames = self->frames, .depth = depth, .tid = tid,
    .time = (now_ns () - self->start_ns) / 1e9,
    .idle = idle, .truncated = truncated, .reused = reused,
  };

  self->snapshot_func (self, &snapshot, self->snapshot_data);
}

/* Hands the sample just counted (self->frames[0..@depth), stack @index)
 * to the sample function; @time: CLOCK_MONOTONIC ns when it was taken, 0
 * when not known (now, then) */
static void
emit_sample (LpSampler *self,
             guint      depth,
             guint      index,
             pid_t      tgid,
             pid_t      tid,
             guint      weight,
             gboolean   idle,
             guint64    time)
{
  gint64 now = now_ns ();
  LpSamplerSample sample = {
    .frames = self->frames, .depth = depth, .stack = index, .weight = weight,
    .pid = tgid, .tid = tid, .idle = idle,
  };

  /* a source's own time of the sample, where it is one of ours */
  if (time < (guint64) self->start_ns || time > (guint64) now)
    time = now;
  sample.time_ns = time - self->start_ns;
  self->sample_func (self, &sample, self->sample_data);
}

/* Counts @frames (@depth of them) @weight times more, as samples of @tid:
 * a stack seen before, standing for more time; @time (CLOCK_MONOTONIC
 * ns; 0: now) is when the thread was in it. The frames are copied first
 * (the aggregate's own may move as it grows). */
gboolean
_lp_collapse_count_frames (LpSampler     *self,
                           const guint32 *frames,
                           guint          depth,
                           pid_t          tid,
                           gboolean       idle,
                           gboolean       reused,
                           guint          weight,
                           guint64        time)
{
  guint index;

  if (frames != self->frames)
    memcpy (self->frames, frames, depth * sizeof (guint32));
  for (guint w = 0; w < weight && self->snapshot_func != NULL; w++)
    emit_snapshot (self, depth, tid, idle, FALSE, reused);
  if (!lp_collapse_stack_n (self->dest, self->frames, depth, weight, &index))
    return FALSE;
  if (self->sample_func != NULL)
    {
      Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));

      emit_sample (self, depth, index, t != NULL ? t->tgid : self->pid, tid, weight, idle, time);
    }
  self->stats.samples += weight;
  self->batch_samples += weight;
  if (idle)
    self->stats.idle_samples += weight;
  if (reused)
    self->stats.reused += weight;
  if (self->batch_func != NULL)
    mark_dirty (self, index);
  return TRUE;
}

/* Counts stack @index of the aggregate once more, as a sample of @tid
 * in it at @time (0: now). */
gboolean
_lp_collapse_recount_stack (LpSampler *self,
                            guint      index,
                            pid_t      tid,
                            gboolean   idle,
                            gboolean   reused,
                            guint      weight,
                            guint64    time)
{
  LpFoldedStack stack;

  lp_folded_get_stack (self->dest, index, &stack);
  return _lp_collapse_count_frames (self, stack.frames, stack.depth, tid, idle, reused, weight, time);
}

/* after the tick: unwind, symbolize, collapse (the target runs) */

static const char *
syscall_name (long nr)
{
  switch (nr)
    {
    case 0: return "read";
    case 1: return "write";
    case 7: return "poll";
    case 16: return "ioctl";
    case 17: return "pread64";
    case 18: return "pwrite64";
    case 19: return "readv";
    case 20: return "writev";
    case 23: return "select";
    case 24: return "sched_yield";
    case 34: return "pause";
    case 35: return "nanosleep";
    case 42: return "connect";
    case 43: return "accept";
    case 44: return "sendto";
    case 45: return "recvfrom";
    case 46: return "sendmsg";
    case 47: return "recvmsg";
    case 61: return "wait4";
    case 65: return "semop";
    case 70: return "msgrcv";
    case 73: return "flock";
    case 74: return "fsync";
    case 128: return "rt_sigtimedwait";
    case 130: return "rt_sigsuspend";
    case 202: return "futex";
    case 208: return "io_getevents";
    case 219: return "restart_syscall";
    case 220: return "semtimedop";
    case 230: return "clock_nanosleep";
    case 232: return "epoll_wait";
    case 247: return "waitid";
    case 257: return "openat";
    case 270: return "pselect6";
    case 271: return "ppoll";
    case 281: return "epoll_pwait";
    case 288: return "accept4";
    case 299: return "recvmmsg";
    case 426: return "io_uring_enter";
    case 441: return "epoll_pwait2";
    case 449: return "futex_waitv";
    case 56: return "clone";
    case 57: return "fork";
    case 58: return "vfork";
    case 435: return "clone3";
    default: return NULL;
    }
}

gboolean
lp_collapse_parse_unnamed (const char *name,
                           gsize       len,
                           char      **module,
                           guint64    *offset,
                           gboolean   *is_start)
{
  const char *sep = NULL;
  guint64 value = 0;

  if (len < 6 || name[0] != '[' || name[len - 1] != ']')
    return FALSE;
  /* the last "+0x" or "@0x": a module's name may hold either */
  for (gsize i = len - 4; i >= 2 && sep == NULL; i--)
    if ((name[i] == '+' || name[i] == '@') && name[i + 1] == '0' && name[i + 2] == 'x')
      sep = name + i;
  if (sep == NULL || name + len - 1 - (sep + 3) > 16 || sep + 3 == name + len - 1)
    return FALSE;
  for (const char *p = sep + 3; p < name + len - 1; p++)
    {
      if (!g_ascii_isxdigit (*p))
        return FALSE;
      value = value * 16 + (guint64) g_ascii_xdigit_value (*p);
    }
  *module = g_strndup (name + 1, sep - name - 1);
  *offset = value;
  *is_start = *sep == '@';
  return TRUE;
}

gboolean
lp_collapse_is_idle_frame (const char *name)
{
  return name != NULL && strncmp (name, LP_COLLAPSE_IDLE_PREFIX, strlen (LP_COLLAPSE_IDLE_PREFIX)) == 0;
}

/* the idle frame of the system call @nr: see LP_COLLAPSE_IDLE_PREFIX */
static guint32
idle_frame (LpSampler *self,
            long       nr)
{
  gpointer v = g_hash_table_lookup (self->idle_frames, GSIZE_TO_POINTER (nr));

  if (v == NULL)
    {
      const char *name = syscall_name (nr);
      g_autofree char *label = name ? g_strdup_printf (LP_COLLAPSE_IDLE_PREFIX ": %s]", name)
                                    : g_strdup_printf (LP_COLLAPSE_IDLE_PREFIX ": syscall %ld]", nr);
      guint32 id = lp_folded_intern (self->dest, label, -1);
      g_hash_table_insert (self->idle_frames, GSIZE_TO_POINTER (nr), GUINT_TO_POINTER (id + 1));
      return id;
    }
  return GPOINTER_TO_UINT (v) - 1;
}

static guint32
frame_for (LpSampler *self,
           Space     *space,
           guint64    addr)
{
  gpointer v = g_hash_table_lookup (space->frame_cache, GSIZE_TO_POINTER (addr));
  const char *name;
  guint32 id;

  if (v != NULL)
    return GPOINTER_TO_UINT (v) - 1;

  name = space->symbols != NULL ? lp_symbols_lookup (space->symbols, addr) : NULL;
  if (name != NULL)
    {
      id = lp_folded_intern (self->dest, name, -1);
      /* a new source file met: where it is, for the capture */
      if (self->opts.lines && lp_symbols_get_n_sources (space->symbols) != space->n_sources)
        {
          GHashTableIter iter;
          gpointer file, path;

          space->n_sources = lp_symbols_get_n_sources (space->symbols);
          g_hash_table_iter_init (&iter, lp_symbols_get_sources (space->symbols));
          while (g_hash_table_iter_next (&iter, &file, &path))
            _lp_sampler_note_source (self, file, path);
        }
    }
  else
    {
      const char *module;
      guint64 offset, start;
      g_autofree char *label = NULL;

      if (space->unwinder == NULL || !lp_unwinder_describe (space->unwinder, addr, &module, &offset))
        label = g_strdup ("[unknown]");
      else
        {
          /* its debug file may come later (lp_sampler_names_late()) */
          _lp_sampler_note_unnamed (self, module, lp_unwinder_module_path (space->unwinder, addr));
          if (space->symbols != NULL && lp_symbols_function_start (space->symbols, addr, &start) &&
              start <= addr && addr - start <= offset)
            label = g_strdup_printf ("[%s@0x%" G_GINT64_MODIFIER "x]", module, offset - (addr - start));
          else
            label = g_strdup_printf ("[%s+0x%" G_GINT64_MODIFIER "x]", module, offset);
        }
      id = lp_folded_intern (self->dest, label, -1);
    }
  g_hash_table_insert (space->frame_cache, GSIZE_TO_POINTER (addr), GUINT_TO_POINTER (id + 1));
  return id;
}

/* Appends to self->native (from @n) the frames of the functions inlined
 * at @addr, outermost first; the new count. Their ids are kept per
 * address, as frame_for() keeps a frame's: a sample interns no name. */
static guint
inlined_frames (LpSampler *self,
                Space     *space,
                guint64    addr,
                guint      n)
{
  GArray *ids = g_hash_table_lookup (space->inlined_cache, GSIZE_TO_POINTER (addr));

  if (ids == NULL)
    {
      const char * const *names;
      guint k = lp_symbols_lookup_inlined (space->symbols, addr, &names);

      ids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), k);
      for (guint i = 0; i < k; i++)
        {
          guint32 id = lp_folded_intern (self->dest, names[i], -1);
          g_array_append_val (ids, id);
        }
      g_hash_table_insert (space->inlined_cache, GSIZE_TO_POINTER (addr), ids);
    }
  for (guint i = 0; i < ids->len && n < LP_MAX_NATIVE_FRAMES; i++)
    self->native[n++] = g_array_index (ids, guint32, i);
  return n;
}

static void
mark_dirty (LpSampler *self,
            guint      index)
{
  if (index >= self->dirty_flag->len)
    {
      guint old = self->dirty_flag->len;
      g_byte_array_set_size (self->dirty_flag, MAX (index + 1, old * 2 + 64));
      memset (self->dirty_flag->data + old, 0, self->dirty_flag->len - old);
    }
  if (!self->dirty_flag->data[index])
    {
      self->dirty_flag->data[index] = 1;
      g_array_append_val (self->dirty, index);
    }
}

/* Unwinds @slot into self->ips from the return address at the top of its
 * stack: glibc's clone/clone3 end their CFI before the syscall, and the
 * parent returns from there with a plain `ret`. */
static guint
unwind_from_return (LpSampler *self,
                    Slot      *slot,
                    gboolean  *truncated)
{
  LpSnapshot caller = slot->snap;
  LpUnwinder *unwinder = slot->space->unwinder;
  guint n;

  if (slot->snap.stack_len < 8 || unwinder == NULL)
    return 0;
  memcpy (&caller.regs[LP_REG_RIP], slot->snap.stack, 8);
  caller.regs[LP_REG_RSP] += 8;
  self->ips[0] = slot->snap.regs[LP_REG_RIP];
  n = 1 + lp_unwinder_unwind (unwinder, &caller, self->ips + 1, MAX_FRAMES - 1, truncated);
  /* ips[1] is a return address: look up its call, as for the others */
  self->ips[1]--;
  return n;
}

/* The system call that restart_syscall continues, from the name of the
 * libc function the thread is in (the calls the kernel restarts that way:
 * nanosleep, clock_nanosleep, futex with a timeout, poll); -1 if the name
 * tells none. */
static long
restarted_call (const char *function)
{
  if (function == NULL)
    return -1;
  if (strstr (function, "clock_nanosleep") != NULL)
    return 230;
  if (strstr (function, "nanosleep") != NULL)
    return 35;
  if (strstr (function, "futex") != NULL)
    return 202;
  if (strstr (function, "ppoll") != NULL)
    return 271;
  if (strstr (function, "poll") != NULL)
    return 7;
  return -1;
}

/* Whether @addr, the outermost frame of a walk, is where a stack begins:
 * a program's entry (_start, named or not), the dynamic loader's, or a
 * thread's start. */
static gboolean
is_root (LpSampler *self,
         Space     *space,
         guint64    addr)
{
  static const char *const roots[] = { "_start", "__clone3", "clone3", "__clone", "clone", "start_thread",
                                       "_dl_start_user", "_dl_start" };
  const char *name;

  if (addr == LP_UNWIND_SIGNAL_FRAME)
    return FALSE;
  if (space->unwinder != NULL && lp_unwinder_is_entry (space->unwinder, addr))
    return TRUE;
  name = lp_folded_frame_name (self->dest, frame_for (self, space, addr));
  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    if (g_str_equal (name, roots[i]))
      return TRUE;
  return FALSE;
}

/* collapse_slot(): the return addresses of @slot's stack into self->ips,
 * how many; *@truncated if the walk was cut short. */
static guint
unwind_slot (LpSampler  *self,
             Slot       *slot,
             LpUnwinder *unwinder,
             gboolean   *truncated)
{
  guint n_ips;

  if (slot->just_born)
    {
      self->ips[0] = slot->snap.regs[LP_REG_RIP];
      n_ips = 1;
    }
  else if (slot->clone_parent)
    n_ips = unwind_from_return (self, slot, truncated);
  else
    {
      n_ips = unwinder ? lp_unwinder_unwind (unwinder, &slot->snap, self->ips, MAX_FRAMES, truncated) : 0;
      /* a perf sample taken inside clone/clone3 (the kernel's time is
       * sampled too): the parent as above; the new thread on its way out
       * (rax 0; any other call shows -ENOSYS there) as just_born */
      if (*truncated && slot->in_kernel && slot->snap.regs[LP_REG_RAX] == 0)
        {
          self->ips[0] = slot->snap.regs[LP_REG_RIP];
          n_ips = 1;
          *truncated = FALSE;
        }
      else if (*truncated && slot->in_kernel)
        {
          gboolean again_truncated = FALSE;
          guint again = unwind_from_return (self, slot, &again_truncated);

          if (again > 0 && !again_truncated)
            {
              n_ips = again;
              *truncated = FALSE;
            }
          else
            n_ips = unwinder ? lp_unwinder_unwind (unwinder, &slot->snap, self->ips, MAX_FRAMES, truncated) : 0;
        }
    }
  return n_ips;
}

/* collapse_slot(), wall mode: what @slot, counted as stack @index, tells
 * of its thread for its next samples (_lp_wall_time_reuse_sample, count_run_stack). */
static void
note_thread_stack (LpSampler *self,
                   Slot      *slot,
                   guint      index,
                   gboolean   truncated)
{
  Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (slot->tid));

  /* the thread runs again since the tick; by now a blocked one is
   * back in its system call */
  /* the slots of one tick come ring after ring, CPU after CPU:
   * the latest in time, not the last collapsed */
  if (t != NULL && slot->on_cpu && (!t->wall.run_known || slot->time >= t->wall.run_time))
    {
      t->wall.run_index = index;
      t->wall.run_time = slot->time;
      t->wall.run_known = TRUE;
    }
  else if (t != NULL)
    {
      /* --stop-running: a stop that found it on a CPU */
      if (!self->perf.assist && slot->idle_syscall < 0 && !truncated)
        {
          t->wall.run_index = index;
          t->wall.run_known = TRUE;
        }
      t->wall.last_idle = slot->idle_syscall >= 0 && !truncated;
      t->wall.last_index = index;
      t->wall.idle_sp = slot->snap.regs[LP_REG_RSP];
      t->wall.idle_pc = slot->snap.regs[LP_REG_RIP];
      t->wall.idle_checked = FALSE;
      t->wall.runtime = t->wall.last_idle ? _lp_wall_time_read_runtime (self, t) : G_MAXUINT64;
    }
}

/* Unwinds, symbolizes and collapses one snapshot. */
static void
collapse_slot (LpSampler  *self,
               Slot       *slot)
{
  LpUnwinder *unwinder;
  gboolean truncated = FALSE;
  guint n_ips, n_native, depth = 0, index;

  if (slot->space == NULL)
    slot->space = _lp_sampler_space_ref (_lp_sampler_space_for (self, slot->tgid));
  unwinder = slot->space->unwinder;
  gint64 t0, t1, t2;

  t0 = now_ns ();
  n_ips = unwind_slot (self, slot, unwinder, &truncated);
  t1 = now_ns ();

  /* a walk that ended without an error, but not at a root (the unwind
   * info ended, or libunwind's frame-pointer guess did): cut short all
   * the same */
  if (!truncated && n_ips > 0 && !slot->just_born && !is_root (self, slot->space, self->ips[n_ips - 1]))
    truncated = TRUE;

  self->frames[depth++] = slot->space->frame;
  if (slot->thread_frame != G_MAXUINT32)
    self->frames[depth++] = slot->thread_frame;
  if (truncated || n_ips == 0)
    {
      self->frames[depth++] = self->truncated_frame;
      self->stats.truncated++;
    }
  n_native = 0;
  for (guint i = n_ips; i > 0; i--)
    {
      guint64 addr = self->ips[i - 1];

      self->native[n_native++] = addr == LP_UNWIND_SIGNAL_FRAME ? self->signal_frame
                                                                : frame_for (self, slot->space, addr);
      /* with lines, functions inlined there are frames of their own */
      if (self->opts.lines && addr != LP_UNWIND_SIGNAL_FRAME && slot->space->symbols != NULL)
        n_native = inlined_frames (self, slot->space, addr, n_native);
    }
  /* the interpreter's evaluation frames give way to the Python frames
   * they run (a copy when the process runs no Python) */
  depth = _lp_python_frames_merge (self, slot, self->native, n_native, truncated || n_ips == 0, depth);
  if (slot->idle_syscall == 219 && n_ips > 0 && self->ips[0] != LP_UNWIND_SIGNAL_FRAME)
    {
      /* restart_syscall, and the call it continues was not seen (the
       * thread was in it when we attached: `sleep 100`): the libc
       * function it is in tells */
      long nr = restarted_call (lp_folded_frame_name (self->dest, frame_for (self, slot->space, self->ips[0])));

      if (nr >= 0)
        {
          Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (slot->tid));

          slot->idle_syscall = nr;
          if (t != NULL && t->ptrace.last_syscall < 0)
            t->ptrace.last_syscall = nr;
        }
    }
  /* the kernel's frames above the user frames that called it, under the
   * idle leaf, which stays last (lp-kernel.h) */
  if (slot->n_kframes > 0)
    {
      memcpy (self->frames + depth, slot->kframes, slot->n_kframes * sizeof (guint32));
      depth += slot->n_kframes;
      self->stats.kernel_samples += slot->weight;
    }
  if (slot->idle_syscall >= 0)
    {
      guint32 gil = _lp_python_frames_idle (self, slot);

      self->frames[depth++] = gil != G_MAXUINT32 ? gil : idle_frame (self, slot->idle_syscall);
      self->stats.idle_samples += slot->weight;
    }
  for (guint w = 0; w < slot->weight && self->snapshot_func != NULL; w++)
    emit_snapshot (self, depth, slot->tid, slot->idle_syscall >= 0,
                   truncated || n_ips == 0, FALSE);
  t2 = now_ns ();

  if (slot->signal_stop)
    {
      Thread *t = g_hash_table_lookup (self->threads, GINT_TO_POINTER (slot->tid));

      if (t != NULL)
        {
          if (t->wall.signal_frames == NULL)
            t->wall.signal_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
          g_array_set_size (t->wall.signal_frames, 0);
          g_array_append_vals (t->wall.signal_frames, self->frames, depth);
          t->wall.signal_time = slot->time;
        }
    }
  if (slot->weight > 0 && lp_collapse_stack_n (self->dest, self->frames, depth, slot->weight, &index))
    {
      if (self->opts.mode == LP_SAMPLER_MODE_WALL)
        note_thread_stack (self, slot, index, truncated);
      self->stats.samples += slot->weight;
      self->batch_samples += slot->weight;
      if (self->batch_func != NULL)
        mark_dirty (self, index);
      if (self->sample_func != NULL)
        emit_sample (self, depth, index, slot->tgid, slot->tid, slot->weight,
                     slot->idle_syscall >= 0, slot->time);
    }
  self->stats.unwind_ns += t1 - t0;
  self->stats.symbolize_ns += t2 - t1;
  self->stats.collapse_ns += now_ns () - t2;
}

void
_lp_collapse_slots (LpSampler *self)
{
  for (guint i = 0; i < self->n_slots; i++)
    {
      Slot *slot = &g_array_index (self->slots, Slot, i);

      collapse_slot (self, slot);
      g_clear_pointer (&slot->space, _lp_sampler_space_unref);
    }
  self->n_slots = 0;
  _lp_sampler_sweep_spaces (self);
}

gboolean
_lp_collapse_flush_batch (LpSampler  *self,
                          GError    **error)
{
  LpSamplerBatch batch = { 0 };
  gboolean ok;

  if (self->batch_func == NULL)
    return TRUE;
  g_array_set_size (self->deltas, self->dirty->len);
  for (guint i = 0; i < self->dirty->len; i++)
    {
      guint index = g_array_index (self->dirty, guint, i);
      LpFoldedStack stack;

      if (index >= self->last_counts->len)
        g_array_set_size (self->last_counts, MAX (index + 1, self->last_counts->len * 2));
      lp_folded_get_stack (self->dest, index, &stack);
      g_array_index (self->deltas, double, i) = stack.count - g_array_index (self->last_counts, double, index);
      g_array_index (self->last_counts, double, index) = stack.count;
      self->dirty_flag->data[index] = 0;
    }
  batch.stacks = (const guint *) (gpointer) self->dirty->data;
  batch.deltas = (const double *) (gpointer) self->deltas->data;
  batch.n = self->dirty->len;
  batch.time = (now_ns () - self->start_ns) / 1e9;
  batch.samples = self->batch_samples;
  batch.lost = self->batch_lost;
  ok = self->batch_func (self, &batch, self->batch_data, error);
  g_array_set_size (self->dirty, 0);
  self->batch_samples = 0;
  self->batch_lost = 0;
  return ok;
}
