/* lp-bench-util.c: what the seed's benchmarks share: finding their programs, the demo server, statistics, temporary directories.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "lp-bench-util.h"

char *
lp_bench_program_path (const char *name)
{
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;

  if (strchr (name, '/') != NULL)
    return g_strdup (name);
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL)
    return g_strdup (name);
  dir = g_path_get_dirname (self);
  return g_build_filename (dir, name, NULL);
}

GPid
lp_bench_demo_server_start (const char  *server,
                            double       delay,
                            guint16     *port,
                            GError     **error)
{
  char delay_text[G_ASCII_DTOSTR_BUF_SIZE];
  const char *argv[] = { server, "--delay", delay_text, NULL };
  const char *prefix = "listening on 127.0.0.1:";
  char line[256];
  gsize len = 0;
  guint64 value;
  GPid pid = 0;
  int out = -1;

  g_ascii_dtostr (delay_text, sizeof delay_text, delay);
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                 NULL, NULL, &pid, NULL, &out, NULL, error))
    return 0;
  while (len < sizeof line - 1)
    {
      ssize_t n = read (out, line + len, 1);
      if (n <= 0 || line[len] == '\n')
        break;
      len++;
    }
  line[len] = '\0';
  close (out);
  if (!g_str_has_prefix (line, prefix) ||
      !g_ascii_string_to_unsigned (line + strlen (prefix), 10, 1, G_MAXUINT16, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s did not say where it listens (%s)",
                   server, len > 0 ? line : "no output");
      lp_bench_demo_server_stop (pid);
      return 0;
    }
  *port = (guint16) value;
  return pid;
}

void
lp_bench_demo_server_stop (GPid server)
{
  if (server <= 0)
    return;
  kill (server, SIGTERM);
  waitpid (server, NULL, 0);
}

void
lp_bench_mean_stdev (const double *v,
                     guint         n,
                     double       *mean,
                     double       *stdev)
{
  double sum = 0, sq = 0;

  for (guint i = 0; i < n; i++)
    sum += v[i];
  *mean = n > 0 ? sum / n : 0;
  for (guint i = 0; i < n; i++)
    sq += (v[i] - *mean) * (v[i] - *mean);
  *stdev = n > 1 ? sqrt (sq / (n - 1)) : 0;
}

double
lp_bench_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double
lp_bench_number_after (const char *text,
                       const char *key)
{
  const char *p = text ? strstr (text, key) : NULL;
  return p ? g_ascii_strtod (p + strlen (key), NULL) : -1;
}

int
lp_bench_cmp_double (gconstpointer a,
                     gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

guint64
lp_bench_status_kib (GPid        pid,
                     const char *key)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, key)) == NULL)
    return 0;
  return g_ascii_strtoull (p + strlen (key), NULL, 10);
}

gboolean
lp_bench_remove_tree (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  return system (cmd) == 0;
}

gboolean
lp_bench_make_folded (const char  *path,
                      const char  *generator,
                      const char  *shape,
                      const char  *megabytes,
                      GError     **error)
{
  g_autofree char *shape_arg = g_strconcat ("--shape=", shape != NULL ? shape : "default", NULL);
  const char *argv[] = { generator, shape_arg, path, megabytes != NULL ? megabytes : "140", NULL };
  int status;

  if (g_file_test (path, G_FILE_TEST_EXISTS) || generator == NULL)
    return TRUE;
  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                       &status, error)
         && g_spawn_check_wait_status (status, error);
}
