/* lp-application.c: application actions, accelerators, and opening files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-application.h"
#include "lp-window.h"

struct _LpApplication
{
  AdwApplication parent_instance;

  gboolean demo;         /* --demo: record the bundled demo workload */
  int      attach_pid;   /* --attach PID */
};

G_DEFINE_FINAL_TYPE (LpApplication, lp_application, ADW_TYPE_APPLICATION)

char *
lp_application_find_demo (void)
{
  const char *env = g_getenv ("LAPROF_DEMO");
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *installed = g_build_filename (LIBEXECDIR, "laprof", "demo-handler", NULL);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      /* the build tree: app/gtk/laprof and bench/demo-handler */
      g_autofree char *built = g_build_filename (dir, "..", "..", "bench", "demo-handler", NULL);

      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
    }
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return NULL;
}

static void
lp_application_activate (GApplication *app)
{
  LpApplication *self = LP_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL || self->demo || self->attach_pid > 0)
    window = GTK_WINDOW (lp_window_new (GTK_APPLICATION (app)));
  gtk_window_present (window);

  if (self->demo)
    {
      g_autofree char *demo = lp_application_find_demo ();

      self->demo = FALSE;
      if (demo != NULL)
        {
          /* runs until stopped, phases of 1.5 s: sleep, compute, wait */
          const char *argv[] = { demo, "--forever", "--scale", "0.5", NULL };
          lp_window_record_command (LP_WINDOW (window), argv, NULL);
        }
      else
        {
          AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
            adw_message_dialog_new (window, _("No Demo Workload"),
                                    _("The demo program (demo-handler) was not found. "
                                      "Set LAPROF_DEMO to its path, or build laprof.")));
          adw_message_dialog_add_response (dialog, "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
    }
  else if (self->attach_pid > 0)
    {
      int pid = self->attach_pid;
      g_autofree char *comm_path = g_strdup_printf ("/proc/%d/comm", pid);
      g_autofree char *comm = NULL;

      self->attach_pid = 0;
      if (g_file_get_contents (comm_path, &comm, NULL, NULL))
        g_strchomp (comm);
      lp_window_record_pid (LP_WINDOW (window), pid, comm != NULL ? comm : "?");
    }
}

static int
lp_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  LpApplication *self = LP_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("laprof %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->demo = g_variant_dict_contains (options, "demo");
  g_variant_dict_lookup (options, "attach", "i", &self->attach_pid);
  return -1;
}

static void
lp_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  /* one window a report, as a document app does */
  for (int i = 0; i < n_files; i++)
    {
      LpWindow *window = lp_window_new (GTK_APPLICATION (app));

      lp_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* closing each window lets it ask about unsaved recordings */
  for (GList *l = g_list_copy (windows); l != NULL; l = g_list_delete_link (l, l))
    gtk_window_close (l->data);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (lp_window_new (GTK_APPLICATION (user_data))));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { _("The laprof developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "laprof",
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The laprof developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("A sampling profiler for native programs, with a live flame graph"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "new-window", new_window_action },
  { "about", about_action },
};

static void
lp_application_startup (GApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.attach", { "<Control>p", NULL } },
    { "win.launch", { "<Control>l", NULL } },
    { "win.pause", { "<Control><Shift>p", NULL } },
    { "win.restart", { "<Control><Shift>r", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (lp_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
}

static void
lp_application_class_init (LpApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = lp_application_activate;
  app_class->handle_local_options = lp_application_handle_local_options;
  app_class->open = lp_application_open;
  app_class->startup = lp_application_startup;
}

static void
lp_application_init (LpApplication *self)
{
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Record the bundled demo workload, live"), NULL },
    { "attach", 'p', 0, G_OPTION_ARG_INT, NULL,
      N_("Record the running process PID, live"), N_("PID") },
    { "version", 'V', 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[REPORT…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Open folded reports, or record a program as a live flame graph."));
}

LpApplication *
lp_application_new (void)
{
  return g_object_new (LP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/laprof/Laprof",
                       NULL);
}
