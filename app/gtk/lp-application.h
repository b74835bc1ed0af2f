/* lp-application.h: the laprof GtkApplication: actions, shortcuts, windows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LP_TYPE_APPLICATION (lp_application_get_type ())
G_DECLARE_FINAL_TYPE (LpApplication, lp_application, LP, APPLICATION, AdwApplication)

LpApplication *lp_application_new (void);

/* lp_application_find_demo: the bundled demo workload (bench/demo-handler)
 * from $LAPROF_DEMO, the build tree or the installation; NULL if absent. */
char          *lp_application_find_demo (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
