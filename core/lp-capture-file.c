/* lp-capture-file.c: the capture file (docs/capture-format.md): written block by block as a recording goes, read whole or block by block; and the loader of every report kind.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "lp-atomic-file.h"
#include "lp-capture-private.h"
#include "lp-file.h"
#include "lp-folded-reader.h"

/* "\x89LAPCAP\n", then the version and 0 (reserved), little-endian u32 */
static const guint8 magic[8] = { 0x89, 'L', 'A', 'P', 'C', 'A', 'P', '\n' };
#define FILE_HEADER_LEN 16
#define BLOCK_HEADER_LEN 12
/* a block never holds more (a writer flushes before) */
#define BLOCK_MAX_RAW ((gsize) 64 * 1024 * 1024)
#define BLOCK_FLUSH_RAW ((gsize) 1024 * 1024)

enum
{
  REC_INFO = 1,        /* key, value */
  REC_FRAME,           /* name */
  REC_STACK,           /* depth, frame ids, root first */
  REC_THREAD,          /* pid, tid, name, start µs */
  REC_THREAD_NAME,     /* thread, name */
  REC_THREAD_END,      /* thread, end µs */
  REC_SAMPLE,          /* Δµs, thread, stack */
  REC_SAMPLE_IDLE,     /* Δµs, thread, stack */
  REC_SAMPLE_EX,       /* Δµs, thread, stack, weight, flags */
  REC_END,             /* the recording ended; the info before it is final */
};

/* ---- encoding ---- */

static void
put_uv (GString *out,
        guint64  v)
{
  while (v >= 0x80)
    {
      g_string_append_c (out, (char) (v | 0x80));
      v >>= 7;
    }
  g_string_append_c (out, (char) v);
}

static void
put_str (GString    *out,
         const char *s)
{
  gsize len = s != NULL ? strlen (s) : 0;

  put_uv (out, len);
  g_string_append_len (out, s, len);
}

static void
put_u32 (guint8  *p,
         guint32  v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

static guint32
get_u32 (const guint8 *p)
{
  return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* the facts as INFO records, in a fixed order */
static void
put_info (GString             *out,
          const LpCaptureInfo *info)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

#define INFO_STR(key, value) \
  G_STMT_START { if ((value) != NULL) { g_string_append_c (out, REC_INFO); put_str (out, key); put_str (out, value); } } G_STMT_END
#define INFO_NUM(key, fmt, value) \
  G_STMT_START { g_snprintf (num, sizeof num, fmt, value); INFO_STR (key, num); } G_STMT_END

  INFO_STR ("source", info->source);
  INFO_NUM ("pid", "%" G_GINT64_FORMAT, info->pid);
  INFO_STR ("command", info->command);
  INFO_STR ("mode", info->mode);
  if (info->period > 0)
    INFO_STR ("period", g_ascii_dtostr (num, sizeof num, info->period));
  INFO_STR ("host", info->host);
  if (info->start_unix_us != 0)
    INFO_NUM ("start", "%" G_GINT64_FORMAT, info->start_unix_us);
  if (info->duration > 0)
    INFO_STR ("duration", g_ascii_dtostr (num, sizeof num, info->duration));
  INFO_STR ("python", info->python);
  INFO_NUM ("python-on", "%d", info->python_on ? 1 : 0);
  for (guint r = 0; r < LP_SAMPLER_LOST_N_REASONS; r++)
    if (info->lost[r] > 0)
      {
        g_autofree char *key = g_strconcat ("lost.", lp_sampler_lost_to_string (r), NULL);

        INFO_NUM (key, "%" G_GUINT64_FORMAT, info->lost[r]);
      }
  INFO_NUM ("lost", "%" G_GUINT64_FORMAT, info->lost_total);
  INFO_STR ("end-reason", info->end_reason);
  INFO_NUM ("exit-status", "%d", info->exit_status);
#undef INFO_NUM
#undef INFO_STR
}

/* ---- writing ---- */

struct _LpCaptureWriter
{
  LpCapture *capture;
  int        fd;
  GString   *raw;
  guint      n_frames;      /* written so far */
  guint      n_stacks;
  guint      n_threads;
  guint64    n_samples;
  guint64    last_us;
  GPtrArray *names;         /* each thread's name as written */
  GArray    *ends;          /* each thread's end as written (guint64) */
  char      *info;          /* the facts as last written */
  gsize      info_len;
  gboolean   failed;
};

static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          len,
           GError       **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_IO,
                       _("Could not write the capture: %s"), g_strerror (saved));
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

LpCaptureWriter *
lp_capture_writer_new (LpCapture  *capture,
                       int         fd,
                       GError    **error)
{
  g_autoptr(LpCaptureWriter) self = g_new0 (LpCaptureWriter, 1);
  guint8 header[FILE_HEADER_LEN] = { 0 };

  self->capture = capture;
  self->fd = fd;
  self->raw = g_string_sized_new (65536);
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  memcpy (header, magic, sizeof magic);
  put_u32 (header + 8, LP_CAPTURE_VERSION);
  if (fd >= 0 && !write_all (fd, header, sizeof header, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
lp_capture_writer_free (LpCaptureWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->raw, TRUE);
  g_ptr_array_unref (self->names);
  g_array_unref (self->ends);
  g_free (self->info);
  g_free (self);
}

/* appends to self->raw the records of what the capture gained, at most
 * until the raw block reaches BLOCK_FLUSH_RAW; TRUE when all is written */
static gboolean
gather (LpCaptureWriter *self)
{
  LpCapture *c = self->capture;
  LpFolded *folded = c->folded;
  GString *raw = self->raw;
  g_autoptr(GString) info = g_string_new (NULL);

  put_info (info, &c->info);
  if (self->info == NULL || info->len != self->info_len || memcmp (info->str, self->info, info->len) != 0)
    {
      g_string_append_len (raw, info->str, info->len);
      g_free (self->info);
      self->info_len = info->len;
      self->info = g_string_free (g_steal_pointer (&info), FALSE);
    }

  for (; self->n_frames < lp_folded_get_n_frames (folded); self->n_frames++)
    {
      g_string_append_c (raw, REC_FRAME);
      put_str (raw, lp_folded_frame_name (folded, self->n_frames));
    }
  for (; self->n_stacks < lp_folded_get_n_stacks (folded); self->n_stacks++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, self->n_stacks, &st);
      g_string_append_c (raw, REC_STACK);
      put_uv (raw, st.depth);
      for (guint d = 0; d < st.depth; d++)
        put_uv (raw, st.frames[d]);
      if (raw->len >= BLOCK_FLUSH_RAW)
        return FALSE;
    }
  for (guint i = 0; i < c->threads->len; i++)
    {
      const LpCaptureThread *t = &g_array_index (c->threads, LpCaptureThread, i);

      if (i >= self->n_threads)
        {
          g_string_append_c (raw, REC_THREAD);
          put_uv (raw, (guint64) t->pid);
          put_uv (raw, (guint64) t->tid);
          put_str (raw, t->name);
          put_uv (raw, t->start_ns / 1000);
          g_ptr_array_add (self->names, g_strdup (t->name));
          g_array_append_val (self->ends, (guint64) { LP_CAPTURE_TIME_NONE });
          self->n_threads++;
        }
      else if (g_strcmp0 (t->name, g_ptr_array_index (self->names, i)) != 0)
        {
          g_string_append_c (raw, REC_THREAD_NAME);
          put_uv (raw, i);
          put_str (raw, t->name);
          g_free (g_ptr_array_index (self->names, i));
          g_ptr_array_index (self->names, i) = g_strdup (t->name);
        }
    }
  for (; self->n_samples < c->n_samples; self->n_samples++)
    {
      const LpCaptureSample *s = &c->samples[self->n_samples];
      guint64 us = s->time_ns / 1000;
      guint64 dt = us >= self->last_us ? us - self->last_us : 0;

      self->last_us += dt;
      if (s->weight == 1 && (s->flags & ~LP_CAPTURE_SAMPLE_IDLE) == 0)
        {
          g_string_append_c (raw, (s->flags & LP_CAPTURE_SAMPLE_IDLE) ? REC_SAMPLE_IDLE : REC_SAMPLE);
          put_uv (raw, dt);
          put_uv (raw, s->thread);
          put_uv (raw, s->stack);
        }
      else
        {
          g_string_append_c (raw, REC_SAMPLE_EX);
          put_uv (raw, dt);
          put_uv (raw, s->thread);
          put_uv (raw, s->stack);
          put_uv (raw, s->weight);
          put_uv (raw, s->flags);
        }
      if (raw->len >= BLOCK_FLUSH_RAW)
        {
          self->n_samples++;
          return FALSE;
        }
    }
  /* ends last: a thread's end comes after its samples */
  for (guint i = 0; i < c->threads->len; i++)
    {
      const LpCaptureThread *t = &g_array_index (c->threads, LpCaptureThread, i);

      if (t->end_ns != g_array_index (self->ends, guint64, i))
        {
          g_string_append_c (raw, REC_THREAD_END);
          put_uv (raw, i);
          put_uv (raw, t->end_ns / 1000);
          g_array_index (self->ends, guint64, i) = t->end_ns;
        }
    }
  return TRUE;
}

/* compresses self->raw into a block (header and data); NULL if empty */
static GBytes *
seal_block (LpCaptureWriter *self)
{
  uLongf comp_len;
  guint8 *block;

  if (self->raw->len == 0)
    return NULL;
  comp_len = compressBound (self->raw->len);
  block = g_malloc (BLOCK_HEADER_LEN + comp_len);
  if (compress2 (block + BLOCK_HEADER_LEN, &comp_len, (const Bytef *) self->raw->str,
                 self->raw->len, 6) != Z_OK)
    g_error ("zlib could not compress %zu bytes", self->raw->len);
  put_u32 (block, self->raw->len);
  put_u32 (block + 4, comp_len);
  put_u32 (block + 8, crc32 (0, block + BLOCK_HEADER_LEN, comp_len));
  g_string_truncate (self->raw, 0);
  return g_bytes_new_take (block, BLOCK_HEADER_LEN + comp_len);
}

/* gathers and writes blocks until all is written */
static gboolean
flush_all (LpCaptureWriter  *self,
           gboolean          end,
           GError          **error)
{
  gboolean done;

  do
    {
      g_autoptr(GBytes) block = NULL;

      done = gather (self);
      if (done && end)
        g_string_append_c (self->raw, REC_END);
      block = seal_block (self);
      if (block != NULL &&
          !write_all (self->fd, g_bytes_get_data (block, NULL), g_bytes_get_size (block), error))
        return FALSE;
    }
  while (!done);
  return TRUE;
}

gboolean
lp_capture_writer_flush (LpCaptureWriter  *self,
                         GError          **error)
{
  return flush_all (self, FALSE, error);
}

gboolean
lp_capture_writer_finish (LpCaptureWriter  *self,
                          GError          **error)
{
  return flush_all (self, TRUE, error);
}

GBytes *
lp_capture_writer_take_block (LpCaptureWriter *self)
{
  while (!gather (self))
    ;
  return seal_block (self);
}

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

/* ---- reading ---- */

struct _LpCaptureReader
{
  LpCapture *dest;
  GArray    *frames;     /* file frame id -> the capture's */
  GArray    *stacks;     /* file stack id -> the capture's */
  GArray    *threads;    /* file thread id -> the capture's */
  GArray    *path;       /* a stack being read */
  guint64    last_us;
  gboolean   ended;
  guint8    *raw;
  gsize      raw_cap;
};

LpCaptureReader *
lp_capture_reader_new (LpCapture *dest)
{
  LpCaptureReader *self = g_new0 (LpCaptureReader, 1);

  self->dest = dest;
  self->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->stacks = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->threads = g_array_new (FALSE, FALSE, sizeof (guint));
  self->path = g_array_new (FALSE, FALSE, sizeof (guint32));
  dest->info.source = dest->info.source != NULL ? dest->info.source : g_strdup ("laprof");
  return self;
}

void
lp_capture_reader_free (LpCaptureReader *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->frames);
  g_array_unref (self->stacks);
  g_array_unref (self->threads);
  g_array_unref (self->path);
  g_free (self->raw);
  g_free (self);
}

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  gboolean      bad;
} Cursor;

static guint64
get_uv (Cursor *c)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 b;

      if (c->p >= c->end)
        break;
      b = *c->p++;
      v |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
  c->bad = TRUE;
  return 0;
}

/* a string of the record, NUL-terminated in a copy (the caller frees) */
static char *
get_str (Cursor *c)
{
  guint64 len = get_uv (c);

  if (c->bad || len > (guint64) (c->end - c->p))
    {
      c->bad = TRUE;
      return NULL;
    }
  c->p += len;
  return g_strndup ((const char *) c->p - len, len);
}

static void
set_info (LpCaptureReader *self,
          const char      *key,
          const char      *value)
{
  LpCaptureInfo *info = &self->dest->info;
  gint64 n = g_ascii_strtoll (value, NULL, 10);

  if (strcmp (key, "source") == 0)
    lp_capture_info_set_string (self->dest, &info->source, value);
  else if (strcmp (key, "pid") == 0)
    info->pid = n;
  else if (strcmp (key, "command") == 0)
    lp_capture_info_set_string (self->dest, &info->command, value);
  else if (strcmp (key, "mode") == 0)
    lp_capture_info_set_string (self->dest, &info->mode, value);
  else if (strcmp (key, "period") == 0)
    info->period = g_ascii_strtod (value, NULL);
  else if (strcmp (key, "host") == 0)
    lp_capture_info_set_string (self->dest, &info->host, value);
  else if (strcmp (key, "start") == 0)
    info->start_unix_us = n;
  else if (strcmp (key, "duration") == 0)
    info->duration = g_ascii_strtod (value, NULL);
  else if (strcmp (key, "python") == 0)
    lp_capture_info_set_string (self->dest, &info->python, value);
  else if (strcmp (key, "python-on") == 0)
    info->python_on = n != 0;
  else if (strcmp (key, "lost") == 0)
    info->lost_total = (guint64) n;
  else if (strcmp (key, "end-reason") == 0)
    lp_capture_info_set_string (self->dest, &info->end_reason, value);
  else if (strcmp (key, "exit-status") == 0)
    info->exit_status = (int) n;
  else if (g_str_has_prefix (key, "lost."))
    for (guint r = 0; r < LP_SAMPLER_LOST_N_REASONS; r++)
      if (strcmp (key + 5, lp_sampler_lost_to_string (r)) == 0)
        info->lost[r] = (guint64) n;
  /* keys of later revisions are ignored */
}

static gboolean
bad_record (GError **error,
            const char *what)
{
  g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_FORMAT,
               _("The capture is damaged (%s)"), what);
  return FALSE;
}

/* reads the records of one uncompressed block */
static gboolean
read_records (LpCaptureReader  *self,
              Cursor           *c,
              GError          **error)
{
  LpCapture *dest = self->dest;

  while (c->p < c->end)
    {
      guint8 tag = *c->p++;

      switch (tag)
        {
        case REC_INFO:
          {
            g_autofree char *key = get_str (c);
            g_autofree char *value = get_str (c);

            if (!c->bad)
              set_info (self, key, value);
            break;
          }
        case REC_FRAME:
          {
            g_autofree char *name = get_str (c);
            guint32 id;

            if (c->bad)
              break;
            id = lp_folded_intern (dest->folded, name, -1);
            g_array_append_val (self->frames, id);
            break;
          }
        case REC_STACK:
          {
            guint64 depth = get_uv (c);
            guint32 index;

            if (c->bad || depth == 0 || depth > (guint64) (c->end - c->p))
              return bad_record (error, "a stack");
            g_array_set_size (self->path, depth);
            for (guint d = 0; d < depth; d++)
              {
                guint64 f = get_uv (c);

                if (c->bad || f >= self->frames->len)
                  return bad_record (error, "a stack's frame");
                g_array_index (self->path, guint32, d) = g_array_index (self->frames, guint32, f);
              }
            if (!lp_folded_add (dest->folded, (const guint32 *) (gpointer) self->path->data,
                                depth, 0, 0, 0, &index, error))
              return FALSE;
            g_array_append_val (self->stacks, index);
            break;
          }
        case REC_THREAD:
          {
            gint64 pid = (gint64) get_uv (c);
            gint64 tid = (gint64) get_uv (c);
            g_autofree char *name = get_str (c);
            guint64 start = get_uv (c);
            guint index;

            if (c->bad || start > LP_CAPTURE_MAX_TIME_NS / 1000)
              return bad_record (error, "a thread");
            /* a new thread of the file, also when a living one has its tid */
            index = lp_capture_find_thread (dest, pid, tid);
            if (index != G_MAXUINT)
              lp_capture_end_thread (dest, index, start * 1000);
            index = lp_capture_add_thread (dest, pid, tid, name, start * 1000);
            g_array_append_val (self->threads, index);
            break;
          }
        case REC_THREAD_NAME:
          {
            guint64 t = get_uv (c);
            g_autofree char *name = get_str (c);
            LpCaptureThread *thread;

            if (c->bad || t >= self->threads->len)
              return bad_record (error, "a thread's name");
            thread = &g_array_index (dest->threads, LpCaptureThread, g_array_index (self->threads, guint, t));
            g_free ((char *) thread->name);
            thread->name = g_steal_pointer (&name);
            break;
          }
        case REC_THREAD_END:
          {
            guint64 t = get_uv (c);
            guint64 end = get_uv (c);

            if (c->bad || t >= self->threads->len || end > LP_CAPTURE_MAX_TIME_NS / 1000)
              return bad_record (error, "a thread's end");
            lp_capture_end_thread (dest, g_array_index (self->threads, guint, t), end * 1000);
            break;
          }
        case REC_SAMPLE:
        case REC_SAMPLE_IDLE:
        case REC_SAMPLE_EX:
          {
            guint64 dt = get_uv (c);
            guint64 t = get_uv (c);
            guint64 s = get_uv (c);
            guint64 weight = 1, flags = tag == REC_SAMPLE_IDLE ? LP_CAPTURE_SAMPLE_IDLE : 0;

            if (tag == REC_SAMPLE_EX)
              {
                weight = get_uv (c);
                flags = get_uv (c);
              }
            if (c->bad || t >= self->threads->len || s >= self->stacks->len ||
                weight > G_MAXUINT32 || flags > G_MAXUINT32 ||
                dt > LP_CAPTURE_MAX_TIME_NS / 1000 - self->last_us)
              return bad_record (error, "a sample");
            self->last_us += dt;
            if (!lp_capture_add_sample (dest, self->last_us * 1000, g_array_index (self->threads, guint, t),
                                        g_array_index (self->stacks, guint32, s), weight, flags, error))
              return FALSE;
            break;
          }
        case REC_END:
          self->ended = TRUE;
          dest->info.complete = TRUE;
          break;
        default:
          {
            g_autofree char *what = g_strdup_printf ("a record of unknown kind %u", tag);

            return bad_record (error, what);
          }
        }
      if (c->bad)
        return bad_record (error, "a record cut short");
    }
  return TRUE;
}

/* the length of the block at @data (@len bytes there), 0 if cut short */
static gsize
block_length (const guint8 *data,
              gsize         len)
{
  guint32 comp_len;

  if (len < BLOCK_HEADER_LEN)
    return 0;
  comp_len = get_u32 (data + 4);
  if (comp_len > len - BLOCK_HEADER_LEN)
    return 0;
  return BLOCK_HEADER_LEN + comp_len;
}

gboolean
lp_capture_reader_feed_block (LpCaptureReader  *self,
                              const guint8     *data,
                              gsize             len,
                              GError          **error)
{
  guint32 raw_len, comp_len;
  uLongf out_len;
  Cursor c;

  if (len < BLOCK_HEADER_LEN)
    return bad_record (error, "a block cut short");
  raw_len = get_u32 (data);
  comp_len = get_u32 (data + 4);
  if (comp_len != len - BLOCK_HEADER_LEN || raw_len > BLOCK_MAX_RAW)
    return bad_record (error, "a block's length");
  if (crc32 (0, data + BLOCK_HEADER_LEN, comp_len) != get_u32 (data + 8))
    return bad_record (error, "a block's checksum");
  if (raw_len > self->raw_cap || self->raw == NULL)
    {
      self->raw_cap = MAX (raw_len, 65536);
      self->raw = g_realloc (self->raw, self->raw_cap);
    }
  out_len = raw_len;
  if (uncompress (self->raw, &out_len, data + BLOCK_HEADER_LEN, comp_len) != Z_OK || out_len != raw_len)
    return bad_record (error, "a block that does not uncompress");
  c = (Cursor) { self->raw, self->raw + raw_len, FALSE };
  return read_records (self, &c, error);
}

/* reads a whole capture file; a last block cut short ends it quietly
 * (info->complete tells) */
static gboolean
read_capture (LpCapture     *dest,
              const guint8  *data,
              gsize          len,
              GError       **error)
{
  g_autoptr(LpCaptureReader) reader = NULL;
  guint32 version;
  gsize pos = FILE_HEADER_LEN;

  if (len < FILE_HEADER_LEN || memcmp (data, magic, sizeof magic) != 0)
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_FORMAT,
                   _("Not a laprof capture (its first bytes are not a capture's)"));
      return FALSE;
    }
  version = get_u32 (data + 8);
  if (version > LP_CAPTURE_VERSION)
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_VERSION,
                   _("This capture is of version %u; this laprof reads version %u and older: "
                     "open it with a newer laprof"), version, LP_CAPTURE_VERSION);
      return FALSE;
    }
  reader = lp_capture_reader_new (dest);
  while (pos < len)
    {
      gsize n = block_length (data + pos, len - pos);

      if (n == 0)
        break;  /* the writer was killed while writing it */
      if (!lp_capture_reader_feed_block (reader, data + pos, n, error))
        return FALSE;
      pos += n;
    }
  return TRUE;
}

LpCaptureKind
lp_capture_sniff (const guint8 *data,
                  gsize         len)
{
  const char *p = (const char *) data;
  const char *end = p + len;
  const char *nl;

  if (len >= sizeof magic && memcmp (data, magic, sizeof magic) == 0)
    return LP_CAPTURE_KIND_CAPTURE;
  /* perf script: a sample's first line "comm pid[/tid] [cpu] time: …" ends
   * with an event name and a colon, then frames indented by a tab */
  while (p < end && (*p == '\n' || *p == '#'))
    {
      nl = memchr (p, '\n', end - p);
      p = nl != NULL ? nl + 1 : end;
    }
  nl = memchr (p, '\n', end - p);
  if (nl != NULL && nl + 1 < end && nl[1] == '\t' && nl > p && nl[-1] == ':' &&
      memchr (p, ';', nl - p) == NULL)
    return LP_CAPTURE_KIND_PERF_SCRIPT;
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
      ok = read_capture (self, data, len, error);
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
