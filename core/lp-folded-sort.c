/* lp-folded-sort.c: the order of the written report: lines in byte order
 * (as LC_ALL=C sort), found from the ranks of the frame names.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-folded-private.h"

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
  c->counts_len = lp_folded_format_stack_counts (c->folded, c->stack, c->counts);
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
  guint64 key;     /* the ranks of some tokens, packed */
  guint   index;
} Keyed;

/* Keys of the tokens of a stack from @first on (`per_key` of them), each
 * its rank + 1, 0 where the stack has ended. */
typedef struct
{
  const LpFolded *folded;
  const guint32  *token_rank;
  guint           per_key;
  guint           bits;
} KeyMaker;

static inline guint64
make_key (const KeyMaker *km,
          guint           index,
          guint           first)
{
  const Stack *st = &km->folded->stacks[index];
  const guint32 *f = km->folded->pool + st->offset;
  guint64 key = 0;

  for (guint j = first; j < first + km->per_key; j++)
    {
      key <<= km->bits;
      if (j < st->depth)
        key |= (guint64) km->token_rank[TOKEN (f[j], j + 1 < st->depth)] + 1;
    }
  return key;
}

/* Sorts @a[0..@n) by key: insertion for a few, else least significant
 * byte first, 8 bits a pass, passes in which all keys agree skipped;
 * @tmp holds @n. Stable, but no two stacks of a group share a key
 * forever (distinct stacks differ in a token). */
static void
sort_keys (Keyed *a,
           Keyed *tmp,
           gsize  n)
{
  gsize counts[8][256];
  Keyed *from = a, *to = tmp;

  if (n < 48)
    {
      for (gsize i = 1; i < n; i++)
        {
          Keyed k = a[i];
          gsize j = i;

          for (; j > 0 && a[j - 1].key > k.key; j--)
            a[j] = a[j - 1];
          a[j] = k;
        }
      return;
    }

  memset (counts, 0, sizeof counts);
  for (gsize i = 0; i < n; i++)
    for (guint b = 0; b < 8; b++)
      counts[b][(a[i].key >> (8 * b)) & 0xff]++;
  for (guint b = 0; b < 8; b++)
    {
      gsize sum = 0;
      Keyed *swap;

      if (counts[b][(a[0].key >> (8 * b)) & 0xff] == n)
        continue;
      for (guint v = 0; v < 256; v++)
        {
          gsize c = counts[b][v];
          counts[b][v] = sum;
          sum += c;
        }
      for (gsize i = 0; i < n; i++)
        to[counts[b][(from[i].key >> (8 * b)) & 0xff]++] = from[i];
      swap = from, from = to, to = swap;
    }
  if (from != a)
    memcpy (a, from, n * sizeof (Keyed));
}

/* the order where some token begins another (names such as "f" and
 * "f x"): the bytes compared where needed */
static guint *
sort_by_bytes (const LpFolded *self)
{
  guint n_frames = lp_intern_size (self->intern);
  g_autofree guint32 *by_name = NULL;
  g_autofree guint32 *rank = NULL;
  g_autofree guint8 *is_prefix = NULL;
  guint *order = g_new (guint, MAX (self->n_stacks, 1));
  SortContext ctx;

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

typedef struct
{
  gsize start;
  gsize n;
  guint first;   /* the first token of the group's keys */
} Group;

/* the ranks of the tokens in byte order; NULL when some token begins
 * another */
static guint32 *
rank_tokens (const LpFolded *self)
{
  guint n_frames = lp_intern_size (self->intern);
  guint n_tokens = 2 * n_frames;
  g_autofree guint32 *tokens = g_new (guint32, MAX (n_tokens, 1));
  guint32 *token_rank;
  TokenContext tctx = { self->intern, FALSE };

  for (guint i = 0; i < n_tokens; i++)
    tokens[i] = i;
  g_qsort_with_data (tokens, n_tokens, sizeof (guint32), compare_tokens, &tctx);
  if (tctx.ambiguous)
    return NULL;
  token_rank = g_new (guint32, MAX (n_tokens, 1));
  for (guint i = 0; i < n_tokens; i++)
    token_rank[tokens[i]] = i;
  return token_rank;
}

/* below this many stacks the order is found before the writer starts */
#define ORDER_THREAD_MIN 16384
/* a writer that waits for the order waits for this many lines */
#define ORDER_WAKE_LINES 4096

struct _LpFoldedOrder
{
  const LpFolded *folded;
  guint          *order;       /* the whole order (bytes compared), or NULL */
  guint32        *token_rank;
  KeyMaker        km;
  Keyed          *keyed;       /* the order, final before `done` */
  Keyed          *tmp;
  GThread        *thread;
  gint            done;        /* atomic */
  gint            waiting;     /* atomic: the writer waits on cond */
  gint            want;        /* atomic: for this many lines */
  GMutex          lock;
  GCond           cond;
};

static void
publish (LpFoldedOrder *o,
         gsize          done)
{
  g_atomic_int_set (&o->done, (gint) done);
  if (g_atomic_int_get (&o->waiting) && (gint) done >= g_atomic_int_get (&o->want))
    {
      g_mutex_lock (&o->lock);
      g_cond_broadcast (&o->cond);
      g_mutex_unlock (&o->lock);
    }
}

/* byte order of the lines, from token ranks, no byte of a name read:
 * the stacks sorted by the keys of their first tokens, then each group
 * of equal keys by the keys of the next tokens, and so on (a group ends
 * as soon as its stacks differ). Groups are taken left to right, so that
 * when one is taken every stack before it is in place: the writer is
 * told, and writes those while the rest is sorted. */
static gpointer
sort_groups (gpointer data)
{
  LpFoldedOrder *o = data;
  const LpFolded *self = o->folded;
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (Group));
  Group g = { 0, self->n_stacks, 0 };

  g_array_append_val (todo, g);
  while (todo->len > 0)
    {
      Keyed *a;
      guint pushed = todo->len - 1;

      g = g_array_index (todo, Group, todo->len - 1);
      g_array_set_size (todo, todo->len - 1);
      publish (o, g.start);
      a = o->keyed + g.start;
      for (gsize i = 0; i < g.n; i++)
        {
          /* the stacks of a group lie anywhere: fetch ahead */
          if (i + 32 < g.n)
            __builtin_prefetch (&self->stacks[a[i + 32].index]);
          if (i + 16 < g.n)
            __builtin_prefetch (self->pool + self->stacks[a[i + 16].index].offset + g.first);
          a[i].key = make_key (&o->km, a[i].index, g.first);
        }
      sort_keys (a, o->tmp + g.start, g.n);
      for (gsize i = 0, j; i < g.n; i = j)
        {
          for (j = i + 1; j < g.n && a[j].key == a[i].key; j++)
            ;
          if (j - i > 1)
            {
              Group next = { g.start + i, j - i, g.first + o->km.per_key };

              /* distinct stacks differ in a token: a key with a stack's
               * end in it is not shared */
              g_assert (a[i].key & ((G_GUINT64_CONSTANT (1) << o->km.bits) - 1));
              g_array_append_val (todo, next);
            }
        }
      /* the leftmost group next */
      for (guint x = pushed, y = todo->len; x + 1 < y; x++, y--)
        {
          Group t = g_array_index (todo, Group, x);

          g_array_index (todo, Group, x) = g_array_index (todo, Group, y - 1);
          g_array_index (todo, Group, y - 1) = t;
        }
    }
  publish (o, self->n_stacks);
  return NULL;
}

LpFoldedOrder *
_lp_folded_sort_order_new (const LpFolded *self)
{
  LpFoldedOrder *o = g_new0 (LpFoldedOrder, 1);
  guint n_tokens = 2 * lp_intern_size (self->intern);

  o->folded = self;
  g_mutex_init (&o->lock);
  g_cond_init (&o->cond);
  o->token_rank = rank_tokens (self);
  if (o->token_rank == NULL)
    {
      o->order = sort_by_bytes (self);
      o->done = (gint) self->n_stacks;
      return o;
    }

  o->km = (KeyMaker) { self, o->token_rank, 0, 0 };
  if (n_tokens < G_MAXUINT16)
    o->km.per_key = 4, o->km.bits = 16;
  else if (n_tokens < (1u << 21) - 1)
    o->km.per_key = 3, o->km.bits = 21;
  else
    o->km.per_key = 2, o->km.bits = 32;

  o->keyed = g_new (Keyed, MAX (self->n_stacks, 1));
  o->tmp = g_new (Keyed, MAX (self->n_stacks, 1));
  for (guint i = 0; i < self->n_stacks; i++)
    o->keyed[i].index = i;
  /* a second thread where it pays: the writer writes behind it */
  if (self->n_stacks >= ORDER_THREAD_MIN && self->n_stacks <= G_MAXINT
      && g_get_num_processors () >= 2)
    o->thread = g_thread_new ("lp-sort", sort_groups, o);
  else
    sort_groups (o);
  return o;
}

guint
_lp_folded_sort_order_wait (LpFoldedOrder *o,
                      guint          have)
{
  guint done = (guint) g_atomic_int_get (&o->done);
  guint want;

  if (done > have || o->thread == NULL)
    return done;
  /* woken once for a batch of lines, not for every group sorted: each
   * wake-up costs more than the few lines it brings */
  want = (guint) MIN ((guint64) have + ORDER_WAKE_LINES, (guint64) o->folded->n_stacks);
  g_mutex_lock (&o->lock);
  g_atomic_int_set (&o->want, (gint) want);
  g_atomic_int_set (&o->waiting, 1);
  while ((done = (guint) g_atomic_int_get (&o->done)) < want)
    g_cond_wait (&o->cond, &o->lock);
  g_atomic_int_set (&o->waiting, 0);
  g_mutex_unlock (&o->lock);
  return done;
}

guint
_lp_folded_sort_order_at (const LpFoldedOrder *o,
                    guint                i)
{
  return o->order != NULL ? o->order[i] : o->keyed[i].index;
}

void
_lp_folded_sort_order_free (LpFoldedOrder *o)
{
  if (o == NULL)
    return;
  if (o->thread != NULL)
    g_thread_join (o->thread);
  g_mutex_clear (&o->lock);
  g_cond_clear (&o->cond);
  g_free (o->order);
  g_free (o->token_rank);
  g_free (o->keyed);
  g_free (o->tmp);
  g_free (o);
}
