/* test-stream.c: the stream protocol: writer and parser round trip, cuts anywhere, errors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <string.h>

#include "lp-capture.h"
#include "lp-folded-reader.h"
#include "lp-stream.h"

typedef struct
{
  GString *log;
  guint    n_stacks;
  double   total;
  GByteArray *capture;   /* the capture blocks, back to back */
} Seen;

static void
on_event (const LpStreamEvent *ev,
          gpointer             data)
{
  Seen *seen = data;

  switch (ev->type)
    {
    case LP_STREAM_EVENT_HEADER:
      g_string_append_printf (seen->log, "H %u %" G_GINT64_FORMAT " %s %g [%s]\n",
                              ev->version, ev->pid, ev->mode, ev->period, ev->command);
      break;
    case LP_STREAM_EVENT_STACK:
      g_string_append_printf (seen->log, "S %.*s %g %u\n", (int) ev->stack_len, ev->stack, ev->count, ev->depth);
      seen->n_stacks++;
      seen->total += ev->count;
      break;
    case LP_STREAM_EVENT_BATCH:
      g_string_append_printf (seen->log, "B %g %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                              ev->time, ev->samples, ev->lost);
      break;
    case LP_STREAM_EVENT_ERROR:
      g_string_append_printf (seen->log, "E [%s]\n", ev->message);
      break;
    case LP_STREAM_EVENT_PYTHON:
      g_string_append_printf (seen->log, "P %d [%s]\n", ev->status, ev->message);
      break;
    case LP_STREAM_EVENT_CAPTURE:
      g_string_append_printf (seen->log, "C %zu\n", ev->data_len);
      if (seen->capture != NULL)
        g_byte_array_append (seen->capture, ev->data, ev->data_len);
      break;
    case LP_STREAM_EVENT_DEBUGINFO:
      g_string_append_printf (seen->log, "D [%s] %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " [%s]\n", ev->module,
                              ev->state, ev->bytes, ev->size, ev->message ? ev->message : "");
      break;
    case LP_STREAM_EVENT_END:
      g_string_append_printf (seen->log, "X %g %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s %d\n",
                              ev->time, ev->samples, ev->lost, ev->reason, ev->status);
      break;
    }
}

/* A stream as the engine writes it: two batches, an error, the end. */
static char *
make_stream (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  GString *out = g_string_new (NULL);
  const char *a[] = { "xz", "_start", "main", "lzma_code", NULL };
  const char *b[] = { "xz", "_start", "main", "read", "[idle: read]", NULL };
  guint stacks[2];
  double deltas[2] = { 3, 1 };
  LpSamplerBatch batch = { stacks, deltas, 2, 0.2, 4, 0 };

  g_assert_true (lp_folded_add_names (folded, a, 3, NULL));
  g_assert_true (lp_folded_add_names (folded, b, 1, NULL));
  stacks[0] = 0;
  stacks[1] = 1;
  lp_stream_format_header (out, 42, "xz -9 my file", "wall", 0.01);
  lp_stream_format_python (out, TRUE, "Python 3.11.2 in /usr/bin/python3.11: Python frames on");
  lp_stream_format_batch (out, folded, &batch);
  lp_stream_format_debuginfo (out, "libfoo bar.so.1", "fetching", 1200, 50000, NULL);
  lp_stream_format_debuginfo (out, "libbaz.so", "failed", 0, 0, "the server could not be reached (Connection refused)");
  deltas[0] = 2;
  batch.n = 1;
  batch.time = 0.4;
  batch.samples = 2;
  batch.lost = 1;
  lp_stream_format_batch (out, folded, &batch);
  lp_stream_format_error (out, "something 100% odd=yes");
  lp_stream_format_end (out, 0.45, 6, 1, "exited", 0);
  return g_string_free (out, FALSE);
}

static const char *expected =
  "H 1 42 wall 0.01 [xz -9 my file]\n"
  "P 1 [Python 3.11.2 in /usr/bin/python3.11: Python frames on]\n"
  "S xz;_start;main;lzma_code 3 4\n"
  "S xz;_start;main;read;[idle: read] 1 5\n"
  "B 0.2 4 0\n"
  "D [libfoo bar.so.1] fetching 1200 50000 []\n"
  "D [libbaz.so] failed 0 0 [the server could not be reached (Connection refused)]\n"
  "S xz;_start;main;lzma_code 2 4\n"
  "B 0.4 2 1\n"
  "E [something 100% odd=yes]\n"
  "X 0.45 6 1 exited 0\n";

static void
test_round_trip (void)
{
  g_autofree char *text = make_stream ();
  gsize len = strlen (text);

  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "#laprof-stream version=1 pid=42 mode=wall period=0.01 "
                                   "command=xz%20-9%20my%20file\n"));

  /* cut at every position: the same events */
  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr(LpFolded) folded = lp_folded_new ();
      Seen seen = { g_string_new (NULL), 0, 0 };
      g_autoptr(LpStreamParser) parser = lp_stream_parser_new (folded, on_event, &seen);
      g_autoptr(GError) error = NULL;

      g_assert_true (lp_stream_parser_feed (parser, text, cut, &error));
      g_assert_true (lp_stream_parser_feed (parser, text + cut, len - cut, &error));
      g_assert_true (lp_stream_parser_finish (parser, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (seen.log->str, ==, expected);
      g_assert_cmpfloat (lp_folded_get_total (folded), ==, 6);
      g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 2);
      g_assert_true (lp_stream_parser_has_ended (parser));
      g_string_free (seen.log, TRUE);
    }
}

static void
test_folded_view (void)
{
  g_autofree char *text = make_stream ();
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_STREAM | LP_FOLDED_READER_STRICT);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) stripped = g_string_new (NULL);

  /* the folded reader told about streams reads it as a report */
  g_assert_true (lp_folded_reader_feed (reader, text, strlen (text), &error));
  g_assert_true (lp_folded_reader_finish (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, 6);
  g_assert_cmpuint (lp_folded_reader_get_n_control_lines (reader), ==, 8);

  /* dropping the control lines leaves valid folded text for any reader */
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '#' && lines[i][0] != '\0')
      g_string_append_printf (stripped, "%s\n", lines[i]);
  {
    g_autoptr(LpFolded) plain = lp_folded_new ();
    g_autoptr(LpFoldedReader) strict = lp_folded_reader_new (plain, LP_FOLDED_READER_STRICT);
    g_assert_true (lp_folded_reader_feed (strict, stripped->str, stripped->len, &error));
    g_assert_true (lp_folded_reader_finish (strict, &error));
    g_assert_no_error (error);
    g_assert_cmpfloat (lp_folded_get_total (plain), ==, 6);
  }
}

static void
test_errors (void)
{
  Seen seen = { g_string_new (NULL), 0, 0 };
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(LpStreamParser) parser = lp_stream_parser_new (NULL, on_event, &seen);
    const char *text = "main;work 3\n";
    g_assert_false (lp_stream_parser_feed (parser, text, strlen (text), &error));
    g_assert_error (error, LP_STREAM_ERROR, LP_STREAM_ERROR_NO_HEADER);
    g_clear_error (&error);
  }
  {
    g_autoptr(LpStreamParser) parser = lp_stream_parser_new (NULL, on_event, &seen);
    const char *text = "#laprof-stream version=2 pid=1\n";
    g_assert_false (lp_stream_parser_feed (parser, text, strlen (text), &error));
    g_assert_error (error, LP_STREAM_ERROR, LP_STREAM_ERROR_VERSION);
    g_clear_error (&error);
  }
  {
    /* an engine that could not start: only an error line */
    g_autoptr(LpStreamParser) parser = lp_stream_parser_new (NULL, on_event, &seen);
    const char *text = "#error message=no%20such%20process:%2042\n";
    g_assert_true (lp_stream_parser_feed (parser, text, strlen (text), &error));
    g_assert_no_error (error);
    g_assert_cmpstr (seen.log->str, ==, "E [no such process: 42]\n");
  }
  {
    /* unreadable stack lines and unknown control lines are passed over */
    g_autoptr(LpStreamParser) parser = lp_stream_parser_new (NULL, on_event, &seen);
    const char *text = "#laprof-stream version=1 pid=1 mode=cpu period=0.001 command=a\n"
                       "no count here\n#future thing=1\nmain 2\n";
    g_string_truncate (seen.log, 0);
    g_assert_true (lp_stream_parser_feed (parser, text, strlen (text), &error));
    g_assert_true (lp_stream_parser_finish (parser, &error));
    g_assert_cmpuint (lp_stream_parser_get_n_skipped (parser), ==, 1);
    g_assert_cmpstr (seen.log->str, ==, "H 1 1 cpu 0.001 [a]\nS main 2 0\n");
  }
  g_string_free (seen.log, TRUE);
}

/* Lines that are no stack, each alone after a header: skipped (counted),
 * never a frame in the aggregate; the stream goes on. */
static void
test_malformed_lines (void)
{
  static const char *const bad[] = {
    "no-count", " 5", "x -1", "x nan", "x inf", "x 1e400", "x 0x", "a;;b 1", ";x 1", "x; 1", "x 1 ",
    "clock_\0gettime 5",   /* a NUL byte: once "clock_" in the aggregate */
    "\0 1",
  };
  static const gsize bad_len[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 3 };
  const char *header = "#laprof-stream version=1 pid=1 mode=wall period=0.01 command=a\n";

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(LpFolded) folded = lp_folded_new ();
      Seen seen = { g_string_new (NULL), 0, 0 };
      g_autoptr(LpStreamParser) parser = lp_stream_parser_new (folded, on_event, &seen);
      g_autoptr(GError) error = NULL;
      gsize len = bad_len[i] ? bad_len[i] : strlen (bad[i]);

      g_test_message ("line %u", i);
      g_assert_true (lp_stream_parser_feed (parser, header, strlen (header), &error));
      g_assert_true (lp_stream_parser_feed (parser, bad[i], len, &error));
      g_assert_true (lp_stream_parser_feed (parser, "\nmain;work 2\n", 13, &error));
      g_assert_true (lp_stream_parser_finish (parser, &error));
      g_assert_no_error (error);
      /* "x 1 " is "x 1" (trailing spaces go): the only one read */
      if (g_str_equal (bad[i], "x 1 "))
        {
          g_assert_cmpuint (lp_stream_parser_get_n_skipped (parser), ==, 0);
          g_assert_cmpuint (seen.n_stacks, ==, 2);
        }
      else
        {
          g_assert_cmpuint (lp_stream_parser_get_n_skipped (parser), ==, 1);
          g_assert_cmpuint (seen.n_stacks, ==, 1);
          g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 1);
          g_assert_cmpfloat (lp_folded_get_total (folded), ==, 2);
        }
      for (guint f = 0; f < lp_folded_get_n_frames (folded); f++)
        g_assert_cmpstr (lp_folded_frame_name (folded, f), !=, "clock_");
      g_string_free (seen.log, TRUE);
    }
}

/* A stream cut short anywhere (the engine killed, the pipe closed): never
 * a crash nor an event the whole stream has not; the end only if its line
 * is there. */
static void
test_truncated (void)
{
  g_autofree char *text = make_stream ();
  gsize len = strlen (text);
  g_auto(GStrv) whole = g_strsplit (expected, "\n", -1);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr(LpFolded) folded = lp_folded_new ();
      Seen seen = { g_string_new (NULL), 0, 0 };
      g_autoptr(LpStreamParser) parser = lp_stream_parser_new (folded, on_event, &seen);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) got = NULL;
      gboolean ok;
      guint n;

      ok = lp_stream_parser_feed (parser, text, cut, &error) && lp_stream_parser_finish (parser, &error);
      /* only a header cut short fails: no header yet, or no version */
      if (!ok)
        {
          g_assert_true (error->domain == LP_STREAM_ERROR);
          g_assert_true (strchr (text, '\n') >= text + cut - 1);
        }
      got = g_strsplit (seen.log->str, "\n", -1);
      n = g_strv_length (got);
      /* all events but the last as in the whole stream; the last may be
       * a line read without its end (a number cut short) */
      for (guint i = 0; i + 2 < n; i++)
        g_assert_cmpstr (got[i], ==, whole[i]);
      g_assert_cmpuint (n, <=, g_strv_length (whole));
      g_assert_cmpfloat (lp_folded_get_total (folded), <=, 6);
      g_assert_true (!lp_stream_parser_has_ended (parser) || strstr (text, "#end") + 4 <= text + cut);
      g_string_free (seen.log, TRUE);
    }
}

/* A line longer than LP_FOLDED_MAX_LINE fails the stream; what follows is
 * ignored, without another error. */
static void
test_line_too_long (void)
{
  const char *header = "#laprof-stream version=1 pid=1 mode=wall period=0.01 command=a\n";
  g_autofree char *big = g_malloc (LP_FOLDED_MAX_LINE + 2);
  Seen seen = { g_string_new (NULL), 0, 0 };
  g_autoptr(LpStreamParser) parser = lp_stream_parser_new (NULL, on_event, &seen);
  g_autoptr(GError) error = NULL;

  memset (big, 'a', LP_FOLDED_MAX_LINE + 2);
  g_assert_true (lp_stream_parser_feed (parser, header, strlen (header), &error));
  g_assert_false (lp_stream_parser_feed (parser, big, LP_FOLDED_MAX_LINE + 2, &error));
  g_assert_error (error, LP_STREAM_ERROR, LP_STREAM_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);
  g_assert_true (lp_stream_parser_feed (parser, " 1\nmain 2\n", 10, &error));
  g_assert_true (lp_stream_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.n_stacks, ==, 0);
  g_string_free (seen.log, TRUE);
}

/* A #capture line carries a capture block, byte for byte; a reader of
 * revision 1.1 and older, which ignores it, reads the same stacks. */
static void
test_capture_line (void)
{
  g_autoptr(LpCapture) capture = lp_capture_new ();
  LpFolded *folded = lp_capture_get_folded (capture);
  guint32 frames[2] = { lp_folded_intern (folded, "prog", -1), lp_folded_intern (folded, "main 100%=x", -1) };
  guint thread = lp_capture_add_thread (capture, 7, 8, "worker", 0);
  g_autoptr(LpCaptureWriter) writer = lp_capture_writer_new (capture, -1, NULL);
  g_autoptr(GBytes) block = NULL;
  g_autoptr(GString) out = g_string_new ("#laprof-stream version=1 pid=7 mode=wall period=0.01 command=prog\n");
  g_autoptr(LpStreamParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };

  for (guint i = 0; i < 50; i++)
    g_assert_true (lp_capture_add_sample_frames (capture, i * 10000000, thread, frames, 2, 1, 0, NULL));
  block = lp_capture_writer_take_block (writer);
  g_assert_nonnull (block);
  lp_stream_format_capture (out, block);
  g_string_append (out, "prog;main 50\n#batch time=0.5 samples=50 lost=0\n");
  /* one line, its value without a space */
  {
    const char *line = strstr (out->str, "\n#capture data=") + 1;
    gsize len = strcspn (line, "\n");

    g_assert_null (memchr (line + strlen ("#capture "), ' ', len - strlen ("#capture ")));
  }

  seen.log = g_string_new (NULL);
  seen.capture = g_byte_array_new ();
  parser = lp_stream_parser_new (NULL, on_event, &seen);
  g_assert_true (lp_stream_parser_feed (parser, out->str, out->len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (seen.capture->data, seen.capture->len,
                   g_bytes_get_data (block, NULL), g_bytes_get_size (block));
  g_assert_cmpfloat (seen.total, ==, 50);
  g_string_free (seen.log, TRUE);
  g_byte_array_unref (seen.capture);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/stream/round-trip", test_round_trip);
  g_test_add_func ("/core/stream/folded-view", test_folded_view);
  g_test_add_func ("/core/stream/errors", test_errors);
  g_test_add_func ("/core/stream/malformed-lines", test_malformed_lines);
  g_test_add_func ("/core/stream/truncated", test_truncated);
  g_test_add_func ("/core/stream/line-too-long", test_line_too_long);
  g_test_add_func ("/core/stream/capture-line", test_capture_line);
  return g_test_run ();
}
