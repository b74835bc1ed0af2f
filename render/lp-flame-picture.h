/* lp-flame-picture.h: what a whole flame graph picture is made of (options, size, title,
 * margins), shared by the cairo export (lp-flame-export.c) and the SVG writer (lp-flame-svg.c).
 * The functions keep the lp_flame_export_ prefix of the API they were
 * part of (callers in app/, tests/ and lp-flame-svg.c use these names).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-flame-color.h"
#include "lp-flame-layout.h"

G_BEGIN_DECLS

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

/* lp_flame_picture_options_init: flamegraph.pl's defaults. */
void     lp_flame_picture_options_init (LpFlameExportOptions *options);

/* lp_flame_picture_layout: the layout an export of @model with @options
 * shows (graph coordinates start at the picture's left padding). */
LpFlameLayout *lp_flame_picture_layout (LpFlameModel               *model,
                                        const LpFlameExportOptions *options) G_GNUC_WARN_UNUSED_RESULT;

/* lp_flame_picture_size: the picture's size in pixels: @layout with the
 * title above and the details below. */
void     lp_flame_picture_size         (const LpFlameLayout        *layout,
                                        const LpFlameExportOptions *options,
                                        double                     *width,
                                        double                     *height);

/* The picture's geometry, shared by the cairo and the SVG export. */
#define LP_FLAME_EXPORT_DEFAULT_WIDTH 1200.0
#define LP_FLAME_EXPORT_FRAME_HEIGHT  16.0
#define LP_FLAME_EXPORT_FONT_SIZE     12.0
#define LP_FLAME_EXPORT_FONT_WIDTH    0.59   /* average glyph width / font size, as flamegraph.pl */
#define LP_FLAME_EXPORT_XPAD          10.0
#define LP_FLAME_EXPORT_BOTTOM_PAD    (LP_FLAME_EXPORT_FONT_SIZE * 2 + 10)

/* Above the graph: the title, and the subtitle if any. */
double      lp_flame_picture_top_pad    (const LpFlameExportOptions *options);
double      lp_flame_picture_width      (const LpFlameExportOptions *options);
/* The title and the count name, defaults (translated) when not set. */
const char *lp_flame_picture_title      (const LpFlameExportOptions *options);
const char *lp_flame_picture_count_name (const LpFlameExportOptions *options);

/* lp_flame_picture_format_count: @count with thousands separators ("1,234.5"). */
char    *lp_flame_picture_format_count (double count) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
