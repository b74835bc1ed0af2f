/* lp-collapse.c: the engine's collapse step, shared by the sampler and bench/process-frames.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "lp-collapse.h"

gboolean
lp_collapse_stack_n (LpFolded      *dest,
                     const guint32 *frames,
                     guint          depth,
                     guint          n,
                     guint         *index)
{
  guint64 hash;

  g_return_val_if_fail (dest != NULL, FALSE);
  g_return_val_if_fail (frames != NULL || depth == 0, FALSE);

  hash = lp_folded_hash_stack (frames, depth);
  return lp_folded_add (dest, frames, depth, hash, n, 0, index, NULL);
}

gboolean
lp_collapse_stack (LpFolded      *dest,
                   const guint32 *frames,
                   guint          depth,
                   guint         *index)
{
  return lp_collapse_stack_n (dest, frames, depth, 1, index);
}
