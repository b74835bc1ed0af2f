/* lp-window-timeline.c: the window's timeline: the capture it shows, the selection that scopes the graph, the hovered frame's marks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lp-window-private.h"

LpFolded *
_lp_window_shown_report (LpWindow *self)
{
  return self->scoped != NULL ? self->scoped : self->report;
}

/* replaces the selection's report by @scoped (taken, nullable); the
 * graph's model may have its names in the old one: it goes first, and
 * the caller builds the graph again */
static void
set_scoped (LpWindow *self,
            LpFolded *scoped)
{
  if (self->scoped != NULL)
    _lp_window_show_model (self, NULL, NULL);
  g_clear_pointer (&self->scoped, lp_folded_free);
  _lp_window_forget_counts (self);
  self->scoped = scoped;
  self->scope_stale = FALSE;
  self->scoped_n_samples = self->capture != NULL ? lp_capture_get_n_samples (self->capture) : 0;
}

/* the report of the selection, made again from the capture (the range and
 * threads the timeline says); NULL without a selection */
void
_lp_window_timeline_update_scope (LpWindow *self)
{
  LpCaptureFilter filter;
  g_autoptr(GError) error = NULL;
  LpFolded *scoped;

  if (self->capture == NULL || !lp_timeline_view_has_selection (self->timeline_view))
    {
      set_scoped (self, NULL);
      return;
    }
  lp_timeline_view_get_filter (self->timeline_view, &filter);
  scoped = lp_capture_select (self->capture, &filter, &error);
  if (scoped == NULL)
    {
      set_scoped (self, NULL);
      _lp_window_toast (self, error->message);
      lp_timeline_view_clear_selection (self->timeline_view);
      return;
    }
  set_scoped (self, scoped);
  /* the selection's label says what the header says */
  lp_timeline_view_set_selection_samples (self->timeline_view, lp_folded_get_total (self->scoped));
}

static void
show_scope (LpWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-selection",
                                 lp_timeline_view_has_selection (self->timeline_view));
  _lp_window_rebuild_model (self);
  _lp_window_update_summary (self);
  _lp_window_actions_update_matched (self);
}

static void
selection_changed_cb (LpWindow       *self,
                      LpTimelineView *view)
{
  _lp_window_timeline_update_scope (self);
  show_scope (self);
}

void
_lp_window_timeline_capture_grew (LpWindow *self)
{
  if (self->capture == NULL)
    return;
  lp_timeline_view_capture_changed (self->timeline_view);
  /* a selection of threads, or a range not ended yet, gains samples:
   * the next rebuild of the graph (at most twice a second while
   * recording) makes its report again */
  if (self->scoped != NULL && self->scoped_n_samples != lp_capture_get_n_samples (self->capture))
    self->scope_stale = TRUE;
}

void
_lp_window_timeline_set_capture (LpWindow  *self,
                                 LpCapture *capture)
{
  gboolean had_scope = self->scoped != NULL;

  lp_timeline_view_set_capture (self->timeline_view, capture);
  set_scoped (self, NULL);
  g_clear_pointer (&self->capture, lp_capture_free);
  self->capture = capture;
  gtk_widget_set_visible (self->timeline_box, capture != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-selection", FALSE);
  if (had_scope)
    show_scope (self);
}

LpCapture *
_lp_window_timeline_new_no_times (void)
{
  LpCapture *capture = lp_capture_new ();

  lp_capture_get_info (capture)->has_times = FALSE;
  return capture;
}

/* Hovering a frame of the graph marks when a frame of that name was on a
 * stack (the capture's frame ids, found by name: the graph's model may
 * have ids of its own) */
static void
hover_changed_cb (LpWindow    *self,
                  guint        node,
                  LpFlameView *view)
{
  guint32 frame;
  const char *name;

  if (self->capture == NULL || self->model == NULL)
    return;
  if (node == LP_FLAME_NO_NODE || node == LP_FLAME_ROOT)
    {
      lp_timeline_view_set_marked_frames (self->timeline_view, NULL, 0);
      return;
    }
  name = lp_flame_model_node_name (self->model, node);
  if (name != NULL &&
      lp_intern_lookup (lp_folded_get_intern (lp_capture_get_folded (self->capture)), name, strlen (name), &frame))
    lp_timeline_view_set_marked_frames (self->timeline_view, &frame, 1);
  else
    lp_timeline_view_set_marked_frames (self->timeline_view, NULL, 0);
}

static void
clear_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  lp_timeline_view_clear_selection (LP_WINDOW (widget)->timeline_view);
}

/* the report of a capture: a copy of its aggregate, which the window owns
 * as it owns any report (the capture keeps its own for the selections) */
LpFolded *
_lp_window_timeline_report_of (LpCapture  *capture,
                               GError    **error)
{
  g_autoptr(LpFolded) report = lp_folded_new ();

  if (!lp_folded_merge (report, lp_capture_get_folded (capture), error))
    return NULL;
  return g_steal_pointer (&report);
}

void
_lp_window_timeline_init (LpWindow *self)
{
  g_signal_connect_object (self->timeline_view, "selection-changed", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flame_view, "hover-changed", G_CALLBACK (hover_changed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-selection", FALSE);
}

void
_lp_window_timeline_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (LP_TYPE_TIMELINE_VIEW);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, timeline_view);
  gtk_widget_class_bind_template_child (widget_class, LpWindow, timeline_box);
  gtk_widget_class_install_action (widget_class, "win.clear-selection", NULL, clear_selection_action);
  /* before the graph's Escape (win.reset-zoom): while there is a
   * selection, Escape clears it; else this action is off and Escape
   * resets the zoom as before */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.clear-selection", NULL);
}
