/* lp-window-python.c: Python frames in the main window (issue 14): a report
 * with Python frames is drawn in the lang palette (Python's blue) unless the
 * user chose a palette, and a recording says whether the engine shows the
 * target's Python frames (see lp-window-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lp-flame-color.h"
#include "lp-window-private.h"

/* whether @report has a frame the engine names as Python's */
static gboolean
report_has_python (LpFolded *report)
{
  guint n = lp_folded_get_n_frames (report);

  for (guint f = 0; f < n; f++)
    if (lp_flame_color_is_python (lp_folded_frame_name (report, f)))
      return TRUE;
  return FALSE;
}

const char *
_lp_window_python_view_palette (LpWindow *self)
{
  return self->python_palette ? "lang" : self->palette;
}

void
_lp_window_python_apply_palette (LpWindow *self)
{
  LpFlamePalette palette;

  if (lp_flame_color_palette_from_string (_lp_window_python_view_palette (self), &palette))
    lp_flame_view_set_palette (self->flame_view, palette);
  g_object_notify (G_OBJECT (self), "view-palette");
}

/* the lang palette tells Python frames from the native code around them,
 * unless the user chose a palette (a value of their own in the settings:
 * picked in the View menu, here or before) */
static void
set_python_palette (LpWindow *self,
                    gboolean  python_frames)
{
  g_autoptr(GVariant) chosen = g_settings_get_user_value (self->settings, "palette");
  gboolean lang = python_frames && chosen == NULL;

  if (lang == self->python_palette)
    return;
  self->python_palette = lang;
  _lp_window_python_apply_palette (self);
}

void
_lp_window_python_report_changed (LpWindow *self)
{
  self->python_notice_shown = FALSE;
  gtk_widget_set_visible (self->python_label, FALSE);
  gtk_widget_set_tooltip_text (self->python_label, NULL);
  set_python_palette (self, self->report != NULL && report_has_python (self->report));
}

void
_lp_window_python_recorder_cb (LpWindow   *self,
                               gboolean    on,
                               const char *text,
                               LpRecorder *recorder)
{
  if (on)
    {
      /* the engine's own line says which interpreter, in full */
      gtk_widget_set_tooltip_text (self->python_label, text);
      gtk_widget_set_visible (self->python_label, TRUE);
      set_python_palette (self, TRUE);
      return;
    }
  gtk_widget_set_visible (self->python_label, FALSE);
  /* a Python laprof cannot read (a version it does not know): said once
   * a recording, the stacks stay native */
  if (!self->python_notice_shown && text != NULL && text[0] != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (text, -1);   /* a toast's title is markup */
      AdwToast *toast = adw_toast_new (escaped);
      GtkWidget *label = gtk_label_new (text);

      /* the whole line (version, path, why), on as many lines as it needs */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      adw_toast_set_custom_title (toast, label);
      adw_toast_set_timeout (toast, 10);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      self->python_notice_shown = TRUE;
    }
}

void
_lp_window_python_pick_palette (LpWindow   *self,
                                const char *name)
{
  g_autoptr(GVariant) chosen = NULL;
  LpFlamePalette palette;

  g_return_if_fail (name != NULL && lp_flame_color_palette_from_string (name, &palette));
  self->python_palette = FALSE;
  /* the settings follow the window's "palette" (a binding) */
  g_object_set (self, "palette", name, NULL);
  /* the same palette as the default is a choice too: it stays */
  chosen = g_settings_get_user_value (self->settings, "palette");
  if (chosen == NULL)
    g_settings_set_string (self->settings, "palette", self->palette);
  _lp_window_python_apply_palette (self);
}
