/* lp-flame-model.h: the flame graph as a tree of frames, built from folded stacks a batch at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-folded.h"

G_BEGIN_DECLS

/* The root node ("all") is always node 0; it has no frame. */
#define LP_FLAME_ROOT     0u
#define LP_FLAME_NO_NODE  G_MAXUINT32
#define LP_FLAME_NO_FRAME G_MAXUINT32

typedef enum
{
  LP_FLAME_MODEL_DEFAULT      = 0,
  /* leaf-rooted ("bottom-up"): stacks are merged from their last frame */
  LP_FLAME_MODEL_REVERSE      = 1 << 0,
  /* two counts per stack (A, then B): widths from B, the delta B - A kept */
  LP_FLAME_MODEL_DIFFERENTIAL = 1 << 1,
  /* leave out blocked samples: stacks whose last frame is the engine's
   * synthetic "[idle…" frame (lp_collapse_is_idle_frame()), even where a
   * focus keeps only part of the stack */
  LP_FLAME_MODEL_HIDE_IDLE    = 1 << 2,
} LpFlameModelFlags;

typedef struct
{
  guint32 frame;         /* frame id in the names' LpFolded; LP_FLAME_NO_FRAME for the root */
  guint32 parent;        /* LP_FLAME_NO_NODE for the root */
  guint32 first_child;   /* LP_FLAME_NO_NODE when none; children in no given order */
  guint32 next_sibling;
  double  total;         /* samples of this frame and everything above it (the width) */
  double  self;          /* samples where this frame is the last one */
} LpFlameNode;

typedef struct _LpFlameModel LpFlameModel;

/* lp_flame_model_new: an empty model whose frame ids are those of @names
 * (an LpFolded used for its names only; it must outlive the model). Add
 * stacks with lp_flame_model_add_folded() or lp_flame_model_add_stack().
 * Its index of children is split into shards that double one at a time,
 * so that no stack added ever waits for the whole index to be rehashed:
 * a 1,000-stack batch costs about the same at 5 million nodes as at
 * 100,000 (bench/README.md). */
LpFlameModel      *lp_flame_model_new            (LpFolded          *names,
                                                  LpFlameModelFlags  flags) G_GNUC_WARN_UNUSED_RESULT;
void               lp_flame_model_free           (LpFlameModel *self);

/* lp_flame_model_add_stack: adds one stack of frame ids of the names'
 * LpFolded (root first, as in folded text). @count is the sample count,
 * @count2 the second column of differential input (ignored otherwise).
 * Costs O(@depth): the live view adds each batch with this. */
void               lp_flame_model_add_stack      (LpFlameModel  *self,
                                                  const guint32 *frames,
                                                  guint          depth,
                                                  double         count,
                                                  double         count2);

/* lp_flame_model_add_folded: adds every stack of @folded, which must be
 * the model's names LpFolded. */
void               lp_flame_model_add_folded     (LpFlameModel   *self,
                                                  const LpFolded *folded);

/* lp_flame_model_new_from_folded: a model of all of @folded, names from it,
 * built in time linear in its frames: its stacks sorted by frame ids, then
 * one pass that makes each node once, with no lookup. More stacks may be
 * added later, as to any model; the first one added indexes the nodes
 * built so far (once, in proportion to them). */
LpFlameModel      *lp_flame_model_new_from_folded (LpFolded          *folded,
                                                   LpFlameModelFlags  flags) G_GNUC_WARN_UNUSED_RESULT;

/* lp_flame_model_new_focus: a model of the stacks of @folded that hold
 * @frame, each cut to begin at it (its first occurrence from the root), so
 * that every call of @frame is merged under one root: the "focus" view.
 * With LP_FLAME_MODEL_REVERSE, each stack is cut to end at the last
 * occurrence of @frame and merged from there: its callers, bottom-up. */
LpFlameModel      *lp_flame_model_new_focus      (LpFolded          *folded,
                                                  guint32            frame,
                                                  LpFlameModelFlags  flags) G_GNUC_WARN_UNUSED_RESULT;

/* lp_flame_model_add_batch: the live view's update: adds every stack of
 * @batch (a small LpFolded with names of its own, e.g. the folded lines of
 * one batch read from the recorder) to the model's names LpFolded, the
 * aggregate, and to the model. Costs in proportion to @batch only. Fails,
 * changing nothing more, if a count would overflow the aggregate. */
gboolean           lp_flame_model_add_batch      (LpFlameModel    *self,
                                                  const LpFolded  *batch,
                                                  GError         **error);

LpFlameModelFlags  lp_flame_model_get_flags      (const LpFlameModel *self);
guint              lp_flame_model_get_n_nodes    (const LpFlameModel *self);
/* lp_flame_model_get_node: the node @node; valid until the next add. */
const LpFlameNode *lp_flame_model_get_node       (const LpFlameModel *self,
                                                  guint32             node);
/* lp_flame_model_get_base: differential models: the first count (A) of @node
 * and everything above it; 0 otherwise. */
double             lp_flame_model_get_base       (const LpFlameModel *self,
                                                  guint32             node);
double             lp_flame_model_get_total      (const LpFlameModel *self);
guint              lp_flame_model_get_max_depth  (const LpFlameModel *self);
/* lp_flame_model_get_depth: depth of @node, 0 for the root; O(depth). */
guint              lp_flame_model_get_depth      (const LpFlameModel *self,
                                                  guint32             node);
LpFolded          *lp_flame_model_get_names      (const LpFlameModel *self);

/* lp_flame_model_node_name: the frame name of @node ("all" for the root);
 * owned by the model's names. */
const char        *lp_flame_model_node_name      (const LpFlameModel *self,
                                                  guint32             node);

/* lp_flame_model_find_child: the child of @parent with @frame, or
 * LP_FLAME_NO_NODE. */
guint32            lp_flame_model_find_child     (const LpFlameModel *self,
                                                  guint32             parent,
                                                  guint32             frame);

/* lp_flame_model_find_path: the node at the end of the path of names
 * (root first, without "all"), or LP_FLAME_NO_NODE. */
guint32            lp_flame_model_find_path      (const LpFlameModel *self,
                                                  const char * const *names);

/* lp_flame_model_get_name_ranks: for each frame id, its position in byte
 * order of the names (for alphabetical layout); recomputed when frames were
 * added. Owned by the model, valid until the next add. */
const guint32     *lp_flame_model_get_name_ranks (LpFlameModel *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpFlameModel, lp_flame_model_free)

G_END_DECLS
