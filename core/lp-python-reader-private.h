/* lp-python-reader-private.h: what the reader shares with the code that
 * reads thread names (lp-python-reader-thread.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-python-private.h"

G_BEGIN_DECLS

/* One read of @len bytes at @addr, counted in the stats and against the
 * current budget. */
gboolean _lp_python_reader_read (LpPythonReader *self,
                                 guint64         addr,
                                 void           *buf,
                                 gsize           len);

/* The str object at @addr as sanitized UTF-8 into @out. */
gboolean _lp_python_reader_str (LpPythonReader *self,
                                guint64         addr,
                                char           *out,
                                gsize           out_size);

const LpPythonLayout *_lp_python_reader_layout (LpPythonReader *self);

/* The interpreter and pthread_t (threading.get_ident()) of the thread @tid;
 * FALSE when it has no thread state. Resets the read budget. */
gboolean _lp_python_reader_thread_ident (LpPythonReader *self,
                                         pid_t           tid,
                                         guint64        *interp,
                                         guint64        *ident);

G_END_DECLS
