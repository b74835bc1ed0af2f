/* lp-flame-model.c: the flame graph tree: nodes in one array, built from sorted stacks or, a stack at a time, through a sharded (parent, frame) index.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "lp-collapse.h"
#include "lp-flame-model.h"
#include "lp-hash.h"
#include "lp-mem.h"
#include "lp-slot-space.h"

/* The index from (parent, frame) to a child, for stacks added one at a
 * time, is split into SHARDS open-addressing tables chosen by hash bits.
 * Each doubles on its own, so no insert ever rehashes more than about
 * 1/SHARDS of the nodes: a live view never stops for a whole-table
 * rehash, at any size (one table of 4 million slots took 0.1 s to double).
 * Shards fill at the same pace, so each doubles at a load of its own,
 * from 1/3 to 2/3: their doublings are spread evenly over the growth of
 * the model instead of falling into a few batches together. */
#define SHARD_BITS   10
#define SHARDS       (1u << SHARD_BITS)
#define SHARD_SHIFT  16
#define SHARD_MIN    64

typedef struct
{
  guint64 *slots;   /* the hash << 32 | node index + 1; 0 empty */
  guint32  mask;
  guint32  n;
  guint32  limit;   /* n beyond which it doubles */
} Shard;

struct _LpFlameModel
{
  LpFolded          *names;
  LpFlameModelFlags  flags;

  LpFlameNode       *nodes;
  guint32            n_nodes;
  guint32            cap;
  double            *base;      /* differential only: the A count per node */

  /* NULL until a stack is added one at a time: a model built from a
   * report needs none for drawing */
  Shard             *shards;
  LpSlotSpace       *space;     /* where the shards' slots are */

  guint              max_depth;

  guint32           *ranks;
  guint              n_ranked;

  guint32           *scratch;   /* reversed stack */
  guint              scratch_cap;

  /* the last stack added and its nodes: consecutive stacks share prefixes
   * (sorted reports, call trees), whose nodes need no lookup */
  guint32           *last_frames;
  guint32           *last_nodes;
  guint              last_depth;
  guint              last_cap;
};

static inline guint32
slot_hash (guint32 parent,
           guint32 frame)
{
  return (guint32) lp_hash_finish (lp_hash_mix (LP_HASH_SEED ^ parent, frame));
}

/* A slot holds the node's whole hash beside its index: probing past other
 * keys reads no node (each read a likely cache miss), and a shard doubles
 * from its slots alone, reading no node at all (reading them made the
 * doublings a fifth of the cost of a growing live model). */
#define MAX_NODES ((1u << 26) - 2)

static inline guint64
slot_make (guint32 hash,
           guint32 node)
{
  return ((guint64) hash << 32) | (node + 1);
}

static inline guint32
slot_node (guint64 slot)
{
  return (guint32) slot - 1;
}

static inline guint32
slot_hash_of (guint64 slot)
{
  return (guint32) (slot >> 32);
}

static inline Shard *
shard_of (const LpFlameModel *self,
          guint32             hash)
{
  return &self->shards[(hash >> SHARD_SHIFT) & (SHARDS - 1)];
}

static void
shard_put (Shard   *shard,
           guint32  hash,
           guint32  node)
{
  guint32 h = hash & shard->mask;

  while (shard->slots[h] != 0)
    h = (h + 1) & shard->mask;
  shard->slots[h] = slot_make (hash, node);
  shard->n++;
}

static void
shard_set_limit (const LpFlameModel *self,
                 Shard              *shard)
{
  guint i = (guint) (shard - self->shards);

  shard->limit = (guint32) (((guint64) shard->mask + 1) * (SHARDS + i) / (3 * SHARDS));
}

static guint
shard_bits (const Shard *shard)
{
  return (guint) g_bit_nth_lsf (shard->mask + 1, -1);
}

static void
shard_grow (LpFlameModel *self,
            Shard        *shard)
{
  Shard old = *shard;
  guint i = (guint) (shard - self->shards);

  shard->mask = old.mask * 2 + 1;
  shard_set_limit (self, shard);
  shard->slots = lp_slot_space_take (self->space, shard_bits (shard), i);
  shard->n = 0;
  for (guint32 j = 0; j <= old.mask; j++)
    if (old.slots[j] != 0)
      shard_put (shard, slot_hash_of (old.slots[j]), slot_node (old.slots[j]));
  lp_slot_space_leave (self->space, shard_bits (&old), i);
}

/* The node array takes a fresh huge page at every 65,536th node (2 MiB of
 * nodes), the index one about every 80,000 nodes, when a shard doubles
 * into a chunk that no spare fills: 2 to 4 ms each here, and left to
 * chance two or three fell into the same batch of stacks. So halfway
 * between two of the node array's, the chunks the index will want next
 * (those of the shards nearest to doubling among those whose next chunk
 * is not there yet) are made ready, up to one of fresh pages: the index's
 * fresh pages come then. */
#define PREPARE_EVERY  65536u
#define PREPARE_AT     32768u

static void
index_prepare (LpFlameModel *self)
{
  /* spare chunks moved in cost little: on to the next until one is fresh */
  for (guint k = 0; k < 8; k++)
    {
      guint best = SHARDS, bits;
      guint32 room = G_MAXUINT32;

      for (guint i = 0; i < SHARDS; i++)
        {
          const Shard *shard = &self->shards[i];

          if (shard->limit - shard->n < room && !lp_slot_space_is_ready (self->space, shard_bits (shard) + 1, i))
            {
              room = shard->limit - shard->n;
              best = i;
            }
        }
      if (best == SHARDS)
        return;
      bits = shard_bits (&self->shards[best]) + 1;
      if (lp_slot_space_ready (self->space, bits, best))
        return;
    }
}

/* The index of every node but the root: made when the first stack is added
 * one at a time (at once for an empty model; once, in O(nodes), for one
 * built from a report). */
static void
ensure_index (LpFlameModel *self)
{
  guint32 per_shard = SHARD_MIN;

  if (self->shards != NULL)
    return;
  while ((guint64) per_shard * SHARDS < (guint64) self->n_nodes * 2)
    per_shard *= 2;
  self->shards = g_new (Shard, SHARDS);
  self->space = lp_slot_space_new (SHARDS);
  for (guint i = 0; i < SHARDS; i++)
    {
      self->shards[i].mask = per_shard * 2 - 1;
      self->shards[i].slots = lp_slot_space_take (self->space, shard_bits (&self->shards[i]), i);
      self->shards[i].n = 0;
      shard_set_limit (self, &self->shards[i]);
    }
  for (guint32 i = 1; i < self->n_nodes; i++)
    {
      guint32 hash = slot_hash (self->nodes[i].parent, self->nodes[i].frame);
      Shard *shard = shard_of (self, hash);

      shard_put (shard, hash, i);
      if (shard->n > shard->limit)
        shard_grow (self, shard);
    }
}

static void
reserve_nodes (LpFlameModel *self,
               guint64       want)
{
  guint32 cap;

  if (want <= self->cap)
    return;
  cap = (guint32) MIN (MAX (want, (guint64) self->cap * 2), (guint64) MAX_NODES + 1);
  self->nodes = lp_mem_grow (self->nodes, (gsize) self->cap * sizeof (LpFlameNode),
                             (gsize) cap * sizeof (LpFlameNode));
  if (self->flags & LP_FLAME_MODEL_DIFFERENTIAL)
    self->base = lp_mem_grow (self->base, (gsize) self->cap * sizeof (double), (gsize) cap * sizeof (double));
  self->cap = cap;
}

static guint32
new_node (LpFlameModel *self,
          guint32       parent,
          guint32       frame)
{
  guint32 n;

  reserve_nodes (self, (guint64) self->n_nodes + 1);
  n = self->n_nodes++;
  self->nodes[n] = (LpFlameNode) {
    .frame = frame,
    .parent = parent,
    .first_child = LP_FLAME_NO_NODE,
    .next_sibling = LP_FLAME_NO_NODE,
  };
  if (self->base != NULL)
    self->base[n] = 0;
  if (parent != LP_FLAME_NO_NODE)
    {
      self->nodes[n].next_sibling = self->nodes[parent].first_child;
      self->nodes[parent].first_child = n;
    }
  return n;
}

static LpFlameModel *
model_new (LpFolded          *names,
           LpFlameModelFlags  flags,
           guint64            n_nodes)
{
  LpFlameModel *self;

  self = g_new0 (LpFlameModel, 1);
  self->names = names;
  self->flags = flags;
  /* memory the nodes never reach costs address space, not pages */
  reserve_nodes (self, MAX (n_nodes, 1024));
  new_node (self, LP_FLAME_NO_NODE, LP_FLAME_NO_FRAME);
  return self;
}

LpFlameModel *
lp_flame_model_new (LpFolded          *names,
                    LpFlameModelFlags  flags)
{
  LpFlameModel *self;

  g_return_val_if_fail (names != NULL, NULL);
  self = model_new (names, flags, 0);
  ensure_index (self);
  return self;
}

void
lp_flame_model_free (LpFlameModel *self)
{
  if (self == NULL)
    return;
  lp_slot_space_free (self->space);
  g_free (self->shards);
  lp_mem_free (self->nodes, (gsize) self->cap * sizeof (LpFlameNode));
  lp_mem_free (self->base, (gsize) self->cap * sizeof (double));
  g_free (self->ranks);
  g_free (self->scratch);
  g_free (self->last_frames);
  g_free (self->last_nodes);
  g_free (self);
}

/* node @n, just put in @shard: the shard doubles past its limit, and the
 * index readies its next chunk on the schedule of index_prepare() */
static void
node_indexed (LpFlameModel *self,
              Shard        *shard,
              guint32       n)
{
  if (shard->n > shard->limit)
    shard_grow (self, shard);
  if ((n & (PREPARE_EVERY - 1)) == PREPARE_AT)
    index_prepare (self);
}

static guint32
child_or_new (LpFlameModel *self,
              guint32       parent,
              guint32       frame)
{
  guint32 hash = slot_hash (parent, frame);
  Shard *shard = shard_of (self, hash);
  guint32 h = hash & shard->mask;
  guint32 n;

  for (;;)
    {
      guint64 s = shard->slots[h];
      if (s == 0)
        break;
      if (slot_hash_of (s) == hash)
        {
          const LpFlameNode *node = &self->nodes[slot_node (s)];
          if (node->parent == parent && node->frame == frame)
            return slot_node (s);
        }
      h = (h + 1) & shard->mask;
    }

  /* beyond 67 million nodes, samples stay with the parent (as self) */
  if (self->n_nodes >= MAX_NODES)
    return parent;
  n = new_node (self, parent, frame);
  shard->slots[h] = slot_make (hash, n);
  shard->n++;
  node_indexed (self, shard, n);
  return n;
}

/* A child of a node made in this very stack: it has no children yet, so
 * the index is not searched, only given the new node (a deep stack seen
 * for the first time is mostly such a run). No step waits on a lookup
 * before it, so the slot reads of a run can overlap; alone, this saved
 * a few percent of a deep batch (bench/README.md). */
static guint32
new_child (LpFlameModel *self,
           guint32       parent,
           guint32       frame)
{
  guint32 hash = slot_hash (parent, frame);
  Shard *shard = shard_of (self, hash);
  guint32 n;

  if (self->n_nodes >= MAX_NODES)
    return parent;
  n = new_node (self, parent, frame);
  shard_put (shard, hash, n);
  node_indexed (self, shard, n);
  return n;
}

guint32
lp_flame_model_find_child (const LpFlameModel *self,
                           guint32             parent,
                           guint32             frame)
{
  guint32 hash;
  const Shard *shard;
  guint32 h;

  g_return_val_if_fail (self != NULL, LP_FLAME_NO_NODE);

  if (self->shards == NULL)
    {
      /* no index (a model built from a report): its children */
      if (parent >= self->n_nodes)
        return LP_FLAME_NO_NODE;
      for (guint32 c = self->nodes[parent].first_child; c != LP_FLAME_NO_NODE; c = self->nodes[c].next_sibling)
        if (self->nodes[c].frame == frame)
          return c;
      return LP_FLAME_NO_NODE;
    }

  hash = slot_hash (parent, frame);
  shard = shard_of (self, hash);
  h = hash & shard->mask;
  for (;;)
    {
      guint64 s = shard->slots[h];
      if (s == 0)
        return LP_FLAME_NO_NODE;
      if (slot_hash_of (s) == hash && self->nodes[slot_node (s)].parent == parent &&
          self->nodes[slot_node (s)].frame == frame)
        return slot_node (s);
      h = (h + 1) & shard->mask;
    }
}

void
lp_flame_model_add_stack (LpFlameModel  *self,
                          const guint32 *frames,
                          guint          depth,
                          double         count,
                          double         count2)
{
  double weight = count, base = 0;
  guint32 node = LP_FLAME_ROOT;
  gboolean fresh = FALSE;

  g_return_if_fail (self != NULL);
  g_return_if_fail (frames != NULL || depth == 0);

  if (self->flags & LP_FLAME_MODEL_DIFFERENTIAL)
    {
      weight = count2;
      base = count;
    }
  if ((self->flags & LP_FLAME_MODEL_HIDE_IDLE) && depth > 0 &&
      lp_collapse_is_idle_frame (lp_folded_frame_name (self->names, frames[depth - 1])))
    return;

  if ((self->flags & LP_FLAME_MODEL_REVERSE) && depth > 1)
    {
      if (depth > self->scratch_cap)
        {
          self->scratch_cap = MAX (depth, self->scratch_cap * 2);
          self->scratch = g_renew (guint32, self->scratch, self->scratch_cap);
        }
      for (guint i = 0; i < depth; i++)
        self->scratch[i] = frames[depth - 1 - i];
      frames = self->scratch;
    }

  ensure_index (self);
  if (depth > self->last_cap)
    {
      self->last_cap = MAX (depth, self->last_cap * 2);
      self->last_frames = g_renew (guint32, self->last_frames, self->last_cap);
      self->last_nodes = g_renew (guint32, self->last_nodes, self->last_cap);
    }

  self->nodes[LP_FLAME_ROOT].total += weight;
  if (self->base != NULL)
    self->base[LP_FLAME_ROOT] += base;
  for (guint i = 0; i < depth; i++)
    {
      if (i < self->last_depth && self->last_frames[i] == frames[i])
        node = self->last_nodes[i];
      else
        {
          guint32 had = self->n_nodes;

          /* below a node made in this stack, every node is new */
          node = fresh ? new_child (self, node, frames[i]) : child_or_new (self, node, frames[i]);
          fresh = self->n_nodes != had;
          self->last_frames[i] = frames[i];
          self->last_nodes[i] = node;
          /* past the shared prefix nothing of the last stack applies */
          self->last_depth = i + 1;
        }
      self->nodes[node].total += weight;
      if (self->base != NULL)
        self->base[node] += base;
    }
  self->last_depth = depth;
  self->nodes[node].self += weight;
  if (depth > self->max_depth)
    self->max_depth = depth;
}

void
lp_flame_model_add_folded (LpFlameModel   *self,
                           const LpFolded *folded)
{
  guint n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (folded == self->names);

  n = lp_folded_get_n_stacks (folded);
  for (guint i = 0; i < n; i++)
    {
      LpFoldedStack st;
      lp_folded_get_stack (folded, i, &st);
      lp_flame_model_add_stack (self, st.frames, st.depth, st.count, st.count2);
    }
}

/* Building from a report: each stack as the model merges it (cut for a
 * focus, read backwards for REVERSE), then sorted by its frame ids, so
 * that stacks with a common prefix are neighbours and one pass with the
 * path of open ancestors makes every node, with no lookup at all. */
typedef struct
{
  guint64        key;     /* frame ids from `level` on, packed; 0 past the end */
  const guint32 *frames;  /* the first frame as merged */
  guint32        depth;
  guint32        stack;   /* in the report, for the counts */
} Item;

typedef struct
{
  int    step;            /* +1, or -1 for REVERSE */
  guint  per_key;         /* frames packed in a key */
  guint  bits;            /* per frame */
} SortSpec;

static inline guint32
item_frame (const Item     *item,
            const SortSpec *spec,
            guint           i)
{
  return item->frames[(gssize) i * spec->step];
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  guint64 x = ((const Item *) a)->key, y = ((const Item *) b)->key;
  return x < y ? -1 : x > y;
}

/* Sorts @items by their frames from @level * per_key on: by a key of the
 * next few frames, then each run of equal keys by the frames after them.
 * Equal keys that hold the end of the stacks are equal stacks. */
static void
sort_items (Item           *items,
            gsize           n,
            const SortSpec *spec,
            guint           level)
{
  guint first = level * spec->per_key;
  gboolean more = FALSE;

  if (n < 2)
    return;
  for (gsize i = 0; i < n; i++)
    {
      guint64 key = 0;
      for (guint j = 0; j < spec->per_key; j++)
        {
          guint d = first + j;
          key <<= spec->bits;
          if (d < items[i].depth)
            key |= (guint64) item_frame (&items[i], spec, d) + 1;
        }
      items[i].key = key;
      more |= items[i].depth > first + spec->per_key;
    }
  qsort (items, n, sizeof (Item), compare_items);
  if (!more)
    return;
  for (gsize i = 0; i < n;)
    {
      gsize j = i + 1;
      while (j < n && items[j].key == items[i].key)
        j++;
      if (j - i > 1)
        sort_items (items + i, j - i, spec, level + 1);
      i = j;
    }
}

static gboolean
is_idle_frame (const LpFolded *names,
               guint32         frame)
{
  return lp_collapse_is_idle_frame (lp_folded_frame_name (names, frame));
}

/* the frames of @it shared with the open path (of @open frames) */
static inline guint
shared_prefix (const Item     *it,
               const SortSpec *spec,
               const guint32  *path_frames,
               guint           open)
{
  guint k = 0;

  while (k < open && k < it->depth && path_frames[k] == item_frame (it, spec, k))
    k++;
  return k;
}

/* @items sorted: the path of the last stack kept open, each node made
 * once, with no lookup. Nodes are numbered level by level (breadth
 * first), so that the children of a node are neighbours in memory, as the
 * layout reads them: a first pass counts the nodes of each depth, the
 * second makes them, each depth's in sorted order. FALSE, nothing done,
 * when they would be more than MAX_NODES. */
static gboolean
build_sorted (LpFlameModel   *self,
              const Item     *items,
              gsize           n,
              const SortSpec *spec)
{
  guint max_depth = self->max_depth;
  g_autofree guint32 *path = g_new (guint32, MAX (max_depth, 1));
  g_autofree guint32 *path_frames = g_new (guint32, MAX (max_depth, 1));
  /* last_child[i]: the last child made so far under the node at depth i
   * (the root for 0), to append the next one */
  g_autofree guint32 *last_child = g_new (guint32, max_depth + 1);
  /* next_id[d]: the id of the next node of depth d */
  g_autofree guint64 *next_id = g_new0 (guint64, max_depth + 2);
  gboolean diff = (self->flags & LP_FLAME_MODEL_DIFFERENTIAL) != 0;
  guint open = 0;
  guint64 total;

  for (gsize i = 0; i < n; i++)
    {
      const Item *it = &items[i];
      guint k = shared_prefix (it, spec, path_frames, open);

      for (guint d = k; d < it->depth; d++)
        {
          next_id[d + 2]++;
          path_frames[d] = item_frame (it, spec, d);
        }
      open = it->depth;
    }
  /* next_id[d + 1] counts the nodes of depth d; the root is depth 0 */
  next_id[0] = 0;
  next_id[1] = 1;
  for (guint d = 2; d <= max_depth + 1; d++)
    next_id[d] += next_id[d - 1];
  total = next_id[max_depth + 1];
  if (total > MAX_NODES)
    return FALSE;
  reserve_nodes (self, total);
  self->n_nodes = (guint32) total;

  open = 0;
  last_child[0] = LP_FLAME_NO_NODE;
  for (gsize i = 0; i < n; i++)
    {
      const Item *it = &items[i];
      LpFoldedStack st;
      double weight, base;
      guint k = shared_prefix (it, spec, path_frames, open);
      guint32 node = LP_FLAME_ROOT;

      lp_folded_get_stack (self->names, it->stack, &st);
      weight = diff ? st.count2 : st.count;
      base = diff ? st.count : 0;

      for (guint d = k; d < it->depth; d++)
        {
          guint32 parent = d == 0 ? LP_FLAME_ROOT : path[d - 1];
          guint32 c = (guint32) next_id[d + 1]++;

          self->nodes[c] = (LpFlameNode) {
            .frame = item_frame (it, spec, d),
            .parent = parent,
            .first_child = LP_FLAME_NO_NODE,
            .next_sibling = LP_FLAME_NO_NODE,
          };
          if (self->base != NULL)
            self->base[c] = 0;
          if (last_child[d] == LP_FLAME_NO_NODE)
            self->nodes[parent].first_child = c;
          else
            self->nodes[last_child[d]].next_sibling = c;
          last_child[d] = c;
          last_child[d + 1] = LP_FLAME_NO_NODE;
          path[d] = c;
          path_frames[d] = self->nodes[c].frame;
        }
      open = it->depth;

      self->nodes[LP_FLAME_ROOT].total += weight;
      if (self->base != NULL)
        self->base[LP_FLAME_ROOT] += base;
      for (guint d = 0; d < it->depth; d++)
        {
          node = path[d];
          self->nodes[node].total += weight;
          if (self->base != NULL)
            self->base[node] += base;
        }
      self->nodes[node].self += weight;
    }
  return TRUE;
}

/* a model of the stacks of @folded, each cut at @focus (LP_FLAME_NO_FRAME:
 * whole) */
static LpFlameModel *
model_from_folded (LpFolded          *folded,
                   guint32            focus,
                   LpFlameModelFlags  flags)
{
  LpFlameModel *self;
  guint n = lp_folded_get_n_stacks (folded);
  guint n_frames = lp_folded_get_n_frames (folded);
  gboolean reverse = (flags & LP_FLAME_MODEL_REVERSE) != 0;
  g_autofree Item *items = g_new (Item, MAX (n, 1));
  g_autofree guint8 *idle = NULL;
  SortSpec spec = { reverse ? -1 : 1, 4, 16 };
  guint64 n_frames_total = 0;
  guint max_depth = 0;
  gsize n_items = 0;

  if (flags & LP_FLAME_MODEL_HIDE_IDLE)
    {
      idle = g_new (guint8, MAX (n_frames, 1));
      for (guint f = 0; f < n_frames; f++)
        idle[f] = is_idle_frame (folded, f);
    }

  for (guint i = 0; i < n; i++)
    {
      LpFoldedStack st;
      const guint32 *frames;
      guint depth;

      lp_folded_get_stack (folded, i, &st);
      frames = st.frames;
      depth = st.depth;
      /* a blocked sample, whatever part of it a focus keeps */
      if (idle != NULL && idle[frames[depth - 1]])
        continue;
      if (focus != LP_FLAME_NO_FRAME)
        {
          guint d;

          if (reverse)
            {
              /* callers of the last call: the stack up to it */
              for (d = depth; d > 0 && frames[d - 1] != focus; d--)
                ;
              depth = d;
            }
          else
            {
              for (d = 0; d < depth && frames[d] != focus; d++)
                ;
              frames += d;
              depth -= MIN (d, depth);
            }
          if (depth == 0)
            continue;
        }
      items[n_items++] = (Item) {
        .frames = reverse ? frames + depth - 1 : frames,
        .depth = depth,
        .stack = i,
      };
      n_frames_total += depth;
      max_depth = MAX (max_depth, depth);
    }

  if ((guint64) n_frames + 1 >= G_MAXUINT16)
    {
      spec.per_key = n_frames + 1 < (1u << 21) ? 3 : 2;
      spec.bits = n_frames + 1 < (1u << 21) ? 21 : 32;
    }
  sort_items (items, n_items, &spec, 0);

  self = model_new (folded, flags, n_frames_total + 1);
  self->max_depth = max_depth;
  if (!build_sorted (self, items, n_items, &spec))
    {
      /* more than 67 million nodes: those beyond stay with their parents
       * (as self), as the live model keeps them */
      self->max_depth = 0;
      for (gsize i = 0; i < n_items; i++)
        {
          LpFoldedStack st;
          g_autofree guint32 *frames = g_new (guint32, items[i].depth);

          lp_folded_get_stack (folded, items[i].stack, &st);
          for (guint d = 0; d < items[i].depth; d++)
            frames[d] = item_frame (&items[i], &spec, d);
          /* already reversed: added as it is merged */
          self->flags &= ~(LP_FLAME_MODEL_REVERSE | LP_FLAME_MODEL_HIDE_IDLE);
          lp_flame_model_add_stack (self, frames, items[i].depth, st.count, st.count2);
        }
      self->flags = flags;
      self->last_depth = 0;
    }
  return self;
}

LpFlameModel *
lp_flame_model_new_from_folded (LpFolded          *folded,
                                LpFlameModelFlags  flags)
{
  g_return_val_if_fail (folded != NULL, NULL);
  return model_from_folded (folded, LP_FLAME_NO_FRAME, flags);
}

LpFlameModel *
lp_flame_model_new_focus (LpFolded          *folded,
                          guint32            frame,
                          LpFlameModelFlags  flags)
{
  g_return_val_if_fail (folded != NULL, NULL);
  g_return_val_if_fail (frame != LP_FLAME_NO_FRAME, NULL);
  return model_from_folded (folded, frame, flags);
}

gboolean
lp_flame_model_add_batch (LpFlameModel    *self,
                          const LpFolded  *batch,
                          GError         **error)
{
  g_autofree guint32 *ids = NULL;
  g_autofree guint32 *frames = NULL;
  guint n_frames, n, cap = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);

  /* the batch's frame ids to the aggregate's, each name looked up once */
  n_frames = lp_folded_get_n_frames (batch);
  ids = g_new (guint32, MAX (n_frames, 1));
  for (guint f = 0; f < n_frames; f++)
    ids[f] = lp_folded_intern (self->names, lp_folded_frame_name (batch, f), -1);

  n = lp_folded_get_n_stacks (batch);
  for (guint i = 0; i < n; i++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (batch, i, &st);
      if (st.depth > cap)
        {
          cap = MAX (st.depth, cap * 2);
          frames = g_renew (guint32, frames, cap);
        }
      for (guint d = 0; d < st.depth; d++)
        frames[d] = ids[st.frames[d]];
      if (!lp_folded_add (self->names, frames, st.depth, 0, st.count, st.count2, NULL, error))
        return FALSE;
      lp_flame_model_add_stack (self, frames, st.depth, st.count, st.count2);
    }
  if (lp_folded_is_differential (batch))
    lp_folded_set_differential (self->names, TRUE);
  return TRUE;
}

LpFlameModelFlags
lp_flame_model_get_flags (const LpFlameModel *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->flags;
}

guint
lp_flame_model_get_n_nodes (const LpFlameModel *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_nodes;
}

const LpFlameNode *
lp_flame_model_get_node (const LpFlameModel *self,
                         guint32             node)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (node < self->n_nodes, NULL);
  return &self->nodes[node];
}

double
lp_flame_model_get_base (const LpFlameModel *self,
                         guint32             node)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (node < self->n_nodes, 0);
  return self->base != NULL ? self->base[node] : 0;
}

double
lp_flame_model_get_total (const LpFlameModel *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->nodes[LP_FLAME_ROOT].total;
}

guint
lp_flame_model_get_max_depth (const LpFlameModel *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max_depth;
}

guint
lp_flame_model_get_depth (const LpFlameModel *self,
                          guint32             node)
{
  guint d = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (node < self->n_nodes, 0);
  while (self->nodes[node].parent != LP_FLAME_NO_NODE)
    {
      node = self->nodes[node].parent;
      d++;
    }
  return d;
}

LpFolded *
lp_flame_model_get_names (const LpFlameModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->names;
}

const char *
lp_flame_model_node_name (const LpFlameModel *self,
                          guint32             node)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (node < self->n_nodes, NULL);
  if (self->nodes[node].frame == LP_FLAME_NO_FRAME)
    return "all";
  return lp_folded_frame_name (self->names, self->nodes[node].frame);
}

guint32
lp_flame_model_find_path (const LpFlameModel *self,
                          const char * const *names)
{
  guint32 node = LP_FLAME_ROOT;
  LpIntern *intern;

  g_return_val_if_fail (self != NULL, LP_FLAME_NO_NODE);
  g_return_val_if_fail (names != NULL, LP_FLAME_NO_NODE);

  intern = lp_folded_get_intern (self->names);
  for (guint i = 0; names[i] != NULL && node != LP_FLAME_NO_NODE; i++)
    {
      guint32 frame;
      if (!lp_intern_lookup (intern, names[i], strlen (names[i]), &frame))
        return LP_FLAME_NO_NODE;
      node = lp_flame_model_find_child (self, node, frame);
    }
  return node;
}

static int
compare_frames_by_name (gconstpointer a,
                        gconstpointer b,
                        gpointer      names)
{
  guint32 fa = *(const guint32 *) a, fb = *(const guint32 *) b;
  return strcmp (lp_folded_frame_name (names, fa), lp_folded_frame_name (names, fb));
}

const guint32 *
lp_flame_model_get_name_ranks (LpFlameModel *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, NULL);

  n = lp_folded_get_n_frames (self->names);
  if (self->ranks == NULL || self->n_ranked != n)
    {
      g_autofree guint32 *order = g_new (guint32, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        order[i] = i;
      g_qsort_with_data (order, n, sizeof (guint32), compare_frames_by_name, self->names);
      g_free (self->ranks);
      self->ranks = g_new (guint32, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        self->ranks[order[i]] = i;
      self->n_ranked = n;
    }
  return self->ranks;
}
