/* lp-mem.c: large arrays that grow without copying, on huge pages where the kernel offers them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
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

/* @len bytes of address space at a 2 MiB boundary, so that huge pages
 * line up with the array and a move keeps them whole; nothing mapped
 * there yet but PROT_NONE */
static gpointer
reserve_aligned (gsize len)
{
  gpointer p = mmap (NULL, len + HUGE_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  uintptr_t start, end;

  if (p == MAP_FAILED)
    return MAP_FAILED;
  start = ((uintptr_t) p + HUGE_PAGE - 1) & ~(uintptr_t) (HUGE_PAGE - 1);
  end = start + len;
  if (start > (uintptr_t) p)
    munmap (p, start - (uintptr_t) p);
  if ((uintptr_t) p + len + HUGE_PAGE > end)
    munmap ((void *) end, (uintptr_t) p + len + HUGE_PAGE - end);
  return (gpointer) start;
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
    {
      /* in place if the next pages are free, else moved whole (page
       * tables, not bytes) to an aligned place */
      p = mremap (mem, map_len (old_len), map_len (new_len), 0);
      if (p == MAP_FAILED)
        {
          gpointer to = reserve_aligned (map_len (new_len));

          p = to == MAP_FAILED ? MAP_FAILED
              : mremap (mem, map_len (old_len), map_len (new_len), MREMAP_MAYMOVE | MREMAP_FIXED, to);
        }
    }
  else
    {
      p = reserve_aligned (map_len (new_len));
      if (p != MAP_FAILED && mprotect (p, map_len (new_len), PROT_READ | PROT_WRITE) != 0)
        {
          munmap (p, map_len (new_len));
          p = MAP_FAILED;
        }
      /* advised before the copy touches it: the pages it fills would
       * otherwise be 4 KiB ones, and so would the rest of their 2 MiB */
      if (p != MAP_FAILED)
        advise_huge (p, map_len (new_len));
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
