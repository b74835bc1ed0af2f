/* lp-folded.c: the folded aggregate (stack -> count) and its sorted writer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lp-atomic-file.h"
#include "lp-file.h"
#include "lp-folded.h"
#include "lp-mem.h"

G_DEFINE_QUARK (lp-folded-error-quark, lp_folded_error)

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

LpFolded *
lp_folded_new (void)
{
  LpFolded *self = g_new0 (LpFolded, 1);

  self->intern = lp_intern_new ();
  self->shards = g_new (StackShard, STACK_SHARDS);
  for (guint i = 0; i < STACK_SHARDS; i++)
    {
      self->shards[i].mask = 16 - 1;
      self->shards[i].slots = g_new0 (guint32, 16);
      self->shards[i].n = 0;
      self->shards[i].limit = 16 * (STACK_SHARDS + i) / (4 * STACK_SHARDS);
    }
  return self;
}

void
lp_folded_free (LpFolded *self)
{
  if (self == NULL)
    return;
  lp_intern_free (self->intern);
  lp_mem_free (self->pool, self->pool_cap * sizeof (guint32));
  lp_mem_free (self->stacks, (gsize) self->stacks_cap * sizeof (Stack));
  for (guint i = 0; i < STACK_SHARDS; i++)
    g_free (self->shards[i].slots);
  g_free (self->shards);
  g_free (self);
}

guint32
lp_folded_intern (LpFolded   *self,
                  const char *name,
                  gssize      len)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  return lp_intern_add (self->intern, name, len < 0 ? strlen (name) : (gsize) len);
}

const char *
lp_folded_frame_name (const LpFolded *self,
                      guint32         frame)
{
  return lp_intern_name (self->intern, frame);
}

guint
lp_folded_get_n_frames (const LpFolded *self)
{
  return lp_intern_size (self->intern);
}

LpIntern *
lp_folded_get_intern (LpFolded *self)
{
  return self->intern;
}

static void
grow_shard (LpFolded   *self,
            StackShard *shard)
{
  guint i = (guint) (shard - self->shards);
  guint32 new_mask = (shard->mask << 1) | 1;
  guint32 *slots = g_new0 (guint32, (gsize) new_mask + 1);

  for (guint32 j = 0; j <= shard->mask; j++)
    if (shard->slots[j] != 0)
      {
        guint32 pos = self->stacks[shard->slots[j] - 1].hash & new_mask;

        while (slots[pos] != 0)
          pos = (pos + 1) & new_mask;
        slots[pos] = shard->slots[j];
      }
  g_free (shard->slots);
  shard->slots = slots;
  shard->mask = new_mask;
  shard->limit = (guint32) (((guint64) new_mask + 1) * (STACK_SHARDS + i) / (4 * STACK_SHARDS));
}

/* TRUE if @total + @count stays exact; asked before adding, since the sum
 * itself would already be rounded */
static gboolean
sum_ok (double total,
        double count)
{
  return count >= 0 && count <= LP_FOLDED_MAX_COUNT - total;
}

gboolean
lp_folded_add (LpFolded      *self,
               const guint32 *frames,
               guint          depth,
               guint64        hash64,
               double         count,
               double         count2,
               guint         *index,
               GError       **error)
{
  guint32 hash;
  guint32 pos;
  StackShard *shard;
  Stack *st;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (depth > 0, FALSE);
  g_return_val_if_fail (frames != NULL, FALSE);

  if (hash64 == 0)
    hash64 = lp_folded_hash_stack (frames, depth);
  hash = (guint32) lp_hash_finish (hash64 ^ depth);

  if (!sum_ok (self->total, count) || !sum_ok (self->total2, count2))
    {
      g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_OVERFLOW,
                   _("The total count would exceed %.0f, beyond exact counting"),
                   LP_FOLDED_MAX_COUNT);
      return FALSE;
    }

  shard = &self->shards[(hash >> STACK_SHARD_SHIFT) & (STACK_SHARDS - 1)];
  pos = hash & shard->mask;
  for (;;)
    {
      guint32 s = shard->slots[pos];

      if (s == 0)
        break;
      st = &self->stacks[s - 1];
      if (st->hash == hash && st->depth == depth &&
          memcmp (self->pool + st->offset, frames, depth * sizeof (guint32)) == 0)
        {
          st->count += count;
          st->count2 += count2;
          self->total += count;
          self->total2 += count2;
          if (index != NULL)
            *index = s - 1;
          return TRUE;
        }
      pos = (pos + 1) & shard->mask;
    }

  if (self->n_stacks == G_MAXUINT32 - 1)
    {
      g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_OVERFLOW,
                   _("Too many distinct stacks"));
      return FALSE;
    }

  if (self->pool_len + depth > self->pool_cap)
    {
      guint64 cap = MAX (self->pool_cap * 2, self->pool_len + depth + 4096);

      self->pool = lp_mem_grow (self->pool, self->pool_cap * sizeof (guint32), cap * sizeof (guint32));
      self->pool_cap = cap;
    }
  if (self->n_stacks == self->stacks_cap)
    {
      guint cap = MAX (self->stacks_cap * 2, 1024);

      self->stacks = lp_mem_grow (self->stacks, (gsize) self->stacks_cap * sizeof (Stack), (gsize) cap * sizeof (Stack));
      self->stacks_cap = cap;
    }

  memcpy (self->pool + self->pool_len, frames, depth * sizeof (guint32));
  st = &self->stacks[self->n_stacks];
  st->offset = self->pool_len;
  st->depth = depth;
  st->hash = hash;
  st->count = count;
  st->count2 = count2;
  self->pool_len += depth;
  shard->slots[pos] = ++self->n_stacks;
  shard->n++;
  self->total += count;
  self->total2 += count2;
  self->max_depth = MAX (self->max_depth, depth);

  if (shard->n > shard->limit)
    grow_shard (self, shard);

  if (index != NULL)
    *index = self->n_stacks - 1;
  return TRUE;
}

gboolean
lp_folded_add_names (LpFolded           *self,
                     const char * const *names,
                     double              count,
                     GError            **error)
{
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; names[i] != NULL; i++)
    {
      guint32 id = lp_folded_intern (self, names[i], -1);
      g_array_append_val (frames, id);
    }
  g_return_val_if_fail (frames->len > 0, FALSE);

  return lp_folded_add (self, (const guint32 *) (gpointer) frames->data, frames->len,
                        0, count, 0, NULL, error);
}

gboolean
lp_folded_merge (LpFolded       *self,
                 const LpFolded *src,
                 GError        **error)
{
  g_autofree guint32 *map = NULL;
  g_autofree guint32 *buf = NULL;
  guint n_frames;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (src != NULL, FALSE);

  if (!sum_ok (self->total, src->total) || !sum_ok (self->total2, src->total2))
    {
      g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_OVERFLOW,
                   _("The merged total would exceed %.0f, beyond exact counting"),
                   LP_FOLDED_MAX_COUNT);
      return FALSE;
    }

  /* translate the source's frame ids once, not once per stack */
  n_frames = lp_intern_size (src->intern);
  map = g_new (guint32, MAX (n_frames, 1));
  for (guint i = 0; i < n_frames; i++)
    map[i] = lp_intern_add (self->intern, lp_intern_name (src->intern, i),
                            lp_intern_name_len (src->intern, i));

  buf = g_new (guint32, MAX (src->max_depth, 1));
  for (guint i = 0; i < src->n_stacks; i++)
    {
      const Stack *st = &src->stacks[i];

      for (guint d = 0; d < st->depth; d++)
        buf[d] = map[src->pool[st->offset + d]];
      if (!lp_folded_add (self, buf, st->depth, 0, st->count, st->count2, NULL, error))
        return FALSE;
    }

  self->differential |= src->differential;
  return TRUE;
}

guint
lp_folded_get_n_stacks (const LpFolded *self)
{
  return self->n_stacks;
}

void
lp_folded_get_stack (const LpFolded *self,
                     guint           index,
                     LpFoldedStack  *stack)
{
  const Stack *st;

  g_return_if_fail (index < self->n_stacks);

  st = &self->stacks[index];
  stack->frames = self->pool + st->offset;
  stack->depth = st->depth;
  stack->count = st->count;
  stack->count2 = st->count2;
}

double
lp_folded_get_total (const LpFolded *self)
{
  return self->total;
}

double
lp_folded_get_total2 (const LpFolded *self)
{
  return self->total2;
}

guint
lp_folded_get_max_depth (const LpFolded *self)
{
  return self->max_depth;
}

gboolean
lp_folded_is_differential (const LpFolded *self)
{
  return self->differential;
}

void
lp_folded_set_differential (LpFolded *self,
                            gboolean  differential)
{
  self->differential = !!differential;
}

gsize
lp_folded_format_count (double count,
                        char   buf[64])
{
  if (count == floor (count) && fabs (count) <= LP_FOLDED_MAX_COUNT)
    {
      /* the common case: an integer, written by hand for speed */
      guint64 v = (guint64) fabs (count);
      char tmp[24];
      gsize n = 0, len = 0;

      do
        {
          tmp[n++] = (char) ('0' + v % 10);
          v /= 10;
        }
      while (v > 0);
      if (count < 0)
        buf[len++] = '-';
      while (n > 0)
        buf[len++] = tmp[--n];
      buf[len] = '\0';
      return len;
    }

  /* the shortest %g that reads back exactly; no exponents, which
   * flamegraph.pl would not read */
  for (int prec = 15; prec <= 17; prec++)
    {
      g_snprintf (buf, 64, "%.*g", prec, count);
      if (strchr (buf, 'e') != NULL)
        break;
      if (g_ascii_strtod (buf, NULL) == count)
        return strlen (buf);
    }
  g_snprintf (buf, 64, "%.20f", count);
  {
    gsize len = strlen (buf);
    while (len > 1 && buf[len - 1] == '0')
      buf[--len] = '\0';
    if (buf[len - 1] == '.')
      buf[--len] = '\0';
    return len;
  }
}

static gsize
format_counts (const LpFolded *self,
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

/* A cursor over the bytes of a stack's output line, from a given frame on;
 * the comparison walks it only where one name is a prefix of another. */
typedef struct
{
  const LpFolded *folded;
  const Stack    *stack;
  guint           frame;
  gsize           pos;
  gboolean        in_counts;
  char            counts[160];
  gsize           counts_len;
} Cursor;

static void
cursor_init (Cursor         *c,
             const LpFolded *folded,
             const Stack    *stack,
             guint           frame)
{
  c->folded = folded;
  c->stack = stack;
  c->in_counts = FALSE;
  if (frame == 0)
    {
      c->frame = 0;
      c->pos = 0;
      return;
    }
  /* Frames 0 .. frame-1 are the same in both stacks: start at the end of
   * the last of them, so that the separator that follows (';' if this
   * stack goes on, ' ' before the counts if it ends) is compared too. */
  c->frame = MIN (frame, stack->depth) - 1;
  c->pos = lp_intern_name_len (folded->intern, folded->pool[stack->offset + c->frame]);
}

/* next byte 0..255, or -1 at the end of the line */
static int
cursor_next (Cursor *c)
{
  if (c->in_counts)
    {
      if (c->pos < c->counts_len)
        return (guchar) c->counts[c->pos++];
      return -1;
    }
  if (c->frame < c->stack->depth)
    {
      guint32 id = c->folded->pool[c->stack->offset + c->frame];
      gsize len = lp_intern_name_len (c->folded->intern, id);

      if (c->pos < len)
        return (guchar) lp_intern_name (c->folded->intern, id)[c->pos++];
      c->frame++;
      c->pos = 0;
      if (c->frame < c->stack->depth)
        return ';';
    }
  c->in_counts = TRUE;
  c->counts_len = format_counts (c->folded, c->stack, c->counts);
  c->pos = 0;
  return ' ';
}

typedef struct
{
  const LpFolded *folded;
  guint32        *rank;       /* frame id -> position of its name in byte order */
  guint8         *is_prefix;  /* frame id -> its name begins some other name */
} SortContext;

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const LpIntern *intern = user_data;
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  gsize lx = lp_intern_name_len (intern, x), ly = lp_intern_name_len (intern, y);
  int r = memcmp (lp_intern_name (intern, x), lp_intern_name (intern, y), MIN (lx, ly));

  if (r != 0)
    return r;
  return lx < ly ? -1 : lx > ly;
}

static int
compare_stacks (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const SortContext *ctx = user_data;
  const LpFolded *self = ctx->folded;
  const Stack *sa = &self->stacks[*(const guint *) a];
  const Stack *sb = &self->stacks[*(const guint *) b];
  const guint32 *fa = self->pool + sa->offset;
  const guint32 *fb = self->pool + sb->offset;
  guint min_depth = MIN (sa->depth, sb->depth);
  guint i = 0;
  Cursor ca, cb;

  while (i < min_depth && fa[i] == fb[i])
    i++;

  /* two different names neither of which begins the other: their byte
   * order decides, and it is known from the ranks */
  if (i < min_depth && !ctx->is_prefix[fa[i]] && !ctx->is_prefix[fb[i]])
    return ctx->rank[fa[i]] < ctx->rank[fb[i]] ? -1 : 1;

  /* a name that begins the other, or a stack that ends here: compare the
   * bytes that follow, separators and counts included */
  cursor_init (&ca, self, sa, i);
  cursor_init (&cb, self, sb, i);
  for (;;)
    {
      int x = cursor_next (&ca);
      int y = cursor_next (&cb);

      if (x != y)
        return x < y ? -1 : 1;
      if (x < 0)
        return 0;
    }
}

/* Tokens: a frame's name with the byte that follows it in a line, ';' if
 * the stack goes on, ' ' (before the count) if it ends there. Two lines
 * that agree up to some frame are ordered by the first tokens in which
 * they differ, since names hold no ';' and, unless a name followed by a
 * blank begins another name ("f" and "f x"), no token begins another. */
#define TOKEN(frame, goes_on) (((frame) << 1) | ((goes_on) ? 1u : 0u))

typedef struct
{
  const LpIntern *intern;
  gboolean        ambiguous;   /* some token begins another */
} TokenContext;

static int
compare_tokens (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  TokenContext *ctx = user_data;
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  const char *nx = lp_intern_name (ctx->intern, x >> 1), *ny = lp_intern_name (ctx->intern, y >> 1);
  gsize lx = lp_intern_name_len (ctx->intern, x >> 1), ly = lp_intern_name_len (ctx->intern, y >> 1);
  guchar sx = (x & 1) ? ';' : ' ', sy = (y & 1) ? ';' : ' ';
  int r = memcmp (nx, ny, MIN (lx, ly));
  guchar cx, cy;

  if (r != 0)
    return r;
  if (lx == ly)
    return sx == sy ? 0 : sx < sy ? -1 : 1;
  /* one name begins the other: the shorter one's separator against the
   * longer one's next byte */
  cx = lx < ly ? sx : (guchar) nx[ly];
  cy = lx < ly ? (guchar) ny[lx] : sy;
  if (cx != cy)
    return cx < cy ? -1 : 1;
  /* "f " (f ends the stack) begins "f x": the count, which starts with a
   * digit, meets the longer token's next byte; only a digit there leaves
   * the order to the counts */
  {
    gboolean x_shorter = lx < ly;
    const char *longer = x_shorter ? ny : nx;
    gsize ls = MIN (lx, ly), ll = MAX (lx, ly);
    guchar next = ls + 1 < ll ? (guchar) longer[ls + 1] : (x_shorter ? sy : sx);

    if (g_ascii_isdigit (next))
      {
        ctx->ambiguous = TRUE;
        return x_shorter ? -1 : 1;
      }
    /* the shorter token's line is first when its digit is below `next` */
    if (next > '9')
      return x_shorter ? -1 : 1;
    return x_shorter ? 1 : -1;
  }
}

typedef struct
{
  guint64 key;     /* the ranks of the first tokens, packed */
  guint   index;
} Keyed;

typedef struct
{
  const LpFolded *folded;
  const guint32  *token_rank;
} KeyedContext;

static int
compare_keyed (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const KeyedContext *ctx = user_data;
  const Keyed *ka = a, *kb = b;
  const Stack *sa, *sb;
  const guint32 *fa, *fb;
  guint min_depth, i = 0;

  if (ka->key != kb->key)
    return ka->key < kb->key ? -1 : 1;
  sa = &ctx->folded->stacks[ka->index];
  sb = &ctx->folded->stacks[kb->index];
  fa = ctx->folded->pool + sa->offset;
  fb = ctx->folded->pool + sb->offset;
  min_depth = MIN (sa->depth, sb->depth);
  while (i < min_depth && fa[i] == fb[i] && (i + 1 < sa->depth) == (i + 1 < sb->depth))
    i++;
  /* distinct stacks differ in a token */
  g_assert (i < min_depth);
  {
    guint32 ra = ctx->token_rank[TOKEN (fa[i], i + 1 < sa->depth)];
    guint32 rb = ctx->token_rank[TOKEN (fb[i], i + 1 < sb->depth)];
    return ra < rb ? -1 : ra > rb;
  }
}

/* byte order of the lines, from token ranks: one key compare for most
 * pairs, no byte of a name read; FALSE (nothing done) when some token
 * begins another */
static gboolean
sort_by_tokens (const LpFolded *self,
                guint          *order)
{
  guint n_frames = lp_intern_size (self->intern);
  guint n_tokens = 2 * n_frames;
  g_autofree guint32 *tokens = g_new (guint32, MAX (n_tokens, 1));
  g_autofree guint32 *token_rank = g_new (guint32, MAX (n_tokens, 1));
  g_autofree Keyed *keyed = NULL;
  TokenContext tctx = { self->intern, FALSE };
  KeyedContext kctx = { self, token_rank };
  guint per_key, bits;

  for (guint i = 0; i < n_tokens; i++)
    tokens[i] = i;
  g_qsort_with_data (tokens, n_tokens, sizeof (guint32), compare_tokens, &tctx);
  if (tctx.ambiguous)
    return FALSE;
  for (guint i = 0; i < n_tokens; i++)
    token_rank[tokens[i]] = i;

  if (n_tokens < G_MAXUINT16)
    per_key = 4, bits = 16;
  else if (n_tokens < (1u << 21) - 1)
    per_key = 3, bits = 21;
  else
    per_key = 2, bits = 32;

  keyed = g_new (Keyed, MAX (self->n_stacks, 1));
  for (guint i = 0; i < self->n_stacks; i++)
    {
      const Stack *st = &self->stacks[i];
      const guint32 *f = self->pool + st->offset;
      guint64 key = 0;

      for (guint j = 0; j < per_key; j++)
        {
          key <<= bits;
          if (j < st->depth)
            key |= (guint64) token_rank[TOKEN (f[j], j + 1 < st->depth)] + 1;
        }
      keyed[i].key = key;
      keyed[i].index = i;
    }
  g_qsort_with_data (keyed, self->n_stacks, sizeof (Keyed), compare_keyed, &kctx);
  for (guint i = 0; i < self->n_stacks; i++)
    order[i] = keyed[i].index;
  return TRUE;
}

guint *
lp_folded_sorted (const LpFolded *self)
{
  guint n_frames = lp_intern_size (self->intern);
  g_autofree guint32 *by_name = NULL;
  g_autofree guint32 *rank = NULL;
  g_autofree guint8 *is_prefix = NULL;
  guint *order = g_new (guint, MAX (self->n_stacks, 1));
  SortContext ctx;

  if (sort_by_tokens (self, order))
    return order;

  /* names such as "f" and "f x": compare the bytes where needed */
  by_name = g_new (guint32, MAX (n_frames, 1));
  rank = g_new (guint32, MAX (n_frames, 1));
  is_prefix = g_new0 (guint8, MAX (n_frames, 1));
  ctx = (SortContext) { self, rank, is_prefix };
  for (guint i = 0; i < n_frames; i++)
    by_name[i] = i;
  g_qsort_with_data (by_name, n_frames, sizeof (guint32), compare_names, self->intern);
  for (guint i = 0; i < n_frames; i++)
    {
      rank[by_name[i]] = i;
      /* in byte order, a name that begins any other begins the next one */
      if (i + 1 < n_frames)
        {
          gsize len = lp_intern_name_len (self->intern, by_name[i]);
          gsize next_len = lp_intern_name_len (self->intern, by_name[i + 1]);

          if (len <= next_len &&
              memcmp (lp_intern_name (self->intern, by_name[i]),
                      lp_intern_name (self->intern, by_name[i + 1]), len) == 0)
            is_prefix[by_name[i]] = TRUE;
        }
    }

  for (guint i = 0; i < self->n_stacks; i++)
    order[i] = i;
  g_qsort_with_data (order, self->n_stacks, sizeof (guint), compare_stacks, &ctx);
  return order;
}

#define WRITE_BUFFER_SIZE (256 * 1024)

gboolean
lp_folded_write (const LpFolded     *self,
                 LpFoldedWriteFunc   func,
                 gpointer            user_data,
                 GError            **error)
{
  g_autofree guint *order = NULL;
  g_autofree char *buf = NULL;
  g_autofree const char **names = NULL;
  g_autofree gsize *lens = NULL;
  guint n_frames;
  gsize len = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  order = lp_folded_sorted (self);
  buf = g_malloc (WRITE_BUFFER_SIZE);
  /* each name looked up once, not once per frame written */
  n_frames = lp_intern_size (self->intern);
  names = g_new (const char *, MAX (n_frames, 1));
  lens = g_new (gsize, MAX (n_frames, 1));
  for (guint f = 0; f < n_frames; f++)
    {
      names[f] = lp_intern_name (self->intern, f);
      lens[f] = lp_intern_name_len (self->intern, f);
    }

  for (guint i = 0; i < self->n_stacks; i++)
    {
      const Stack *st = &self->stacks[order[i]];

      for (guint d = 0; d < st->depth; d++)
        {
          guint32 id = self->pool[st->offset + d];
          const char *name = names[id];
          gsize nlen = lens[id];

          /* +1 for the separator; +160 keeps room for the counts */
          if (len + nlen + 1 + 160 > WRITE_BUFFER_SIZE)
            {
              if (!func (buf, len, user_data, error))
                return FALSE;
              len = 0;
            }
          if (nlen + 1 + 160 > WRITE_BUFFER_SIZE)
            {
              /* a name larger than the buffer goes out on its own */
              if (!func (name, nlen, user_data, error))
                return FALSE;
            }
          else
            {
              memcpy (buf + len, name, nlen);
              len += nlen;
            }
          buf[len++] = d + 1 < st->depth ? ';' : ' ';
        }
      len += format_counts (self, st, buf + len);
      buf[len++] = '\n';
    }

  if (len > 0 && !func (buf, len, user_data, error))
    return FALSE;
  return TRUE;
}

typedef struct
{
  int         fd;
  const char *what;
} FdTarget;

static gboolean
write_to_fd (const char  *data,
             gsize        len,
             gpointer     user_data,
             GError     **error)
{
  FdTarget *t = user_data;
  return lp_file_write_all (t->fd, data, len, t->what, error);
}

gboolean
lp_folded_write_fd (const LpFolded *self,
                    int             fd,
                    GError        **error)
{
  FdTarget t = { fd, fd == 1 ? _("standard output") : _("the output file") };
  return lp_folded_write (self, write_to_fd, &t, error);
}

static gboolean
write_to_byte_array (const char  *data,
                     gsize        len,
                     gpointer     user_data,
                     GError     **error)
{
  (void) error;
  g_byte_array_append (user_data, (const guint8 *) data, len);
  return TRUE;
}

GBytes *
lp_folded_to_bytes (const LpFolded *self)
{
  GByteArray *arr = g_byte_array_new ();

  /* writing to memory cannot fail */
  lp_folded_write (self, write_to_byte_array, arr, NULL);
  return g_byte_array_free_to_bytes (arr);
}

gboolean
lp_folded_save (const LpFolded *self,
                const char     *path,
                GError        **error)
{
  LpAtomicFile *file;
  FdTarget t;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = lp_atomic_file_open (path, error);
  if (file == NULL)
    return FALSE;
  t.fd = lp_atomic_file_get_fd (file);
  t.what = path;
  if (!lp_folded_write (self, write_to_fd, &t, error))
    {
      lp_atomic_file_abort (file);
      return FALSE;
    }
  return lp_atomic_file_commit (file, error);
}
