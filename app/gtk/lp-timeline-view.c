/* lp-timeline-view.c: the timeline widget: draws a capture with render/lp-timeline.c, drag to select a range, click lanes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lp-timeline-view.h"

/* a press that moves less than this is a click, not a drag */
#define DRAG_THRESHOLD 4.0
/* the height shown at most; more lanes scroll */
#define NO_TIMES_HEIGHT 28

struct _LpTimelineView
{
  GtkWidget  parent_instance;

  LpCapture *capture;
  guint64    sel_from_ns;      /* LP_CAPTURE_TIME_NONE: no range */
  guint64    sel_to_ns;
  GArray    *threads;          /* guint; empty: every thread */
  double     sel_samples;      /* the selection's samples as told, or -1 */

  /* a drag in progress */
  gboolean   dragging;
  double     drag_x, drag_y;
  guint64    drag_from_ns;

  /* the marks: the frames, and the columns computed for a given width,
   * span and number of samples */
  GArray    *marked_frames;    /* guint32 */
  double    *marks;
  guint      n_marks;
  guint64    marks_to_ns;
  guint64    marks_n_samples;
  guint      marks_n_threads_sel;
  gboolean   marks_dirty;

  guint      n_threads_measured;
};

enum
{
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LpTimelineView, lp_timeline_view, GTK_TYPE_WIDGET)

static guint64
end_ns (LpTimelineView *self)
{
  guint64 end = self->capture != NULL ? lp_capture_get_end_ns (self->capture) : 0;

  /* a fresh recording spans a second at least, so that it grows into it */
  return MAX (end + 1, (guint64) 1000000000);
}

static gboolean
is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return 0.3 * fg.red + 0.59 * fg.green + 0.11 * fg.blue > 0.5;
}

static void
fill_params (LpTimelineView   *self,
             LpTimelineParams *params)
{
  lp_timeline_params_init (params);
  params->width = gtk_widget_get_width (GTK_WIDGET (self));
  params->height = gtk_widget_get_height (GTK_WIDGET (self));
  params->from_ns = 0;
  params->to_ns = end_ns (self);
  params->sel_from_ns = self->sel_from_ns;
  params->sel_to_ns = self->sel_to_ns;
  if (self->threads->len > 0)
    {
      params->sel_threads = (const guint *) (gpointer) self->threads->data;
      params->n_sel_threads = self->threads->len;
    }
  params->sel_samples = self->sel_samples;
  params->dark = is_dark (GTK_WIDGET (self));
  params->empty_text = _("No timeline: this report has no times (folded text keeps only the totals)");
}

void
lp_timeline_view_get_params (LpTimelineView   *self,
                             LpTimelineParams *params)
{
  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));
  fill_params (self, params);
  params->marks = self->marks;
  params->n_marks = self->n_marks;
}

/* the marks of the current size, span and samples; recomputed only when
 * one of them changed (a scan of the visible samples: once a hover, or
 * once a batch while hovering during a recording) */
static void
update_marks (LpTimelineView   *self,
              LpTimelineParams *params)
{
  guint n_cols;

  if (self->capture == NULL || self->marked_frames->len == 0)
    {
      g_clear_pointer (&self->marks, g_free);
      self->n_marks = 0;
      return;
    }
  n_cols = (guint) MAX (1.0, lp_timeline_area_width (params));
  if (!self->marks_dirty && self->marks != NULL && self->n_marks == n_cols &&
      self->marks_to_ns == params->to_ns &&
      self->marks_n_samples == lp_capture_get_n_samples (self->capture) &&
      self->marks_n_threads_sel == self->threads->len)
    return;
  g_clear_pointer (&self->marks, g_free);
  self->marks = lp_timeline_marks_new (self->capture, params,
                                       (const guint32 *) (gpointer) self->marked_frames->data,
                                       self->marked_frames->len, n_cols);
  self->n_marks = n_cols;
  self->marks_to_ns = params->to_ns;
  self->marks_n_samples = lp_capture_get_n_samples (self->capture);
  self->marks_n_threads_sel = self->threads->len;
  self->marks_dirty = FALSE;
}

static void
lp_timeline_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  LpTimelineView *self = LP_TIMELINE_VIEW (widget);
  LpTimelineParams params;
  cairo_t *cr;

  if (self->capture == NULL || gtk_widget_get_width (widget) <= 0 || gtk_widget_get_height (widget) <= 0)
    return;
  fill_params (self, &params);
  update_marks (self, &params);
  params.marks = self->marks;
  params.n_marks = self->n_marks;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, params.width, params.height));
  lp_timeline_draw (cr, self->capture, &params);
  cairo_destroy (cr);
}

static void
lp_timeline_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  LpTimelineView *self = LP_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 1000;
      return;
    }
  if (self->capture == NULL)
    *minimum = *natural = 0;
  else if (!lp_capture_get_info (self->capture)->has_times && lp_capture_get_n_samples (self->capture) == 0)
    *minimum = *natural = NO_TIMES_HEIGHT;
  else
    *minimum = *natural = (int) ceil (lp_timeline_get_height (self->capture));
}

static void
emit_changed (LpTimelineView *self)
{
  self->marks_dirty = TRUE;
  self->sel_samples = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               LpTimelineView *self)
{
  LpTimelineParams params;

  if (self->capture == NULL ||
      (!lp_capture_get_info (self->capture)->has_times && lp_capture_get_n_samples (self->capture) == 0))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  fill_params (self, &params);
  self->dragging = FALSE;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_from_ns = lp_timeline_time_at (&params, x);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                LpTimelineView *self)
{
  LpTimelineParams params;
  guint64 t;

  if (!self->dragging && ABS (dx) < DRAG_THRESHOLD)
    return;
  self->dragging = TRUE;
  fill_params (self, &params);
  t = lp_timeline_time_at (&params, self->drag_x + dx);
  self->sel_from_ns = MIN (t, self->drag_from_ns);
  self->sel_to_ns = MAX (t, self->drag_from_ns);
  self->sel_samples = -1;
  self->marks_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
toggle_thread (LpTimelineView *self,
               guint           thread,
               gboolean        add)
{
  for (guint i = 0; i < self->threads->len; i++)
    if (g_array_index (self->threads, guint, i) == thread)
      {
        /* a click on the only lane kept, or a Ctrl-click on a kept one,
         * lets it go (and every thread comes back with the last) */
        if (add || self->threads->len == 1)
          {
            g_array_remove_index (self->threads, i);
            return;
          }
        g_array_set_size (self->threads, 0);
        g_array_append_val (self->threads, thread);
        return;
      }
  if (!add)
    g_array_set_size (self->threads, 0);
  g_array_append_val (self->threads, thread);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             LpTimelineView *self)
{
  LpTimelineParams params;
  GdkModifierType state;
  guint lane;

  if (self->dragging)
    {
      self->dragging = FALSE;
      /* a range too short to hold a sample is no range */
      if (self->sel_to_ns <= self->sel_from_ns)
        self->sel_from_ns = self->sel_to_ns = LP_CAPTURE_TIME_NONE;
      emit_changed (self);
      return;
    }
  if (self->capture == NULL)
    return;
  fill_params (self, &params);
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  lane = lp_timeline_lane_at (self->capture, &params, self->drag_y);
  if (lane != LP_TIMELINE_NO_LANE)
    toggle_thread (self, lane, (state & GDK_CONTROL_MASK) != 0);
  else if (self->drag_y < lp_timeline_lane_y (0) && self->sel_from_ns != LP_CAPTURE_TIME_NONE)
    self->sel_from_ns = self->sel_to_ns = LP_CAPTURE_TIME_NONE;
  else
    return;
  emit_changed (self);
}

void
lp_timeline_view_set_capture (LpTimelineView *self,
                              LpCapture      *capture)
{
  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));

  self->capture = capture;
  self->sel_from_ns = self->sel_to_ns = LP_CAPTURE_TIME_NONE;
  self->sel_samples = -1;
  g_array_set_size (self->threads, 0);
  g_array_set_size (self->marked_frames, 0);
  g_clear_pointer (&self->marks, g_free);
  self->n_marks = 0;
  self->n_threads_measured = capture != NULL ? lp_capture_get_n_threads (capture) : 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

LpCapture *
lp_timeline_view_get_capture (LpTimelineView *self)
{
  g_return_val_if_fail (LP_IS_TIMELINE_VIEW (self), NULL);
  return self->capture;
}

void
lp_timeline_view_capture_changed (LpTimelineView *self)
{
  guint n;

  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));
  if (self->capture == NULL)
    return;
  /* a new thread is a new lane: a new height */
  n = lp_capture_get_n_threads (self->capture);
  if (n != self->n_threads_measured)
    {
      self->n_threads_measured = n;
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lp_timeline_view_set_range (LpTimelineView *self,
                            guint64         from_ns,
                            guint64         to_ns)
{
  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));

  if (from_ns == LP_CAPTURE_TIME_NONE || to_ns <= from_ns)
    from_ns = to_ns = LP_CAPTURE_TIME_NONE;
  if (from_ns == self->sel_from_ns && to_ns == self->sel_to_ns)
    return;
  self->sel_from_ns = from_ns;
  self->sel_to_ns = to_ns;
  emit_changed (self);
}

gboolean
lp_timeline_view_get_range (LpTimelineView *self,
                            guint64        *from_ns,
                            guint64        *to_ns)
{
  g_return_val_if_fail (LP_IS_TIMELINE_VIEW (self), FALSE);
  if (from_ns != NULL)
    *from_ns = self->sel_from_ns;
  if (to_ns != NULL)
    *to_ns = self->sel_to_ns;
  return self->sel_from_ns != LP_CAPTURE_TIME_NONE;
}

void
lp_timeline_view_set_threads (LpTimelineView *self,
                              const guint    *threads,
                              guint           n_threads)
{
  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));
  g_return_if_fail (threads != NULL || n_threads == 0);

  if (n_threads == self->threads->len &&
      (n_threads == 0 || memcmp (threads, self->threads->data, n_threads * sizeof (guint)) == 0))
    return;
  g_array_set_size (self->threads, 0);
  g_array_append_vals (self->threads, threads, n_threads);
  emit_changed (self);
}

const guint *
lp_timeline_view_get_threads (LpTimelineView *self,
                              guint          *n_threads)
{
  g_return_val_if_fail (LP_IS_TIMELINE_VIEW (self), NULL);
  if (n_threads != NULL)
    *n_threads = self->threads->len;
  return self->threads->len > 0 ? (const guint *) (gpointer) self->threads->data : NULL;
}

gboolean
lp_timeline_view_has_selection (LpTimelineView *self)
{
  g_return_val_if_fail (LP_IS_TIMELINE_VIEW (self), FALSE);
  return self->sel_from_ns != LP_CAPTURE_TIME_NONE || self->threads->len > 0;
}

gboolean
lp_timeline_view_clear_selection (LpTimelineView *self)
{
  g_return_val_if_fail (LP_IS_TIMELINE_VIEW (self), FALSE);
  if (!lp_timeline_view_has_selection (self))
    return FALSE;
  self->sel_from_ns = self->sel_to_ns = LP_CAPTURE_TIME_NONE;
  g_array_set_size (self->threads, 0);
  emit_changed (self);
  return TRUE;
}

void
lp_timeline_view_get_filter (LpTimelineView  *self,
                             LpCaptureFilter *filter)
{
  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));
  g_return_if_fail (filter != NULL);

  lp_capture_filter_all (filter);
  if (self->sel_from_ns != LP_CAPTURE_TIME_NONE)
    {
      filter->from_ns = self->sel_from_ns;
      filter->to_ns = self->sel_to_ns;
    }
  if (self->threads->len > 0)
    {
      filter->threads = (const guint *) (gpointer) self->threads->data;
      filter->n_threads = self->threads->len;
    }
}

void
lp_timeline_view_set_selection_samples (LpTimelineView *self,
                                        double          samples)
{
  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));
  self->sel_samples = samples;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lp_timeline_view_set_marked_frames (LpTimelineView *self,
                                    const guint32  *frames,
                                    guint           n_frames)
{
  g_return_if_fail (LP_IS_TIMELINE_VIEW (self));

  if (n_frames == self->marked_frames->len &&
      (n_frames == 0 || memcmp (frames, self->marked_frames->data, n_frames * sizeof (guint32)) == 0))
    return;
  g_array_set_size (self->marked_frames, 0);
  if (n_frames > 0)
    g_array_append_vals (self->marked_frames, frames, n_frames);
  self->marks_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lp_timeline_view_get_n_marked_columns (LpTimelineView *self)
{
  LpTimelineParams params;
  guint n = 0;

  g_return_val_if_fail (LP_IS_TIMELINE_VIEW (self), 0);
  fill_params (self, &params);
  update_marks (self, &params);
  for (guint i = 0; i < self->n_marks; i++)
    if (self->marks[i] > 0)
      n++;
  return n;
}

static void
lp_timeline_view_finalize (GObject *object)
{
  LpTimelineView *self = LP_TIMELINE_VIEW (object);

  g_array_unref (self->threads);
  g_array_unref (self->marked_frames);
  g_clear_pointer (&self->marks, g_free);
  G_OBJECT_CLASS (lp_timeline_view_parent_class)->finalize (object);
}

static void
lp_timeline_view_class_init (LpTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lp_timeline_view_finalize;
  widget_class->snapshot = lp_timeline_view_snapshot;
  widget_class->measure = lp_timeline_view_measure;

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "timeline");
}

static void
lp_timeline_view_init (LpTimelineView *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->sel_from_ns = self->sel_to_ns = LP_CAPTURE_TIME_NONE;
  self->sel_samples = -1;
  self->threads = g_array_new (FALSE, FALSE, sizeof (guint));
  self->marked_frames = g_array_new (FALSE, FALSE, sizeof (guint32));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
lp_timeline_view_new (void)
{
  return g_object_new (LP_TYPE_TIMELINE_VIEW, NULL);
}
