/* lp-spool.h: the local spool: reports that could not be stored wait here to be retried.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* lp_spool_get_dir: $LAPROF_SPOOL_DIR, else $XDG_STATE_HOME/laprof/spool
 * (~/.local/state/laprof/spool); you own the string. */
char      *lp_spool_get_dir  (void) G_GNUC_WARN_UNUSED_RESULT;

/* lp_spool_keep: saves @report into @spool_dir (created if missing) as
 * @name, atomically, with a side file <name>.dest that records @location,
 * where the report belongs (s3://bucket/key or /dir/file). *@path (you own
 * it) is the spooled file. Errors are LP_STORER_ERROR_IO. */
gboolean   lp_spool_keep     (const char  *spool_dir,
                              const char  *name,
                              GBytes      *report,
                              const char  *location,
                              char       **path,
                              GError     **error);

typedef struct
{
  char *path;      /* the spooled report */
  char *location;  /* where it belongs */
} LpSpoolEntry;

void       lp_spool_entry_free (LpSpoolEntry *entry);

/* lp_spool_list: the spooled reports in @spool_dir, oldest name first;
 * an array of LpSpoolEntry (you own it); empty when there is no spool. */
GPtrArray *lp_spool_list     (const char  *spool_dir,
                              GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_spool_send: tries to store @entry where it belongs, once (with the
 * S3 retries), and removes it from the spool on success. On failure the
 * entry stays where it is. */
gboolean   lp_spool_send     (const LpSpoolEntry  *entry,
                              GError             **error);

/* lp_spool_remove: deletes a spooled report and its side file. */
void       lp_spool_remove   (const LpSpoolEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpSpoolEntry, lp_spool_entry_free)

G_END_DECLS
