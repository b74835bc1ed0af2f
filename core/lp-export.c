/* lp-export.c: a capture in the formats other tools read: the samples an export keeps, and the choice of format.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "lp-collapse.h"
#include "lp-export-private.h"

static const struct
{
  const char *name;
  const char *extension;
} formats[LP_EXPORT_N_FORMATS] = {
  [LP_EXPORT_PPROF]      = { "pprof",      ".pb.gz" },
  [LP_EXPORT_SPEEDSCOPE] = { "speedscope", ".speedscope.json" },
  [LP_EXPORT_GECKO]      = { "gecko",      ".json" },
};

gboolean
lp_export_format_from_string (const char     *name,
                              LpExportFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < LP_EXPORT_N_FORMATS; i++)
    if (g_ascii_strcasecmp (name, formats[i].name) == 0)
      {
        *format = i;
        return TRUE;
      }
  if (g_ascii_strcasecmp (name, "firefox") == 0)
    {
      *format = LP_EXPORT_GECKO;
      return TRUE;
    }
  return FALSE;
}

const char *
lp_export_format_to_string (LpExportFormat format)
{
  g_return_val_if_fail (format < LP_EXPORT_N_FORMATS, NULL);
  return formats[format].name;
}

const char *
lp_export_format_extension (LpExportFormat format)
{
  g_return_val_if_fail (format < LP_EXPORT_N_FORMATS, NULL);
  return formats[format].extension;
}

/* ---- frame names ---- */

static gboolean
all_digits (const char *s,
            gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

void
_lp_export_frame_parse (const char    *name,
                        LpExportFrame *frame)
{
  gsize len = strlen (name);

  memset (frame, 0, sizeof *frame);

  /* "[module+0xoffset]" or "[module@0xstart]": laprof's frame where no
   * symbol was found */
  if (len > 4 && name[0] == '[' && name[len - 1] == ']')
    {
      gboolean is_start;

      if (!lp_collapse_parse_unnamed (name, len, &frame->module, &frame->offset, &is_start))
        frame->module = NULL;
      frame->function = g_strdup (name);
      return;
    }

  /* "function (file:line)" (--lines, Python) or "function (file)" (Python) */
  if (len > 3 && name[len - 1] == ')')
    {
      const char *open = g_strrstr_len (name, len, " (");
      if (open != NULL && open > name)
        {
          const char *inside = open + 2;
          gsize inside_len = name + len - 1 - inside;
          const char *colon = memchr (inside, ':', inside_len);
          gboolean plain = inside_len > 0 && memchr (inside, '(', inside_len) == NULL;
          if (plain && colon != NULL && all_digits (colon + 1, inside + inside_len - colon - 1))
            {
              frame->function = g_strndup (name, open - name);
              frame->file = g_strndup (inside, colon - inside);
              frame->line = g_ascii_strtoll (colon + 1, NULL, 10);
              return;
            }
          if (plain && colon == NULL && memchr (inside, '.', inside_len) != NULL)
            {
              frame->function = g_strndup (name, open - name);
              frame->file = g_strndup (inside, inside_len);
              return;
            }
        }
    }
  frame->function = g_strdup (name);
}

void
_lp_export_frame_clear (LpExportFrame *frame)
{
  g_clear_pointer (&frame->function, g_free);
  g_clear_pointer (&frame->file, g_free);
  g_clear_pointer (&frame->module, g_free);
}

/* ---- JSON ---- */

void
_lp_export_json_string (GString    *out,
                        const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

void
_lp_export_json_uint (GString *out,
                      guint64  value)
{
  char buf[24];
  guint n = sizeof buf;

  do
    {
      buf[--n] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);
  g_string_append_len (out, buf + n, sizeof buf - n);
}

void
_lp_export_json_double (GString *out,
                        double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    value = 0;
  if (value == floor (value) && value >= 0 && value < 1e15)
    _lp_export_json_uint (out, (guint64) value);
  else if (value == floor (value) && fabs (value) < 1e15)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.6f", value));
}

/* ---- the samples an export keeps ---- */

static void
export_thread_free (gpointer p)
{
  LpExportThread *t = p;

  g_free (t->name);
  g_array_unref (t->indexes);
  g_free (t);
}

static LpExportThread *
export_thread_new (const char *name,
                   gint64      pid,
                   gint64      tid)
{
  LpExportThread *t = g_new0 (LpExportThread, 1);

  t->name = g_strdup (name);
  t->pid = pid;
  t->tid = tid;
  t->start_ns = t->end_ns = LP_CAPTURE_TIME_NONE;
  t->first_ns = t->last_ns = LP_CAPTURE_TIME_NONE;
  t->indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  return t;
}

static void
export_data_clear (LpExportData *data)
{
  g_clear_pointer (&data->samples, g_array_unref);
  g_clear_pointer (&data->threads, g_ptr_array_unref);
}

static gboolean
filter_keeps_all (const LpCaptureFilter *filter)
{
  return filter == NULL
    || (filter->from_ns == 0 && filter->to_ns == LP_CAPTURE_TIME_NONE && filter->threads == NULL);
}

static void
keep_sample (LpExportData   *data,
             LpExportThread *t,
             guint64         time_ns,
             guint32         stack,
             guint32         thread,
             double          weight)
{
  LpExportSample s = { time_ns, stack, thread, weight };
  guint index = data->samples->len;

  g_array_append_val (data->samples, s);
  g_array_append_val (t->indexes, index);
  if (t->first_ns == LP_CAPTURE_TIME_NONE)
    t->first_ns = time_ns;
  t->last_ns = time_ns;
  t->samples += weight;
  data->total += weight;
}

/* the samples of a report with times, as @filter keeps them */
static void
collect_timed (LpCapture             *capture,
               const LpCaptureFilter *filter,
               LpExportData          *data)
{
  guint n_threads = lp_capture_get_n_threads (capture);
  const LpCaptureSample *samples = lp_capture_get_samples (capture);
  guint64 n = lp_capture_get_n_samples (capture);
  guint64 from = filter != NULL ? filter->from_ns : 0;
  guint64 to = filter != NULL && filter->to_ns != 0 ? filter->to_ns : LP_CAPTURE_TIME_NONE;
  g_autofree LpExportThread **by_thread = g_new0 (LpExportThread *, n_threads);
  g_autofree gboolean *wanted = g_new0 (gboolean, n_threads);

  for (guint i = 0; i < n_threads; i++)
    wanted[i] = filter == NULL || filter->threads == NULL;
  if (filter != NULL && filter->threads != NULL)
    for (guint i = 0; i < filter->n_threads; i++)
      if (filter->threads[i] < n_threads)
        wanted[filter->threads[i]] = TRUE;

  for (guint64 i = from > 0 ? lp_capture_find_time (capture, from) : 0; i < n; i++)
    {
      const LpCaptureSample *s = &samples[i];
      if (s->time_ns >= to)
        break;
      if (s->thread >= n_threads || !wanted[s->thread])
        continue;
      if (by_thread[s->thread] == NULL)
        {
          const LpCaptureThread *ct = lp_capture_get_thread (capture, s->thread);
          g_autofree char *fallback = g_strdup_printf ("thread %" G_GINT64_FORMAT, ct->tid);
          LpExportThread *t = export_thread_new (ct->name != NULL && ct->name[0] != '\0' ? ct->name : fallback,
                                                 ct->pid, ct->tid);
          t->start_ns = ct->start_ns;
          t->end_ns = ct->end_ns;
          by_thread[s->thread] = t;
        }
      keep_sample (data, by_thread[s->thread], s->time_ns, s->stack, s->thread, s->weight);
    }

  /* threads in the capture's order; each sample's thread becomes its index here */
  g_autofree guint *position = g_new0 (guint, n_threads);
  for (guint i = 0; i < n_threads; i++)
    if (by_thread[i] != NULL)
      {
        position[i] = data->threads->len;
        g_ptr_array_add (data->threads, by_thread[i]);
      }
  for (guint i = 0; i < data->samples->len; i++)
    {
      LpExportSample *s = &g_array_index (data->samples, LpExportSample, i);
      s->thread = position[s->thread];
    }
}

/* a report without times: one sample a stack, weighed by its count */
static void
collect_aggregate (LpExportData *data)
{
  LpExportThread *t = export_thread_new (data->name, data->info->pid, data->info->pid);
  guint n = lp_folded_get_n_stacks (data->folded);

  g_ptr_array_add (data->threads, t);
  for (guint i = 0; i < n; i++)
    {
      LpFoldedStack stack;
      lp_folded_get_stack (data->folded, i, &stack);
      if (stack.count > 0 && stack.depth > 0)
        keep_sample (data, t, 0, i, 0, stack.count);
    }
  if (data->samples->len == 0)
    g_ptr_array_set_size (data->threads, 0);
}

GBytes *
lp_export (LpCapture             *capture,
           const LpCaptureFilter *filter,
           LpExportFormat         format,
           GError               **error)
{
  LpExportData data = { 0 };
  GBytes *bytes = NULL;

  g_return_val_if_fail (capture != NULL, NULL);
  g_return_val_if_fail (format < LP_EXPORT_N_FORMATS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data.folded = lp_capture_get_folded (capture);
  data.info = lp_capture_get_info (capture);
  data.has_times = data.info->has_times;
  data.period_ns = data.info->period > 0 ? (guint64) llround (data.info->period * 1e9) : 0;
  data.name = data.info->command != NULL && data.info->command[0] != '\0' ? data.info->command : "laprof";

  if (!data.has_times && !filter_keeps_all (filter))
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_NO_TIMES,
                   "this report has no times nor threads (a folded report): it cannot be cut to a time range or threads");
      return NULL;
    }

  data.samples = g_array_new (FALSE, FALSE, sizeof (LpExportSample));
  data.threads = g_ptr_array_new_with_free_func (export_thread_free);
  if (data.has_times)
    collect_timed (capture, filter, &data);
  else
    collect_aggregate (&data);
  if (data.samples->len > 0)
    data.end_ns = g_array_index (data.samples, LpExportSample, data.samples->len - 1).time_ns + data.period_ns;

  switch (format)
    {
    case LP_EXPORT_PPROF:
      bytes = _lp_export_pprof (&data, error);
      break;
    case LP_EXPORT_SPEEDSCOPE:
      bytes = _lp_export_speedscope (&data, error);
      break;
    case LP_EXPORT_GECKO:
      bytes = _lp_export_gecko (&data, error);
      break;
    case LP_EXPORT_N_FORMATS:
    default:
      g_assert_not_reached ();
    }
  export_data_clear (&data);
  return bytes;
}
