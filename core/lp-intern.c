/* lp-intern.c: an open-addressing table from frame name to dense id.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "lp-intern.h"
#include "lp-hash.h"

/* Names live in one arena of address space reserved once, so that they
 * never move (lp_intern_name() returns pointers into it) and a slot can
 * point at one by an offset: each entry is its length and id, then its
 * bytes and a NUL, padded to 8 bytes. A probe reads the slot, then one
 * entry, whose header and first bytes share a cache line: two dependent
 * loads instead of three (slot, then a Name array, then a string chunk),
 * which was most of the time of reading a report whose lines share no
 * prefix (bench/README.md, issue 12). */
typedef struct
{
  guint32 len;
  guint32 id;
  char    str[];
} Entry;

/* address space, not memory: pages are made usable as entries fill them */
#define ARENA_RESERVE ((gsize) 4 << 30)
#define ARENA_STEP    ((gsize) 64 << 10)

struct _LpIntern
{
  char     *arena;     /* ARENA_RESERVE (or less) bytes of address space */
  gsize     reserved;
  gsize     committed; /* bytes readable and writable */
  gsize     used;
  guint32  *offsets;   /* of each id's entry, in 8-byte units */
  guint32   n_names;
  guint32   offsets_cap;
  guint64  *slots;     /* hash << 32 | (offset / 8 + 1), 0 for empty: a
                        * probe reads no entry unless the hashes are equal */
  guint32   mask;
};

static inline const Entry *
entry_at (const LpIntern *self,
          guint32         units)
{
  return (const Entry *) (self->arena + (gsize) units * 8);
}

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

  /* a smaller reservation where address space is limited */
  for (self->reserved = ARENA_RESERVE; ; self->reserved /= 4)
    {
      void *p = mmap (NULL, self->reserved, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p != MAP_FAILED)
        {
          self->arena = p;
          break;
        }
      if (self->reserved <= ARENA_STEP)
        g_error ("%s: no address space for names: %s", G_STRLOC, g_strerror (errno));
    }
  self->offsets_cap = 1024;
  self->offsets = g_new (guint32, self->offsets_cap);
  self->mask = 1024 - 1;
  self->slots = g_new0 (guint64, self->mask + 1);
  return self;
}

void
lp_intern_free (LpIntern *self)
{
  if (self == NULL)
    return;
  munmap (self->arena, self->reserved);
  g_free (self->offsets);
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
          const Entry *e = entry_at (self, (guint32) s - 1);
          if (e->len == len && same_bytes (e->str, name, len))
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
    *id = entry_at (self, (guint32) self->slots[pos] - 1)->id;
  return TRUE;
}

static guint32
add_hashed (LpIntern   *self,
            const char *name,
            gsize       len,
            guint32     hash)
{
  guint32 pos = find_slot (self, name, len, hash);
  gsize size;
  Entry *e;

  if (self->slots[pos] != 0)
    return entry_at (self, (guint32) self->slots[pos] - 1)->id;

  /* A name longer than 4 GiB cannot come from a bounded line reader. */
  g_assert (len < G_MAXUINT32 - 16);
  /* padded to 8 bytes: lp_intern_name() promises the padding readable */
  size = (sizeof (Entry) + len + 1 + 7) & ~(gsize) 7;
  if (size > self->reserved - self->used || self->n_names == G_MAXUINT32 - 1)
    g_error ("%s: more than %" G_GSIZE_FORMAT " bytes of distinct names", G_STRLOC, self->reserved);
  if (self->used + size > self->committed)
    {
      gsize want = MAX (self->committed * 2, self->used + size);

      want = MIN ((want + ARENA_STEP - 1) & ~(ARENA_STEP - 1), self->reserved);
      if (mprotect (self->arena, want, PROT_READ | PROT_WRITE) != 0)
        g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes: %s", G_STRLOC, want, g_strerror (errno));
      self->committed = want;
    }
  e = (Entry *) (self->arena + self->used);
  e->len = (guint32) len;
  e->id = self->n_names;
  memcpy (e->str, name, len);
  e->str[len] = '\0';
  if (self->n_names == self->offsets_cap)
    {
      self->offsets_cap *= 2;
      self->offsets = g_renew (guint32, self->offsets, self->offsets_cap);
    }
  self->offsets[self->n_names++] = (guint32) (self->used / 8);
  self->slots[pos] = ((guint64) hash << 32) | (self->used / 8 + 1);
  self->used += size;

  /* keep the load under one half so probes stay short */
  if ((gsize) self->n_names * 2 > self->mask)
    grow (self);

  return self->n_names - 1;
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
  g_return_val_if_fail (id < self->n_names, NULL);
  return entry_at (self, self->offsets[id])->str;
}

gsize
lp_intern_name_len (const LpIntern *self,
                    guint32         id)
{
  g_return_val_if_fail (id < self->n_names, 0);
  return entry_at (self, self->offsets[id])->len;
}

guint
lp_intern_size (const LpIntern *self)
{
  return self->n_names;
}
