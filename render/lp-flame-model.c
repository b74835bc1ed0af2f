/* lp-flame-model.c: the flame graph tree: nodes in one array, children found by a (parent, frame) hash.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "lp-flame-model.h"
#include "lp-hash.h"

struct _LpFlameModel
{
  LpFolded          *names;
  LpFlameModelFlags  flags;

  LpFlameNode       *nodes;
  guint32            n_nodes;
  guint32            cap;
  double            *base;      /* differential only: the A count per node */

  /* open addressing: node index + 1, 0 empty; the key is read back from
   * the node itself, so a slot costs 4 bytes */
  guint32           *slots;
  guint32            mask;

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

/* A slot holds the node index + 1 in its low bits and the top bits of the
 * hash as a tag, so that probing past other keys rarely reads their nodes
 * (each read a likely cache miss). */
#define SLOT_INDEX_BITS 26
#define SLOT_INDEX_MASK ((1u << SLOT_INDEX_BITS) - 1)
#define MAX_NODES       (SLOT_INDEX_MASK - 1)

static inline guint32
slot_tag (guint32 hash)
{
  return hash & ~SLOT_INDEX_MASK;
}

static void
resize_slots (LpFlameModel *self,
              guint32       new_mask)
{
  guint32 *slots = g_new0 (guint32, (gsize) new_mask + 1);

  for (guint32 i = 1; i < self->n_nodes; i++)
    {
      guint32 hash = slot_hash (self->nodes[i].parent, self->nodes[i].frame);
      guint32 h = hash & new_mask;
      while (slots[h] != 0)
        h = (h + 1) & new_mask;
      slots[h] = (i + 1) | slot_tag (hash);
    }
  g_free (self->slots);
  self->slots = slots;
  self->mask = new_mask;
}

static guint32
new_node (LpFlameModel *self,
          guint32       parent,
          guint32       frame)
{
  guint32 n;

  if (self->n_nodes == self->cap)
    {
      self->cap = self->cap * 2;
      self->nodes = g_renew (LpFlameNode, self->nodes, self->cap);
      if (self->base != NULL)
        self->base = g_renew (double, self->base, self->cap);
    }
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
           guint32            mask)
{
  LpFlameModel *self;

  self = g_new0 (LpFlameModel, 1);
  self->names = names;
  self->flags = flags;
  self->cap = 1024;
  self->nodes = g_new (LpFlameNode, self->cap);
  if (flags & LP_FLAME_MODEL_DIFFERENTIAL)
    self->base = g_new (double, self->cap);
  self->mask = mask;
  self->slots = g_new0 (guint32, (gsize) self->mask + 1);
  new_node (self, LP_FLAME_NO_NODE, LP_FLAME_NO_FRAME);
  return self;
}

/* Room for 2 million nodes before the first rehash, which stops a live
 * view for a while: 16 MB of address space, whose pages the kernel maps
 * only as probes touch them. */
#define LIVE_MASK ((1u << 22) - 1)

/* a table for every frame of @folded's stacks (at most one node each), so
 * that building never rehashes, and at least the live view's room, as
 * stacks may be added later; bounded */
static guint32
mask_for (const LpFolded *folded)
{
  guint64 n_frames = 0;
  guint32 mask = LIVE_MASK;

  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack st;
      lp_folded_get_stack (folded, i, &st);
      n_frames += st.depth;
    }
  n_frames = MIN (n_frames, (guint64) 1 << 25);
  while (mask < n_frames)
    mask = mask * 2 + 1;
  return mask;
}

LpFlameModel *
lp_flame_model_new (LpFolded          *names,
                    LpFlameModelFlags  flags)
{
  g_return_val_if_fail (names != NULL, NULL);
  return model_new (names, flags, LIVE_MASK);
}

void
lp_flame_model_free (LpFlameModel *self)
{
  if (self == NULL)
    return;
  g_free (self->nodes);
  g_free (self->base);
  g_free (self->slots);
  g_free (self->ranks);
  g_free (self->scratch);
  g_free (self->last_frames);
  g_free (self->last_nodes);
  g_free (self);
}

static guint32
child_or_new (LpFlameModel *self,
              guint32       parent,
              guint32       frame)
{
  guint32 hash = slot_hash (parent, frame);
  guint32 tag = slot_tag (hash);
  guint32 h = hash & self->mask;
  guint32 n;

  for (;;)
    {
      guint32 s = self->slots[h];
      if (s == 0)
        break;
      if ((s & ~SLOT_INDEX_MASK) == tag)
        {
          const LpFlameNode *node = &self->nodes[(s & SLOT_INDEX_MASK) - 1];
          if (node->parent == parent && node->frame == frame)
            return (s & SLOT_INDEX_MASK) - 1;
        }
      h = (h + 1) & self->mask;
    }

  /* beyond 67 million nodes, samples stay with the parent (as self) */
  if (self->n_nodes >= MAX_NODES)
    return parent;
  n = new_node (self, parent, frame);
  self->slots[h] = (n + 1) | tag;
  /* keep the load at most one half */
  if ((guint64) self->n_nodes * 2 > self->mask)
    resize_slots (self, self->mask * 2 + 1);
  return n;
}

guint32
lp_flame_model_find_child (const LpFlameModel *self,
                           guint32             parent,
                           guint32             frame)
{
  guint32 h;

  g_return_val_if_fail (self != NULL, LP_FLAME_NO_NODE);

  h = slot_hash (parent, frame) & self->mask;
  for (;;)
    {
      guint32 s = self->slots[h] & SLOT_INDEX_MASK;
      if (s == 0)
        return LP_FLAME_NO_NODE;
      if (self->nodes[s - 1].parent == parent && self->nodes[s - 1].frame == frame)
        return s - 1;
      h = (h + 1) & self->mask;
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

  g_return_if_fail (self != NULL);
  g_return_if_fail (frames != NULL || depth == 0);

  if (self->flags & LP_FLAME_MODEL_DIFFERENTIAL)
    {
      weight = count2;
      base = count;
    }
  if ((self->flags & LP_FLAME_MODEL_HIDE_IDLE) && depth > 0 &&
      strncmp (lp_folded_frame_name (self->names, frames[depth - 1]), "[idle", 5) == 0)
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
          node = child_or_new (self, node, frames[i]);
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

LpFlameModel *
lp_flame_model_new_from_folded (LpFolded          *folded,
                                LpFlameModelFlags  flags)
{
  LpFlameModel *self;

  g_return_val_if_fail (folded != NULL, NULL);

  self = model_new (folded, flags, mask_for (folded));
  lp_flame_model_add_folded (self, folded);
  return self;
}

LpFlameModel *
lp_flame_model_new_focus (LpFolded          *folded,
                          guint32            frame,
                          LpFlameModelFlags  flags)
{
  LpFlameModel *self;
  guint n;

  g_return_val_if_fail (folded != NULL, NULL);

  self = model_new (folded, flags, mask_for (folded));
  n = lp_folded_get_n_stacks (folded);
  for (guint i = 0; i < n; i++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, i, &st);
      if (flags & LP_FLAME_MODEL_REVERSE)
        {
          /* callers of the last call: the stack up to it, leaf side first */
          for (guint d = st.depth; d > 0; d--)
            if (st.frames[d - 1] == frame)
              {
                lp_flame_model_add_stack (self, st.frames, d, st.count, st.count2);
                break;
              }
        }
      else
        {
          for (guint d = 0; d < st.depth; d++)
            if (st.frames[d] == frame)
              {
                lp_flame_model_add_stack (self, st.frames + d, st.depth - d, st.count, st.count2);
                break;
              }
        }
    }
  return self;
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
