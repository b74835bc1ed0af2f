/* lp-malloc.h: glibc's malloc tuned for the window: transparent huge pages (a second start), freed memory kept for the next frames.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* lp_malloc_tune: call first thing in main().
 * - Where the kernel offers transparent huge pages and GLIBC_TUNABLES does
 *   not already say (glibc.malloc.hugetlb=0 keeps the process as it is),
 *   starts the program again (/proc/self/exe, @argv) with
 *   glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES. In the program
 *   started again, puts GLIBC_TUNABLES back as it was, so that the
 *   programs it starts (and profiles) get the environment as it was.
 * - Then keeps up to 64 MiB of freed memory for later allocations, and
 *   serves allocations under 32 MiB from it (mallopt), unless
 *   GLIBC_TUNABLES sets glibc.malloc.trim_threshold or mmap_threshold. */
void     lp_malloc_tune                (char **argv);

/* lp_malloc_huge_pages_offered: whether the kernel backs memory with
 * transparent huge pages where a program asks (madvise) or always. */
gboolean lp_malloc_huge_pages_offered (void);

G_END_DECLS
