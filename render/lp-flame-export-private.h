/* lp-flame-export-private.h: the picture's geometry, shared by the cairo and SVG exports.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-flame-export.h"

G_BEGIN_DECLS

#define LP_EXPORT_DEFAULT_WIDTH 1200.0
#define LP_EXPORT_FRAME_HEIGHT  16.0
#define LP_EXPORT_FONT_SIZE     12.0
#define LP_EXPORT_FONT_WIDTH    0.59   /* average glyph width / font size, as flamegraph.pl */
#define LP_EXPORT_XPAD          10.0
#define LP_EXPORT_BOTTOM_PAD    (LP_EXPORT_FONT_SIZE * 2 + 10)

double      lp_export_top_pad    (const LpFlameExportOptions *options);
double      lp_export_width      (const LpFlameExportOptions *options);
const char *lp_export_title      (const LpFlameExportOptions *options);
const char *lp_export_count_name (const LpFlameExportOptions *options);

G_END_DECLS
