/* lp-python-reader-memory.c: what the Python reader reads of its target:
 * reads within a budget, batched into one process_vm_readv, str objects,
 * the data stack and the frames the last walk found outside it, and the
 * walk along the frame chain.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <sys/uio.h>

#include "lp-process-mem.h"
#include "lp-python-reader-private.h"

/* Reads, counted against the walk's budget. */
gboolean
_lp_python_reader_read (LpPythonReader *self,
                        guint64         addr,
                        void           *buf,
                        gsize           len)
{
  if (self->budget == 0)
    {
      self->over_budget = TRUE;
      return FALSE;
    }
  self->budget--;
  self->stats.reads++;
  if (addr + len < addr || addr + len > G_GUINT64_CONSTANT (0x800000000000))
    return FALSE;
  return self->read (self->data, addr, buf, len);
}

/* Reads all of @reqs; with a live process in as few process_vm_readv
 * calls as it takes (the call stops at the first element it cannot read:
 * the rest are asked again). */
void
_lp_python_reader_read_batch (LpPythonReader *self,
                              Req            *reqs,
                              guint           n)
{
  if (!self->is_process)
    {
      for (guint i = 0; i < n; i++)
        reqs[i].ok = _lp_python_reader_read (self, reqs[i].addr, reqs[i].buf, reqs[i].len);
      return;
    }
  for (guint start = 0; start < n;)
    {
      struct iovec local[MAX_IOV], remote[MAX_IOV];
      guint count = MIN (n - start, MAX_IOV), done = 0;
      ssize_t got;
      gsize sum = 0;

      if (self->budget == 0)
        {
          self->over_budget = TRUE;
          for (guint i = start; i < n; i++)
            reqs[i].ok = FALSE;
          return;
        }
      for (guint i = 0; i < count; i++)
        {
          local[i].iov_base = reqs[start + i].buf;
          local[i].iov_len = reqs[start + i].len;
          remote[i].iov_base = (void *) (guintptr) reqs[start + i].addr;
          remote[i].iov_len = reqs[start + i].len;
        }
      self->budget--;
      self->stats.reads++;
      got = lp_process_mem_readv (GPOINTER_TO_INT (self->data), local, count, remote, count);
      for (guint i = 0; i < count && got > 0; i++)
        {
          sum += reqs[start + i].len;
          if ((gsize) got < sum)
            break;
          reqs[start + i].ok = TRUE;
          done++;
        }
      if (done < count)
        reqs[start + done++].ok = FALSE;
      start += done;
    }
}

const LpPythonLayout *
_lp_python_reader_layout (LpPythonReader *self)
{
  return &self->layout;
}

/* Reads the str object at @addr into @out; FALSE when it is not one. */
gboolean
_lp_python_reader_str (LpPythonReader *self,
                       guint64         addr,
                       char           *out,
                       gsize           out_size)
{
  gsize have = 128, needed;

  if (!_lp_python_ptr_ok (addr))
    return FALSE;
  /* most names fit in one read; near the end of a mapping, read the
   * header alone first */
  if (!_lp_python_reader_read (self, addr, self->str_obj, have))
    {
      have = self->layout.str_ascii_data;
      if (self->over_budget || !_lp_python_reader_read (self, addr, self->str_obj, have))
        return FALSE;
    }
  for (int tries = 0; tries < 2; tries++)
    {
      switch (_lp_python_str_decode (&self->layout, self->target.unicode_type, self->str_obj,
                                     have, &needed, out, out_size))
        {
        case LP_PYTHON_STR_OK:
          return TRUE;
        case LP_PYTHON_STR_BAD:
          return FALSE;
        case LP_PYTHON_STR_SHORT:
          if (needed <= have || !_lp_python_reader_read (self, addr, self->str_obj, needed))
            return FALSE;
          have = needed;
          break;
        }
    }
  return FALSE;
}

/* Remembers an older chunk for the thread's next walk. */
static void
note_chunk (LpPythonReader *self,
            guint64         lo,
            gsize           len)
{
  if (self->n_new_chunk_hints < CHUNK_HINTS)
    {
      self->new_chunk_hints[self->n_new_chunk_hints][0] = lo;
      self->new_chunk_hints[self->n_new_chunk_hints][1] = len;
      self->n_new_chunk_hints++;
    }
}

/* Copies the used part of the data-stack chunk at @chunk, up to @end (0:
 * as its header says), into chunk_buf. */
static gboolean
copy_chunk (LpPythonReader *self,
            guint64         chunk,
            guint64         end)
{
  guint8 header[CHUNK_HEADER];
  Chunk *c;

  if (self->n_chunks >= MAX_CHUNKS || !_lp_python_ptr_ok (chunk))
    return FALSE;
  if (end == 0)
    {
      guint64 top;

      if (!_lp_python_reader_read (self, chunk, header, sizeof header))
        return FALSE;
      top = _lp_python_u64 (header, 16);
      if (top > CHUNK_BUF / 8)
        return FALSE;
      end = chunk + CHUNK_HEADER + 8 * top;
    }
  if (end < chunk + CHUNK_HEADER || end - chunk > CHUNK_BUF - self->chunk_used ||
      !_lp_python_reader_read (self, chunk, self->chunk_buf + self->chunk_used, end - chunk))
    return FALSE;
  c = &self->chunks[self->n_chunks++];
  c->lo = chunk;
  c->hi = end;
  c->off = self->chunk_used;
  self->chunk_used += end - chunk;
  self->older_chunk = _lp_python_u64 (self->chunk_buf + c->off, 0);
  /* the size in the header bounds the chunk */
  if (_lp_python_u64 (self->chunk_buf + c->off, 8) < end - chunk)
    {
      self->n_chunks--;
      self->chunk_used = c->off;
      self->older_chunk = 0;
      return FALSE;
    }
  note_chunk (self, chunk, end - chunk);
  return TRUE;
}

/* Takes the older chunk read at @off of chunk_buf (@len bytes) from the
 * walk's first read, when its header says its used part is in them. */
static void
adopt_chunk (LpPythonReader *self,
             guint64         lo,
             gsize           off,
             gsize           len)
{
  const guint8 *h = self->chunk_buf + off;
  guint64 top = _lp_python_u64 (h, 16);

  if (self->n_chunks >= MAX_CHUNKS || top > CHUNK_BUF / 8 || CHUNK_HEADER + 8 * top > len ||
      _lp_python_u64 (h, 8) < CHUNK_HEADER + 8 * top)
    return;
  self->chunks[self->n_chunks++] = (Chunk) { lo, lo + CHUNK_HEADER + 8 * top, off };
  note_chunk (self, lo, len);
}

static gboolean
chunk_lookup (LpPythonReader *self,
              guint64         addr,
              guint8         *out)
{
  gsize len = self->layout.frame_read;

  for (guint k = 0; k < self->n_chunks; k++)
    {
      const Chunk *c = &self->chunks[k];

      if (addr >= c->lo + CHUNK_HEADER && addr + len <= c->hi && addr + len > addr)
        {
          memcpy (out, self->chunk_buf + c->off + (addr - c->lo), len);
          return TRUE;
        }
    }
  return FALSE;
}

/* The bytes of the frame at @addr: from the copied chunks, older chunks
 * copied as the walk reaches them, or a read of its own (generators,
 * coroutines, 3.10's frame objects). */
static gboolean
frame_bytes (LpPythonReader *self,
             guint64         addr,
             guint8         *out,
             gboolean       *in_data_stack)
{
  gsize len = self->layout.frame_read;

  *in_data_stack = TRUE;
  if (chunk_lookup (self, addr, out))
    return TRUE;
  *in_data_stack = FALSE;
  for (guint k = 0; k < self->n_hint_read; k++)
    if (self->hint_ok[k] && self->hint_addr[k] == addr)
      {
        memcpy (out, self->hint_buf + k * len, len);
        if (self->n_new_hints < self->max_hints)
          self->new_hints[self->n_new_hints++] = addr;
        return TRUE;
      }
  /* bounded: the chain of chunks may be a cycle */
  for (guint steps = 0; self->older_chunk != 0 && !self->over_budget && steps < MAX_CHUNKS; steps++)
    {
      guint64 older = self->older_chunk;
      gboolean copied = FALSE;

      self->older_chunk = 0;
      for (guint k = 0; k < self->n_chunks && !copied; k++)
        if (self->chunks[k].lo == older)
          {
            /* read with the first batch: go on with the one before */
            self->older_chunk = _lp_python_u64 (self->chunk_buf + self->chunks[k].off, 0);
            copied = TRUE;
          }
      if (copied)
        continue;
      if (!copy_chunk (self, older, 0))
        break;
      if (chunk_lookup (self, addr, out))
        {
          *in_data_stack = TRUE;
          return TRUE;
        }
    }
  *in_data_stack = FALSE;
  if (!_lp_python_reader_read (self, addr, out, len))
    return FALSE;
  if (self->n_new_hints < self->max_hints)
    self->new_hints[self->n_new_hints++] = addr;
  return TRUE;
}

/* Walks the frames from @frame into raw; returns how many (the last one
 * UNREADABLE when the walk broke). */
guint
_lp_python_reader_collect (LpPythonReader *self,
                           guint64         frame,
                           guint           limit,
                           gboolean       *truncated)
{
  const LpPythonLayout *l = &self->layout;
  guint8 fb[256];
  guint n = 0, group_start = 0, power = 1, lam = 0;
  guint64 tortoise = frame;

  g_assert ((gsize) l->frame_read <= sizeof fb);
  while (frame != 0)
    {
      guint owner = 0, entry = 0;
      guint64 previous;
      gboolean in_data_stack;

      if (n >= limit)
        {
          *truncated = TRUE;
          break;
        }
      if (!_lp_python_ptr_ok (frame) || !frame_bytes (self, frame, fb, &in_data_stack))
        goto unreadable;
      if (l->frame_owner >= 0)
        owner = fb[l->frame_owner];
      if (l->frame_is_entry >= 0)
        entry = fb[l->frame_is_entry];
      if (owner > l->owner_max || entry > 1)
        goto unreadable;
      /* a frame owned by its thread (3.11+) lives in the data stack:
       * elsewhere, it is what is left of a frame gone (an entry frame's
       * C stack reused since) */
      if (l->frame_owner >= 0 && owner == OWNED_BY_THREAD && !in_data_stack)
        goto unreadable;
      /* 3.10's frames are objects: a freed one is no frame */
      if (l->walk == LP_PYTHON_WALK_FRAME_OBJECTS && !_lp_python_refcnt_ok (fb))
        goto unreadable;
      if ((gint) owner == l->owner_shim)
        {
          /* the entry frame of a native eval call: the frame before it
           * is the outermost of that call's group */
          if (n > group_start)
            self->raw[n - 1].flags |= LP_PYTHON_FRAME_ENTRY;
          group_start = n;
        }
      else
        {
          RawFrame *r = &self->raw[n++];

          r->code = _lp_python_u64 (fb, l->frame_code);
          r->instr = l->walk == LP_PYTHON_WALK_FRAME_OBJECTS
                     ? (guint64) (gint64) (gint32) _lp_python_u32 (fb, l->frame_instr)
                     : _lp_python_u64 (fb, l->frame_instr);
          r->flags = entry || l->walk == LP_PYTHON_WALK_FRAME_OBJECTS ? LP_PYTHON_FRAME_ENTRY : 0;
          if (r->flags)
            group_start = n;
        }
      previous = _lp_python_u64 (fb, l->frame_previous);
      if (previous == frame)
        goto unreadable;
      frame = previous;
      /* Brent: a cycle in the chain ends the walk */
      if (frame == tortoise)
        goto unreadable;
      if (++lam == power)
        {
          tortoise = frame;
          power *= 2;
          lam = 0;
        }
    }
  return n;

unreadable:
  if (self->over_budget)
    {
      *truncated = TRUE;
      return n;
    }
  if (n >= limit)
    {
      *truncated = TRUE;
      return n;
    }
  self->raw[n].code = 0;
  self->raw[n].instr = 0;
  self->raw[n].flags = LP_PYTHON_FRAME_UNREADABLE;
  return n + 1;
}

/* The walk's first read, one process_vm_readv with a live process: the
 * innermost frame's address (3.11, 3.12: tstate->cframe->current_frame),
 * the current data-stack chunk, and the older chunks and frames outside
 * the data stack where the thread's last walk found them. */
LpPythonFirst
_lp_python_reader_read_first (LpPythonReader *self,
                              ThreadEntry    *entry,
                              guint64        *frame_out)
{
  const LpPythonLayout *l = &self->layout;
  Req *reqs = self->first_reqs;
  guint64 frame = 0, chunk = 0, top = 0;
  guint n_reqs = 0, first_chunk_hint, n_chunk_reqs;
  gboolean with_chunk;
  gsize used = 0;

  /* one read for the innermost frame's address (3.11, 3.12), the current
   * data-stack chunk and the frames outside it of the last walk */
  if (l->ts_datastack_chunk >= 0)
    {
      chunk = _lp_python_u64 (self->tsbuf, l->ts_datastack_chunk);
      top = _lp_python_u64 (self->tsbuf, l->ts_datastack_top);
    }
  with_chunk = _lp_python_ptr_ok (chunk) && top > chunk + CHUNK_HEADER && top - chunk <= CHUNK_BUF;
  if (l->walk == LP_PYTHON_WALK_CFRAME)
    {
      guint64 cframe = _lp_python_u64 (self->tsbuf, l->ts_frame);

      if (!_lp_python_ptr_ok (cframe))
        return LP_PYTHON_FIRST_UNREADABLE;
      reqs[n_reqs++] = (Req) { cframe + l->cframe_current, &frame, 8, FALSE };
    }
  else
    {
      frame = _lp_python_u64 (self->tsbuf, l->ts_frame);
      if (frame == 0)
        return LP_PYTHON_FIRST_NONE;
    }
  if (with_chunk)
    {
      reqs[n_reqs++] = (Req) { chunk, self->chunk_buf, top - chunk, FALSE };
      used = top - chunk;
    }
  first_chunk_hint = n_reqs;
  for (guint k = 0; k < entry->n_chunk_hints; k++)
    {
      guint64 lo = entry->chunk_hints[k][0], len = entry->chunk_hints[k][1];

      if (len > CHUNK_BUF - used || len < CHUNK_HEADER)
        break;
      reqs[n_reqs++] = (Req) { lo, self->chunk_buf + used, len, FALSE };
      used += len;
    }
  n_chunk_reqs = n_reqs - first_chunk_hint;
  for (guint k = 0; k < entry->n_hints; k++)
    {
      self->hint_addr[k] = entry->hints[k];
      reqs[n_reqs++] = (Req) { entry->hints[k], self->hint_buf + (gsize) k * l->frame_read,
                               l->frame_read, FALSE };
    }
  _lp_python_reader_read_batch (self, reqs, n_reqs);
  if (l->walk == LP_PYTHON_WALK_CFRAME && !reqs[0].ok)
    return LP_PYTHON_FIRST_UNREADABLE;
  if (with_chunk && reqs[first_chunk_hint - 1].ok &&
      _lp_python_u64 (self->chunk_buf, 8) >= top - chunk)
    {
      self->chunks[0] = (Chunk) { chunk, top, 0 };
      self->n_chunks = 1;
      self->older_chunk = _lp_python_u64 (self->chunk_buf, 0);
    }
  self->chunk_used = used;
  for (guint k = 0; k < n_chunk_reqs; k++)
    if (reqs[first_chunk_hint + k].ok && reqs[first_chunk_hint + k].addr != chunk)
      adopt_chunk (self, reqs[first_chunk_hint + k].addr,
                   (guint8 *) reqs[first_chunk_hint + k].buf - self->chunk_buf,
                   reqs[first_chunk_hint + k].len);
  for (guint k = 0; k < entry->n_hints; k++)
    self->hint_ok[k] = reqs[n_reqs - entry->n_hints + k].ok;
  self->n_hint_read = entry->n_hints;
  *frame_out = frame;
  return frame != 0 ? LP_PYTHON_FIRST_OK : LP_PYTHON_FIRST_NONE;
}

