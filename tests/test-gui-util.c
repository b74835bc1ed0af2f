/* test-gui-util.c: helpers shared by the GUI test programs: start-up, main loop, pictures of widgets, widgets, processes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gdk/x11/gdkx.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>

#include "lp-application.h"
#include "lp-recorder.h"
#include "lp-window.h"
#include "test-gui-util.h"

gboolean
test_gui_spin_until (gboolean (*done) (gpointer),
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
never (gpointer data)
{
  return FALSE;
}

void
test_gui_spin (double seconds)
{
  test_gui_spin_until (never, NULL, seconds);
}

GdkTexture *
test_gui_try_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                           gtk_widget_get_height (widget)));
}

GdkTexture *
test_gui_render_widget (GtkWidget *widget)
{
  GdkTexture *texture = test_gui_try_render_widget (widget);

  g_assert_nonnull (texture);
  return texture;
}

GtkWidget *
test_gui_find_widget_of_type (GtkWidget *root,
                              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = test_gui_find_widget_of_type (child, type)) != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
test_gui_find_label (GtkWidget   *root,
                     TestGuiText  how,
                     const char  *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child))
        {
          const char *label = gtk_label_get_text (GTK_LABEL (child));

          if (how == TEST_GUI_TEXT_IS ? strcmp (label, text) == 0 :
              how == TEST_GUI_TEXT_HAS ? strstr (label, text) != NULL : g_str_has_prefix (label, text))
            return child;
        }
      if ((found = test_gui_find_label (child, how, text)) != NULL)
        return found;
    }
  return NULL;
}

void
test_gui_reap (GPid pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

gboolean
test_gui_recorder_ended (gpointer data)
{
  LpRecorder *recorder = lp_window_get_recorder (data);
  return recorder != NULL && !lp_recorder_is_running (recorder);
}

LpApplication *
test_gui_init (int    *argc,
               char ***argv)
{
  g_autoptr(GError) error = NULL;
  LpApplication *app;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (argc, argv, NULL);
  gtk_init ();

  app = lp_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

GPid
test_gui_spawn_sleeper (void)
{
  const char *argv[] = { "sleep", "60", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

void
test_gui_screenshot (const char *name)
{
  const char *dir = g_getenv ("LAPROF_SCREENSHOT_DIR");
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  test_gui_spin (0.8);   /* let animations settle */
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

char *
test_gui_xdotool (const char * const *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_ptr_array_add (args, (gpointer) "xdotool");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

void
test_gui_x_point (GtkWidget     *widget,
                  double         x,
                  double         y,
                  TestGuiXPoint *p)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t in_widget = GRAPHENE_POINT_INIT (x, y), in_native;
  double sx, sy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &in_widget, &in_native));
  gtk_native_get_surface_transform (native, &sx, &sy);
  g_snprintf (p->xid, sizeof p->xid, "%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  g_snprintf (p->x, sizeof p->x, "%d", (int) round (in_native.x + sx));
  g_snprintf (p->y, sizeof p->y, "%d", (int) round (in_native.y + sy));
}

void
test_gui_x_key (GtkWidget  *widget,
                const char *name)
{
  TestGuiXPoint p;
  g_autofree char *out = NULL;

  test_gui_x_point (widget, 0, 0, &p);
  {
    const char *argv[] = { "windowfocus", "--sync", p.xid, "key", name, NULL };
    out = test_gui_xdotool (argv);
  }
}
