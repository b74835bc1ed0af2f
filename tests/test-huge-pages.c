/* test-huge-pages.c: the window's second start with glibc's malloc on transparent huge pages (app/gtk/lp-huge-pages.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test runs itself as a probe ("--probe") under each environment: the
 * probe calls lp_huge_pages_restart() as main() does, then prints its
 * GLIBC_TUNABLES (what the programs it starts get) and whether the kernel
 * may back its malloc'd memory with huge pages (THPeligible in smaps). */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp-huge-pages.h"

static const char *self_path;

/* smaps' THPeligible of the mapping that holds @address: 1, 0, or -1 when
 * not found */
static int
thp_eligible (gconstpointer address)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean inside = FALSE;
  guintptr a = GPOINTER_TO_SIZE (address);

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return -1;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      unsigned long start, end;

      if (sscanf (lines[i], "%lx-%lx ", &start, &end) == 2)
        inside = start <= a && a < end;
      else if (inside && g_str_has_prefix (lines[i], "THPeligible:"))
        return atoi (lines[i] + strlen ("THPeligible:"));
    }
  return -1;
}

static int
probe (char **argv)
{
  const char *tunables;
  char *memory;

  lp_huge_pages_restart (argv);
  tunables = g_getenv ("GLIBC_TUNABLES");
  /* 8 MiB: malloc maps it apart, and madvises it with glibc.malloc.hugetlb=1 */
  memory = malloc (8 << 20);
  memset (memory, 1, 8 << 20);
  printf ("tunables=%s\nthp=%d\nleft=%s\n", tunables != NULL ? tunables : "(none)", thp_eligible (memory),
          g_getenv ("LAPROF_GLIBC_TUNABLES_BEFORE") != NULL ? "yes" : "no");
  free (memory);
  return 0;
}

/* the probe's lines, run with GLIBC_TUNABLES set to @tunables (NULL: unset) */
static GHashTable *
run_probe (const char *tunables)
{
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { self_path, "--probe", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status;

  env = tunables != NULL ? g_environ_setenv (env, "GLIBC_TUNABLES", tunables, TRUE)
                         : g_environ_unsetenv (env, "GLIBC_TUNABLES");
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("GLIBC_TUNABLES=%s: %s", tunables != NULL ? tunables : "(unset)", out);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');

      if (eq != NULL)
        g_hash_table_insert (result, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }
  return result;
}

/* the sanitizers' allocator is not glibc's: its tunables mean nothing there */
static gboolean
glibc_malloc (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return FALSE;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return FALSE;
#else
  return TRUE;
#endif
#else
  return TRUE;
#endif
}

/* the probe's malloc'd memory may be backed by huge pages */
static void
assert_huge_pages (GHashTable *r)
{
  if (!lp_huge_pages_offered () || !glibc_malloc ())
    g_test_skip ("no transparent huge pages here, or not glibc's malloc");
  else
    g_assert_cmpstr (g_hash_table_lookup (r, "thp"), ==, "1");
}

/* started again with huge pages; its children get no GLIBC_TUNABLES, as before */
static void
test_unset (void)
{
  g_autoptr(GHashTable) r = run_probe (NULL);

  g_assert_cmpstr (g_hash_table_lookup (r, "tunables"), ==, "(none)");
  g_assert_cmpstr (g_hash_table_lookup (r, "left"), ==, "no");
  assert_huge_pages (r);
}

/* the user's own tunables kept, for the process and its children */
static void
test_kept (void)
{
  g_autoptr(GHashTable) r = run_probe ("glibc.malloc.arena_max=2");

  g_assert_cmpstr (g_hash_table_lookup (r, "tunables"), ==, "glibc.malloc.arena_max=2");
  g_assert_cmpstr (g_hash_table_lookup (r, "left"), ==, "no");
  assert_huge_pages (r);
}

/* glibc.malloc.hugetlb=0 said by the user: not started again, no huge pages */
static void
test_refused (void)
{
  g_autoptr(GHashTable) r = run_probe ("glibc.malloc.hugetlb=0");

  g_assert_cmpstr (g_hash_table_lookup (r, "tunables"), ==, "glibc.malloc.hugetlb=0");
  g_assert_cmpstr (g_hash_table_lookup (r, "thp"), ==, "0");
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && strcmp (argv[1], "--probe") == 0)
    return probe (argv);

  g_test_init (&argc, &argv, NULL);
  self_path = argv[0];
  g_test_add_func ("/huge-pages/unset", test_unset);
  g_test_add_func ("/huge-pages/kept", test_kept);
  g_test_add_func ("/huge-pages/refused", test_refused);
  return g_test_run ();
}
