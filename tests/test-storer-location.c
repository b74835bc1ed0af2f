/* test-storer-location.c: a report's full place back to a storer and a name
 * (lp_storer_new_for_location), and lp_storer_put: how the spool sends.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lp-storer.h"

#include "storers-test-util.h"

/* a directory location: the storer of its directory, the file name; put
 * writes the report there, byte for byte, creating the directory */
static void
test_directory (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("lp-location-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "runs", NULL);
  g_autofree char *location = g_build_filename (dir, "r.folded", NULL);
  g_autoptr(GBytes) report = g_bytes_new_static ("a;b 3\n", 6);
  g_autoptr(LpStorer) storer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *where = NULL;
  g_autofree char *written = NULL;
  gsize len;

  storer = lp_storer_new_for_location (location, &name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "r.folded");
  where = lp_storer_describe (storer);
  g_assert_nonnull (strstr (where, dir));

  g_assert_true (lp_storer_put (storer, name, report, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (location, &written, &len, NULL));
  g_assert_cmpmem (written, len, "a;b 3\n", 6);
  storers_test_rm_rf (tmp);
}

/* an S3 location: the storer of the bucket and the key's prefix, the
 * rest of the key */
static void
test_s3 (void)
{
  g_autofree char *aws_dir = storers_test_clean_aws_env ();
  static const struct { const char *location, *dest, *name; } cases[] = {
    { "s3://my-bucket/a/b/r.folded", "s3://my-bucket/a/b/", "r.folded" },
    { "s3://my-bucket/r.folded", "s3://my-bucket/", "r.folded" },
  };

  g_setenv ("AWS_ACCESS_KEY_ID", "AKTEST", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "SKTEST", TRUE);
  g_setenv ("AWS_REGION", "eu-west-3", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LpStorer) storer = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *where = NULL;

      storer = lp_storer_new_for_location (cases[i].location, &name, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, cases[i].name);
      where = lp_storer_describe (storer);
      g_test_message ("%s: %s", cases[i].location, where);
      g_assert_true (g_str_has_prefix (where, cases[i].dest));
    }
  storers_test_rm_rf (aws_dir);
}

/* not a place a report can be: said, and no storer */
static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  LpStorer *storer = lp_storer_new_for_location ("s3://NO/r.folded", &name, &error);

  g_assert_null (storer);
  g_assert_null (name);
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_INVALID_DESTINATION);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/storer/location/directory", test_directory);
  g_test_add_func ("/storer/location/s3", test_s3);
  g_test_add_func ("/storer/location/invalid", test_invalid);
  return g_test_run ();
}
