/* lp-slot-space.h: the memory of the live model's index: the slots of its shards, by size, on huge pages, recycled.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* LpSlotSpace: where the @n_shards shards of an index (render/lp-flame-model.c)
 * keep their slots: shard i of 2^bits slots at i << bits in one mapping
 * per size, on huge pages, not a heap block per shard. A 2 MiB chunk that
 * all its shards have left is moved (mremap(), no copy) under shards of a
 * larger size that need one, and cleared there, instead of faulting in a
 * fresh huge page. Private to render/. */
typedef struct _LpSlotSpace LpSlotSpace;

LpSlotSpace *lp_slot_space_new      (guint n_shards);
void         lp_slot_space_free     (LpSlotSpace *space);

/* lp_slot_space_take: the 2^@bits zeroed slots of shard @i (bits >= 7:
 * each size's mapping is 1 MiB or more). */
guint64     *lp_slot_space_take     (LpSlotSpace *space,
                                     guint        bits,
                                     guint        i);

/* lp_slot_space_leave: shard @i no longer uses its slots of 2^@bits. */
void         lp_slot_space_leave    (LpSlotSpace *space,
                                     guint        bits,
                                     guint        i);

/* lp_slot_space_is_ready: whether the pages where shard @i's slots of
 * 2^@bits would be are there (always for a size under 2 MiB in all). */
gboolean     lp_slot_space_is_ready (const LpSlotSpace *space,
                                     guint              bits,
                                     guint              i);

/* lp_slot_space_ready: puts the pages where shard @i's slots of 2^@bits
 * will be: a spare chunk moved in, else fresh ones faulted in now. TRUE
 * when they were fresh. */
gboolean     lp_slot_space_ready    (LpSlotSpace *space,
                                     guint        bits,
                                     guint        i);

G_END_DECLS
