/* lp-report-view.h: one view of a report (hidden frames, idle samples, focus, order) and the model it shows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-flame-model.h"
#include "lp-folded.h"

G_BEGIN_DECLS

/* LpReportView: how a report is looked at, the same in the window, its
 * saves and exports, and `laprof-cli svg`, `png` and `diff`. A plain value:
 * zero it (all shown, top-down, no focus), set its fields; it owns its
 * strings, which lp_report_view_clear() frees. The search is not part of
 * it: a search marks frames of the model, it changes none
 * (LpFlameLayoutParams.search). */
typedef struct
{
  /* bottom-up: stacks merged from their leaf (LP_FLAME_MODEL_REVERSE) */
  gboolean  reverse;
  /* leave out blocked samples: the stacks that end in an idle frame
   * (lp_collapse_is_idle_frame()) */
  gboolean  hide_idle;
  /* take the kernel's frames (lp_kernel_is_frame(): "name_[k]") out of
   * every stack: each sample stays, in the user frame that called it */
  gboolean  hide_kernel;
  /* names of frames taken out of every stack (the stack stays, shorter;
   * a stack of hidden frames only is left out); NULL-terminated, or NULL */
  GStrv     hidden;
  /* the frame whose calls are all merged under one root (with @reverse:
   * its callers), or NULL for the whole report */
  char     *focus;
} LpReportView;

/* lp_report_view_clear: frees @self's strings and zeroes it. */
void           lp_report_view_clear       (LpReportView       *self);

/* lp_report_view_copy: a copy of @self on the heap, strings and all; free
 * it with lp_report_view_free(). */
LpReportView  *lp_report_view_copy        (const LpReportView *self) G_GNUC_WARN_UNUSED_RESULT;
void           lp_report_view_free        (LpReportView       *self);

/* lp_report_view_filters: TRUE when @self leaves out samples or frames,
 * so that its model is no longer the whole report (a recording's new
 * stacks cannot simply be added to it). */
gboolean       lp_report_view_filters     (const LpReportView *self);

/* lp_report_view_build_model: the model of @report as @self shows it;
 * the one place that turns a view into a model.
 *
 * Hidden frames need a filtered copy of @report (also without the idle
 * samples, if @self hides them): *@filtered gets it, and you own it; the
 * model's names live in it, so free it after the model. Otherwise
 * *@filtered is NULL and the model's names are @report's (idle samples
 * hidden by the model, LP_FLAME_MODEL_HIDE_IDLE).
 *
 * The focus applies when some stack shown goes through it; otherwise the
 * model is the whole view and *@focused (nullable) is FALSE, as it is when
 * @self has no focus. Differential reports give differential models.
 * Runs in worker threads too: it reads @report, changes nothing. You own
 * the model. */
LpFlameModel  *lp_report_view_build_model (const LpReportView *self,
                                           LpFolded           *report,
                                           LpFolded          **filtered,
                                           gboolean           *focused) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpReportView, lp_report_view_free)

G_END_DECLS
