/* test-cli.c: laprof-cli check and merge, run as a user runs them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "test-cli-util.h"

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

static char *
write_tmp (const char *dir,
           const char *name,
           const char *contents,
           gssize      len)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("laprof-cli-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

static void
test_version (void)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, NULL, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "laprof-cli "));
}

static void
test_help (void)
{
  const char *commands[] = { "check", "merge" };

  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      g_assert_nonnull (strstr (run.out, commands[i]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run = { 0 };
      run_cli (&run, NULL, commands[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, "Exit status"));
    }
}

static void
test_translated (void)
{
  g_auto(Run) run = { 0 };

  /* the French catalogue of this build is used where French is asked for */
  g_setenv ("LANGUAGE", "fr", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  run_cli (&run, NULL, "check", "/nonexistent/report.folded", NULL);
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "Impossible d’ouvrir /nonexistent/report.folded"));
}

static void
test_usage_errors (void)
{
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "'frobnicate' is not a command"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Usage"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "check", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "no report given"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "merge", "--no-such-option", "x", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "--help"));
  }
}

static void
test_check_valid (void)
{
  g_autofree char *path = data_path ("perf-python.folded");
  g_auto(Run) run = { 0 };

  run_cli (&run, NULL, "check", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "valid folded report"));
  /* figures a user can check with wc and sort: 736 samples, one a line */
  g_assert_nonnull (g_strrstr (run.out, "samples          736\n"));
  g_assert_nonnull (g_strrstr (run.out, "lines            736\n"));
  g_assert_nonnull (g_strrstr (run.out, "skipped lines    0\n"));
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_check_counts (void)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, "main;a;b 2\nmain;a 3\nmain;a;b 1\nother 1.5\n", "check", "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "samples          7.5\n"));
  g_assert_nonnull (strstr (run.out, "unique stacks    3\n"));
  g_assert_nonnull (strstr (run.out, "unique frames    4\n"));
  g_assert_nonnull (strstr (run.out, "max depth        3\n"));
}

static void
test_check_skipped (void)
{
  const char *text = "a 1\nbroken\nb -2\nc;;d 4\ne 5\nf\ng\nh\ni\n";
  g_auto(Run) lenient = { 0 };
  g_auto(Run) strict = { 0 };

  run_cli (&lenient, text, "check", "-", NULL);
  g_assert_cmpint (lenient.status, ==, 0);
  g_assert_nonnull (strstr (lenient.out, "7 lines skipped"));
  /* the first few, with line numbers and reasons, then the rest counted */
  g_assert_nonnull (strstr (lenient.err, ":2: skipped: no sample count"));
  g_assert_nonnull (strstr (lenient.err, ":3: skipped: negative sample count"));
  g_assert_nonnull (strstr (lenient.err, ":4: skipped: empty frame name"));
  g_assert_null (strstr (lenient.err, ":9: skipped"));
  g_assert_nonnull (strstr (lenient.err, "and 2 more skipped lines"));
  g_assert_nonnull (strstr (lenient.err, "7 lines skipped of 9"));

  run_cli (&strict, text, "check", "--strict", "-", NULL);
  g_assert_cmpint (strict.status, ==, 1);
}

static void
test_check_unreadable (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *empty = write_tmp (dir, "empty.folded", "", 0);
  g_autofree char *missing = g_build_filename (dir, "missing.folded", NULL);
  g_autofree char *binary = NULL;
  g_autofree char *junk = g_malloc (200000);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 200000; i++)
    junk[i] = (char) g_rand_int_range (rand, 0, 256);
  binary = write_tmp (dir, "binary.folded", junk, 200000);

  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "check", missing, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Could not open"));
    g_assert_nonnull (strstr (run.err, "missing.folded"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "check", empty, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "empty"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "check", binary, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "is a folded stack"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "check", dir, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Could not read"));
  }
  rm_rf (dir);
}

static void
test_check_huge_line (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "huge.folded", NULL);
  FILE *f = fopen (path, "w");
  g_autofree char *buf = g_malloc (1024 * 1024);
  g_auto(Run) run = { 0 };

  /* a 100 MB line between two good ones */
  memset (buf, 'x', 1024 * 1024);
  g_assert_nonnull (f);
  fputs ("good;one 1\n", f);
  for (guint i = 0; i < 100; i++)
    fwrite (buf, 1, 1024 * 1024, f);
  fputs (" 3\ngood;two 2\n", f);
  fclose (f);

  run_cli (&run, NULL, "check", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, ":2: skipped: line longer than 16 MiB"));
  g_assert_nonnull (strstr (run.out, "samples          3\n"));
  rm_rf (dir);
}

static void
test_merge_files (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *a = write_tmp (dir, "a.folded", "main;x 1\nmain;y 2\n", -1);
  g_autofree char *b = write_tmp (dir, "b.folded", "main;y 3\r\nmain;z 4\n", -1);
  g_autofree char *out = g_build_filename (dir, "out.folded", NULL);
  g_autofree char *contents = NULL;

  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "merge", a, b, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "main;x 1\nmain;y 5\nmain;z 4\n");
    g_assert_nonnull (strstr (run.err, "Merged 2 reports"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, "main;x 10\n", "merge", "-q", a, "-", "-o", out, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "");
    g_assert_cmpstr (run.err, ==, "");
    g_file_get_contents (out, &contents, NULL, NULL);
    g_assert_cmpstr (contents, ==, "main;x 11\nmain;y 2\n");
  }
  {
    /* the output may be one of the inputs: all is read before writing */
    g_auto(Run) run = { 0 };
    g_autofree char *again = NULL;
    run_cli (&run, NULL, "merge", "-q", out, out, "-o", out, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_file_get_contents (out, &again, NULL, NULL);
    g_assert_cmpstr (again, ==, "main;x 22\nmain;y 4\n");
  }
  rm_rf (dir);
}

static void
test_merge_directory (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *a = write_tmp (dir, "run1.folded", "f;g 1\n", -1);
  g_autofree char *b = write_tmp (dir, "run2.folded", "f;g 2\nf 1\n", -1);
  g_autofree char *c = write_tmp (dir, "notes.txt", "not a report\n", -1);
  g_auto(Run) run = { 0 };

  run_cli (&run, NULL, "merge", dir, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "f 1\nf;g 3\n");
  rm_rf (dir);
}

static void
test_merge_bad_input (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *good = write_tmp (dir, "good.folded", "a 1\n", -1);
  g_autofree char *bad = write_tmp (dir, "bad.folded", "just text\n", -1);
  g_autofree char *mixed = write_tmp (dir, "mixed.folded", "a 1\noops\n", -1);
  g_autofree char *out = g_build_filename (dir, "out.folded", NULL);
  g_autofree char *nodir = g_build_filename (dir, "no", "such", "out.folded", NULL);

  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "merge", good, bad, "-o", out, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "bad.folded"));
    g_assert_nonnull (strstr (run.err, "Nothing was written"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "merge", "--strict", good, mixed, "-o", out, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "Line 2"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  {
    /* lenient: the bad line is reported, the rest merged */
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "merge", good, mixed, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "a 2\n");
    g_assert_nonnull (strstr (run.err, "mixed.folded:2: skipped"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "merge", good, "-o", nodir, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Could not create a file in"));
  }
  rm_rf (dir);
}

static void
test_merge_perf_reports (void)
{
  g_autofree char *xz = data_path ("perf-xz.folded");
  g_autofree char *py = data_path ("perf-python.folded");
  g_auto(Run) merged = { 0 };
  g_auto(Run) check = { 0 };

  run_cli (&merged, NULL, "merge", "-q", xz, py, NULL);
  g_assert_cmpint (merged.status, ==, 0);
  /* the merged report is itself valid, and keeps every sample */
  run_cli (&check, merged.out, "check", "--strict", "-", NULL);
  g_assert_cmpint (check.status, ==, 0);
  g_assert_nonnull (strstr (check.out, "samples          12736\n"));
}

/* record --store DIR: the report goes to the filesystem storer (and no
 * default file appears in the working directory); a destination that is
 * a file fails before anything is recorded. */
static void
test_record_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("laprof-test-store-XXXXXX", NULL);
  g_autofree char *store = g_build_filename (dir, "reports", NULL);
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *report = NULL;
  g_autoptr(GDir) listing = NULL;
  g_auto(Run) run = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) check = { 0 };
  const char *name;
  guint n = 0;

  run_cli (&run, NULL, "record", "-q", "--period", "0.005", "--store", store, "--", "/bin/sleep", "0.2", NULL);
  g_assert_cmpint (run.status, ==, 0);
  listing = g_dir_open (store, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_assert_true (g_str_has_prefix (name, "laprof-") && g_str_has_suffix (name, ".folded"));
      g_assert_nonnull (strstr (name, "-sleep-"));
      report = g_build_filename (store, name, NULL);
      n++;
    }
  g_assert_cmpuint (n, ==, 1);
  run_cli (&check, NULL, "check", "--strict", report, NULL);
  g_assert_cmpint (check.status, ==, 0);

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  run_cli (&bad, NULL, "record", "-q", "--store", file, "--", "/bin/sleep", "5", NULL);
  g_assert_cmpint (bad.status, ==, 2);

  g_unlink (report);
  g_rmdir (store);
  g_unlink (file);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/translated", test_translated);
  g_test_add_func ("/cli/check/valid", test_check_valid);
  g_test_add_func ("/cli/check/counts", test_check_counts);
  g_test_add_func ("/cli/check/skipped", test_check_skipped);
  g_test_add_func ("/cli/check/unreadable", test_check_unreadable);
  g_test_add_func ("/cli/check/huge-line", test_check_huge_line);
  g_test_add_func ("/cli/merge/files", test_merge_files);
  g_test_add_func ("/cli/merge/directory", test_merge_directory);
  g_test_add_func ("/cli/merge/bad-input", test_merge_bad_input);
  g_test_add_func ("/cli/merge/perf-reports", test_merge_perf_reports);
  g_test_add_func ("/cli/record/store", test_record_store);

  return g_test_run ();
}
