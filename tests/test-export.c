/* test-export.c: captures exported for other tools, each read by the real reader: go tool pprof, speedscope's app in headless Chromium, the gecko format's checker; laprof-cli export.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "export-test-util.h"
#include "lp-capture.h"
#include "lp-export.h"

#define MS ((guint64) 1000000)

static char *tmpdir;

/* a recording of "demo" at 1 ms: thread "main" (tid 100) in compute at
 * two lines for [0, 300 ms), thread "worker" (tid 101) in a frame without
 * symbol for [100, 200 ms) and blocked in futex after; one sample weighs 3 */
static LpCapture *
demo_capture (void)
{
  LpCapture *c = lp_capture_new ();
  LpFolded *f = lp_capture_get_folded (c);
  LpCaptureInfo *info = lp_capture_get_info (c);
  guint tm = lp_capture_add_thread (c, 100, 100, "main", 0);
  guint tw = lp_capture_add_thread (c, 100, 101, "worker", 50 * MS);
  guint32 root = lp_folded_intern (f, "demo", -1);
  guint32 compute_a[] = { root, lp_folded_intern (f, "main (demo.c:10)", -1), lp_folded_intern (f, "compute (work.c:42)", -1) };
  guint32 compute_b[] = { root, compute_a[1], lp_folded_intern (f, "compute (work.c:43)", -1) };
  guint32 lib[] = { root, lp_folded_intern (f, "start_thread", -1), lp_folded_intern (f, "[libfoo.so.1+0x1a2b]", -1) };
  guint32 idle[] = { root, lib[1], lp_folded_intern (f, "[idle: futex]", -1) };

  lp_capture_info_set_string (c, &info->command, "demo");
  lp_capture_info_set_string (c, &info->mode, "cpu");
  info->period = 0.001;
  info->pid = 100;
  info->start_unix_us = G_GINT64_CONSTANT (1700000000) * 1000000;
  info->duration = 0.3;
  for (guint64 t = 0; t < 300 * MS; t += MS)
    {
      g_assert_true (lp_capture_add_sample_frames (c, t, tm, (t / MS) % 3 == 0 ? compute_b : compute_a, 3, 1, 0, NULL));
      if (t >= 100 * MS && t < 200 * MS)
        g_assert_true (lp_capture_add_sample_frames (c, t + 1000, tw, lib, 3, 1, 0, NULL));
      else if (t >= 200 * MS && t < 250 * MS)
        g_assert_true (lp_capture_add_sample_frames (c, t + 1000, tw, idle, 3, t == 200 * MS ? 3 : 1, 0, NULL));
    }
  return c;
}
/* main: 300 samples (100 at line 43); worker: 100 in libfoo, 52 in
 * [idle: futex] (49 samples, one weighing 3) */
#define DEMO_TOTAL 452

static char *
export_to_file (LpCapture             *c,
                const LpCaptureFilter *filter,
                LpExportFormat         format,
                const char            *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = lp_export (c, filter, format, &error);
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
  return path;
}

static char *
pprof (const char *path,
       const char *option)
{
  const char *argv[] = { "go", "tool", "pprof", option, path, NULL };
  return export_test_run_ok (argv, NULL);
}

static void
test_formats (void)
{
  LpExportFormat f;

  g_assert_true (lp_export_format_from_string ("pprof", &f) && f == LP_EXPORT_PPROF);
  g_assert_true (lp_export_format_from_string ("speedscope", &f) && f == LP_EXPORT_SPEEDSCOPE);
  g_assert_true (lp_export_format_from_string ("gecko", &f) && f == LP_EXPORT_GECKO);
  g_assert_true (lp_export_format_from_string ("firefox", &f) && f == LP_EXPORT_GECKO);
  g_assert_false (lp_export_format_from_string ("perfetto", &f));
  g_assert_cmpstr (lp_export_format_extension (LP_EXPORT_PPROF), ==, ".pb.gz");
  g_assert_cmpstr (lp_export_format_extension (LP_EXPORT_SPEEDSCOPE), ==, ".speedscope.json");
  g_assert_cmpstr (lp_export_format_to_string (LP_EXPORT_GECKO), ==, "gecko");
}

/* go tool pprof: the totals in samples and in nanoseconds, the functions
 * with their files and lines, the threads as labels, the period */
static void
test_pprof (void)
{
  g_autoptr(LpCapture) c = demo_capture ();
  g_autofree char *path = export_to_file (c, NULL, LP_EXPORT_PPROF, "demo.pb.gz");
  g_autofree char *raw = pprof (path, "-raw");
  g_autofree char *top = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *traces = NULL;

  g_test_message ("%s", raw);
  g_assert_nonnull (strstr (raw, "PeriodType: cpu nanoseconds\nPeriod: 1000000\n"));
  g_assert_nonnull (strstr (raw, "samples/count cpu/nanoseconds"));
  g_assert_nonnull (strstr (raw, "compute work.c:42"));
  g_assert_nonnull (strstr (raw, "compute work.c:43"));
  g_assert_nonnull (strstr (raw, "[libfoo.so.1+0x1a2b]"));
  g_assert_nonnull (strstr (raw, "libfoo.so.1"));
  g_assert_nonnull (strstr (raw, "thread:[worker]"));
  g_assert_nonnull (strstr (raw, "tid:[101]"));

  top = pprof (path, "-top");
  g_test_message ("%s", top);
  /* 452 samples of 1 ms */
  g_assert_nonnull (strstr (top, "Total samples = 452ms"));
  g_assert_nonnull (strstr (top, "Duration: 300ms"));
  {
    const char *argv[] = { "go", "tool", "pprof", "-top", "-sample_index=samples", path, NULL };
    g_autofree char *counts = export_test_run_ok (argv, NULL);
    g_assert_nonnull (strstr (counts, "of 452 total"));
    /* compute: 300 samples, all its own */
    g_assert_nonnull (strstr (counts, "300 66.37% 66.37%        300 66.37%  compute"));
  }
  /* at each line of compute, in work.c */
  {
    const char *argv[] = { "go", "tool", "pprof", "-lines", "-top", path, NULL };
    lines = export_test_run_ok (argv, NULL);
    g_assert_nonnull (strstr (lines, "200ms 44.25% 44.25%      200ms 44.25%  compute work.c:42"));
    g_assert_nonnull (strstr (lines, "100ms 22.12% 66.37%      100ms 22.12%  [libfoo.so.1+0x1a2b]"));
  }
  {
    const char *argv[] = { "go", "tool", "pprof", "-tagfocus=thread=worker", "-top", "-sample_index=samples", path, NULL };
    g_autofree char *worker = export_test_run_ok (argv, NULL);
    g_test_message ("%s", worker);
    g_assert_nonnull (strstr (worker, "accounting for 152, 33.63% of 452 total"));
    g_assert_null (strstr (worker, "compute"));
  }
}

/* what a harness script of tests/export printed (JSON): the assertions
 * look for the strings a user would see in it */
static char *
node_check (const char *script,
            const char *profile)
{
  const char *dir = export_test_harness_dir ();
  g_autofree char *js = g_build_filename (dir, script, NULL);
  const char *argv[] = { "node", js, profile, NULL };

  return export_test_run_ok (argv, dir);
}

/* speedscope's app shows each thread's profile by its name, no error, and
 * its sandwich view the functions with their times */
static void
test_speedscope (void)
{
  g_autoptr(LpCapture) c = demo_capture ();
  g_autofree char *path = export_to_file (c, NULL, LP_EXPORT_SPEEDSCOPE, "demo.speedscope.json");
  g_autofree char *seen = node_check ("speedscope-check.js", path);

  g_test_message ("%s", seen);
  g_assert_nonnull (strstr (seen, "\"schemaErrors\":[]"));
  g_assert_nonnull (strstr (seen, "\"appError\":null"));
  g_assert_nonnull (strstr (seen, "\"consoleErrors\":[]"));
  g_assert_nonnull (strstr (seen, "\"dialogs\":[]"));
  g_assert_nonnull (strstr (seen, "main (tid 100) (1/2)"));
  g_assert_nonnull (strstr (seen, "worker (tid 101) (2/2)"));
  g_assert_nonnull (strstr (seen, "\"title\":\"demo - speedscope\""));
  /* the sandwich view of main: compute at line 42 (speedscope tells its
   * frames apart by line) 200 ms of 300, its own; main 300 ms, all below */
  g_assert_nonnull (strstr (seen, "200.00ms (67%)\\n\\t200.00ms (67%)\\n\\tcompute"));
  g_assert_nonnull (strstr (seen, "300.00ms (100%)\\n\\t0.00ns (<0.01%)\\n\\tmain"));
}

/* the gecko format: as the Firefox Profiler's types describe it, one
 * thread a thread, every sample at its time */
static void
test_gecko (void)
{
  g_autoptr(LpCapture) c = demo_capture ();
  g_autofree char *path = export_to_file (c, NULL, LP_EXPORT_GECKO, "demo.json");
  g_autofree char *seen = node_check ("gecko-check.js", path);

  g_test_message ("%s", seen);
  g_assert_nonnull (strstr (seen, "\"errors\":[]"));
  g_assert_nonnull (strstr (seen, "\"version\":32,\"interval\":1,\"startTime\":1700000000000"));
  g_assert_nonnull (strstr (seen, "{\"name\":\"main\",\"tid\":100,\"samples\":300,\"first\":0,\"last\":299,"));
  /* the worker: 100 + 49 samples, the one that weighs 3 three times */
  g_assert_nonnull (strstr (seen, "{\"name\":\"worker\",\"tid\":101,\"samples\":152,\"first\":100.001,\"last\":249.001,"));
  g_assert_nonnull (strstr (seen, "\"demo;main (demo.c);compute (work.c)\":300"));
  g_assert_nonnull (strstr (seen, "\"demo;start_thread;[idle: futex]\":52"));
  /* its blocked samples in the Idle category, the others in Other */
  g_assert_nonnull (strstr (seen, "\"categories\":{\"Other\":400,\"Idle\":52}"));
}

/* a part of the recording: a time range and a thread */
static void
test_range (void)
{
  g_autoptr(LpCapture) c = demo_capture ();
  guint worker = 1;
  LpCaptureFilter filter = { 150 * MS, 220 * MS, &worker, 1 };
  g_autofree char *path = export_to_file (c, &filter, LP_EXPORT_PPROF, "range.pb.gz");
  const char *argv[] = { "go", "tool", "pprof", "-top", "-sample_index=samples", path, NULL };
  g_autofree char *top = export_test_run_ok (argv, NULL);

  /* 50 samples in libfoo [150, 200), 20 blocked (one weighing 3) */
  g_test_message ("%s", top);
  g_assert_nonnull (strstr (top, "of 72 total"));
  g_assert_null (strstr (top, "compute"));
}

/* a folded report: one sample a stack, weighed by its count; no time
 * range nor thread */
static void
test_folded (void)
{
  g_autofree char *folded = g_build_filename (tmpdir, "report.folded", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpCapture) c = NULL;
  LpCaptureFilter range;

  g_assert_true (g_file_set_contents (folded, "prog;main;work 7\nprog;main;rest 3\nprog;other 5\n", -1, NULL));
  c = lp_capture_load (folded, &error);
  g_assert_no_error (error);

  {
    g_autofree char *path = export_to_file (c, NULL, LP_EXPORT_PPROF, "report.pb.gz");
    const char *argv[] = { "go", "tool", "pprof", "-top", "-sample_index=samples", path, NULL };
    g_autofree char *top = export_test_run_ok (argv, NULL);
    g_test_message ("%s", top);
    g_assert_nonnull (strstr (top, "of 15 total"));
    g_assert_nonnull (strstr (top, "7 46.67% 46.67%          7 46.67%  work"));
  }
  {
    g_autofree char *path = export_to_file (c, NULL, LP_EXPORT_SPEEDSCOPE, "report.speedscope.json");
    g_autofree char *seen = node_check ("speedscope-check.js", path);
    g_test_message ("%s", seen);
    g_assert_nonnull (strstr (seen, "\"appError\":null"));
    g_assert_nonnull (strstr (seen, "\"schemaErrors\":[]"));
  }
  {
    g_autofree char *path = export_to_file (c, NULL, LP_EXPORT_GECKO, "report.json");
    g_autofree char *seen = node_check ("gecko-check.js", path);
    g_test_message ("%s", seen);
    g_assert_nonnull (strstr (seen, "\"errors\":[]"));
    g_assert_nonnull (strstr (seen, "\"samples\":15,"));
    g_assert_nonnull (strstr (seen, "\"prog;main;work\":7"));
  }

  lp_capture_filter_all (&range);
  range.to_ns = 5 * MS;
  g_assert_null (lp_export (c, &range, LP_EXPORT_PPROF, &error));
  g_assert_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_NO_TIMES);
}

/* laprof-cli export: the default name, a part, and clear errors */
static void
test_cli (void)
{
  const char *cli = g_getenv ("LAPROF_CLI");
  g_autoptr(LpCapture) c = demo_capture ();
  g_autofree char *capture = g_build_filename (tmpdir, "rec.laprof", NULL);
  g_autofree char *folded = g_build_filename (tmpdir, "plain.folded", NULL);
  g_autofree char *cwd = g_build_filename (tmpdir, "cli", NULL);
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_cmpint (g_mkdir_with_parents (cwd, 0755), ==, 0);
  g_assert_true (lp_capture_save (c, capture, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (folded, "a;b 2\n", -1, NULL));

  {
    /* default output: the input's base name and the format's extension */
    const char *argv[] = { cli, "export", "--format", "pprof", capture, NULL };
    g_autofree char *out = g_build_filename (cwd, "rec.pb.gz", NULL);
    g_free (export_test_run_ok (argv, cwd));
    g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
    g_autofree char *top = pprof (out, "-top");
    g_assert_nonnull (strstr (top, "Total samples = 452ms"));
  }
  {
    const char *argv[] = { cli, "export", "--format", "speedscope", "--from", "0.15", "--to", "0.22",
                           "--tid", "101", "-o", "part.speedscope.json", capture, NULL };
    g_autofree char *out = g_build_filename (cwd, "part.speedscope.json", NULL);
    g_autofree char *text = NULL;
    g_free (export_test_run_ok (argv, cwd));
    g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"name\":\"worker (tid 101)\""));
    g_assert_null (strstr (text, "\"name\":\"main (tid 100)\""));
    g_assert_nonnull (strstr (text, "\"startValue\":150001000"));
  }
  {
    const char *argv[] = { cli, "export", "--format", "gecko", "-o", "-", capture, NULL };
    g_autofree char *out = export_test_run_ok (argv, cwd);
    g_assert_true (g_str_has_prefix (out, "{\"meta\":{\"version\":32"));
  }

  /* errors: exit status 2 and a message that says what is wrong */
  struct { const char *args[10]; const char *message; } bad[] = {
    { { "export", "--format", "perfetto", capture, NULL }, "unknown format 'perfetto'" },
    { { "export", "--format", "pprof", "/nonexistent/x.laprof", NULL }, "cannot read /nonexistent/x.laprof" },
    { { "export", "--format", "pprof", "--from", "1", folded, NULL }, "is a folded report: it has no times nor threads" },
    { { "export", "--format", "pprof", "--tid", "7", folded, NULL }, "is a folded report: it has no times nor threads" },
    { { "export", "--format", "pprof", "--from", "0.2", "--to", "0.1", capture, NULL }, "must come after --from" },
    { { "export", "--format", "pprof", "--tid", "999", capture, NULL }, "has no thread 999" },
    { { "export", capture, NULL }, "no format given" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *err = NULL;
      g_autofree char *out = NULL;
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_ptr_array_add (argv, (char *) cli);
      for (guint k = 0; bad[i].args[k] != NULL; k++)
        g_ptr_array_add (argv, (char *) bad[i].args[k]);
      g_ptr_array_add (argv, NULL);
      g_assert_true (g_spawn_sync (cwd, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
      g_test_message ("%s", err);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
      g_assert_nonnull (strstr (err, bad[i].message));
    }
}

/* a real recording: laprof-cli record -o X.laprof of a program with two
 * busy threads, exported; each reader finds its threads and its total */
static void
test_record (void)
{
  const char *cli = g_getenv ("LAPROF_CLI");
  const char *target = g_getenv ("PERF_SCRIPT_TARGET");
  g_autofree char *capture = g_build_filename (tmpdir, "real.laprof", NULL);
  g_autofree char *pb = g_build_filename (tmpdir, "real.pb.gz", NULL);
  g_autofree char *ss = g_build_filename (tmpdir, "real.speedscope.json", NULL);
  g_autofree char *gecko = g_build_filename (tmpdir, "real.json", NULL);
  const char *record[] = { cli, "record", "-o", capture, "--", target, "60000000", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(LpCapture) c = NULL;
  g_autofree char *want = NULL;

  g_free (export_test_run_ok (record, NULL));
  c = lp_capture_load (capture, &error);
  g_assert_no_error (error);
  g_assert_true (lp_capture_get_info (c)->has_times);
  g_assert_cmpuint (lp_capture_get_n_threads (c), >=, 2);

  {
    const char *argv[] = { cli, "export", "--format", "pprof", "-o", pb, capture, NULL };
    const char *top[] = { "go", "tool", "pprof", "-top", "-sample_index=samples", pb, NULL };
    g_autofree char *report = NULL;
    g_free (export_test_run_ok (argv, NULL));
    report = export_test_run_ok (top, NULL);
    g_test_message ("%s", report);
    want = g_strdup_printf ("Total samples = %.0f ", lp_folded_get_total (lp_capture_get_folded (c)));
    g_assert_nonnull (strstr (report, want));
    g_assert_nonnull (strstr (report, "lp_perf_hot_main"));
    g_assert_nonnull (strstr (report, "lp_perf_hot_worker"));
  }
  {
    const char *argv[] = { cli, "export", "--format", "speedscope", "-o", ss, capture, NULL };
    g_autofree char *seen = NULL;
    g_free (export_test_run_ok (argv, NULL));
    seen = node_check ("speedscope-check.js", ss);
    g_test_message ("%s", seen);
    g_assert_nonnull (strstr (seen, "\"appError\":null"));
    g_assert_nonnull (strstr (seen, "\"schemaErrors\":[]"));
    g_assert_nonnull (strstr (seen, "lp-worker (tid "));
  }
  {
    const char *argv[] = { cli, "export", "--format", "gecko", "-o", gecko, capture, NULL };
    g_autofree char *seen = NULL;
    g_free (export_test_run_ok (argv, NULL));
    seen = node_check ("gecko-check.js", gecko);
    g_test_message ("%s", seen);
    g_assert_nonnull (strstr (seen, "\"errors\":[]"));
    g_assert_nonnull (strstr (seen, "{\"name\":\"lp-worker\""));
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("laprof-export-XXXXXX", NULL);
  g_test_add_func ("/core/export/formats", test_formats);
  g_test_add_func ("/core/export/pprof", test_pprof);
  g_test_add_func ("/core/export/speedscope", test_speedscope);
  g_test_add_func ("/core/export/gecko", test_gecko);
  g_test_add_func ("/core/export/range", test_range);
  g_test_add_func ("/core/export/folded", test_folded);
  g_test_add_func ("/core/export/cli", test_cli);
  g_test_add_func ("/core/export/record", test_record);
  status = g_test_run ();
  {
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };
    int st;
    g_free (export_test_run (rm, NULL, &st));
  }
  return status;
}
