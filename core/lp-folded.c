/* lp-folded.c: the folded aggregate (stack -> count) and its sorted writer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lp-atomic-file.h"
#include "lp-file.h"
#include "lp-folded-private.h"
#include "lp-mem.h"

G_DEFINE_QUARK (lp-folded-error-quark, lp_folded_error)

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

/* The pool and the stacks grow by doubling; past LARGE_MIN bytes, they
 * skip straight to LARGE_START, the size from which lp_mem_grow() asks for
 * huge pages. Doubled from 256 KiB to 4 MiB they were faulted in 4 KiB
 * pages, one fault each (about 10 us in a virtual machine): some 2,000 of
 * the 8,000 faults of a read of a 150 MB report (bench/README.md, issue
 * 12). Pages never touched cost no memory. */
#define LARGE_MIN   ((gsize) 128 * 1024)
#define LARGE_START ((gsize) 4 * 1024 * 1024)

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

      if (cap * sizeof (guint32) > LARGE_MIN)
        cap = MAX (cap, LARGE_START / sizeof (guint32));

      self->pool = lp_mem_grow (self->pool, self->pool_cap * sizeof (guint32), cap * sizeof (guint32));
      self->pool_cap = cap;
    }
  if (self->n_stacks == self->stacks_cap)
    {
      guint cap = MAX (self->stacks_cap * 2, 1024);

      if (cap * sizeof (Stack) > LARGE_MIN)
        cap = MAX (cap, LARGE_START / sizeof (Stack));

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
lp_folded_add_to (LpFolded  *self,
                  guint      index,
                  double     count,
                  GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (index < self->n_stacks, FALSE);

  if (!sum_ok (self->total, count))
    {
      g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_OVERFLOW,
                   _("The total count would exceed %.0f, beyond exact counting"),
                   LP_FOLDED_MAX_COUNT);
      return FALSE;
    }
  self->stacks[index].count += count;
  self->total += count;
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

#define MERGE_BATCH 16
/* and no more frames than this in a batch */
#define MERGE_BATCH_FRAMES 65536

gboolean
lp_folded_merge (LpFolded       *self,
                 const LpFolded *src,
                 GError        **error)
{
  g_autofree guint32 *map = NULL;
  g_autofree guint32 *buf = NULL;
  guint n_frames, batch;

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

  /* a batch of stacks translated and hashed first, their slots fetched,
   * then added: the slots of a large aggregate are seldom in cache */
  batch = CLAMP (MERGE_BATCH_FRAMES / MAX (src->max_depth, 1), 1, MERGE_BATCH);
  buf = g_new (guint32, (gsize) batch * MAX (src->max_depth, 1));
  for (guint b = 0; b < src->n_stacks; b += batch)
    {
      guint e = MIN (src->n_stacks, b + batch);
      guint64 hashes[MERGE_BATCH];

      for (guint i = b; i < e; i++)
        {
          const Stack *st = &src->stacks[i];
          guint32 *frames = buf + (gsize) (i - b) * src->max_depth;
          guint32 hash;
          StackShard *shard;

          for (guint d = 0; d < st->depth; d++)
            frames[d] = map[src->pool[st->offset + d]];
          hashes[i - b] = lp_folded_hash_stack (frames, st->depth);
          hash = (guint32) lp_hash_finish (hashes[i - b] ^ st->depth);
          shard = &self->shards[(hash >> STACK_SHARD_SHIFT) & (STACK_SHARDS - 1)];
          __builtin_prefetch (&shard->slots[hash & shard->mask]);
        }
      for (guint i = b; i < e; i++)
        {
          const Stack *st = &src->stacks[i];

          if (!lp_folded_add (self, buf + (gsize) (i - b) * src->max_depth, st->depth,
                              hashes[i - b], st->count, st->count2, NULL, error))
            return FALSE;
        }
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


#define WRITE_BUFFER_SIZE (256 * 1024)

/* A frame's name as the writer copies it: @len bytes at @name, which may
 * be read 8 at a time (lp_intern_name() says so) */
typedef struct
{
  const char *name;
  gsize       len;
} NameRef;

/* What writing some lines needs: the order, the names, a buffer */
typedef struct
{
  const LpFolded    *folded;
  LpFoldedOrder     *order;
  const NameRef     *names;
  LpFoldedWriteFunc  func;
  gpointer           user_data;
  char              *buf;       /* WRITE_BUFFER_SIZE bytes */
  gsize              len;       /* of them used */
} Lines;

static gboolean
flush_lines (Lines   *l,
             GError **error)
{
  if (l->len > 0 && !l->func (l->buf, l->len, l->user_data, error))
    return FALSE;
  l->len = 0;
  return TRUE;
}

/* write_lines: lines @from to @to of the order into @l's buffer, given to
 * its func as it fills */
static gboolean
write_lines (Lines    *l,
             guint     from,
             guint     to,
             GError  **error)
{
  const LpFolded *self = l->folded;
  char *buf = l->buf;
  gsize len = l->len;
  guint ready = from;

  for (guint i = from; i < to; i++)
    {
      const Stack *st;
      const guint32 *frames;

      if (i == ready)
        ready = _lp_folded_sort_order_wait (l->order, i);
      st = &self->stacks[_lp_folded_sort_order_at (l->order, i)];
      frames = self->pool + st->offset;

      /* the stacks come in no order of memory: fetch ahead */
      if (i + 32 < ready)
        __builtin_prefetch (&self->stacks[_lp_folded_sort_order_at (l->order, i + 32)]);
      if (i + 16 < ready)
        {
          const Stack *ahead = &self->stacks[_lp_folded_sort_order_at (l->order, i + 16)];

          for (guint d = 0; d < ahead->depth; d += 16)
            __builtin_prefetch (self->pool + ahead->offset + d);
        }

      for (guint d = 0; d < st->depth; d++)
        {
          const char *name = l->names[frames[d]].name;
          gsize nlen = l->names[frames[d]].len;

          /* +8 for the last word copied, +1 for the separator; +160
           * keeps room for the counts */
          if (len + nlen + 8 + 1 + 160 > WRITE_BUFFER_SIZE)
            {
              l->len = len;
              if (!flush_lines (l, error))
                return FALSE;
              len = 0;
            }
          if (nlen + 8 + 1 + 160 > WRITE_BUFFER_SIZE)
            {
              /* a name larger than the buffer goes out on its own */
              if (!l->func (name, nlen, l->user_data, error))
                return FALSE;
            }
          else
            {
              /* whole words, not a call to memcpy for a few bytes: the
               * bytes past the name are overwritten by what follows */
              for (gsize k = 0; k < nlen; k += 8)
                memcpy (buf + len + k, name + k, 8);
              len += nlen;
            }
          buf[len++] = d + 1 < st->depth ? ';' : ' ';
        }
      len += lp_folded_format_stack_counts (self, st, buf + len);
      buf[len++] = '\n';
    }
  l->len = len;
  return TRUE;
}

/* Once the order is known, a second thread writes every other block of
 * lines into buffers of its own, which the writer copies out in turn: a
 * few blocks at a time, so that little memory is used and none is new;
 * blocks of a few hundred lines, so that the threads seldom wake each
 * other (a wake-up costs tens of microseconds in a VM) */
#define BLOCK_LINES  256
#define HELPER_SLOTS 4
/* and only when this many lines are left */
#define HELPER_MIN_LINES 4096

typedef struct
{
  Lines       lines;      /* its buf: the block, when it fits */
  GByteArray *overflow;   /* what went out before, when it did not */
  gboolean    full;
} Slot;

typedef struct
{
  const LpFolded *folded;
  guint           first;  /* the helper's first line; then every other block */
  Slot            slots[HELPER_SLOTS];
  gboolean        stop;
  GMutex          lock;
  GCond           cond;
  GThread        *thread;
} Helper;

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

static gpointer
write_every_other_block (gpointer data)
{
  Helper *h = data;
  guint n = h->folded->n_stacks;

  for (guint j = 0, from = h->first; from < n; j++, from += 2 * BLOCK_LINES)
    {
      Slot *slot = &h->slots[j % HELPER_SLOTS];
      gboolean stop;

      g_mutex_lock (&h->lock);
      while (slot->full && !h->stop)
        g_cond_wait (&h->cond, &h->lock);
      stop = h->stop;
      g_mutex_unlock (&h->lock);
      if (stop)
        break;
      slot->lines.len = 0;
      g_byte_array_set_size (slot->overflow, 0);
      /* writing to memory cannot fail */
      write_lines (&slot->lines, from, MIN (n, from + BLOCK_LINES), NULL);
      g_mutex_lock (&h->lock);
      slot->full = TRUE;
      g_cond_broadcast (&h->cond);
      g_mutex_unlock (&h->lock);
    }
  return NULL;
}

static void
helper_start (Helper     *h,
              Lines      *l,
              guint       first)
{
  h->folded = l->folded;
  h->first = first;
  g_mutex_init (&h->lock);
  g_cond_init (&h->cond);
  for (guint k = 0; k < HELPER_SLOTS; k++)
    {
      Slot *slot = &h->slots[k];

      slot->overflow = g_byte_array_new ();
      slot->lines = (Lines) { l->folded, l->order, l->names, write_to_byte_array, slot->overflow,
                              g_malloc (WRITE_BUFFER_SIZE), 0 };
    }
  h->thread = g_thread_new ("lp-write", write_every_other_block, h);
}

static void
helper_stop (Helper *h)
{
  if (h->thread == NULL)
    return;
  g_mutex_lock (&h->lock);
  h->stop = TRUE;
  g_cond_broadcast (&h->cond);
  g_mutex_unlock (&h->lock);
  g_thread_join (h->thread);
  for (guint k = 0; k < HELPER_SLOTS; k++)
    {
      g_free (h->slots[k].lines.buf);
      g_byte_array_unref (h->slots[k].overflow);
    }
  g_mutex_clear (&h->lock);
  g_cond_clear (&h->cond);
  h->thread = NULL;
}

/* copies @len bytes into @l's buffer, giving it to its func as it fills */
static gboolean
append_to_lines (Lines       *l,
                 const char  *data,
                 gsize        len,
                 GError     **error)
{
  while (len > 0)
    {
      gsize n = MIN (len, WRITE_BUFFER_SIZE - l->len);

      memcpy (l->buf + l->len, data, n);
      l->len += n;
      data += n;
      len -= n;
      if (l->len == WRITE_BUFFER_SIZE && !flush_lines (l, error))
        return FALSE;
    }
  return TRUE;
}

/* the helper's @j-th block, once written, into @l */
static gboolean
take_block (Helper  *h,
            guint    j,
            Lines   *l,
            GError **error)
{
  Slot *slot = &h->slots[j % HELPER_SLOTS];
  gboolean ok;

  g_mutex_lock (&h->lock);
  while (!slot->full)
    g_cond_wait (&h->cond, &h->lock);
  g_mutex_unlock (&h->lock);
  ok = append_to_lines (l, (const char *) slot->overflow->data, slot->overflow->len, error) &&
       append_to_lines (l, slot->lines.buf, slot->lines.len, error);
  g_mutex_lock (&h->lock);
  slot->full = FALSE;
  g_cond_broadcast (&h->cond);
  g_mutex_unlock (&h->lock);
  return ok;
}

gboolean
lp_folded_write (const LpFolded     *self,
                 LpFoldedWriteFunc   func,
                 gpointer            user_data,
                 GError            **error)
{
  g_autoptr(LpFoldedOrder) order = NULL;
  g_autofree char *buf = NULL;
  g_autofree NameRef *names = NULL;
  Helper helper = { 0 };
  guint n_frames, n = self->n_stacks, i = 0, j = 0;
  gboolean ok = TRUE;
  Lines l;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  /* the lines are written as soon as they are in order */
  order = _lp_folded_sort_order_new (self);
  buf = g_malloc (WRITE_BUFFER_SIZE);
  /* each name looked up once, not once per frame written */
  n_frames = lp_intern_size (self->intern);
  names = g_new (NameRef, MAX (n_frames, 1));
  for (guint f = 0; f < n_frames; f++)
    {
      names[f].name = lp_intern_name (self->intern, f);
      names[f].len = lp_intern_name_len (self->intern, f);
    }
  l = (Lines) { self, order, names, func, user_data, buf, 0 };

  while (ok && i < n)
    {
      guint end = MIN (n, i + BLOCK_LINES);

      ok = write_lines (&l, i, end, error);
      i = end;
      if (ok && helper.thread != NULL && i < n)
        {
          ok = take_block (&helper, j++, &l, error);
          i = MIN (n, i + BLOCK_LINES);
        }
      /* the wait is short: the next line is needed anyway */
      else if (ok && helper.thread == NULL && n - i >= HELPER_MIN_LINES &&
               _lp_folded_sort_order_wait (order, i) == n && g_get_num_processors () >= 2)
        helper_start (&helper, &l, i + BLOCK_LINES);
    }
  helper_stop (&helper);
  return ok && flush_lines (&l, error);
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

LpFolded *
lp_folded_rename (const LpFolded     *self,
                  const char * const *names,
                  guint             **stack_map)
{
  LpFolded *copy = lp_folded_new ();
  guint n_frames = lp_intern_size (self->intern);
  g_autofree guint32 *map = g_new (guint32, MAX (n_frames, 1));
  g_autofree guint32 *frames = g_new (guint32, MAX (self->max_depth, 1));
  guint *smap = g_new (guint, MAX (self->n_stacks, 1));

  for (guint f = 0; f < n_frames; f++)
    map[f] = names[f] != NULL ? lp_intern_add (copy->intern, names[f], strlen (names[f]))
                              : lp_intern_add (copy->intern, lp_intern_name (self->intern, f),
                                               lp_intern_name_len (self->intern, f));
  for (guint s = 0; s < self->n_stacks; s++)
    {
      const Stack *st = &self->stacks[s];

      for (guint d = 0; d < st->depth; d++)
        frames[d] = map[self->pool[st->offset + d]];
      /* the copy's totals are the same as ours: no overflow */
      if (!lp_folded_add (copy, frames, st->depth, 0, st->count, st->count2, &smap[s], NULL))
        g_assert_not_reached ();
    }
  copy->differential = self->differential;
  if (stack_map != NULL)
    *stack_map = smap;
  else
    g_free (smap);
  return copy;
}
