/* lp-process-picker.h: a searchable, refreshing list of processes to attach to.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LP_TYPE_PROCESS_PICKER (lp_process_picker_get_type ())
G_DECLARE_FINAL_TYPE (LpProcessPicker, lp_process_picker, LP, PROCESS_PICKER, AdwWindow)

/* A modal window over @parent. When the user chooses a process it emits
 * "process-chosen" (int pid, const char *name) and closes. */
LpProcessPicker *lp_process_picker_new (GtkWindow *parent);

/* lp_process_picker_select: selects @pid if it is listed (for tests and
 * for "attach again"); returns whether it was found. */
gboolean         lp_process_picker_select (LpProcessPicker *self,
                                           int              pid);

G_END_DECLS
