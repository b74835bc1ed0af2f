/* lp-stream.c: the laprof stream protocol: header, folded batches, control lines; writer and parser.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp-folded-reader.h"
#include "lp-stream.h"

G_DEFINE_QUARK (lp-stream-error-quark, lp_stream_error)

/* ---- writing ---- */

/* Values are percent-encoded where they hold a space, '%', '=' or a control byte. */
static void
append_value (GString    *out,
              const char *value)
{
  for (const guchar *p = (const guchar *) value; *p; p++)
    {
      if (*p <= 0x20 || *p == '%' || *p == '=' || *p == 0x7f)
        g_string_append_printf (out, "%%%02X", *p);
      else
        g_string_append_c (out, *p);
    }
}

static void
append_double (GString *out,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

void
lp_stream_format_header (GString    *out,
                         pid_t       pid,
                         const char *command,
                         const char *mode,
                         double      period)
{
  g_string_append_printf (out, "#laprof-stream version=%d pid=%d mode=", LP_STREAM_VERSION, (int) pid);
  append_value (out, mode);
  g_string_append (out, " period=");
  append_double (out, period);
  g_string_append (out, " command=");
  append_value (out, command ? command : "");
  g_string_append_c (out, '\n');
}

void
lp_stream_format_batch (GString              *out,
                        const LpFolded       *folded,
                        const LpSamplerBatch *batch)
{
  char buf[64];

  for (guint i = 0; i < batch->n; i++)
    {
      LpFoldedStack stack;

      if (batch->deltas[i] <= 0)
        continue;
      lp_folded_get_stack (folded, batch->stacks[i], &stack);
      for (guint d = 0; d < stack.depth; d++)
        {
          if (d > 0)
            g_string_append_c (out, ';');
          g_string_append (out, lp_folded_frame_name (folded, stack.frames[d]));
        }
      g_string_append_c (out, ' ');
      lp_folded_format_count (batch->deltas[i], buf);
      g_string_append (out, buf);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "#batch time=");
  append_double (out, batch->time);
  g_string_append_printf (out, " samples=%" G_GUINT64_FORMAT " lost=%" G_GUINT64_FORMAT "\n",
                          batch->samples, batch->lost);
}

void
lp_stream_format_python (GString    *out,
                         gboolean    on,
                         const char *text)
{
  g_string_append_printf (out, "#python on=%d text=", on ? 1 : 0);
  append_value (out, text);
  g_string_append_c (out, '\n');
}

void
lp_stream_format_debuginfo (GString    *out,
                            const char *module,
                            const char *state,
                            gint64      bytes,
                            gint64      size,
                            const char *error)
{
  g_string_append (out, "#debuginfo module=");
  append_value (out, module);
  g_string_append (out, " state=");
  append_value (out, state);
  g_string_append_printf (out, " bytes=%" G_GINT64_FORMAT " size=%" G_GINT64_FORMAT, bytes, size);
  if (error != NULL)
    {
      g_string_append (out, " error=");
      append_value (out, error);
    }
  g_string_append_c (out, '\n');
}

void
lp_stream_format_capture (GString *out,
                          GBytes  *block)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (block, &len);
  g_autofree char *text = g_base64_encode (data, len);

  g_string_append (out, "#capture data=");
  append_value (out, text);
  g_string_append_c (out, '\n');
}

void
lp_stream_format_error (GString    *out,
                        const char *message)
{
  g_string_append (out, "#error message=");
  append_value (out, message);
  g_string_append_c (out, '\n');
}

void
lp_stream_format_end (GString    *out,
                      double      time,
                      guint64     samples,
                      guint64     lost,
                      const char *reason,
                      int         status)
{
  g_string_append (out, "#end time=");
  append_double (out, time);
  g_string_append_printf (out, " samples=%" G_GUINT64_FORMAT " lost=%" G_GUINT64_FORMAT " reason=",
                          samples, lost);
  append_value (out, reason);
  g_string_append_printf (out, " status=%d\n", status);
}

/* ---- parsing ---- */

struct _LpStreamParser
{
  LpFolded     *folded;
  LpStreamFunc  func;
  gpointer      user_data;
  GString      *line;
  gboolean      discarding;
  gboolean      have_header;
  gboolean      ended;
  gboolean      failed;
  guint64       n_skipped;
  GArray       *frames;
};

LpStreamParser *
lp_stream_parser_new (LpFolded     *folded,
                      LpStreamFunc  func,
                      gpointer      user_data)
{
  LpStreamParser *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (LpStreamParser, 1);
  self->folded = folded;
  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  return self;
}

void
lp_stream_parser_free (LpStreamParser *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_array_unref (self->frames);
  g_free (self);
}

gboolean
lp_stream_parser_has_ended (const LpStreamParser *self)
{
  return self->ended;
}

guint64
lp_stream_parser_get_n_skipped (const LpStreamParser *self)
{
  return self->n_skipped;
}

static void
unescape (char *s)
{
  char *w = s;

  for (char *r = s; *r; r++)
    {
      if (r[0] == '%' && g_ascii_isxdigit (r[1]) && g_ascii_isxdigit (r[2]))
        {
          *w++ = (char) (g_ascii_xdigit_value (r[1]) * 16 + g_ascii_xdigit_value (r[2]));
          r += 2;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

/* "key=value key=value" (the line after its name) into a table of
 * unescaped values, pointing into @line (modified). */
static GHashTable *
parse_fields (char *line)
{
  GHashTable *fields = g_hash_table_new (g_str_hash, g_str_equal);
  char *save = NULL;

  for (char *tok = strtok_r (line, " ", &save); tok != NULL; tok = strtok_r (NULL, " ", &save))
    {
      char *eq = strchr (tok, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      unescape (eq + 1);
      g_hash_table_insert (fields, tok, eq + 1);
    }
  return fields;
}

static double
field_double (GHashTable *fields,
              const char *key)
{
  const char *v = g_hash_table_lookup (fields, key);
  return v ? g_ascii_strtod (v, NULL) : 0;
}

static guint64
field_u64 (GHashTable *fields,
           const char *key)
{
  const char *v = g_hash_table_lookup (fields, key);
  return v ? g_ascii_strtoull (v, NULL, 10) : 0;
}

static gboolean
control_line (LpStreamParser  *self,
              char            *line,
              GError         **error)
{
  g_autoptr(GHashTable) fields = NULL;
  LpStreamEvent ev = { 0 };
  char *name = line + 1;
  char *rest = strchr (name, ' ');

  if (rest != NULL)
    *rest++ = '\0';
  fields = parse_fields (rest ? rest : (char *) "");

  if (g_str_equal (name, "laprof-stream"))
    {
      ev.type = LP_STREAM_EVENT_HEADER;
      ev.version = (guint) field_u64 (fields, "version");
      if (ev.version == 0 || ev.version > LP_STREAM_VERSION)
        {
          g_set_error (error, LP_STREAM_ERROR, LP_STREAM_ERROR_VERSION,
                       _("stream protocol version %u is not supported (this laprof reads up to %d)"),
                       ev.version, LP_STREAM_VERSION);
          return FALSE;
        }
      ev.pid = (gint64) field_u64 (fields, "pid");
      ev.mode = g_hash_table_lookup (fields, "mode");
      ev.command = g_hash_table_lookup (fields, "command");
      ev.period = field_double (fields, "period");
      self->have_header = TRUE;
    }
  else if (!self->have_header && !g_str_equal (name, "error"))
    {
      /* an engine that failed to start writes only an error line */
      g_set_error (error, LP_STREAM_ERROR, LP_STREAM_ERROR_NO_HEADER,
                   _("not a laprof stream: the first line is not a #laprof-stream header"));
      return FALSE;
    }
  else if (g_str_equal (name, "batch") || g_str_equal (name, "end"))
    {
      const char *status = g_hash_table_lookup (fields, "status");

      ev.type = g_str_equal (name, "batch") ? LP_STREAM_EVENT_BATCH : LP_STREAM_EVENT_END;
      ev.time = field_double (fields, "time");
      ev.samples = field_u64 (fields, "samples");
      ev.lost = field_u64 (fields, "lost");
      ev.reason = g_hash_table_lookup (fields, "reason");
      ev.status = status ? atoi (status) : -1;
      if (ev.type == LP_STREAM_EVENT_END)
        self->ended = TRUE;
    }
  else if (g_str_equal (name, "python"))
    {
      ev.type = LP_STREAM_EVENT_PYTHON;
      ev.status = (int) field_u64 (fields, "on");
      ev.message = g_hash_table_lookup (fields, "text");
      if (ev.message == NULL)
        ev.message = "";
    }
  else if (g_str_equal (name, "capture"))
    {
      char *data = g_hash_table_lookup (fields, "data");
      gsize len = 0;

      if (data == NULL)
        return TRUE;
      ev.type = LP_STREAM_EVENT_CAPTURE;
      ev.data = g_base64_decode_inplace (data, &len);
      ev.data_len = len;
    }
  else if (g_str_equal (name, "debuginfo"))
    {
      ev.type = LP_STREAM_EVENT_DEBUGINFO;
      ev.module = g_hash_table_lookup (fields, "module");
      ev.state = g_hash_table_lookup (fields, "state");
      ev.bytes = (gint64) field_u64 (fields, "bytes");
      ev.size = (gint64) field_u64 (fields, "size");
      ev.message = g_hash_table_lookup (fields, "error");
      if (ev.module == NULL || ev.state == NULL)
        return TRUE;
    }
  else if (g_str_equal (name, "error"))
    {
      ev.type = LP_STREAM_EVENT_ERROR;
      ev.message = g_hash_table_lookup (fields, "message");
      if (ev.message == NULL)
        ev.message = "";
    }
  else
    return TRUE;   /* a control line of a later minor revision: ignored */

  self->func (&ev, self->user_data);
  return TRUE;
}

static void
stack_line (LpStreamParser *self,
            const char     *line,
            gsize           len)
{
  LpStreamEvent ev = { 0 };
  gsize sp = len;
  char *end = NULL;
  g_autofree char *num = NULL;

  while (sp > 0 && line[sp - 1] != ' ' && line[sp - 1] != '\t')
    sp--;
  if (sp < 2 || sp == len)
    {
      self->n_skipped++;
      return;
    }
  num = g_strndup (line + sp, len - sp);
  ev.count = g_ascii_strtod (num, &end);
  if (end == num || *end != '\0' || !isfinite (ev.count) || ev.count < 0)
    {
      self->n_skipped++;
      return;
    }
  ev.type = LP_STREAM_EVENT_STACK;
  ev.stack = line;
  ev.stack_len = sp - 1;
  while (ev.stack_len > 0 && (line[ev.stack_len - 1] == ' ' || line[ev.stack_len - 1] == '\t'))
    ev.stack_len--;

  if (self->folded != NULL)
    {
      gsize start = 0;

      g_array_set_size (self->frames, 0);
      for (gsize i = 0; i <= ev.stack_len; i++)
        if (i == ev.stack_len || line[i] == ';')
          {
            guint32 id;
            if (i == start)
              {
                self->n_skipped++;
                return;
              }
            id = lp_folded_intern (self->folded, line + start, i - start);
            g_array_append_val (self->frames, id);
            start = i + 1;
          }
      if (!lp_folded_add (self->folded, (const guint32 *) (gpointer) self->frames->data,
                          self->frames->len, 0, ev.count, 0, &ev.index, NULL))
        {
          self->n_skipped++;
          return;
        }
      ev.frames = (const guint32 *) (gpointer) self->frames->data;
      ev.depth = self->frames->len;
    }
  self->func (&ev, self->user_data);
}

static gboolean
process_line (LpStreamParser  *self,
              char            *line,
              gsize            len,
              GError         **error)
{
  while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
    line[--len] = '\0';
  if (len == 0)
    return TRUE;
  /* a NUL byte (binary data) cut a frame's name short in the aggregate
   * ("clock_\0gettime" became "clock_"), and a control line's value:
   * unreadable, as the folded reader has it (found by fuzz-stream) */
  if (memchr (line, '\0', len) != NULL)
    {
      self->n_skipped++;
      return TRUE;
    }
  if (line[0] == '#')
    return control_line (self, line, error);
  if (!self->have_header)
    {
      g_set_error (error, LP_STREAM_ERROR, LP_STREAM_ERROR_NO_HEADER,
                   _("not a laprof stream: the first line is not a #laprof-stream header"));
      return FALSE;
    }
  stack_line (self, line, len);
  return TRUE;
}

gboolean
lp_stream_parser_feed (LpStreamParser  *self,
                       const char      *data,
                       gsize            len,
                       GError         **error)
{
  if (self->failed)
    return TRUE;
  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      gsize take = nl ? (gsize) (nl - data) : len;

      if (!self->discarding)
        g_string_append_len (self->line, data, take);
      if (self->line->len > LP_FOLDED_MAX_LINE)
        {
          self->failed = TRUE;
          g_set_error (error, LP_STREAM_ERROR, LP_STREAM_ERROR_LINE_TOO_LONG,
                       _("a stream line is longer than %d bytes"), LP_FOLDED_MAX_LINE);
          return FALSE;
        }
      if (nl == NULL)
        break;
      if (!process_line (self, self->line->str, self->line->len, error))
        {
          self->failed = TRUE;
          return FALSE;
        }
      g_string_truncate (self->line, 0);
      data += take + 1;
      len -= take + 1;
    }
  return TRUE;
}

gboolean
lp_stream_parser_finish (LpStreamParser  *self,
                         GError         **error)
{
  if (self->failed)
    return TRUE;
  if (self->line->len > 0)
    {
      gboolean ok = process_line (self, self->line->str, self->line->len, error);
      g_string_truncate (self->line, 0);
      if (!ok)
        {
          self->failed = TRUE;
          return FALSE;
        }
    }
  return TRUE;
}
