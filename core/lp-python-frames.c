/* lp-python-frames.c: the sampler's side of Python frames: finding the interpreter of each
 * process image, reading a sampled thread's Python stack, and merging it into the native one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-process-mem.h"
#include "lp-sampler-private.h"

/* How long after an image is read its interpreter is looked for again, and
 * how many times: a program launched through a script (pyenv's shim) or one
 * that loads libpython later shows it within its first seconds. */
#define RETRY_NS (G_GINT64_CONSTANT (200) * 1000 * 1000)
#define MAX_TRIES 25

/* the frame ids by eval kind, see is_eval_frame */
enum { EVAL_UNKNOWN, EVAL_NO, EVAL_YES };

void
_lp_python_frames_clear (SpacePython *py)
{
  g_clear_pointer (&py->reader, lp_python_reader_free);
  g_clear_pointer (&py->status, g_free);
  g_clear_pointer (&py->names, g_array_unref);
  g_clear_pointer (&py->line_names, g_hash_table_unref);
  g_clear_pointer (&py->eval, g_byte_array_unref);
}

/* Sets the sampler's one line about Python (the first interpreter found
 * wins; an unsupported one is said until a supported one is found). */
static void
set_status (LpSampler  *self,
            gboolean    on,
            const char *text)
{
  if (self->python.on && !on)
    return;
  if (self->python.status != NULL && self->python.on == on)
    return;
  g_free (self->python.status);
  self->python.status = g_strdup (text);
  self->python.on = on;
}

/* _lp_python_frames_reuse: @space, kept from an earlier run, for a run
 * that counts into another aggregate: its names are forgotten, its reader
 * kept (in-process runs, see _lp_sampler_keep_self_space). */
void
_lp_python_frames_reuse (LpSampler *self,
                         Space     *space)
{
  SpacePython *py = &space->python;

  if (py->names != NULL)
    g_array_set_size (py->names, 0);
  if (py->line_names != NULL)
    g_hash_table_remove_all (py->line_names);
  if (py->eval != NULL)
    g_byte_array_set_size (py->eval, 0);
  if (py->reader != NULL && py->status != NULL && !self->opts.no_python)
    set_status (self, TRUE, py->status);
}

/* An LpPythonReadFunc over our own process: the live memory, with the
 * overlay's copies (taken at the moment of the sample) in its place where
 * they cover it. */
static gboolean
read_overlay (gpointer  data,
              guint64   addr,
              void     *buf,
              gsize     len)
{
  const MemOverlay *o = data;
  gboolean live = FALSE;

  if (len == 0)
    return TRUE;
  for (guint i = 0; i < o->n; i++)
    {
      const MemRegion *r = &o->regions[i];

      if (addr >= r->addr && addr - r->addr <= r->len && len <= r->len - (addr - r->addr))
        {
          memcpy (buf, r->data + (addr - r->addr), len);
          return TRUE;
        }
    }
  live = lp_process_mem_read (o->pid, addr, buf, len);
  if (!live)
    return FALSE;
  for (guint i = 0; i < o->n; i++)
    {
      const MemRegion *r = &o->regions[i];
      guint64 lo = MAX (addr, r->addr), hi = MIN (addr + len, r->addr + r->len);

      if (lo < hi)
        memcpy ((guint8 *) buf + (lo - addr), r->data + (lo - r->addr), hi - lo);
    }
  return TRUE;
}

/* Looks for the interpreter of @space's process, at most once per RETRY_NS
 * and MAX_TRIES times in all. */
static void
detect (LpSampler *self,
        Space     *space)
{
  SpacePython *py = &space->python;
  g_autoptr(GError) error = NULL;
  LpPythonTarget target;
  gint64 now;

  if (py->reader != NULL || py->tries >= MAX_TRIES || self->opts.no_python)
    return;
  now = now_ns ();
  if (py->tries > 0 && now < py->next_try_ns)
    return;
  py->tries++;
  py->next_try_ns = now + RETRY_NS;
  if (!lp_python_find (space->pid, &target, &error))
    {
      if (g_error_matches (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED))
        {
          set_status (self, FALSE, error->message);
          py->tries = MAX_TRIES;
        }
      return;
    }
  if (self->signal.in_process)
    {
      /* our own memory, seen through the copies taken with each sample */
      py->overlay.pid = space->pid;
      py->overlay.n = 0;
      py->reader = lp_python_reader_new (&target, read_overlay, &py->overlay, &error);
    }
  else
    py->reader = lp_python_reader_new (&target, lp_python_read_process, GINT_TO_POINTER (space->pid), &error);
  if (py->reader == NULL)
    {
      set_status (self, FALSE, error->message);
      py->tries = MAX_TRIES;
      return;
    }
  lp_python_reader_set_lines (py->reader, self->opts.lines);
  {
    char version[32];
    g_autofree char *text = g_strdup_printf ("Python %s in %s: Python frames on",
                                             lp_python_version_string (target.version, version), target.module);
    set_status (self, TRUE, text);
    py->status = g_steal_pointer (&text);
  }
  py->names = g_array_new (FALSE, TRUE, sizeof (guint32));
  py->line_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  py->eval = g_byte_array_new ();
}

/* The reader of @space, looking for one first if due; NULL when it has
 * no Python (yet). */
static LpPythonReader *
reader_for (LpSampler *self,
            Space     *space)
{
  detect (self, space);
  return space->python.reader;
}

static void
ensure_capacity (Slot *slot)
{
  if (slot->py_frames == NULL)
    slot->py_frames = g_new (LpPythonFrame, LP_MAX_PYTHON_FRAMES);
}

/* Reads the Python stack of @slot's thread into the slot, timed. */
static void
read_stack (LpSampler *self,
            Space     *space,
            Slot      *slot)
{
  gint64 t0 = now_ns ();

  ensure_capacity (slot);
  slot->py_n = lp_python_reader_stack (space->python.reader, slot->tid, slot->py_frames, LP_MAX_PYTHON_FRAMES);
  slot->py_read = TRUE;
  self->stats.python_ns += now_ns () - t0;
}

/* _lp_python_frames_read_now: reads the Python stack of @slot's thread
 * now, when its image is known to run Python: while wall mode has it
 * stopped (exact: it cannot change it meanwhile), or as soon as its perf
 * sample is read (the sooner, the closer to the sample). Otherwise the
 * stack is read when the slot is collapsed. */
void
_lp_python_frames_read_now (LpSampler *self,
                            Slot      *slot)
{
  Space *space = slot->space != NULL ? slot->space : g_hash_table_lookup (self->spaces, GINT_TO_POINTER (slot->tgid));

  slot->py_read = FALSE;
  slot->py_n = 0;
  if (space == NULL || space->stale || space->python.reader == NULL)
    return;
  read_stack (self, space, slot);
}

/* @path as frames show it: under the library directory for the standard
 * library and installed packages ("json/__init__.py"), else its base name
 * ("app.py"); "<frozen …>" and "<string>" as they are. */
static const char *
short_file (const char *path)
{
  static const char *const packages[] = { "/site-packages/", "/dist-packages/" };
  const char *p, *slash;

  for (guint i = 0; i < G_N_ELEMENTS (packages); i++)
    if ((p = strstr (path, packages[i])) != NULL && p[strlen (packages[i])] != '\0')
      return p + strlen (packages[i]);
  /* …/lib/python3.11/json/__init__.py */
  if ((p = strstr (path, "/lib/python")) != NULL && (slash = strchr (p + 11, '/')) != NULL && slash[1] != '\0')
    return slash + 1;
  slash = strrchr (path, '/');
  return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* the frame of Python code @code at @line of @space's interpreter */
static guint32
python_frame (LpSampler   *self,
              Space       *space,
              const LpPythonFrame *f)
{
  SpacePython *py = &space->python;
  const char *qualname, *filename;
  g_autofree char *label = NULL;
  guint32 id;

  if (f->code == 0)
    return self->python.unreadable_frame;
  if (self->opts.lines && f->line > 0)
    {
      gint64 key = ((gint64) f->code << 32) | (guint32) f->line;
      gpointer v = g_hash_table_lookup (py->line_names, &key);

      if (v != NULL)
        return GPOINTER_TO_UINT (v) - 1;
      lp_python_reader_code_name (py->reader, f->code, &qualname, &filename);
      label = g_strdup_printf ("%s (%s:%d)", qualname, short_file (filename), f->line);
      _lp_sampler_note_source (self, short_file (filename), filename);
      id = lp_folded_intern (self->dest, label, -1);
      g_hash_table_insert (py->line_names, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (id + 1));
      return id;
    }
  if (f->code < py->names->len && g_array_index (py->names, guint32, f->code) != 0)
    return g_array_index (py->names, guint32, f->code) - 1;
  lp_python_reader_code_name (py->reader, f->code, &qualname, &filename);
  label = g_strdup_printf ("%s (%s)", qualname, short_file (filename));
  id = lp_folded_intern (self->dest, label, -1);
  if (f->code >= py->names->len)
    g_array_set_size (py->names, f->code + 64);
  g_array_index (py->names, guint32, f->code) = id + 1;
  return id;
}

/* Whether frame @id is the interpreter's evaluation function, whose native
 * frames give way to the Python frames they run. */
static gboolean
is_eval_frame (LpSampler *self,
               Space     *space,
               guint32    id)
{
  static const char eval[] = "_PyEval_EvalFrameDefault";
  GByteArray *kinds = space->python.eval;

  if (id >= kinds->len)
    {
      guint old = kinds->len;
      g_byte_array_set_size (kinds, MAX (id + 1, old * 2 + 256));
      memset (kinds->data + old, EVAL_UNKNOWN, kinds->len - old);
    }
  if (kinds->data[id] == EVAL_UNKNOWN)
    {
      const char *name = lp_folded_frame_name (self->dest, id);
      /* "_PyEval_EvalFrameDefault", or with --lines "… (ceval.c:1234)" */
      gboolean yes = strncmp (name, eval, sizeof eval - 1) == 0
                     && (name[sizeof eval - 1] == '\0' || name[sizeof eval - 1] == ' ');
      kinds->data[id] = yes ? EVAL_YES : EVAL_NO;
    }
  return kinds->data[id] == EVAL_YES;
}

/* Appends, root first, the Python frames of group @g (frames
 * @starts[g]..@starts[g + 1] - 1, innermost first) of @slot. */
static guint
append_group (LpSampler *self,
              Space     *space,
              Slot      *slot,
              const guint *starts,
              guint      g,
              guint      depth)
{
  for (guint i = starts[g + 1]; i > starts[g]; i--)
    if (depth < LP_MAX_STACK_FRAMES)
      self->frames[depth++] = python_frame (self, space, &slot->py_frames[i - 1]);
  return depth;
}

/* _lp_python_frames_merge() of a native stack cut short (its outermost
 * frames missing): the j-th evaluation frame from the leaf is group j; the
 * groups beyond the last one come first, the evaluation frames beyond the
 * last group stay native. */
static guint
merge_from_leaf (LpSampler     *self,
                 Space         *space,
                 Slot          *slot,
                 const guint32 *ids,
                 guint          n,
                 const guint   *starts,
                 guint          n_groups,
                 guint          n_evals,
                 guint          depth)
{
  guint j = n_evals;

  for (guint g = n_groups; g > n_evals; g--)
    depth = append_group (self, space, slot, starts, g - 1, depth);
  for (guint i = 0; i < n; i++)
    {
      if (is_eval_frame (self, space, ids[i]) && --j < n_groups)
        {
          depth = append_group (self, space, slot, starts, j, depth);
          continue;
        }
      if (depth < LP_MAX_STACK_FRAMES)
        self->frames[depth++] = ids[i];
    }
  return depth;
}

/* _lp_python_frames_merge: appends to self->frames (from @depth) the
 * native frames @ids[0..@n) (root first) of @slot, each evaluation frame of
 * the interpreter replaced by the Python frames it was running. The groups
 * (one per native evaluation call) are matched from the outermost, which
 * stays when the thread moved on between the sample and the read; an
 * innermost evaluation frame without a group stays native, groups without
 * a frame go to the innermost one. A native stack cut short (@truncated)
 * lacks its outermost frames: then the groups are matched from the
 * innermost, and those left over come first. Returns the new depth. */
guint
_lp_python_frames_merge (LpSampler     *self,
                         Slot          *slot,
                         const guint32 *ids,
                         guint          n,
                         gboolean       truncated,
                         guint          depth)
{
  Space *space = slot->space;
  guint starts[LP_MAX_PYTHON_FRAMES + 1];
  guint n_groups = 0, n_evals = 0, seen = 0;

  if (space == NULL || self->opts.no_python || reader_for (self, space) == NULL)
    {
      memcpy (self->frames + depth, ids, n * sizeof (guint32));
      return depth + n;
    }
  if (!slot->py_read)
    read_stack (self, space, slot);
  /* the groups, innermost first: starts[g] is the first frame of group g */
  starts[0] = 0;
  for (guint i = 0; i < slot->py_n; i++)
    if ((slot->py_frames[i].flags & LP_PYTHON_FRAME_ENTRY) || i + 1 == slot->py_n)
      starts[++n_groups] = i + 1;
  for (guint i = 0; i < n; i++)
    if (is_eval_frame (self, space, ids[i]))
      n_evals++;
  if (n_groups > 0)
    {
      self->stats.python_samples += slot->weight;
      if (slot->py_frames[slot->py_n - 1].flags & LP_PYTHON_FRAME_UNREADABLE)
        self->stats.python_unreadable += slot->weight;
      if (truncated ? n_groups < n_evals : n_groups != n_evals)
        self->stats.python_unmatched += slot->weight;
    }
  if (truncated && n_groups > 0)
    return merge_from_leaf (self, space, slot, ids, n, starts, n_groups, n_evals, depth);
  for (guint i = 0; i < n; i++)
    {
      /* the k-th evaluation frame from the root (0-based) is group
       * n_groups - 1 - k from the innermost */
      if (n_groups > 0 && is_eval_frame (self, space, ids[i]))
        {
          guint k = seen++;

          if (k < n_groups)
            {
              guint g = n_groups - 1 - k;

              depth = append_group (self, space, slot, starts, g, depth);
              /* the innermost evaluation frame takes the groups left over */
              if (seen == n_evals)
                for (; g > 0; g--)
                  depth = append_group (self, space, slot, starts, g - 1, depth);
              continue;
            }
        }
      if (depth < LP_MAX_STACK_FRAMES)
        self->frames[depth++] = ids[i];
    }
  return depth;
}

/* _lp_python_frames_idle: the idle frame of a thread of @slot blocked in
 * futex(2) when it waits for the GIL ("[idle: GIL]"), else G_MAXUINT32. */
guint32
_lp_python_frames_idle (LpSampler *self,
                        Slot      *slot)
{
  LpPythonReader *reader;

  if (slot->idle_syscall != 202 || slot->space == NULL || self->opts.no_python
      || (reader = reader_for (self, slot->space)) == NULL)
    return G_MAXUINT32;
  if (!lp_python_reader_is_gil_wait (reader, slot->snap.regs[LP_REG_RDI]))
    return G_MAXUINT32;
  return self->python.gil_frame;
}

/* _lp_python_frames_thread_name: the Python name of thread @tid of process
 * @tgid ("MainThread", a threading.Thread's name), or NULL; *@tried when
 * its interpreter is known and was asked. */
char *
_lp_python_frames_thread_name (LpSampler *self,
                               pid_t      tgid,
                               pid_t      tid,
                               gboolean  *tried)
{
  Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (tgid));

  *tried = FALSE;
  if (space == NULL || space->stale || space->python.reader == NULL)
    return NULL;
  *tried = TRUE;
  return lp_python_reader_thread_name (space->python.reader, tid);
}

/* _lp_python_frames_thread_gone: a thread of process @tgid ended: its
 * interpreter's reader looks its thread states up again (a freed thread
 * state may keep its old contents, and pass for the thread's). */
void
_lp_python_frames_thread_gone (LpSampler *self,
                               pid_t      tgid)
{
  Space *space = g_hash_table_lookup (self->spaces, GINT_TO_POINTER (tgid));

  if (space != NULL && space->python.reader != NULL)
    lp_python_reader_forget (space->python.reader);
}
