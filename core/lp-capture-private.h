/* lp-capture-private.h: the capture's insides and its file format, shared by lp-capture.c, lp-capture-writer.c and lp-capture-reader.c.
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

/* a thread's sums, in chunks of LP_CAPTURE_BIN_CHUNK bins made when a
 * sample falls in them, found by their number: a thread of 2 ms in a
 * recording of an hour keeps one chunk, and two samples a year apart two */
#define LP_CAPTURE_BIN_CHUNK 4096
typedef struct
{
  GHashTable   *chunks;      /* chunk number -> LpCaptureBin[LP_CAPTURE_BIN_CHUNK] */
  guint64       last;        /* the chunk last asked for (samples come in time order) */
  LpCaptureBin *last_chunk;  /* …and its bins, NULL if it has none */
} LpCaptureBins;

/* no sample time beyond ten years: a damaged file's, not a recording's */
#define LP_CAPTURE_MAX_TIME_NS ((guint64) 3650 * 24 * 3600 * 1000000000)

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
  GArray          *renames;    /* LpCaptureRename: frames named late, in order */
  GPtrArray       *sources;    /* the source files: file, path, file, path… in order recorded */
  GHashTable      *by_source;  /* file -> path (in sources) */
};

/* A frame's late name (lp_capture_rename_frame()) */
typedef struct
{
  guint32  frame;
  char    *name;
} LpCaptureRename;

/* ---- the file format (docs/capture-format.md), shared by
 * lp-capture-writer.c and lp-capture-reader.c ---- */

/* "\x89LAPCAP\n", then the version and 0 (reserved), little-endian u32 */
#define LP_CAPTURE_MAGIC "\x89LAPCAP\n"
#define LP_CAPTURE_MAGIC_LEN 8
#define LP_CAPTURE_FILE_HEADER_LEN 16
#define LP_CAPTURE_BLOCK_HEADER_LEN 12
/* a block never holds more (a writer cuts blocks before) */
#define LP_CAPTURE_BLOCK_MAX_RAW ((gsize) 64 * 1024 * 1024)
#define LP_CAPTURE_BLOCK_FLUSH_RAW ((gsize) 1024 * 1024)

enum
{
  LP_CAPTURE_REC_INFO = 1,        /* key, value */
  LP_CAPTURE_REC_FRAME,           /* name */
  LP_CAPTURE_REC_STACK,           /* depth, frame ids, root first */
  LP_CAPTURE_REC_THREAD,          /* pid, tid, name, start µs */
  LP_CAPTURE_REC_THREAD_NAME,     /* thread, name */
  LP_CAPTURE_REC_THREAD_END,      /* thread, end µs */
  LP_CAPTURE_REC_SAMPLE,          /* Δµs, thread, stack */
  LP_CAPTURE_REC_SAMPLE_IDLE,     /* Δµs, thread, stack */
  LP_CAPTURE_REC_SAMPLE_EX,       /* Δµs, thread, stack, weight, flags */
  LP_CAPTURE_REC_END,             /* the recording ended; the info before it is final */
  LP_CAPTURE_REC_FRAME_NAME,      /* frame, name: the frame's name, known late */
  LP_CAPTURE_REC_SOURCE,          /* file, path: where a source file that frames name was */
};

static inline void
lp_capture_put_u32 (guint8  *p,
                    guint32  v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

static inline guint32
lp_capture_get_u32 (const guint8 *p)
{
  return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* _lp_capture_reader_read_file: a whole capture file into @dest (a last
 * block cut short ends it quietly; info->complete tells) */
gboolean _lp_capture_reader_read_file (LpCapture     *dest,
                                       const guint8  *data,
                                       gsize          len,
                                       GError       **error);

G_END_DECLS
