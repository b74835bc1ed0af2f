/* lp-sampler-names.h: names the sampler learns late: frames named at the end from debug files that came during the recording, and the source files frames name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-sampler.h"

G_BEGIN_DECLS

/* lp_sampler_names_late: names, now, for the frames of the report that
 * were named after their module for want of a symbol ("[MODULE@0x…]",
 * "[MODULE+0x…]"), from the debug files found since (on this machine,
 * or fetched by debuginfod during the recording: wait for those first,
 * lp_debuginfod_wait()). Read from the modules' files, so it works after
 * the process ended. An array of a new name or NULL for each frame id of
 * the report (give it to lp_folded_rename()); NULL when no frame gets a
 * name. */
GPtrArray  *lp_sampler_names_late          (LpSampler *self) G_GNUC_WARN_UNUSED_RESULT;

/* lp_sampler_names_get_source: with lines, the @index-th source file frames
 * name so far ("name (FILE:line)"), and its path when sampled;
 * lp_sampler_names_get_n_sources() counts them. FALSE past the end. */
guint       lp_sampler_names_get_n_sources  (LpSampler *self);
gboolean    lp_sampler_names_get_source     (LpSampler   *self,
                                       guint        index,
                                       const char **file,
                                       const char **path);

G_END_DECLS
