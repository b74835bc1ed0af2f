/* lp-process-mem.h: reading another process's memory, or our own without process_vm_readv.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include <sys/uio.h>

G_BEGIN_DECLS

/* lp_process_mem_readv: process_vm_readv(2) of @pid, with its result (the
 * bytes read, the copy stopping at the first byte that cannot be read; -1
 * with errno when not even the first can). For our own process (@pid is
 * getpid()) the copy is a pread() of /proc/self/mem per element instead:
 * the in-process sampler runs where seccomp forbids process_vm_readv, and
 * the kernel answers EIO for an unmapped address where a plain memcpy
 * would crash. Each element of @local must be as long as the same one of
 * @remote. */
gssize   lp_process_mem_readv (pid_t               pid,
                           const struct iovec *local,
                           gulong              n_local,
                           const struct iovec *remote,
                           gulong              n_remote);

/* lp_process_mem_read: all of @len bytes at @addr of @pid into @buf, or FALSE. */
gboolean lp_process_mem_read  (pid_t    pid,
                           guint64  addr,
                           void    *buf,
                           gsize    len);

G_END_DECLS
