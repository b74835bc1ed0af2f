/* lp-slot-space.c: the memory of the live model's index: the slots of its shards, by size, on huge pages, recycled.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "lp-mem.h"
#include "lp-slot-space.h"

/* A batch of 1,000 deep new stacks probes some 30,000 slots all over the
 * index: on 4 KiB pages of the heap each probe was a TLB miss, and the
 * shards that doubled touched some 150 fresh pages a batch, 10 to 30 µs a
 * fault in a virtual machine. A fresh huge page costs more (2 to 4 ms
 * here: the host hands its 2 MiB out again), hence the recycling. */
#define CHUNK  ((gsize) 2 * 1024 * 1024)
#define SIZES  32

typedef struct
{
  guint64 *slots;
  guint    n_shards;  /* shards whose slots are here */
  guint16 *gone;      /* per chunk, shards that have moved on */
  guint8  *ready;     /* per chunk, its pages there */
} Size;

struct _LpSlotSpace
{
  guint   n_shards;
  Size    size[SIZES];
  char  **spare;      /* chunks all their shards have left, pages there */
  guint   n_spare;
  guint   spare_cap;
};

static gsize
size_bytes (const LpSlotSpace *space,
            guint              bits)
{
  return ((gsize) space->n_shards << bits) * sizeof (guint64);
}

/* shards a chunk holds; more than n_shards for a size whose mapping is
 * less than a chunk, which is never recycled */
static gsize
per_chunk (guint bits)
{
  return CHUNK / (sizeof (guint64) << bits);
}

static gsize
chunk_of (guint bits,
          guint i)
{
  return ((gsize) i << bits) * sizeof (guint64) / CHUNK;
}

LpSlotSpace *
lp_slot_space_new (guint n_shards)
{
  LpSlotSpace *space = g_new0 (LpSlotSpace, 1);

  space->n_shards = n_shards;
  return space;
}

void
lp_slot_space_free (LpSlotSpace *space)
{
  if (space == NULL)
    return;
  /* spare chunks are in these mappings, moved ones too: all go with them */
  for (guint b = 0; b < SIZES; b++)
    if (space->size[b].slots != NULL)
      {
        lp_mem_free (space->size[b].slots, size_bytes (space, b));
        g_free (space->size[b].gone);
        g_free (space->size[b].ready);
      }
  g_free (space->spare);
  g_free (space);
}

gboolean
lp_slot_space_is_ready (const LpSlotSpace *space,
                        guint              bits,
                        guint              i)
{
  const Size *size = &space->size[bits];

  return per_chunk (bits) > space->n_shards || (size->ready != NULL && size->ready[chunk_of (bits, i)]);
}

gboolean
lp_slot_space_ready (LpSlotSpace *space,
                     guint        bits,
                     guint        i)
{
  Size *size = &space->size[bits];
  gsize chunk = chunk_of (bits, i);
  char *to;

  g_assert (bits < SIZES);
  if (size->slots == NULL)
    {
      gsize n_chunks = (size_bytes (space, bits) + CHUNK - 1) / CHUNK;

      /* a fresh mapping (lp_mem_grow() maps 256 KiB or more), whose pages
       * read as zero */
      size->slots = lp_mem_grow (NULL, 0, size_bytes (space, bits));
      size->gone = g_new0 (guint16, n_chunks);
      size->ready = g_new0 (guint8, n_chunks);
    }
  if (lp_slot_space_is_ready (space, bits, i))
    return FALSE;
  size->ready[chunk] = 1;
  to = (char *) size->slots + chunk * CHUNK;
  if (space->n_spare > 0)
    {
      char *from = space->spare[--space->n_spare];

#ifdef MREMAP_DONTUNMAP
      /* the pages move, the place they leave stays mapped (empty): a hole
       * there could be given to another mmap() (malloc's), which freeing
       * the whole mapping would then take away (Linux 5.7 and later) */
      if (mremap (from, CHUNK, CHUNK, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, to) != MAP_FAILED)
        {
          memset (to, 0, CHUNK);
          return FALSE;
        }
#endif
      madvise (from, CHUNK, MADV_DONTNEED);
    }
#ifdef MADV_POPULATE_WRITE
  /* one fault in the kernel, not a trap a page where huge pages are
   * refused; failing (before Linux 5.14), first touches do it */
  madvise (to, CHUNK, MADV_POPULATE_WRITE);
#endif
  return TRUE;
}

guint64 *
lp_slot_space_take (LpSlotSpace *space,
                    guint        bits,
                    guint        i)
{
  lp_slot_space_ready (space, bits, i);
  space->size[bits].n_shards++;
  return space->size[bits].slots + ((gsize) i << bits);
}

void
lp_slot_space_leave (LpSlotSpace *space,
                     guint        bits,
                     guint        i)
{
  Size *size = &space->size[bits];
  gsize chunk = chunk_of (bits, i);

  size->n_shards--;
  if (per_chunk (bits) <= space->n_shards && ++size->gone[chunk] == per_chunk (bits))
    {
      if (space->n_spare == space->spare_cap)
        {
          space->spare_cap = MAX (16, space->spare_cap * 2);
          space->spare = g_renew (char *, space->spare, space->spare_cap);
        }
      space->spare[space->n_spare++] = (char *) size->slots + chunk * CHUNK;
    }
  /* the mapping stays until the space goes: its spare chunks are in it */
}
