/* lp-window-export.c: the window's exports for other tools (pprof, speedscope, the Firefox Profiler) through lp_export().
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-export.h"
#include "lp-window-private.h"

/* The recording with its times (the part the timeline's selection keeps),
 * or, for a folded report, a capture of its stacks only (lp_export()
 * gives each stack one sample weighed by its count); *@tmp owns the
 * latter. */
static LpCapture *
capture_to_export (LpWindow   *self,
                   LpCapture **tmp,
                   GError    **error)
{
  if (self->capture != NULL && lp_capture_get_n_samples (self->capture) > 0)
    return self->capture;
  *tmp = lp_capture_new ();
  lp_capture_get_info (*tmp)->has_times = FALSE;
  if (!lp_folded_merge (lp_capture_get_folded (*tmp), self->report, error))
    {
      g_clear_pointer (tmp, lp_capture_free);
      return NULL;
    }
  return *tmp;
}

gboolean
_lp_window_export_to_path (LpWindow    *self,
                           const char  *format_name,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(LpCapture) tmp = NULL;
  g_autoptr(GBytes) bytes = NULL;
  LpCaptureFilter filter;
  LpExportFormat format;
  LpCapture *capture;
  gboolean selected;

  if (!lp_export_format_from_string (format_name, &format))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown export format “%s”"), format_name);
      return FALSE;
    }
  capture = capture_to_export (self, &tmp, error);
  if (capture == NULL)
    return FALSE;
  /* what the window shows: the selection, if there is one */
  selected = capture == self->capture && lp_timeline_view_has_selection (self->timeline_view);
  if (selected)
    lp_timeline_view_get_filter (self->timeline_view, &filter);
  bytes = lp_export (capture, selected ? &filter : NULL, format, error);
  return bytes != NULL &&
         g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    LpWindow        *self)
{
  const char *format = g_object_get_data (G_OBJECT (chooser), "lp-format");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL || !_lp_window_export_to_path (self, format, path, &error))
        _lp_window_show_error (self, _("Could Not Export"),
                               error != NULL ? error->message : _("Only local files can be written."));
      else
        {
          g_autofree char *name = g_path_get_basename (path);
          g_autofree char *msg = g_strdup_printf (_("Exported %s"), name);

          _lp_window_toast (self, msg);
        }
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LpWindow *self = LP_WINDOW (widget);
  const char *format_name = g_variant_get_string (parameter, NULL);
  LpExportFormat format;
  g_autofree char *name = NULL;
  g_autofree char *last = g_settings_get_string (self->settings, "last-directory");
  GtkFileChooserNative *chooser;

  if (self->report == NULL || !lp_export_format_from_string (format_name, &format))
    return;
  name = _lp_window_save_suggested_name (self, lp_export_format_extension (format));
  chooser = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (last != NULL && last[0] != '\0')
    {
      g_autoptr(GFile) dir = g_file_new_for_path (last);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
    }
  g_object_set_data_full (G_OBJECT (chooser), "lp-format", g_strdup (format_name), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_lp_window_export_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
}
