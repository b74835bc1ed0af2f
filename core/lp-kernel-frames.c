/* lp-kernel-frames.c: the engine's kernel frames: perf call chains (cpu mode, running threads in wall
 * mode) and blocked threads' /proc/PID/task/TID/stack (wall mode), as "name_[k]" frames of a slot.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <glib/gi18n.h>
#include <linux/perf_event.h>
#include <string.h>

#include "lp-sampler-private.h"

/* A blocked thread's kernel stack is read at most this often: a thread
 * that blocks and wakes at every tick (bench-engine-switches at 1000 Hz)
 * needed 370 reads a second, 28-84 µs each here (10 ms: 148). In between,
 * a stop that finds it blocked in the same system call as its last read
 * gets that read's stack. The read also widens the time between a check
 * that finds the thread blocked and its stop, in which it may wake: with
 * 10 ms, test-engine's run-and-sleep share under AddressSanitizer was off
 * by 0.034 once (0.03 allowed); 50 ms. */
#define KERNEL_STACK_INTERVAL_NS (50 * 1000 * 1000)

/* Decides, before the source attaches to @pid, which kernel frames the
 * recording gets: none with no_kernel; with @callchains (cpu mode), perf
 * call chains if the kernel's symbols can be read (the perf source may
 * still find its events refused the kernel: _lp_kernel_frames_refused);
 * in wall mode, the stacks of blocked threads if
 * /proc/PID/task/TID/stack can be read (they name their functions: no
 * symbols needed). Wall mode's running threads get no call chains:
 * reading kallsyms costs 0.1 s of CPU at the start (0.2 s under
 * AddressSanitizer), which delayed a recording's first samples
 * (test-capture-record's killed test lost half of them). */
void
_lp_kernel_frames_start (LpSampler *self,
                         pid_t      pid,
                         gboolean   callchains)
{
  g_autoptr(GError) symbols_error = NULL;
  g_autoptr(GError) stack_error = NULL;

  if (self->opts.no_kernel)
    return;
  self->kernel.unknown_frame = G_MAXUINT32;
  /* the symbols themselves are read at the first call chain (0.1 s here,
   * 0.2 s under AddressSanitizer; the samples wait in the rings): read
   * before the events were opened, they let threads a target started
   * meanwhile go unseen (test-engine's attach-while-threads-start); read
   * by a niced thread of their own, the sampler waited for it while the
   * rings overflowed (test-engine-late-stop) */
  self->kernel.callchains = callchains && lp_kernel_check (0, &symbols_error);
  if (self->opts.mode == LP_SAMPLER_MODE_WALL)
    {
      self->kernel.stacks = lp_kernel_check (pid, &stack_error);
      self->kernel.names = g_ptr_array_new_with_free_func (g_free);
    }
  g_clear_pointer (&self->kernel.status, g_free);
  if (self->opts.mode == LP_SAMPLER_MODE_WALL && stack_error != NULL)
    self->kernel.status = g_strdup_printf (_("kernel frames: off: %s"), stack_error->message);
  else if (self->opts.mode == LP_SAMPLER_MODE_CPU && symbols_error != NULL)
    self->kernel.status = g_strdup_printf (_("kernel frames: off: %s"), symbols_error->message);
  else if (self->opts.mode == LP_SAMPLER_MODE_CPU && !callchains && self->signal.in_process)
    self->kernel.status = g_strdup (_("kernel frames: off: not in cpu mode in-process"));
  else if (self->opts.mode == LP_SAMPLER_MODE_CPU && !callchains)
    self->kernel.status = g_strdup (_("kernel frames: off: --no-kernel-calls"));
  else
    self->kernel.status = g_strdup (_("kernel frames: on"));
}

/* The perf events may not count the kernel (kernel.perf_event_paranoid
 * and no CAP_PERFMON): no call chains. */
void
_lp_kernel_frames_refused (LpSampler *self)
{
  if (!self->kernel.callchains)
    return;
  self->kernel.callchains = FALSE;
  if (self->opts.mode == LP_SAMPLER_MODE_CPU)
    {
      g_free (self->kernel.status);
      self->kernel.status = g_strdup (_("kernel frames: off: perf events may not see the kernel "
                                        "(kernel.perf_event_paranoid; run as root)"));
    }
}

void
_lp_kernel_frames_free (LpSampler *self)
{
  g_clear_pointer (&self->kernel.by_symbol, g_free);
  g_clear_pointer (&self->kernel.names, g_ptr_array_unref);
  g_clear_pointer (&self->kernel.status, g_free);
}

static guint32 *
slot_frames (Slot *slot)
{
  if (slot->kframes == NULL)
    slot->kframes = g_new (guint32, LP_KERNEL_MAX_FRAMES);
  return slot->kframes;
}

/* The frame of kernel address @addr. */
static guint32
symbol_frame (LpSampler *self,
              guint64    addr)
{
  const char *name = NULL;
  guint index = G_MAXUINT;

  if (self->kernel.by_symbol == NULL)
    {
      self->kernel.symbols = lp_kernel_symbols_get (NULL);
      /* unreadable after all: every address "[unknown]_[k]" */
      self->kernel.by_symbol = g_new0 (guint32, self->kernel.symbols != NULL
                                                ? lp_kernel_symbols_count (self->kernel.symbols) : 1);
    }
  if (self->kernel.symbols != NULL)
    index = lp_kernel_symbols_lookup (self->kernel.symbols, addr, &name);
  if (index == G_MAXUINT)
    {
      if (self->kernel.unknown_frame == G_MAXUINT32)
        self->kernel.unknown_frame = lp_folded_intern (self->dest, "[unknown]" LP_KERNEL_SUFFIX, -1);
      return self->kernel.unknown_frame;
    }
  if (self->kernel.by_symbol[index] == 0)
    {
      g_autofree char *label = g_strconcat (name, LP_KERNEL_SUFFIX, NULL);

      self->kernel.by_symbol[index] = lp_folded_intern (self->dest, label, -1) + 1;
    }
  return self->kernel.by_symbol[index] - 1;
}

/* A perf sample's call chain (PERF_SAMPLE_CALLCHAIN, the kernel's part
 * only: exclude_callchain_user), @nr addresses at @chain, innermost first
 * after a PERF_CONTEXT_KERNEL mark, into @slot's kernel frames. */
void
_lp_kernel_frames_from_callchain (LpSampler    *self,
                                  Slot         *slot,
                                  const guint8 *chain,
                                  guint64       nr)
{
  guint32 inner_first[LP_KERNEL_MAX_FRAMES];
  guint n = 0;
  gboolean kernel = FALSE;

  if (!self->kernel.callchains)
    return;
  for (guint64 i = 0; i < nr && n < LP_KERNEL_MAX_FRAMES; i++)
    {
      guint64 addr;

      memcpy (&addr, chain + 8 * i, 8);
      if (addr >= (guint64) PERF_CONTEXT_MAX)
        {
          kernel = addr == (guint64) PERF_CONTEXT_KERNEL;
          continue;
        }
      if (!kernel)
        continue;
      /* a return address: the call is the byte before (a call that ends
       * its function would name the next one) */
      inner_first[n] = symbol_frame (self, n == 0 ? addr : addr - 1);
      n++;
    }
  if (n == 0)
    return;
  slot_frames (slot);
  for (guint i = 0; i < n; i++)
    slot->kframes[i] = inner_first[n - 1 - i];
  slot->n_kframes = n;
}

/* @t's kernel stack into t->wall.kernel_frames, for its next sample; or,
 * within KERNEL_STACK_INTERVAL_NS of the last read, t->wall.kernel_reuse:
 * the stack of that read will do if the call is the same. */
static void
read_stack (LpSampler *self,
            Thread    *t)
{
  gint64 t0;

  if (t->wall.kernel_frames != NULL)
    g_array_set_size (t->wall.kernel_frames, 0);
  t->wall.kernel_reuse = FALSE;
  if (!self->kernel.stacks)
    return;
  t0 = now_ns ();
  if (t->wall.kernel_last != NULL && t->wall.kernel_last->len > 0 &&
      t0 - t->wall.kernel_read_ns < KERNEL_STACK_INTERVAL_NS)
    {
      t->wall.kernel_reuse = TRUE;
      return;
    }
  t->wall.kernel_read_ns = t0;
  if (!lp_kernel_read_stack (t->tgid, t->tid, self->kernel.names, NULL))
    return;
  if (t->wall.kernel_frames == NULL)
    t->wall.kernel_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < self->kernel.names->len; i++)
    {
      guint32 id = lp_folded_intern (self->dest, g_ptr_array_index (self->kernel.names, i), -1);

      g_array_append_val (t->wall.kernel_frames, id);
    }
  self->stats.kernel_stacks++;
  self->stats.kernel_stack_ns += now_ns () - t0;
}

/* Wall mode: @t is about to be stopped; if its check found it blocked,
 * its kernel stack is read now (in its stop it would show the stop), for
 * its sample (_lp_kernel_frames_to_slot). */
void
_lp_kernel_frames_read_blocked (LpSampler *self,
                                Thread    *t)
{
  if (t->wall.found_blocked)
    read_stack (self, t);
  else
    {
      if (t->wall.kernel_frames != NULL)
        g_array_set_size (t->wall.kernel_frames, 0);
      t->wall.kernel_reuse = FALSE;
    }
}

/* In-process, wall mode: @slot, a sample of @t found blocked in a system
 * call without stopping it, gets its kernel stack, read now. */
void
_lp_kernel_frames_read_now (LpSampler *self,
                            Slot      *slot,
                            Thread    *t)
{
  read_stack (self, t);
  _lp_kernel_frames_to_slot (self, slot, t, FALSE);
}

/* Whether the frames of @a begin with all of @b's. */
static gboolean
begins_with (GArray *a,
             GArray *b)
{
  return a->len > b->len && memcmp (a->data, b->data, b->len * sizeof (guint32)) == 0;
}

/* Wall mode: @slot, a sample of @t's stop, gets the kernel stack its
 * check read if it is blocked in a system call; the stack is used once
 * either way. In restart_syscall (@restarted: a
 * call that our last stop interrupted, continued where it waited), the
 * kernel shows only the entry code (the restart is a tail call into
 * functions of the scheduler's section, which stacks leave out): the
 * stack the call waited in before, which the restart goes on with, when
 * it begins with those frames. */
void
_lp_kernel_frames_to_slot (LpSampler *self,
                           Slot      *slot,
                           Thread    *t,
                           gboolean   restarted)
{
  GArray *frames = t->wall.kernel_frames;

  if (t->wall.kernel_reuse && slot->idle_syscall >= 0 && slot->idle_syscall == t->wall.kernel_last_nr)
    {
      slot->n_kframes = MIN (t->wall.kernel_last->len, LP_KERNEL_MAX_FRAMES);
      memcpy (slot_frames (slot), t->wall.kernel_last->data, slot->n_kframes * sizeof (guint32));
    }
  t->wall.kernel_reuse = FALSE;
  if (frames == NULL || frames->len == 0)
    return;
  if (slot->idle_syscall < 0)
    {
      /* woken before its stop: running, not in that stack */
      g_array_set_size (frames, 0);
      return;
    }
  if (t->wall.kernel_last == NULL)
    t->wall.kernel_last = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (!restarted || !begins_with (t->wall.kernel_last, frames))
    {
      g_array_set_size (t->wall.kernel_last, 0);
      g_array_append_vals (t->wall.kernel_last, frames->data, frames->len);
    }
  t->wall.kernel_last_nr = slot->idle_syscall;
  frames = t->wall.kernel_last;
  slot->n_kframes = MIN (frames->len, LP_KERNEL_MAX_FRAMES);
  memcpy (slot_frames (slot), frames->data, slot->n_kframes * sizeof (guint32));
  g_array_set_size (t->wall.kernel_frames, 0);
}
