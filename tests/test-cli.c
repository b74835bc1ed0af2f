/* test-cli.c: laprof-cli check and merge, run as a user runs them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>

static void
test_version (void)
{
  const char *cli = g_getenv ("LAPROF_CLI");
  const char *argv[] = { cli, "--version", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_str_has_prefix (out, "laprof-cli "));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/version", test_version);
  return g_test_run ();
}
