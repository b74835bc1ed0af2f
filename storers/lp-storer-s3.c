/* lp-storer-s3.c: the S3 storer: reports PUT to s3://bucket/prefix/, kept in the spool when that fails.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lp-spool.h"
#include "lp-storer-s3.h"

typedef struct
{
  LpStorer    parent;
  LpS3Client *client;
  char       *bucket;
  char       *prefix;
  char       *spool_dir;
} LpStorerS3;

gboolean
lp_storer_s3_parse_url (const char  *url,
                        char       **bucket,
                        char       **rest,
                        GError     **error)
{
  const char *start;
  const char *slash;
  g_autofree char *name = NULL;

  if (!lp_storer_is_s3_destination (url))
    goto invalid;
  start = url + 5;
  slash = strchr (start, '/');
  name = slash != NULL ? g_strndup (start, slash - start) : g_strdup (start);
  /* S3 bucket names: 3-63 of [a-z0-9.-] */
  if (strlen (name) < 3 || strlen (name) > 63)
    goto invalid;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '.' || *p == '-'))
      goto invalid;
  *bucket = g_steal_pointer (&name);
  *rest = g_strdup (slash != NULL ? slash + 1 : "");
  return TRUE;

invalid:
  g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_INVALID_DESTINATION,
               _("%s is not an S3 destination: use s3://bucket/prefix/ (bucket names are 3–63 "
                 "lower-case letters, digits, '.' and '-')"), url);
  return FALSE;
}

char *
lp_storer_s3_build_key (const char         *prefix,
                        const LpReportMeta *meta)
{
  g_autofree char *when = lp_storer_format_time (meta->time);
  g_autofree char *command = lp_storer_sanitize_command (meta->command);

  return g_strdup_printf ("%s%s-%08x-%s.folded", prefix != NULL ? prefix : "", when,
                          g_random_int (), command);
}

static gboolean
forward_transfer (guint64  done,
                  guint64  total,
                  gpointer user_data)
{
  LpStorer *storer = user_data;

  return storer->transfer_func == NULL ||
         storer->transfer_func (done, total, storer->transfer_data);
}

gboolean
lp_storer_s3_put (LpStorer    *storer,
                  const char  *key,
                  GBytes      *report,
                  GError     **error)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;

  return lp_s3_put_object (self->client, self->bucket, key, report, error);
}

static gboolean
s3_put (LpStorer    *storer,
        const char  *name,
        GBytes      *report,
        GError     **error)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;
  g_autofree char *key = g_strconcat (self->prefix, name, NULL);

  return lp_storer_s3_put (storer, key, report, error);
}

static gboolean
s3_store (LpStorer            *storer,
          GBytes              *report,
          const LpReportMeta  *meta,
          char               **location,
          GError             **error)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;
  g_autofree char *key = lp_storer_s3_build_key (self->prefix, meta);
  g_autofree char *url = g_strdup_printf ("s3://%s/%s", self->bucket, key);
  g_autofree char *name = NULL;
  g_autofree char *spooled = NULL;
  g_autoptr(GError) put_error = NULL;
  g_autoptr(GError) spool_error = NULL;

  lp_s3_client_set_transfer_func (self->client, storer->transfer_func ? forward_transfer : NULL, storer);
  if (lp_s3_put_object (self->client, self->bucket, key, report, &put_error))
    {
      *location = g_steal_pointer (&url);
      return TRUE;
    }
  if (g_error_matches (put_error, LP_STORER_ERROR, LP_STORER_ERROR_CANCELLED))
    {
      /* the caller asked for it and still has the report */
      g_propagate_error (error, g_steal_pointer (&put_error));
      return FALSE;
    }

  /* never lose a report: it waits in the spool for 'laprof-cli upload --spool' */
  name = g_path_get_basename (key);
  if (!lp_spool_keep (self->spool_dir, name, report, url, &spooled, &spool_error))
    {
      g_set_error (error, LP_STORER_ERROR, put_error->code,
                   _("%s. The report could not be kept either: %s"),
                   put_error->message, spool_error->message);
      return FALSE;
    }
  g_set_error (error, LP_STORER_ERROR, put_error->code,
               _("%s. The report is kept in %s; run 'laprof-cli upload --spool' to try again."),
               put_error->message, spooled);
  return FALSE;
}

static char *
s3_describe (LpStorer *storer)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;
  const LpAwsConfig *config = lp_s3_client_get_config (self->client);

  if (config->endpoint_url != NULL)
    return g_strdup_printf (_("s3://%s/%s (region %s, endpoint %s)"), self->bucket, self->prefix,
                            config->region, config->endpoint_url);
  return g_strdup_printf (_("s3://%s/%s (region %s)"), self->bucket, self->prefix, config->region);
}

static GPtrArray *
s3_list (LpStorer              *storer,
         LpStorerProgressFunc   progress,
         gpointer               user_data,
         GError               **error)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  keys = lp_s3_list_objects (self->client, self->bucket, self->prefix, progress, user_data, error);
  if (keys == NULL)
    return NULL;
  /* names are keys; S3 already lists them in byte order */
  for (guint i = 0; i < keys->len; i++)
    if (g_str_has_suffix (keys->pdata[i], ".folded"))
      g_ptr_array_add (names, g_strdup (keys->pdata[i]));
  return g_steal_pointer (&names);
}

static GBytes *
s3_fetch (LpStorer    *storer,
          const char  *name,
          GError     **error)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;

  return lp_s3_get_object (self->client, self->bucket, name, error);
}

static void
s3_free (LpStorer *storer)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;

  lp_s3_client_free (self->client);
  g_free (self->bucket);
  g_free (self->prefix);
  g_free (self->spool_dir);
  g_free (self);
}

static const LpStorerClass s3_class = {
  .name = "s3",
  .store = s3_store,
  .put = s3_put,
  .describe = s3_describe,
  .free = s3_free,
  .list = s3_list,
  .fetch = s3_fetch,
};

LpStorer *
lp_storer_s3_new (const LpAwsConfig *config,
                  const char        *bucket,
                  const char        *prefix)
{
  LpStorerS3 *self;

  g_return_val_if_fail (config != NULL && bucket != NULL, NULL);

  self = g_new0 (LpStorerS3, 1);
  self->parent.klass = &s3_class;
  self->client = lp_s3_client_new (config);
  self->bucket = g_strdup (bucket);
  self->prefix = g_strdup (prefix != NULL ? prefix : "");
  self->spool_dir = lp_spool_get_dir ();
  return &self->parent;
}

LpStorer *
lp_storer_s3_new_for_url (const char  *url,
                          GError     **error)
{
  g_autofree char *bucket = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(LpAwsConfig) config = NULL;

  if (!lp_storer_s3_parse_url (url, &bucket, &prefix, error))
    return NULL;
  config = lp_aws_config_load (error);
  if (config == NULL)
    return NULL;
  return lp_storer_s3_new (config, bucket, prefix);
}

void
lp_storer_s3_set_spool_dir (LpStorer   *storer,
                            const char *spool_dir)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;

  g_return_if_fail (storer->klass == &s3_class);
  g_free (self->spool_dir);
  self->spool_dir = g_strdup (spool_dir);
}

LpS3Client *
lp_storer_s3_get_client (LpStorer *storer)
{
  LpStorerS3 *self = (LpStorerS3 *) storer;

  g_return_val_if_fail (storer->klass == &s3_class, NULL);
  return self->client;
}
