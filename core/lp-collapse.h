/* lp-collapse.h: the engine's collapse step: one unwound, symbolized stack counted into the aggregate.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-folded.h"

G_BEGIN_DECLS

/* The idle rule. A sample taken while its thread was blocked in a system
 * call ends in a synthetic leaf frame made by the collapse step,
 * "[idle: NAME]" (NAME the system call's, or "syscall NR"), so that blocked
 * time shows in the graph. Every frame whose name begins with
 * LP_COLLAPSE_IDLE_PREFIX is such a frame: views leave out the stacks that
 * end in one ("hide idle") and draw them in their own colour. */
#define LP_COLLAPSE_IDLE_PREFIX "[idle"

/* lp_collapse_is_idle_frame: TRUE when @name (nullable) is the name of an
 * idle frame, as the collapse step makes them. */
gboolean lp_collapse_is_idle_frame (const char *name);

/* Unnamed code. Where no symbol names an address, the collapse step names
 * it after its module: "[MODULE@0xSTART]" for the function that begins at
 * file offset START, as the module's call frame information (.eh_frame)
 * bounds it, so that a stripped function's samples add up as one frame;
 * "[MODULE+0xOFFSET]", the address itself, where no such information
 * covers it; "[unknown]" outside any module. */

/* lp_collapse_parse_unnamed: the module (in @module, which you own) and
 * offset of a frame named "[MODULE+0xOFFSET]" or "[MODULE@0xSTART]"
 * (*@is_start TRUE for the latter); FALSE for any other name. */
gboolean lp_collapse_parse_unnamed (const char *name,
                                    gsize       len,
                                    char      **module,
                                    guint64    *offset,
                                    gboolean   *is_start);

/* lp_collapse_stack: counts one sample of the stack @frames[0..@depth)
 * (frame ids of @dest, root first) in @dest: hashes it and adds 1 to its
 * count, creating the stack if new (no allocation when it exists). This is
 * exactly what the sampler does with each snapshot after unwinding and
 * symbolizing it; bench/process-frames replays recorded snapshots through
 * it. On success *@index (if not NULL) is the stack's index in @dest.
 * FALSE (and nothing changed) only when the count would leave the exact
 * range of LP_FOLDED_MAX_COUNT. */
gboolean lp_collapse_stack (LpFolded      *dest,
                            const guint32 *frames,
                            guint          depth,
                            guint         *index);

/* lp_collapse_stack_n: the same, @n samples at once (a sample that stands
 * for several ticks). */
gboolean lp_collapse_stack_n (LpFolded      *dest,
                              const guint32 *frames,
                              guint          depth,
                              guint          n,
                              guint         *index);

G_END_DECLS
