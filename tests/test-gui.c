/* test-gui.c: the laprof window and process picker, in real windows under Xvfb.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-application.h"
#include "lp-launch-dialog.h"
#include "lp-process-picker.h"
#include "lp-window.h"

static LpApplication *app;

/* Runs the main loop until @done returns TRUE or @seconds pass. */
static gboolean
spin_until (gboolean (*done) (gpointer),
            gpointer   data,
            double     seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
page_is_not_loading (gpointer data)
{
  const char *page = lp_window_get_page (data);
  return page != NULL && !g_str_equal (page, "loading");
}

static void
test_open_report (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpFolded *report;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (lp_window_get_page (window), ==, "welcome");

  lp_window_open_file (window, file);
  g_assert_true (spin_until (page_is_not_loading, window, 20));
  g_assert_cmpstr (lp_window_get_page (window), ==, "report");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "demo.folded");

  report = lp_window_get_report (window);
  g_assert_nonnull (report);
  g_assert_cmpfloat (lp_folded_get_total (report), ==, 12736);
  g_assert_cmpuint (lp_folded_get_n_stacks (report), ==, 354);

  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwMessageDialog *
find_dialog_for (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == parent)
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog_for (data) != NULL;
}

static void
test_open_bad_report (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-gui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bad.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  AdwMessageDialog *dialog;

  g_file_set_contents (path, "this is not\na folded report\n", -1, &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);

  /* the window says why, and stays usable on its welcome page */
  g_assert_true (spin_until (has_dialog, window, 20));
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "bad.folded"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "folded stack"));
  g_assert_cmpstr (lp_window_get_page (window), ==, "welcome");
  g_assert_null (lp_window_get_report (window));

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  int   pid;
  char *name;
} Chosen;

static void
chosen_cb (LpProcessPicker *picker,
           int              pid,
           const char      *name,
           Chosen          *chosen)
{
  chosen->pid = pid;
  chosen->name = g_strdup (name);
}

static GPid
spawn_sleeper (void)
{
  const char *argv[] = { "sleep", "60", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static void
reap (GPid pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = find_button (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_picker_choose (void)
{
  GPid pid = spawn_sleeper ();
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpProcessPicker *picker;
  GtkWidget *record;
  Chosen chosen = { 0 };

  g_usleep (100000);   /* let the child exec, so that its name is "sleep" */
  gtk_window_present (GTK_WINDOW (window));
  picker = lp_process_picker_new (GTK_WINDOW (window));
  g_signal_connect (picker, "process-chosen", G_CALLBACK (chosen_cb), &chosen);
  gtk_window_present (GTK_WINDOW (picker));

  g_assert_true (lp_process_picker_select (picker, pid));
  record = find_button (GTK_WIDGET (picker), "_Record");
  g_assert_nonnull (record);
  g_assert_true (gtk_widget_get_sensitive (record));
  g_signal_emit_by_name (record, "clicked");

  g_assert_cmpint (chosen.pid, ==, pid);
  g_assert_cmpstr (chosen.name, ==, "sleep");

  g_free (chosen.name);
  gtk_window_destroy (GTK_WINDOW (window));
  reap (pid);
}

static void
test_picker_explains (void)
{
  GPid pid = spawn_sleeper ();
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpProcessPicker *picker;
  GtkWidget *record;
  Chosen chosen = { 0 };

  /* a process already traced (as by gdb) cannot be attached to */
  g_assert_cmpint (ptrace (PTRACE_SEIZE, pid, NULL, NULL), ==, 0);

  gtk_window_present (GTK_WINDOW (window));
  picker = lp_process_picker_new (GTK_WINDOW (window));
  g_signal_connect (picker, "process-chosen", G_CALLBACK (chosen_cb), &chosen);
  gtk_window_present (GTK_WINDOW (picker));

  g_assert_true (lp_process_picker_select (picker, pid));
  record = find_button (GTK_WIDGET (picker), "_Record");
  g_assert_false (gtk_widget_get_sensitive (record));
  g_signal_emit_by_name (record, "clicked");
  g_assert_cmpint (chosen.pid, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  reap (pid);
}

static void
launch_requested_cb (LpLaunchDialog     *dialog,
                     const char * const *argv,
                     const char         *directory,
                     GStrv              *out)
{
  *out = g_strdupv ((char **) argv);
}

static void
test_launch_dialog (void)
{
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpLaunchDialog *dialog;
  g_auto(GStrv) argv = NULL;

  gtk_window_present (GTK_WINDOW (window));
  dialog = lp_launch_dialog_new (GTK_WINDOW (window));
  g_signal_connect (dialog, "launch-requested", G_CALLBACK (launch_requested_cb), &argv);
  gtk_window_present (GTK_WINDOW (dialog));

  /* a command that does not parse, or a program that is not there: refused */
  lp_launch_dialog_set_command (dialog, "xz -9 'unclosed");
  g_assert_false (lp_launch_dialog_launch (dialog));
  lp_launch_dialog_set_command (dialog, "no-such-program-laprof --x");
  g_assert_false (lp_launch_dialog_launch (dialog));
  g_assert_null (argv);

  lp_launch_dialog_set_command (dialog, "sleep '1.5'");
  g_assert_true (lp_launch_dialog_launch (dialog));
  g_assert_nonnull (argv);
  g_assert_cmpstr (argv[0], ==, "sleep");
  g_assert_cmpstr (argv[1], ==, "1.5");
  g_assert_null (argv[2]);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  app = lp_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/gui/window/open-report", test_open_report);
  g_test_add_func ("/gui/window/open-bad-report", test_open_bad_report);
  g_test_add_func ("/gui/picker/choose", test_picker_choose);
  g_test_add_func ("/gui/picker/explains", test_picker_explains);
  g_test_add_func ("/gui/launch-dialog", test_launch_dialog);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
