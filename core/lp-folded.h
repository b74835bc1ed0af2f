/* lp-folded.h: the folded report in memory: interned frames, stacks and their counts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-hash.h"
#include "lp-intern.h"

G_BEGIN_DECLS

#define LP_FOLDED_ERROR (lp_folded_error_quark ())
GQuark lp_folded_error_quark (void);

typedef enum
{
  LP_FOLDED_ERROR_EMPTY,        /* the input holds no line at all */
  LP_FOLDED_ERROR_NO_STACKS,    /* lines, but none of them a folded stack */
  LP_FOLDED_ERROR_INVALID_LINE, /* strict mode: a line could not be read */
  LP_FOLDED_ERROR_OVERFLOW,     /* a count or a total beyond exact range */
  LP_FOLDED_ERROR_IO,           /* reading or writing failed */
} LpFoldedError;

/* Counts are exact integers up to this bound (2^53), as doubles are. */
#define LP_FOLDED_MAX_COUNT 9007199254740992.0

typedef struct _LpFolded LpFolded;

/* One stack as the aggregate holds it; the pointers stay valid until the
 * next change of the aggregate. */
typedef struct
{
  const guint32 *frames;  /* root first */
  guint          depth;
  double         count;
  double         count2;  /* second column of differential input, else 0 */
} LpFoldedStack;

LpFolded   *lp_folded_new              (void) G_GNUC_WARN_UNUSED_RESULT;
void        lp_folded_free             (LpFolded *self);

/* lp_folded_intern: the frame id of a name (@len bytes, or -1 for a
 * NUL-terminated string). */
guint32     lp_folded_intern           (LpFolded   *self,
                                        const char *name,
                                        gssize      len);
const char *lp_folded_frame_name       (const LpFolded *self,
                                        guint32         frame);
guint       lp_folded_get_n_frames     (const LpFolded *self);
LpIntern   *lp_folded_get_intern       (LpFolded *self);

/* Stack hashes: a hash is built frame by frame, root first, so that a
 * reader can reuse the hash of a shared prefix. */
static inline guint64
lp_folded_hash_step (guint64 h,
                     guint32 frame)
{
  return lp_hash_mix (h, frame);
}

static inline guint64
lp_folded_hash_stack (const guint32 *frames,
                      guint          depth)
{
  guint64 h = LP_HASH_SEED;
  for (guint i = 0; i < depth; i++)
    h = lp_folded_hash_step (h, frames[i]);
  return h;
}

/* lp_folded_add: adds @count (and @count2) to the stack @frames[0..@depth),
 * root first, creating it if new. No allocation when the stack exists.
 * @hash must be lp_folded_hash_stack (@frames, @depth); pass 0 to have it
 * computed. On success *@index (if not NULL) is the stack's index, stable
 * for the life of the aggregate. Fails with LP_FOLDED_ERROR_OVERFLOW, and
 * changes nothing, when a count would leave the exact range. */
gboolean    lp_folded_add              (LpFolded      *self,
                                        const guint32 *frames,
                                        guint          depth,
                                        guint64        hash,
                                        double         count,
                                        double         count2,
                                        guint         *index,
                                        GError       **error);

/* lp_folded_add_to: adds @count to the stack of index @index (as
 * lp_folded_add() gave it); fails as lp_folded_add() does on overflow. */
gboolean    lp_folded_add_to           (LpFolded      *self,
                                        guint          index,
                                        double         count,
                                        GError       **error);
/* lp_folded_add_names: lp_folded_add() for a stack of names, root first. */
gboolean    lp_folded_add_names        (LpFolded           *self,
                                        const char * const *names,
                                        double              count,
                                        GError            **error);

/* lp_folded_merge: adds every stack of @src into @self. */
gboolean    lp_folded_merge            (LpFolded       *self,
                                        const LpFolded *src,
                                        GError        **error);

/* lp_folded_rename: a copy of @self where frame f is named @names[f]
 * (NULL: as before; @names holds at least lp_folded_get_n_frames()
 * entries); stacks that come to have the same names are merged. With
 * @stack_map, (*@stack_map)[s] is the copy's index of @self's stack s
 * (g_free() it). Differential counts are kept. */
LpFolded   *lp_folded_rename           (const LpFolded     *self,
                                        const char * const *names,
                                        guint             **stack_map) G_GNUC_WARN_UNUSED_RESULT;

guint       lp_folded_get_n_stacks     (const LpFolded *self);
void        lp_folded_get_stack        (const LpFolded *self,
                                        guint           index,
                                        LpFoldedStack  *stack);
double      lp_folded_get_total        (const LpFolded *self);
double      lp_folded_get_total2       (const LpFolded *self);
guint       lp_folded_get_max_depth    (const LpFolded *self);

/* Differential: some input line had a second count column; the writer then
 * writes two columns on every line. */
gboolean    lp_folded_is_differential  (const LpFolded *self);
void        lp_folded_set_differential (LpFolded *self,
                                        gboolean  differential);

/* lp_folded_format_count: writes @count into @buf as the writer does
 * (integers without a point, fractions in the shortest form that reads
 * back exactly, never in exponent form); returns the length. */
gsize       lp_folded_format_count     (double count,
                                        char   buf[64]);

/* Writing: lines sorted in byte order (as LC_ALL=C sort), one stack a line,
 * "frame;frame count[ count2]\n". */
typedef gboolean (*LpFoldedWriteFunc) (const char *data,
                                       gsize       len,
                                       gpointer    user_data,
                                       GError    **error);

gboolean    lp_folded_write            (const LpFolded     *self,
                                        LpFoldedWriteFunc   func,
                                        gpointer            user_data,
                                        GError            **error);
gboolean    lp_folded_write_fd         (const LpFolded *self,
                                        int             fd,
                                        GError        **error);
/* lp_folded_to_bytes: the whole report as text; you own the result. */
GBytes     *lp_folded_to_bytes         (const LpFolded *self) G_GNUC_WARN_UNUSED_RESULT;

/* lp_folded_save: writes atomically to @path: a temporary file beside it,
 * fsync, rename. On failure nothing is left behind and @path, if it
 * existed, is untouched. */
gboolean    lp_folded_save             (const LpFolded *self,
                                        const char     *path,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpFolded, lp_folded_free)

G_END_DECLS
