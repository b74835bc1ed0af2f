/* lp-atomic-file.h: atomic replacement of files: a temporary file renamed over the target.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LpAtomicFile LpAtomicFile;

/* lp_atomic_file_open: a temporary file in the directory of @path (which
 * must exist), to be renamed over @path by lp_atomic_file_commit(). When
 * @path is a device or a FIFO (/dev/null, /dev/stdout), it is opened and
 * written in place instead: renaming over it would replace it. */
LpAtomicFile *lp_atomic_file_open     (const char  *path,
                                       GError     **error) G_GNUC_WARN_UNUSED_RESULT;
int           lp_atomic_file_get_fd   (LpAtomicFile *self);
const char   *lp_atomic_file_get_path (LpAtomicFile *self);

/* lp_atomic_file_commit: fsync, close and rename into place. Consumes
 * @self whatever the result; on failure the temporary file is removed. */
gboolean      lp_atomic_file_commit   (LpAtomicFile  *self,
                                       GError       **error);

/* lp_atomic_file_abort: removes the temporary file and frees @self. */
void          lp_atomic_file_abort    (LpAtomicFile *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpAtomicFile, lp_atomic_file_abort)

G_END_DECLS
