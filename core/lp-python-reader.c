/* lp-python-reader.c: walks the Python frames of one thread of a CPython
 * target over a memory oracle, validating every read, with caches of
 * thread states and code objects so that a warm sample costs a few reads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "lp-python-reader-private.h"

static void
thread_entry_free (gpointer data)
{
  ThreadEntry *e = data;

  g_free (e->hints);
  g_free (e);
}

LpPythonReader *
lp_python_reader_new (const LpPythonTarget *target,
                      LpPythonReadFunc      read,
                      gpointer              data,
                      GError              **error)
{
  g_autoptr(LpPythonReader) self = NULL;
  const LpPythonLayout *layout;
  char vbuf[32];

  g_return_val_if_fail (target != NULL && read != NULL, NULL);
  layout = _lp_python_layout_for ((target->version >> 16) & 0xff);
  if ((target->version >> 24) != 3 || layout == NULL || target->code_type == 0 ||
      target->runtime == 0)
    {
      g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED,
                   _("Python %s in %s: this version's layout is not known to laprof; native stacks only"),
                   lp_python_version_string (target->version, vbuf), target->module);
      return NULL;
    }

  self = g_new0 (LpPythonReader, 1);
  self->target = *target;
  self->layout = *layout;
  self->read = read;
  self->data = data;
  self->is_process = read == lp_python_read_process;
  self->budget = WALK_READS;

  if (layout->minor == 13)
    {
      guint8 debug[LP_PYTHON_DEBUG_OFFSETS_SIZE];
      guint n_differ = 0;

      /* the target's own offsets where it says them: a 3.13.x whose
       * layout moved is read right, a free-threaded build is refused */
      if (!_lp_python_reader_read (self, target->runtime, debug, sizeof debug) ||
          !_lp_python_layout_from_debug_offsets (debug, sizeof debug, target->version,
                                                 &self->layout, &n_differ))
        {
          g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED,
                       _("Python %s in %s: its debug offsets cannot be read or are not those of a known build; native stacks only"),
                       lp_python_version_string (target->version, vbuf), target->module);
          return NULL;
        }
      if (n_differ > 0)
        g_debug ("Python %s: %u offsets differ from laprof's table; the target's are used",
                 lp_python_version_string (target->version, vbuf), n_differ);
    }
  if (target->runtime_size != 0 && target->runtime_size != self->layout.runtime_size)
    {
      g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED,
                   _("Python %s in %s: this version's layout is not known to laprof; native stacks only"),
                   lp_python_version_string (target->version, vbuf), target->module);
      return NULL;
    }

  self->threads = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, thread_entry_free);
  self->codes = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);
  self->name_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->qualnames = g_ptr_array_new ();
  self->filenames = g_ptr_array_new ();
  self->strings = g_string_chunk_new (4096);
  self->tsbuf = g_malloc0 (self->layout.ts_read);
  self->chunk_buf = g_malloc (CHUNK_BUF);
  self->raw = g_new (RawFrame, MAX_DEPTH);
  self->check_buf = g_malloc ((gsize) BATCH * self->layout.code_read);
  self->reqs = g_new (Req, BATCH);
  self->pending = g_new (CodeEntry *, BATCH);
  self->max_hints = self->layout.walk == LP_PYTHON_WALK_FRAME_OBJECTS ? HINTS : HINTS_INTERP_FRAMES;
  self->hint_buf = g_malloc ((gsize) self->max_hints * self->layout.frame_read);
  self->first_reqs = g_new (Req, self->max_hints + CHUNK_HINTS + 2);
  self->str_obj = g_malloc (self->layout.str_compact_data + LP_PYTHON_STR_MAX * 4);
  return g_steal_pointer (&self);
}

static void
code_entry_free (gpointer data)
{
  CodeEntry *e = data;

  g_free (e->table);
  g_free (e);
}

static void
codes_clear (LpPythonReader *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    code_entry_free (value);
  g_hash_table_remove_all (self->codes);
}

void
lp_python_reader_free (LpPythonReader *self)
{
  if (self == NULL)
    return;
  if (self->codes != NULL)
    {
      codes_clear (self);
      g_hash_table_unref (self->codes);
    }
  g_clear_pointer (&self->threads, g_hash_table_unref);
  g_clear_pointer (&self->name_ids, g_hash_table_unref);
  g_clear_pointer (&self->qualnames, g_ptr_array_unref);
  g_clear_pointer (&self->filenames, g_ptr_array_unref);
  if (self->strings != NULL)
    g_string_chunk_free (self->strings);
  g_free (self->tsbuf);
  g_free (self->chunk_buf);
  g_free (self->raw);
  g_free (self->check_buf);
  g_free (self->reqs);
  g_free (self->pending);
  g_free (self->hint_buf);
  g_free (self->first_reqs);
  g_free (self->str_obj);
  g_free (self);
}

/* The kernel tid of the thread state in @ts (its first ts_read bytes). */
static gboolean
tstate_tid (LpPythonReader *self,
            const guint8   *ts,
            pid_t          *tid)
{
  const LpPythonLayout *l = &self->layout;
  guint8 pt[PTHREAD_TID + 4 - PTHREAD_SELF];
  guint64 pthread;

  if (l->ts_native_tid >= 0)
    {
      guint64 v = _lp_python_u64 (ts, l->ts_native_tid);

      if (v == 0 || v > G_MAXINT32)
        return FALSE;
      *tid = (pid_t) v;
      return TRUE;
    }
  /* 3.10: the tid is in glibc's struct pthread, at pthread_t (x86-64) */
  pthread = _lp_python_u64 (ts, l->ts_thread_id);
  if (!_lp_python_ptr_ok (pthread) ||
      !_lp_python_reader_read (self, pthread + PTHREAD_SELF, pt, sizeof pt) ||
      _lp_python_u64 (pt, 0) != pthread)
    return FALSE;
  *tid = (pid_t) _lp_python_u32 (pt, PTHREAD_TID - PTHREAD_SELF);
  return *tid > 0;
}

/* Looks for the thread state of @tid in every interpreter from @interp,
 * noting every thread it passes in the cache; on success it is in tsbuf. */
static guint64
scan_threads (LpPythonReader *self,
              guint64         interp,
              pid_t           tid)
{
  const LpPythonLayout *l = &self->layout;
  guint64 found = 0;
  guint n_ts = 0;
  g_autofree guint8 *ts = g_malloc (l->ts_read);

  guint saved_budget = self->budget;

  /* scanning has its own bound, not the walk's */
  self->budget = 2 * MAX_THREADS + 2 * MAX_INTERPS;
  for (guint k = 0; k < MAX_INTERPS && _lp_python_ptr_ok (interp) && !found; k++)
    {
      guint64 t, next_interp = 0;

      if (!_lp_python_reader_read (self, interp + l->interp_threads_head, &t, 8) ||
          !_lp_python_reader_read (self, interp + l->interp_next, &next_interp, 8))
        break;
      for (guint64 prev = 0; _lp_python_ptr_ok (t) && n_ts < MAX_THREADS; n_ts++)
        {
          pid_t this_tid;
          guint64 next;

          if (!_lp_python_reader_read (self, t, ts, l->ts_read) ||
              _lp_python_u64 (ts, l->ts_interp) != interp)
            break;
          if (tstate_tid (self, ts, &this_tid))
            {
              ThreadEntry *e = g_new0 (ThreadEntry, 1);

              e->tstate = t;
              e->ident = _lp_python_u64 (ts, l->ts_thread_id);
              g_hash_table_replace (self->threads, GINT_TO_POINTER (this_tid), e);
              if (this_tid == tid)
                {
                  found = t;
                  memcpy (self->tsbuf, ts, l->ts_read);
                }
            }
          next = _lp_python_u64 (ts, l->ts_next);
          if (next == t || next == prev)
            break;
          prev = t;
          t = next;
        }
      interp = next_interp;
    }
  if (!found)
    {
      ThreadEntry *e = g_new0 (ThreadEntry, 1);

      e->expires = g_get_monotonic_time () + NEGATIVE_US;
      g_hash_table_replace (self->threads, GINT_TO_POINTER (tid), e);
    }
  self->budget = saved_budget;
  self->over_budget = FALSE;
  return found;
}

/* The words of a code object (its first code_read bytes) that must not
 * change while it is cached. */
static void
code_words (const LpPythonLayout *l,
            const guint8         *obj,
            guint64               words[6])
{
  words[0] = _lp_python_u64 (obj, OB_TYPE);
  words[1] = _lp_python_u64 (obj, OB_SIZE);
  words[2] = _lp_python_u32 (obj, l->code_firstlineno);
  words[3] = _lp_python_u64 (obj, l->code_filename);
  words[4] = _lp_python_u64 (obj, l->code_qualname);
  words[5] = _lp_python_u64 (obj, l->code_linetable);
}

static guint32
name_id (LpPythonReader *self,
         const char     *qualname,
         const char     *filename)
{
  g_autofree char *key = g_strconcat (qualname, "\n", filename, NULL);
  gpointer id;
  char *stored;

  if (g_hash_table_lookup_extended (self->name_ids, key, NULL, &id))
    return GPOINTER_TO_UINT (id);
  stored = g_string_chunk_insert (self->strings, key);
  g_ptr_array_add (self->qualnames, g_string_chunk_insert_const (self->strings, qualname));
  g_ptr_array_add (self->filenames, g_string_chunk_insert_const (self->strings, filename));
  g_hash_table_insert (self->name_ids, stored, GUINT_TO_POINTER (self->qualnames->len));
  return self->qualnames->len;
}

/* Reads the code object at @addr: its names, line table; NULL when it is
 * not one. */
static CodeEntry *
load_code (LpPythonReader *self,
           guint64         addr)
{
  const LpPythonLayout *l = &self->layout;
  guint8 obj[512], bytes[256];
  g_autofree guint8 *table = NULL;
  guint64 table_addr, table_len = 0;
  gint64 n_units = -1;
  gint32 first;
  CodeEntry *e;

  g_assert ((gsize) l->code_read <= sizeof obj);
  if (!_lp_python_ptr_ok (addr) || !_lp_python_reader_read (self, addr, obj, l->code_read) ||
      _lp_python_u64 (obj, OB_TYPE) != self->target.code_type || !_lp_python_refcnt_ok (obj))
    return NULL;
  if (l->code_adaptive >= 0)
    {
      n_units = (gint64) _lp_python_u64 (obj, OB_SIZE);
      if (n_units < 1 || n_units > (1 << 20))
        return NULL;
    }
  first = (gint32) _lp_python_u32 (obj, l->code_firstlineno);
  if (first < 0)
    return NULL;
  if (!_lp_python_reader_str (self, _lp_python_u64 (obj, l->code_qualname),
                              self->qualname, sizeof self->qualname) ||
      !_lp_python_reader_str (self, _lp_python_u64 (obj, l->code_filename),
                              self->filename, sizeof self->filename))
    return NULL;

  /* the line table, a bytes object; most fit in the first read */
  table_addr = _lp_python_u64 (obj, l->code_linetable);
  if (!_lp_python_ptr_ok (table_addr) ||
      (!_lp_python_reader_read (self, table_addr, bytes, sizeof bytes) &&
       (self->over_budget || !_lp_python_reader_read (self, table_addr, bytes, BYTES_DATA))))
    return NULL;
  table_len = _lp_python_u64 (bytes, OB_SIZE);
  if ((self->target.bytes_type != 0 && _lp_python_u64 (bytes, OB_TYPE) != self->target.bytes_type) ||
      !_lp_python_refcnt_ok (bytes) ||
      table_len > MAX_LINETABLE)
    return NULL;
  table = g_malloc (MAX (table_len, 1));
  if (table_len <= sizeof bytes - BYTES_DATA)
    {
      /* the first read may have been the short one */
      if (table_len > 0 && !_lp_python_reader_read (self, table_addr + BYTES_DATA, table, table_len))
        return NULL;
    }
  else if (!_lp_python_reader_read (self, table_addr + BYTES_DATA, table, table_len))
    return NULL;

  e = g_new0 (CodeEntry, 1);
  e->addr = addr;
  code_words (l, obj, e->words);
  e->firstlineno = first;
  e->n_units = n_units;
  e->id = name_id (self, self->qualname, self->filename);
  e->checked = self->walk_no;
  e->table = g_steal_pointer (&table);
  e->table_len = table_len;
  e->shim = l->code_flags >= 0 && (_lp_python_u32 (obj, l->code_flags) & l->shim_code_flags) != 0;
  if (g_hash_table_size (self->codes) >= MAX_CODES)
    codes_clear (self);
  g_hash_table_insert (self->codes, &e->addr, e);
  return e;
}

/* Checks the cached code objects of the walk (those not checked yet in it)
 * in batches; those that changed leave the cache. */
static void
check_codes (LpPythonReader *self,
             guint           n)
{
  const LpPythonLayout *l = &self->layout;
  guint n_pending = 0;

  for (guint i = 0; i <= n; i++)
    {
      CodeEntry *e = NULL;

      if (i < n && !(self->raw[i].flags & LP_PYTHON_FRAME_UNREADABLE))
        {
          e = g_hash_table_lookup (self->codes, &self->raw[i].code);
          if (e != NULL && e->checked != self->walk_no)
            {
              e->checked = self->walk_no;
              self->pending[n_pending] = e;
              self->reqs[n_pending].addr = e->addr;
              self->reqs[n_pending].buf = self->check_buf + (gsize) n_pending * l->code_read;
              self->reqs[n_pending].len = l->code_read;
              n_pending++;
            }
        }
      if (n_pending == BATCH || (i == n && n_pending > 0))
        {
          _lp_python_reader_read_batch (self, self->reqs, n_pending);
          for (guint k = 0; k < n_pending; k++)
            {
              guint64 words[6];

              if (self->reqs[k].ok)
                code_words (l, self->reqs[k].buf, words);
              if (!self->reqs[k].ok || !_lp_python_refcnt_ok (self->reqs[k].buf) ||
                  memcmp (words, self->pending[k]->words, sizeof words) != 0)
                {
                  /* gone or replaced: read it again when met */
                  g_hash_table_remove (self->codes, &self->pending[k]->addr);
                  code_entry_free (self->pending[k]);
                }
            }
          n_pending = 0;
        }
    }
}

/* The thread state of @tid into tsbuf, with the runtime's first words into
 * @rt (rt_lo onwards); 0 with *@status set when there is none. */
typedef enum { TS_FOUND, TS_NONE, TS_STOP, TS_UNREADABLE } TsStatus;

static guint64
find_tstate (LpPythonReader *self,
             pid_t           tid,
             guint8         *rt,
             gsize           rt_lo,
             gsize           rt_len,
             TsStatus       *status)
{
  const LpPythonLayout *l = &self->layout;
  ThreadEntry *e = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));
  guint64 interp;
  gboolean have_ts = FALSE;

  if (e != NULL && e->tstate != 0)
    {
      Req reqs[2] = {
        { self->target.runtime + rt_lo, rt, rt_len, FALSE },
        { e->tstate, self->tsbuf, l->ts_read, FALSE },
      };

      _lp_python_reader_read_batch (self, reqs, 2);
      if (!reqs[0].ok)
        {
          *status = TS_UNREADABLE;
          return 0;
        }
      have_ts = reqs[1].ok;
    }
  else if (!_lp_python_reader_read (self, self->target.runtime + rt_lo, rt, rt_len))
    {
      *status = TS_UNREADABLE;
      return 0;
    }

  if (_lp_python_u64 (rt, l->rt_finalizing - rt_lo) != 0)
    {
      self->stats.finalizing++;
      *status = TS_STOP;
      return 0;
    }
  interp = _lp_python_u64 (rt, l->rt_interp_head - rt_lo);
  if (interp == 0)
    {
      *status = TS_STOP;
      return 0;
    }
  if (!_lp_python_ptr_ok (interp))
    {
      *status = TS_UNREADABLE;
      return 0;
    }
  if (have_ts)
    {
      /* the same thread still: its pthread_t (and kernel tid) */
      if (_lp_python_u64 (self->tsbuf, l->ts_interp) != 0 &&
          _lp_python_u64 (self->tsbuf, l->ts_thread_id) == e->ident &&
          (l->ts_native_tid < 0 || _lp_python_u64 (self->tsbuf, l->ts_native_tid) == (guint64) tid))
        {
          *status = TS_FOUND;
          return e->tstate;
        }
    }
  else if (e != NULL && e->tstate == 0 && g_get_monotonic_time () < e->expires)
    {
      *status = TS_NONE;
      return 0;
    }
  {
    guint64 ts = scan_threads (self, interp, tid);

    *status = ts ? TS_FOUND : TS_NONE;
    return ts;
  }
}

guint
lp_python_reader_stack (LpPythonReader *self,
                        pid_t           tid,
                        LpPythonFrame  *frames,
                        guint           max)
{
  const LpPythonLayout *l;
  guint8 rt[64];
  gsize rt_lo, rt_len;
  TsStatus status;
  guint64 frame = 0;
  gboolean truncated = FALSE;
  ThreadEntry *entry;
  guint n, out = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (frames != NULL || max == 0, 0);
  l = &self->layout;
  self->stats.walks++;
  self->walk_no++;
  self->budget = WALK_READS;
  self->over_budget = FALSE;
  self->n_chunks = 0;
  self->chunk_used = 0;
  self->older_chunk = 0;
  self->n_hint_read = 0;
  self->n_new_hints = 0;
  self->n_new_chunk_hints = 0;
  if (max == 0)
    return 0;

  rt_lo = MIN (l->rt_finalizing, l->rt_interp_head);
  rt_len = MAX (l->rt_finalizing, l->rt_interp_head) + 8 - rt_lo;
  g_assert (rt_len <= sizeof rt);
  find_tstate (self, tid, rt, rt_lo, rt_len, &status);
  switch (status)
    {
    case TS_FOUND:
      break;
    case TS_NONE:
      self->stats.no_thread++;
      return 0;
    case TS_STOP:
      return 0;
    case TS_UNREADABLE:
      goto unreadable_first;
    }

  entry = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));
  g_assert (entry != NULL);
  switch (_lp_python_reader_read_first (self, entry, &frame))
    {
    case LP_PYTHON_FIRST_OK:
      break;
    case LP_PYTHON_FIRST_NONE:
      return 0;
    case LP_PYTHON_FIRST_UNREADABLE:
      goto unreadable_first;
    }

  n = _lp_python_reader_collect (self, frame, MIN (max, (guint) MAX_DEPTH), &truncated);
  if (entry->hints == NULL && self->n_new_hints > 0)
    entry->hints = g_new (guint64, self->max_hints);
  if (self->n_new_hints > 0)
    memcpy (entry->hints, self->new_hints, self->n_new_hints * sizeof (guint64));
  entry->n_hints = self->n_new_hints;
  memcpy (entry->chunk_hints, self->new_chunk_hints, sizeof self->new_chunk_hints);
  entry->n_chunk_hints = self->n_new_chunk_hints;
  check_codes (self, n);
  for (guint i = 0; i < n; i++)
    {
      const RawFrame *r = &self->raw[i];
      CodeEntry *e;
      gint64 lasti;

      if (r->flags & LP_PYTHON_FRAME_UNREADABLE)
        {
          frames[out++] = (LpPythonFrame) { 0, 0, LP_PYTHON_FRAME_UNREADABLE };
          break;
        }
      e = g_hash_table_lookup (self->codes, &r->code);
      if (e == NULL)
        e = load_code (self, r->code);
      if (e == NULL)
        {
          if (self->over_budget)
            {
              truncated = TRUE;
              break;
            }
          frames[out++] = (LpPythonFrame) { 0, 0, LP_PYTHON_FRAME_UNREADABLE };
          break;
        }
      if (e->shim)
        {
          /* not shown; when it was the outermost of its group, the frame
           * inner of it is now */
          if ((r->flags & LP_PYTHON_FRAME_ENTRY) && out > 0 &&
              !(frames[out - 1].flags & LP_PYTHON_FRAME_ENTRY))
            frames[out - 1].flags |= LP_PYTHON_FRAME_ENTRY;
          continue;
        }
      if (l->walk == LP_PYTHON_WALK_FRAME_OBJECTS)
        lasti = (gint64) r->instr;
      else
        {
          gint64 diff = (gint64) (r->instr - (r->code + l->code_adaptive));

          lasti = (diff % 2 == 0 && diff / 2 >= -1 && diff / 2 < e->n_units) ? diff / 2 : G_MININT64;
        }
      frames[out++] = (LpPythonFrame) {
        e->id,
        lasti == G_MININT64 || self->no_lines ? 0 : _lp_python_line (l, e->table, e->table_len, e->firstlineno, lasti),
        r->flags,
      };
    }
  if (out > 0 && (frames[out - 1].flags & LP_PYTHON_FRAME_UNREADABLE))
    self->stats.unreadable++;
  if (truncated)
    self->stats.truncated++;
  return out;

unreadable_first:
  if (self->over_budget)
    {
      self->stats.truncated++;
      return 0;
    }
  self->stats.unreadable++;
  frames[0] = (LpPythonFrame) { 0, 0, LP_PYTHON_FRAME_UNREADABLE };
  return 1;
}

gboolean
lp_python_reader_get_capture (LpPythonReader  *self,
                              pid_t            tid,
                              LpPythonCapture *capture)
{
  const LpPythonLayout *l = &self->layout;
  ThreadEntry *entry = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));

  if (entry == NULL || entry->tstate == 0 || l->ts_datastack_chunk < 0 || l->ts_datastack_top < 0)
    return FALSE;
  capture->tstate = entry->tstate;
  capture->ts_len = l->ts_read;
  capture->ts_frame = l->ts_frame;
  capture->cframe_current = l->cframe_current;
  capture->ts_datastack_chunk = l->ts_datastack_chunk;
  capture->ts_datastack_top = l->ts_datastack_top;
  capture->frame_len = l->frame_read;
  capture->frame_previous = l->frame_previous;
  return TRUE;
}

void
lp_python_reader_set_lines (LpPythonReader *self,
                            gboolean        lines)
{
  g_return_if_fail (self != NULL);
  self->no_lines = !lines;
}

void
lp_python_reader_code_name (LpPythonReader *self,
                            guint32         code,
                            const char    **qualname,
                            const char    **filename)
{
  g_return_if_fail (self != NULL);
  if (code == 0 || code > self->qualnames->len)
    {
      if (qualname != NULL)
        *qualname = "?";
      if (filename != NULL)
        *filename = "?";
      return;
    }
  if (qualname != NULL)
    *qualname = g_ptr_array_index (self->qualnames, code - 1);
  if (filename != NULL)
    *filename = g_ptr_array_index (self->filenames, code - 1);
}

gboolean
lp_python_reader_is_gil_wait (LpPythonReader *self,
                              guint64         futex_addr)
{
  const LpPythonLayout *l;

  g_return_val_if_fail (self != NULL, FALSE);
  l = &self->layout;
  if (self->gil == 0)
    {
      guint64 interp = 0, gil = 0;

      self->budget = 4;
      self->over_budget = FALSE;
      if (l->rt_gil >= 0)
        gil = self->target.runtime + l->rt_gil;
      else if (_lp_python_reader_read (self, self->target.runtime + l->rt_interp_head, &interp, 8) &&
               _lp_python_ptr_ok (interp) &&
               _lp_python_reader_read (self, interp + l->interp_gil_ptr, &gil, 8) &&
               !_lp_python_ptr_ok (gil))
        gil = 0;
      self->gil = gil;
    }
  /* waiters sleep on the futex words of the GIL's condition variables and
   * mutexes: [gil + 32, gil + 208) */
  return self->gil != 0 && futex_addr >= self->gil + 32 && futex_addr < self->gil + 208;
}

void
lp_python_reader_forget (LpPythonReader *self)
{
  g_return_if_fail (self != NULL);
  g_hash_table_remove_all (self->threads);
}

void
lp_python_reader_get_stats (LpPythonReader *self,
                            LpPythonStats  *stats)
{
  g_return_if_fail (self != NULL && stats != NULL);
  *stats = self->stats;
}

/* The thread state of @tid and its pthread_t (threading.get_ident()), for
 * the thread names; FALSE when it has none. */
gboolean
_lp_python_reader_thread_ident (LpPythonReader *self,
                                pid_t           tid,
                                guint64        *interp,
                                guint64        *ident)
{
  const LpPythonLayout *l = &self->layout;
  guint8 rt[64];
  gsize rt_lo = MIN (l->rt_finalizing, l->rt_interp_head);
  gsize rt_len = MAX (l->rt_finalizing, l->rt_interp_head) + 8 - rt_lo;
  TsStatus status;

  self->budget = 8 * WALK_READS; /* names take many reads */
  self->over_budget = FALSE;
  find_tstate (self, tid, rt, rt_lo, rt_len, &status);
  if (status != TS_FOUND)
    return FALSE;
  *interp = _lp_python_u64 (self->tsbuf, l->ts_interp);
  *ident = _lp_python_u64 (self->tsbuf, l->ts_thread_id);
  return TRUE;
}
