/* lp-s3.h: a small S3 client over libcurl's SigV4: PUT, GET and ListObjectsV2, with retries.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-aws-config.h"

G_BEGIN_DECLS

typedef struct _LpS3Client LpS3Client;

/* What a client did, for the figures (uploads tried, retried, failed). */
typedef struct
{
  guint requests;   /* HTTP requests sent (every attempt) */
  guint retries;    /* attempts after a transient failure */
  guint failures;   /* operations that failed for good */
} LpS3Stats;

/* lp_s3_client_new: a client using a copy of @config. (transfer full) */
LpS3Client *lp_s3_client_new         (const LpAwsConfig *config) G_GNUC_WARN_UNUSED_RESULT;
void        lp_s3_client_free        (LpS3Client *self);

const LpAwsConfig *lp_s3_client_get_config (LpS3Client *self);

/* lp_s3_client_set_retry: at most @max_attempts tries of each request
 * (default 4, or $LAPROF_S3_MAX_ATTEMPTS) when it fails transiently
 * (connection refused, timeout, 5xx, 429), waiting @base_delay_ms (default
 * 250, or $LAPROF_S3_RETRY_DELAY_MS) times 2^n with jitter in between.
 * A transfer that stalls for $LAPROF_S3_STALL_TIMEOUT_S (default 30)
 * seconds is a timeout, and retried too. */
void        lp_s3_client_set_retry   (LpS3Client *self,
                                      guint       max_attempts,
                                      guint       base_delay_ms);
void        lp_s3_client_get_stats   (LpS3Client *self,
                                      LpS3Stats  *stats);

/* lp_s3_client_set_transfer_func: upload progress of each PUT; returning
 * FALSE cancels it (LP_STORER_ERROR_CANCELLED, no retry). */
void        lp_s3_client_set_transfer_func (LpS3Client *self,
                                            gboolean  (*func) (guint64 done, guint64 total, gpointer user_data),
                                            gpointer    user_data);

/* lp_s3_put_object: PUT @body as @key with Content-Type text/plain. */
gboolean    lp_s3_put_object         (LpS3Client  *self,
                                      const char  *bucket,
                                      const char  *key,
                                      GBytes      *body,
                                      GError     **error);

/* lp_s3_get_object: the bytes of @key; you own them. */
GBytes     *lp_s3_get_object         (LpS3Client  *self,
                                      const char  *bucket,
                                      const char  *key,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_s3_list_objects: every key under @prefix (ListObjectsV2, all pages),
 * in S3's order (UTF-8 binary); @progress gets (n_so_far, 0) after each page.
 * An array of char * you own. */
GPtrArray  *lp_s3_list_objects       (LpS3Client   *self,
                                      const char   *bucket,
                                      const char   *prefix,
                                      void        (*progress) (guint done, guint total, gpointer user_data),
                                      gpointer      user_data,
                                      GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_s3_uri_encode: @s percent-encoded as SigV4 wants (RFC 3986: only
 * A-Z a-z 0-9 - . _ ~ kept, upper-case hex), '/' kept when @keep_slash. */
char       *lp_s3_uri_encode         (const char *s,
                                      gboolean    keep_slash) G_GNUC_WARN_UNUSED_RESULT;

/* lp_s3_canonical_query: "k=v&k=v" from @pairs (name, value, name, value,
 * …, NULL; a NULL-valued pair is left out), each encoded with
 * lp_s3_uri_encode() and sorted by encoded name then value: the canonical
 * query of SigV4, which is also sent as is (curl 7.88 signs the query
 * exactly as given). */
char       *lp_s3_canonical_query    (const char * const *pairs) G_GNUC_WARN_UNUSED_RESULT;

/* lp_s3_build_url: the URL of @key (may be NULL) in @bucket with @query
 * (may be NULL): path-style under a custom endpoint, virtual-hosted on
 * AWS (path-style for bucket names with dots). */
char       *lp_s3_build_url          (const LpAwsConfig *config,
                                      const char        *bucket,
                                      const char        *key,
                                      const char        *query) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpS3Client, lp_s3_client_free)

G_END_DECLS
