/* lp-process-list.h: the processes of this machine, read from /proc, for a process picker.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct
{
  int      pid;
  uid_t    uid;
  char    *user;       /* login name, or the uid as text */
  char    *name;       /* the short name (comm) */
  char    *cmdline;    /* arguments joined by spaces; "[name]" for kernel threads */
  double   cpu_percent;/* since the previous refresh; for a process not seen
                          before, the average since it started (as ps) */
  guint    n_threads;
  gboolean is_kernel_thread;
  gboolean is_own;     /* same user as this process */
  char    *why_not;    /* NULL if this process may be traced, else the reason and the fix */
} LpProcessInfo;

typedef struct _LpProcessList LpProcessList;

LpProcessList       *lp_process_list_new     (void) G_GNUC_WARN_UNUSED_RESULT;
void                 lp_process_list_free    (LpProcessList *self);

/* lp_process_list_refresh: reads /proc again. Processes that vanish while
 * being read are left out, not errors; fails only if /proc is unreadable. */
gboolean             lp_process_list_refresh (LpProcessList  *self,
                                              GError        **error);
guint                lp_process_list_get_n   (const LpProcessList *self);

/* lp_process_list_get: the @index-th process (in pid order); owned by the
 * list and valid until the next refresh. */
const LpProcessInfo *lp_process_list_get     (const LpProcessList *self,
                                              guint                index);

/* lp_process_list_why_not_traceable: NULL if this process may trace @pid, else a
 * translated sentence with the cause and what to do (you own it). */
char                *lp_process_list_why_not_traceable (int pid) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpProcessList, lp_process_list_free)

G_END_DECLS
