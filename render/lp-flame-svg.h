/* lp-flame-svg.h: the interactive SVG flame graph (hover, zoom, search).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-flame-model.h"
#include "lp-flame-picture.h"

G_BEGIN_DECLS

/* lp_flame_svg_new: the interactive SVG of @model: one <g> with <title>,
 * <rect> and <text> per frame drawn, and the script for hover, zoom and
 * search. Every name is XML-escaped. You own the result. */
GString *lp_flame_svg_new             (LpFlameModel               *model,
                                       const LpFlameExportOptions *options) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
