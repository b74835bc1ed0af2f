/* lp-timeline-view.h: the timeline widget over the flame graph: draws a capture through render/lp-timeline.h, selects a time range and threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lp-timeline.h"

G_BEGIN_DECLS

#define LP_TYPE_TIMELINE_VIEW (lp_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (LpTimelineView, lp_timeline_view, LP, TIMELINE_VIEW, GtkWidget)

/* A custom-drawn widget (code only, as the flame view). It shows the
 * whole recording, from 0 to its end, and grows with it.
 *
 * Mouse: drag over the time to select a range; click a lane to keep only
 * its thread, Ctrl-click to add or take away a lane; a click on the
 * ruler or the strip clears the range. "selection-changed" () is emitted
 * when a drag or click has changed the selection (not while dragging),
 * and by the setters below. */
GtkWidget   *lp_timeline_view_new              (void);

/* lp_timeline_view_set_capture: shows @capture (borrowed: the caller
 * keeps it alive until it sets another one or NULL); clears the
 * selection and the marks. */
void         lp_timeline_view_set_capture      (LpTimelineView *self,
                                                LpCapture      *capture);
LpCapture   *lp_timeline_view_get_capture      (LpTimelineView *self);

/* lp_timeline_view_capture_changed: the capture grew (samples, threads):
 * drawn again at the next frame (many calls in a frame cost one draw). */
void         lp_timeline_view_capture_changed  (LpTimelineView *self);

/* the selection: a range (LP_CAPTURE_TIME_NONE: none) and threads (NULL:
 * all). The setters emit "selection-changed" when it changes. */
void         lp_timeline_view_set_range        (LpTimelineView *self,
                                                guint64         from_ns,
                                                guint64         to_ns);
gboolean     lp_timeline_view_get_range        (LpTimelineView *self,
                                                guint64        *from_ns,
                                                guint64        *to_ns);
void         lp_timeline_view_set_threads      (LpTimelineView *self,
                                                const guint    *threads,
                                                guint           n_threads);
const guint *lp_timeline_view_get_threads      (LpTimelineView *self,
                                                guint          *n_threads);
/* lp_timeline_view_clear_selection: no range, every thread; FALSE if
 * there was nothing to clear */
gboolean     lp_timeline_view_clear_selection  (LpTimelineView *self);
/* lp_timeline_view_has_selection: a range or a choice of threads */
gboolean     lp_timeline_view_has_selection    (LpTimelineView *self);
/* lp_timeline_view_get_filter: the selection as a capture filter, whose
 * thread array is the view's (valid until the selection changes) */
void         lp_timeline_view_get_filter       (LpTimelineView  *self,
                                                LpCaptureFilter *filter);

/* lp_timeline_view_set_selection_samples: the selection's samples as its
 * report counts them, shown with it (until the selection changes; -1:
 * counted from the capture's sums, to a bin at each edge) */
void         lp_timeline_view_set_selection_samples (LpTimelineView *self,
                                                     double          samples);

/* lp_timeline_view_set_marked_frames: marks when any of @frames (frame
 * ids of the capture's folded report) was on a stack; @n_frames 0: none */
void         lp_timeline_view_set_marked_frames (LpTimelineView *self,
                                                 const guint32  *frames,
                                                 guint           n_frames);
/* lp_timeline_view_get_n_marked_columns: how many columns show marks
 * (for tests and the accessibility text) */
guint        lp_timeline_view_get_n_marked_columns (LpTimelineView *self);

/* lp_timeline_view_get_params: what the view draws now, in its own
 * coordinates (borrowed pointers, valid until the next change) */
void         lp_timeline_view_get_params       (LpTimelineView   *self,
                                                LpTimelineParams *params);

G_END_DECLS
