/* lp-capture-reader.c: the capture file read whole or block by block (docs/capture-format.md), every record validated.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#include "lp-capture-private.h"

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
        case LP_CAPTURE_REC_INFO:
          {
            g_autofree char *key = get_str (c);
            g_autofree char *value = get_str (c);

            if (!c->bad)
              set_info (self, key, value);
            break;
          }
        case LP_CAPTURE_REC_FRAME:
          {
            g_autofree char *name = get_str (c);
            guint32 id;

            if (c->bad)
              break;
            id = lp_folded_intern (dest->folded, name, -1);
            g_array_append_val (self->frames, id);
            break;
          }
        case LP_CAPTURE_REC_STACK:
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
        case LP_CAPTURE_REC_THREAD:
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
        case LP_CAPTURE_REC_THREAD_NAME:
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
        case LP_CAPTURE_REC_THREAD_END:
          {
            guint64 t = get_uv (c);
            guint64 end = get_uv (c);

            if (c->bad || t >= self->threads->len || end > LP_CAPTURE_MAX_TIME_NS / 1000)
              return bad_record (error, "a thread's end");
            lp_capture_end_thread (dest, g_array_index (self->threads, guint, t), end * 1000);
            break;
          }
        case LP_CAPTURE_REC_SAMPLE:
        case LP_CAPTURE_REC_SAMPLE_IDLE:
        case LP_CAPTURE_REC_SAMPLE_EX:
          {
            guint64 dt = get_uv (c);
            guint64 t = get_uv (c);
            guint64 s = get_uv (c);
            guint64 weight = 1, flags = tag == LP_CAPTURE_REC_SAMPLE_IDLE ? LP_CAPTURE_SAMPLE_IDLE : 0;

            if (tag == LP_CAPTURE_REC_SAMPLE_EX)
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
        case LP_CAPTURE_REC_FRAME_NAME:
          {
            guint64 frame = get_uv (c);
            g_autofree char *name = get_str (c);

            if (c->bad)
              break;
            if (frame >= self->frames->len)
              return bad_record (error, "a late name of an unknown frame");
            lp_capture_rename_frame (dest, g_array_index (self->frames, guint32, frame), name);
            break;
          }
        case LP_CAPTURE_REC_SOURCE:
          {
            g_autofree char *file = get_str (c);
            g_autofree char *path = get_str (c);

            if (!c->bad)
              lp_capture_add_source (dest, file, path);
            break;
          }
        case LP_CAPTURE_REC_END:
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

  if (len < LP_CAPTURE_BLOCK_HEADER_LEN)
    return 0;
  comp_len = lp_capture_get_u32 (data + 4);
  if (comp_len > len - LP_CAPTURE_BLOCK_HEADER_LEN)
    return 0;
  return LP_CAPTURE_BLOCK_HEADER_LEN + comp_len;
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

  if (len < LP_CAPTURE_BLOCK_HEADER_LEN)
    return bad_record (error, "a block cut short");
  raw_len = lp_capture_get_u32 (data);
  comp_len = lp_capture_get_u32 (data + 4);
  if (comp_len != len - LP_CAPTURE_BLOCK_HEADER_LEN || raw_len > LP_CAPTURE_BLOCK_MAX_RAW)
    return bad_record (error, "a block's length");
  if (crc32 (0, data + LP_CAPTURE_BLOCK_HEADER_LEN, comp_len) != lp_capture_get_u32 (data + 8))
    return bad_record (error, "a block's checksum");
  if (raw_len > self->raw_cap || self->raw == NULL)
    {
      self->raw_cap = MAX (raw_len, 65536);
      self->raw = g_realloc (self->raw, self->raw_cap);
    }
  out_len = raw_len;
  if (uncompress (self->raw, &out_len, data + LP_CAPTURE_BLOCK_HEADER_LEN, comp_len) != Z_OK || out_len != raw_len)
    return bad_record (error, "a block that does not uncompress");
  c = (Cursor) { self->raw, self->raw + raw_len, FALSE };
  return read_records (self, &c, error);
}

gboolean
_lp_capture_reader_read_file (LpCapture     *dest,
                              const guint8  *data,
                              gsize          len,
                              GError       **error)
{
  g_autoptr(LpCaptureReader) reader = NULL;
  guint32 version;
  gsize pos = LP_CAPTURE_FILE_HEADER_LEN;

  if (len < LP_CAPTURE_FILE_HEADER_LEN || memcmp (data, LP_CAPTURE_MAGIC, LP_CAPTURE_MAGIC_LEN) != 0)
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_FORMAT,
                   _("Not a laprof capture (its first bytes are not a capture's)"));
      return FALSE;
    }
  version = lp_capture_get_u32 (data + 8);
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
