/* lp-export-private.h: what the exporters share: the samples an export keeps, its threads, frame names taken apart.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-export.h"

G_BEGIN_DECLS

/* One sample kept by the export's filter. */
typedef struct
{
  guint64 time_ns;   /* since the start; 0 for a report without times */
  guint32 stack;     /* stack index in the capture's folded report */
  guint32 thread;    /* index in LpExportData.threads */
  double  weight;    /* samples it counts for */
} LpExportSample;

/* One thread of the export (a report without times has one: the whole
 * report). */
typedef struct
{
  char    *name;
  gint64   pid;
  gint64   tid;
  guint64  start_ns;   /* LP_CAPTURE_TIME_NONE: unknown */
  guint64  end_ns;     /* LP_CAPTURE_TIME_NONE: lived on, or unknown */
  guint64  first_ns;   /* its first and last kept sample */
  guint64  last_ns;
  double   samples;    /* sum of its kept samples' weights */
  GArray  *indexes;    /* guint: its samples, indexes in LpExportData.samples */
} LpExportThread;

typedef struct
{
  LpFolded            *folded;     /* the capture's, not owned */
  const LpCaptureInfo *info;
  gboolean             has_times;
  guint64              period_ns;  /* 0: unknown */
  const char          *name;       /* the recording's name: its command, or "laprof" */
  GArray              *samples;    /* LpExportSample, in time order */
  GPtrArray           *threads;    /* LpExportThread *, only those with samples */
  guint64              end_ns;     /* the last kept sample's time + a period */
  double               total;      /* sum of the kept weights */
} LpExportData;

/* A frame's name taken apart: "fn (file:line)" as laprof's --lines and
 * Python frames read, "[module+0xoffset]" where there was no symbol. */
typedef struct
{
  char    *function;   /* the name without " (file:line)" */
  char    *file;       /* NULL: unknown */
  gint64   line;       /* 0: unknown */
  char    *module;     /* "[module+0xoffset]" frames: the module, else NULL */
  guint64  offset;
} LpExportFrame;

void     _lp_export_frame_parse  (const char    *name,
                                  LpExportFrame *frame);
void     _lp_export_frame_clear  (LpExportFrame *frame);

/* JSON text: @s as a JSON string, quoted; numbers in the C locale. */
void     _lp_export_json_string  (GString    *out,
                                  const char *s);
void     _lp_export_json_uint    (GString    *out,
                                  guint64     value);
void     _lp_export_json_double  (GString    *out,
                                  double      value);

GBytes  *_lp_export_pprof        (const LpExportData  *data,
                                  GError             **error);
GBytes  *_lp_export_speedscope   (const LpExportData  *data,
                                  GError             **error);
GBytes  *_lp_export_gecko        (const LpExportData  *data,
                                  GError             **error);

G_END_DECLS
