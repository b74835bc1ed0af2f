/* test-capture.c: the capture in memory and in its file: samples, threads, parts of a recording, blocks, a file cut short.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "lp-capture.h"

#define MS ((guint64) 1000000)

/* two threads taking turns: "a" busy in [0, 1 s), "b" in [1 s, 2 s),
 * both blocked otherwise, one sample a thread every 10 ms */
static LpCapture *
turns_capture (void)
{
  LpCapture *c = lp_capture_new ();
  LpFolded *f = lp_capture_get_folded (c);
  LpCaptureInfo *info = lp_capture_get_info (c);
  guint ta = lp_capture_add_thread (c, 100, 100, "a", 0);
  guint tb = lp_capture_add_thread (c, 100, 101, "b", 0);
  guint32 busy_a[] = { lp_folded_intern (f, "prog", -1), lp_folded_intern (f, "main", -1), lp_folded_intern (f, "work_a", -1) };
  guint32 busy_b[] = { busy_a[0], lp_folded_intern (f, "start_thread", -1), lp_folded_intern (f, "work_b", -1) };
  guint32 idle_a[] = { busy_a[0], busy_a[1], lp_folded_intern (f, "[idle: futex]", -1) };
  guint32 idle_b[] = { busy_a[0], busy_b[1], idle_a[2] };

  lp_capture_info_set_string (c, &info->command, "prog --turns");
  lp_capture_info_set_string (c, &info->mode, "wall");
  info->period = 0.01;
  info->pid = 100;
  for (guint64 t = 0; t < 2000 * MS; t += 10 * MS)
    {
      gboolean a_busy = t < 1000 * MS;

      g_assert_true (lp_capture_add_sample_frames (c, t, ta, a_busy ? busy_a : idle_a, 3, 1,
                                                   a_busy ? 0 : LP_CAPTURE_SAMPLE_IDLE, NULL));
      g_assert_true (lp_capture_add_sample_frames (c, t + 1000, tb, a_busy ? idle_b : busy_b, 3, 1,
                                                   a_busy ? LP_CAPTURE_SAMPLE_IDLE : 0, NULL));
    }
  lp_capture_end_thread (c, tb, 2000 * MS);
  info->duration = 2.0;
  return c;
}

static double
count_of (LpFolded   *f,
          const char *leaf)
{
  double sum = 0;

  for (guint i = 0; i < lp_folded_get_n_stacks (f); i++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (f, i, &st);
      if (strcmp (lp_folded_frame_name (f, st.frames[st.depth - 1]), leaf) == 0)
        sum += st.count;
    }
  return sum;
}

static void
test_select (void)
{
  g_autoptr(LpCapture) c = turns_capture ();
  LpCaptureFilter filter;
  g_autoptr(LpFolded) all = NULL;
  g_autoptr(LpFolded) first = NULL;
  g_autoptr(LpFolded) only_b = NULL;
  guint tb = 1;

  g_assert_cmpuint (lp_capture_get_n_samples (c), ==, 400);
  g_assert_cmpfloat (lp_folded_get_total (lp_capture_get_folded (c)), ==, 400);

  lp_capture_filter_all (&filter);
  all = lp_capture_select (c, &filter, NULL);
  g_assert_cmpfloat (lp_folded_get_total (all), ==, 400);

  /* the first half second: only "a" works */
  filter.from_ns = 0;
  filter.to_ns = 500 * MS;
  first = lp_capture_select (c, &filter, NULL);
  g_assert_cmpfloat (lp_folded_get_total (first), ==, 100);
  g_assert_cmpfloat (count_of (first, "work_a"), ==, 50);
  g_assert_cmpfloat (count_of (first, "work_b"), ==, 0);

  /* thread b in [1 s, 2 s): its function only */
  filter.from_ns = 1000 * MS;
  filter.to_ns = 2000 * MS;
  filter.threads = &tb;
  filter.n_threads = 1;
  only_b = lp_capture_select (c, &filter, NULL);
  g_assert_cmpfloat (lp_folded_get_total (only_b), ==, 100);
  g_assert_cmpfloat (count_of (only_b, "work_b"), ==, 100);
  g_assert_cmpuint (lp_folded_get_n_stacks (only_b), ==, 1);
}

static void
test_bins (void)
{
  g_autoptr(LpCapture) c = turns_capture ();
  double on[4] = { 0 }, off[4] = { 0 };
  double fine_on[10] = { 0 };

  /* coarse: 4 bins of 500 ms for thread a */
  lp_capture_bin (c, 0, 0, 500 * MS, 4, on, off);
  g_assert_cmpfloat (on[0], ==, 50);
  g_assert_cmpfloat (on[1], ==, 50);
  g_assert_cmpfloat (on[2], ==, 0);
  g_assert_cmpfloat (off[2], ==, 50);
  g_assert_cmpfloat (off[3], ==, 50);

  /* fine: 10 bins of 5 ms around the turn, every thread: one sample of
   * each thread every other bin */
  lp_capture_bin (c, G_MAXUINT, 990 * MS, 5 * MS, 4, fine_on, NULL);
  g_assert_cmpfloat (fine_on[0], ==, 1);   /* a at 990 ms */
  g_assert_cmpfloat (fine_on[1], ==, 0);
  g_assert_cmpfloat (fine_on[2], ==, 1);   /* b at 1000 ms */
}

static void
assert_same (LpCapture *a,
             LpCapture *b)
{
  const LpCaptureSample *sa = lp_capture_get_samples (a);
  const LpCaptureSample *sb = lp_capture_get_samples (b);
  LpFolded *fa = lp_capture_get_folded (a);
  LpFolded *fb = lp_capture_get_folded (b);

  g_assert_cmpuint (lp_capture_get_n_samples (a), ==, lp_capture_get_n_samples (b));
  g_assert_cmpuint (lp_capture_get_n_threads (a), ==, lp_capture_get_n_threads (b));
  for (guint i = 0; i < lp_capture_get_n_threads (a); i++)
    {
      const LpCaptureThread *ta = lp_capture_get_thread (a, i);
      const LpCaptureThread *tb = lp_capture_get_thread (b, i);

      g_assert_cmpstr (ta->name, ==, tb->name);
      g_assert_cmpint (ta->tid, ==, tb->tid);
      g_assert_cmpuint (ta->end_ns, ==, tb->end_ns);
      g_assert_cmpfloat (ta->samples, ==, tb->samples);
    }
  for (guint64 i = 0; i < lp_capture_get_n_samples (a); i++)
    {
      LpFoldedStack x, y;

      g_assert_cmpuint (sa[i].time_ns / 1000, ==, sb[i].time_ns / 1000);
      g_assert_cmpuint (sa[i].thread, ==, sb[i].thread);
      g_assert_cmpuint (sa[i].flags, ==, sb[i].flags);
      g_assert_cmpuint (sa[i].weight, ==, sb[i].weight);
      lp_folded_get_stack (fa, sa[i].stack, &x);
      lp_folded_get_stack (fb, sb[i].stack, &y);
      g_assert_cmpuint (x.depth, ==, y.depth);
      for (guint d = 0; d < x.depth; d++)
        g_assert_cmpstr (lp_folded_frame_name (fa, x.frames[d]), ==, lp_folded_frame_name (fb, y.frames[d]));
    }
  g_assert_cmpfloat (lp_folded_get_total (fa), ==, lp_folded_get_total (fb));
}

static void
test_roundtrip (void)
{
  g_autoptr(LpCapture) c = turns_capture ();
  g_autoptr(LpCapture) back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-capture-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "turns.laprof", NULL);
  g_autoptr(GError) error = NULL;
  LpCaptureInfo *info;

  lp_capture_info_set_string (c, &lp_capture_get_info (c)->end_reason, "exited");
  lp_capture_get_info (c)->exit_status = 3;
  g_assert_true (lp_capture_save (c, path, &error));
  g_assert_no_error (error);
  back = lp_capture_load (path, &error);
  g_assert_no_error (error);
  assert_same (c, back);
  info = lp_capture_get_info (back);
  g_assert_true (info->complete);
  g_assert_true (info->has_times);
  g_assert_cmpstr (info->command, ==, "prog --turns");
  g_assert_cmpstr (info->mode, ==, "wall");
  g_assert_cmpstr (info->end_reason, ==, "exited");
  g_assert_cmpint (info->exit_status, ==, 3);
  g_assert_cmpfloat (info->period, ==, 0.01);
  g_unlink (path);
  g_rmdir (dir);
}

/* written block by block as a recording goes; a copy of the file cut at
 * any byte loads with the blocks before the cut */
static void
test_cut_short (void)
{
  g_autoptr(LpCapture) c = turns_capture ();
  g_autoptr(LpCapture) live = lp_capture_new ();
  g_autofree char *dir = g_dir_make_tmp ("laprof-capture-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "live.laprof", NULL);
  g_autoptr(LpCaptureWriter) writer = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  guint64 n = lp_capture_get_n_samples (c);
  const LpCaptureSample *s = lp_capture_get_samples (c);
  GArray *block_ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint64 last_full = 0;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  g_assert_cmpint (fd, >=, 0);
  writer = lp_capture_writer_new (live, fd, NULL);
  g_assert_nonnull (writer);
  /* copy the samples over in 4 batches, a flush after each */
  for (guint64 i = 0; i < n; i++)
    {
      LpFoldedStack st;
      const LpCaptureThread *t = lp_capture_get_thread (c, s[i].thread);
      guint thread = lp_capture_add_thread (live, t->pid, t->tid, t->name, 0);
      g_autofree guint32 *frames = NULL;

      lp_folded_get_stack (lp_capture_get_folded (c), s[i].stack, &st);
      frames = g_new (guint32, st.depth);
      for (guint d = 0; d < st.depth; d++)
        frames[d] = lp_folded_intern (lp_capture_get_folded (live),
                                      lp_folded_frame_name (lp_capture_get_folded (c), st.frames[d]), -1);
      g_assert_true (lp_capture_add_sample_frames (live, s[i].time_ns, thread, frames, st.depth,
                                                   s[i].weight, s[i].flags, NULL));
      if ((i + 1) % 100 == 0)
        {
          gsize end;

          g_assert_true (lp_capture_writer_flush (writer, NULL));
          end = lseek (fd, 0, SEEK_CUR);
          g_array_append_val (block_ends, end);
        }
    }
  close (fd);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, g_array_index (block_ends, gsize, block_ends->len - 1));

  for (gsize cut = 0; cut <= len; cut = cut == len ? len + 1 : MIN (cut + 7, len))
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (contents, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(LpCapture) back = lp_capture_load_bytes (bytes, &error);
      guint64 expect = 0;

      for (guint b = 0; b < block_ends->len; b++)
        if (g_array_index (block_ends, gsize, b) <= cut)
          expect = (b + 1) * 100;
      if (cut < 16)
        {
          /* not even the header: read as a (broken) folded report */
          g_assert_null (back);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (back);
      g_assert_false (lp_capture_get_info (back)->complete);
      g_assert_cmpuint (lp_capture_get_n_samples (back), ==, expect);
      last_full = MAX (last_full, expect);
    }
  g_assert_cmpuint (last_full, ==, n);
  g_array_unref (block_ends);
  g_unlink (path);
  g_rmdir (dir);
}

/* a damaged block is an error, not a crash or a silent loss */
static void
test_damaged (void)
{
  g_autoptr(LpCapture) c = turns_capture ();
  g_autoptr(LpCaptureWriter) writer = lp_capture_writer_new (c, -1, NULL);
  g_autoptr(GBytes) block = lp_capture_writer_take_block (writer);
  g_autoptr(LpCapture) dest = lp_capture_new ();
  g_autoptr(LpCaptureReader) reader = lp_capture_reader_new (dest);
  g_autoptr(GError) error = NULL;
  gsize len;
  guint8 *bad = g_bytes_unref_to_data (g_bytes_ref (block), &len);

  bad[len / 2] ^= 0x40;
  g_assert_false (lp_capture_reader_feed_block (reader, bad, len, &error));
  g_assert_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_FORMAT);
  g_clear_error (&error);
  g_free (bad);

  /* the block whole: read, and nothing is new after it */
  g_assert_true (lp_capture_reader_feed_block (reader, g_bytes_get_data (block, NULL), g_bytes_get_size (block), &error));
  g_assert_no_error (error);
  assert_same (c, dest);
  g_assert_null (lp_capture_writer_take_block (writer));
}

/* a capture of a later version is refused, saying what to do */
static void
test_version (void)
{
  guint8 data[16] = { 0x89, 'L', 'A', 'P', 'C', 'A', 'P', '\n', 99, 0, 0, 0 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, sizeof data);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpCapture) c = lp_capture_load_bytes (bytes, &error);

  g_assert_null (c);
  g_assert_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_VERSION);
  g_assert_nonnull (strstr (error->message, "newer laprof"));
}

/* a folded report loads with no times; a range is refused */
static void
test_folded (void)
{
  static const char text[] = "prog;main;work 30\nprog;main;rest 10\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(LpCapture) c = lp_capture_load_bytes (bytes, NULL);
  LpCaptureFilter filter;
  g_autoptr(LpFolded) all = NULL;
  g_autoptr(GError) error = NULL;
  LpFolded *part;

  g_assert_nonnull (c);
  g_assert_false (lp_capture_get_info (c)->has_times);
  g_assert_cmpstr (lp_capture_get_info (c)->source, ==, "folded");
  lp_capture_filter_all (&filter);
  all = lp_capture_select (c, &filter, NULL);
  g_assert_cmpfloat (lp_folded_get_total (all), ==, 40);
  filter.to_ns = 1000 * MS;
  part = lp_capture_select (c, &filter, &error);
  g_assert_null (part);
  g_assert_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_NO_TIMES);
}

/* Frames named late (a debug file that came after them) and the source
 * files' paths go through the file: read back, the renamed frame's
 * samples join those of the frame that had the name, in the graph and in
 * time; the sources are found by the file name frames give. */
static void
test_late_names (void)
{
  g_autoptr(LpCapture) c = turns_capture ();
  g_autoptr(LpCapture) back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-capture-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "late.laprof", NULL);
  g_autoptr(GError) error = NULL;
  LpFolded *f = lp_capture_get_folded (c);
  guint32 unnamed_a = lp_folded_intern (f, "[prog@0x1200]", -1);
  guint32 stack[] = { lp_folded_intern (f, "prog", -1), lp_folded_intern (f, "main", -1), unnamed_a };
  double work_a = count_of (f, "work_a");
  guint64 n = lp_capture_get_n_samples (c);
  LpCaptureFilter filter;
  g_autoptr(LpFolded) late = NULL;

  /* five samples of work_a before its name was known */
  for (guint i = 0; i < 5; i++)
    g_assert_true (lp_capture_add_sample_frames (c, 2000 * MS + i * 10 * MS, 0, stack, 3, 1, 0, NULL));
  lp_capture_rename_frame (c, unnamed_a, "work_a");
  lp_capture_add_source (c, "prog.c", "/src/prog/prog.c");
  lp_capture_add_source (c, "json/__init__.py", "/usr/lib/python3.11/json/__init__.py");
  g_assert_true (lp_capture_save (c, path, &error));
  g_assert_no_error (error);
  back = lp_capture_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (count_of (lp_capture_get_folded (back), "work_a"), ==, work_a + 5);
  g_assert_cmpfloat (count_of (lp_capture_get_folded (back), "[prog@0x1200]"), ==, 0);
  g_assert_cmpuint (lp_capture_get_n_samples (back), ==, n + 5);
  /* the late samples keep their times: a range over them has them all */
  lp_capture_filter_all (&filter);
  filter.from_ns = 2000 * MS;
  filter.to_ns = 2100 * MS;
  late = lp_capture_select (back, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (count_of (late, "work_a"), ==, 5);
  g_assert_cmpfloat (lp_folded_get_total (late), ==, 5);
  g_assert_cmpstr (lp_capture_find_source (back, "prog.c"), ==, "/src/prog/prog.c");
  g_assert_cmpstr (lp_capture_find_source (back, "json/__init__.py"), ==, "/usr/lib/python3.11/json/__init__.py");
  g_assert_null (lp_capture_find_source (back, "other.c"));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/capture/select", test_select);
  g_test_add_func ("/capture/bins", test_bins);
  g_test_add_func ("/capture/roundtrip", test_roundtrip);
  g_test_add_func ("/capture/late-names", test_late_names);
  g_test_add_func ("/capture/cut-short", test_cut_short);
  g_test_add_func ("/capture/damaged", test_damaged);
  g_test_add_func ("/capture/version", test_version);
  g_test_add_func ("/capture/folded", test_folded);
  return g_test_run ();
}
