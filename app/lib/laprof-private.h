/* laprof-private.h: what liblaprof's files share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* _laprof_env_true: whether an environment value means yes ("1", "true",
 * "yes", "on", "y", "t", case ignored). */
gboolean _laprof_env_true (const char *value);

G_END_DECLS
