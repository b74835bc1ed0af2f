/* lp-capture.h: a recording with its time and threads: every sample's time, thread and stack, the threads' names and lifetimes, the facts of the recording; read from capture files, streams, folded reports and perf script text, written to capture files (docs/capture-format.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-folded.h"
#include "lp-sampler.h"

G_BEGIN_DECLS

#define LP_CAPTURE_ERROR (lp_capture_error_quark ())
GQuark lp_capture_error_quark (void);

typedef enum
{
  LP_CAPTURE_ERROR_FORMAT,     /* not a capture, or a record that cannot be read */
  LP_CAPTURE_ERROR_VERSION,    /* a capture of a later version */
  LP_CAPTURE_ERROR_NO_TIMES,   /* a time range or thread asked of a report without them */
  LP_CAPTURE_ERROR_IO,
} LpCaptureError;

/* The capture file format's version (docs/capture-format.md). */
#define LP_CAPTURE_VERSION 1

/* What a file given to laprof holds (lp_capture_sniff()). */
typedef enum
{
  LP_CAPTURE_KIND_FOLDED,       /* folded text, or a laprof stream */
  LP_CAPTURE_KIND_CAPTURE,      /* a laprof capture file */
  LP_CAPTURE_KIND_PERF_SCRIPT,  /* `perf script` text (perf record -g) */
} LpCaptureKind;

typedef enum
{
  LP_CAPTURE_SAMPLE_IDLE = 1 << 0,   /* blocked in a system call (wall mode) */
} LpCaptureSampleFlags;

/* One sample: 24 bytes (4.8 million take 115 MB). */
typedef struct
{
  guint64 time_ns;   /* since the start of the recording; never decreasing */
  guint32 stack;     /* stack index in lp_capture_get_folded() */
  guint32 thread;    /* index in the thread table */
  guint32 weight;    /* samples it counts for (1, more when a source weighed it) */
  guint32 flags;     /* LpCaptureSampleFlags */
} LpCaptureSample;

#define LP_CAPTURE_TIME_NONE G_MAXUINT64

/* One thread of the recording (of any process the recording followed). */
typedef struct
{
  gint64      pid;
  gint64      tid;
  const char *name;       /* "worker", "MainThread"; owned by the capture */
  guint64     start_ns;   /* first seen */
  guint64     end_ns;     /* seen to end; LP_CAPTURE_TIME_NONE: lived on, or unknown */
  guint64     first_ns;   /* its first and last sample; LP_CAPTURE_TIME_NONE: none */
  guint64     last_ns;
  double      samples;    /* sum of weights */
  double      idle_samples;
} LpCaptureThread;

/* The facts of the recording. Strings are owned by the capture; change
 * them with lp_capture_info_set_string(). Unknown: NULL, 0 or -1. */
typedef struct
{
  char    *source;        /* "laprof", "perf script", "folded" */
  gint64   pid;
  char    *command;
  char    *mode;          /* "wall", "cpu" */
  double   period;        /* seconds */
  char    *host;
  gint64   start_unix_us; /* wall-clock time of the start, µs since 1970; 0 unknown */
  double   duration;      /* seconds */
  char    *python;        /* what was found of Python (lp_sampler_get_python) */
  gboolean python_on;
  guint64  lost[LP_SAMPLER_LOST_N_REASONS];
  guint64  lost_total;
  char    *end_reason;    /* "exited", "stopped", "duration", "error"; NULL: not ended */
  int      exit_status;   /* the target's exit code; -1 unknown */
  gboolean complete;      /* the recording's end was written; FALSE: cut short (killed) */
  gboolean has_times;     /* samples with times (a capture, a stream with them, perf
                           * script); FALSE: only the aggregate (folded text) */
} LpCaptureInfo;

typedef struct _LpCapture LpCapture;

LpCapture       *lp_capture_new             (void) G_GNUC_WARN_UNUSED_RESULT;
void             lp_capture_free            (LpCapture *self);

/* The frames and stacks of every sample; a stack's count is the sum of
 * its samples' weights (the whole recording as a folded report). */
LpFolded        *lp_capture_get_folded      (LpCapture *self);
LpCaptureInfo   *lp_capture_get_info        (LpCapture *self);
void             lp_capture_info_set_string (LpCapture   *self,
                                             char       **field,
                                             const char  *value);

/* lp_capture_add_thread: the index of the living thread (@pid, @tid),
 * added if new (a tid reused after its thread ended is a new thread);
 * @name (nullable) replaces the name it had. */
guint            lp_capture_add_thread      (LpCapture  *self,
                                             gint64      pid,
                                             gint64      tid,
                                             const char *name,
                                             guint64     time_ns);
/* lp_capture_find_thread: the living thread (@pid, @tid), or G_MAXUINT. */
guint            lp_capture_find_thread     (const LpCapture *self,
                                             gint64           pid,
                                             gint64           tid);
void             lp_capture_end_thread      (LpCapture *self,
                                             guint      thread,
                                             guint64    time_ns);
guint            lp_capture_get_n_threads   (const LpCapture *self);
const LpCaptureThread *lp_capture_get_thread (const LpCapture *self,
                                              guint            thread);

/* lp_capture_add_sample: one sample of the stack @stack of the folded
 * report (an index it gave), adding @weight to its count. A time before
 * the last sample's is taken as the last's. */
gboolean         lp_capture_add_sample      (LpCapture  *self,
                                             guint64     time_ns,
                                             guint       thread,
                                             guint       stack,
                                             guint       weight,
                                             guint       flags,
                                             GError    **error);
/* lp_capture_add_sample_frames: the same for a stack of frame ids of the
 * folded report, root first. */
gboolean         lp_capture_add_sample_frames (LpCapture     *self,
                                               guint64        time_ns,
                                               guint          thread,
                                               const guint32 *frames,
                                               guint          depth,
                                               guint          weight,
                                               guint          flags,
                                               GError       **error);

/* lp_capture_add_source: records where the source file that frames name
 * @file ("name (FILE:line)": a base name, or "json/__init__.py" for
 * Python's libraries) was when recording: @path, absolute. A later path
 * for the same @file replaces the first. */
void             lp_capture_add_source      (LpCapture  *self,
                                             const char *file,
                                             const char *path);
/* lp_capture_find_source: the path recorded for @file, as a frame names
 * it, or NULL. Owned by the capture. */
const char      *lp_capture_find_source     (const LpCapture *self,
                                             const char      *file);

/* lp_capture_rename_frame: records that @frame is named @name, learnt
 * after the frame was written (a debug file that came late): the writer
 * writes it; readers apply it when the capture is read whole
 * (lp_capture_apply_renames()). */
void             lp_capture_rename_frame    (LpCapture  *self,
                                             guint32     frame,
                                             const char *name);
/* lp_capture_apply_renames: gives the frames their late names, merging
 * the stacks that come to be the same; stack indexes change. */
void             lp_capture_apply_renames   (LpCapture  *self);

guint64          lp_capture_get_n_samples   (const LpCapture *self);
/* The samples in time order; valid until the next change. */
const LpCaptureSample *lp_capture_get_samples (const LpCapture *self);
/* lp_capture_get_end_ns: the last sample's time, or the duration if later. */
guint64          lp_capture_get_end_ns      (const LpCapture *self);
/* lp_capture_find_time: the index of the first sample at or after @time_ns. */
guint64          lp_capture_find_time       (const LpCapture *self,
                                             guint64          time_ns);

/* A part of the recording. */
typedef struct
{
  guint64      from_ns;      /* [from_ns, to_ns); 0 and LP_CAPTURE_TIME_NONE: all */
  guint64      to_ns;
  const guint *threads;      /* thread indexes; NULL: every thread */
  guint        n_threads;
} LpCaptureFilter;

/* lp_capture_filter_all: the filter that keeps everything. */
void             lp_capture_filter_all      (LpCaptureFilter *filter);

/* lp_capture_select: the folded report of the samples @filter keeps, in a
 * new aggregate (its own frame ids). A report without times gives its
 * whole aggregate for a filter that keeps everything, and fails with
 * LP_CAPTURE_ERROR_NO_TIMES otherwise. */
LpFolded        *lp_capture_select          (LpCapture              *self,
                                             const LpCaptureFilter  *filter,
                                             GError                **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_capture_select_counts: for each stack of the capture's own folded
 * report, the weight of its samples @filter keeps, into @counts (as many
 * as lp_folded_get_n_stacks(), zeroed first). The fast way for a view
 * that shares the capture's frame ids. */
void             lp_capture_select_counts   (const LpCapture       *self,
                                             const LpCaptureFilter *filter,
                                             double                *counts);

/* lp_capture_bin: the weight of @thread's samples (G_MAXUINT: every
 * thread) in @n_bins bins of @bin_ns from @from_ns, on-CPU and blocked
 * apart, added to @on_cpu and @blocked (either nullable). Fast at any
 * bin width: bins of 40 ms and wider come from sums of 10 ms kept as
 * samples arrive, each 10 ms given wholly to the bin it starts in (so a
 * bin's edges are right to 10 ms); narrower ones count the samples. Like
 * every function here, for one thread at a time (it remembers where it
 * last looked). */
void             lp_capture_bin             (const LpCapture *self,
                                             guint            thread,
                                             guint64          from_ns,
                                             guint64          bin_ns,
                                             guint            n_bins,
                                             double          *on_cpu,
                                             double          *blocked);

/* ---- files (lp-capture-writer.c, lp-capture-reader.c; loading and saving: lp-capture.c) ---- */

/* lp_capture_sniff: what @data (the first bytes of a file, @len of them)
 * holds. */
LpCaptureKind    lp_capture_sniff           (const guint8 *data,
                                             gsize         len);

/* lp_capture_load: reads a capture file, a folded report or stream, or
 * perf script text (sniffed). A capture cut short (the recording was
 * killed) loads with what was written and info->complete FALSE. */
LpCapture       *lp_capture_load            (const char  *path,
                                             GError     **error) G_GNUC_WARN_UNUSED_RESULT;
LpCapture       *lp_capture_load_bytes      (GBytes      *bytes,
                                             GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_capture_save: writes the whole capture atomically to @path. */
gboolean         lp_capture_save            (LpCapture   *self,
                                             const char  *path,
                                             GError     **error);

/* Writing as it records: each flush appends one self-contained,
 * compressed block with everything the capture gained since the last
 * (frames, stacks, threads, samples, facts), in one write(2), so a killed
 * writer leaves every block before the one being written. */
typedef struct _LpCaptureWriter LpCaptureWriter;

/* lp_capture_writer_new: writes the file header to @fd (not closed by the
 * writer). */
LpCaptureWriter *lp_capture_writer_new      (LpCapture  *capture,
                                             int         fd,
                                             GError    **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         lp_capture_writer_flush    (LpCaptureWriter  *self,
                                             GError          **error);
/* lp_capture_writer_take_block: the same block as a flush would write, as
 * bytes (for the stream's #capture lines), NULL when nothing is new. */
GBytes          *lp_capture_writer_take_block (LpCaptureWriter *self);
/* lp_capture_writer_finish: flushes, with the end of the recording (the
 * info's end fields) written last. */
gboolean         lp_capture_writer_finish   (LpCaptureWriter  *self,
                                             GError          **error);
void             lp_capture_writer_free     (LpCaptureWriter *self);

/* Reading block by block (the live stream): */
typedef struct _LpCaptureReader LpCaptureReader;
LpCaptureReader *lp_capture_reader_new      (LpCapture *dest) G_GNUC_WARN_UNUSED_RESULT;
/* lp_capture_reader_feed_block: one block as the writer made it. */
gboolean         lp_capture_reader_feed_block (LpCaptureReader  *self,
                                               const guint8     *data,
                                               gsize             len,
                                               GError          **error);
void             lp_capture_reader_free     (LpCaptureReader *self);

/* ---- perf script text (lp-perf-script.c) ---- */

/* lp_perf_script_read: adds the samples of `perf script` output (of a
 * `perf record -g`, default fields) to @dest: one thread per comm/tid,
 * frames "symbol" or "[dso+0xoff]" where perf has no symbol, root first,
 * times from perf's timestamps (from the first sample's). Lines it cannot
 * read are counted in *@n_skipped (nullable). */
gboolean         lp_perf_script_read        (LpCapture    *dest,
                                             const char   *text,
                                             gsize         len,
                                             guint64      *n_skipped,
                                             GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpCapture, lp_capture_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpCaptureWriter, lp_capture_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpCaptureReader, lp_capture_reader_free)

G_END_DECLS
