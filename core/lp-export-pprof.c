/* lp-export-pprof.c: a capture as pprof's profile.proto, gzip'd (what `go tool pprof` reads), encoded by hand.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

#include "lp-export-private.h"

/* ---- protobuf wire encoding ---- */

static void
put_varint (GByteArray *out,
            guint64     v)
{
  guint8 buf[10];
  guint n = 0;

  do
    {
      buf[n] = v & 0x7f;
      v >>= 7;
      if (v != 0)
        buf[n] |= 0x80;
      n++;
    }
  while (v != 0);
  g_byte_array_append (out, buf, n);
}

/* a varint field (wire type 0); zero is the default and is left out */
static void
put_uint (GByteArray *out,
          guint       field,
          guint64     v)
{
  if (v == 0)
    return;
  put_varint (out, (guint64) field << 3);
  put_varint (out, v);
}

/* a length-delimited field (wire type 2) */
static void
put_bytes (GByteArray   *out,
           guint         field,
           const guint8 *data,
           gsize         len)
{
  put_varint (out, ((guint64) field << 3) | 2);
  put_varint (out, len);
  g_byte_array_append (out, data, len);
}

static void
put_message (GByteArray *out,
             guint       field,
             GByteArray *msg)
{
  put_bytes (out, field, msg->data, msg->len);
  g_byte_array_set_size (msg, 0);
}

/* ---- the string table ---- */

typedef struct
{
  GHashTable *index;   /* string -> index + 1 */
  GPtrArray  *strings;
} Strings;

static guint64
string_id (Strings    *st,
           const char *s)
{
  gpointer v;

  if (s == NULL || s[0] == '\0')
    return 0;
  v = g_hash_table_lookup (st->index, s);
  if (v != NULL)
    return GPOINTER_TO_UINT (v) - 1;
  char *copy = g_strdup (s);
  g_ptr_array_add (st->strings, copy);
  g_hash_table_insert (st->index, copy, GUINT_TO_POINTER (st->strings->len));
  return st->strings->len - 1;
}

/* ---- gzip ---- */

static GBytes *
gzip_bytes (const guint8  *data,
            gsize          len,
            GError       **error)
{
  z_stream z = { 0 };
  gsize cap = compressBound (len) + 64;
  guint8 *buf;
  int ret;

  /* windowBits 15 + 16: a gzip header and trailer */
  if (deflateInit2 (&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_IO, "cannot start zlib's compressor");
      return NULL;
    }
  buf = g_malloc (cap);
  z.next_in = (Bytef *) data;
  z.avail_in = len;
  z.next_out = buf;
  z.avail_out = cap;
  ret = deflate (&z, Z_FINISH);
  deflateEnd (&z);
  if (ret != Z_STREAM_END)
    {
      g_free (buf);
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_IO, "compressing the profile failed (zlib: %d)", ret);
      return NULL;
    }
  return g_bytes_new_take (buf, z.total_out);
}

/* ---- the profile ---- */

/* pprof's sample: one a (stack, thread) of the export, weights summed */
typedef struct
{
  guint32 stack;
  guint32 thread;
  double  weight;
  guint32 next;     /* the next aggregate of the same stack; G_MAXUINT32: none */
} Aggregate;

/* the mappings: one for the program (its frames have names), one for each
 * module of "[module+0xoffset]" frames, each at its own made-up address
 * range so that offsets in different modules stay apart */
#define MODULE_SPAN (G_GUINT64_CONSTANT (1) << 40)

GBytes *
_lp_export_pprof (const LpExportData  *data,
                  GError             **error)
{
  Strings st = { g_hash_table_new (g_str_hash, g_str_equal), g_ptr_array_new_with_free_func (g_free) };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  g_autoptr (GByteArray) sub = g_byte_array_new ();
  g_autoptr (GByteArray) packed = g_byte_array_new ();
  g_autoptr (GArray) aggs = g_array_new (FALSE, FALSE, sizeof (Aggregate));
  guint n_stacks = lp_folded_get_n_stacks (data->folded);
  g_autofree guint32 *first_agg = g_new (guint32, n_stacks);   /* stack -> its first aggregate */
  guint n_frames = lp_folded_get_n_frames (data->folded);
  g_autofree guint64 *location_of = g_new0 (guint64, n_frames);   /* frame -> location id, 0: none yet */
  g_autoptr (GHashTable) function_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) module_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) modules = g_ptr_array_new ();   /* mapping id - 2 -> module name (owned by module_ids) */
  guint64 n_locations = 0, n_functions = 0;
  gboolean timed = data->period_ns > 0;
  const char *kind = data->info->mode != NULL && g_str_equal (data->info->mode, "wall") ? "wall" : "cpu";
  GBytes *result;

  g_ptr_array_add (st.strings, g_strdup (""));   /* index 0 is the empty string */

  /* sample types: samples/count, then cpu|wall/nanoseconds (weight × period) */
  put_uint (sub, 1, string_id (&st, "samples"));
  put_uint (sub, 2, string_id (&st, "count"));
  put_message (out, 1, sub);
  if (timed)
    {
      put_uint (sub, 1, string_id (&st, kind));
      put_uint (sub, 2, string_id (&st, "nanoseconds"));
      put_message (out, 1, sub);
    }

  /* the samples, one a (stack, thread): each stack's aggregates chained
   * (a stack is seldom on many threads) */
  if (n_stacks > 0)
    memset (first_agg, 0xff, n_stacks * sizeof (guint32));
  for (guint i = 0; i < data->samples->len; i++)
    {
      const LpExportSample *s = &g_array_index (data->samples, LpExportSample, i);
      guint32 a = first_agg[s->stack];
      while (a != G_MAXUINT32 && g_array_index (aggs, Aggregate, a).thread != s->thread)
        a = g_array_index (aggs, Aggregate, a).next;
      if (a == G_MAXUINT32)
        {
          Aggregate new_agg = { s->stack, s->thread, 0, first_agg[s->stack] };
          a = first_agg[s->stack] = aggs->len;
          g_array_append_val (aggs, new_agg);
        }
      g_array_index (aggs, Aggregate, a).weight += s->weight;
    }

  for (guint i = 0; i < aggs->len; i++)
    {
      const Aggregate *a = &g_array_index (aggs, Aggregate, i);
      const LpExportThread *t = g_ptr_array_index (data->threads, a->thread);
      LpFoldedStack stack;

      lp_folded_get_stack (data->folded, a->stack, &stack);
      /* location ids, leaf first */
      for (guint d = stack.depth; d-- > 0;)
        {
          guint32 f = stack.frames[d];
          if (location_of[f] == 0)
            location_of[f] = ++n_locations;
          put_varint (packed, location_of[f]);
        }
      put_bytes (msg, 1, packed->data, packed->len);
      g_byte_array_set_size (packed, 0);
      put_varint (packed, (guint64) llround (a->weight));
      if (timed)
        put_varint (packed, (guint64) llround (a->weight * (double) data->period_ns));
      put_bytes (msg, 2, packed->data, packed->len);
      g_byte_array_set_size (packed, 0);
      /* labels: thread (its name) and tid */
      put_uint (sub, 1, string_id (&st, "thread"));
      put_uint (sub, 2, string_id (&st, t->name));
      put_message (msg, 3, sub);
      put_uint (sub, 1, string_id (&st, "tid"));
      put_uint (sub, 3, (guint64) t->tid);
      put_message (msg, 3, sub);
      put_message (out, 2, msg);
    }

  /* locations and functions: one location a frame, one function a (name, file) */
  g_autofree guint32 *frame_of = g_new0 (guint32, n_locations + 1);
  for (guint f = 0; f < n_frames; f++)
    if (location_of[f] != 0)
      frame_of[location_of[f]] = f;
  g_autoptr (GByteArray) functions = g_byte_array_new ();
  for (guint64 id = 1; id <= n_locations; id++)
    {
      LpExportFrame frame;
      guint64 mapping = 1, address = 0, function;

      _lp_export_frame_parse (lp_folded_frame_name (data->folded, frame_of[id]), &frame);
      g_autofree char *fkey = g_strconcat (frame.function, "\n", frame.file != NULL ? frame.file : "", NULL);
      function = GPOINTER_TO_SIZE (g_hash_table_lookup (function_ids, fkey));
      if (function == 0)
        {
          function = ++n_functions;
          g_hash_table_insert (function_ids, g_steal_pointer (&fkey), GSIZE_TO_POINTER (function));
          put_uint (sub, 1, function);
          put_uint (sub, 2, string_id (&st, frame.function));
          put_uint (sub, 3, string_id (&st, frame.function));
          put_uint (sub, 4, string_id (&st, frame.file));
          put_message (functions, 5, sub);
        }
      if (frame.module != NULL)
        {
          mapping = GPOINTER_TO_SIZE (g_hash_table_lookup (module_ids, frame.module));
          if (mapping == 0)
            {
              g_ptr_array_add (modules, frame.module);
              mapping = modules->len + 1;
              g_hash_table_insert (module_ids, g_steal_pointer (&frame.module), GSIZE_TO_POINTER (mapping));
            }
          address = (mapping - 1) * MODULE_SPAN + MIN (frame.offset, MODULE_SPAN - 1);
        }
      put_uint (msg, 1, id);
      put_uint (msg, 2, mapping);
      put_uint (msg, 3, address);
      put_uint (sub, 1, function);
      if (frame.line > 0)
        put_uint (sub, 2, (guint64) frame.line);
      put_message (msg, 4, sub);
      put_message (out, 4, msg);
      _lp_export_frame_clear (&frame);
    }

  /* mappings: the program, then the modules; laprof named every frame */
  for (guint64 id = 1; id <= modules->len + 1; id++)
    {
      put_uint (msg, 1, id);
      put_uint (msg, 2, id == 1 ? 0 : (id - 1) * MODULE_SPAN);
      put_uint (msg, 3, id == 1 ? 0 : id * MODULE_SPAN);
      put_uint (msg, 5, string_id (&st, id == 1 ? data->name : g_ptr_array_index (modules, id - 2)));
      put_uint (msg, 7, 1);
      put_uint (msg, 8, id == 1);
      put_uint (msg, 9, id == 1);
      put_message (out, 3, msg);
    }
  g_byte_array_append (out, functions->data, functions->len);

  /* the facts: start, duration, period */
  if (data->info->start_unix_us > 0)
    put_uint (out, 9, (guint64) data->info->start_unix_us * 1000);
  if (data->info->duration > 0)
    put_uint (out, 10, (guint64) llround (data->info->duration * 1e9));
  else if (data->has_times)
    put_uint (out, 10, data->end_ns);
  put_uint (sub, 1, string_id (&st, timed ? kind : "samples"));
  put_uint (sub, 2, string_id (&st, timed ? "nanoseconds" : "count"));
  put_message (out, 11, sub);
  put_uint (out, 12, timed ? data->period_ns : 1);
  if (data->info->command != NULL)
    {
      g_autofree char *comment = g_strdup_printf ("laprof: %s", data->info->command);
      put_uint (out, 13, string_id (&st, comment));
    }
  put_uint (out, 14, timed ? string_id (&st, kind) : 0);

  /* the string table last: every string is known now */
  for (guint i = 0; i < st.strings->len; i++)
    {
      const char *s = g_ptr_array_index (st.strings, i);
      put_bytes (out, 6, (const guint8 *) s, strlen (s));
    }

  result = gzip_bytes (out->data, out->len, error);
  g_hash_table_unref (st.index);
  g_ptr_array_unref (st.strings);
  return result;
}
