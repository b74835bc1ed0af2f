/* test-engine-util.c: helpers shared by the engine's test programs: the programs under test, starting the target, reading a pipe whole, waiting for a child with a limit or for its fork.
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

void
test_engine_programs (const char **cli,
                      const char **target)
{
  *cli = g_getenv ("LAPROF_CLI");
  *target = g_getenv ("ENGINE_TARGET");
  g_assert_nonnull (*cli);
  g_assert_nonnull (*target);
}

GPid
test_engine_spawn (const char        *program,
                   const char *const *args,
                   int               *out_fd)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_ptr_array_add (argv, (char *) program);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, out_fd, NULL, &error);
  g_assert_no_error (error);
  return pid;
}

void
test_engine_wait_forked (GPid   pid,
                         double seconds)
{
  g_autofree char *children = g_strdup_printf ("/proc/%d/task/%d/children", pid, pid);
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  g_autofree char *text = NULL;

  while (g_get_monotonic_time () < until &&
         (!g_file_get_contents (children, &text, NULL, NULL) || text[0] == '\0'))
    {
      g_clear_pointer (&text, g_free);
      g_usleep (200);
    }
}
