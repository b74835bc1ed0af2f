/* lp-hash.h: small, fast, non-cryptographic hashes for the hot paths.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

#define LP_HASH_SEED G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

static inline guint64
lp_hash_mix (guint64 h,
             guint64 v)
{
  /* multiply-xorshift, in the spirit of FxHash/wyhash: one multiply per word */
  h ^= v;
  h *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  h ^= h >> 31;
  return h;
}

static inline guint64
lp_hash_finish (guint64 h)
{
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xFF51AFD7ED558CCD);
  h ^= h >> 33;
  return h;
}

/* lp_hash_bytes: hash @len bytes at @data; equal bytes give equal hashes. */
static inline guint64
lp_hash_bytes (const void *data,
               gsize       len)
{
  const guint8 *p = data;
  guint64 h = LP_HASH_SEED ^ len;

  while (len >= 8)
    {
      guint64 w;
      memcpy (&w, p, 8);
      h = lp_hash_mix (h, w);
      p += 8;
      len -= 8;
    }
  if (len > 0)
    {
      guint64 w = 0;
      memcpy (&w, p, len);
      h = lp_hash_mix (h, w ^ ((guint64) len << 56));
    }
  return lp_hash_finish (h);
}

G_END_DECLS
