/* test-report-view.c: one view of a report (hidden frames, idle samples, focus, order), as the graph shows it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "lp-collapse.h"
#include "lp-report-view.h"
#include "test-util.h"

/* a program that computes and writes a log, and blocks reading in both */
static const char report_text[] =
  "main;work;compute 5\n"
  "main;work;read_wrapper;[idle: read] 3\n"
  "main;log;write 2\n"
  "main;log;read_wrapper;[idle: read] 4\n";

/* the total of the node at @path (root first, without "all"), or -1 */
static double
total_at (LpFlameModel *model,
          const char   *path)
{
  g_auto(GStrv) names = g_strsplit (path, ";", -1);
  guint32 node = lp_flame_model_find_path (model, (const char * const *) names);

  return node == LP_FLAME_NO_NODE ? -1 : lp_flame_model_get_node (model, node)->total;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* the names of the root's children, sorted, joined by "," */
static char *
root_children (LpFlameModel *model)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const LpFlameNode *root = lp_flame_model_get_node (model, LP_FLAME_ROOT);

  for (guint32 c = root->first_child; c != LP_FLAME_NO_NODE; c = lp_flame_model_get_node (model, c)->next_sibling)
    g_ptr_array_add (names, (gpointer) lp_flame_model_node_name (model, c));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/* what a view of a report shows: the model, the copy its names may live in */
typedef struct
{
  LpFolded     *report;
  LpFolded     *filtered;
  LpFlameModel *model;
  gboolean      focused;
  char         *children;  /* root_children() */
} Shown;

static void
shown_free (Shown *shown)
{
  lp_flame_model_free (shown->model);
  g_clear_pointer (&shown->filtered, lp_folded_free);
  lp_folded_free (shown->report);
  g_free (shown->children);
  g_free (shown);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Shown, shown_free)

/* @view of the report @text; the view is cleared */
static Shown *
show (LpReportView *view,
      const char   *text)
{
  Shown *shown = g_new0 (Shown, 1);

  shown->report = test_folded_from_text (text);
  shown->focused = -1;
  shown->model = lp_report_view_build_model (view, shown->report, &shown->filtered, &shown->focused);
  shown->children = root_children (shown->model);
  lp_report_view_clear (view);
  return shown;
}

static void
test_whole (void)
{
  LpReportView view = { 0 };
  g_autoptr(Shown) shown = NULL;

  g_assert_false (lp_report_view_filters (&view));
  shown = show (&view, report_text);
  g_assert_null (shown->filtered);
  g_assert_false (shown->focused);
  g_assert_cmpstr (shown->children, ==, "main");
  g_assert_cmpfloat (lp_flame_model_get_total (shown->model), ==, 14);
  g_assert_cmpfloat (total_at (shown->model, "main;work"), ==, 8);
  g_assert_cmpfloat (total_at (shown->model, "main;log;read_wrapper;[idle: read]"), ==, 4);
}

/* hidden frames leave the stacks, which stay, shorter; a stack of hidden
 * frames only is left out */
static void
test_hidden (void)
{
  const char *hidden[] = { "log", "work", NULL };
  LpReportView view = { .hidden = g_strdupv ((char **) hidden) };
  g_autoptr(Shown) shown = NULL;

  g_assert_true (lp_report_view_filters (&view));
  shown = show (&view, "main;work;compute 5\nmain;log;write 2\nlog 1\n");
  g_assert_null (view.hidden);
  g_assert_nonnull (shown->filtered);
  g_assert_cmpstr (shown->children, ==, "main");
  g_assert_cmpfloat (lp_flame_model_get_total (shown->model), ==, 7);
  g_assert_cmpfloat (total_at (shown->model, "main"), ==, 7);
  g_assert_cmpfloat (total_at (shown->model, "main;compute"), ==, 5);
  g_assert_cmpfloat (total_at (shown->model, "main;write"), ==, 2);
  g_assert_cmpfloat (total_at (shown->model, "main;work"), ==, -1);
}

/* the idle samples are left out, with no copy of the report */
static void
test_idle (void)
{
  LpReportView view = { .hide_idle = TRUE };
  g_autoptr(Shown) shown = NULL;

  g_assert_true (lp_report_view_filters (&view));
  shown = show (&view, report_text);
  g_assert_null (shown->filtered);
  g_assert_cmpfloat (lp_flame_model_get_total (shown->model), ==, 7);
  g_assert_cmpfloat (total_at (shown->model, "main;work"), ==, 5);
  g_assert_cmpfloat (total_at (shown->model, "main;log"), ==, 2);
  g_assert_cmpfloat (total_at (shown->model, "main;work;read_wrapper"), ==, -1);
}

/* the idle rule, as the collapse step names idle frames */
static void
test_idle_rule (void)
{
  g_assert_true (lp_collapse_is_idle_frame ("[idle: read]"));
  g_assert_true (lp_collapse_is_idle_frame ("[idle: syscall 451]"));
  g_assert_true (g_str_has_prefix ("[idle: futex]", LP_COLLAPSE_IDLE_PREFIX));
  g_assert_false (lp_collapse_is_idle_frame ("idle"));
  g_assert_false (lp_collapse_is_idle_frame ("read_wrapper"));
  g_assert_false (lp_collapse_is_idle_frame ("[unknown]"));
  g_assert_false (lp_collapse_is_idle_frame (NULL));
}

/* every call of the focus merged under one root; a focus not in the view
 * gives the whole view */
static void
test_focus (void)
{
  LpReportView view = { .focus = g_strdup ("read_wrapper") };
  LpReportView nowhere = { .focus = g_strdup ("no such frame") };
  g_autoptr(Shown) shown = show (&view, report_text);
  g_autoptr(Shown) missing = show (&nowhere, report_text);

  g_assert_true (shown->focused);
  g_assert_cmpstr (shown->children, ==, "read_wrapper");
  g_assert_cmpfloat (lp_flame_model_get_total (shown->model), ==, 7);
  g_assert_cmpfloat (total_at (shown->model, "read_wrapper;[idle: read]"), ==, 7);

  g_assert_false (missing->focused);
  g_assert_cmpstr (missing->children, ==, "main");
  g_assert_cmpfloat (lp_flame_model_get_total (missing->model), ==, 14);
}

/* with the idle samples left out, a frame called only while blocked is in
 * no stack shown: no focus */
static void
test_focus_only_idle (void)
{
  LpReportView view = { .hide_idle = TRUE, .focus = g_strdup ("read_wrapper") };
  g_autoptr(Shown) shown = show (&view, report_text);

  g_assert_false (shown->focused);
  g_assert_cmpstr (shown->children, ==, "main");
  g_assert_cmpfloat (lp_flame_model_get_total (shown->model), ==, 7);
  g_assert_cmpfloat (total_at (shown->model, "main;work;compute"), ==, 5);
}

/* bottom-up: the leaves at the root, their callers above */
static void
test_reverse (void)
{
  LpReportView view = { .reverse = TRUE };
  g_autoptr(Shown) shown = show (&view, report_text);

  g_assert_cmpstr (shown->children, ==, "[idle: read],compute,write");
  g_assert_cmpfloat (total_at (shown->model, "[idle: read];read_wrapper;log;main"), ==, 4);
  g_assert_cmpfloat (total_at (shown->model, "compute;work;main"), ==, 5);
}

/* the callers of a focus, bottom-up, without the blocked samples: 5 of
 * main's 14 samples went through work while computing */
static void
test_reverse_focus_idle (void)
{
  LpReportView view = { .reverse = TRUE, .hide_idle = TRUE, .focus = g_strdup ("work") };
  g_autoptr(Shown) shown = show (&view, report_text);

  g_assert_true (shown->focused);
  g_assert_cmpstr (shown->children, ==, "work");
  g_assert_cmpfloat (lp_flame_model_get_total (shown->model), ==, 5);
  g_assert_cmpfloat (total_at (shown->model, "work;main"), ==, 5);
}

/* the model's own idle test, under a focus bottom-up: the stack is cut at
 * the focus, but a blocked sample is left out by its leaf */
static void
test_model_reverse_focus_idle (void)
{
  g_autoptr(LpFolded) report = test_folded_from_text (report_text);
  guint32 work;
  g_autoptr(LpFlameModel) model = NULL;

  g_assert_true (lp_intern_lookup (lp_folded_get_intern (report), "work", 4, &work));
  model = lp_flame_model_new_focus (report, work, LP_FLAME_MODEL_REVERSE | LP_FLAME_MODEL_HIDE_IDLE);
  g_assert_cmpfloat (lp_flame_model_get_total (model), ==, 5);
  g_assert_cmpfloat (total_at (model, "work;main"), ==, 5);
}

/* a copy owns its strings: the original may go */
static void
test_copy (void)
{
  const char *hidden[] = { "log", NULL };
  LpReportView view = { .reverse = TRUE, .hide_idle = TRUE, .hidden = g_strdupv ((char **) hidden),
                        .focus = g_strdup ("main") };
  g_autoptr(LpReportView) copy = lp_report_view_copy (&view);

  lp_report_view_clear (&view);
  g_assert_true (copy->reverse);
  g_assert_true (copy->hide_idle);
  g_assert_cmpstr (copy->hidden[0], ==, "log");
  g_assert_null (copy->hidden[1]);
  g_assert_cmpstr (copy->focus, ==, "main");
}

/* laprof-cli svg --focus --reverse --hide-idle: the picture's total leaves
 * out the blocked samples (it counted them before the view was shared) */
static void
test_cli_reverse_focus_idle (void)
{
  g_autofree char *dir = g_dir_make_tmp ("laprof-view-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "r.folded", NULL);
  const char *cli = g_getenv ("LAPROF_CLI");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("LAPROF_CLI is not set (run through meson test)");
      return;
    }
  g_assert_true (g_file_set_contents (path, report_text, -1, NULL));
  {
    const char *argv[] = { cli, "svg", path, "--focus", "work", "--reverse", "--hide-idle", NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    g_assert_nonnull (strstr (out, "<title>all (5 samples, 100.00%)</title>"));
    g_assert_null (strstr (out, "[idle"));
  }
  {
    /* read_wrapper is only ever blocked: no stack shown goes through it */
    const char *argv[] = { cli, "svg", path, "--focus", "read_wrapper", "--hide-idle", NULL };
    g_autofree char *err = NULL;

    g_clear_pointer (&out, g_free);
    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
    g_assert_nonnull (strstr (err, "read_wrapper"));
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/report-view/whole", test_whole);
  g_test_add_func ("/render/report-view/hidden", test_hidden);
  g_test_add_func ("/render/report-view/idle", test_idle);
  g_test_add_func ("/render/report-view/idle-rule", test_idle_rule);
  g_test_add_func ("/render/report-view/focus", test_focus);
  g_test_add_func ("/render/report-view/focus-only-idle", test_focus_only_idle);
  g_test_add_func ("/render/report-view/reverse", test_reverse);
  g_test_add_func ("/render/report-view/reverse-focus-idle", test_reverse_focus_idle);
  g_test_add_func ("/render/report-view/model-reverse-focus-idle", test_model_reverse_focus_idle);
  g_test_add_func ("/render/report-view/copy", test_copy);
  g_test_add_func ("/render/report-view/cli-reverse-focus-idle", test_cli_reverse_focus_idle);
  return g_test_run ();
}
