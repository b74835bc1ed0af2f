/* lp-flame-export.h: a whole flame graph picture (title, graph, details) as SVG, PNG or PDF.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "lp-flame-draw.h"

G_BEGIN_DECLS

#define LP_FLAME_EXPORT_ERROR (lp_flame_export_error_quark ())
GQuark lp_flame_export_error_quark (void);

typedef enum
{
  LP_FLAME_EXPORT_ERROR_FAILED,   /* cairo could not draw or write */
} LpFlameExportError;

typedef enum
{
  LP_FLAME_FORMAT_SVG,  /* interactive, written by lp-flame-svg.c */
  LP_FLAME_FORMAT_PNG,  /* through cairo */
  LP_FLAME_FORMAT_PDF,  /* through cairo */
} LpFlameFormat;

typedef struct
{
  const char     *title;       /* NULL: "Flame Graph" or "Icicle Graph" (translated) */
  const char     *subtitle;    /* nullable */
  const char     *count_name;  /* NULL: "samples" (translated) */
  double          width;       /* of the picture in pixels; 0: 1200 */
  double          min_width;   /* pixels; frames narrower are left out; <0: 0.1 */
  double          row_height;  /* 0: 16 */
  LpFlamePalette  palette;
  gboolean        name_hash;   /* flamegraph.pl's --hash */
  gboolean        icicle;      /* flamegraph.pl's --inverted */
  LpFlameOrder    order;
  guint32         zoom;        /* LP_FLAME_ROOT: the whole graph */
  GRegex         *search;      /* nullable: highlighted, "Matched:" shown */
} LpFlameExportOptions;

/* lp_flame_export_options_init: flamegraph.pl's defaults. */
void     lp_flame_export_options_init (LpFlameExportOptions *options);

/* lp_flame_export_layout: the layout an export of @model with @options
 * shows (graph coordinates start at the picture's left padding). */
LpFlameLayout *lp_flame_export_layout (LpFlameModel               *model,
                                       const LpFlameExportOptions *options) G_GNUC_WARN_UNUSED_RESULT;

/* lp_flame_export_paint: paints the whole picture (background, title,
 * graph, footer) onto @cr, which should be lp_flame_export_size() big. */
void     lp_flame_export_paint        (cairo_t                    *cr,
                                       LpFlameModel               *model,
                                       const LpFlameLayout        *layout,
                                       const LpFlameExportOptions *options);
void     lp_flame_export_size         (const LpFlameLayout        *layout,
                                       const LpFlameExportOptions *options,
                                       double                     *width,
                                       double                     *height);

/* lp_flame_export_to_file: writes @model as @format to @path atomically
 * (nothing is left at @path on failure). A PNG is at most 32767 pixels
 * wide and high (cairo's limit): of a deeper graph, the rows nearest the
 * root are kept. */
gboolean lp_flame_export_to_file      (LpFlameModel               *model,
                                       const LpFlameExportOptions *options,
                                       LpFlameFormat               format,
                                       const char                 *path,
                                       GError                    **error);

/* lp_flame_svg_new: the interactive SVG of @model: one <g> with <title>,
 * <rect> and <text> per frame drawn, and the script for hover, zoom and
 * search. Every name is XML-escaped. You own the result. */
GString *lp_flame_svg_new             (LpFlameModel               *model,
                                       const LpFlameExportOptions *options) G_GNUC_WARN_UNUSED_RESULT;

/* The picture's geometry, shared by the cairo and the SVG export. */
#define LP_FLAME_EXPORT_DEFAULT_WIDTH 1200.0
#define LP_FLAME_EXPORT_FRAME_HEIGHT  16.0
#define LP_FLAME_EXPORT_FONT_SIZE     12.0
#define LP_FLAME_EXPORT_FONT_WIDTH    0.59   /* average glyph width / font size, as flamegraph.pl */
#define LP_FLAME_EXPORT_XPAD          10.0
#define LP_FLAME_EXPORT_BOTTOM_PAD    (LP_FLAME_EXPORT_FONT_SIZE * 2 + 10)

/* Above the graph: the title, and the subtitle if any. */
double      lp_flame_export_top_pad    (const LpFlameExportOptions *options);
double      lp_flame_export_width      (const LpFlameExportOptions *options);
/* The title and the count name, defaults (translated) when not set. */
const char *lp_flame_export_title      (const LpFlameExportOptions *options);
const char *lp_flame_export_count_name (const LpFlameExportOptions *options);

/* lp_flame_format_count: @count with thousands separators ("1,234.5"). */
char    *lp_flame_format_count        (double count) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
