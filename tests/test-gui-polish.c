/* test-gui-polish.c: what a user meets first, under Xvfb with real key and
 * mouse events (xdotool): the app's icon, the dialogs' focus and Escape, the
 * process list's order, the shortcuts window, the graph's focus ring and
 * context menu (issue 12).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-application.h"
#include "lp-flame-view.h"
#include "lp-launch-dialog.h"
#include "lp-process-picker.h"
#include "lp-window.h"
#include "test-gui-util.h"

static LpApplication *app;

/* Runs xdotool with @args (NULL-terminated), and fails the test if it fails. */
static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static char *
xid_of (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
}

/* Saves the X screen as @name.png in the build folder, for a person to look at. */
static void
screenshot (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "screenshots", file, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error);
  if (error != NULL)
    g_test_message ("no screenshot (imagemagick's import): %s", error->message);
  else
    g_test_message ("screenshot: %s", path);
}

static void
collect_widgets_of_type (GtkWidget *root,
                         GType      type,
                         GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (out, child);
      collect_widgets_of_type (child, type, out);
    }
}

/* the first toplevel of @type, if any */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
    }
  return NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
has_toplevel (gpointer data)
{
  GType type = GPOINTER_TO_SIZE (data);
  GtkWindow *w = find_toplevel (type);
  return w != NULL && gtk_widget_get_mapped (GTK_WIDGET (w));
}

static gboolean
no_toplevel (gpointer data)
{
  GType type = GPOINTER_TO_SIZE (data);
  GtkWindow *w = find_toplevel (type);
  return w == NULL || !gtk_widget_get_visible (GTK_WIDGET (w));
}

static LpWindow *
new_window (void)
{
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (test_gui_spin_until (is_mapped, window, 10));
  return window;
}

/* The icon: the start page and About show the app's icon, not the
 * missing-image one, with no icon installed (the build tree) */
static void
test_icon (void)
{
  LpWindow *window = new_window ();
  AdwStatusPage *welcome = ADW_STATUS_PAGE (test_gui_find_widget_of_type (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE));
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  g_autoptr(GtkIconPaintable) icon = NULL;
  GtkWindow *about;

  g_assert_nonnull (welcome);
  g_assert_cmpstr (adw_status_page_get_icon_name (welcome), ==, APPLICATION_ID);
  g_assert_true (gtk_icon_theme_has_icon (theme, APPLICATION_ID));
  icon = gtk_icon_theme_lookup_icon (theme, APPLICATION_ID, NULL, 128, 1, GTK_TEXT_DIR_NONE, 0);
  g_assert_cmpstr (gtk_icon_paintable_get_icon_name (icon), ==, APPLICATION_ID);
  g_assert_false (gtk_icon_paintable_is_symbolic (icon));
  test_gui_spin (0.5);
  screenshot ("start-page");

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (test_gui_spin_until (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), 10));
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APPLICATION_ID);
  test_gui_spin (0.5);
  screenshot ("about");
  gtk_window_destroy (about);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* Launch: typed text goes into the command line (the first space used to
 * press Cancel), Escape closes */
static void
test_launch_typing (void)
{
  LpWindow *window = new_window ();
  g_autoptr(GtkWindow) dialog = NULL;
  GtkWidget *entry_row;
  GtkSearchEntry *search;
  g_autofree char *xid = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.launch", NULL);
  g_assert_true (test_gui_spin_until (has_toplevel, GSIZE_TO_POINTER (LP_TYPE_LAUNCH_DIALOG), 10));
  /* a reference: a dialog closed by a stray key stays readable */
  dialog = g_object_ref (find_toplevel (LP_TYPE_LAUNCH_DIALOG));
  xid = xid_of (GTK_WIDGET (dialog));
  xdotool ("windowfocus", "--sync", xid, NULL);
  g_assert_true (test_gui_spin_until (window_is_active, dialog, 10));

  xdotool ("type", "--delay", "20", "sleep 30 --x", NULL);
  test_gui_spin (0.5);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  entry_row = test_gui_find_widget_of_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (entry_row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_row)), ==, "sleep 30 --x");
  /* nothing leaked into the main window's search */
  search = GTK_SEARCH_ENTRY (test_gui_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY));
  if (search != NULL)
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");
  screenshot ("launch-dialog");

  xdotool ("key", "Escape", NULL);
  g_assert_true (test_gui_spin_until (no_toplevel, GSIZE_TO_POINTER (LP_TYPE_LAUNCH_DIALOG), 10));
  /* before its parent goes (GTK 4.8 unhooks transient-for at finalize) */
  g_clear_object (&dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* the burner dies with the test, also when an assertion aborts it */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GPid
spawn_burner (void)
{
  const char *argv[] = { "sh", "-c", "while :; do :; done", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_spawn_async (NULL, (char **) argv, NULL,
                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 die_with_parent, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

/* the position of @pid in the picker's list as shown (sorted, filtered) */
static int
position_of (GtkColumnView *view,
             int            pid)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (model, i);
      int row_pid;

      g_object_get (row, "pid", &row_pid, NULL);
      if (row_pid == pid)
        return (int) i;
    }
  return -1;
}

/* Where the PID cell of @pid is drawn, in the list's scrolled window: its
 * top, or -1 if no cell shows it */
static double
shown_at (GtkWindow *picker,
          int        pid)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *text = g_strdup_printf ("%d", pid);
  GtkWidget *scrolled = test_gui_find_widget_of_type (GTK_WIDGET (picker), GTK_TYPE_SCROLLED_WINDOW);

  collect_widgets_of_type (scrolled, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      graphene_point_t p;

      if (g_str_equal (gtk_label_get_text (labels->pdata[i]), text) && gtk_widget_get_mapped (labels->pdata[i]) &&
          gtk_widget_compute_point (labels->pdata[i], scrolled, &GRAPHENE_POINT_INIT (0, 0), &p) &&
          p.y >= 0 && p.y < gtk_widget_get_height (scrolled))
        return p.y;
    }
  return -1;
}

/* Attach: the busiest process is at the top from the first look and stays
 * in view after the list refreshes */
static void
test_picker (void)
{
  GPid burner = spawn_burner ();
  LpWindow *window;
  GtkWindow *picker;
  GtkColumnView *view;
  GtkAdjustment *vadjustment;
  double y;
  int pos;

  /* a second of 100 % CPU before the list is opened */
  g_usleep (G_USEC_PER_SEC);
  window = new_window ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.attach", NULL);
  g_assert_true (test_gui_spin_until (has_toplevel, GSIZE_TO_POINTER (LP_TYPE_PROCESS_PICKER), 10));
  picker = find_toplevel (LP_TYPE_PROCESS_PICKER);
  view = GTK_COLUMN_VIEW (test_gui_find_widget_of_type (GTK_WIDGET (picker), GTK_TYPE_COLUMN_VIEW));

  /* the first look: the burner among the first rows (other busy processes
   * of this machine may come before it), the list at its top */
  pos = position_of (view, burner);
  g_test_message ("burner %d at row %d at first", burner, pos);

  g_assert_cmpint (pos, >=, 0);
  g_assert_cmpint (pos, <, 5);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  /* and drawn there: within the first rows on screen (about 21 px each,
   * under the column titles) */
  test_gui_spin (0.3);
  y = shown_at (picker, burner);
  g_test_message ("burner drawn at y = %g at first", y);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (y, <, 30 + 5 * 21);

  /* after two refreshes, still busiest first, and still at the top */
  test_gui_spin (4.5);
  pos = position_of (view, burner);
  g_test_message ("burner at row %d after refreshes, scrolled to %g", pos, gtk_adjustment_get_value (vadjustment));
  g_assert_cmpint (pos, >=, 0);
  g_assert_cmpint (pos, <, 5);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  y = shown_at (picker, burner);
  g_test_message ("burner drawn at y = %g after refreshes", y);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (y, <, 30 + 5 * 21);
  screenshot ("attach-list");

  gtk_window_destroy (GTK_WINDOW (window));
  kill (burner, SIGKILL);
  waitpid (burner, NULL, 0);
}

/* Attach: Escape closes it, also while typing a filter (the search entry
 * used to take Escape for itself) */
static void
test_picker_escape (void)
{
  LpWindow *window = new_window ();
  GtkWindow *picker;
  g_autofree char *xid = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.attach", NULL);
  g_assert_true (test_gui_spin_until (has_toplevel, GSIZE_TO_POINTER (LP_TYPE_PROCESS_PICKER), 10));
  picker = find_toplevel (LP_TYPE_PROCESS_PICKER);
  xid = xid_of (GTK_WIDGET (picker));
  xdotool ("windowfocus", "--sync", xid, NULL);
  g_assert_true (test_gui_spin_until (window_is_active, picker, 10));
  /* after a refresh (every 2 s), typing still goes to the filter */
  test_gui_spin (2.5);
  xdotool ("key", "s", NULL);
  test_gui_spin (0.3);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (test_gui_find_widget_of_type (GTK_WIDGET (picker), GTK_TYPE_SEARCH_ENTRY))),
                   ==, "s");
  xdotool ("key", "Escape", NULL);
  g_assert_true (test_gui_spin_until (no_toplevel, GSIZE_TO_POINTER (LP_TYPE_PROCESS_PICKER), 10));
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  guint           key;
  GdkModifierType mods;
} Accel;

static void
add_accels (GArray     *accels,
            const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, " ", 0);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      Accel a = { 0 };

      if (parts[i][0] == '\0')
        continue;
      g_assert_true (gtk_accelerator_parse (parts[i], &a.key, &a.mods));
      g_array_append_val (accels, a);
    }
}

static gboolean
has_accel (GArray *accels,
           guint   key,
           GdkModifierType mods)
{
  for (guint i = 0; i < accels->len; i++)
    {
      Accel *a = &g_array_index (accels, Accel, i);
      if (gdk_keyval_to_lower (a->key) == gdk_keyval_to_lower (key) && a->mods == mods)
        return TRUE;
    }
  return FALSE;
}

static void
expect_shown (GArray     *shown,
              const char *action,
              guint       key,
              GdkModifierType mods)
{
  g_autofree char *label = gtk_accelerator_name (key, mods);

  g_test_message ("%s: %s", action, label);
  if (!has_accel (shown, key, mods))
    g_error ("the shortcuts window lacks %s (%s)", label, action);
}

/* The shortcuts window lists every action that has a key, and the keys
 * that move the graph's cursor */
static void
test_shortcuts (void)
{
  LpWindow *window = new_window ();
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GArray) shown = g_array_new (FALSE, TRUE, sizeof (Accel));
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  GListModel *controllers;
  guint n_class = 0;
  static const char *cursor_keys[] = { "Up", "Down", "Left", "Right", "Return", "BackSpace" };

  g_assert_nonnull (overlay);
  collect_widgets_of_type (GTK_WIDGET (overlay), GTK_TYPE_SHORTCUTS_SHORTCUT, items);
  g_assert_cmpuint (items->len, >, 0);
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *accel = NULL;
      g_autofree char *action = NULL;

      g_object_get (items->pdata[i], "accelerator", &accel, "action-name", &action, NULL);
      if (accel != NULL)
        add_accels (shown, accel);
      if (action != NULL)
        {
          g_auto(GStrv) keys = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
          for (guint k = 0; keys[k] != NULL; k++)
            add_accels (shown, keys[k]);
        }
    }

  /* the application's accelerators */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) keys = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint k = 0; keys[k] != NULL; k++)
        {
          Accel a;
          g_assert_true (gtk_accelerator_parse (keys[k], &a.key, &a.mods));
          expect_shown (shown, actions[i], a.key, a.mods);
        }
    }

  /* the window's own key bindings of actions */
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
        {
          g_autoptr(GtkShortcut) s = g_list_model_get_item (G_LIST_MODEL (c), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (s);
          GtkShortcutAction *action = gtk_shortcut_get_action (s);
          const char *name;

          if (!GTK_IS_NAMED_ACTION (action) || !GTK_IS_KEYVAL_TRIGGER (trigger))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          if (!g_str_has_prefix (name, "win.") && !g_str_has_prefix (name, "app."))
            continue;
          expect_shown (shown, name, gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                        gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
          n_class++;
        }
    }
  g_object_unref (controllers);
  g_assert_cmpuint (n_class, >, 5);

  /* the graph's cursor, handled by the graph itself */
  for (guint i = 0; i < G_N_ELEMENTS (cursor_keys); i++)
    expect_shown (shown, "graph cursor", gdk_keyval_from_name (cursor_keys[i]), 0);

  /* Pause and Record Again, by their actions */
  for (guint i = 0; i < 2; i++)
    {
      const char *action = i == 0 ? "win.pause" : "win.restart";
      g_auto(GStrv) keys = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
      gboolean listed = FALSE;

      g_assert_nonnull (keys[0]);
      for (guint k = 0; k < items->len; k++)
        {
          g_autofree char *name = NULL;
          g_object_get (items->pdata[k], "action-name", &name, NULL);
          listed |= g_strcmp0 (name, action) == 0;
        }
      g_assert_true (listed);
    }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  g_assert_true (test_gui_spin_until (is_mapped, overlay, 10));
  test_gui_spin (0.5);
  screenshot ("shortcuts");
  gtk_window_close (GTK_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
page_is_report (gpointer data)
{
  LpFlameView *view = lp_window_get_flame_view (data);
  return g_strcmp0 (lp_window_get_page (data), "report") == 0 &&
         gtk_widget_get_width (GTK_WIDGET (view)) > 100 && lp_flame_view_get_layout (view) != NULL;
}

static LpWindow *
open_demo (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = new_window ();

  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (page_is_report, window, 20));
  return window;
}

/* how many pixels of the rectangle's outline (1 px inside its edge) are
 * the accent blue, far from any flame colour (reds, oranges, yellows) */
static guint
blue_on_outline (GdkTexture        *texture,
                 const graphene_rect_t *box)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) width * height * 4);
  guint n = 0;

  gdk_texture_download (texture, data, width * 4);
  for (int x = (int) box->origin.x + 1; x < (int) (box->origin.x + box->size.width) - 1; x++)
    for (int k = 0; k < 2; k++)
      {
        int y = k == 0 ? (int) box->origin.y + 1 : (int) (box->origin.y + box->size.height) - 1;
        guint32 px;
        guint8 r, g, b;

        if (x < 0 || x >= width || y < 0 || y >= height)
          continue;
        memcpy (&px, data + ((gsize) y * width + x) * 4, 4);
        r = (px >> 16) & 0xff;
        g = (px >> 8) & 0xff;
        b = px & 0xff;
        if (b > 180 && r < 120 && b > g)
          n++;
      }
  return n;
}

/* Keyboard focus on the graph shows as a ring around the cursor frame */
static void
test_focus_ring (void)
{
  LpWindow *window = open_demo ();
  LpFlameView *view = lp_window_get_flame_view (window);
  g_autofree char *xid = xid_of (GTK_WIDGET (window));
  g_autoptr(GdkTexture) focused = NULL;
  g_autoptr(GdkTexture) unfocused = NULL;
  const LpFlameLayout *layout;
  const LpFlameRect *cursor = NULL;
  graphene_rect_t box;
  guint on, off;

  xdotool ("mousemove", "--sync", "0", "0", "windowfocus", "--sync", xid, NULL);
  g_assert_true (test_gui_spin_until (window_is_active, window, 10));
  gtk_widget_grab_focus (GTK_WIDGET (view));
  /* a real key moves the cursor: keyboard use, so the focus shows (GTK
   * itself would show it after Tab only) */
  xdotool ("key", "--delay", "50", "Up", NULL);
  test_gui_spin (0.5);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));

  layout = lp_flame_view_get_layout (view);
  for (guint i = 0; i < layout->rects->len; i++)
    if (g_array_index (layout->rects, LpFlameRect, i).node == lp_flame_view_get_cursor (view))
      cursor = &g_array_index (layout->rects, LpFlameRect, i);
  g_assert_nonnull (cursor);
  box = GRAPHENE_RECT_INIT (cursor->x, lp_flame_view_graph_to_widget_y (view, cursor->y),
                            cursor->width, layout->row_height - 1);
  focused = test_gui_render_widget (GTK_WIDGET (view));
  on = blue_on_outline (focused, &box);
  screenshot ("focus-ring");

  /* focus elsewhere: no ring */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  test_gui_spin (0.3);
  g_assert_false (gtk_widget_has_focus (GTK_WIDGET (view)));
  unfocused = test_gui_render_widget (GTK_WIDGET (view));
  off = blue_on_outline (unfocused, &box);
  g_test_message ("accent pixels on the cursor's outline: %u focused, %u not", on, off);
  g_assert_cmpuint (on, >, (guint) box.size.width);
  g_assert_cmpuint (off, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* GTK's tooltip window: a child of the window it belongs to */
static GtkWidget *
find_tooltip (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "GtkTooltipWindow"))
        return child;
      if ((found = find_tooltip (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
tooltip_shown (gpointer data)
{
  GtkWidget *tooltip = find_tooltip (data);
  return tooltip != NULL && gtk_widget_get_mapped (tooltip);
}

static gboolean
popover_shown (gpointer data)
{
  GtkWidget *menu = test_gui_find_widget_of_type (data, GTK_TYPE_POPOVER_MENU);
  return menu != NULL && gtk_widget_get_mapped (menu);
}

/* The right-click menu does not open under the hover tooltip */
static void
test_menu_hides_tooltip (void)
{
  LpWindow *window = open_demo ();
  LpFlameView *view = lp_window_get_flame_view (window);
  const LpFlameLayout *layout = lp_flame_view_get_layout (view);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (view));
  const LpFlameRect *widest = NULL;
  graphene_point_t in_view, in_native;
  double sx, sy;
  g_autofree char *x = NULL, *y = NULL;
  g_autofree char *xid = xid_of (GTK_WIDGET (window));

  /* a wide frame above the root */
  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      if (r->depth == 1 && (widest == NULL || r->width > widest->width))
        widest = r;
    }
  g_assert_nonnull (widest);
  in_view.x = widest->x + widest->width / 3;
  in_view.y = lp_flame_view_graph_to_widget_y (view, widest->y + 5);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (view), GTK_WIDGET (native), &in_view, &in_native));
  gtk_native_get_surface_transform (native, &sx, &sy);
  x = g_strdup_printf ("%d", (int) (in_native.x + sx));
  y = g_strdup_printf ("%d", (int) (in_native.y + sy));

  xdotool ("windowfocus", "--sync", xid, "mousemove", "--sync", "--window", xid, x, y, NULL);
  /* a small move, as a hand makes, and the tooltip comes */
  test_gui_spin (0.2);
  xdotool ("mousemove_relative", "--sync", "2", "0", NULL);
  g_assert_true (test_gui_spin_until (tooltip_shown, window, 10));

  xdotool ("click", "3", NULL);
  g_assert_true (test_gui_spin_until (popover_shown, view, 10));
  /* the pointer rests on the menu a while */
  test_gui_spin (1.5);
  screenshot ("context-menu");
  g_assert_true (popover_shown (view));
  g_assert_false (tooltip_shown (window));

  /* closed again, the tooltip is back */
  xdotool ("key", "Escape", NULL);
  test_gui_spin (0.3);
  g_assert_false (popover_shown (view));
  xdotool ("mousemove_relative", "--sync", "4", "0", NULL);
  g_assert_true (test_gui_spin_until (tooltip_shown, window, 10));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  int status;

  app = test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/icon/start-page-and-about", test_icon);
  g_test_add_func ("/gui/launch/typing-and-escape", test_launch_typing);
  g_test_add_func ("/gui/picker/busiest-first", test_picker);
  g_test_add_func ("/gui/picker/escape", test_picker_escape);
  g_test_add_func ("/gui/shortcuts/complete", test_shortcuts);
  g_test_add_func ("/gui/graph/focus-ring", test_focus_ring);
  g_test_add_func ("/gui/graph/menu-hides-tooltip", test_menu_hides_tooltip);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
