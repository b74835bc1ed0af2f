/* lp-export-json.c: a capture as speedscope's file format and as the Firefox Profiler's gecko profile format.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lp-collapse.h"
#include "lp-export-private.h"

#define SPEEDSCOPE_SCHEMA "https://www.speedscope.app/file-format-schema.json"
/* the gecko profile format's version this writer follows (the Firefox
 * Profiler upgrades older ones as it reads them) */
#define GECKO_VERSION 32

static void
append_frame_fields (GString       *out,
                     LpExportFrame *frame)
{
  g_string_append (out, "\"name\":");
  _lp_export_json_string (out, frame->function);
  if (frame->file != NULL)
    {
      g_string_append (out, ",\"file\":");
      _lp_export_json_string (out, frame->file);
    }
  if (frame->line > 0)
    g_string_append_printf (out, ",\"line\":%" G_GINT64_FORMAT, frame->line);
}

static char *
thread_title (const LpExportData   *data,
              const LpExportThread *t)
{
  if (!data->has_times)
    return g_strdup (t->name);
  return g_strdup_printf ("%s (tid %" G_GINT64_FORMAT ")", t->name, t->tid);
}

/* ---- speedscope ---- */

GBytes *
_lp_export_speedscope (const LpExportData  *data,
                       GError             **error)
{
  GString *out = g_string_sized_new (4096 + data->samples->len * 24);
  guint n_frames = lp_folded_get_n_frames (data->folded);
  g_autofree gint64 *index_of = g_new (gint64, n_frames);   /* frame -> shared frame index, -1: unused */
  gint64 n_shared = 0;
  gboolean timed = data->period_ns > 0;

  (void) error;
  for (guint f = 0; f < n_frames; f++)
    index_of[f] = -1;

  g_string_append (out, "{\"$schema\":\"" SPEEDSCOPE_SCHEMA "\",\"exporter\":\"laprof " PACKAGE_VERSION "\",\"name\":");
  _lp_export_json_string (out, data->name);
  g_string_append (out, ",\"activeProfileIndex\":0,\"shared\":{\"frames\":[");
  for (guint i = 0; i < data->samples->len; i++)
    {
      const LpExportSample *s = &g_array_index (data->samples, LpExportSample, i);
      LpFoldedStack stack;
      lp_folded_get_stack (data->folded, s->stack, &stack);
      for (guint d = 0; d < stack.depth; d++)
        if (index_of[stack.frames[d]] < 0)
          {
            LpExportFrame frame;
            _lp_export_frame_parse (lp_folded_frame_name (data->folded, stack.frames[d]), &frame);
            g_string_append (out, n_shared > 0 ? ",{" : "{");
            append_frame_fields (out, &frame);
            g_string_append_c (out, '}');
            _lp_export_frame_clear (&frame);
            index_of[stack.frames[d]] = n_shared++;
          }
    }
  g_string_append (out, "]},\"profiles\":[");

  /* one sampled profile a thread; weights in nanoseconds (weight × period)
   * when the period is known, else in samples */
  for (guint ti = 0; ti < data->threads->len; ti++)
    {
      const LpExportThread *t = g_ptr_array_index (data->threads, ti);
      g_autofree char *title = thread_title (data, t);
      /* the thread's span: from its first sample to its last plus a
       * period; without times or period, its weight in the profile's unit */
      double start = 0, end = timed ? t->samples * (double) data->period_ns : t->samples;

      if (data->has_times && timed)
        {
          start = (double) t->first_ns;
          end = (double) (t->last_ns + data->period_ns);
        }
      g_string_append (out, ti > 0 ? ",{" : "{");
      g_string_append (out, "\"type\":\"sampled\",\"name\":");
      _lp_export_json_string (out, title);
      g_string_append_printf (out, ",\"unit\":\"%s\",\"startValue\":", timed ? "nanoseconds" : "none");
      _lp_export_json_double (out, start);
      g_string_append (out, ",\"endValue\":");
      _lp_export_json_double (out, end);
      /* a run of samples of the same stack is one sample of their summed
       * weight: speedscope draws them the same, in a fraction of the text */
      g_autoptr(GArray) run_stacks = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_autoptr(GArray) run_weights = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint k = 0; k < t->indexes->len; k++)
        {
          const LpExportSample *s = &g_array_index (data->samples, LpExportSample,
                                                    g_array_index (t->indexes, guint, k));
          if (run_stacks->len > 0 && g_array_index (run_stacks, guint32, run_stacks->len - 1) == s->stack)
            g_array_index (run_weights, double, run_weights->len - 1) += s->weight;
          else
            {
              g_array_append_val (run_stacks, s->stack);
              g_array_append_val (run_weights, s->weight);
            }
        }
      g_string_append (out, ",\"samples\":[");
      for (guint k = 0; k < run_stacks->len; k++)
        {
          LpFoldedStack stack;
          lp_folded_get_stack (data->folded, g_array_index (run_stacks, guint32, k), &stack);
          g_string_append (out, k > 0 ? ",[" : "[");
          for (guint d = 0; d < stack.depth; d++)
            {
              if (d > 0)
                g_string_append_c (out, ',');
              _lp_export_json_uint (out, (guint64) index_of[stack.frames[d]]);
            }
          g_string_append_c (out, ']');
        }
      g_string_append (out, "],\"weights\":[");
      for (guint k = 0; k < run_weights->len; k++)
        {
          double w = g_array_index (run_weights, double, k);
          if (k > 0)
            g_string_append_c (out, ',');
          _lp_export_json_double (out, timed ? w * (double) data->period_ns : w);
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}\n");
  return g_string_free_to_bytes (out);
}

/* ---- gecko ---- */

/* one thread's tables: its strings, frames and stacks (a prefix tree) */
typedef struct
{
  GString    *strings;
  GHashTable *string_ids;   /* string -> id + 1 */
  guint       n_strings;
  GString    *frames;
  gint64     *frame_of;     /* folded frame -> frame index, -1: none yet */
  guint       n_frames;
  GString    *stacks;
  GHashTable *stack_ids;    /* (prefix + 1) << 32 | frame -> stack + 1 */
  guint       n_stacks;
  GHashTable *stack_of;     /* folded stack -> its stack + 1 */
} GeckoTables;

static guint
gecko_string (GeckoTables *g,
              const char  *s)
{
  gpointer v = g_hash_table_lookup (g->string_ids, s);

  if (v != NULL)
    return GPOINTER_TO_UINT (v) - 1;
  g_hash_table_insert (g->string_ids, g_strdup (s), GUINT_TO_POINTER (g->n_strings + 1));
  if (g->n_strings > 0)
    g_string_append_c (g->strings, ',');
  _lp_export_json_string (g->strings, s);
  return g->n_strings++;
}

static guint
gecko_frame (GeckoTables    *g,
             const LpFolded *folded,
             guint32         f)
{
  LpExportFrame frame;
  guint location;

  if (g->frame_of[f] >= 0)
    return g->frame_of[f];
  _lp_export_frame_parse (lp_folded_frame_name (folded, f), &frame);
  /* the location reads as the Firefox Profiler shows native frames: the
   * function, its file in parentheses */
  if (frame.file != NULL)
    {
      g_autofree char *label = g_strdup_printf ("%s (%s)", frame.function, frame.file);
      location = gecko_string (g, label);
    }
  else
    location = gecko_string (g, frame.function);
  /* location, relevantForJS, innerWindowID, implementation, line, column,
   * category (0 Other; 1 Idle: a thread blocked in a system call, which
   * the profiler's activity graph leaves out), subcategory */
  g_string_append_printf (g->frames, "%s[%u,false,0,null,", g->n_frames > 0 ? "," : "", location);
  if (frame.line > 0)
    g_string_append_printf (g->frames, "%" G_GINT64_FORMAT, frame.line);
  else
    g_string_append (g->frames, "null");
  g_string_append (g->frames, lp_collapse_is_idle_frame (frame.function) ? ",null,1,0]" : ",null,0,0]");
  _lp_export_frame_clear (&frame);
  g->frame_of[f] = g->n_frames;
  return g->n_frames++;
}

/* the gecko stack of a folded stack; G_MAXUINT for an empty one */
static guint
gecko_stack (GeckoTables    *g,
             const LpFolded *folded,
             guint32         stack_index)
{
  LpFoldedStack stack;
  gint64 prefix = -1;
  gpointer known = g_hash_table_lookup (g->stack_of, GUINT_TO_POINTER (stack_index));

  if (known != NULL)
    return GPOINTER_TO_UINT (known) - 1;
  lp_folded_get_stack (folded, stack_index, &stack);
  for (guint d = 0; d < stack.depth; d++)
    {
      guint frame = gecko_frame (g, folded, stack.frames[d]);
      guint64 key = ((guint64) (prefix + 1) << 32) | frame;
      gpointer v = g_hash_table_lookup (g->stack_ids, &key);
      if (v != NULL)
        {
          prefix = GPOINTER_TO_UINT (v) - 1;
          continue;
        }
      guint64 *k = g_new (guint64, 1);
      *k = key;
      g_hash_table_insert (g->stack_ids, k, GUINT_TO_POINTER (g->n_stacks + 1));
      if (prefix < 0)
        g_string_append_printf (g->stacks, "%s[null,%u]", g->n_stacks > 0 ? "," : "", frame);
      else
        g_string_append_printf (g->stacks, "%s[%" G_GINT64_FORMAT ",%u]", g->n_stacks > 0 ? "," : "", prefix, frame);
      prefix = g->n_stacks++;
    }
  g_hash_table_insert (g->stack_of, GUINT_TO_POINTER (stack_index), GUINT_TO_POINTER ((guint) prefix + 1));
  return (guint) prefix;
}

static void
gecko_time (GString *out,
            guint64  ns)
{
  _lp_export_json_double (out, (double) ns / 1e6);
}

static void
gecko_thread (GString              *out,
              const LpExportData   *data,
              const LpExportThread *t,
              double                interval_ms)
{
  GeckoTables g = { 0 };
  g_autoptr (GString) samples = g_string_new (NULL);
  guint n_frames = lp_folded_get_n_frames (data->folded);
  guint64 row = 0;

  g.strings = g_string_new (NULL);
  g.string_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g.frames = g_string_new (NULL);
  g.frame_of = g_new (gint64, n_frames);
  for (guint f = 0; f < n_frames; f++)
    g.frame_of[f] = -1;
  g.stacks = g_string_new (NULL);
  g.stack_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g.stack_of = g_hash_table_new (g_direct_hash, g_direct_equal);

  /* the format has no weights: a sample that counts for n is n rows; a
   * report without times lays its stacks one after the other */
  for (guint k = 0; k < t->indexes->len; k++)
    {
      const LpExportSample *s = &g_array_index (data->samples, LpExportSample,
                                                g_array_index (t->indexes, guint, k));
      guint stack = gecko_stack (&g, data->folded, s->stack);   /* G_MAXUINT: an empty stack */
      guint64 n = s->weight >= 1 ? (guint64) (s->weight + 0.5) : 1;
      for (guint64 r = 0; r < n; r++, row++)
        {
          if (stack == G_MAXUINT)
            g_string_append (samples, row > 0 ? ",[null," : "[null,");
          else
            {
              g_string_append (samples, row > 0 ? ",[" : "[");
              _lp_export_json_uint (samples, stack);
              g_string_append_c (samples, ',');
            }
          if (data->has_times)
            gecko_time (samples, s->time_ns);
          else
            _lp_export_json_double (samples, (double) row * interval_ms);
          g_string_append (samples, ",0]");
        }
    }

  g_string_append (out, "{\"name\":");
  _lp_export_json_string (out, t->name);
  g_string_append (out, ",\"processType\":\"default\",\"processName\":");
  _lp_export_json_string (out, data->name);
  g_string_append_printf (out, ",\"pid\":%" G_GINT64_FORMAT ",\"tid\":%" G_GINT64_FORMAT ",\"registerTime\":",
                          t->pid, t->tid);
  gecko_time (out, t->start_ns != LP_CAPTURE_TIME_NONE ? t->start_ns : 0);
  g_string_append (out, ",\"unregisterTime\":");
  if (t->end_ns != LP_CAPTURE_TIME_NONE)
    gecko_time (out, t->end_ns);
  else
    g_string_append (out, "null");
  g_string_append (out,
                   ",\"markers\":{\"schema\":{\"name\":0,\"startTime\":1,\"endTime\":2,\"phase\":3,\"category\":4,\"data\":5},\"data\":[]}"
                   ",\"samples\":{\"schema\":{\"stack\":0,\"time\":1,\"eventDelay\":2},\"data\":[");
  g_string_append_len (out, samples->str, samples->len);
  g_string_append (out, "]},\"stackTable\":{\"schema\":{\"prefix\":0,\"frame\":1},\"data\":[");
  g_string_append_len (out, g.stacks->str, g.stacks->len);
  g_string_append (out,
                   "]},\"frameTable\":{\"schema\":{\"location\":0,\"relevantForJS\":1,\"innerWindowID\":2,"
                   "\"implementation\":3,\"line\":4,\"column\":5,\"category\":6,\"subcategory\":7},\"data\":[");
  g_string_append_len (out, g.frames->str, g.frames->len);
  g_string_append (out, "]},\"stringTable\":[");
  g_string_append_len (out, g.strings->str, g.strings->len);
  g_string_append (out, "]}");

  g_string_free (g.strings, TRUE);
  g_hash_table_unref (g.string_ids);
  g_string_free (g.frames, TRUE);
  g_free (g.frame_of);
  g_string_free (g.stacks, TRUE);
  g_hash_table_unref (g.stack_ids);
  g_hash_table_unref (g.stack_of);
}

GBytes *
_lp_export_gecko (const LpExportData  *data,
                  GError             **error)
{
  GString *out = g_string_sized_new (4096 + data->samples->len * 16);
  double interval_ms = data->period_ns > 0 ? (double) data->period_ns / 1e6 : 1;
  double start_ms = data->info->start_unix_us > 0 ? (double) data->info->start_unix_us / 1e3 : 0;

  (void) error;
  g_string_append_printf (out, "{\"meta\":{\"version\":%d,\"interval\":", GECKO_VERSION);
  _lp_export_json_double (out, interval_ms);
  g_string_append (out, ",\"startTime\":");
  _lp_export_json_double (out, start_ms);
  g_string_append (out, ",\"profilingStartTime\":0,\"profilingEndTime\":");
  gecko_time (out, data->has_times ? data->end_ns : (guint64) (data->total * interval_ms * 1e6));
  g_string_append (out,
                   ",\"shutdownTime\":null,\"processType\":0,\"stackwalk\":1,\"debug\":0,\"gcpoison\":0,\"asyncstack\":0"
                   ",\"presymbolicated\":true,\"product\":");
  _lp_export_json_string (out, "laprof " PACKAGE_VERSION);
  if (data->info->host != NULL)
    {
      g_string_append (out, ",\"oscpu\":");
      _lp_export_json_string (out, data->info->host);
    }
  g_string_append (out,
                   ",\"platform\":\"Linux\",\"categories\":[{\"name\":\"Other\",\"color\":\"grey\",\"subcategories\":[\"Other\"]},"
                   "{\"name\":\"Idle\",\"color\":\"transparent\",\"subcategories\":[\"Other\"]}]"
                   ",\"markerSchema\":[]},\"libs\":[],\"pausedRanges\":[],\"processes\":[]"
                   ",\"sources\":{\"schema\":{\"uuid\":0,\"filename\":1,\"startLine\":2,\"startColumn\":3,\"sourceMapURL\":4},\"data\":[]}"
                   ",\"threads\":[");
  for (guint ti = 0; ti < data->threads->len; ti++)
    {
      if (ti > 0)
        g_string_append_c (out, ',');
      gecko_thread (out, data, g_ptr_array_index (data->threads, ti), interval_ms);
    }
  g_string_append (out, "]}\n");
  return g_string_free_to_bytes (out);
}
