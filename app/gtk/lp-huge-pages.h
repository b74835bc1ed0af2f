/* lp-huge-pages.h: the window's process started again with glibc's malloc on transparent huge pages.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* lp_huge_pages_restart: call first thing in main(). Where the kernel
 * offers transparent huge pages and GLIBC_TUNABLES does not already say
 * (glibc.malloc.hugetlb=0 keeps the process as it is), starts the program
 * again (/proc/self/exe, @argv) with glibc.malloc.hugetlb=1 added to
 * GLIBC_TUNABLES; in the program started again, puts GLIBC_TUNABLES back
 * as it was, so that the programs it starts (and profiles) get the
 * environment as it was. Returns when it does not start the program again
 * or when it could not. */
void     lp_huge_pages_restart (char **argv);

/* lp_huge_pages_offered: whether the kernel backs memory with transparent
 * huge pages where a program asks (madvise) or always. */
gboolean lp_huge_pages_offered (void);

G_END_DECLS
