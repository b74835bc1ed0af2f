/* export-test-util.c: running the real readers for test-export and test-perf-script.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "export-test-util.h"

char *
export_test_run (const char *const *argv,
                 const char        *cwd,
                 int               *status)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strjoinv (" ", (char **) argv);

  g_test_message ("running: %s", line);
  if (!g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (err != NULL && err[0] != '\0')
    g_test_message ("%s said on stderr: %s", argv[0], err);
  return g_steal_pointer (&out);
}

char *
export_test_run_ok (const char *const *argv,
                    const char        *cwd)
{
  int status = 0;
  g_autoptr(GError) error = NULL;
  char *out = export_test_run (argv, cwd, &status);

  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", argv[0], error->message);
  return out;
}

static gboolean
have_modules (const char *dir)
{
  const char *needed[] = { "speedscope/package.json", "playwright-core/package.json", "ajv/package.json" };

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_autofree char *path = g_build_filename (dir, "node_modules", needed[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return FALSE;
    }
  return TRUE;
}

const char *
export_test_harness_dir (void)
{
  static char *dir = NULL;

  if (dir == NULL)
    {
      const char *srcdir = g_getenv ("G_TEST_SRCDIR");
      g_assert_nonnull (srcdir);
      dir = g_build_filename (srcdir, "export", NULL);
    }
  if (!have_modules (dir))
    {
      /* what package-lock.json pins, as CI installs it */
      const char *npm[] = { "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", NULL };
      g_free (export_test_run_ok (npm, dir));
      g_assert_true (have_modules (dir));
    }
  return dir;
}

double
export_test_sum_counts (const char *folded,
                        guint      *n_lines)
{
  g_auto(GStrv) lines = g_strsplit (folded, "\n", -1);
  double total = 0;
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');
      if (lines[i][0] == '\0' || lines[i][0] == '#' || space == NULL)
        continue;
      total += g_ascii_strtod (space + 1, NULL);
      n++;
    }
  if (n_lines != NULL)
    *n_lines = n;
  return total;
}
