/* lp-capture-writer.c: the capture file written block by block as a recording goes (docs/capture-format.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "lp-capture-private.h"


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



/* the facts as INFO records, in a fixed order */
static void
put_info (GString             *out,
          const LpCaptureInfo *info)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

#define INFO_STR(key, value) \
  G_STMT_START { if ((value) != NULL) { g_string_append_c (out, LP_CAPTURE_REC_INFO); put_str (out, key); put_str (out, value); } } G_STMT_END
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

struct _LpCaptureWriter
{
  LpCapture *capture;
  int        fd;
  GString   *raw;
  guint      n_frames;      /* written so far */
  guint      n_renames;
  guint      n_sources;
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
  guint8 header[LP_CAPTURE_FILE_HEADER_LEN] = { 0 };

  self->capture = capture;
  self->fd = fd;
  self->raw = g_string_sized_new (65536);
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  memcpy (header, LP_CAPTURE_MAGIC, LP_CAPTURE_MAGIC_LEN);
  lp_capture_put_u32 (header + 8, LP_CAPTURE_VERSION);
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
 * until the raw block reaches LP_CAPTURE_BLOCK_FLUSH_RAW; TRUE when all is written */
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
      g_string_append_c (raw, LP_CAPTURE_REC_FRAME);
      put_str (raw, lp_folded_frame_name (folded, self->n_frames));
    }
  for (; self->n_renames < c->renames->len; self->n_renames++)
    {
      const LpCaptureRename *r = &g_array_index (c->renames, LpCaptureRename, self->n_renames);

      g_string_append_c (raw, LP_CAPTURE_REC_FRAME_NAME);
      put_uv (raw, r->frame);
      put_str (raw, r->name);
    }
  for (; self->n_sources + 1 < c->sources->len; self->n_sources += 2)
    {
      g_string_append_c (raw, LP_CAPTURE_REC_SOURCE);
      put_str (raw, g_ptr_array_index (c->sources, self->n_sources));
      put_str (raw, g_ptr_array_index (c->sources, self->n_sources + 1));
    }
  for (; self->n_stacks < lp_folded_get_n_stacks (folded); self->n_stacks++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, self->n_stacks, &st);
      g_string_append_c (raw, LP_CAPTURE_REC_STACK);
      put_uv (raw, st.depth);
      for (guint d = 0; d < st.depth; d++)
        put_uv (raw, st.frames[d]);
      if (raw->len >= LP_CAPTURE_BLOCK_FLUSH_RAW)
        return FALSE;
    }
  for (guint i = 0; i < c->threads->len; i++)
    {
      const LpCaptureThread *t = &g_array_index (c->threads, LpCaptureThread, i);

      if (i >= self->n_threads)
        {
          g_string_append_c (raw, LP_CAPTURE_REC_THREAD);
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
          g_string_append_c (raw, LP_CAPTURE_REC_THREAD_NAME);
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
          g_string_append_c (raw, (s->flags & LP_CAPTURE_SAMPLE_IDLE) ? LP_CAPTURE_REC_SAMPLE_IDLE : LP_CAPTURE_REC_SAMPLE);
          put_uv (raw, dt);
          put_uv (raw, s->thread);
          put_uv (raw, s->stack);
        }
      else
        {
          g_string_append_c (raw, LP_CAPTURE_REC_SAMPLE_EX);
          put_uv (raw, dt);
          put_uv (raw, s->thread);
          put_uv (raw, s->stack);
          put_uv (raw, s->weight);
          put_uv (raw, s->flags);
        }
      if (raw->len >= LP_CAPTURE_BLOCK_FLUSH_RAW)
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
          g_string_append_c (raw, LP_CAPTURE_REC_THREAD_END);
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
  block = g_malloc (LP_CAPTURE_BLOCK_HEADER_LEN + comp_len);
  if (compress2 (block + LP_CAPTURE_BLOCK_HEADER_LEN, &comp_len, (const Bytef *) self->raw->str,
                 self->raw->len, 6) != Z_OK)
    g_error ("zlib could not compress %zu bytes", self->raw->len);
  lp_capture_put_u32 (block, self->raw->len);
  lp_capture_put_u32 (block + 4, comp_len);
  lp_capture_put_u32 (block + 8, crc32 (0, block + LP_CAPTURE_BLOCK_HEADER_LEN, comp_len));
  g_string_truncate (self->raw, 0);
  return g_bytes_new_take (block, LP_CAPTURE_BLOCK_HEADER_LEN + comp_len);
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
        g_string_append_c (self->raw, LP_CAPTURE_REC_END);
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
