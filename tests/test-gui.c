/* test-gui.c: the laprof window and process picker, in real windows under Xvfb.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-application.h"
#include "lp-launch-dialog.h"
#include "lp-process-picker.h"
#include "lp-window.h"
#include "test-gui-util.h"
#include "storers-test-util.h"

static LpApplication *app;
static StorersGate *gate;
static char *gate_why;

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
  g_assert_true (test_gui_spin_until (page_is_not_loading, window, 20));
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
  g_assert_true (test_gui_spin_until (has_dialog, window, 20));
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
  GPid pid = test_gui_spawn_sleeper ();
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
  test_gui_reap (pid);
}

static void
test_picker_explains (void)
{
  GPid pid = test_gui_spawn_sleeper ();
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
  test_gui_reap (pid);
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

static gboolean
view_is_laid_out (gpointer data)
{
  return gtk_widget_get_width (data) > 100 && lp_flame_view_get_layout (data) != NULL;
}

static LpWindow *
open_demo (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (page_is_not_loading, window, 20));
  g_assert_cmpstr (lp_window_get_page (window), ==, "report");
  g_assert_true (test_gui_spin_until (view_is_laid_out, lp_window_get_flame_view (window), 10));
  return window;
}

/* the widest rectangle of the frame named @name */
static const LpFlameRect *
find_rect (LpFlameView *view,
           const char  *name)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (view);
  LpFlameModel *model = lp_flame_view_get_model (view);
  const LpFlameRect *best = NULL;

  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);

      if (r->frame != LP_FLAME_NO_FRAME && g_str_equal (lp_flame_model_node_name (model, r->node), name) &&
          (best == NULL || r->width > best->width))
        best = r;
    }
  return best;
}

static void
pixel_at (GdkTexture *texture,
          int         x,
          int         y,
          guint8      rgb[3])
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) width * height * 4);
  guint32 px;

  gdk_texture_download (texture, data, width * 4);
  memcpy (&px, data + ((gsize) y * width + x) * 4, 4);
  /* cairo's ARGB32, native endian */
  rgb[0] = (px >> 16) & 0xff;
  rgb[1] = (px >> 8) & 0xff;
  rgb[2] = px & 0xff;
}

static void
test_graph_drawn (void)
{
  LpWindow *window = open_demo ();
  LpFlameView *view = lp_window_get_flame_view (window);
  const LpFlameRect *xz = find_rect (view, "xz");
  const LpFlameRect *python = find_rect (view, "python3");
  g_autoptr(GdkTexture) texture = NULL;
  LpFlameDrawParams params;
  guint8 got[3];

  g_assert_nonnull (xz);
  g_assert_nonnull (python);
  /* xz has 12000 of the 12736 samples: most of the width */
  g_assert_cmpfloat (xz->width / lp_flame_view_get_layout (view)->width, >, 0.9);

  texture = test_gui_render_widget (GTK_WIDGET (view));
  lp_flame_draw_params_init (&params);
  for (guint i = 0; i < 2; i++)
    {
      const LpFlameRect *r = i == 0 ? xz : python;
      LpRgb want = lp_flame_draw_rect_color (lp_flame_view_get_model (view), lp_flame_view_get_layout (view), r, &params);
      /* a point inside the box, left of its label */
      int x = (int) (r->x + 2);
      int y = (int) lp_flame_view_graph_to_widget_y (view, r->y + 2);

      pixel_at (texture, x, y, got);
      g_assert_cmpint (ABS (got[0] - want.r), <=, 2);
      g_assert_cmpint (ABS (got[1] - want.g), <=, 2);
      g_assert_cmpint (ABS (got[2] - want.b), <=, 2);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static guint32
widest_child (LpFlameView *view,
              guint32      parent)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (view);
  LpFlameModel *model = lp_flame_view_get_model (view);
  const LpFlameRect *best = NULL;

  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);

      if (r->node != LP_FLAME_ROOT && lp_flame_model_get_node (model, r->node)->parent == parent &&
          (best == NULL || r->width > best->width))
        best = r;
    }
  g_assert_nonnull (best);
  return best->node;
}

static gboolean
zoom_is (gpointer data)
{
  gpointer *args = data;
  return lp_flame_view_get_zoom (args[0]) == GPOINTER_TO_UINT (args[1]);
}

static void
test_graph_click_zoom (void)
{
  LpWindow *window = open_demo ();
  LpFlameView *view = lp_window_get_flame_view (window);
  const LpFlameRect *python = find_rect (view, "python3");
  guint32 node = python->node;
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (view));
  graphene_point_t in_view, in_native;
  double sx, sy;
  g_autofree char *x = NULL, *y = NULL, *xid = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  gpointer args[2] = { view, GUINT_TO_POINTER (node) };

  /* a real click at the frame's place on the X screen */
  in_view.x = python->x + python->width / 2;
  in_view.y = lp_flame_view_graph_to_widget_y (view, python->y + 5);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (view), GTK_WIDGET (native), &in_view, &in_native));
  gtk_native_get_surface_transform (native, &sx, &sy);
  x = g_strdup_printf ("%d", (int) (in_native.x + sx));
  y = g_strdup_printf ("%d", (int) (in_native.y + sy));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  {
    const char *argv[] = { "xdotool", "mousemove", "--sync", "--window", xid, x, y, "click", "1", NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (test_gui_spin_until (zoom_is, args, 10));

  /* zoomed: python3 is now the full width, its ancestors stay */
  python = find_rect (view, "python3");
  g_assert_cmpfloat (python->width, ==, lp_flame_view_get_layout (view)->width);
  g_assert_true (python->flags & LP_FLAME_RECT_ZOOM);

  /* back with Backspace's action, then reset */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-back", NULL);
  g_assert_cmpuint (lp_flame_view_get_zoom (view), ==, LP_FLAME_ROOT);

  /* the keyboard alone: from "all", Up twice (towards the leaves: the widest
   * child each time), then Enter zooms there */
  gtk_widget_grab_focus (GTK_WIDGET (view));
  {
    const char *argv[] = { "xdotool", "mousemove", "--sync", "0", "0", "windowfocus", "--sync", xid,
                           "key", "--delay", "50", "Down", "Down", "Down", "Up", "Up", "Return", NULL };
    guint32 want;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    /* "xz" (the widest child of all), then its widest child */
    want = widest_child (view, widest_child (view, LP_FLAME_ROOT));
    g_assert_cmpstr (lp_flame_model_node_name (lp_flame_view_get_model (view), widest_child (view, LP_FLAME_ROOT)), ==, "xz");
    args[1] = GUINT_TO_POINTER (want);
    g_assert_true (test_gui_spin_until (zoom_is, args, 10));
    g_assert_cmpuint (lp_flame_view_get_cursor (view), ==, want);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
matched_shown (gpointer window)
{
  return test_gui_find_label (window, TEST_GUI_TEXT_BEGINS, "Matched: ") != NULL;
}

static void
test_graph_search (void)
{
  LpWindow *window = open_demo ();
  LpFlameView *view = lp_window_get_flame_view (window);
  GtkWidget *entry;
  GtkLabel *matched;
  const LpFlameLayout *layout;
  g_autofree char *want = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-gui-XXXXXX", &error);
  g_autofree char *svg_path = g_build_filename (dir, "graph.svg", NULL);
  g_autofree char *report_path = g_build_filename (dir, "saved.folded", NULL);
  g_autofree char *svg = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *original = NULL;
  g_autofree char *demo = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  entry = test_gui_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  /* search is case-insensitive unless asked: LZMA finds liblzma */
  gtk_editable_set_text (GTK_EDITABLE (entry), "LZMA");
  g_signal_emit_by_name (entry, "search-changed");

  layout = lp_flame_view_get_layout (view);
  g_assert_cmpfloat (layout->matched, >, 0);
  /* shown once the search bar is revealed */
  g_assert_true (test_gui_spin_until (matched_shown, window, 10));
  matched = (GtkLabel *) test_gui_find_label (GTK_WIDGET (window), TEST_GUI_TEXT_BEGINS, "Matched: ");
  want = g_strdup_printf ("Matched: %.2f%%", 100.0 * layout->matched / layout->total);
  g_assert_cmpstr (gtk_label_get_text (matched), ==, want);

  /* what is shown, saved and exported */
  g_assert_true (lp_window_save_to (window, "svg", svg_path, &error));
  g_assert_no_error (error);
  g_file_get_contents (svg_path, &svg, NULL, &error);
  g_assert_nonnull (strstr (svg, "<svg"));
  g_assert_nonnull (strstr (svg, "liblzma"));
  g_assert_true (lp_window_save_to (window, "folded", report_path, &error));
  g_file_get_contents (report_path, &saved, NULL, &error);
  g_file_get_contents (demo, &original, NULL, &error);
  g_assert_cmpstr (saved, ==, original);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (svg_path);
  g_unlink (report_path);
  g_rmdir (dir);
}

static gboolean
recorder_has_batches (gpointer data)
{
  LpRecorder *recorder = lp_window_get_recorder (data);
  const LpFlameLayout *layout = lp_flame_view_get_layout (lp_window_get_flame_view (data));

  /* two batches in, and drawn: the graph has more than the "all" box */
  return recorder != NULL && lp_recorder_get_n_batches (recorder) >= 2 &&
         layout != NULL && layout->rects->len > 3;
}

static gboolean
graph_has_demo_compute (gpointer data)
{
  LpFlameView *view = lp_window_get_flame_view (data);
  return lp_flame_view_get_layout (view) != NULL && find_rect (view, "demo_compute") != NULL;
}

static char *
run_cli_merge (const char *path)
{
  const char *argv[] = { g_getenv ("LAPROF_CLI"), "merge", "-q", path, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
test_record_demo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-gui-XXXXXX", &error);
  g_autofree char *stream = g_build_filename (dir, "stream.txt", NULL);
  g_autofree char *saved_path = g_build_filename (dir, "saved.folded", NULL);
  g_autofree char *demo = lp_application_find_demo ();
  g_autofree char *saved = NULL;
  g_autofree char *engine = NULL;
  const char *argv[] = { demo, "--forever", "--scale", "0.3", NULL };
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  g_assert_nonnull (demo);
  g_setenv ("LAPROF_STREAM_COPY", stream, TRUE);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);
  g_unsetenv ("LAPROF_STREAM_COPY");

  /* the graph grows while the samples arrive */
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 20));
  g_assert_cmpstr (lp_window_get_page (window), ==, "report");
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));
  g_assert_true (test_gui_spin_until (graph_has_demo_compute, window, 20));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  /* the launched demo does not outlive the recording */
  {
    int pid = lp_recorder_get_pid (lp_window_get_recorder (window));
    g_autofree char *proc = g_strdup_printf ("/proc/%d/cmdline", pid);
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    g_autofree char *cmdline = NULL;

    g_assert_cmpint (pid, >, 0);
    while (g_get_monotonic_time () < end)
      {
        g_clear_pointer (&cmdline, g_free);
        /* gone, or a zombie (empty cmdline) that no one reaps here */
        if (!g_file_get_contents (proc, &cmdline, NULL, NULL) || cmdline[0] == '\0')
          break;
        g_usleep (50000);
      }
    g_assert_true (cmdline == NULL || cmdline[0] == '\0');
  }

  /* what the window saves is what the engine sent */
  g_assert_true (lp_window_save_to (window, "folded", saved_path, &error));
  g_assert_no_error (error);
  g_file_get_contents (saved_path, &saved, NULL, &error);
  engine = run_cli_merge (stream);
  g_assert_cmpstr (saved, ==, engine);
  g_assert_nonnull (strstr (saved, "demo_compute"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (stream);
  g_unlink (saved_path);
  g_rmdir (dir);
}

static void
test_record_close_asks (void)
{
  g_autofree char *demo = lp_application_find_demo ();
  const char *argv[] = { demo, "--forever", "--scale", "0.3", NULL };
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  AdwMessageDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 20));

  /* unsaved live data: closing asks first, and Cancel keeps the window */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (test_gui_spin_until (has_dialog, window, 10));
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save the Recording?");
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (lp_recorder_is_running (lp_window_get_recorder (window)));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_record_dead_pid (void)
{
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  AdwMessageDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  /* beyond pid_max: no such process */
  lp_window_record_pid (window, 4999999, "ghost");
  g_assert_true (test_gui_spin_until (has_dialog, window, 20));
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Record");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "4999999"));
  /* and the window is usable: back at its start */
  g_assert_cmpstr (lp_window_get_page (window), ==, "welcome");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_record_target_exits (void)
{
  GPid pid = test_gui_spawn_sleeper ();
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  GtkLabel *label;

  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_pid (window, pid, "sleep");
  g_assert_true (test_gui_spin_until (recorder_has_batches, window, 20));
  /* the target ends during the recording */
  kill (pid, SIGKILL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  waitpid (pid, NULL, 0);

  label = (GtkLabel *) test_gui_find_label (GTK_WIDGET (window), TEST_GUI_TEXT_BEGINS, "The program ended: ");
  g_assert_nonnull (label);
  g_assert_cmpstr (lp_window_get_page (window), ==, "report");
  g_assert_nonnull (lp_window_get_report (window));
  g_assert_cmpuint (lp_folded_get_n_stacks (lp_window_get_report (window)), >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
window_stored (gpointer data)
{
  return lp_window_get_last_location (data) != NULL || has_dialog (data);
}

static void
set_aws_env (const char *secret)
{
  g_setenv ("AWS_ACCESS_KEY_ID", GATE_KEY, TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", secret, TRUE);
  g_setenv ("AWS_REGION", "us-east-1", TRUE);
  g_setenv ("AWS_ENDPOINT_URL", storers_test_gate_endpoint (gate), TRUE);
}

static void
test_s3_save_and_open (void)
{
  g_autofree char *aws_dir = NULL;
  g_autofree char *spool = NULL;
  g_autofree char *demo_path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autofree char *demo = NULL;
  g_autofree char *downloaded = NULL;
  g_autofree char *s3_url = NULL;
  g_autoptr(GError) error = NULL;
  LpWindow *window, *opened;
  const char *location;
  gsize len;

  if (gate == NULL)
    g_error ("the S3 test server could not start: %s", gate_why);
  aws_dir = storers_test_clean_aws_env ();
  spool = g_dir_make_tmp ("laprof-spool-XXXXXX", NULL);
  g_setenv ("LAPROF_SPOOL_DIR", spool, TRUE);
  set_aws_env (GATE_SECRET);

  /* Save to S3: the bytes that land are the report's, as awscli sees them */
  window = open_demo ();
  g_assert_true (lp_window_store (window, "s3://" GATE_BUCKET "/gui/", &error));
  g_assert_no_error (error);
  g_assert_true (test_gui_spin_until (window_stored, window, 60));
  location = lp_window_get_last_location (window);
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, "s3://" GATE_BUCKET "/gui/"));
  g_assert_true (g_str_has_suffix (location, "-demo.folded"));
  {
    const char *args[] = { "s3", "cp", location, "-", NULL };
    downloaded = storers_test_aws (gate, args, &len);
  }
  g_file_get_contents (demo_path, &demo, NULL, &error);
  g_assert_cmpstr (downloaded, ==, demo);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Open from S3: the prefix merged into one graph */
  opened = lp_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (opened));
  g_assert_true (lp_window_open_destination (opened, "s3://" GATE_BUCKET "/gui/", &error));
  g_assert_true (test_gui_spin_until (page_is_not_loading, opened, 60));
  g_assert_cmpstr (lp_window_get_page (opened), ==, "report");
  g_assert_cmpfloat (lp_folded_get_total (lp_window_get_report (opened)), ==, 12736);
  gtk_window_destroy (GTK_WINDOW (opened));

  /* a wrong secret: the 403 in the window, the report kept in the spool */
  set_aws_env ("not-the-secret");
  window = open_demo ();
  g_assert_true (lp_window_store (window, "s3://" GATE_BUCKET "/gui/", &error));
  g_assert_true (test_gui_spin_until (window_stored, window, 60));
  g_assert_null (lp_window_get_last_location (window));
  {
    AdwMessageDialog *dialog = find_dialog_for (GTK_WINDOW (window));
    const char *body = adw_message_dialog_get_body (dialog);

    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Save to S3");
    g_assert_nonnull (strstr (body, spool));
    g_assert_null (strstr (body, "not-the-secret"));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  gtk_window_destroy (GTK_WINDOW (window));

  g_unsetenv ("LAPROF_SPOOL_DIR");
  storers_test_rm_rf (spool);
  storers_test_rm_rf (aws_dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  app = test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/window/open-report", test_open_report);
  g_test_add_func ("/gui/window/open-bad-report", test_open_bad_report);
  g_test_add_func ("/gui/picker/choose", test_picker_choose);
  g_test_add_func ("/gui/picker/explains", test_picker_explains);
  g_test_add_func ("/gui/launch-dialog", test_launch_dialog);
  g_test_add_func ("/gui/graph/drawn", test_graph_drawn);
  g_test_add_func ("/gui/graph/click-zoom", test_graph_click_zoom);
  g_test_add_func ("/gui/graph/search-and-export", test_graph_search);
  g_test_add_func ("/gui/record/demo-live", test_record_demo);
  g_test_add_func ("/gui/record/close-asks", test_record_close_asks);
  g_test_add_func ("/gui/record/dead-pid", test_record_dead_pid);
  g_test_add_func ("/gui/record/target-exits", test_record_target_exits);
  g_test_add_func ("/gui/s3/save-and-open", test_s3_save_and_open);

  gate = storers_test_gate_start (&gate_why);

  status = g_test_run ();
  g_clear_pointer (&gate, storers_test_gate_stop);
  g_clear_object (&app);
  return status;
}
