/* lp-flame-export.h: a whole flame graph picture (title, graph, details) as SVG, PNG or PDF.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "lp-flame-draw.h"
#include "lp-flame-picture.h"

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

/* lp_flame_export_paint: paints the whole picture (background, title,
 * graph, footer) onto @cr, which should be lp_flame_picture_size() big. */
void     lp_flame_export_paint        (cairo_t                    *cr,
                                       LpFlameModel               *model,
                                       const LpFlameLayout        *layout,
                                       const LpFlameExportOptions *options);

/* lp_flame_export_to_file: writes @model as @format to @path atomically
 * (nothing is left at @path on failure). A PNG is at most 32767 pixels
 * wide and high (cairo's limit): of a deeper graph, the rows nearest the
 * root are kept. */
gboolean lp_flame_export_to_file      (LpFlameModel               *model,
                                       const LpFlameExportOptions *options,
                                       LpFlameFormat               format,
                                       const char                 *path,
                                       GError                    **error);

G_END_DECLS
