/* lp-aws-config.h: AWS credentials, region and endpoint, found the way AWS tools find them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a request to S3 needs. The secrets are never to be printed, logged
 * or put into a message; @source says where they came from, for messages. */
typedef struct
{
  char *access_key_id;
  char *secret_access_key;
  char *session_token;      /* NULL when none */
  char *region;             /* never NULL after lp_aws_config_load() */
  char *endpoint_url;       /* a custom endpoint (path-style), or NULL for AWS */
  char *source;             /* "environment", "profile dev in /home/u/.aws/credentials" */
  char *region_source;      /* where the region came from */
} LpAwsConfig;

/* lp_aws_config_load: credentials from AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), else from the profile
 * AWS_PROFILE (or "default") in the shared credentials file
 * (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials) and then the config
 * file (AWS_CONFIG_FILE, ~/.aws/config, sections "[profile NAME]").
 * Region from AWS_REGION, AWS_DEFAULT_REGION, the profile's "region", else
 * us-east-1. Endpoint from AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the
 * profile's "s3 = endpoint_url" or "endpoint_url". Errors:
 * LP_STORER_ERROR_NO_CREDENTIALS, LP_STORER_ERROR_CONFIG.
 * (transfer full): free with lp_aws_config_free(). */
LpAwsConfig *lp_aws_config_load      (GError **error) G_GNUC_WARN_UNUSED_RESULT;
LpAwsConfig *lp_aws_config_copy      (const LpAwsConfig *config) G_GNUC_WARN_UNUSED_RESULT;
void         lp_aws_config_free      (LpAwsConfig *config);

/* lp_aws_config_parse_ini: the sections of an AWS-style INI text: a table
 * from section name (as written, trimmed, e.g. "profile dev") to a table
 * from lower-case key to value. Indented lines under a key with an empty
 * value are nested keys, stored as "key.nested" ("s3.endpoint_url").
 * Comments start with '#' or ';' at the start of a line. @name is used in
 * errors (LP_STORER_ERROR_CONFIG, with the line number, never a value).
 * (transfer full) */
GHashTable  *lp_aws_config_parse_ini (const char  *text,
                                      const char  *name,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* lp_aws_config_profile_section: the section @profile of @ini, for a
 * config file (@is_config: "[profile NAME]", or "[default]"), or a
 * credentials file ("[NAME]"); NULL if absent. (transfer none) */
GHashTable  *lp_aws_config_profile_section (GHashTable *ini,
                                            const char *profile,
                                            gboolean    is_config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpAwsConfig, lp_aws_config_free)

G_END_DECLS
