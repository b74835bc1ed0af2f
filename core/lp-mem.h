/* lp-mem.h: large arrays that grow without copying, on huge pages where the kernel offers them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* lp_mem_grow: the array @mem of @old_len bytes (NULL and 0 for none)
 * grown to @new_len bytes, its contents kept. Arrays of a few hundred KiB
 * or more are mapped memory that mremap() moves without copying, asked to
 * be backed by transparent huge pages: a first touch of a fresh 4 KiB page
 * costs a page fault, which in a virtual machine costs 10 µs or more, so
 * that filling a 120 MB node array took 0.5 s in page faults alone here,
 * 0.02 s on huge pages (bench/README.md); and a realloc() of a heap block
 * copies it. Pages never touched cost no memory. Free with lp_mem_free()
 * and the same length. Aborts when memory runs out, as g_malloc() does. */
gpointer lp_mem_grow (gpointer mem,
                      gsize    old_len,
                      gsize    new_len) G_GNUC_WARN_UNUSED_RESULT;

/* lp_mem_free: frees @mem of @len bytes from lp_mem_grow(). */
void     lp_mem_free (gpointer mem,
                      gsize    len);

G_END_DECLS
