/* lp-intern.h: interned frame names, each name stored once and known by a small id.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LpIntern LpIntern;

/* lp_intern_new: an empty table; free it with lp_intern_free(). */
LpIntern   *lp_intern_new       (void) G_GNUC_WARN_UNUSED_RESULT;
void        lp_intern_free      (LpIntern   *self);

/* lp_intern_add: the id of the name made of @len bytes at @name (which need
 * not be NUL-terminated), adding a copy of it if it is new. Ids are dense,
 * 0, 1, 2, ... in the order names were first added. */
guint32     lp_intern_add       (LpIntern   *self,
                                 const char *name,
                                 gsize       len);

/* lp_intern_add_until: lp_intern_add() of the name that starts at @text
 * and ends before the first @sep byte, or at @text + @max; *@len is set to
 * its length. One pass: the end is found while the name is hashed. Reads
 * no byte past @text + @max. */
guint32     lp_intern_add_until (LpIntern   *self,
                                 const char *text,
                                 gsize       max,
                                 char        sep,
                                 gsize      *len);

/* lp_intern_lookup: TRUE and *@id set if the name is already there. */
gboolean    lp_intern_lookup    (const LpIntern *self,
                                 const char     *name,
                                 gsize           len,
                                 guint32        *id);

/* lp_intern_name: the NUL-terminated name of @id, owned by the table and
 * valid as long as it lives. It starts on an 8-byte boundary, and its
 * bytes may be read 8 at a time: the bytes after its NUL, up to the next
 * multiple of 8, are readable (their values are unspecified). */
const char *lp_intern_name      (const LpIntern *self,
                                 guint32         id);
gsize       lp_intern_name_len  (const LpIntern *self,
                                 guint32         id);
guint       lp_intern_size      (const LpIntern *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpIntern, lp_intern_free)

G_END_DECLS
