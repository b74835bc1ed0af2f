/* lp-demo-server.h: a slow HTTP server on loopback, in a process or a thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* lp_demo_server_start: listens on 127.0.0.1:@port (0: any), serving from
 * threads of its own; *@bound_port is the port. The server lives until the
 * process ends. */
gboolean lp_demo_server_start (guint16   port,
                               double    delay,
                               guint16  *bound_port,
                               GError  **error);

G_END_DECLS
