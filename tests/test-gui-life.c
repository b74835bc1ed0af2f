/* test-gui-life.c: the life of a recording window under Xvfb: closing it, unsaved samples, live states.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-application.h"
#include "lp-window.h"
#include "test-gui-util.h"

static LpApplication *app;

/* ---- processes ---- */

/* the state letter of @pid ('R', 'S', 'Z', 't', …), or 0 if it is gone */
static char
process_state (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *paren;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  paren = strrchr (text, ')');
  return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

static gboolean
process_gone (gpointer data)
{
  char state = process_state (GPOINTER_TO_INT (data));
  /* a zombie has ended; its parent may be gone, or not reap it here */
  return state == 0 || state == 'Z' || state == 'X';
}

/* waits up to @seconds for @pid to end, without a main loop */
static gboolean
wait_gone (int    pid,
           double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!process_gone (GINT_TO_POINTER (pid)))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_usleep (20000);
    }
  return TRUE;
}

/* the first child of @parent found in /proc, or 0 */
static int
child_of (int parent)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      const char *paren;
      int ppid = 0;
      char state;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      paren = strrchr (text, ')');
      if (paren == NULL || sscanf (paren + 2, "%c %d", &state, &ppid) != 2)
        continue;
      if (ppid == parent && state != 'Z')
        return atoi (name);
    }
  return 0;
}

/* a sleeper that has exec'd, so that its name is "sleep" */
static GPid
spawn_sleeper (void)
{
  GPid pid = test_gui_spawn_sleeper ();

  g_usleep (100000);
  return pid;
}

/* ---- widgets ---- */

static AdwMessageDialog *
find_dialog_for (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == parent &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* as a click on the dialog's button: the response, then the dialog goes */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  test_gui_spin (0.1);
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog_for (data) != NULL;
}

static int
count_dialogs (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  int n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == parent &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        n++;
    }
  return n;
}

static GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (match (child, data))
        return child;
      if ((found = find_widget (child, match, data)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_label_prefixed (GtkWidget    *widget,
                   gconstpointer prefix)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

static gboolean
has_tooltip_text (GtkWidget    *widget,
                  gconstpointer text)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0;
}

static GtkFileChooser *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_FILE_CHOOSER (w);
    }
  return NULL;
}

static gboolean
has_file_chooser (gpointer data)
{
  return find_file_chooser () != NULL;
}

/* the live line over the graph: "Recording: …", "Paused: …" */
static const char *
live_text (LpWindow *window)
{
  const char *prefixes[] = { "Recording: ", "Paused: ", "Stopped: ", "The program ended: ",
                             "Recording finished: ", "Recording failed: " };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      GtkWidget *label = find_widget (GTK_WIDGET (window), is_label_prefixed, prefixes[i]);
      if (label != NULL && gtk_widget_get_mapped (label))
        return gtk_label_get_text (GTK_LABEL (label));
    }
  return NULL;
}

static gboolean
is_type (GtkWidget    *widget,
         gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, (GType) GPOINTER_TO_SIZE (type));
}

/* the window's subtitle, as the header bar shows it */
static const char *
subtitle (LpWindow *window)
{
  GtkWidget *title = find_widget (GTK_WIDGET (window), is_type, GSIZE_TO_POINTER (ADW_TYPE_WINDOW_TITLE));

  g_assert_nonnull (title);
  return adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title));
}

/* ---- recording ---- */

static gboolean
recorder_has_batches (gpointer data)
{
  LpRecorder *recorder = lp_window_get_recorder (data);
  const LpFlameLayout *layout = lp_flame_view_get_layout (lp_window_get_flame_view (data));

  return recorder != NULL && lp_recorder_get_n_batches (recorder) >= 3 &&
         lp_recorder_get_samples (recorder) > 0 && layout != NULL && layout->rects->len > 3;
}

static LpWindow *
record_demo (void)
{
  g_autofree char *demo = lp_application_find_demo ();
  const char *argv[] = { demo, "--forever", "--scale", "0.3", NULL };
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  g_assert_nonnull (demo);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 30));
  return window;
}

/* ---- 1. closing during a recording ---- */

static char *
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (args, (gpointer) "xdotool");
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  /* "search" fails when nothing matches: the caller looks at the output */
  return out;
}

/* the X windows of @pid, as one string */
static char *
windows_of (GPid pid)
{
  g_autofree char *spid = g_strdup_printf ("%d", pid);
  return xdotool ("search", "--onlyvisible", "--pid", spid, NULL);
}

/* the last line of @windows that @before does not have */
static char *
new_window (const char *windows,
            const char *before)
{
  g_auto(GStrv) lines = g_strsplit (windows, "\n", -1);
  char *found = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && strstr (before, lines[i]) == NULL)
      {
        g_free (found);
        found = g_strdup (lines[i]);
      }
  return found;
}

typedef struct
{
  GSubprocess *process;
  gboolean     done;
} Waiting;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiting *w = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  w->done = TRUE;
}

static gboolean
waiting_done (gpointer data)
{
  return ((Waiting *) data)->done;
}

/* The program itself, as a user runs it: `laprof --demo`, with warnings
 * fatal; Ctrl+. (Stop) first if @stop_first, then Ctrl+Q and Alt+D
 * (Discard) in the question. It must exit 0, print no warning, and leave
 * neither its engine nor the demo behind. */
static void
quit_while_recording (gboolean stop_first)
{
  const char *gui = g_getenv ("LAPROF_GUI");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-life-XXXXXX", NULL);
  g_autofree char *err_path = g_build_filename (dir, "stderr.txt", NULL);
  g_autofree char *errors = NULL;
  g_autofree char *main_window = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *dialog = NULL;
  Waiting waiting = { 0 };
  int pid, engine = 0, demo = 0;
  gint64 end;

  g_assert_nonnull (gui);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-warnings", TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  waiting.process = g_subprocess_launcher_spawn (launcher, &error, gui, "--demo", NULL);
  g_assert_no_error (error);
  pid = atoi (g_subprocess_get_identifier (waiting.process));

  /* the engine, and the demo it launched, and a few batches in the window */
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((engine == 0 || demo == 0) && g_get_monotonic_time () < end)
    {
      g_usleep (100000);
      engine = child_of (pid);
      demo = engine > 0 ? child_of (engine) : 0;
    }
  g_assert_cmpint (engine, >, 0);
  g_assert_cmpint (demo, >, 0);
  /* the pointer out of the windows: a tooltip is an X window of the
   * program too, and must not be taken for the window or the question */
  g_free (xdotool ("mousemove", "--sync", "1279", "799", NULL));
  g_usleep (2 * G_USEC_PER_SEC);
  before = windows_of (pid);
  {
    g_autofree char *spid = g_strdup_printf ("%d", pid);
    g_autofree char *named = xdotool ("search", "--onlyvisible", "--pid", spid, "--name", "demo-handler", NULL);

    main_window = new_window (named, "");
  }
  g_assert_nonnull (main_window);

  if (stop_first)
    {
      g_free (xdotool ("windowfocus", "--sync", main_window, "key", "ctrl+period", NULL));
      g_assert_true (wait_gone (demo, 10));
      g_usleep (500000);
    }
  g_free (xdotool ("windowfocus", "--sync", main_window, "key", "ctrl+q", NULL));
  /* the question: Save, Discard or Cancel */
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (dialog == NULL && g_get_monotonic_time () < end)
    {
      g_usleep (100000);
      g_free (after);
      after = windows_of (pid);
      dialog = new_window (after, before);
    }
  if (dialog == NULL)
    {
      g_autofree char *text = NULL;
      const char *argv[] = { "import", "-window", "root", "/tmp/gl-fail.png", NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
      g_file_get_contents (err_path, &text, NULL, NULL);
      g_autofree char *b = g_strescape (before, NULL);
      g_autofree char *a = g_strescape (after != NULL ? after : "", NULL);
      g_autofree char *e = g_strescape (text != NULL ? text : "", NULL);

      g_test_message ("no question; windows before: %s, after: %s; laprof %s; stderr: %s",
                      b, a, process_gone (GINT_TO_POINTER (pid)) ? "gone" : "running", e);
    }
  g_assert_nonnull (dialog);
  g_usleep (300000);
  g_free (xdotool ("windowfocus", "--sync", dialog, "key", "alt+d", NULL));
  g_subprocess_wait_async (waiting.process, NULL, wait_cb, &waiting);
  if (!test_gui_spin_until (waiting_done, &waiting, 20))
    {
      g_subprocess_force_exit (waiting.process);
      g_error ("laprof did not exit after Discard");
    }
  g_file_get_contents (err_path, &errors, NULL, NULL);
  if (errors != NULL && errors[0] != '\0')
    g_test_message ("laprof's standard error:\n%s", errors);
  g_assert_true (g_subprocess_get_if_exited (waiting.process));
  g_assert_cmpint (g_subprocess_get_exit_status (waiting.process), ==, 0);
  g_assert_null (strstr (errors, "WARNING"));
  g_assert_null (strstr (errors, "CRITICAL"));
  g_assert_null (strstr (errors, "Sanitizer"));
  /* nothing left behind */
  g_assert_true (wait_gone (engine, 5));
  g_assert_true (wait_gone (demo, 5));

  g_unlink (err_path);
  g_rmdir (dir);
  g_object_unref (waiting.process);
}

static void
test_quit_while_recording (void)
{
  quit_while_recording (FALSE);
}

static void
test_stop_then_quit (void)
{
  quit_while_recording (TRUE);
}

/* The same in this process (so that AddressSanitizer sees it): a window
 * closed during a recording, Discard; its engine and the demo end, and
 * nothing touches the window's report afterwards. */
static void
test_close_discard_in_process (void)
{
  LpWindow *window = record_demo ();
  LpRecorder *recorder = lp_window_get_recorder (window);
  int engine = lp_recorder_get_engine_pid (recorder);
  int demo = lp_recorder_get_pid (recorder);
  AdwMessageDialog *dialog;

  g_assert_cmpint (engine, >, 0);
  g_assert_cmpint (demo, >, 0);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (test_gui_spin_until (has_dialog, window, 10));
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save the Recording?");
  test_gui_screenshot ("ask-before-discard");
  respond (dialog, "discard");
  /* the window is gone; the engine keeps writing for a moment, into nothing */
  g_assert_true (test_gui_spin_until (process_gone, GINT_TO_POINTER (engine), 10));
  g_assert_true (test_gui_spin_until (process_gone, GINT_TO_POINTER (demo), 10));
  test_gui_spin (0.5);
}

/* Closing a window recording an attached process: the engine ends, the
 * process runs on, not stopped. */
static void
test_close_attached (void)
{
  GPid pid = spawn_sleeper ();
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  AdwMessageDialog *dialog;
  int engine;

  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_pid (window, pid, "sleep");
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 30));
  engine = lp_recorder_get_engine_pid (lp_window_get_recorder (window));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (test_gui_spin_until (has_dialog, window, 10));
  dialog = find_dialog_for (GTK_WINDOW (window));
  respond (dialog, "discard");
  g_assert_true (test_gui_spin_until (process_gone, GINT_TO_POINTER (engine), 10));
  g_assert_cmpint (process_state (pid), ==, 'S');
  test_gui_reap (pid);
}

/* ---- 2. unsaved recordings are not lost without asking ---- */

static gboolean
page_is_report_of (gpointer data)
{
  LpWindow *window = data;
  LpFolded *report = lp_window_get_report (window);

  return g_str_equal (lp_window_get_page (window), "report") && lp_window_get_recorder (window) == NULL &&
         report != NULL && lp_folded_get_total (report) == 12736;
}

/* answers the question over @window with @response; FALSE if none came */
static gboolean
answer (LpWindow   *window,
        const char *response)
{
  AdwMessageDialog *dialog;

  if (!test_gui_spin_until (has_dialog, window, 5))
    return FALSE;
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save the Recording?");
  respond (dialog, response);
  return TRUE;
}

static void
open_demo_report (LpWindow *window,
                  gpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  lp_window_open_file (window, file);
}

static void
open_demo_from_directory (LpWindow *window,
                          gpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lp_window_open_destination (window, data, &error));
  g_assert_no_error (error);
}

/* a file dropped on the window, as GTK hands it to the window's drop target */
static void
drop_demo_file (LpWindow *window,
                gpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  guint i;

  for (i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_value_init (&value, G_TYPE_FILE);
          g_value_set_object (&value, file);
          g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &accepted);
          g_value_unset (&value);
          break;
        }
    }
  g_assert_true (accepted);
}

static gboolean
is_recent_list (GtkWidget    *widget,
                gconstpointer name)
{
  GtkListBoxRow *row;

  if (!GTK_IS_LIST_BOX (widget) || (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (widget), 0)) == NULL)
    return FALSE;
  return ADW_IS_PREFERENCES_ROW (row) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name) == 0;
}

static void
open_recent_row (LpWindow *window,
                 gpointer  data)
{
  /* the welcome page's list of recent reports: demo.folded is there */
  GtkWidget *list = find_widget (GTK_WIDGET (window), is_recent_list, "demo.folded");

  g_assert_nonnull (list);
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
}

/* Each way of replacing an unsaved recording asks first: Cancel keeps the
 * recording going, Discard replaces it. */
static void
check_asks (void (*replace) (LpWindow *, gpointer),
            gpointer data)
{
  LpWindow *window = record_demo ();
  LpRecorder *recorder = lp_window_get_recorder (window);
  LpFolded *report = lp_window_get_report (window);

  replace (window, data);
  g_assert_true (answer (window, "cancel"));
  test_gui_spin (0.5);
  g_assert_true (lp_window_get_recorder (window) == recorder);
  g_assert_true (lp_window_get_report (window) == report);
  g_assert_true (lp_recorder_is_running (recorder));
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));

  replace (window, data);
  g_assert_true (answer (window, "discard"));
  g_assert_true (test_gui_spin_until (page_is_report_of, window, 20));
  g_assert_cmpint (count_dialogs (GTK_WINDOW (window)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_ask_open_report (void)
{
  check_asks (open_demo_report, NULL);
}

static void
test_ask_drop_file (void)
{
  check_asks (drop_demo_file, NULL);
}

static void
test_ask_open_directory (void)
{
  g_autofree char *dir = g_dir_make_tmp ("laprof-life-XXXXXX", NULL);
  g_autofree char *src = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autofree char *dst = g_build_filename (dir, "demo.folded", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (dst, text, -1, NULL));
  check_asks (open_demo_from_directory, dir);
  g_unlink (dst);
  g_rmdir (dir);
}

static gboolean
recent_has_demo (gpointer data)
{
  return find_widget (GTK_WIDGET (data), is_recent_list, "demo.folded") != NULL;
}

static void
test_ask_open_recent (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  LpWindow *probe = lp_window_new (GTK_APPLICATION (app));

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
  g_assert_true (test_gui_spin_until (recent_has_demo, probe, 10));
  gtk_window_destroy (GTK_WINDOW (probe));
  check_asks (open_recent_row, NULL);
}

/* a report opened heads the recent reports: the file written on a thread
 * (not GTK's save on the main loop), GTK's manager reloads it, and the
 * welcome page of another window lists it */
static gboolean
recent_has_uri (gpointer data)
{
  return gtk_recent_manager_has_item (gtk_recent_manager_get_default (), data);
}

static void
test_recent_written (void)
{
  g_autofree char *src = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autofree char *dir = g_dir_make_tmp ("laprof-recent-XXXXXX", NULL);
  g_autofree char *dst = g_build_filename (dir, "demo.folded", NULL);
  g_autofree char *xbel = g_build_filename (g_get_user_data_dir (), "recently-used.xbel", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (dst);
  g_autofree char *uri = g_file_get_uri (file);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpWindow *probe;

  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (dst, text, -1, NULL));
  g_assert_false (recent_has_uri (uri));
  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (recent_has_uri, uri, 10));
  g_assert_true (g_file_get_contents (xbel, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, uri));
  probe = lp_window_new (GTK_APPLICATION (app));
  g_assert_true (test_gui_spin_until (recent_has_demo, probe, 10));
  gtk_window_destroy (GTK_WINDOW (probe));
  gtk_window_destroy (GTK_WINDOW (window));
  gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, NULL);
  g_unlink (dst);
  g_rmdir (dir);
}

static void
record_sleeper (LpWindow *window,
                gpointer  data)
{
  lp_window_record_pid (window, GPOINTER_TO_INT (data), "sleep");
}

/* a new recording in the window (as --attach or a script does) asks too */
static void
test_ask_new_recording (void)
{
  GPid pid = spawn_sleeper ();
  LpWindow *window = record_demo ();
  LpRecorder *recorder = lp_window_get_recorder (window);

  record_sleeper (window, GINT_TO_POINTER (pid));
  g_assert_true (answer (window, "cancel"));
  g_assert_true (lp_window_get_recorder (window) == recorder);
  g_assert_true (lp_recorder_is_running (recorder));

  record_sleeper (window, GINT_TO_POINTER (pid));
  g_assert_true (answer (window, "discard"));
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 30));
  g_assert_cmpint (lp_recorder_get_pid (lp_window_get_recorder (window)), ==, pid);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  gtk_window_destroy (GTK_WINDOW (window));
  test_gui_reap (pid);
}

/* Save in the question: the file chooser, and once saved, what was asked
 * (here, the close) goes on */
static void
test_ask_save_then_close (void)
{
  LpWindow *window = record_demo ();
  LpRecorder *recorder = lp_window_get_recorder (window);
  int engine = lp_recorder_get_engine_pid (recorder);
  g_autofree char *dir = g_dir_make_tmp ("laprof-life-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kept.folded", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  GtkFileChooser *chooser;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (answer (window, "save"));
  g_assert_true (test_gui_spin_until (has_file_chooser, NULL, 10));
  chooser = find_file_chooser ();
  /* Cancel in the chooser: nothing is lost, the window stays */
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  test_gui_spin (0.3);
  g_assert_nonnull (window);
  g_assert_true (lp_recorder_is_running (recorder));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (answer (window, "save"));
  g_assert_true (test_gui_spin_until (has_file_chooser, NULL, 10));
  chooser = find_file_chooser ();
  g_assert_true (gtk_file_chooser_set_current_folder (chooser, folder, &error));
  gtk_file_chooser_set_current_name (chooser, "kept.folded");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  test_gui_spin (0.5);
  /* saved, then closed, and the engine ended */
  g_assert_null (window);
  g_assert_true (test_gui_spin_until (process_gone, GINT_TO_POINTER (engine), 10));
  g_assert_true (g_file_get_contents (path, &kept, NULL, &error));
  g_assert_nonnull (strstr (kept, "demo-handler;"));
  g_unlink (path);
  g_rmdir (dir);
}

static GtkWidget *
record_again_button (LpWindow *window)
{
  GtkWidget *button = find_widget (GTK_WIDGET (window), has_tooltip_text, "Record Again");

  g_assert_nonnull (button);
  return button;
}

/* Record Again of a launch: asks, then launches the command again */
static void
test_record_again_launch (void)
{
  LpWindow *window = record_demo ();
  LpRecorder *first = lp_window_get_recorder (window);
  int first_pid = lp_recorder_get_pid (first);

  g_assert_false (gtk_widget_get_sensitive (record_again_button (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  g_assert_true (gtk_widget_get_sensitive (record_again_button (window)));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.restart", NULL);
  g_assert_true (answer (window, "cancel"));
  g_assert_true (lp_window_get_recorder (window) == first);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.restart", NULL);
  g_assert_true (answer (window, "discard"));
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 30));
  /* (a new recorder may sit where the old one was freed: compare pids) */
  g_assert_true (lp_recorder_is_launch (lp_window_get_recorder (window)));
  g_assert_cmpint (lp_recorder_get_pid (lp_window_get_recorder (window)), !=, first_pid);
  g_assert_true (lp_recorder_is_running (lp_window_get_recorder (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
insensitive (gpointer data)
{
  return !gtk_widget_get_sensitive (data);
}

/* Record Again of an attached process: only while the process is there */
static void
test_record_again_attach_gone (void)
{
  GPid pid = spawn_sleeper ();
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  LpRecorder *recorder;

  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_pid (window, pid, "sleep");
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 30));
  recorder = lp_window_get_recorder (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  g_assert_true (gtk_widget_get_sensitive (record_again_button (window)));

  /* the process ends after the recording: Record Again goes grey */
  test_gui_reap (pid);
  g_assert_true (test_gui_spin_until (insensitive, record_again_button (window), 5));
  /* and the action does nothing: the recording stays */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.restart", NULL);
  test_gui_spin (0.3);
  g_assert_cmpint (count_dialogs (GTK_WINDOW (window)), ==, 0);
  g_assert_true (lp_window_get_recorder (window) == recorder);
  g_assert_cmpstr (lp_window_get_page (window), ==, "report");
  g_assert_cmpuint (lp_folded_get_n_stacks (lp_window_get_report (window)), >, 0);

  /* an attached process that exits during the recording: the same */
  pid = spawn_sleeper ();
  lp_window_record_pid (window, pid, "sleep");
  g_assert_true (answer (window, "discard"));
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 30));
  test_gui_reap (pid);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  g_assert_false (gtk_widget_get_sensitive (record_again_button (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.restart", NULL);
  test_gui_spin (0.3);
  g_assert_cmpstr (lp_window_get_page (window), ==, "report");
  g_assert_cmpint (count_dialogs (GTK_WINDOW (window)), ==, 0);
  /* closing still asks: the samples are not saved */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (answer (window, "discard"));
}

/* ---- 5. the live view: header, subtitle, graph and tooltip agree ---- */

static double
graph_total (LpWindow *window)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (lp_window_get_flame_view (window));
  return layout != NULL ? layout->total : -1;
}

static gboolean
has_more_batches (gpointer data)
{
  gpointer *args = data;
  return lp_recorder_get_n_batches (args[0]) >= GPOINTER_TO_UINT (args[1]);
}

static void
wait_batches (LpRecorder *recorder,
              guint       more)
{
  gpointer args[2] = { recorder, GUINT_TO_POINTER (lp_recorder_get_n_batches (recorder) + more) };
  g_assert_true (test_gui_spin_until (has_more_batches, args, 20));
  test_gui_spin (0.05);
}

static void
test_live_states (void)
{
  LpWindow *window = record_demo ();
  LpRecorder *recorder = lp_window_get_recorder (window);
  g_autofree char *want = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *recorded = NULL;
  double frozen;

  g_assert_cmpstr (subtitle (window), ==, "Recording");
  g_assert_true (g_str_has_prefix (live_text (window), "Recording: "));

  /* paused: the graph stands still and the header says so, with both counts */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  frozen = graph_total (window);
  wait_batches (recorder, 3);
  g_assert_cmpstr (subtitle (window), ==, "Paused");
  g_assert_cmpfloat (graph_total (window), ==, frozen);
  g_assert_cmpfloat (lp_recorder_get_samples (recorder), >, frozen);
  shown = lp_flame_picture_format_count (frozen);
  recorded = lp_flame_picture_format_count ((double) lp_recorder_get_samples (recorder));
  want = g_strdup_printf ("%s samples shown, %s recorded", shown, recorded);
  g_test_message ("paused: %s", live_text (window));
  g_assert_true (g_str_has_prefix (live_text (window), "Paused: "));
  g_assert_nonnull (strstr (live_text (window), want));
  test_gui_screenshot ("live-paused");

  /* resumed: the graph catches up with what was recorded */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  test_gui_spin (0.05);
  g_assert_cmpfloat (graph_total (window), ==, lp_folded_get_total (lp_window_get_report (window)));
  g_assert_cmpstr (subtitle (window), ==, "Recording");

  /* the user's Stop is a stop, though the demo dies of it */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  test_gui_spin (0.1);
  g_assert_cmpstr (subtitle (window), ==, "Stopped");
  g_assert_true (g_str_has_prefix (live_text (window), "Stopped: "));
  test_gui_screenshot ("live-stopped");
  g_assert_cmpfloat (graph_total (window), ==, lp_folded_get_total (lp_window_get_report (window)));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (answer (window, "discard"));
}

static void
test_live_program_ended (void)
{
  const char *argv[] = { "sh", "-c", "sleep 1.5; exit 3", NULL };
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 30));
  test_gui_spin (0.1);
  g_assert_cmpstr (subtitle (window), ==, "The program ended (exit status 3)");
  g_assert_true (g_str_has_prefix (live_text (window), "The program ended: "));
  gtk_window_close (GTK_WINDOW (window));
  answer (window, "discard");
}

/* the tooltip window GTK shows over @root, if any */
static gboolean
is_tooltip_label (GtkWidget    *widget,
                  gconstpointer data)
{
  GtkWidget *parent;

  if (!GTK_IS_LABEL (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  for (parent = gtk_widget_get_parent (widget); parent != NULL; parent = gtk_widget_get_parent (parent))
    if (g_str_equal (G_OBJECT_TYPE_NAME (parent), "GtkTooltipWindow"))
      return TRUE;
  return FALSE;
}

static const char *
tooltip_text (LpWindow *window)
{
  GtkWidget *label = find_widget (GTK_WIDGET (window), is_tooltip_label, NULL);
  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static gboolean
tooltip_shown (gpointer data)
{
  return tooltip_text (data) != NULL;
}

static const LpFlameRect *
root_rect (LpFlameView *view)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (view);

  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      if (r->node == LP_FLAME_ROOT)
        return r;
    }
  return NULL;
}

/* where the pointer was put, in the graph widget's coordinates */
static graphene_point_t pointer_in_view;

/* the hover text of the box under the pointer now, or NULL */
static char *
graph_text_at_pointer (LpFlameView *view)
{
  const LpFlameRect *rect = lp_flame_view_rect_at (view, pointer_in_view.x, pointer_in_view.y);
  return rect != NULL ? lp_flame_view_describe (view, rect) : NULL;
}

/* the tooltip says what the graph says now of the box under the pointer */
static gboolean
tooltip_is_graph (gpointer data)
{
  g_autofree char *want = graph_text_at_pointer (lp_window_get_flame_view (data));

  return want != NULL && g_strcmp0 (tooltip_text (data), want) == 0;
}

/* Under a still pointer, the tooltip follows the graph as it grows. */
static void
test_tooltip_follows (void)
{
  LpWindow *window = record_demo ();
  LpFlameView *view = lp_window_get_flame_view (window);
  LpRecorder *recorder = lp_window_get_recorder (window);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (view));
  const LpFlameRect *root = root_rect (view);
  graphene_point_t in_view, in_native;
  double sx, sy;
  g_autofree char *x = NULL, *y = NULL, *xid = NULL;
  g_autofree char *first = NULL;
  g_autofree char *want = NULL;

  g_assert_nonnull (root);
  in_view.x = root->x + root->width / 2;
  in_view.y = lp_flame_view_graph_to_widget_y (view, root->y + 5);
  pointer_in_view = in_view;
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (view), GTK_WIDGET (native), &in_view, &in_native));
  gtk_native_get_surface_transform (native, &sx, &sy);
  x = g_strdup_printf ("%d", (int) (in_native.x + sx));
  y = g_strdup_printf ("%d", (int) (in_native.y + sy));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  g_free (xdotool ("mousemove", "--sync", "--window", xid, x, y, NULL));

  g_assert_true (test_gui_spin_until (tooltip_shown, window, 10));
  first = g_strdup (tooltip_text (window));
  g_test_message ("first tooltip: %s", first);
  /* (the box under the pointer may change as the graph grows and scrolls:
   * the tooltip follows whichever it is) */

  /* the pointer stays; samples arrive */
  wait_batches (recorder, 4);
  if (!test_gui_spin_until (tooltip_is_graph, window, 3))
    {
      want = graph_text_at_pointer (view);
      g_autofree char *got = g_strescape (tooltip_text (window) ? tooltip_text (window) : "(none)", NULL);
      g_autofree char *wanted = g_strescape (want != NULL ? want : "(none)", NULL);
      g_test_message ("tooltip now: %s; the graph: %s", got, wanted);
      g_assert_not_reached ();
    }
  g_assert_cmpstr (tooltip_text (window), !=, first);

  g_free (xdotool ("mousemove", "--sync", "0", "0", NULL));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  gtk_window_close (GTK_WINDOW (window));
  answer (window, "discard");
}

/* ---- 7. names and titles after the target; the summary ---- */

/* the name the Save dialog suggests for the recording in @window */
static char *
suggested_save_name (LpWindow *window)
{
  GtkFileChooser *chooser;
  char *name;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  g_assert_true (test_gui_spin_until (has_file_chooser, NULL, 10));
  chooser = find_file_chooser ();
  name = gtk_file_chooser_get_current_name (chooser);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  test_gui_spin (0.2);
  return name;
}

static void
test_save_name_and_title (void)
{
  LpWindow *window = record_demo ();
  LpRecorder *recorder = lp_window_get_recorder (window);
  int pid = lp_recorder_get_pid (recorder);
  g_autofree char *name = suggested_save_name (window);
  /* (issue 16: a recording, with its times, is saved as a capture) */
  g_autofree char *want = g_strdup_printf ("laprof-demo-handler-%d.laprof", pid);
  g_autofree char *dir = g_dir_make_tmp ("laprof-life-XXXXXX", NULL);
  g_autofree char *svg_path = g_build_filename (dir, "graph.svg", NULL);
  g_autofree char *svg = NULL;
  g_autofree char *title = g_strdup_printf (">laprof — demo-handler (%d)<", pid);
  g_autoptr(GError) error = NULL;
  GPid sleeper;

  g_assert_cmpstr (name, ==, want);

  /* the exported graph is titled after the target */
  g_assert_true (lp_window_save_to (window, "svg", svg_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, title));
  g_assert_null (strstr (svg, ">Flame Graph<"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  gtk_window_close (GTK_WINDOW (window));
  answer (window, "discard");

  /* an attached process: its name, as laprof-cli names it */
  sleeper = spawn_sleeper ();
  window = lp_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_pid (window, sleeper, "sleep");
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 30));
  g_free (name);
  g_free (want);
  name = suggested_save_name (window);
  want = g_strdup_printf ("laprof-sleep-%d.laprof", sleeper);
  g_assert_cmpstr (name, ==, want);
  gtk_window_close (GTK_WINDOW (window));
  answer (window, "discard");
  test_gui_reap (sleeper);
  g_unlink (svg_path);
  g_rmdir (dir);
}

typedef struct
{
  const char *title;
  const char *value;
} RowQuery;

static gboolean
is_row_titled (GtkWidget    *widget,
               gconstpointer title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* the value shown on the summary's row @title */
static const char *
row_value (GtkWidget  *dialog,
           const char *title)
{
  GtkWidget *row = find_widget (dialog, is_row_titled, title);

  return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

static void
test_summary (void)
{
  LpWindow *window = record_demo ();
  LpRecorder *recorder = lp_window_get_recorder (window);
  AdwMessageDialog *dialog;
  g_autofree char *samples = NULL;
  const char *value;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.summary", NULL);
  g_assert_true (test_gui_spin_until (has_dialog, window, 5));
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Recording Summary");

  g_assert_cmpstr (row_value (GTK_WIDGET (dialog), "Target"), ==, "demo-handler, launched");
  g_assert_cmpstr (row_value (GTK_WIDGET (dialog), "Mode"), ==, "Wall clock (running and blocked threads)");
  value = row_value (GTK_WIDGET (dialog), "Frequency");
  g_assert_true (g_str_has_prefix (value, "100 Hz"));
  samples = lp_flame_picture_format_count ((double) lp_recorder_get_samples (recorder));
  g_assert_cmpstr (row_value (GTK_WIDGET (dialog), "Samples"), ==, samples);
  g_assert_nonnull (row_value (GTK_WIDGET (dialog), "Lost samples"));
  g_assert_cmpstr (row_value (GTK_WIDGET (dialog), "End"), ==, "Stopped");
  g_assert_cmpstr (row_value (GTK_WIDGET (dialog), "File"), ==, "Not saved");
  test_gui_screenshot ("recording-summary");
  if (g_getenv ("LAPROF_SCREENSHOT_DIR") != NULL)
    {
      /* and its end: the modules without symbols */
      GtkWidget *scrolled = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (GTK_TYPE_SCROLLED_WINDOW));
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      test_gui_screenshot ("recording-summary-symbols");
    }
  /* the demo's GLib has no symbols here: named, with how to get them */
  {
    GtkWidget *glib = NULL;
    GtkWidget *group = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (ADW_TYPE_PREFERENCES_GROUP));

    for (; group != NULL; group = gtk_widget_get_next_sibling (group))
      if (ADW_IS_PREFERENCES_GROUP (group) &&
          g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), "Modules Without Symbols") == 0)
        break;
    g_assert_nonnull (group);
    g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), "DEBUGINFOD_URLS"));
    for (GtkWidget *w = find_widget (group, is_type, GSIZE_TO_POINTER (ADW_TYPE_ACTION_ROW)); w != NULL;
         w = gtk_widget_get_next_sibling (w))
      if (ADW_IS_ACTION_ROW (w) && g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), "libglib-2.0.so"))
        glib = w;
    g_assert_nonnull (glib);
  }
  respond (dialog, "close");
  gtk_window_close (GTK_WINDOW (window));
  answer (window, "discard");
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* a warning is a failure here: a clean shutdown prints none (set before
   * g_test_init(), which keeps it, as it keeps any fatal mask) */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  app = test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/life/quit-while-recording", test_quit_while_recording);
  g_test_add_func ("/gui/life/stop-then-quit", test_stop_then_quit);
  g_test_add_func ("/gui/life/close-discard", test_close_discard_in_process);
  g_test_add_func ("/gui/life/close-attached", test_close_attached);
  g_test_add_func ("/gui/life/ask/open-report", test_ask_open_report);
  g_test_add_func ("/gui/life/ask/drop-file", test_ask_drop_file);
  g_test_add_func ("/gui/life/ask/open-directory", test_ask_open_directory);
  g_test_add_func ("/gui/life/ask/open-recent", test_ask_open_recent);
  g_test_add_func ("/gui/life/recent-written", test_recent_written);
  g_test_add_func ("/gui/life/ask/new-recording", test_ask_new_recording);
  g_test_add_func ("/gui/life/ask/save-then-close", test_ask_save_then_close);
  g_test_add_func ("/gui/life/record-again/launch", test_record_again_launch);
  g_test_add_func ("/gui/life/record-again/attach-gone", test_record_again_attach_gone);
  g_test_add_func ("/gui/life/live/states", test_live_states);
  g_test_add_func ("/gui/life/live/program-ended", test_live_program_ended);
  g_test_add_func ("/gui/life/live/tooltip-follows", test_tooltip_follows);
  g_test_add_func ("/gui/life/save-name-and-title", test_save_name_and_title);
  g_test_add_func ("/gui/life/summary", test_summary);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
