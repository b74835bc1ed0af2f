/* lp-folded-reader.h: a streaming reader of folded text into an LpFolded.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-folded.h"

G_BEGIN_DECLS

typedef enum
{
  LP_FOLDED_READER_DEFAULT = 0,
  /* the first line that cannot be read fails the read (LP_FOLDED_ERROR_INVALID_LINE) */
  LP_FOLDED_READER_STRICT  = 1 << 0,
  /* lines starting with '#' are control lines of a saved laprof stream
   * (docs/stream-protocol.md): counted, not read, never skipped */
  LP_FOLDED_READER_STREAM  = 1 << 1,
} LpFoldedReaderFlags;

/* Why a line was skipped. */
typedef enum
{
  LP_FOLDED_SKIP_NO_COUNT,       /* no sample count at the end */
  LP_FOLDED_SKIP_NEGATIVE_COUNT,
  LP_FOLDED_SKIP_COUNT_TOO_LARGE,/* beyond 2^53, or the total would be */
  LP_FOLDED_SKIP_EMPTY_STACK,    /* a count with no frames before it */
  LP_FOLDED_SKIP_EMPTY_FRAME,    /* ";;" or a leading or trailing ';' */
  LP_FOLDED_SKIP_NUL_BYTE,
  LP_FOLDED_SKIP_INVALID_UTF8,
  LP_FOLDED_SKIP_LINE_TOO_LONG,  /* longer than LP_FOLDED_MAX_LINE */
  LP_FOLDED_SKIP_N_REASONS
} LpFoldedSkipReason;

/* Longest line read; longer ones are skipped without being held in memory. */
#define LP_FOLDED_MAX_LINE (16 * 1024 * 1024)

/* How many skipped lines are remembered one by one (all are counted). */
#define LP_FOLDED_MAX_SKIPS_KEPT 100

typedef struct
{
  guint64            line;   /* 1-based */
  LpFoldedSkipReason reason;
} LpFoldedSkip;

typedef struct _LpFoldedReader LpFoldedReader;

/* lp_folded_reader_new: a reader that adds what it reads to @dest, which
 * must outlive it. */
LpFoldedReader     *lp_folded_reader_new            (LpFolded            *dest,
                                                     LpFoldedReaderFlags  flags) G_GNUC_WARN_UNUSED_RESULT;
void                lp_folded_reader_free           (LpFoldedReader *self);

/* lp_folded_reader_feed: reads @len more bytes of input, cut anywhere.
 * Fails only in strict mode or on overflow. */
gboolean            lp_folded_reader_feed           (LpFoldedReader  *self,
                                                     const char      *data,
                                                     gsize            len,
                                                     GError         **error);

/* lp_folded_reader_finish: ends the input (a last line needs no newline).
 * Fails with LP_FOLDED_ERROR_EMPTY when there was no input at all and with
 * LP_FOLDED_ERROR_NO_STACKS when no line was a stack. */
gboolean            lp_folded_reader_finish         (LpFoldedReader  *self,
                                                     GError         **error);

/* lp_folded_reader_read_fd: feeds everything from @fd and finishes.
 * @name is used in error messages. */
gboolean            lp_folded_reader_read_fd        (LpFoldedReader  *self,
                                                     int              fd,
                                                     const char      *name,
                                                     GError         **error);

/* lp_folded_reader_read_file: the same from a file; "-" is standard input.
 * A regular file of 16 MiB or more is read by two threads, a half each,
 * the second half merged after: the result (names and their ids, stacks
 * and their order, counts, line counts, skipped lines and messages) is
 * that of a read from start to end. The reader must not be fed from
 * another thread meanwhile. */
gboolean            lp_folded_reader_read_file      (LpFoldedReader  *self,
                                                     const char      *path,
                                                     GError         **error);

guint64             lp_folded_reader_get_n_lines    (const LpFoldedReader *self);
guint64             lp_folded_reader_get_n_stack_lines (const LpFoldedReader *self);
guint64             lp_folded_reader_get_n_control_lines (const LpFoldedReader *self);
guint64             lp_folded_reader_get_n_skipped  (const LpFoldedReader *self);
guint64             lp_folded_reader_get_n_skipped_for (const LpFoldedReader *self,
                                                     LpFoldedSkipReason    reason);
guint64             lp_folded_reader_get_n_bytes    (const LpFoldedReader *self);

/* lp_folded_reader_get_skips: the first LP_FOLDED_MAX_SKIPS_KEPT skipped
 * lines, in input order; owned by the reader. */
const LpFoldedSkip *lp_folded_reader_get_skips      (const LpFoldedReader *self,
                                                     guint                *n_skips);

/* lp_folded_reader_skip_reason_to_string: a translated sentence for @reason. */
const char         *lp_folded_reader_skip_reason_to_string (LpFoldedSkipReason reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpFoldedReader, lp_folded_reader_free)

G_END_DECLS
