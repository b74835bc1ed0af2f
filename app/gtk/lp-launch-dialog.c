/* lp-launch-dialog.c: the "Launch a Program" window.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-launch-dialog.h"

struct _LpLaunchDialog
{
  AdwWindow    parent_instance;

  AdwEntryRow *command_row;
  AdwActionRow *directory_row;
  GtkButton   *launch_button;
  GtkLabel    *error_label;

  char        *directory;
};

G_DEFINE_FINAL_TYPE (LpLaunchDialog, lp_launch_dialog, ADW_TYPE_WINDOW)

enum
{
  LAUNCH_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
command_changed_cb (LpLaunchDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->command_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->launch_button), text != NULL && text[0] != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

gboolean
lp_launch_dialog_launch (LpLaunchDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->command_row));
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (LP_IS_LAUNCH_DIALOG (self), FALSE);

  if (!g_shell_parse_argv (text, NULL, &argv, &error))
    message = g_strdup_printf (_("This command line cannot be read: %s"), error->message);
  else if (strchr (argv[0], '/') == NULL && (found = g_find_program_in_path (argv[0])) == NULL)
    message = g_strdup_printf (_("No program named “%s” was found in the PATH."), argv[0]);

  if (message != NULL)
    {
      gtk_label_set_text (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }

  g_signal_emit (self, signals[LAUNCH_REQUESTED], 0, argv, self->directory);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static void
launch_clicked_cb (LpLaunchDialog *self)
{
  lp_launch_dialog_launch (self);
}

void
lp_launch_dialog_set_directory (LpLaunchDialog *self,
                                const char     *directory)
{
  g_return_if_fail (LP_IS_LAUNCH_DIALOG (self));

  g_free (self->directory);
  self->directory = g_strdup (directory != NULL ? directory : g_get_home_dir ());
  adw_action_row_set_subtitle (self->directory_row, self->directory);
}

void
lp_launch_dialog_set_command (LpLaunchDialog *self,
                              const char     *command)
{
  g_return_if_fail (LP_IS_LAUNCH_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->command_row), command);
}

static void
directory_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       LpLaunchDialog  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) dir = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (dir);

      if (path != NULL)
        lp_launch_dialog_set_directory (self, path);
    }
  g_object_unref (chooser);
}

static void
directory_clicked_cb (LpLaunchDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GFile) current = g_file_new_for_path (self->directory);

  chooser = gtk_file_chooser_native_new (_("Choose the Working Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Select"), _("_Cancel"));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), current, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (directory_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
lp_launch_dialog_finalize (GObject *object)
{
  LpLaunchDialog *self = LP_LAUNCH_DIALOG (object);

  g_free (self->directory);
  G_OBJECT_CLASS (lp_launch_dialog_parent_class)->finalize (object);
}

static void
lp_launch_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LP_TYPE_LAUNCH_DIALOG);
  G_OBJECT_CLASS (lp_launch_dialog_parent_class)->dispose (object);
}

static void
lp_launch_dialog_class_init (LpLaunchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lp_launch_dialog_dispose;
  object_class->finalize = lp_launch_dialog_finalize;

  signals[LAUNCH_REQUESTED] = g_signal_new ("launch-requested", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/laprof/Laprof/lp-launch-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LpLaunchDialog, command_row);
  gtk_widget_class_bind_template_child (widget_class, LpLaunchDialog, directory_row);
  gtk_widget_class_bind_template_child (widget_class, LpLaunchDialog, launch_button);
  gtk_widget_class_bind_template_child (widget_class, LpLaunchDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, command_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, launch_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, directory_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lp_launch_dialog_init (LpLaunchDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lp_launch_dialog_set_directory (self, g_get_home_dir ());
  /* typing goes into the command line, not to the first button (Cancel),
   * which the first space would press */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->command_row));
}

LpLaunchDialog *
lp_launch_dialog_new (GtkWindow *parent)
{
  return g_object_new (LP_TYPE_LAUNCH_DIALOG, "transient-for", parent, NULL);
}
