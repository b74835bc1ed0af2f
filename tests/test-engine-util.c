/* test-engine-util.c: helpers shared by the engine's test programs: reading a pipe whole, waiting for a child with a limit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-engine-util.h"

char *
test_engine_read_all (int fd)
{
  GString *s = g_string_new (NULL);
  char buf[4096];
  gssize n;

  while ((n = read (fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (s, buf, n);
  close (fd);
  return g_string_free (s, FALSE);
}

gboolean
test_engine_wait_pid (GPid    pid,
                      double  seconds,
                      int    *status)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      pid_t r = waitpid (pid, status, WNOHANG);

      if (r == pid)
        return TRUE;
      g_usleep (5000);
    }
  return FALSE;
}
