/* lp-storer-s3.h: the S3 storer: reports PUT to s3://bucket/prefix/, kept in the spool when that fails.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-s3.h"
#include "lp-storer.h"

G_BEGIN_DECLS

/* lp_storer_s3_parse_url: "s3://bucket/rest" into @bucket and @rest (the
 * prefix or key, "" when none); both yours. LP_STORER_ERROR_INVALID_DESTINATION
 * for anything else. */
gboolean    lp_storer_s3_parse_url    (const char  *url,
                                       char       **bucket,
                                       char       **rest,
                                       GError     **error);

/* lp_storer_s3_new_for_url: a storer for "s3://bucket/prefix/", with the
 * credentials, region and endpoint of lp_aws_config_load(). The prefix is
 * used as given: "s3://b/runs/" stores "runs/<name>", "s3://b/runs-"
 * stores "runs-<name>". (transfer full) */
LpStorer   *lp_storer_s3_new_for_url  (const char  *url,
                                       GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_s3_new: the same with a given @config (copied). */
LpStorer   *lp_storer_s3_new          (const LpAwsConfig  *config,
                                       const char         *bucket,
                                       const char         *prefix) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_s3_build_key: <prefix><UTC ISO 8601>-<8 random hex>-<command>.folded;
 * the random part keeps uploads from many hosts at one instant apart. */
char       *lp_storer_s3_build_key    (const char         *prefix,
                                       const LpReportMeta *meta) G_GNUC_WARN_UNUSED_RESULT;

/* lp_storer_s3_put: PUTs @report as @key (a whole key, not under the
 * prefix), with retries, but no spool: the caller keeps the report. */
gboolean    lp_storer_s3_put          (LpStorer    *self,
                                       const char  *key,
                                       GBytes      *report,
                                       GError     **error);

/* lp_storer_s3_set_spool_dir: where failed uploads are kept (default
 * lp_spool_get_dir()). */
void        lp_storer_s3_set_spool_dir (LpStorer   *self,
                                        const char *spool_dir);

/* lp_storer_s3_get_client: the client, for its retry settings and stats. (transfer none) */
LpS3Client *lp_storer_s3_get_client   (LpStorer *self);

G_END_DECLS
