/* lp-debuginfod.h: debug files fetched from debuginfod servers in the background, while the sampler goes on.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LP_DEBUGINFOD_PENDING,   /* asked for, waiting its turn */
  LP_DEBUGINFOD_FETCHING,  /* downloading */
  LP_DEBUGINFOD_DONE,      /* in the client's cache: the next symbol tables read it */
  LP_DEBUGINFOD_FAILED,    /* not found, or the server could not be reached */
} LpDebuginfodState;

/* One debug file asked of the servers. */
typedef struct
{
  char              *module;    /* the module's base name, "libfoo.so.1" */
  char              *build_id;  /* in hex */
  LpDebuginfodState  state;
  gint64             bytes;     /* received so far */
  gint64             size;      /* announced by the server; 0 unknown */
  char              *error;     /* FAILED: why, for people */
} LpDebuginfodFile;

typedef struct _LpDebuginfod LpDebuginfod;

/* lp_debuginfod_get: the fetcher of this process, started when first
 * asked; NULL when DEBUGINFOD_URLS names no server. One worker thread
 * fetches the files one by one with libdebuginfod, which keeps them in
 * its cache ($DEBUGINFOD_CACHE_PATH, else ~/.cache/debuginfod_client) and
 * honours DEBUGINFOD_TIMEOUT and the other DEBUGINFOD_* settings. */
LpDebuginfod *lp_debuginfod_get            (void);

/* lp_debuginfod_open_cached: the debug file of @build_id if the client's
 * cache has it: an open descriptor, its path in *@path (free() it, as
 * libdwfl frees it); -1 otherwise. Asks no server. */
int           lp_debuginfod_open_cached    (const guint8 *build_id,
                                            gsize         len,
                                            char        **path);

/* lp_debuginfod_request: queues the fetch of @build_id's debug file
 * (once: asking again is free). Never waits. */
void          lp_debuginfod_request        (LpDebuginfod *self,
                                            const guint8 *build_id,
                                            gsize         len,
                                            const char   *module);

/* lp_debuginfod_get_generation: counts the files that arrived; symbol
 * tables made before a change miss them. */
guint         lp_debuginfod_get_generation (LpDebuginfod *self);

/* lp_debuginfod_list: what was asked so far, in the order asked. You own
 * the array (its clear function frees the strings). */
GArray       *lp_debuginfod_list           (LpDebuginfod *self) G_GNUC_WARN_UNUSED_RESULT;

/* lp_debuginfod_wait: waits until no fetch is pending or running, or
 * @timeout_us passed; TRUE when none is left. */
gboolean      lp_debuginfod_wait           (LpDebuginfod *self,
                                            gint64        timeout_us);

G_END_DECLS
