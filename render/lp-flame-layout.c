/* lp-flame-layout.c: a flame graph model laid out into rectangles, depth first from the zoom root.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "lp-collapse.h"
#include "lp-flame-layout.h"

typedef struct
{
  LpFlameModel        *model;
  const LpFlameNode   *nodes;
  const guint32       *ranks;
  guint8              *matches;  /* per frame: 0 not known yet, 1 no, 2 yes */
  GRegex              *search;
  const guint8        *marks;    /* per frame, in place of search */
} Ctx;

static gboolean
frame_matches (Ctx     *ctx,
               guint32  frame)
{
  if (frame == LP_FLAME_NO_FRAME)
    return FALSE;
  if (ctx->marks != NULL)
    return ctx->marks[frame] != 0;
  if (ctx->search == NULL)
    return FALSE;
  if (ctx->matches[frame] == 0)
    {
      const char *name = lp_folded_frame_name (lp_flame_model_get_names (ctx->model), frame);
      ctx->matches[frame] = g_regex_match (ctx->search, name, 0, NULL) ? 2 : 1;
    }
  return ctx->matches[frame] == 2;
}

static guint32
rect_flags (Ctx     *ctx,
            guint32  frame)
{
  guint32 flags = 0;

  if (frame == LP_FLAME_NO_FRAME)
    return LP_FLAME_RECT_ROOT;
  if (frame_matches (ctx, frame))
    flags |= LP_FLAME_RECT_MATCH;
  if (lp_collapse_is_idle_frame (lp_folded_frame_name (lp_flame_model_get_names (ctx->model), frame)))
    flags |= LP_FLAME_RECT_IDLE;
  return flags;
}

static void
add_rect (LpFlameLayout *layout,
          Ctx           *ctx,
          guint32        node,
          double         x,
          double         width,
          guint          depth,
          guint32        extra_flags)
{
  const LpFlameNode *n = &ctx->nodes[node];
  LpFlameRect r = {
    .x = x,
    .width = width,
    .depth = depth,
    .frame = n->frame,
    .node = node,
    .flags = rect_flags (ctx, n->frame) | extra_flags,
    .samples = n->total,
    .self_samples = n->self,
  };

  if (lp_flame_model_get_flags (ctx->model) & LP_FLAME_MODEL_DIFFERENTIAL)
    {
      r.delta = n->total - lp_flame_model_get_base (ctx->model, node);
      layout->max_abs_delta = MAX (layout->max_abs_delta, fabs (r.delta));
    }
  if (depth > layout->max_depth)
    layout->max_depth = depth;
  g_array_append_val (layout->rects, r);
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  Ctx *ctx = data;
  guint32 ra = ctx->ranks[ctx->nodes[*(const guint32 *) a].frame];
  guint32 rb = ctx->ranks[ctx->nodes[*(const guint32 *) b].frame];
  return ra < rb ? -1 : ra > rb;
}

static int
compare_by_width (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  Ctx *ctx = data;
  const LpFlameNode *na = &ctx->nodes[*(const guint32 *) a];
  const LpFlameNode *nb = &ctx->nodes[*(const guint32 *) b];

  if (na->total != nb->total)
    return na->total > nb->total ? -1 : 1;
  return compare_by_name (a, b, data);
}

typedef struct
{
  guint32 node;
  guint32 depth;
  double  x;
} Pending;

#define FEW_VISIBLE 8

/* the samples under @zoom in matching frames, a match above a match
 * counted once: a walk of the subtree, depth first */
static double
count_matched_walk (Ctx     *ctx,
                    guint32  zoom)
{
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint32));
  double matched = 0;

  g_array_append_val (todo, zoom);
  while (todo->len > 0)
    {
      guint32 node = g_array_index (todo, guint32, todo->len - 1);
      g_array_set_size (todo, todo->len - 1);

      if (frame_matches (ctx, ctx->nodes[node].frame))
        {
          /* a match above a match is part of it: count once */
          matched += ctx->nodes[node].total;
          continue;
        }
      for (guint32 c = ctx->nodes[node].first_child; c != LP_FLAME_NO_NODE; c = ctx->nodes[c].next_sibling)
        g_array_append_val (todo, c);
    }
  return matched;
}

/* the same in one pass over the nodes in the order of their ids, where
 * every parent comes before its children (the models make them so; the
 * walk is the way when one does not): memory read in order, some ten
 * times faster on a model of millions of nodes */
static double
count_matched (Ctx     *ctx,
               guint32  zoom)
{
  enum { OUTSIDE, INSIDE, COUNTED };   /* under the zoom root; in a match counted */
  guint32 n = lp_flame_model_get_n_nodes (ctx->model);
  g_autofree guint8 *state = g_new0 (guint8, n);
  double matched = 0;

  state[zoom] = frame_matches (ctx, ctx->nodes[zoom].frame) ? COUNTED : INSIDE;
  if (state[zoom] == COUNTED)
    return ctx->nodes[zoom].total;
  for (guint32 i = zoom + 1; i < n; i++)
    {
      guint32 parent = ctx->nodes[i].parent;

      if (parent >= i)
        return count_matched_walk (ctx, zoom);
      if (state[parent] == OUTSIDE)
        continue;
      if (state[parent] == COUNTED)
        state[i] = COUNTED;
      else if (frame_matches (ctx, ctx->nodes[i].frame))
        {
          state[i] = COUNTED;
          matched += ctx->nodes[i].total;
        }
      else
        state[i] = INSIDE;
    }
  return matched;
}

/* place_children: lays out the children of @p that are wide enough, left
 * to right in the order of @compare, and pushes them on @todo (in that order);
 * FALSE if none is wide enough. @children is scratch space. */
static gboolean
place_children (LpFlameLayout             *layout,
                Ctx                       *ctx,
                const LpFlameLayoutParams *params,
                GCompareDataFunc           compare,
                double                     scale,
                const Pending             *p,
                GArray                    *children,
                GArray                    *todo)
{
  guint n_visible = 0;
  double x;

  g_array_set_size (children, 0);
  for (guint32 c = ctx->nodes[p->node].first_child; c != LP_FLAME_NO_NODE; c = ctx->nodes[c].next_sibling)
    {
      if (ctx->nodes[c].total * scale >= params->min_width && ctx->nodes[c].total > 0)
        n_visible++;
      else
        {
          layout->n_hidden++;
          layout->hidden_samples += ctx->nodes[c].total;
        }
      g_array_append_val (children, c);
    }
  /* no child to draw: no order to find */
  if (n_visible == 0)
    return FALSE;

  if (n_visible <= FEW_VISIBLE)
    {
      /* a few wide children among many narrow ones (the usual
       * case): each one's offset is the sum of the children that
       * sort before it, no sort of them all needed */
      guint32 vis[FEW_VISIBLE];
      double before[FEW_VISIBLE] = { 0 };
      guint nv = 0;

      for (guint i = 0; i < children->len; i++)
        {
          guint32 c = g_array_index (children, guint32, i);
          if (ctx->nodes[c].total * scale >= params->min_width && ctx->nodes[c].total > 0)
            vis[nv++] = c;
        }
      g_qsort_with_data (vis, nv, sizeof (guint32), compare, ctx);
      for (guint i = 0; i < children->len; i++)
        {
          guint32 c = g_array_index (children, guint32, i);
          for (guint j = 0; j < nv; j++)
            if (c != vis[j] && compare (&c, &vis[j], ctx) < 0)
              before[j] += ctx->nodes[c].total;
        }
      for (guint j = 0; j < nv; j++)
        {
          double cx = p->x + before[j] * scale;
          double w = ctx->nodes[vis[j]].total * scale;

          add_rect (layout, ctx, vis[j], cx, w, p->depth + 1, 0);
          g_array_append_val (todo, ((Pending) { vis[j], p->depth + 1, cx }));
        }
    }
  else
    {
      g_qsort_with_data (children->data, children->len, sizeof (guint32), compare, ctx);
      x = p->x;
      for (guint i = 0; i < children->len; i++)
        {
          guint32 c = g_array_index (children, guint32, i);
          double w = ctx->nodes[c].total * scale;

          if (w >= params->min_width && ctx->nodes[c].total > 0)
            {
              add_rect (layout, ctx, c, x, w, p->depth + 1, 0);
              g_array_append_val (todo, ((Pending) { c, p->depth + 1, x }));
            }
          x += w;
        }
    }
  return TRUE;
}

LpFlameLayout *
lp_flame_layout_new (LpFlameModel              *model,
                     const LpFlameLayoutParams *params)
{
  g_autoptr(GArray) path = NULL;
  g_autoptr(GArray) todo = NULL;
  g_autoptr(GArray) children = NULL;
  g_autofree guint8 *matches = NULL;
  LpFlameLayout *layout;
  Ctx ctx = { 0 };
  GCompareDataFunc compare;
  guint32 zoom;
  double scale;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (params->zoom < lp_flame_model_get_n_nodes (model), NULL);

  ctx.model = model;
  ctx.nodes = lp_flame_model_get_node (model, LP_FLAME_ROOT);
  if (params->order == LP_FLAME_ORDER_ALPHABETICAL || params->order == LP_FLAME_ORDER_LEFT_HEAVY)
    ctx.ranks = lp_flame_model_get_name_ranks (model);
  ctx.search = params->search;
  ctx.marks = params->marks;
  compare = params->order == LP_FLAME_ORDER_LEFT_HEAVY ? compare_by_width : compare_by_name;
  if (ctx.search != NULL && ctx.marks == NULL)
    {
      matches = g_new0 (guint8, MAX (1, lp_folded_get_n_frames (lp_flame_model_get_names (model))));
      ctx.matches = matches;
    }

  layout = g_new0 (LpFlameLayout, 1);
  layout->rects = g_array_new (FALSE, FALSE, sizeof (LpFlameRect));
  layout->row_height = params->row_height > 0 ? params->row_height : 16;
  layout->width = params->width;
  layout->zoom = zoom = params->zoom;
  layout->icicle = params->icicle;
  layout->total = ctx.nodes[zoom].total;

  /* the zoom root's ancestors, root first, drawn full width */
  path = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 n = ctx.nodes[zoom].parent; n != LP_FLAME_NO_NODE; n = ctx.nodes[n].parent)
    g_array_prepend_val (path, n);
  for (guint i = 0; i < path->len; i++)
    add_rect (layout, &ctx, g_array_index (path, guint32, i), 0, params->width, i,
              LP_FLAME_RECT_ANCESTOR);

  if (layout->total > 0)
    {
      add_rect (layout, &ctx, zoom, 0, params->width, path->len, LP_FLAME_RECT_ZOOM);
      scale = params->width / layout->total;

      todo = g_array_new (FALSE, FALSE, sizeof (Pending));
      children = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_array_append_val (todo, ((Pending) { zoom, path->len, 0 }));
      while (todo->len > 0)
        {
          Pending p = g_array_index (todo, Pending, todo->len - 1);
          guint first_pending;

          g_array_set_size (todo, todo->len - 1);
          first_pending = todo->len;
          if (!place_children (layout, &ctx, params, compare, scale, &p, children, todo))
            continue;
          /* visit left to right: reverse what was just pushed */
          for (guint i = first_pending, j = todo->len - 1; i < j; i++, j--)
            {
              Pending t = g_array_index (todo, Pending, i);
              g_array_index (todo, Pending, i) = g_array_index (todo, Pending, j);
              g_array_index (todo, Pending, j) = t;
            }
        }
    }

  layout->height = (layout->max_depth + 1) * layout->row_height;
  for (guint i = 0; i < layout->rects->len; i++)
    {
      LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      r->y = (params->icicle ? r->depth : layout->max_depth - r->depth) * layout->row_height;
    }

  if ((ctx.search != NULL || ctx.marks != NULL) && layout->total > 0)
    layout->matched = count_matched (&ctx, zoom);

  return layout;
}

void
lp_flame_layout_mark (LpFlameLayout *self,
                      LpFlameModel  *model,
                      GRegex        *search,
                      const guint8  *marks)
{
  g_autofree guint8 *matches = NULL;
  Ctx ctx = { 0 };

  g_return_if_fail (self != NULL);
  g_return_if_fail (model != NULL);

  ctx.model = model;
  ctx.nodes = lp_flame_model_get_node (model, LP_FLAME_ROOT);
  ctx.search = search;
  ctx.marks = marks;
  if (search != NULL && marks == NULL)
    ctx.matches = matches = g_new0 (guint8, MAX (1, lp_folded_get_n_frames (lp_flame_model_get_names (model))));
  for (guint i = 0; i < self->rects->len; i++)
    {
      LpFlameRect *r = &g_array_index (self->rects, LpFlameRect, i);

      r->flags &= ~LP_FLAME_RECT_MATCH;
      if (frame_matches (&ctx, r->frame))
        r->flags |= LP_FLAME_RECT_MATCH;
    }
  self->matched = 0;
  if ((search != NULL || marks != NULL) && self->total > 0)
    self->matched = count_matched (&ctx, self->zoom);
}

void
lp_flame_layout_free (LpFlameLayout *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->rects);
  g_free (self);
}

const LpFlameRect *
lp_flame_layout_hit (const LpFlameLayout *self,
                     double               x,
                     double               y)
{
  double row;
  guint depth;

  g_return_val_if_fail (self != NULL, NULL);

  if (y < 0 || y >= self->height || x < 0)
    return NULL;
  row = floor (y / self->row_height);
  depth = self->icicle ? (guint) row : self->max_depth - (guint) row;
  for (guint i = 0; i < self->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (self->rects, LpFlameRect, i);
      if (r->depth == depth && x >= r->x && x < r->x + r->width)
        return r;
    }
  return NULL;
}
