/* test-folded.c: the folded report: reader, aggregate and writer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lp-folded.h"
#include "lp-folded-reader.h"

/* Reads @text leniently, fed in pieces of @chunk bytes (0: all at once). */
static LpFolded *
read_chunked (const char      *text,
              gsize            len,
              gsize            chunk,
              LpFoldedReader **reader_out,
              GError         **error)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);

  if (chunk == 0)
    chunk = MAX (len, 1);
  for (gsize off = 0; off < len; off += chunk)
    if (!lp_folded_reader_feed (reader, text + off, MIN (chunk, len - off), error))
      return NULL;
  if (!lp_folded_reader_finish (reader, error))
    return NULL;
  if (reader_out != NULL)
    *reader_out = g_steal_pointer (&reader);
  return g_steal_pointer (&folded);
}

static LpFolded *
read_text (const char      *text,
           LpFoldedReader **reader_out,
           GError         **error)
{
  return read_chunked (text, strlen (text), 0, reader_out, error);
}

static char *
write_text (LpFolded *folded)
{
  g_autoptr(GBytes) bytes = lp_folded_to_bytes (folded);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  return g_strndup (data, len);
}

/* read, then write: the normal form of @text */
static char *
normalize (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = read_text (text, NULL, &error);

  g_assert_no_error (error);
  return write_text (folded);
}

static void
test_roundtrip_simple (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = read_text ("main;b 2\nmain;a 1\nmain;b 3\n", NULL, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  out = write_text (folded);
  g_assert_cmpstr (out, ==, "main;a 1\nmain;b 5\n");
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, 6);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 2);
  g_assert_cmpuint (lp_folded_get_n_frames (folded), ==, 3);
  g_assert_cmpuint (lp_folded_get_max_depth (folded), ==, 2);
  g_assert_false (lp_folded_is_differential (folded));
}

static void
test_last_line_without_newline (void)
{
  g_autofree char *out = normalize ("b 1\na 2");
  g_assert_cmpstr (out, ==, "a 2\nb 1\n");
}

static void
test_sort_byte_order (void)
{
  /* expected order is that of `LC_ALL=C sort`: ' ' < '!' < ';' < 'A' < 'a',
   * bytes compared unsigned, a stack ending before another compared by the
   * space and count that follow it */
  g_autofree char *out = normalize ("a;x 1\n"
                                    "a b;c 1\n"
                                    "a!;x 1\n"
                                    "ab;x 1\n"
                                    "a 7\n"
                                    "A 1\n"
                                    "\xc3\xa9t\xc3\xa9 1\n"
                                    "a;x;y 1\n"
                                    "z 1\n");

  g_assert_cmpstr (out, ==,
                   "A 1\n"
                   "a 7\n"
                   "a b;c 1\n"
                   "a!;x 1\n"
                   "a;x 1\n"
                   "a;x;y 1\n"
                   "ab;x 1\n"
                   "z 1\n"
                   "\xc3\xa9t\xc3\xa9 1\n");
}

static void
test_sort_counts_decide (void)
{
  /* stack "x" (count 5) against stack "x 1" can only be ordered by the
   * whole line, as sort does: "x 1 3" < "x 5"; "x 1" is read as a
   * differential pair here, so use a name that is not a number */
  g_autofree char *out = normalize ("x 5\nx 1a 3\n");
  g_assert_cmpstr (out, ==, "x 1a 3\nx 5\n");
}

static void
test_sort_stack_ends (void)
{
  /* found by the fuzzer: "big" ends where the others go on, and the byte
   * after it (' ' before its count, or ';') decides */
  g_autofree char *out = normalize ("big 99999a b;c d 1\n"
                                    "big; 99.999 b;c d 1\n"
                                    "big 99996\n");

  g_assert_cmpstr (out, ==,
                   "big 99996\n"
                   "big 99999a b;c d 1\n"
                   "big; 99.999 b;c d 1\n");
}

static void
test_names_with_spaces (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded =
    read_text ("java;Thread.run ();void foo(int, char const*) 3\n", NULL, &error);
  LpFoldedStack st;

  g_assert_no_error (error);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 1);
  lp_folded_get_stack (folded, 0, &st);
  g_assert_cmpuint (st.depth, ==, 3);
  g_assert_cmpstr (lp_folded_frame_name (folded, st.frames[1]), ==, "Thread.run ()");
  g_assert_cmpstr (lp_folded_frame_name (folded, st.frames[2]), ==, "void foo(int, char const*)");
  g_assert_cmpfloat (st.count, ==, 3);
}

static void
test_fractional (void)
{
  g_autofree char *a = normalize ("a 0.5\na 0.25\nb 1.0\nc 2.\nd 0.1\n");
  g_assert_cmpstr (a, ==, "a 0.75\nb 1\nc 2\nd 0.1\n");
}

static void
test_differential (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = read_text ("a;b 3 5\na;c 2\na;b 1 1\n", NULL, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  g_assert_true (lp_folded_is_differential (folded));
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, 6);
  g_assert_cmpfloat (lp_folded_get_total2 (folded), ==, 6);
  out = write_text (folded);
  /* the second column is kept; a line without one has 0 there */
  g_assert_cmpstr (out, ==, "a;b 4 6\na;c 2 0\n");
}

static void
test_crlf_and_blanks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFoldedReader) reader = NULL;
  g_autoptr(LpFolded) folded =
    read_text ("a;b 1\r\n\r\n  \nb\t2\r\na;b 3 \t\r\n", &reader, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  out = write_text (folded);
  g_assert_cmpstr (out, ==, "a;b 4\nb 2\n");
  /* blank lines are not errors */
  g_assert_cmpuint (lp_folded_reader_get_n_skipped (reader), ==, 0);
  g_assert_cmpuint (lp_folded_reader_get_n_lines (reader), ==, 5);
}

static void
test_skips (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFoldedReader) reader = NULL;
  const char text[] =
    "good 1\n"                      /* 1 */
    "no count here\n"               /* 2 */
    "neg -3\n"                      /* 3 */
    "big 99999999999999999999\n"    /* 4 */
    "a;;b 1\n"                      /* 5 */
    ";a 1\n"                        /* 6 */
    "a; 1\n"                        /* 7 */
    " 5\n"                          /* 8 */
    "bad\xff\xfe utf8 1\n"          /* 9 */
    "nul\0byte 1\n"                 /* 10 */
    "7\n"                           /* 11 */
    "good 2\n";                     /* 12 */
  g_autoptr(LpFolded) folded = read_chunked (text, sizeof text - 1, 0, &reader, &error);
  const LpFoldedSkip *skips;
  guint n;
  const struct { guint64 line; LpFoldedSkipReason reason; } expected[] = {
    { 2, LP_FOLDED_SKIP_NO_COUNT },
    { 3, LP_FOLDED_SKIP_NEGATIVE_COUNT },
    { 4, LP_FOLDED_SKIP_COUNT_TOO_LARGE },
    { 5, LP_FOLDED_SKIP_EMPTY_FRAME },
    { 6, LP_FOLDED_SKIP_EMPTY_FRAME },
    { 7, LP_FOLDED_SKIP_EMPTY_FRAME },
    { 8, LP_FOLDED_SKIP_EMPTY_STACK },
    { 9, LP_FOLDED_SKIP_INVALID_UTF8 },
    { 10, LP_FOLDED_SKIP_NUL_BYTE },
    { 11, LP_FOLDED_SKIP_EMPTY_STACK },
  };

  g_assert_no_error (error);
  skips = lp_folded_reader_get_skips (reader, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (skips[i].line, ==, expected[i].line);
      g_assert_cmpint (skips[i].reason, ==, expected[i].reason);
      g_assert_nonnull (lp_folded_reader_skip_reason_to_string (skips[i].reason));
    }
  g_assert_cmpuint (lp_folded_reader_get_n_skipped (reader), ==, n);
  g_assert_cmpuint (lp_folded_reader_get_n_skipped_for (reader, LP_FOLDED_SKIP_EMPTY_FRAME), ==, 3);
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, 3);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 1);
}

static void
test_strict (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_STRICT);
  g_autoptr(GError) error = NULL;
  const char text[] = "a 1\nb 2\nc x\nd 4\n";

  g_assert_false (lp_folded_reader_feed (reader, text, sizeof text - 1, &error));
  g_assert_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_INVALID_LINE);
  g_assert_nonnull (strstr (error->message, "Line 3"));
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = read_text ("", NULL, &error);

  g_assert_null (folded);
  g_assert_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_EMPTY);
  g_clear_error (&error);

  folded = read_text ("\n\n\r\n", NULL, &error);
  g_assert_null (folded);
  g_assert_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_NO_STACKS);
  g_clear_error (&error);

  folded = read_text ("# just a comment\nhello world\n", NULL, &error);
  g_assert_null (folded);
  g_assert_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_NO_STACKS);
}

static void
test_binary_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize len = 4 * 1024 * 1024;
  g_autofree char *junk = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    junk[i] = (char) g_rand_int_range (rand, 0, 256);

  /* random bytes in uneven pieces: an error or skips, never a crash */
  for (gsize chunk = 1; chunk <= 65537; chunk = chunk * 16 + 1)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LpFoldedReader) reader = NULL;
      g_autoptr(LpFolded) folded = read_chunked (junk, chunk == 1 ? 100000 : len, chunk, &reader, &error);

      if (folded == NULL)
        g_assert_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_NO_STACKS);
      else
        g_assert_cmpuint (lp_folded_reader_get_n_skipped (reader), >, 0);
    }
}

static void
test_huge_line (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  g_autoptr(GError) error = NULL;
  gsize piece = 1024 * 1024;
  g_autofree char *buf = g_malloc (piece);
  const LpFoldedSkip *skips;
  guint n;

  memset (buf, 'f', piece);
  g_assert_true (lp_folded_reader_feed (reader, "ok 1\n", 5, &error));
  /* one 100 MB line, fed a megabyte at a time */
  for (guint i = 0; i < 100; i++)
    g_assert_true (lp_folded_reader_feed (reader, buf, piece, &error));
  g_assert_true (lp_folded_reader_feed (reader, " 1\nok;more 2\n", 13, &error));
  g_assert_true (lp_folded_reader_finish (reader, &error));
  g_assert_no_error (error);

  skips = lp_folded_reader_get_skips (reader, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (skips[0].line, ==, 2);
  g_assert_cmpint (skips[0].reason, ==, LP_FOLDED_SKIP_LINE_TOO_LONG);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 2);
  g_assert_cmpuint (lp_folded_reader_get_n_lines (reader), ==, 3);
}

static void
test_overflow (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFoldedReader) reader = NULL;
  g_autoptr(LpFolded) folded =
    read_text ("a 9007199254740992\nb 1\nc 0\n", &reader, &error);

  g_assert_no_error (error);
  /* the total may not leave exact range: line 2 is skipped, not wrapped */
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, LP_FOLDED_MAX_COUNT);
  g_assert_cmpuint (lp_folded_reader_get_n_skipped_for (reader, LP_FOLDED_SKIP_COUNT_TOO_LARGE), ==, 1);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 2);
}

static void
test_prefix_reuse (void)
{
  /* lines whose texts share prefixes that are not frame boundaries */
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded =
    read_text ("a;bc 1\na;b 1\na;b;c 1\nab;c 1\na 1\na;b;c 1\na;b;cd 1\na;bb;c 1\n", NULL, &error);
  const char *expected[][4] = {
    { "a", "bc" }, { "a", "b" }, { "a", "b", "c" }, { "ab", "c" }, { "a" },
    { "a", "b", "cd" }, { "a", "bb", "c" },
  };

  g_assert_no_error (error);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      LpFoldedStack st;
      guint depth = 0;

      while (depth < 4 && expected[i][depth] != NULL)
        depth++;
      lp_folded_get_stack (folded, i, &st);
      g_assert_cmpuint (st.depth, ==, depth);
      for (guint d = 0; d < depth; d++)
        g_assert_cmpstr (lp_folded_frame_name (folded, st.frames[d]), ==, expected[i][d]);
      g_assert_cmpfloat (st.count, ==, i == 2 ? 2 : 1);
    }
}

static char *
read_data_file (const char *name,
                gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, len, &error);
  g_assert_no_error (error);
  return text;
}

/* What `LC_ALL=C sort | merge` makes of a file: the oracle for the writer. */
static char *
sort_then_merge (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf (
    "sh -c 'LC_ALL=C sort %s | LC_ALL=C awk \"{ n = \\$NF; s = substr(\\$0, 1, length(\\$0) - length(n) - 1); "
    "if (NR > 1 && s == prev) c += n; else { if (NR > 1) print prev \\\" \\\" c; prev = s; c = n } } "
    "END { print prev \\\" \\\" c }\"'", quoted);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;

  g_spawn_command_line_sync (cmd, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_perf_sort_merge (gconstpointer data)
{
  const char *name = data;
  gsize len;
  g_autofree char *text = read_data_file (name, &len);
  g_autofree char *expected = sort_then_merge (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = read_chunked (text, len, 0, NULL, &error);
  g_autofree char *out = NULL;
  g_autoptr(LpFolded) again = NULL;
  g_autofree char *out2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), >, 10);
  out = write_text (folded);
  g_assert_cmpstr (out, ==, expected);

  /* the same input cut at awkward places reads the same */
  again = read_chunked (text, len, 7, NULL, &error);
  g_assert_no_error (error);
  out2 = write_text (again);
  g_assert_cmpstr (out2, ==, expected);
}

static void
test_merge (void)
{
  gsize la, lb;
  g_autofree char *a = read_data_file ("perf-xz.folded", &la);
  g_autofree char *b = read_data_file ("perf-python.folded", &lb);
  g_autofree char *both = g_strconcat (a, b, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) fa = read_text (a, NULL, &error);
  g_autoptr(LpFolded) fb = read_text (b, NULL, &error);
  g_autoptr(LpFolded) fboth = read_text (both, NULL, &error);
  g_autofree char *merged = NULL;
  g_autofree char *expected = NULL;

  g_assert_no_error (error);
  g_assert_true (lp_folded_merge (fa, fb, &error));
  g_assert_no_error (error);
  merged = write_text (fa);
  expected = write_text (fboth);
  g_assert_cmpstr (merged, ==, expected);
  g_assert_cmpfloat (lp_folded_get_total (fa), ==, lp_folded_get_total (fboth));
}

static void
test_intern (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  guint32 a = lp_folded_intern (folded, "main", -1);
  guint32 b = lp_folded_intern (folded, "mainx", 4);
  guint32 c = lp_folded_intern (folded, "other", -1);

  g_assert_cmpuint (a, ==, b);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (c, ==, 1);
  g_assert_cmpstr (lp_folded_frame_name (folded, c), ==, "other");

  /* many names: the table grows and keeps every id */
  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *name = g_strdup_printf ("fn%u", i);
      g_assert_cmpuint (lp_folded_intern (folded, name, -1), ==, i + 2);
    }
  for (guint i = 0; i < 20000; i += 997)
    {
      g_autofree char *name = g_strdup_printf ("fn%u", i);
      g_assert_cmpstr (lp_folded_frame_name (folded, i + 2), ==, name);
    }
}

static void
test_add_api (void)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(GError) error = NULL;
  const char *s1[] = { "main", "work", NULL };
  guint32 frames[2];
  guint index = 99;
  g_autofree char *out = NULL;

  g_assert_true (lp_folded_add_names (folded, s1, 2, &error));
  frames[0] = lp_folded_intern (folded, "main", -1);
  frames[1] = lp_folded_intern (folded, "work", -1);
  g_assert_true (lp_folded_add (folded, frames, 2, 0, 3, 0, &index, &error));
  g_assert_cmpuint (index, ==, 0);
  g_assert_true (lp_folded_add (folded, frames, 2, lp_folded_hash_stack (frames, 2), 1, 0, &index, &error));
  g_assert_no_error (error);
  out = write_text (folded);
  g_assert_cmpstr (out, ==, "main;work 6\n");
}

static void
test_save (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "out.folded", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "out.folded", NULL);
  g_autoptr(LpFolded) folded = read_text ("b 1\na 2\n", NULL, &error);
  g_autofree char *contents = NULL;
  g_autoptr(GDir) d = NULL;
  guint n_entries = 0;

  g_assert_no_error (error);
  g_assert_true (lp_folded_save (folded, path, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "a 2\nb 1\n");

  /* a directory that does not exist: a clear error */
  g_assert_false (lp_folded_save (folded, bad, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "missing"));

  /* and no temporary file left behind */
  d = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (d) != NULL)
    n_entries++;
  g_assert_cmpuint (n_entries, ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_save_device (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = read_text ("a 1\n", NULL, &error);
  GStatBuf st;

  /* a device is written in place, never renamed over */
  g_assert_true (lp_folded_save (folded, "/dev/null", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
}

static void
test_format_count (void)
{
  char buf[64];

  lp_folded_format_count (0, buf);
  g_assert_cmpstr (buf, ==, "0");
  lp_folded_format_count (9007199254740992.0, buf);
  g_assert_cmpstr (buf, ==, "9007199254740992");
  lp_folded_format_count (0.1 + 0.2, buf);
  g_assert_cmpfloat (g_ascii_strtod (buf, NULL), ==, 0.1 + 0.2);
  lp_folded_format_count (1e-7, buf);
  g_assert_null (strchr (buf, 'e'));
  g_assert_cmpfloat (g_ascii_strtod (buf, NULL), ==, 1e-7);
}


/* Names where one followed by a blank begins another ("f" and "f const",
 * "f 2x"): the sorted writer's token order must still be the byte order
 * of the lines (issue 12 sorts by token ranks). */
static void
test_sort_token_order (void)
{
  static const char *const vocab[] = {
    "f", "f ", "f x", "f() const", "f()", "f 2x", "f 1x", "f-1", "f!", "g", "g h", "a", "a~", "f\tb",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(LpFolded) folded = NULL;
      g_autoptr(GBytes) out = NULL;
      g_auto(GStrv) lines = NULL;
      guint n = g_rand_int_range (rand, 1, 40);

      for (guint i = 0; i < n; i++)
        {
          guint depth = g_rand_int_range (rand, 1, 4);
          for (guint d = 0; d < depth; d++)
            {
              if (d > 0)
                g_string_append_c (text, ';');
              g_string_append (text, vocab[g_rand_int_range (rand, 0, G_N_ELEMENTS (vocab))]);
            }
          g_string_append_printf (text, " %d\n", g_rand_int_range (rand, 1, 300));
        }
      folded = read_chunked (text->str, text->len, 0, NULL, &error);
      g_assert_no_error (error);
      out = lp_folded_to_bytes (folded);
      {
        gsize size;
        const char *data = g_bytes_get_data (out, &size);
        g_autofree char *str = g_strndup (data, size);
        lines = g_strsplit (str, "\n", -1);
      }
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL && lines[i + 1][0] != '\0'; i++)
        if (strcmp (lines[i], lines[i + 1]) >= 0)
          {
            g_test_message ("not in byte order:\n%s\n%s\ninput:\n%s", lines[i], lines[i + 1], text->str);
            g_assert_cmpint (strcmp (lines[i], lines[i + 1]), <, 0);
          }
    }
}

/* flamegraph.pl's test reports have lines whose last frame is blank: a
 * ';', then two blanks, then the count. flamegraph.pl keeps the sample
 * under a frame " "; laprof skipped the line, so the totals differed. */
static void
test_blank_last_frame (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFoldedReader) reader = NULL;
  const char text[] =
    "java;start_thread;JavaMain;write0_[j];  3\n"
    "java;start_thread;JavaMain;write0_[j] 2\n";
  g_autoptr(LpFolded) folded = read_chunked (text, sizeof text - 1, 0, &reader, &error);
  g_autoptr(GBytes) out = NULL;
  const char *names[] = { "java", "start_thread", "JavaMain", "write0_[j]", " ", NULL };
  g_autoptr(LpFolded) expected = lp_folded_new ();

  g_assert_no_error (error);
  g_assert_cmpuint (lp_folded_reader_get_n_skipped (reader), ==, 0);
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, 5);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 2);
  /* the blank frame is a frame of its own, named by the blank */
  g_assert_true (lp_folded_add_names (expected, names, 3, &error));
  g_assert_true (lp_folded_merge (expected, folded, &error));
  g_assert_cmpuint (lp_folded_get_n_stacks (expected), ==, 2);
  /* written back byte for byte (the writer sorts: ' ' before ';') */
  out = lp_folded_to_bytes (folded);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   "java;start_thread;JavaMain;write0_[j] 2\n"
                   "java;start_thread;JavaMain;write0_[j];  3\n", sizeof text - 1);
}

/* perf's annotations stay in the names the aggregate reads and writes:
 * `check` and `merge` give back the input stacks byte for byte */
static void
test_annotations_kept (void)
{
  g_autoptr(GError) error = NULL;
  const char text[] =
    "java;Interpreter_[i];do_syscall_64_[k] 1\n"
    "java;Lfoo/Bar;.run_[j] 2\n"
    "waker;try_to_wake_up_[w] 4\n";
  g_autoptr(LpFolded) folded = read_chunked (text, sizeof text - 1, 0, NULL, &error);
  g_autoptr(GBytes) out = NULL;
  guint32 id;

  g_assert_no_error (error);
  g_assert_true (lp_intern_lookup (lp_folded_get_intern (folded), "do_syscall_64_[k]", 17, &id));
  out = lp_folded_to_bytes (folded);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), text, sizeof text - 1);
}

/* A report of @n_lines random stacks over a few thousand names, unsorted,
 * with @extra inserted at line @at (1-based; 0 for none). */
static GString *
make_large_report (guint       n_lines,
                   guint       at,
                   const char *extra)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  GString *s = g_string_new (NULL);

  for (guint i = 1; i <= n_lines; i++)
    {
      guint depth = (guint) g_rand_int_range (rand, 1, 12);

      if (i == at)
        {
          g_string_append (s, extra);
          continue;
        }
      g_string_append (s, "main");
      for (guint d = 0; d < depth; d++)
        g_string_append_printf (s, ";ns::func_%u(int)", (guint) g_rand_int_range (rand, 0, 3000) + 100 * d);
      g_string_append_printf (s, " %u\n", (guint) g_rand_int_range (rand, 1, 50));
    }
  return s;
}

static void
assert_same_folded (LpFolded *a,
                    LpFolded *b)
{
  g_autofree char *ta = write_text (a);
  g_autofree char *tb = write_text (b);

  g_assert_cmpstr (ta, ==, tb);
  g_assert_cmpuint (lp_folded_get_n_frames (a), ==, lp_folded_get_n_frames (b));
  for (guint f = 0; f < lp_folded_get_n_frames (a); f++)
    g_assert_cmpstr (lp_folded_frame_name (a, f), ==, lp_folded_frame_name (b, f));
  g_assert_cmpuint (lp_folded_get_n_stacks (a), ==, lp_folded_get_n_stacks (b));
  for (guint i = 0; i < lp_folded_get_n_stacks (a); i++)
    {
      LpFoldedStack x, y;

      lp_folded_get_stack (a, i, &x);
      lp_folded_get_stack (b, i, &y);
      g_assert_cmpuint (x.depth, ==, y.depth);
      g_assert_true (memcmp (x.frames, y.frames, x.depth * sizeof (guint32)) == 0);
      g_assert_cmpfloat (x.count, ==, y.count);
    }
  g_assert_cmpfloat (lp_folded_get_total (a), ==, lp_folded_get_total (b));
}

/* A file of more than 16 MiB is read by two threads (a half each, then
 * merged): the result, the frame ids, the stack order, the line counts and
 * every skipped line's number must be those of a read from start to end,
 * also when the second half has a bad line or a fractional count. */
static void
test_large_file_halves (void)
{
  const struct { guint at; const char *extra; guint64 skipped; } cases[] = {
    { 0, NULL, 0 },
    { 150000, "main;;broken 3\n", 1 },
    { 150001, "main;fractional 2.5\n", 0 },
    { 100, "no count\n", 1 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GString) text = make_large_report (170000, cases[c].at, cases[c].extra);
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      int fd = g_file_open_tmp ("lp-halves-XXXXXX.folded", &path, &error);
      g_autoptr(LpFoldedReader) seq_reader = NULL;
      g_autoptr(LpFolded) seq = NULL;
      g_autoptr(LpFolded) whole = lp_folded_new ();
      g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (whole, LP_FOLDED_READER_DEFAULT);
      const LpFoldedSkip *s1, *s2;
      guint n1, n2;

      g_assert_no_error (error);
      close (fd);
      g_assert_cmpuint (text->len, >, 16 * 1024 * 1024);
      g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, &error));
      seq = read_chunked (text->str, text->len, 1 << 20, &seq_reader, &error);
      g_assert_no_error (error);
      g_assert_true (lp_folded_reader_read_file (reader, path, &error));
      g_assert_no_error (error);

      assert_same_folded (whole, seq);
      g_assert_cmpuint (lp_folded_reader_get_n_lines (reader), ==, 170000);
      g_assert_cmpuint (lp_folded_reader_get_n_lines (reader), ==, lp_folded_reader_get_n_lines (seq_reader));
      g_assert_cmpuint (lp_folded_reader_get_n_stack_lines (reader), ==, 170000 - cases[c].skipped);
      g_assert_cmpuint (lp_folded_reader_get_n_bytes (reader), ==, text->len);
      g_assert_cmpuint (lp_folded_reader_get_n_skipped (reader), ==, cases[c].skipped);
      s1 = lp_folded_reader_get_skips (reader, &n1);
      s2 = lp_folded_reader_get_skips (seq_reader, &n2);
      g_assert_cmpuint (n1, ==, n2);
      for (guint i = 0; i < n1; i++)
        {
          g_assert_cmpuint (s1[i].line, ==, cases[c].at);
          g_assert_cmpuint (s1[i].line, ==, s2[i].line);
          g_assert_cmpint (s1[i].reason, ==, s2[i].reason);
        }

      /* strict: the message names the line of the whole file */
      if (cases[c].skipped > 0)
        {
          g_autoptr(LpFolded) strict = lp_folded_new ();
          g_autoptr(LpFoldedReader) sr = lp_folded_reader_new (strict, LP_FOLDED_READER_STRICT);
          g_autofree char *want = g_strdup_printf ("Line %u:", cases[c].at);

          g_assert_false (lp_folded_reader_read_file (sr, path, &error));
          g_assert_nonnull (error);
          g_assert_nonnull (strstr (error->message, want));
          g_clear_error (&error);
        }
      g_unlink (path);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/folded/roundtrip-simple", test_roundtrip_simple);
  g_test_add_func ("/core/folded/last-line-without-newline", test_last_line_without_newline);
  g_test_add_func ("/core/folded/sort-byte-order", test_sort_byte_order);
  g_test_add_func ("/core/folded/sort-counts-decide", test_sort_counts_decide);
  g_test_add_func ("/core/folded/sort-stack-ends", test_sort_stack_ends);
  g_test_add_func ("/core/folded/names-with-spaces", test_names_with_spaces);
  g_test_add_func ("/core/folded/parse-fractional", test_fractional);
  g_test_add_func ("/core/folded/differential", test_differential);
  g_test_add_func ("/core/folded/crlf-and-blanks", test_crlf_and_blanks);
  g_test_add_func ("/core/folded/skips", test_skips);
  g_test_add_func ("/core/folded/strict", test_strict);
  g_test_add_func ("/core/folded/empty", test_empty);
  g_test_add_func ("/core/folded/binary-garbage", test_binary_garbage);
  g_test_add_func ("/core/folded/huge-line", test_huge_line);
  g_test_add_func ("/core/folded/overflow", test_overflow);
  g_test_add_func ("/core/folded/prefix-reuse", test_prefix_reuse);
  g_test_add_data_func ("/core/folded/perf-sort-merge/xz", "perf-xz.folded", test_perf_sort_merge);
  g_test_add_data_func ("/core/folded/perf-sort-merge/python", "perf-python.folded", test_perf_sort_merge);
  g_test_add_func ("/core/folded/merge", test_merge);
  g_test_add_func ("/core/folded/intern", test_intern);
  g_test_add_func ("/core/folded/add-api", test_add_api);
  g_test_add_func ("/core/folded/save", test_save);
  g_test_add_func ("/core/folded/save-device", test_save_device);
  g_test_add_func ("/core/folded/format-count", test_format_count);
  g_test_add_func ("/core/folded/sort-token-order", test_sort_token_order);
  g_test_add_func ("/core/folded/blank-last-frame", test_blank_last_frame);
  g_test_add_func ("/core/folded/annotations-kept", test_annotations_kept);
  g_test_add_func ("/core/folded/large-file-halves", test_large_file_halves);

  return g_test_run ();
}
