/* test-debuginfod-util.c: a real debuginfod server on loopback for the tests, and a slow proxy in front of it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-debuginfod-util.h"

char **
test_debuginfod_env (const char *urls,
                     const char *cache)
{
  char **env = g_environ_unsetenv (g_get_environ (), "DEBUGINFOD_URLS");

  if (urls != NULL)
    env = g_environ_setenv (env, "DEBUGINFOD_URLS", urls, TRUE);
  if (cache != NULL)
    env = g_environ_setenv (env, "DEBUGINFOD_CACHE_PATH", cache, TRUE);
  env = g_environ_setenv (env, "DEBUGINFOD_TIMEOUT", "20", TRUE);
  return env;
}

/* waits up to @seconds for child @pid to end */
static void
wait_child (GPid   pid,
            double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  int status;

  while (g_get_monotonic_time () < end && waitpid (pid, &status, WNOHANG) != pid)
    g_usleep (5000);
}

/* the servers end with the test, even when it aborts */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

int
test_debuginfod_free_port (void)
{
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;

  g_assert_cmpint (bind (fd, (struct sockaddr *) &a, sizeof a), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &a, &len), ==, 0);
  close (fd);
  return ntohs (a.sin_port);
}

TestDebuginfod *
test_debuginfod_start (const char *tmpdir,
                       const char *stripped)
{
  TestDebuginfod *srv;
  const char *debug_file = g_getenv ("ENGINE_TARGET_DEBUG");
  const char *proxy = g_getenv ("DELAY_PROXY");
  g_autofree char *served = NULL, *db = NULL, *copy = NULL, *port = NULL, *probe_cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *program = g_find_program_in_path ("debuginfod");
  int proxy_out;

  if (program == NULL)
    return NULL;
  srv = g_new0 (TestDebuginfod, 1);
  srv->dir = g_build_filename (tmpdir, "debuginfod", NULL);
  served = g_build_filename (srv->dir, "served", NULL);
  g_assert_cmpint (g_mkdir_with_parents (served, 0755), ==, 0);
  copy = g_build_filename (served, "engine-target.debug", NULL);
  {
    g_autofree char *bytes = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (debug_file, &bytes, &len, NULL));
    g_assert_true (g_file_set_contents (copy, bytes, len, NULL));
  }
  db = g_build_filename (srv->dir, "db.sqlite", NULL);
  port = g_strdup_printf ("%d", test_debuginfod_free_port ());
  {
    const char *argv[] = { "debuginfod", "-p", port, "-d", db, "-F", served, "-t", "0", "-g", "0", NULL };

    g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                             G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                             G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                             die_with_parent, NULL, &srv->server, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  srv->url = g_strdup_printf ("http://127.0.0.1:%s", port);
  probe_cache = g_build_filename (srv->dir, "probe-cache", NULL);
  for (int i = 0;; i++)
    {
      const char *argv[] = { "debuginfod-find", "debuginfo", stripped, NULL };
      /* a cache of its own each time: the client remembers a miss */
      g_autofree char *fresh = g_strdup_printf ("%s-%d", probe_cache, i);
      g_auto(GStrv) env = test_debuginfod_env (srv->url, fresh);
      int status = 1;

      g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL);
      if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
        break;
      g_assert_cmpint (i, <, 100);   /* 20 s */
      g_usleep (200000);
    }
  {
    const char *argv[] = { "python3", proxy, srv->url, "5", NULL };
    g_autoptr(GIOChannel) ch = NULL;

    g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                             G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                             G_SPAWN_STDERR_TO_DEV_NULL, die_with_parent, NULL,
                                             &srv->proxy, NULL, &proxy_out, NULL, &error));
    g_assert_no_error (error);
    ch = g_io_channel_unix_new (proxy_out);
    g_io_channel_set_close_on_unref (ch, TRUE);
    g_assert_cmpint (g_io_channel_read_line (ch, &line, NULL, NULL, NULL), ==, G_IO_STATUS_NORMAL);
    g_assert_true (g_str_has_prefix (line, "port="));
    srv->slow_url = g_strdup_printf ("http://127.0.0.1:%d", atoi (line + 5));
  }
  return srv;
}

void
test_debuginfod_stop (TestDebuginfod *srv)
{
  if (srv == NULL)
    return;
  if (srv->server > 0)
    {
      kill (srv->server, SIGTERM);
      wait_child (srv->server, 10);
    }
  if (srv->proxy > 0)
    {
      kill (srv->proxy, SIGTERM);
      wait_child (srv->proxy, 10);
    }
  g_free (srv->url);
  g_free (srv->slow_url);
  g_free (srv->dir);
  g_free (srv);
}

