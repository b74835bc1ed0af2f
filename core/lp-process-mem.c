/* lp-process-mem.c: reading another process's memory, or our own without process_vm_readv.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "lp-process-mem.h"

/* /proc/self/mem, opened once per process: a forked child opens its own
 * (the inherited descriptor reads the parent's memory) */
static int mem_fd = -1;
static pid_t mem_pid;

static int
self_mem_fd (pid_t me)
{
  int fd = g_atomic_int_get (&mem_fd);
  int old;

  if (fd >= 0 && g_atomic_int_get (&mem_pid) == me)
    return fd;
  fd = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  old = g_atomic_int_exchange (&mem_fd, fd);
  g_atomic_int_set (&mem_pid, me);
  if (old >= 0)
    close (old);
  return fd;
}

gssize
lp_process_mem_readv (pid_t               pid,
                  const struct iovec *local,
                  gulong              n_local,
                  const struct iovec *remote,
                  gulong              n_remote)
{
  pid_t me = getpid ();
  gssize total = 0;
  int fd;

  if (pid != me)
    return process_vm_readv (pid, local, n_local, remote, n_remote, 0);

  fd = self_mem_fd (me);
  if (fd < 0)
    return -1;
  for (gulong i = 0; i < MIN (n_local, n_remote); i++)
    {
      gsize len = MIN (local[i].iov_len, remote[i].iov_len);
      gssize n;

      do
        n = pread (fd, local[i].iov_base, len, (off_t) (guintptr) remote[i].iov_base);
      while (n < 0 && errno == EINTR);
      if (n <= 0)
        return total > 0 ? total : (n == 0 ? (errno = EFAULT, -1) : -1);
      total += n;
      if ((gsize) n < len)
        break;
    }
  return total;
}

gboolean
lp_process_mem_read (pid_t    pid,
                 guint64  addr,
                 void    *buf,
                 gsize    len)
{
  struct iovec local = { buf, len };
  struct iovec remote = { (void *) (guintptr) addr, len };

  if (len == 0)
    return TRUE;
  return lp_process_mem_readv (pid, &local, 1, &remote, 1) == (gssize) len;
}
