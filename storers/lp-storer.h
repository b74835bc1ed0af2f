/* lp-storer.h: where reports go: a small table of functions, chosen from a destination string.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-folded.h"

G_BEGIN_DECLS

#define LP_STORER_ERROR (lp_storer_error_quark ())
GQuark lp_storer_error_quark (void);

typedef enum
{
  LP_STORER_ERROR_INVALID_DESTINATION, /* not a directory path nor s3://bucket/prefix/ */
  LP_STORER_ERROR_IO,                  /* a local file could not be written or read */
  LP_STORER_ERROR_NO_CREDENTIALS,      /* no AWS credentials found anywhere */
  LP_STORER_ERROR_CONFIG,              /* an AWS config or credentials file is wrong */
  LP_STORER_ERROR_DENIED,              /* 401/403: wrong key, wrong secret, no permission */
  LP_STORER_ERROR_NOT_FOUND,           /* 404: no such bucket or key */
  LP_STORER_ERROR_TRANSIENT,           /* network or 5xx/429, still failing after the retries */
  LP_STORER_ERROR_PROTOCOL,            /* any other HTTP answer, or one that makes no sense */
  LP_STORER_ERROR_UNSUPPORTED,         /* this storer cannot do that (e.g. list) */
  LP_STORER_ERROR_CANCELLED,           /* the transfer function asked to stop */
} LpStorerError;

/* What a report is about; goes into its file name or key. */
typedef struct
{
  const char *command;  /* what was profiled ("myserver"); NULL or "" for "report" */
  gint64      pid;      /* 0 when unknown */
  GDateTime  *time;     /* when the recording started; NULL for now */
} LpReportMeta;

typedef struct _LpStorer      LpStorer;

/* LpStorerTransferFunc: @done of @total bytes of a report sent so far;
 * called from the thread that stores, during the transfer. Return FALSE
 * to cancel: the store then fails with LP_STORER_ERROR_CANCELLED and the
 * report is not spooled (the caller still has it). */
typedef gboolean (*LpStorerTransferFunc) (guint64  done,
                                          guint64  total,
                                          gpointer user_data);
typedef struct _LpStorerClass LpStorerClass;

/* lp_storer_progress: called while listing or fetching many reports,
 * @done of @total (total 0 while still listing). */
typedef void (*LpStorerProgressFunc) (guint    done,
                                      guint    total,
                                      gpointer user_data);

/* The table a backend fills in. store, put, describe and free are
 * required; list and fetch may be NULL (the storer then cannot be read back). */
struct _LpStorerClass
{
  const char *name;  /* "directory", "s3" */

  /* store: saves @report; *@location (you own it) says where it went, as
   * a path or an s3:// URL. */
  gboolean  (*store)    (LpStorer            *self,
                         GBytes              *report,
                         const LpReportMeta  *meta,
                         char               **location,
                         GError             **error);
  /* put: saves @report under exactly @name (a file name, or the rest of
   * an S3 key after the prefix), once: a failure is only reported, never
   * spooled (the spool itself sends through this). */
  gboolean  (*put)      (LpStorer    *self,
                         const char  *name,
                         GBytes      *report,
                         GError     **error);
  char     *(*describe) (LpStorer *self);
  void      (*free)     (LpStorer *self);

  /* list: the names of all *.folded reports at the destination, sorted. */
  GPtrArray *(*list)    (LpStorer              *self,
                         LpStorerProgressFunc   progress,
                         gpointer               user_data,
                         GError               **error);
  /* fetch: one report's bytes, by a name from list. */
  GBytes    *(*fetch)   (LpStorer    *self,
                         const char  *name,
                         GError     **error);
};

/* Every storer starts with this; backends embed it as their first member. */
struct _LpStorer
{
  const LpStorerClass  *klass;
  LpStorerTransferFunc  transfer_func;
  gpointer              transfer_data;
};

/* lp_storer_new_for_destination: a storer for @dest: "s3://bucket/prefix/"
 * (or "s3://bucket") for S3, anything else is a directory path (created
 * when the first report is stored). For S3 the credentials and region are
 * read now, so a missing credential fails here, before any recording.
 * Returns (transfer full): free with lp_storer_free(). */
LpStorer   *lp_storer_new_for_destination (const char  *dest,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_new_for_location: a storer for the directory or S3 prefix
 * that holds @location, a report's full place as lp_storer_store() gives
 * it ("/dir/file.folded", "s3://bucket/prefix/file.folded"); *@name (you
 * own it) is the rest, for lp_storer_put(). */
LpStorer   *lp_storer_new_for_location    (const char  *location,
                                           char       **name,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_is_s3_destination: whether @dest names S3 rather than a directory. */
gboolean    lp_storer_is_s3_destination   (const char *dest);

/* lp_storer_store: saves @report (folded text) with @meta. On success
 * *@location (if not NULL; you own it) is where it went. A storer never
 * loses a report: when it fails for good, the report is kept on local disk
 * and the error message says where (see lp-spool.h for S3). */
gboolean    lp_storer_store               (LpStorer            *self,
                                           GBytes              *report,
                                           const LpReportMeta  *meta,
                                           char               **location,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_put: saves @report under exactly @name at the destination,
 * once, without spooling it on failure (see LpStorerClass.put). */
gboolean    lp_storer_put                 (LpStorer     *self,
                                           const char   *name,
                                           GBytes       *report,
                                           GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_store_folded: lp_storer_store() of the sorted text of @folded. */
gboolean    lp_storer_store_folded        (LpStorer            *self,
                                           const LpFolded      *folded,
                                           const LpReportMeta  *meta,
                                           char               **location,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_describe: the destination for people ("s3://b/p/ (us-east-1,
 * http://127.0.0.1:9000)", "directory /var/tmp/reports"), with no secret
 * in it; you own the string. */
char       *lp_storer_describe            (LpStorer *self) G_GNUC_WARN_UNUSED_RESULT;

gboolean    lp_storer_can_read            (LpStorer *self);

/* lp_storer_list: names of the *.folded reports at the destination, in
 * name (so time) order; you own the array (of char *). */
GPtrArray  *lp_storer_list                (LpStorer              *self,
                                           LpStorerProgressFunc   progress,
                                           gpointer               user_data,
                                           GError               **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_fetch: one report by a name from lp_storer_list(); you own it. */
GBytes     *lp_storer_fetch               (LpStorer    *self,
                                           const char  *name,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_load_all: lists the destination and reads every report into
 * @dest (merging them); *@n_reports (if not NULL) is how many were read.
 * @progress is called after each report. Fails on the first report that
 * cannot be fetched or read (lines that cannot be read are skipped). */
gboolean    lp_storer_load_all            (LpStorer              *self,
                                           LpFolded              *dest,
                                           guint                 *n_reports,
                                           LpStorerProgressFunc   progress,
                                           gpointer               user_data,
                                           GError               **error);

/* lp_storer_set_transfer_func: progress of each store (and a way to cancel
 * it), e.g. for a progress bar; NULL for none. */
void        lp_storer_set_transfer_func   (LpStorer              *self,
                                           LpStorerTransferFunc   func,
                                           gpointer               user_data);

void        lp_storer_free                (LpStorer *self);

/* Helpers shared by the backends. */

/* lp_storer_format_time: @time (or now, if NULL) in UTC as ISO 8601 basic
 * format with milliseconds, "20261124T125006.123Z": sorts by time, no ':'
 * (which make, scp and other systems' file names trip over). */
char       *lp_storer_format_time         (GDateTime *time) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_sanitize_command: @command reduced to a safe file-name part:
 * its base name, [A-Za-z0-9._+-] kept, others as '_', at most 64 bytes;
 * "report" when empty. */
char       *lp_storer_sanitize_command    (const char *command) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpStorer, lp_storer_free)

G_END_DECLS
