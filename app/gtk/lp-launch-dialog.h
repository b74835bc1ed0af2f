/* lp-launch-dialog.h: asks for a command line and a working folder to profile.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LP_TYPE_LAUNCH_DIALOG (lp_launch_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LpLaunchDialog, lp_launch_dialog, LP, LAUNCH_DIALOG, AdwWindow)

/* Emits "launch-requested" (GStrv argv, const char *directory) and closes
 * when the user launches a command line that parses. */
LpLaunchDialog *lp_launch_dialog_new          (GtkWindow  *parent);
void            lp_launch_dialog_set_command  (LpLaunchDialog *self,
                                               const char     *command);
void            lp_launch_dialog_set_directory (LpLaunchDialog *self,
                                               const char     *directory);
/* lp_launch_dialog_launch: as if the Launch button were pressed; FALSE and
 * the reason shown if the command line does not parse. */
gboolean        lp_launch_dialog_launch       (LpLaunchDialog *self);

G_END_DECLS
