/* lp-malloc.c: glibc's malloc tuned for the window: transparent huge pages (a second start), freed memory kept for the next frames.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK's cairo renderer paints each frame into an image of the window's size
 * from malloc, then X shared memory. New memory is touched page by page: the
 * first showing of each view took 800 to 1,600 page faults, and on a virtual
 * machine a fault (the host's too) costs 11-16 µs, so the switch stalled
 * the main loop 20-46 ms (bench-gui-views). With malloc asking for
 * transparent huge pages a fault brings 2 MiB, and with the freed memory
 * kept (glibc gives back all above 6.6 MiB once it has seen 3.3 MiB blocks,
 * and fresh memory is slow to touch again) the same switches stall 6-14 ms
 * in most runs (bench/README.md). glibc reads the huge page tunable only
 * when a program starts, hence the second start; the thresholds are set at
 * run time. */
#include "config.h"

#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include "lp-malloc.h"

#define TUNABLES "GLIBC_TUNABLES"
#define HUGETLB "glibc.malloc.hugetlb"
/* GLIBC_TUNABLES before the second start: "=VALUE", or "-" for none */
#define BEFORE "LAPROF_GLIBC_TUNABLES_BEFORE"

#define KEEP_FREED (64 << 20)
#define MMAP_FROM  (32 << 20)

static void
put_back (const char *before)
{
  if (before[0] == '=')
    g_setenv (TUNABLES, before + 1, TRUE);
  else
    g_unsetenv (TUNABLES);
  g_unsetenv (BEFORE);
}

gboolean
lp_malloc_huge_pages_offered (void)
{
  g_autofree char *enabled = NULL;

  /* "always [madvise] never": malloc's madvise() is heard unless "[never]" */
  return g_file_get_contents ("/sys/kernel/mm/transparent_hugepage/enabled", &enabled, NULL, NULL)
         && strstr (enabled, "[never]") == NULL;
}

/* starts the program again with huge pages, or puts the environment back
 * once started again */
static void
restart_with_huge_pages (char **argv)
{
  const char *before = g_getenv (BEFORE);
  const char *tunables = g_getenv (TUNABLES);
  g_autofree char *saved = NULL;
  g_autofree char *wanted = NULL;

  if (before != NULL)
    {
      /* started again: the environment as it was, for the programs it starts */
      put_back (before);
      return;
    }
  if ((tunables != NULL && strstr (tunables, HUGETLB) != NULL) || !lp_malloc_huge_pages_offered ())
    return;

  saved = tunables != NULL ? g_strconcat ("=", tunables, NULL) : g_strdup ("-");
  wanted = tunables != NULL && tunables[0] != '\0'
           ? g_strconcat (tunables, ":" HUGETLB "=1", NULL)
           : g_strdup (HUGETLB "=1");
  g_setenv (BEFORE, saved, TRUE);
  g_setenv (TUNABLES, wanted, TRUE);
  execv ("/proc/self/exe", argv);
  /* not started again (no /proc): on as it is */
  put_back (saved);
}

void
lp_malloc_tune (char **argv)
{
  const char *tunables;

  g_return_if_fail (argv != NULL && argv[0] != NULL);

  restart_with_huge_pages (argv);
  /* GLIBC_TUNABLES as it was: the user's choice stands */
  tunables = g_getenv (TUNABLES);
  if (tunables == NULL || (strstr (tunables, "glibc.malloc.trim_threshold") == NULL
                           && strstr (tunables, "glibc.malloc.mmap_threshold") == NULL))
    {
      mallopt (M_MMAP_THRESHOLD, MMAP_FROM);
      mallopt (M_TRIM_THRESHOLD, KEEP_FREED);
    }
}
