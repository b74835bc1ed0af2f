/* lp-intern.c: an open-addressing table from frame name to dense id.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "lp-intern.h"
#include "lp-hash.h"

typedef struct
{
  const char *str;
  guint32     len;
  guint32     hash;
} Name;

struct _LpIntern
{
  GStringChunk *strings;
  GArray       *names;   /* of Name, indexed by id */
  guint64      *slots;   /* hash << 32 | (id + 1), 0 for empty: a probe
                          * reads no Name unless the hashes are equal */
  guint32       mask;
};

/* The table's own hash of a name, made so that it can be computed while
 * the name is scanned for its end (the length comes in last): 8 bytes at a
 * time, then the last 0 to 7 bytes with the length. */
static inline guint32
hash_tail (guint64 h,
           guint64 tail,
           gsize   len)
{
  return (guint32) lp_hash_finish (lp_hash_mix (h, tail ^ ((guint64) len << 56)));
}

static inline guint32
name_hash (const char *name,
           gsize       len)
{
  guint64 h = LP_HASH_SEED, w = 0;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      memcpy (&w, name + i, 8);
      h = lp_hash_mix (h, w);
    }
  w = 0;
  memcpy (&w, name + i, len - i);
  return hash_tail (h, w, len);
}

static inline gboolean
same_bytes (const char *a,
            const char *b,
            gsize       len)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 x, y;
      memcpy (&x, a + i, 8);
      memcpy (&y, b + i, 8);
      if (x != y)
        return FALSE;
    }
  for (; i < len; i++)
    if (a[i] != b[i])
      return FALSE;
  return TRUE;
}

LpIntern *
lp_intern_new (void)
{
  LpIntern *self = g_new0 (LpIntern, 1);

  self->strings = g_string_chunk_new (64 * 1024);
  self->names = g_array_sized_new (FALSE, FALSE, sizeof (Name), 1024);
  self->mask = 1024 - 1;
  self->slots = g_new0 (guint64, self->mask + 1);
  return self;
}

void
lp_intern_free (LpIntern *self)
{
  if (self == NULL)
    return;
  g_string_chunk_free (self->strings);
  g_array_unref (self->names);
  g_free (self->slots);
  g_free (self);
}

static void
grow (LpIntern *self)
{
  guint32 new_mask = (self->mask << 1) | 1;
  guint64 *slots = g_new0 (guint64, (gsize) new_mask + 1);

  for (guint32 i = 0; i <= self->mask; i++)
    if (self->slots[i] != 0)
      {
        guint32 pos = (guint32) (self->slots[i] >> 32) & new_mask;

        while (slots[pos] != 0)
          pos = (pos + 1) & new_mask;
        slots[pos] = self->slots[i];
      }
  g_free (self->slots);
  self->slots = slots;
  self->mask = new_mask;
}

static inline guint32
find_slot (const LpIntern *self,
           const char     *name,
           gsize           len,
           guint32         hash)
{
  guint32 pos = hash & self->mask;

  for (;;)
    {
      guint64 s = self->slots[pos];

      if (s == 0)
        return pos;
      if ((guint32) (s >> 32) == hash)
        {
          const Name *n = &g_array_index (self->names, Name, (guint32) s - 1);
          if (n->len == len && same_bytes (n->str, name, len))
            return pos;
        }
      pos = (pos + 1) & self->mask;
    }
}

gboolean
lp_intern_lookup (const LpIntern *self,
                  const char     *name,
                  gsize           len,
                  guint32        *id)
{
  guint32 pos;

  g_return_val_if_fail (self != NULL, FALSE);

  pos = find_slot (self, name, len, name_hash (name, len));
  if (self->slots[pos] == 0)
    return FALSE;
  if (id != NULL)
    *id = (guint32) self->slots[pos] - 1;
  return TRUE;
}

static guint32
add_hashed (LpIntern   *self,
            const char *name,
            gsize       len,
            guint32     hash)
{
  guint32 pos = find_slot (self, name, len, hash);
  Name n;

  if (self->slots[pos] != 0)
    return (guint32) self->slots[pos] - 1;

  /* A name longer than 4 GiB cannot come from a bounded line reader. */
  g_assert (len < G_MAXUINT32);
  n.str = g_string_chunk_insert_len (self->strings, name, len);
  n.len = (guint32) len;
  n.hash = hash;
  g_array_append_val (self->names, n);
  self->slots[pos] = ((guint64) hash << 32) | self->names->len;

  /* keep the load under one half so probes stay short */
  if ((gsize) self->names->len * 2 > self->mask)
    grow (self);

  return self->names->len - 1;
}

guint32
lp_intern_add (LpIntern   *self,
               const char *name,
               gsize       len)
{
  return add_hashed (self, name, len, name_hash (name, len));
}

/* the bytes of @w equal to @c: the lowest set 0x80 bit is the first one */
static inline guint64
bytes_equal (guint64 w,
             char    c)
{
  guint64 x = w ^ (G_GUINT64_CONSTANT (0x0101010101010101) * (guchar) c);
  return (x - G_GUINT64_CONSTANT (0x0101010101010101)) & ~x & G_GUINT64_CONSTANT (0x8080808080808080);
}

guint32
lp_intern_add_until (LpIntern   *self,
                     const char *text,
                     gsize       max,
                     char        sep,
                     gsize      *len)
{
  guint64 h = LP_HASH_SEED, w, m;
  gsize i = 0, n;

  /* one pass finds the end and hashes the name, a word at a time */
  for (; i + 8 <= max; i += 8)
    {
      memcpy (&w, text + i, 8);
      m = bytes_equal (w, sep);
      if (m != 0)
        {
          guint k = (guint) __builtin_ctzll (m) / 8;

          n = i + k;
          w = k == 0 ? 0 : w & (G_MAXUINT64 >> (64 - 8 * k));
          *len = n;
          return add_hashed (self, text, n, hash_tail (h, w, n));
        }
      h = lp_hash_mix (h, w);
    }
  /* the last 0 to 7 bytes, zero-padded */
  w = 0;
  memcpy (&w, text + i, max - i);
  m = max == i ? 0 : bytes_equal (w, sep) & (G_MAXUINT64 >> (64 - 8 * (max - i)));
  n = max;
  if (m != 0)
    {
      guint k = (guint) __builtin_ctzll (m) / 8;

      n = i + k;
      w = k == 0 ? 0 : w & (G_MAXUINT64 >> (64 - 8 * k));
    }
  *len = n;
  return add_hashed (self, text, n, hash_tail (h, w, n));
}

const char *
lp_intern_name (const LpIntern *self,
                guint32         id)
{
  g_return_val_if_fail (id < self->names->len, NULL);
  return g_array_index (self->names, Name, id).str;
}

gsize
lp_intern_name_len (const LpIntern *self,
                    guint32         id)
{
  g_return_val_if_fail (id < self->names->len, 0);
  return g_array_index (self->names, Name, id).len;
}

guint
lp_intern_size (const LpIntern *self)
{
  return self->names->len;
}
