/* lp-process-row.h: one process as a GObject, an item of the picker's list model.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lp-process-list.h"

G_BEGIN_DECLS

#define LP_TYPE_PROCESS_ROW (lp_process_row_get_type ())
G_DECLARE_FINAL_TYPE (LpProcessRow, lp_process_row, LP, PROCESS_ROW, GObject)

LpProcessRow *lp_process_row_new    (const LpProcessInfo *info);
/* lp_process_row_update: takes the new figures of the same pid, notifying
 * the properties that changed */
void          lp_process_row_update (LpProcessRow        *self,
                                     const LpProcessInfo *info);
int           lp_process_row_get_pid      (LpProcessRow *self);
const char   *lp_process_row_get_name     (LpProcessRow *self);
const char   *lp_process_row_get_cmdline  (LpProcessRow *self);
const char   *lp_process_row_get_user     (LpProcessRow *self);
double        lp_process_row_get_cpu      (LpProcessRow *self);
guint         lp_process_row_get_threads  (LpProcessRow *self);
gboolean      lp_process_row_get_is_own   (LpProcessRow *self);
/* NULL if the process may be traced */
const char   *lp_process_row_get_why_not  (LpProcessRow *self);

G_END_DECLS
