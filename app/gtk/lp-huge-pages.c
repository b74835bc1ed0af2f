/* lp-huge-pages.c: the window's process started again with glibc's malloc on transparent huge pages.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK's cairo renderer paints each frame into new memory of the window's
 * size (an image from malloc, then X shared memory). Touched page by page,
 * the first showing of each view took 800 to 1,600 page faults; a page
 * fault costs 11-16 µs on a virtual machine, and the switch stalled the
 * main loop 20-46 ms (bench-gui-views). With glibc's malloc asking for
 * transparent huge pages, a fault brings 2 MiB and the same switches stall
 * 9-17 ms. glibc reads its tunables only when a program starts, hence the
 * second start. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "lp-huge-pages.h"

#define TUNABLES "GLIBC_TUNABLES"
#define HUGETLB "glibc.malloc.hugetlb"
/* GLIBC_TUNABLES before the second start: "=VALUE", or "-" for none */
#define BEFORE "LAPROF_GLIBC_TUNABLES_BEFORE"

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
lp_huge_pages_offered (void)
{
  g_autofree char *enabled = NULL;

  /* "always [madvise] never": malloc's madvise() is heard unless "[never]" */
  return g_file_get_contents ("/sys/kernel/mm/transparent_hugepage/enabled", &enabled, NULL, NULL)
         && strstr (enabled, "[never]") == NULL;
}

void
lp_huge_pages_restart (char **argv)
{
  const char *before = g_getenv (BEFORE);
  const char *tunables = g_getenv (TUNABLES);
  g_autofree char *saved = NULL;
  g_autofree char *wanted = NULL;

  g_return_if_fail (argv != NULL && argv[0] != NULL);

  if (before != NULL)
    {
      /* started again: the environment as it was, for the programs it starts */
      put_back (before);
      return;
    }
  if ((tunables != NULL && strstr (tunables, HUGETLB) != NULL) || !lp_huge_pages_offered ())
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
