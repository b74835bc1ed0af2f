/* lp-timeline.h: a capture's timeline drawn with cairo: samples per second, one lane per thread, the selection, the marks; hit testing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "lp-capture.h"
#include "lp-flame-color.h"

G_BEGIN_DECLS

/* What a timeline shows of a capture: a plain value, like
 * LpFlameLayoutParams. Fill it with lp_timeline_params_init(), then set
 * its fields. Pointers are borrowed: they must live while it is used.
 *
 * From the top: a ruler (times), the samples-per-second strip, then one
 * lane per thread of the capture, in the capture's thread order, each
 * with its name in a column on the left; on-CPU and blocked samples in
 * two colours (LP_TIMELINE_ON_CPU_RGB, LP_TIMELINE_BLOCKED_RGB). */
typedef struct
{
  double        width;        /* the whole picture, names column included */
  double        height;       /* nothing is drawn below it */
  guint64       from_ns;      /* the visible span [from_ns, to_ns) */
  guint64       to_ns;
  /* the selected time range [sel_from_ns, sel_to_ns), shaded, with its
   * length and samples; sel_from_ns == LP_CAPTURE_TIME_NONE: none */
  guint64       sel_from_ns;
  guint64       sel_to_ns;
  /* selected lanes (thread indexes): marked, the others dimmed; NULL: all */
  const guint  *sel_threads;
  guint         n_sel_threads;
  /* the selection's samples as its report counts them (exact), or -1:
   * lp_timeline_selection_samples(), exact to a bin of the capture's
   * sums at each edge of the range */
  double        sel_samples;
  /* marks (lp_timeline_marks_new()): for each column of the time area,
   * its weight of samples with the hovered frame; NULL: none */
  const double *marks;
  guint         n_marks;
  /* the text shown when the capture has no times (a folded report), or
   * NULL for the default one */
  const char   *empty_text;
  gboolean      dark;         /* light text on a dark background */
} LpTimelineParams;

/* The geometry (pixels). */
#define LP_TIMELINE_NAMES_WIDTH 132.0
#define LP_TIMELINE_RULER_HEIGHT 16.0
#define LP_TIMELINE_STRIP_HEIGHT 36.0
#define LP_TIMELINE_LANE_HEIGHT 16.0

#define LP_TIMELINE_ON_CPU_RGB   ((LpRgb) { 0x26, 0xa2, 0x69 })
#define LP_TIMELINE_BLOCKED_RGB  ((LpRgb) { 0xb0, 0xc4, 0xde })
#define LP_TIMELINE_STRIP_RGB    ((LpRgb) { 0x35, 0x84, 0xe4 })
#define LP_TIMELINE_MARK_RGB     ((LpRgb) { 0xe0, 0x1b, 0x9b })

/* A lane_at() answer that is no thread. */
#define LP_TIMELINE_NO_LANE G_MAXUINT

void     lp_timeline_params_init   (LpTimelineParams *params);

/* lp_timeline_get_height: the height that shows every lane of @capture. */
double   lp_timeline_get_height    (const LpCapture *capture);

/* lp_timeline_draw: paints @capture as @params says onto @cr, from (0, 0)
 * to (width, height); clipped to that. Reads the capture through
 * lp_capture_bin() (a few calls per lane), never sample by sample, so a
 * frame costs about the same at any size of the capture. */
void     lp_timeline_draw          (cairo_t                *cr,
                                    LpCapture              *capture,
                                    const LpTimelineParams *params);

/* hit testing, in the picture's coordinates */

/* the time area: [x0, x0 + width) */
double   lp_timeline_area_x        (const LpTimelineParams *params);
double   lp_timeline_area_width    (const LpTimelineParams *params);
/* lp_timeline_time_at: the time under @x (clamped to the visible span) */
guint64  lp_timeline_time_at       (const LpTimelineParams *params,
                                    double                  x);
/* lp_timeline_x_at: where @time_ns is drawn (may be out of the picture) */
double   lp_timeline_x_at          (const LpTimelineParams *params,
                                    guint64                 time_ns);
/* lp_timeline_lane_at: the thread whose lane is at @y, or
 * LP_TIMELINE_NO_LANE (the ruler, the strip, below the last lane) */
guint    lp_timeline_lane_at       (const LpCapture        *capture,
                                    const LpTimelineParams *params,
                                    double                  y);
/* lp_timeline_lane_y: the top of @thread's lane */
double   lp_timeline_lane_y        (guint                   thread);

/* lp_timeline_selection_samples: the samples (weights) of the selection
 * of @params: its time range (all if none) and its threads (all if
 * none), through lp_capture_bin() (fast; for a range of 40 ms and more,
 * it may count a bin of the capture's sums, 10 ms, more or less at
 * each edge) */
double   lp_timeline_selection_samples (LpCapture              *capture,
                                        const LpTimelineParams *params);

/* lp_timeline_marks_new: for each of the @n_columns columns of the time
 * area of @params, the weight of its samples whose stack holds a frame of
 * @frames (frame ids of lp_capture_get_folded(), @n_frames of them), in
 * the selected threads; this one reads the samples of the visible span
 * (once per hovered frame, not per drawn frame). You own the array
 * (g_free). */
double  *lp_timeline_marks_new     (LpCapture              *capture,
                                    const LpTimelineParams *params,
                                    const guint32          *frames,
                                    guint                   n_frames,
                                    guint                   n_columns) G_GNUC_WARN_UNUSED_RESULT;

/* lp_timeline_format_span: "1.25 s", "340 ms", "12 µs"; you own it */
char    *lp_timeline_format_span   (guint64 ns) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
