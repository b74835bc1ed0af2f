/* lp-capture-private.h: the capture's insides, shared by lp-capture.c and lp-capture-file.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-capture.h"

G_BEGIN_DECLS

/* the width of the timeline sums kept as samples arrive: 10 minutes are
 * 60,000 of them a thread */
#define LP_CAPTURE_BIN_NS ((guint64) 10 * 1000 * 1000)

typedef struct
{
  double on_cpu;
  double blocked;
} LpCaptureBin;

/* a thread's sums, from its first sample's bin on (a thread of 2 ms in a
 * recording of an hour keeps one bin, not 360,000) */
typedef struct
{
  guint64  first;   /* the bin of bins[0]; G_MAXUINT64 before any sample */
  GArray  *bins;    /* LpCaptureBin */
} LpCaptureBins;

/* no sample time beyond a week: a damaged file must not ask for the bins
 * of years */
#define LP_CAPTURE_MAX_TIME_NS ((guint64) 7 * 24 * 3600 * 1000000000)

struct _LpCapture
{
  LpFolded        *folded;
  LpCaptureInfo    info;
  GArray          *threads;    /* LpCaptureThread, names owned */
  GHashTable      *living;     /* (pid, tid) -> thread index, threads not ended */
  LpCaptureSample *samples;
  guint64          n_samples;
  guint64          cap_samples;
  GPtrArray       *bins;       /* an LpCaptureBins a thread */
  LpCaptureBins    all_bins;   /* every thread's */
};

G_END_DECLS
