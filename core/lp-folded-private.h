/* lp-folded-private.h: the aggregate's insides, shared by lp-folded.c and
 * lp-folded-sort.c (the byte order of the written lines); nothing else
 * includes it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-folded.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 offset;  /* into the frame pool */
  guint32 depth;
  guint32 hash;
  double  count;
  double  count2;
} Stack;

#define STACK_SHARD_BITS 8
#define STACK_SHARDS     (1u << STACK_SHARD_BITS)
#define STACK_SHARD_SHIFT 24

typedef struct
{
  guint32 *slots;
  guint32  mask;
  guint32  n;
  guint32  limit;
} StackShard;

struct _LpFolded
{
  LpIntern *intern;

  /* every stack's frames, back to back: one allocation for all stacks */
  guint32  *pool;
  guint64   pool_len;
  guint64   pool_cap;

  Stack    *stacks;
  guint     n_stacks;
  guint     stacks_cap;

  /* stack index + 1, 0 for empty, in STACK_SHARDS tables chosen by hash
   * bits, each doubling on its own at a load of its own (1/4 to 1/2), so
   * that no new stack ever rehashes more than a few thousand others: the
   * live view adds each batch here too (one table of 262,144 stacks took
   * 20 ms to double) */
  StackShard *shards;

  double    total;
  double    total2;
  guint     max_depth;
  gboolean  differential;
};

/* lp_folded_format_stack_counts: the count (and second count of a
 * differential aggregate) of @st as the writer writes them; the length. */
static inline gsize
lp_folded_format_stack_counts (const LpFolded *self,
                               const Stack    *st,
                               char            buf[160])
{
  gsize len = lp_folded_format_count (st->count, buf);

  if (self->differential)
    {
      buf[len++] = ' ';
      len += lp_folded_format_count (st->count2, buf + len);
    }
  return len;
}

/* The order of the written lines (lp-folded-sort.c), found by a second
 * thread for a large aggregate while the writer writes the lines already
 * in place. _lp_folded_sort_order_new() starts it; _lp_folded_sort_order_wait() waits
 * until more than @have lines are in place (when it must wait, until a few
 * thousand more are, or all) and says how many are (all of them,
 * n_stacks, at the end); _lp_folded_sort_order_at() is the index of the
 * stack of line @i, for @i below that; _lp_folded_sort_order_free() waits for
 * the thread and frees everything. */
typedef struct _LpFoldedOrder LpFoldedOrder;

LpFoldedOrder *_lp_folded_sort_order_new  (const LpFolded      *self);
guint          _lp_folded_sort_order_wait (LpFoldedOrder       *o,
                                           guint                have);
guint          _lp_folded_sort_order_at   (const LpFoldedOrder *o,
                                           guint                i);
void           _lp_folded_sort_order_free (LpFoldedOrder       *o);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpFoldedOrder, _lp_folded_sort_order_free)

G_END_DECLS
