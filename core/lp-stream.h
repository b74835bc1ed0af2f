/* lp-stream.h: the laprof stream protocol (docs/stream-protocol.md): writing it and parsing it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "lp-folded.h"
#include "lp-sampler.h"

G_BEGIN_DECLS

#define LP_STREAM_VERSION 1

#define LP_STREAM_ERROR (lp_stream_error_quark ())
GQuark lp_stream_error_quark (void);

typedef enum
{
  LP_STREAM_ERROR_NO_HEADER,   /* the first line is not a "#laprof-stream" header */
  LP_STREAM_ERROR_VERSION,     /* a version this parser does not know */
  LP_STREAM_ERROR_LINE_TOO_LONG,
} LpStreamError;

/* ---- writing (the engine side) ---- */

/* Each appends one or more complete lines to @out. */
void lp_stream_format_header (GString              *out,
                              pid_t                 pid,
                              const char           *command,
                              const char           *mode,
                              double                period);
void lp_stream_format_batch  (GString              *out,
                              const LpFolded       *folded,
                              const LpSamplerBatch *batch);
void lp_stream_format_error  (GString              *out,
                              const char           *message);
/* what the engine found of Python in the target (lp_sampler_get_python):
 * @on when its frames are shown */
void lp_stream_format_python (GString              *out,
                              gboolean              on,
                              const char           *text);
/* one block of the capture file format (lp_capture_writer_take_block):
 * the samples of the batch with their times and threads */
/* lp_stream_format_debuginfo: "#debuginfo module=… state=… bytes=… size=…
 * [error=…]": how far a debug file fetched from debuginfod is (revision
 * 1.3) */
void lp_stream_format_debuginfo (GString              *out,
                                 const char           *module,
                                 const char           *state,
                                 gint64                bytes,
                                 gint64                size,
                                 const char           *error);
void lp_stream_format_capture (GString              *out,
                               GBytes               *block);
/* @status: the target's exit code, or -1 if unknown; @reason: "exited",
 * "stopped", "duration" or "error". */
void lp_stream_format_end    (GString              *out,
                              double                time,
                              guint64               samples,
                              guint64               lost,
                              const char           *reason,
                              int                   status);

/* ---- parsing (the GUI side) ---- */

typedef enum
{
  LP_STREAM_EVENT_HEADER,
  LP_STREAM_EVENT_STACK,
  LP_STREAM_EVENT_BATCH,
  LP_STREAM_EVENT_ERROR,
  LP_STREAM_EVENT_END,
  LP_STREAM_EVENT_PYTHON,
  LP_STREAM_EVENT_CAPTURE,   /* a block of the capture format (lp_capture_reader_feed_block) */
  LP_STREAM_EVENT_DEBUGINFO, /* a debug file fetched from debuginfod: how far */
} LpStreamEventType;

/* One event. Strings and arrays are owned by the parser and valid only
 * during the callback. Fields not listed for a type are zero/NULL. */
typedef struct
{
  LpStreamEventType type;

  /* HEADER */
  guint          version;
  gint64         pid;
  const char    *command;
  const char    *mode;      /* "wall" or "cpu" */
  double         period;    /* seconds */

  /* STACK: "frame;frame;…" (not NUL-terminated) and the samples it gained;
   * with an aggregate attached, also its frame ids and stack index there */
  const char    *stack;
  gsize          stack_len;
  double         count;
  const guint32 *frames;
  guint          depth;
  guint          index;

  /* BATCH and END */
  double         time;      /* seconds since the recording started */
  guint64        samples;
  guint64        lost;

  /* ERROR: message; END: reason ("exited", "stopped", "duration",
   * "error") and status (exit code of the target, -1 unknown); PYTHON:
   * message (what was found of Python) and status (1: its frames are
   * shown, 0: not) */
  const char    *message;
  const char    *reason;
  int            status;
  /* CAPTURE: the block, decoded */
  const guint8  *data;
  gsize          data_len;
  /* DEBUGINFO: the module, its file's state ("pending", "fetching",
   * "done", "failed"), bytes received and announced (0 unknown); message:
   * why it failed */
  const char    *module;
  const char    *state;
  gint64         bytes;
  gint64         size;
} LpStreamEvent;

typedef void (*LpStreamFunc) (const LpStreamEvent *event,
                              gpointer             user_data);

typedef struct _LpStreamParser LpStreamParser;

/* lp_stream_parser_new: a parser calling @func for each event. If @folded
 * is not NULL (it must outlive the parser), every stack line is also added
 * to it and STACK events carry its frame ids and stack index. */
LpStreamParser *lp_stream_parser_new     (LpFolded      *folded,
                                          LpStreamFunc   func,
                                          gpointer       user_data) G_GNUC_WARN_UNUSED_RESULT;
void            lp_stream_parser_free    (LpStreamParser *self);

/* lp_stream_parser_feed: @len more bytes, cut anywhere (a pipe read).
 * Fails on a missing header, an unknown version or a line longer than
 * LP_FOLDED_MAX_LINE; after a failure the parser ignores further input.
 * Lines it cannot read are counted (lp_stream_parser_get_n_skipped). */
gboolean        lp_stream_parser_feed    (LpStreamParser  *self,
                                          const char      *data,
                                          gsize            len,
                                          GError         **error);
/* lp_stream_parser_finish: the input ended (a last line needs no newline). */
gboolean        lp_stream_parser_finish  (LpStreamParser  *self,
                                          GError         **error);

gboolean        lp_stream_parser_has_ended    (const LpStreamParser *self);  /* saw the end line */
guint64         lp_stream_parser_get_n_skipped (const LpStreamParser *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpStreamParser, lp_stream_parser_free)

G_END_DECLS
