/* lp-capture.c: a recording in memory: samples in time order, threads, facts; parts of it as folded reports and timeline bins.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "lp-atomic-file.h"
#include "lp-capture-private.h"
#include "lp-folded-reader.h"

G_DEFINE_QUARK (lp-capture-error-quark, lp_capture_error)

static void
bins_init (LpCaptureBins *b)
{
  b->chunks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  b->last = G_MAXUINT64;
  b->last_chunk = NULL;
}

static void
bins_free (gpointer data)
{
  LpCaptureBins *b = data;

  g_hash_table_unref (b->chunks);
  g_free (b);
}

LpCapture *
lp_capture_new (void)
{
  LpCapture *self = g_new0 (LpCapture, 1);

  self->folded = lp_folded_new ();
  self->threads = g_array_new (FALSE, TRUE, sizeof (LpCaptureThread));
  self->bins = g_ptr_array_new_with_free_func (bins_free);
  bins_init (&self->all_bins);
  self->living = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->renames = g_array_new (FALSE, FALSE, sizeof (LpCaptureRename));
  self->sources = g_ptr_array_new_with_free_func (g_free);
  self->by_source = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->info.exit_status = -1;
  self->info.pid = -1;
  return self;
}

void
lp_capture_free (LpCapture *self)
{
  if (self == NULL)
    return;
  lp_folded_free (self->folded);
  for (guint i = 0; i < self->threads->len; i++)
    g_free ((char *) g_array_index (self->threads, LpCaptureThread, i).name);
  g_array_unref (self->threads);
  g_ptr_array_unref (self->bins);
  g_hash_table_unref (self->all_bins.chunks);
  g_hash_table_unref (self->living);
  for (guint i = 0; i < self->renames->len; i++)
    g_free (g_array_index (self->renames, LpCaptureRename, i).name);
  g_array_unref (self->renames);
  g_hash_table_unref (self->by_source);
  g_ptr_array_unref (self->sources);
  g_free (self->samples);
  g_free (self->info.source);
  g_free (self->info.command);
  g_free (self->info.mode);
  g_free (self->info.host);
  g_free (self->info.python);
  g_free (self->info.end_reason);
  g_free (self);
}

LpFolded *
lp_capture_get_folded (LpCapture *self)
{
  return self->folded;
}

LpCaptureInfo *
lp_capture_get_info (LpCapture *self)
{
  return &self->info;
}

void
lp_capture_info_set_string (LpCapture   *self,
                            char       **field,
                            const char  *value)
{
  g_return_if_fail ((gpointer) field >= (gpointer) &self->info &&
                    (gpointer) field < (gpointer) (&self->info + 1));

  if (*field != value)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

/* a living thread's key: pid and tid fit 32 bits each on Linux */
static gpointer
thread_key (gint64 pid,
            gint64 tid)
{
  return GSIZE_TO_POINTER (((guint64) (guint32) pid << 32) | (guint32) tid);
}

guint
lp_capture_find_thread (const LpCapture *self,
                        gint64           pid,
                        gint64           tid)
{
  gpointer value;

  if (g_hash_table_lookup_extended (self->living, thread_key (pid, tid), NULL, &value))
    return GPOINTER_TO_UINT (value);
  return G_MAXUINT;
}

guint
lp_capture_add_thread (LpCapture  *self,
                       gint64      pid,
                       gint64      tid,
                       const char *name,
                       guint64     time_ns)
{
  guint index = lp_capture_find_thread (self, pid, tid);
  LpCaptureThread *t;

  if (index != G_MAXUINT)
    {
      t = &g_array_index (self->threads, LpCaptureThread, index);
      if (name != NULL && g_strcmp0 (name, t->name) != 0)
        {
          g_free ((char *) t->name);
          t->name = g_strdup (name);
        }
      return index;
    }

  index = self->threads->len;
  g_array_set_size (self->threads, index + 1);
  t = &g_array_index (self->threads, LpCaptureThread, index);
  t->pid = pid;
  t->tid = tid;
  t->name = g_strdup (name != NULL ? name : "");
  t->start_ns = time_ns;
  t->end_ns = LP_CAPTURE_TIME_NONE;
  t->first_ns = LP_CAPTURE_TIME_NONE;
  t->last_ns = LP_CAPTURE_TIME_NONE;
  {
    LpCaptureBins *b = g_new (LpCaptureBins, 1);

    bins_init (b);
    g_ptr_array_add (self->bins, b);
  }
  g_hash_table_insert (self->living, thread_key (pid, tid), GUINT_TO_POINTER (index));
  return index;
}

void
lp_capture_end_thread (LpCapture *self,
                       guint      thread,
                       guint64    time_ns)
{
  LpCaptureThread *t;

  g_return_if_fail (thread < self->threads->len);

  t = &g_array_index (self->threads, LpCaptureThread, thread);
  if (t->end_ns != LP_CAPTURE_TIME_NONE)
    return;
  t->end_ns = time_ns;
  if (lp_capture_find_thread (self, t->pid, t->tid) == thread)
    g_hash_table_remove (self->living, thread_key (t->pid, t->tid));
}

guint
lp_capture_get_n_threads (const LpCapture *self)
{
  return self->threads->len;
}

const LpCaptureThread *
lp_capture_get_thread (const LpCapture *self,
                       guint            thread)
{
  g_return_val_if_fail (thread < self->threads->len, NULL);

  return &g_array_index (self->threads, LpCaptureThread, thread);
}

/* the bins of chunk @c of @b, NULL if it was never made (@make: made) */
static LpCaptureBin *
chunk_at (LpCaptureBins *b,
          guint64        c,
          gboolean       make)
{
  if (c != b->last || (make && b->last_chunk == NULL))
    {
      b->last = c;
      b->last_chunk = g_hash_table_lookup (b->chunks, &c);
      if (b->last_chunk == NULL && make)
        {
          b->last_chunk = g_new0 (LpCaptureBin, LP_CAPTURE_BIN_CHUNK);
          g_hash_table_insert (b->chunks, g_memdup2 (&c, sizeof c), b->last_chunk);
        }
    }
  return b->last_chunk;
}

/* adds @weight to the base bin of @time_ns in @b */
static void
bin_add (LpCaptureBins *b,
         guint64        time_ns,
         double         weight,
         gboolean       idle)
{
  guint64 n = time_ns / LP_CAPTURE_BIN_NS;
  LpCaptureBin *bin = &chunk_at (b, n / LP_CAPTURE_BIN_CHUNK, TRUE)[n % LP_CAPTURE_BIN_CHUNK];

  if (idle)
    bin->blocked += weight;
  else
    bin->on_cpu += weight;
}

gboolean
lp_capture_add_sample (LpCapture  *self,
                       guint64     time_ns,
                       guint       thread,
                       guint       stack,
                       guint       weight,
                       guint       flags,
                       GError    **error)
{
  LpCaptureSample *s;
  LpCaptureThread *t;
  gboolean idle = (flags & LP_CAPTURE_SAMPLE_IDLE) != 0;

  g_return_val_if_fail (thread < self->threads->len, FALSE);
  g_return_val_if_fail (stack < lp_folded_get_n_stacks (self->folded), FALSE);

  if (weight == 0)
    return TRUE;
  if (time_ns > LP_CAPTURE_MAX_TIME_NS)
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_FORMAT,
                   _("A sample %.0f days after the start: a capture spans at most ten years"),
                   time_ns / 86400e9);
      return FALSE;
    }
  if (!lp_folded_add_to (self->folded, stack, weight, error))
    return FALSE;

  if (self->n_samples > 0 && time_ns < self->samples[self->n_samples - 1].time_ns)
    time_ns = self->samples[self->n_samples - 1].time_ns;
  if (self->n_samples == self->cap_samples)
    {
      self->cap_samples = MAX (self->cap_samples * 2, 4096);
      self->samples = g_renew (LpCaptureSample, self->samples, self->cap_samples);
    }
  s = &self->samples[self->n_samples++];
  s->time_ns = time_ns;
  s->stack = stack;
  s->thread = thread;
  s->weight = weight;
  s->flags = flags;

  t = &g_array_index (self->threads, LpCaptureThread, thread);
  if (t->first_ns == LP_CAPTURE_TIME_NONE)
    t->first_ns = time_ns;
  t->last_ns = time_ns;
  t->samples += weight;
  if (idle)
    t->idle_samples += weight;
  bin_add (g_ptr_array_index (self->bins, thread), time_ns, weight, idle);
  bin_add (&self->all_bins, time_ns, weight, idle);
  self->info.has_times = TRUE;
  return TRUE;
}

gboolean
lp_capture_add_sample_frames (LpCapture     *self,
                              guint64        time_ns,
                              guint          thread,
                              const guint32 *frames,
                              guint          depth,
                              guint          weight,
                              guint          flags,
                              GError       **error)
{
  guint stack;

  if (!lp_folded_add (self->folded, frames, depth, 0, 0, 0, &stack, error))
    return FALSE;
  return lp_capture_add_sample (self, time_ns, thread, stack, weight, flags, error);
}

guint64
lp_capture_get_n_samples (const LpCapture *self)
{
  return self->n_samples;
}

const LpCaptureSample *
lp_capture_get_samples (const LpCapture *self)
{
  return self->samples;
}

guint64
lp_capture_get_end_ns (const LpCapture *self)
{
  guint64 end = self->n_samples > 0 ? self->samples[self->n_samples - 1].time_ns : 0;
  guint64 duration = self->info.duration > 0 ? (guint64) (self->info.duration * 1e9) : 0;

  return MAX (end, duration);
}

guint64
lp_capture_find_time (const LpCapture *self,
                      guint64          time_ns)
{
  guint64 lo = 0, hi = self->n_samples;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (self->samples[mid].time_ns < time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

void
lp_capture_filter_all (LpCaptureFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->to_ns = LP_CAPTURE_TIME_NONE;
}

static gboolean
filter_is_all (const LpCaptureFilter *filter)
{
  return filter == NULL ||
         (filter->from_ns == 0 && filter->to_ns == LP_CAPTURE_TIME_NONE && filter->threads == NULL);
}

void
lp_capture_select_counts (const LpCapture       *self,
                          const LpCaptureFilter *filter,
                          double                *counts)
{
  guint n_stacks = lp_folded_get_n_stacks (self->folded);
  g_autofree gboolean *keep = NULL;
  guint64 first = 0, last = self->n_samples;

  memset (counts, 0, n_stacks * sizeof (double));
  if (filter != NULL)
    {
      first = lp_capture_find_time (self, filter->from_ns);
      if (filter->to_ns != LP_CAPTURE_TIME_NONE)
        last = lp_capture_find_time (self, filter->to_ns);
      if (filter->threads != NULL)
        {
          keep = g_new0 (gboolean, MAX (self->threads->len, 1));
          for (guint i = 0; i < filter->n_threads; i++)
            if (filter->threads[i] < self->threads->len)
              keep[filter->threads[i]] = TRUE;
        }
    }

  for (guint64 i = first; i < last; i++)
    {
      const LpCaptureSample *s = &self->samples[i];

      if (keep == NULL || keep[s->thread])
        counts[s->stack] += s->weight;
    }
}

LpFolded *
lp_capture_select (LpCapture              *self,
                   const LpCaptureFilter  *filter,
                   GError                **error)
{
  g_autoptr(LpFolded) dest = lp_folded_new ();
  guint n_stacks = lp_folded_get_n_stacks (self->folded);
  g_autofree double *counts = NULL;
  g_autofree guint32 *map = NULL;
  g_autofree guint32 *frames = NULL;
  guint n_frames = lp_folded_get_n_frames (self->folded);

  lp_folded_set_differential (dest, lp_folded_is_differential (self->folded));
  if (!self->info.has_times || self->n_samples == 0)
    {
      if (!filter_is_all (filter))
        {
          g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_NO_TIMES,
                       _("This report has no times or threads (it is a folded report): "
                         "a time range or a thread can be chosen only in a capture"));
          return NULL;
        }
      if (!lp_folded_merge (dest, self->folded, error))
        return NULL;
      return g_steal_pointer (&dest);
    }

  counts = g_new (double, MAX (n_stacks, 1));
  lp_capture_select_counts (self, filter, counts);
  map = g_new (guint32, MAX (n_frames, 1));
  memset (map, 0xff, n_frames * sizeof (guint32));
  frames = g_new (guint32, lp_folded_get_max_depth (self->folded) + 1);

  for (guint i = 0; i < n_stacks; i++)
    {
      LpFoldedStack st;

      if (counts[i] <= 0)
        continue;
      lp_folded_get_stack (self->folded, i, &st);
      for (guint d = 0; d < st.depth; d++)
        {
          guint32 f = st.frames[d];

          if (map[f] == G_MAXUINT32)
            map[f] = lp_folded_intern (dest, lp_folded_frame_name (self->folded, f), -1);
          frames[d] = map[f];
        }
      if (!lp_folded_add (dest, frames, st.depth, 0, counts[i], 0, NULL, error))
        return NULL;
    }
  return g_steal_pointer (&dest);
}

/* sums the base bins [b0, b1) of @b into one */
static void
sum_bins (LpCaptureBins *b,
          guint64        b0,
          guint64        b1,
          double        *on_cpu,
          double        *blocked)
{
  for (guint64 k = b0; k < b1;)
    {
      guint64 c = k / LP_CAPTURE_BIN_CHUNK;
      guint64 end = MIN (b1, (c + 1) * LP_CAPTURE_BIN_CHUNK);
      const LpCaptureBin *chunk = chunk_at (b, c, FALSE);

      for (; chunk != NULL && k < end; k++)
        {
          const LpCaptureBin *bin = &chunk[k % LP_CAPTURE_BIN_CHUNK];

          if (on_cpu != NULL)
            *on_cpu += bin->on_cpu;
          if (blocked != NULL)
            *blocked += bin->blocked;
        }
      k = end;
    }
}

void
lp_capture_bin (const LpCapture *self,
                guint            thread,
                guint64          from_ns,
                guint64          bin_ns,
                guint            n_bins,
                double          *on_cpu,
                double          *blocked)
{
  LpCaptureBins *bins;

  g_return_if_fail (bin_ns > 0);

  if (thread != G_MAXUINT && thread >= self->threads->len)
    return;
  /* the chunk last asked for is remembered: the sums are the capture's
   * own, not its contents */
  bins = thread == G_MAXUINT ? (LpCaptureBins *) &self->all_bins : g_ptr_array_index (self->bins, thread);

  if (bin_ns >= 4 * LP_CAPTURE_BIN_NS)
    {
      /* coarse: each base bin goes wholly to the bin its start is in (an
       * error of at most one base bin at each edge) */
      for (guint i = 0; i < n_bins; i++)
        {
          guint64 t0 = from_ns + i * bin_ns;
          guint64 t1 = t0 + bin_ns;
          guint64 b0 = (t0 + LP_CAPTURE_BIN_NS - 1) / LP_CAPTURE_BIN_NS;
          guint64 b1 = (t1 + LP_CAPTURE_BIN_NS - 1) / LP_CAPTURE_BIN_NS;

          sum_bins (bins, b0, b1, on_cpu != NULL ? &on_cpu[i] : NULL,
                    blocked != NULL ? &blocked[i] : NULL);
        }
      return;
    }

  /* fine: the samples themselves (a span of few base bins) */
  for (guint64 k = lp_capture_find_time (self, from_ns); k < self->n_samples; k++)
    {
      const LpCaptureSample *s = &self->samples[k];
      guint64 i = (s->time_ns - from_ns) / bin_ns;

      if (i >= n_bins)
        break;
      if (thread != G_MAXUINT && s->thread != thread)
        continue;
      if (s->flags & LP_CAPTURE_SAMPLE_IDLE)
        {
          if (blocked != NULL)
            blocked[i] += s->weight;
        }
      else if (on_cpu != NULL)
        on_cpu[i] += s->weight;
    }
}

/* ---- files ---- */

gboolean
lp_capture_save (LpCapture   *self,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(LpAtomicFile) file = lp_atomic_file_open (path, error);
  g_autoptr(LpCaptureWriter) writer = NULL;

  if (file == NULL)
    return FALSE;
  writer = lp_capture_writer_new (self, lp_atomic_file_get_fd (file), error);
  if (writer == NULL || !lp_capture_writer_finish (writer, error))
    return FALSE;
  return lp_atomic_file_commit (g_steal_pointer (&file), error);
}

LpCaptureKind
lp_capture_sniff (const guint8 *data,
                  gsize         len)
{
  const char *p = (const char *) data;
  const char *end = p + len;
  const char *nl;

  if (len >= LP_CAPTURE_MAGIC_LEN && memcmp (data, LP_CAPTURE_MAGIC, LP_CAPTURE_MAGIC_LEN) == 0)
    return LP_CAPTURE_KIND_CAPTURE;
  /* perf script: a sample's first line "comm pid[/tid] [cpu] time: …" ends
   * with an event name and a colon, then frames indented by a tab */
  while (p < end && (*p == '\n' || *p == '#'))
    {
      nl = memchr (p, '\n', end - p);
      p = nl != NULL ? nl + 1 : end;
    }
  nl = memchr (p, '\n', end - p);
  if (nl != NULL && nl + 1 < end && nl[1] == '\t' && memchr (p, ';', nl - p) == NULL)
    {
      /* perf ends the line with "event: " or "event:" */
      const char *last = nl;

      while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
        last--;
      if (last > p && last[-1] == ':')
        return LP_CAPTURE_KIND_PERF_SCRIPT;
    }
  return LP_CAPTURE_KIND_FOLDED;
}

static gboolean
load_folded (LpCapture     *dest,
             GBytes        *bytes,
             GError       **error)
{
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (dest->folded, LP_FOLDED_READER_STREAM);

  lp_capture_info_set_string (dest, &dest->info.source, "folded");
  if (!lp_folded_reader_feed (reader, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error) ||
      !lp_folded_reader_finish (reader, error))
    return FALSE;
  dest->info.complete = TRUE;
  return TRUE;
}

LpCapture *
lp_capture_load_bytes (GBytes      *bytes,
                       GError     **error)
{
  g_autoptr(LpCapture) self = lp_capture_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gboolean ok = FALSE;

  switch (lp_capture_sniff (data, len))
    {
    case LP_CAPTURE_KIND_CAPTURE:
      ok = _lp_capture_reader_read_file (self, data, len, error);
      if (ok)
        lp_capture_apply_renames (self);
      break;
    case LP_CAPTURE_KIND_PERF_SCRIPT:
      ok = lp_perf_script_read (self, (const char *) data, len, NULL, error);
      break;
    case LP_CAPTURE_KIND_FOLDED:
      ok = load_folded (self, bytes, error);
      break;
    }
  return ok ? g_steal_pointer (&self) : NULL;
}

LpCapture *
lp_capture_load (const char  *path,
                 GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  LpCapture *capture;

  if (file == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  capture = lp_capture_load_bytes (bytes, &local);
  if (capture == NULL)
    {
      g_set_error (error, local->domain, local->code, "%s: %s", path, local->message);
      return NULL;
    }
  return capture;
}

void
lp_capture_add_source (LpCapture  *self,
                       const char *file,
                       const char *path)
{
  char *copy;

  if (*file == '\0' || g_strcmp0 (g_hash_table_lookup (self->by_source, file), path) == 0)
    return;
  copy = g_strdup (path);
  g_ptr_array_add (self->sources, g_strdup (file));
  g_ptr_array_add (self->sources, copy);
  g_hash_table_insert (self->by_source, g_strdup (file), copy);
}

const char *
lp_capture_find_source (const LpCapture *self,
                        const char      *file)
{
  return g_hash_table_lookup (self->by_source, file);
}

void
lp_capture_rename_frame (LpCapture  *self,
                         guint32     frame,
                         const char *name)
{
  LpCaptureRename rename = { frame, g_strdup (name) };

  g_return_if_fail (frame < lp_folded_get_n_frames (self->folded));
  g_array_append_val (self->renames, rename);
}

void
lp_capture_apply_renames (LpCapture *self)
{
  guint n_frames = lp_folded_get_n_frames (self->folded);
  g_autofree const char **names = NULL;
  g_autofree guint *stack_map = NULL;
  LpFolded *renamed;

  if (self->renames->len == 0)
    return;
  names = g_new0 (const char *, MAX (n_frames, 1));
  for (guint i = 0; i < self->renames->len; i++)
    {
      const LpCaptureRename *r = &g_array_index (self->renames, LpCaptureRename, i);

      if (r->frame < n_frames)
        names[r->frame] = r->name;
    }
  renamed = lp_folded_rename (self->folded, names, &stack_map);
  for (guint64 i = 0; i < self->n_samples; i++)
    self->samples[i].stack = stack_map[self->samples[i].stack];
  lp_folded_free (self->folded);
  self->folded = renamed;
  for (guint i = 0; i < self->renames->len; i++)
    g_free (g_array_index (self->renames, LpCaptureRename, i).name);
  g_array_set_size (self->renames, 0);
}
