/* lp-timeline.c: a capture's timeline drawn with cairo: the ruler, samples per second, thread lanes, selection and marks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "lp-timeline.h"

#define NS_PER_S 1000000000.0
#define FONT_SIZE 10.0
/* columns are drawn this many pixels wide: at most width/COLUMN bins a lane */
#define COLUMN 1.0
/* the strip's bins are this many columns wide: a rate over a bin of a
 * pixel jumps with every sample that falls in or out of it */
#define STRIP_COLUMNS 6

void
lp_timeline_params_init (LpTimelineParams *params)
{
  g_return_if_fail (params != NULL);
  *params = (LpTimelineParams) {
    .width = 800,
    .height = 200,
    .from_ns = 0,
    .to_ns = NS_PER_S,
    .sel_from_ns = LP_CAPTURE_TIME_NONE,
    .sel_to_ns = LP_CAPTURE_TIME_NONE,
    .sel_samples = -1,
  };
}

double
lp_timeline_get_height (const LpCapture *capture)
{
  g_return_val_if_fail (capture != NULL, 0);
  return LP_TIMELINE_RULER_HEIGHT + LP_TIMELINE_STRIP_HEIGHT
         + LP_TIMELINE_LANE_HEIGHT * lp_capture_get_n_threads (capture) + 2;
}

double
lp_timeline_area_x (const LpTimelineParams *params)
{
  g_return_val_if_fail (params != NULL, 0);
  return MIN (LP_TIMELINE_NAMES_WIDTH, params->width / 3);
}

double
lp_timeline_area_width (const LpTimelineParams *params)
{
  g_return_val_if_fail (params != NULL, 0);
  return MAX (1.0, params->width - lp_timeline_area_x (params));
}

static double
span_ns (const LpTimelineParams *params)
{
  return params->to_ns > params->from_ns ? (double) (params->to_ns - params->from_ns) : 1.0;
}

guint64
lp_timeline_time_at (const LpTimelineParams *params,
                     double                  x)
{
  double f;

  g_return_val_if_fail (params != NULL, 0);
  f = (x - lp_timeline_area_x (params)) / lp_timeline_area_width (params);
  f = CLAMP (f, 0.0, 1.0);
  return params->from_ns + (guint64) llround (f * span_ns (params));
}

double
lp_timeline_x_at (const LpTimelineParams *params,
                  guint64                 time_ns)
{
  g_return_val_if_fail (params != NULL, 0);
  return lp_timeline_area_x (params)
         + ((double) time_ns - (double) params->from_ns) / span_ns (params) * lp_timeline_area_width (params);
}

double
lp_timeline_lane_y (guint thread)
{
  return LP_TIMELINE_RULER_HEIGHT + LP_TIMELINE_STRIP_HEIGHT + LP_TIMELINE_LANE_HEIGHT * thread;
}

guint
lp_timeline_lane_at (const LpCapture        *capture,
                     const LpTimelineParams *params,
                     double                  y)
{
  double lanes_y = lp_timeline_lane_y (0);
  guint lane;

  g_return_val_if_fail (capture != NULL && params != NULL, LP_TIMELINE_NO_LANE);
  if (y < lanes_y || y >= params->height)
    return LP_TIMELINE_NO_LANE;
  lane = (guint) ((y - lanes_y) / LP_TIMELINE_LANE_HEIGHT);
  return lane < lp_capture_get_n_threads (capture) ? lane : LP_TIMELINE_NO_LANE;
}

static gboolean
thread_selected (const LpTimelineParams *params,
                 guint                   thread)
{
  if (params->sel_threads == NULL)
    return TRUE;
  for (guint i = 0; i < params->n_sel_threads; i++)
    if (params->sel_threads[i] == thread)
      return TRUE;
  return FALSE;
}

double
lp_timeline_selection_samples (LpCapture              *capture,
                               const LpTimelineParams *params)
{
  guint64 from = 0, to = lp_capture_get_end_ns (capture) + 1;
  double on = 0, blocked = 0;

  g_return_val_if_fail (capture != NULL && params != NULL, 0);
  if (params->sel_from_ns != LP_CAPTURE_TIME_NONE && params->sel_to_ns > params->sel_from_ns)
    {
      from = params->sel_from_ns;
      to = params->sel_to_ns;
    }
  if (params->sel_threads == NULL)
    lp_capture_bin (capture, G_MAXUINT, from, to - from, 1, &on, &blocked);
  else
    for (guint i = 0; i < params->n_sel_threads; i++)
      lp_capture_bin (capture, params->sel_threads[i], from, to - from, 1, &on, &blocked);
  return on + blocked;
}

char *
lp_timeline_format_span (guint64 ns)
{
  if (ns == 0)
    return g_strdup ("0 s");
  if (ns >= 60 * (guint64) NS_PER_S)
    return g_strdup_printf ("%u:%04.1f", (guint) (ns / (60 * (guint64) NS_PER_S)),
                            fmod (ns / NS_PER_S, 60.0));
  if (ns >= (guint64) NS_PER_S)
    return g_strdup_printf ("%.2f s", ns / NS_PER_S);
  if (ns >= 1000000)
    return g_strdup_printf ("%.4g ms", ns / 1e6);
  if (ns >= 1000)
    return g_strdup_printf ("%.4g µs", ns / 1e3);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " ns", ns);
}

static void
set_rgb (cairo_t *cr,
         LpRgb    c,
         double   alpha)
{
  cairo_set_source_rgba (cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

static void
set_fg (cairo_t                *cr,
        const LpTimelineParams *params,
        double                  alpha)
{
  if (params->dark)
    cairo_set_source_rgba (cr, 1, 1, 1, alpha);
  else
    cairo_set_source_rgba (cr, 0, 0, 0, alpha);
}

static PangoLayout *
make_text (cairo_t *cr)
{
  PangoLayout *text = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, FONT_SIZE * PANGO_SCALE);
  pango_layout_set_font_description (text, font);
  pango_font_description_free (font);
  return text;
}

/* @s at (x, y), at most @max_width wide (ellipsized) */
static double
draw_text (cairo_t     *cr,
           PangoLayout *text,
           const char  *s,
           double       x,
           double       y,
           double       max_width)
{
  int w, h;

  pango_layout_set_text (text, s, -1);
  pango_layout_set_width (text, max_width > 0 ? (int) (max_width * PANGO_SCALE) : -1);
  pango_layout_set_ellipsize (text, max_width > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  pango_layout_get_pixel_size (text, &w, &h);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, text);
  return w;
}

/* a round step of time that puts ticks about 100 px apart */
static guint64
tick_step (const LpTimelineParams *params)
{
  double want = span_ns (params) * 100.0 / lp_timeline_area_width (params);
  double p = pow (10, floor (log10 (MAX (want, 1.0))));
  double m = want / p;

  m = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
  return MAX ((guint64) (m * p), 1);
}

static void
draw_ruler (cairo_t                *cr,
            PangoLayout            *text,
            const LpTimelineParams *params)
{
  guint64 step = tick_step (params);
  double right = params->width;

  for (guint64 t = (params->from_ns + step - 1) / step * step; t < params->to_ns; t += step)
    {
      double x = floor (lp_timeline_x_at (params, t)) + 0.5;
      g_autofree char *label = lp_timeline_format_span (t);

      set_fg (cr, params, 0.15);
      cairo_move_to (cr, x, LP_TIMELINE_RULER_HEIGHT - 4);
      cairo_line_to (cr, x, params->height);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      if (x + 2 < right - 20)
        {
          set_fg (cr, params, 0.7);
          draw_text (cr, text, label, x + 2, 0, 0);
        }
    }
}

/* The strip: every thread's samples per second, on-CPU over blocked, as
 * bars one column wide, scaled to the busiest column; gives that column's
 * samples per second (0: none). */
static double
draw_strip (cairo_t                *cr,
            LpCapture              *capture,
            const LpTimelineParams *params,
            guint                   n_cols,
            double                  x0,
            double                  col_w,
            guint64                 bin_ns)
{
  g_autofree double *on = g_new0 (double, n_cols);
  g_autofree double *blocked = g_new0 (double, n_cols);
  double top = LP_TIMELINE_RULER_HEIGHT + 2;
  double h = LP_TIMELINE_STRIP_HEIGHT - 4;
  double max = 0;

  lp_capture_bin (capture, G_MAXUINT, params->from_ns, bin_ns, n_cols, on, blocked);
  for (guint i = 0; i < n_cols; i++)
    max = MAX (max, on[i] + blocked[i]);
  if (max <= 0)
    return 0;
  set_rgb (cr, LP_TIMELINE_STRIP_RGB, 0.9);
  for (guint i = 0; i < n_cols; i++)
    if (on[i] > 0)
      cairo_rectangle (cr, x0 + i * col_w, top + h * (1 - on[i] / max), col_w, h * on[i] / max);
  cairo_fill (cr);
  set_rgb (cr, LP_TIMELINE_STRIP_RGB, 0.35);
  for (guint i = 0; i < n_cols; i++)
    if (blocked[i] > 0)
      cairo_rectangle (cr, x0 + i * col_w, top + h * (1 - (on[i] + blocked[i]) / max),
                       col_w, h * blocked[i] / max);
  cairo_fill (cr);
  return max / (bin_ns / NS_PER_S);
}

/* a column for each bin of @mine, as high as its share of @mine and
 * @other, from the bottom of the row (@bottom) or from its top; a run of
 * full columns is one rectangle */
static void
fill_shares (cairo_t      *cr,
             const double *mine,
             const double *other,
             guint         n_cols,
             double        x0,
             double        col_w,
             double        y,
             double        h,
             gboolean      bottom)
{
  for (guint i = 0; i < n_cols; i++)
    {
      guint j = i;
      double share;

      if (mine[i] <= 0)
        continue;
      share = mine[i] / (mine[i] + other[i]);
      while (share >= 1 && j + 1 < n_cols && mine[j + 1] > 0 && other[j + 1] <= 0)
        j++;
      cairo_rectangle (cr, x0 + i * col_w, bottom ? y + h * (1 - share) : y, (j - i + 1) * col_w, h * share);
      i = j;
    }
  cairo_fill (cr);
}

/* one lane: a column on-CPU colour for the on-CPU share of its samples
 * (from the bottom), the blocked colour over it for the rest */
static void
draw_lane (cairo_t                *cr,
           LpCapture              *capture,
           guint                   thread,
           const LpTimelineParams *params,
           guint                   n_cols,
           double                  x0,
           double                  col_w,
           guint64                 bin_ns,
           double                 *on,
           double                 *blocked)
{
  double y = lp_timeline_lane_y (thread) + 1;
  double h = LP_TIMELINE_LANE_HEIGHT - 2;
  double alpha = thread_selected (params, thread) ? 1.0 : 0.3;

  memset (on, 0, n_cols * sizeof *on);
  memset (blocked, 0, n_cols * sizeof *blocked);
  lp_capture_bin (capture, thread, params->from_ns, bin_ns, n_cols, on, blocked);

  /* thousands of column-wide rectangles: filled without antialiasing
   * (a third of the time), as the columns are pixels anyway */
  cairo_save (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  set_rgb (cr, LP_TIMELINE_ON_CPU_RGB, alpha);
  fill_shares (cr, on, blocked, n_cols, x0, col_w, y, h, TRUE);
  set_rgb (cr, LP_TIMELINE_BLOCKED_RGB, alpha);
  fill_shares (cr, blocked, on, n_cols, x0, col_w, y, h, FALSE);
  cairo_restore (cr);
}

/* a selected lane: its row tinted in the selection's colour, under the lane */
static void
draw_lane_tints (cairo_t                *cr,
                 LpCapture              *capture,
                 const LpTimelineParams *params)
{
  guint n = lp_capture_get_n_threads (capture);

  if (params->sel_threads == NULL)
    return;
  set_rgb (cr, LP_TIMELINE_STRIP_RGB, 0.2);
  for (guint t = 0; t < n && lp_timeline_lane_y (t) < params->height; t++)
    if (thread_selected (params, t))
      cairo_rectangle (cr, 0, lp_timeline_lane_y (t), params->width, LP_TIMELINE_LANE_HEIGHT);
  cairo_fill (cr);
}

static void
draw_names (cairo_t                *cr,
            PangoLayout            *text,
            LpCapture              *capture,
            const LpTimelineParams *params)
{
  guint n = lp_capture_get_n_threads (capture);
  double names_w = lp_timeline_area_x (params);

  for (guint t = 0; t < n; t++)
    {
      const LpCaptureThread *th = lp_capture_get_thread (capture, t);
      double y = lp_timeline_lane_y (t);
      g_autofree char *name = NULL;

      if (y >= params->height)
        break;
      if (params->sel_threads != NULL && thread_selected (params, t))
        {
          set_rgb (cr, LP_TIMELINE_STRIP_RGB, 1);
          cairo_rectangle (cr, 0, y, 3, LP_TIMELINE_LANE_HEIGHT);
          cairo_fill (cr);
        }
      name = g_strdup_printf ("%s %" G_GINT64_FORMAT, th->name != NULL ? th->name : "?", th->tid);
      set_fg (cr, params, thread_selected (params, t) ? 0.85 : 0.4);
      draw_text (cr, text, name, 6, y + 1, names_w - 10);
    }
}

static void
draw_selection (cairo_t                *cr,
                PangoLayout            *text,
                LpCapture              *capture,
                const LpTimelineParams *params)
{
  double x0 = lp_timeline_area_x (params);
  double xa, xb, tw;
  g_autofree char *span = NULL;
  g_autofree char *label = NULL;
  char samples[64];

  if (params->sel_from_ns == LP_CAPTURE_TIME_NONE && params->sel_threads == NULL)
    return;
  if (params->sel_from_ns != LP_CAPTURE_TIME_NONE)
    {
      xa = MAX (x0, lp_timeline_x_at (params, params->sel_from_ns));
      xb = MIN (params->width, lp_timeline_x_at (params, params->sel_to_ns));
      /* the parts left out are shaded, the range stays as it is */
      set_fg (cr, params, 0.18);
      if (xa > x0)
        cairo_rectangle (cr, x0, LP_TIMELINE_RULER_HEIGHT, xa - x0, params->height);
      if (xb < params->width)
        cairo_rectangle (cr, xb, LP_TIMELINE_RULER_HEIGHT, params->width - xb, params->height);
      cairo_fill (cr);
      set_rgb (cr, LP_TIMELINE_STRIP_RGB, 1);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, floor (xa) + 0.5, LP_TIMELINE_RULER_HEIGHT);
      cairo_line_to (cr, floor (xa) + 0.5, params->height);
      cairo_move_to (cr, floor (xb) + 0.5, LP_TIMELINE_RULER_HEIGHT);
      cairo_line_to (cr, floor (xb) + 0.5, params->height);
      cairo_stroke (cr);
      span = lp_timeline_format_span (params->sel_to_ns - params->sel_from_ns);
    }
  else
    {
      xa = x0;
      xb = params->width;
      span = lp_timeline_format_span (lp_capture_get_end_ns (capture));
    }

  lp_folded_format_count (params->sel_samples >= 0 ? params->sel_samples
                                                   : lp_timeline_selection_samples (capture, params), samples);
  /* TRANSLATORS: the selected time range's length, and its samples */
  label = g_strdup_printf (_("%s · %s samples"), span, samples);
  pango_layout_set_text (text, label, -1);
  pango_layout_set_width (text, -1);
  {
    int w, h;
    pango_layout_get_pixel_size (text, &w, &h);
    tw = w + 8;
  }
  /* over the range's middle, kept inside the time area */
  {
    double x = CLAMP ((xa + xb - tw) / 2, x0, MAX (x0, params->width - tw));
    double y = LP_TIMELINE_RULER_HEIGHT + 1;

    set_rgb (cr, LP_TIMELINE_STRIP_RGB, 1);
    cairo_rectangle (cr, x, y, tw, FONT_SIZE + 6);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 1, 1, 1);
    draw_text (cr, text, label, x + 4, y + 1, 0);
  }
}

static void
draw_marks (cairo_t                *cr,
            const LpTimelineParams *params,
            double                  x0,
            double                  area_w)
{
  double col_w;
  double bottom = LP_TIMELINE_RULER_HEIGHT + LP_TIMELINE_STRIP_HEIGHT;

  if (params->marks == NULL || params->n_marks == 0)
    return;
  col_w = area_w / params->n_marks;
  set_rgb (cr, LP_TIMELINE_MARK_RGB, 1);
  for (guint i = 0; i < params->n_marks; i++)
    {
      guint j = i;

      if (params->marks[i] <= 0)
        continue;
      while (j + 1 < params->n_marks && params->marks[j + 1] > 0)
        j++;
      /* a band under the strip, and a thin line over every lane */
      cairo_rectangle (cr, x0 + i * col_w, bottom - 5, MAX (1.0, (j - i + 1) * col_w), 5);
      i = j;
    }
  cairo_fill (cr);
}

/* the time between two samples of a thread: the recording's period, or
 * (unknown) the busiest thread's mean gap */
static double
sample_period_ns (LpCapture *capture)
{
  double period = lp_capture_get_info (capture)->period * NS_PER_S;
  guint n = lp_capture_get_n_threads (capture);

  if (period > 0)
    return period;
  for (guint t = 0; t < n; t++)
    {
      const LpCaptureThread *th = lp_capture_get_thread (capture, t);
      double gap;

      if (th->samples < 2 || th->first_ns == LP_CAPTURE_TIME_NONE || th->last_ns <= th->first_ns)
        continue;
      gap = (th->last_ns - th->first_ns) / (th->samples - 1);
      if (period <= 0 || gap < period)
        period = gap;
    }
  return period;
}

void
lp_timeline_draw (cairo_t                *cr,
                  LpCapture              *capture,
                  const LpTimelineParams *params)
{
  g_autoptr(PangoLayout) text = NULL;
  double x0, area_w, col_w;
  guint n_cols, n_threads, lane_k, strip_k;
  guint64 bin_ns;
  double period;
  double rate;
  g_autofree double *on = NULL;
  g_autofree double *blocked = NULL;

  g_return_if_fail (cr != NULL && capture != NULL && params != NULL);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, params->width, params->height);
  cairo_clip (cr);
  if (params->dark)
    cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  else
    cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_paint (cr);
  text = make_text (cr);

  if (!lp_capture_get_info (capture)->has_times && lp_capture_get_n_samples (capture) == 0)
    {
      set_fg (cr, params, 0.55);
      draw_text (cr, text, params->empty_text != NULL ? params->empty_text
                 : _("No timeline: this report has no times (folded text keeps only the totals)"),
                 12, 8, params->width - 24);
      cairo_restore (cr);
      return;
    }

  x0 = lp_timeline_area_x (params);
  area_w = lp_timeline_area_width (params);
  /* one bin a column, each a whole number of nanoseconds, so that the
   * bins tile the span exactly as the ruler says */
  n_cols = (guint) MAX (1.0, floor (area_w / COLUMN));
  bin_ns = MAX ((guint64) 1, (guint64) ceil (span_ns (params) / n_cols));
  col_w = area_w * bin_ns / span_ns (params);
  /* a lane's bin holds two periods at least, a strip's four: a bin of
   * less than a period is a comb of single samples and gaps */
  period = sample_period_ns (capture);
  lane_k = (guint) MAX (1.0, ceil (2 * period / bin_ns));
  strip_k = (guint) MAX ((double) STRIP_COLUMNS, ceil (4 * period / bin_ns));

  draw_lane_tints (cr, capture, params);
  draw_ruler (cr, text, params);
  cairo_save (cr);
  cairo_rectangle (cr, x0, 0, area_w, params->height);
  cairo_clip (cr);
  rate = draw_strip (cr, capture, params, (n_cols + strip_k - 1) / strip_k, x0,
                     col_w * strip_k, bin_ns * strip_k);
  n_threads = lp_capture_get_n_threads (capture);
  on = g_new (double, n_cols);
  blocked = g_new (double, n_cols);
  for (guint t = 0; t < n_threads && lp_timeline_lane_y (t) < params->height; t++)
    draw_lane (cr, capture, t, params, (n_cols + lane_k - 1) / lane_k, x0, col_w * lane_k,
               bin_ns * lane_k, on, blocked);
  draw_marks (cr, params, x0, area_w);
  cairo_restore (cr);
  /* the strip's scale, in the names column */
  if (rate > 0)
    {
      g_autofree char *label = g_strdup_printf (_("%.0f samples/s"), rate);

      set_fg (cr, params, 0.7);
      draw_text (cr, text, label, 6, LP_TIMELINE_RULER_HEIGHT + 4, x0 - 10);
    }
  draw_names (cr, text, capture, params);
  draw_selection (cr, text, capture, params);

  /* the line between names and time */
  set_fg (cr, params, 0.2);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, floor (x0) - 0.5, 0);
  cairo_line_to (cr, floor (x0) - 0.5, params->height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

double *
lp_timeline_marks_new (LpCapture              *capture,
                       const LpTimelineParams *params,
                       const guint32          *frames,
                       guint                   n_frames,
                       guint                   n_columns)
{
  LpFolded *folded;
  guint n_stacks;
  g_autofree guint8 *has = NULL;
  g_autofree guint8 *wanted = NULL;
  double *marks;
  const LpCaptureSample *samples;
  guint64 n, i;
  double span, scale;

  g_return_val_if_fail (capture != NULL && params != NULL, NULL);
  marks = g_new0 (double, MAX (n_columns, 1));
  if (n_frames == 0 || n_columns == 0)
    return marks;

  /* which stacks hold one of the frames: once per stack, not per sample */
  folded = lp_capture_get_folded (capture);
  n_stacks = lp_folded_get_n_stacks (folded);
  wanted = g_new0 (guint8, lp_folded_get_n_frames (folded) + 1);
  for (guint f = 0; f < n_frames; f++)
    if (frames[f] < lp_folded_get_n_frames (folded))
      wanted[frames[f]] = 1;
  has = g_new0 (guint8, n_stacks + 1);
  for (guint s = 0; s < n_stacks; s++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, s, &st);
      for (guint d = 0; d < st.depth; d++)
        if (wanted[st.frames[d]])
          {
            has[s] = 1;
            break;
          }
    }

  samples = lp_capture_get_samples (capture);
  n = lp_capture_get_n_samples (capture);
  span = span_ns (params);
  scale = n_columns / span;
  for (i = lp_capture_find_time (capture, params->from_ns); i < n; i++)
    {
      const LpCaptureSample *s = &samples[i];
      guint col;

      if (s->time_ns >= params->to_ns)
        break;
      if (s->stack >= n_stacks || !has[s->stack] || !thread_selected (params, s->thread))
        continue;
      col = (guint) ((s->time_ns - params->from_ns) * scale);
      marks[MIN (col, n_columns - 1)] += s->weight;
    }
  return marks;
}
