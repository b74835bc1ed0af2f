/* lp-report-loader.h: loads a report file (folded, a capture, perf script text) on a worker thread, with progress and cancellation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lp-capture.h"
#include "lp-flame-model.h"
#include "lp-folded.h"

G_BEGIN_DECLS

#define LP_TYPE_REPORT_LOADER (lp_report_loader_get_type ())
G_DECLARE_FINAL_TYPE (LpReportLoader, lp_report_loader, LP, REPORT_LOADER, GObject)

/* LpReportLoaderModelFunc: builds, in the worker thread, the model a
 * loaded @report is shown as; *@filtered gets the copy of the report the
 * model's names live in, when one is needed. */
typedef LpFlameModel *(*LpReportLoaderModelFunc) (LpFolded  *report,
                                                  LpFolded **filtered,
                                                  gpointer   user_data);

LpReportLoader *lp_report_loader_new             (GFile                   *file);
GFile          *lp_report_loader_get_file        (LpReportLoader          *self);
/* lp_report_loader_get_fraction: how much of the file was read, from 0
 * to 1; "notify::fraction" is emitted in the main context as it moves. */
double          lp_report_loader_get_fraction    (LpReportLoader          *self);
/* lp_report_loader_set_model_func: @func also runs on the worker thread,
 * after the report is read (before lp_report_loader_load_async). */
void            lp_report_loader_set_model_func  (LpReportLoader          *self,
                                                  LpReportLoaderModelFunc  func,
                                                  gpointer                 user_data,
                                                  GDestroyNotify           destroy);
/* lp_report_loader_load_async: reads the file once; @callback runs in the
 * calling thread's main context. Cancelling @cancellable ends the load
 * with G_IO_ERROR_CANCELLED. */
void            lp_report_loader_load_async      (LpReportLoader          *self,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
/* lp_report_loader_load_finish: the report (transfer full), and the model
 * and its filtered copy (transfer full; NULL without a model func). */
LpFolded       *lp_report_loader_load_finish     (LpReportLoader          *self,
                                                  GAsyncResult            *result,
                                                  LpFlameModel           **model,
                                                  LpFolded               **filtered,
                                                  GError                 **error);
/* lp_report_loader_take_capture: after a load of a capture file or of
 * perf script text (lp_capture_sniff()), the capture, whose aggregate the
 * report is a copy of (transfer full); NULL for a folded report, or when
 * taken already. */
LpCapture      *lp_report_loader_take_capture    (LpReportLoader          *self);
/* lp_report_loader_get_kind: what the file held, after a load */
LpCaptureKind   lp_report_loader_get_kind        (LpReportLoader          *self);
/* after a load: how many lines could not be read, and why the first */
guint64         lp_report_loader_get_n_skipped   (LpReportLoader          *self);
const char     *lp_report_loader_get_first_skip  (LpReportLoader          *self);

G_END_DECLS
