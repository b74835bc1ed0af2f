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
  guint32      *slots;   /* id + 1, 0 for empty */
  guint32       mask;
};

LpIntern *
lp_intern_new (void)
{
  LpIntern *self = g_new0 (LpIntern, 1);

  self->strings = g_string_chunk_new (64 * 1024);
  self->names = g_array_sized_new (FALSE, FALSE, sizeof (Name), 1024);
  self->mask = 1024 - 1;
  self->slots = g_new0 (guint32, self->mask + 1);
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
  guint32 *slots = g_new0 (guint32, (gsize) new_mask + 1);

  for (guint i = 0; i < self->names->len; i++)
    {
      const Name *n = &g_array_index (self->names, Name, i);
      guint32 pos = n->hash & new_mask;

      while (slots[pos] != 0)
        pos = (pos + 1) & new_mask;
      slots[pos] = i + 1;
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
      guint32 s = self->slots[pos];
      const Name *n;

      if (s == 0)
        return pos;
      n = &g_array_index (self->names, Name, s - 1);
      if (n->hash == hash && n->len == len && memcmp (n->str, name, len) == 0)
        return pos;
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

  pos = find_slot (self, name, len, (guint32) lp_hash_bytes (name, len));
  if (self->slots[pos] == 0)
    return FALSE;
  if (id != NULL)
    *id = self->slots[pos] - 1;
  return TRUE;
}

guint32
lp_intern_add (LpIntern   *self,
               const char *name,
               gsize       len)
{
  guint32 hash = (guint32) lp_hash_bytes (name, len);
  guint32 pos = find_slot (self, name, len, hash);
  Name n;

  if (self->slots[pos] != 0)
    return self->slots[pos] - 1;

  /* A name longer than 4 GiB cannot come from a bounded line reader. */
  g_assert (len < G_MAXUINT32);
  n.str = g_string_chunk_insert_len (self->strings, name, len);
  n.len = (guint32) len;
  n.hash = hash;
  g_array_append_val (self->names, n);
  self->slots[pos] = self->names->len;

  /* keep the load under one half so probes stay short */
  if ((gsize) self->names->len * 2 > self->mask)
    grow (self);

  return self->names->len - 1;
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
