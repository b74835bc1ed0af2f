/* lp-storer-fs.h: the filesystem storer: atomic writes of reports into a directory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-storer.h"

G_BEGIN_DECLS

/* lp_storer_fs_new: a storer writing into @dir (created, with its parents,
 * at the first store). Reports are named
 * laprof-<UTC ISO 8601>-<command>[-<pid>].folded. (transfer full) */
LpStorer   *lp_storer_fs_new       (const char *dir) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_fs_build_name: the file name a report with @meta gets; you own it. */
char       *lp_storer_fs_build_name (const LpReportMeta *meta) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_fs_write: writes @report as @name into the storer's directory,
 * atomically (temporary file, fsync, rename): on failure nothing is left
 * behind. Unlike lp_storer_store() it does not fall back to the spool.
 * *@path (if not NULL; you own it) is the file written. */
gboolean    lp_storer_fs_write     (LpStorer    *self,
                                    const char  *name,
                                    GBytes      *report,
                                    char       **path,
                                    GError     **error);

G_END_DECLS
