/* test-malloc.c: glibc's malloc tuned for the window: the second start with transparent huge pages, freed memory kept (app/gtk/lp-malloc.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test runs itself as a probe ("--probe") under each environment: the
 * probe calls lp_malloc_tune() as main() does, then prints its
 * GLIBC_TUNABLES (what the programs it starts get), whether the kernel
 * may back its malloc'd memory with huge pages (THPeligible in smaps) and
 * whether that memory, freed, stays in the process. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lp-malloc.h"

static const char *self_path;

/* the whole of /proc/self/@name, read without malloc (which would put
 * memory above the probe's and keep glibc from giving it back) */
static const char *
read_proc (const char *name)
{
  static char text[4 << 20];
  char path[64];
  gsize length = 0;
  ssize_t n;
  int fd;

  g_snprintf (path, sizeof path, "/proc/self/%s", name);
  fd = open (path, O_RDONLY);
  if (fd < 0)
    return "";
  while (length < sizeof text - 1 && (n = read (fd, text + length, sizeof text - 1 - length)) > 0)
    length += n;
  close (fd);
  text[length] = '\0';
  return text;
}

/* smaps' THPeligible of the mapping that holds @address: 1, 0, or -1 when
 * not found */
static int
thp_eligible (gconstpointer address)
{
  guintptr a = GPOINTER_TO_SIZE (address);
  gboolean inside = FALSE;

  for (const char *line = read_proc ("smaps"); *line != '\0'; line = strchr (line, '\n') != NULL ? strchr (line, '\n') + 1 : "")
    {
      unsigned long start, end;

      if (sscanf (line, "%lx-%lx ", &start, &end) == 2)
        inside = start <= a && a < end;
      else if (inside && g_str_has_prefix (line, "THPeligible:"))
        return atoi (line + strlen ("THPeligible:"));
    }
  return -1;
}

/* this process's resident memory, in KiB */
static long
resident_kib (void)
{
  long size = 0, resident = 0;

  sscanf (read_proc ("statm"), "%ld %ld", &size, &resident);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static int
probe (char **argv)
{
  const char *tunables;
  char *memory;
  long resident;
  int thp;

  lp_malloc_tune (argv);
  tunables = g_getenv ("GLIBC_TUNABLES");
  /* stdout's buffer before the memory, not above it: glibc gives back only
   * free memory at the top of the heap */
  printf ("tunables=%s\n", tunables != NULL ? tunables : "(none)");
  /* 8 MiB, madvised with glibc.malloc.hugetlb=1 */
  memory = malloc (8 << 20);
  /* written through volatile: a memset before free() may be left out */
  for (gsize i = 0; i < 8 << 20; i += 4096)
    ((volatile char *) memory)[i] = 1;
  thp = thp_eligible (memory);
  resident = resident_kib ();
  free (memory);
  printf ("thp=%d\nleft=%s\nkept=%s\n", thp, g_getenv ("LAPROF_GLIBC_TUNABLES_BEFORE") != NULL ? "yes" : "no",
          resident - resident_kib () < 4096 ? "yes" : "no");
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
  if (!lp_malloc_huge_pages_offered () || !glibc_malloc ())
    g_test_skip ("no transparent huge pages here, or not glibc's malloc");
  else
    g_assert_cmpstr (g_hash_table_lookup (r, "thp"), ==, "1");
}

/* freed memory stays for the next allocations */
static void
assert_kept (GHashTable *r,
             const char *kept)
{
  if (!glibc_malloc ())
    g_test_skip ("not glibc's malloc");
  else
    g_assert_cmpstr (g_hash_table_lookup (r, "kept"), ==, kept);
}

/* started again with huge pages; its children get no GLIBC_TUNABLES, as before */
static void
test_unset (void)
{
  g_autoptr(GHashTable) r = run_probe (NULL);

  g_assert_cmpstr (g_hash_table_lookup (r, "tunables"), ==, "(none)");
  g_assert_cmpstr (g_hash_table_lookup (r, "left"), ==, "no");
  assert_kept (r, "yes");
  assert_huge_pages (r);
}

/* the user's own tunables kept, for the process and its children */
static void
test_kept (void)
{
  g_autoptr(GHashTable) r = run_probe ("glibc.malloc.arena_max=2");

  g_assert_cmpstr (g_hash_table_lookup (r, "tunables"), ==, "glibc.malloc.arena_max=2");
  g_assert_cmpstr (g_hash_table_lookup (r, "left"), ==, "no");
  assert_kept (r, "yes");
  assert_huge_pages (r);
}

/* glibc.malloc.hugetlb=0 said by the user: not started again, no huge pages */
static void
test_refused (void)
{
  g_autoptr(GHashTable) r = run_probe ("glibc.malloc.hugetlb=0");

  g_assert_cmpstr (g_hash_table_lookup (r, "tunables"), ==, "glibc.malloc.hugetlb=0");
  g_assert_cmpstr (g_hash_table_lookup (r, "thp"), ==, "0");
  assert_kept (r, "yes");
}

/* the user's own trim threshold: freed memory given back as the user said */
static void
test_user_trim (void)
{
  g_autoptr(GHashTable) r = run_probe ("glibc.malloc.trim_threshold=131072");

  g_assert_cmpstr (g_hash_table_lookup (r, "tunables"), ==, "glibc.malloc.trim_threshold=131072");
  assert_kept (r, "no");
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && strcmp (argv[1], "--probe") == 0)
    return probe (argv);

  g_test_init (&argc, &argv, NULL);
  self_path = argv[0];
  g_test_add_func ("/malloc/unset", test_unset);
  g_test_add_func ("/malloc/kept", test_kept);
  g_test_add_func ("/malloc/refused", test_refused);
  g_test_add_func ("/malloc/user-trim", test_user_trim);
  return g_test_run ();
}
