/* lp-file.h: writing files safely: whole writes (atomic replacement: lp-atomic-file.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* lp_file_write_all: writes all @len bytes to @fd, retrying short writes and
 * EINTR. Errors are G_FILE_ERROR, with @what (a file name or "standard
 * output") in the message. */
gboolean      lp_file_write_all (int          fd,
                                 const char  *data,
                                 gsize        len,
                                 const char  *what,
                                 GError     **error);

G_END_DECLS
