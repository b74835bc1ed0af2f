/* lp-mem.c: large arrays that grow without copying, on huge pages where the kernel offers them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "lp-mem.h"

/* below this, the heap: mapping costs a system call and a page at least */
#define MAP_MIN    ((gsize) 256 * 1024)
#define HUGE_PAGE  ((gsize) 2 * 1024 * 1024)

static gsize
map_len (gsize len)
{
  gsize page = 4096;
  return (len + page - 1) & ~(page - 1);
}

/* the whole mapping, not its aligned middle: a mapping with two sets of
 * flags is two, which mremap() will not move as one */
static void
advise_huge (gpointer mem,
             gsize    len)
{
#ifdef MADV_HUGEPAGE
  if (len >= 2 * HUGE_PAGE)
    madvise (mem, len, MADV_HUGEPAGE);
#else
  (void) mem;
  (void) len;
#endif
}

gpointer
lp_mem_grow (gpointer mem,
             gsize    old_len,
             gsize    new_len)
{
  gpointer p;

  if (new_len <= old_len)
    return mem;
  if (new_len < MAP_MIN)
    return g_realloc (mem, new_len);

  if (old_len >= MAP_MIN)
    p = mremap (mem, map_len (old_len), map_len (new_len), MREMAP_MAYMOVE);
  else
    {
      p = mmap (NULL, map_len (new_len), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED && old_len > 0)
        memcpy (p, mem, old_len);
      if (p != MAP_FAILED)
        g_free (mem);
    }
  if (p == MAP_FAILED)
    g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes: %s", G_STRLOC, new_len, g_strerror (errno));
  advise_huge (p, map_len (new_len));
  return p;
}

void
lp_mem_free (gpointer mem,
             gsize    len)
{
  if (mem == NULL)
    return;
  if (len < MAP_MIN)
    g_free (mem);
  else
    munmap (mem, map_len (len));
}
