/* lp-summary-dialog.h: the facts of a recording or a report, one click from the graph.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lp-folded.h"

G_BEGIN_DECLS

/* What the window knows of a recording (from the stream protocol's header,
 * batches and end line) and of the report's file. Strings are borrowed. */
typedef struct
{
  gboolean    recorded;      /* FALSE: a report opened from a file or S3 */
  const char *target;        /* "name (pid)" or the command's name */
  gboolean    launched;      /* launched by the engine, else attached to */
  const char *mode;          /* "wall" or "cpu", from the stream; NULL: unknown */
  gboolean    cpu_mode;      /* as asked, when the stream did not say */
  gboolean    idle_dropped;  /* recorded with --no-idle */
  double      period;        /* seconds between samples, from the stream; 0: unknown */
  guint       frequency;     /* Hz, as asked */
  double      duration;      /* seconds */
  guint64     samples;
  guint64     lost;
  gboolean    running;
  const char *end_reason;    /* "stopped", "exited", "duration", "error" or NULL */
  int         end_status;    /* exit status of the target, -1 unknown */
  const char *file;          /* where the report is saved, or NULL */
  const char *python;        /* what the engine said of the target's CPython
                              * (its "#python" line), or NULL */
} LpSummaryFacts;

/* A module whose functions have no names in @report: its frames are
 * "[module+0xOFFSET]". */
typedef struct
{
  char   *module;
  double  samples;   /* samples with at least one such frame */
} LpSummaryModule;

/* lp_summary_dialog_modules_without_symbols: the modules of @report without
 * symbols, most samples first. You own the array (it frees its items). */
GArray    *lp_summary_dialog_modules_without_symbols (LpFolded *report);

/* lp_summary_dialog_new: a dialog over @parent telling @facts and, from
 * @report, its size, the modules without symbols and how to get them.
 * Present it; it destroys itself when closed. */
GtkWindow *lp_summary_dialog_new (GtkWindow            *parent,
                                  const LpSummaryFacts *facts,
                                  LpFolded             *report);

G_END_DECLS
