/* test-perf-script.c: `perf script` text read into a capture: a real `perf record -g` of a test program, against an independent folding of the same text; the reader's details on written text.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "export-test-util.h"
#include "lp-capture.h"
#include "lp-export.h"

static char *tmpdir;

/* perf script text of a `perf record -g` of perf-script-target, once a
 * run; @with_pid: "comm pid/tid" headers (perf script -F +pid) rather
 * than perf's default "comm tid" */
static const char *
recorded_text (gboolean with_pid)
{
  static char *texts[2];
  static char *data = NULL;

  if (data == NULL)
    {
      const char *target = g_getenv ("PERF_SCRIPT_TARGET");
      g_assert_nonnull (target);
      data = g_build_filename (tmpdir, "perf.data", NULL);
      const char *record[] = { "perf", "record", "-g", "-F", "499", "-o", data, "--", target, "60000000", NULL };
      g_free (export_test_run_ok (record, NULL));
    }
  if (texts[with_pid] == NULL)
    {
      const char *script[] = { "perf", "script", "-i", data, with_pid ? "-F" : NULL, "+pid", NULL };
      g_autofree char *path = g_build_filename (tmpdir, with_pid ? "pid.perf-script" : "default.perf-script", NULL);
      texts[with_pid] = export_test_run_ok (script, NULL);
      g_assert_true (g_file_set_contents (path, texts[with_pid], -1, NULL));
    }
  return texts[with_pid];
}

static char *
text_path (gboolean with_pid)
{
  recorded_text (with_pid);
  return g_build_filename (tmpdir, with_pid ? "pid.perf-script" : "default.perf-script", NULL);
}

/* the independent folding (tests/export/fold-perf-script.py) of a text */
static char *
python_fold (const char *path)
{
  g_autofree char *script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "export", "fold-perf-script.py", NULL);
  const char *argv[] = { "python3", script, path, NULL };

  return export_test_run_ok (argv, NULL);
}

/* @folded's samples whose leaf is @leaf */
static double
leaf_count (LpFolded   *folded,
            const char *leaf)
{
  double n = 0;

  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack s;
      lp_folded_get_stack (folded, i, &s);
      if (s.depth > 0 && g_str_equal (lp_folded_frame_name (folded, s.frames[s.depth - 1]), leaf))
        n += s.count;
    }
  return n;
}

static void
check_against_python (gboolean with_pid)
{
  const char *text = recorded_text (with_pid);
  g_autofree char *path = text_path (with_pid);
  g_autoptr(LpCapture) capture = lp_capture_new ();
  g_autoptr(GError) error = NULL;
  guint64 skipped = 99;
  g_autofree char *python = python_fold (path);
  g_autoptr(GBytes) ours = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (python, "\n", -1);
  guint64 py_total = 0, py_threads = 0;
  LpFolded *folded;
  const LpCaptureInfo *info;

  g_assert_true (lp_perf_script_read (capture, text, strlen (text), &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 0);
  folded = lp_capture_get_folded (capture);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "#total "))
      py_total = g_ascii_strtoull (lines[i] + 7, NULL, 10);
    else if (g_str_has_prefix (lines[i], "#threads "))
      py_threads = g_ascii_strtoull (lines[i] + 9, NULL, 10);
    else if (lines[i][0] != '\0')
      g_string_append_printf (expected, "%s\n", lines[i]);

  /* the same totals, threads and stacks as the independent folding */
  g_assert_cmpuint (py_total, >, 50);
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, (double) py_total);
  g_assert_cmpuint (lp_capture_get_n_samples (capture), ==, py_total);
  g_assert_cmpuint (lp_capture_get_n_threads (capture), ==, py_threads);
  ours = lp_folded_to_bytes (folded);
  g_autofree char *ours_text = g_strndup (g_bytes_get_data (ours, NULL), g_bytes_get_size (ours));
  g_assert_cmpstr (ours_text, ==, expected->str);

  /* the hot functions: the main thread's loop runs twice as long as the
   * worker's, each most of its thread's time */
  double total = lp_folded_get_total (folded);
  double main_hot = leaf_count (folded, "lp_perf_hot_main");
  double worker_hot = leaf_count (folded, "lp_perf_hot_worker");
  g_test_message ("%g samples: lp_perf_hot_main %g, lp_perf_hot_worker %g", total, main_hot, worker_hot);
  g_assert_cmpfloat (main_hot, >, 0.4 * total);
  g_assert_cmpfloat (worker_hot, >, 0.15 * total);

  /* its threads, named as perf named them, and times from perf's */
  /* (under ASan, LeakSanitizer's tracer is a process of its own: other
   * pids may show, with few samples) */
  gint64 worker_pid = 0, main_pid = 0;
  for (guint t = 0; t < lp_capture_get_n_threads (capture); t++)
    {
      const LpCaptureThread *th = lp_capture_get_thread (capture, t);
      if (g_str_equal (th->name, "lp-worker"))
        worker_pid = th->pid;
      else if (main_pid == 0 && g_str_equal (th->name, "perf-script-tar") && th->tid == th->pid)
        main_pid = th->pid;
      if (with_pid)
        g_assert_cmpint (th->pid, >, 0);
      else
        g_assert_cmpint (th->pid, ==, -1);
    }
  g_assert_cmpint (worker_pid, !=, 0);
  if (with_pid)
    g_assert_cmpint (worker_pid, ==, main_pid);
  info = lp_capture_get_info (capture);
  g_assert_true (info->has_times);
  g_assert_cmpstr (info->source, ==, "perf script");
  g_assert_cmpfloat_with_epsilon (info->period, 1.0 / 499, 0.0002);
  const LpCaptureSample *samples = lp_capture_get_samples (capture);
  guint64 n = lp_capture_get_n_samples (capture);
  g_assert_cmpuint (samples[0].time_ns, ==, 0);
  /* 0.15 s at least (the worker alone runs that long), 10 s at most */
  g_assert_cmpuint (samples[n - 1].time_ns, >, 150000000);
  g_assert_cmpuint (samples[n - 1].time_ns, <, 10000000000);
}

static void
test_real_default (void)
{
  check_against_python (FALSE);
}

/* with pids, the worker's stacks start at the process's name, as laprof's
 * own recordings do */
static void
test_real_with_pid (void)
{
  const char *text = recorded_text (TRUE);
  g_autoptr(LpCapture) capture = lp_capture_new ();
  LpFolded *folded;
  gboolean worker_under_process = FALSE;

  check_against_python (TRUE);
  g_assert_true (lp_perf_script_read (capture, text, strlen (text), NULL, NULL));
  folded = lp_capture_get_folded (capture);
  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack s;
      lp_folded_get_stack (folded, i, &s);
      if (s.depth > 1 && g_str_equal (lp_folded_frame_name (folded, s.frames[s.depth - 1]), "lp_perf_hot_worker"))
        {
          g_assert_cmpstr (lp_folded_frame_name (folded, s.frames[0]), ==, "perf-script-tar");
          worker_under_process = TRUE;
        }
    }
  g_assert_true (worker_under_process);
  g_assert_cmpstr (lp_capture_get_info (capture)->command, ==, "perf-script-tar");
}

/* what laprof's loader (lp_capture_load: check, svg, the window) makes of
 * the same text: the same totals */
static void
test_load (void)
{
  g_autofree char *path = text_path (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpCapture) ours = lp_capture_new ();
  const char *text = recorded_text (FALSE);
  g_autoptr(LpCapture) loaded = lp_capture_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_true (lp_perf_script_read (ours, text, strlen (text), NULL, NULL));
  g_assert_cmpfloat (lp_folded_get_total (lp_capture_get_folded (loaded)), ==,
                     lp_folded_get_total (lp_capture_get_folded (ours)));
  g_assert_cmpuint (lp_capture_get_n_threads (loaded), ==, lp_capture_get_n_threads (ours));
}

/* written text: the header's forms, frames without symbols, C++ names,
 * comments and lines that are not perf's */
static const char sample_text[] =
  "# ========\n"
  "# captured on: today\n"
  "# ========\n"
  "#\n"
  "my prog 1000/1000 [001] 100.000100:     250000 cpu-clock:ppp: \n"
  "\t    55d4c3a0 work(int)+0x10 (/usr/bin/my prog)\n"
  "\t    7f0000001234 [unknown] (/usr/lib/libfoo.so.1)\n"
  "\t    0000000000abcdef [unknown] ([unknown])\n"
  "\n"
  "worker 1000/1001 [000] 100.000350: cpu-clock:ppp: \n"
  "\t    55d4c3b0 std::vector<int>::push_back(int const&)+0x2a (/usr/bin/my prog)\n"
  "\t    55d4c3c0 main (/usr/bin/my prog)\n"
  "this line is not perf's\n"
  "\n"
  "worker 1000/1001 [000] 100.000600:     250000 cpu-clock:ppp: \n"
  "\t    55d4c3b0 operator() (/usr/bin/my prog)\n"
  "\n";

static void
test_text (void)
{
  g_autoptr(LpCapture) capture = lp_capture_new ();
  g_autoptr(GError) error = NULL;
  guint64 skipped = 0;
  g_autoptr(GBytes) folded = NULL;
  const LpCaptureSample *s;

  g_assert_true (lp_perf_script_read (capture, sample_text, strlen (sample_text), &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 1);
  folded = lp_folded_to_bytes (lp_capture_get_folded (capture));
  g_autofree char *folded_text = g_strndup (g_bytes_get_data (folded, NULL), g_bytes_get_size (folded));
  g_assert_cmpstr (folded_text, ==,
                   "my prog;[0xabcdef];[libfoo.so.1+0x7f0000001234];work(int) 1\n"
                   "my prog;main;std::vector<int>::push_back(int const&) 1\n"
                   "my prog;operator() 1\n");
  g_assert_cmpuint (lp_capture_get_n_threads (capture), ==, 2);
  g_assert_cmpstr (lp_capture_get_thread (capture, 0)->name, ==, "my prog");
  g_assert_cmpstr (lp_capture_get_thread (capture, 1)->name, ==, "worker");
  g_assert_cmpint (lp_capture_get_thread (capture, 1)->tid, ==, 1001);
  s = lp_capture_get_samples (capture);
  g_assert_cmpuint (s[0].time_ns, ==, 0);
  g_assert_cmpuint (s[1].time_ns, ==, 250000);
  g_assert_cmpuint (s[2].time_ns, ==, 500000);
  g_assert_cmpfloat (lp_capture_get_info (capture)->period, ==, 0.00025);

  /* nothing perf's: an error, no samples */
  g_autoptr(LpCapture) empty = lp_capture_new ();
  g_autoptr(GError) none = NULL;
  g_assert_false (lp_perf_script_read (empty, "a;b 1\n", 6, &skipped, &none));
  g_assert_error (none, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_FORMAT);
  g_assert_cmpuint (skipped, ==, 1);
}

/* laprof-cli export of perf's text: go tool pprof reads the same total */
static void
test_export_pprof (void)
{
  g_autofree char *path = text_path (FALSE);
  g_autofree char *out = g_build_filename (tmpdir, "perf.pb.gz", NULL);
  const char *cli = g_getenv ("LAPROF_CLI");
  const char *export[] = { cli, "export", "--format", "pprof", "-o", out, path, NULL };
  const char *top[] = { "go", "tool", "pprof", "-top", "-sample_index=samples", out, NULL };
  g_autoptr(LpCapture) ours = lp_capture_new ();
  const char *text = recorded_text (FALSE);
  g_autofree char *report = NULL;
  g_autofree char *want = NULL;

  g_assert_true (lp_perf_script_read (ours, text, strlen (text), NULL, NULL));
  g_free (export_test_run_ok (export, NULL));
  report = export_test_run_ok (top, NULL);
  want = g_strdup_printf ("Total samples = %.0f ", lp_folded_get_total (lp_capture_get_folded (ours)));
  g_assert_nonnull (strstr (report, want));
  g_assert_nonnull (strstr (report, "lp_perf_hot_main"));
}

/* two samples 463 days apart (a perf record -a left running, or perf's
 * clock jumping): the capture holds 2 samples, whatever its span */
static void
test_long_span (void)
{
  static const char text[] =
    "prog 7/7 10.000000: 1000000 cpu-clock:\n\t1 f (d)\n\n"
    "prog 7/7 40000010.000000: 1000000 cpu-clock:\n\t1 f (d)\n\n";
  g_autoptr(LpCapture) capture = lp_capture_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (lp_perf_script_read (capture, text, strlen (text), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lp_capture_get_n_samples (capture), ==, 2);
  g_assert_cmpuint (lp_capture_get_samples (capture)[1].time_ns, ==, G_GUINT64_CONSTANT (40000000) * 1000000000);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("laprof-perf-script-XXXXXX", NULL);
  g_test_add_func ("/core/perf-script/text", test_text);
  g_test_add_func ("/core/perf-script/real-default", test_real_default);
  g_test_add_func ("/core/perf-script/real-with-pid", test_real_with_pid);
  g_test_add_func ("/core/perf-script/load", test_load);
  g_test_add_func ("/core/perf-script/export-pprof", test_export_pprof);
  /* last: the capture model aborts on it (it allocates 10 ms bins over
   * the whole span: 68 GB here) */
  g_test_add_func ("/core/perf-script/long-span", test_long_span);
  status = g_test_run ();
  {
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };
    int st;
    g_free (export_test_run (rm, NULL, &st));
  }
  return status;
}
