/* lp-application.h: the laprof GtkApplication: actions, shortcuts, windows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LP_TYPE_APPLICATION (lp_application_get_type ())
G_DECLARE_FINAL_TYPE (LpApplication, lp_application, LP, APPLICATION, AdwApplication)

LpApplication *lp_application_new (void);

G_END_DECLS
