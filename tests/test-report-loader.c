/* test-report-loader.c: LpReportLoader reads a report on a worker thread, tells its
 * progress in the main context, can be cancelled, and hands back the report and its model.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "lp-report-loader.h"

typedef struct
{
  GAsyncResult *result;
  GThread      *model_thread;
  guint         n_progress;
  double        last_fraction;
  gboolean      progress_in_main;
} Fixture;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static void
fraction_cb (LpReportLoader *loader,
             GParamSpec     *pspec,
             Fixture        *f)
{
  f->n_progress++;
  f->last_fraction = lp_report_loader_get_fraction (loader);
  f->progress_in_main = g_main_context_is_owner (g_main_context_default ());
}

static LpFlameModel *
model_cb (LpFolded  *report,
          LpFolded **filtered,
          gpointer   user_data)
{
  Fixture *f = user_data;

  f->model_thread = g_thread_self ();
  return lp_flame_model_new_from_folded (report, 0);
}

/* a report of @n_lines lines of 3 samples each, plus @extra */
static GFile *
write_report (guint       n_lines,
              const char *extra)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp ("test-report-loader-XXXXXX.folded", &path, &error);

  g_assert_no_error (error);
  close (fd);
  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (text, "main;parse_%u;read_some_more_of_the_input 3\n", i % 5000);
  g_string_append (text, extra);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static LpFolded *
load (LpReportLoader *loader,
      Fixture        *f,
      GCancellable   *cancellable,
      LpFlameModel  **model,
      GError        **error)
{
  LpFolded *filtered = NULL;
  LpFolded *report;

  g_signal_connect (loader, "notify::fraction", G_CALLBACK (fraction_cb), f);
  lp_report_loader_load_async (loader, cancellable, done_cb, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = lp_report_loader_load_finish (loader, f->result, model, &filtered, error);
  g_assert_null (filtered);
  g_clear_object (&f->result);
  return report;
}

static void
test_reads (void)
{
  g_autoptr(GFile) file = write_report (200000, "");
  g_autoptr(LpReportLoader) loader = lp_report_loader_new (file);
  g_autoptr(LpFolded) report = NULL;
  g_autoptr(LpFlameModel) model = NULL;   /* freed first: it uses the report's names */
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };

  lp_report_loader_set_model_func (loader, model_cb, &f, NULL);
  report = load (loader, &f, NULL, &model, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpfloat (lp_folded_get_total (report), ==, 600000);
  g_assert_cmpuint (lp_folded_get_n_stacks (report), ==, 5000);
  g_assert_cmpuint (lp_report_loader_get_n_skipped (loader), ==, 0);
  g_assert_true (lp_report_loader_get_file (loader) == file);

  /* the model was built on the worker thread, over the report handed back */
  g_assert_nonnull (model);
  g_assert_true (lp_flame_model_get_names (model) == report);
  g_assert_nonnull (f.model_thread);
  g_assert_true (f.model_thread != g_thread_self ());

  /* the file is ~10 MB: progress was told, in the main context, within 0..1 */
  g_assert_cmpuint (f.n_progress, >, 0);
  g_assert_true (f.progress_in_main);
  g_assert_cmpfloat (f.last_fraction, >, 0);
  g_assert_cmpfloat (f.last_fraction, <=, 1);
  g_file_delete (file, NULL, NULL);
}

static void
test_skipped (void)
{
  g_autoptr(GFile) file = write_report (3, "no count here\n");
  g_autoptr(LpReportLoader) loader = lp_report_loader_new (file);
  g_autoptr(LpFolded) report = NULL;
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };

  report = load (loader, &f, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (lp_folded_get_total (report), ==, 9);
  g_assert_cmpuint (lp_report_loader_get_n_skipped (loader), ==, 1);
  g_assert_true (g_str_has_prefix (lp_report_loader_get_first_skip (loader), "line 4: "));
  g_file_delete (file, NULL, NULL);
}

static void
test_cancelled (void)
{
  g_autoptr(GFile) file = write_report (200000, "");
  g_autoptr(LpReportLoader) loader = lp_report_loader_new (file);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LpFolded) report = NULL;
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };

  g_cancellable_cancel (cancellable);
  report = load (loader, &f, cancellable, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (report);
  g_file_delete (file, NULL, NULL);
}

static void
test_missing (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/laprof/report.folded");
  g_autoptr(LpReportLoader) loader = lp_report_loader_new (file);
  g_autoptr(LpFolded) report = NULL;
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };

  report = load (loader, &f, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (report);
  g_assert_cmpuint (f.n_progress, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report-loader/reads", test_reads);
  g_test_add_func ("/report-loader/skipped", test_skipped);
  g_test_add_func ("/report-loader/cancelled", test_cancelled);
  g_test_add_func ("/report-loader/missing", test_missing);
  return g_test_run ();
}
