/* lp-export.h: a capture in the formats other tools read: pprof, speedscope, the Firefox Profiler.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-capture.h"

G_BEGIN_DECLS

typedef enum
{
  LP_EXPORT_PPROF,       /* gzip'd profile.proto (go tool pprof) */
  LP_EXPORT_SPEEDSCOPE,  /* speedscope's file format, sampled profiles, one a thread */
  LP_EXPORT_GECKO,       /* the Firefox Profiler's gecko profile format */
  LP_EXPORT_N_FORMATS
} LpExportFormat;

/* lp_export_format_from_string: "pprof", "speedscope", "gecko"
 * (also "firefox"); FALSE if unknown. */
gboolean     lp_export_format_from_string (const char     *name,
                                           LpExportFormat *format);
const char  *lp_export_format_to_string   (LpExportFormat  format);
/* the file name extension the format's tools expect: ".pb.gz",
 * ".speedscope.json", ".json" */
const char  *lp_export_format_extension   (LpExportFormat  format);

/* lp_export: @capture, or the part @filter keeps (nullable: all), in
 * @format, as bytes. A report without times exports with one sample a
 * stack, weighed by its count. */
GBytes      *lp_export                    (LpCapture             *capture,
                                           const LpCaptureFilter *filter,
                                           LpExportFormat         format,
                                           GError               **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
