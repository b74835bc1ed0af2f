/* lp-window-actions.c: the main window's own actions and their handlers (open, record,
 * find, zoom, filter, the views), the graph's signals, and the action table (see lp-window-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-launch-dialog.h"
#include "lp-process-picker.h"
#include "lp-window-private.h"

/* Opening and recording */

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  LpWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      lp_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) folded = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *last = g_settings_get_string (self->settings, "last-directory");

  chooser = gtk_file_chooser_native_new (_("Open a Report"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (folded, _("Reports, captures and perf script text"));
  gtk_file_filter_add_pattern (folded, "*.laprof");
  gtk_file_filter_add_pattern (folded, "*.perf");
  gtk_file_filter_add_pattern (folded, "*.folded");
  gtk_file_filter_add_pattern (folded, "*.txt");
  gtk_file_filter_add_pattern (folded, "*.collapsed");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), folded);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  if (last != NULL && last[0] != '\0')
    {
      g_autoptr(GFile) dir = g_file_new_for_path (last);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* a window already showing something keeps it: record in a new one */
static LpWindow *
window_for_recording (LpWindow *self)
{
  LpWindow *target;

  if (self->report == NULL)
    return self;
  target = lp_window_new (gtk_window_get_application (GTK_WINDOW (self)));
  gtk_window_present (GTK_WINDOW (target));
  return target;
}

static void
process_chosen_cb (LpWindow   *self,
                   int         pid,
                   const char *name)
{
  lp_window_record_pid (window_for_recording (self), pid, name);
}

/* presents @dialog (over the window), whose @signal runs @callback on it */
static void
present_dialog (LpWindow   *self,
                gpointer    dialog,
                const char *signal,
                GCallback   callback)
{
  g_signal_connect_object (dialog, signal, callback, self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  present_dialog (LP_WINDOW (widget), lp_process_picker_new (GTK_WINDOW (widget)),
                  "process-chosen", G_CALLBACK (process_chosen_cb));
}

static void
launch_requested_cb (LpWindow           *self,
                     const char * const *argv,
                     const char         *directory)
{
  lp_window_record_command (window_for_recording (self), argv, directory);
}

static void
launch_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  present_dialog (LP_WINDOW (widget), lp_launch_dialog_new (GTK_WINDOW (widget)),
                  "launch-requested", G_CALLBACK (launch_requested_cb));
}

/* Exploring the graph */

void
_lp_window_actions_update_matched (LpWindow *self)
{
  double matched = lp_flame_view_get_matched (self->flame_view);
  g_autofree char *text = NULL;

  if (matched >= 0)
    text = g_strdup_printf (_("Matched: %.2f%%"), 100.0 * matched);
  gtk_label_set_text (self->matched_label, text != NULL ? text : "");
}

void
_lp_window_actions_update_zoom_state (LpWindow *self)
{
  guint32 zoom = lp_flame_view_get_zoom (self->flame_view);
  gboolean zoomed = self->model != NULL && zoom != LP_FLAME_ROOT;
  g_autofree char *text = NULL;

  if (zoomed)
    text = g_strdup_printf (_("Zoomed into %s"), lp_flame_model_node_name (self->model, zoom));
  else if (self->focus != NULL)
    text = g_strdup_printf (_("Focused on %s"), self->focus);
  gtk_label_set_text (self->zoom_label, text != NULL ? text : "");
  gtk_widget_set_visible (self->reset_zoom_button, zoomed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset-zoom", zoomed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-back", zoomed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.unfilter",
                                 self->focus != NULL || self->hidden->len > 0);
  _lp_window_actions_update_matched (self);
}

static void
zoom_changed_cb (LpWindow *self)
{
  _lp_window_actions_update_zoom_state (self);
}

static void
search_changed_cb (LpWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean ignore_case = !gtk_toggle_button_get_active (self->case_button);
  g_autoptr(GError) error = NULL;

  if (!lp_flame_view_set_search (self->flame_view, text, ignore_case, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_entry), error->message);
      gtk_label_set_text (self->matched_label, "");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_entry), NULL);
  _lp_window_actions_update_matched (self);
  /* the functions table shows the functions it finds */
  {
    g_autoptr(GRegex) regex = NULL;

    if (text[0] != '\0')
      regex = g_regex_new (text, G_REGEX_OPTIMIZE | (ignore_case ? G_REGEX_CASELESS : 0), 0, NULL);
    _lp_window_views_set_filter (self, regex);
  }
}

static void
stop_search_cb (LpWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
focus_requested_cb (LpWindow *self,
                    guint     frame)
{
  LpFolded *names = lp_flame_model_get_names (self->model);

  g_free (self->focus);
  self->focus = g_strdup (lp_folded_frame_name (names, frame));
  _lp_window_rebuild_model (self);
}

static void
hide_requested_cb (LpWindow *self,
                   guint     frame)
{
  LpFolded *names = lp_flame_model_get_names (self->model);
  const char *name = lp_folded_frame_name (names, frame);

  if (g_strcmp0 (name, self->focus) == 0)
    g_clear_pointer (&self->focus, g_free);
  g_ptr_array_add (self->hidden, g_strdup (name));
  _lp_window_rebuild_model (self);
}

static void
unfilter_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  g_ptr_array_set_size (self->hidden, 0);
  g_clear_pointer (&self->focus, g_free);
  _lp_window_rebuild_model (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
zoom_back_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  lp_flame_view_zoom_back (LP_WINDOW (widget)->flame_view);
}

static void
reset_zoom_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  lp_flame_view_reset_zoom (LP_WINDOW (widget)->flame_view);
}

void
_lp_window_actions_update_report (LpWindow *self)
{
  gboolean has = self->report != NULL;
  const char *actions[] = { "win.save", "win.save-folded", "win.export", "win.save-s3", "win.export-svg", "win.export-png", "win.find", "win.summary",
                            "win.icicle", "win.reverse", "win.left-heavy", "win.show-idle", "win.show-kernel", "win.palette" };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], has);
  gtk_widget_set_visible (self->view_button, has);
  gtk_widget_set_visible (self->export_button, has);
  gtk_widget_set_visible (self->summary_button, has);
  gtk_widget_set_visible (GTK_WIDGET (self->search_button), has);
  _lp_window_actions_update_zoom_state (self);
}

/* The action table: the actions above, the view's property actions, and
 * their shortcuts (recording and saving install theirs in their files). */
void
_lp_window_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, focus_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, hide_requested_cb);

  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-back", NULL, zoom_back_action);
  gtk_widget_class_install_action (widget_class, "win.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_install_action (widget_class, "win.unfilter", NULL, unfilter_action);
  gtk_widget_class_install_property_action (widget_class, "win.icicle", "icicle");
  gtk_widget_class_install_property_action (widget_class, "win.reverse", "reverse");
  gtk_widget_class_install_property_action (widget_class, "win.left-heavy", "left-heavy");
  gtk_widget_class_install_property_action (widget_class, "win.show-idle", "show-idle");
  gtk_widget_class_install_property_action (widget_class, "win.show-kernel", "show-kernel");
  /* the palette the graph shows (lang for Python frames until one is chosen) */
  gtk_widget_class_install_property_action (widget_class, "win.palette", "view-palette");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "win.zoom-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.zoom-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.reset-zoom", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.icicle", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reverse", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.show-kernel", NULL);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "win.launch", NULL, launch_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.attach", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.launch", NULL);
}
