/* lp-settings.h: the application's GSettings, also where its schema is not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* lp_settings_new: the settings of io.github.laprof.Laprof (you own the
 * reference). The schema is looked up where GSettings looks (installed, or
 * GSETTINGS_SCHEMA_DIR), then in the build tree the program runs from (as
 * build/app/gtk/laprof). When neither has it, the settings hold the schema's
 * defaults in memory for the life of the process, and a message on stderr
 * says once that they will not be kept and how to install: never an abort. */
GSettings *lp_settings_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
