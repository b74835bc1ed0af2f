/* lp-aws-config.c: AWS credentials, region and endpoint, and the INI reader for AWS's files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lp-aws-config.h"
#include "lp-storer.h"

static GHashTable *
new_section (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GHashTable *
lp_aws_config_parse_ini (const char  *text,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(GHashTable) ini = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify) g_hash_table_unref);
  g_auto(GStrv) lines = NULL;
  GHashTable *section = NULL;
  g_autofree char *parent_key = NULL;  /* a key whose value is a nested block */

  g_return_val_if_fail (text != NULL, NULL);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gboolean indented = (*line == ' ' || *line == '\t');
      char *eq;
      char *key;
      char *value;

      g_strchomp (line);  /* also drops a '\r' */
      g_strchug (line);
      if (*line == '\0' || *line == '#' || *line == ';')
        continue;

      if (*line == '[')
        {
          char *end = strrchr (line, ']');

          if (end == NULL)
            {
              g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CONFIG,
                           _("%s:%u: a section header without ']'"), name, i + 1);
              return NULL;
            }
          *end = '\0';
          {
            g_autofree char *title = g_strstrip (g_strdup (line + 1));
            /* "[profile   dev]" is "profile dev" */
            g_auto(GStrv) words = g_strsplit_set (title, " \t", -1);
            g_autoptr(GString) norm = g_string_new (NULL);

            for (guint w = 0; words[w] != NULL; w++)
              if (*words[w] != '\0')
                {
                  if (norm->len > 0)
                    g_string_append_c (norm, ' ');
                  g_string_append (norm, words[w]);
                }
            section = g_hash_table_lookup (ini, norm->str);
            if (section == NULL)
              {
                section = new_section ();
                g_hash_table_insert (ini, g_strdup (norm->str), section);
              }
          }
          g_clear_pointer (&parent_key, g_free);
          continue;
        }

      eq = strchr (line, '=');
      if (eq == NULL)
        eq = strchr (line, ':');
      if (eq == NULL || section == NULL)
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CONFIG,
                       section == NULL ? _("%s:%u: a setting before any [section]")
                                       : _("%s:%u: neither a [section] nor a key = value line"),
                       name, i + 1);
          return NULL;
        }
      *eq = '\0';
      key = g_ascii_strdown (g_strstrip (line), -1);
      value = g_strstrip (eq + 1);

      if (indented && parent_key != NULL)
        {
          g_hash_table_insert (section, g_strconcat (parent_key, ".", key, NULL), g_strdup (value));
          g_free (key);
          continue;
        }
      g_clear_pointer (&parent_key, g_free);
      if (*value == '\0')
        parent_key = g_strdup (key);  /* "s3 =" opens a nested block */
      g_hash_table_insert (section, key, g_strdup (value));
    }
  return g_steal_pointer (&ini);
}

GHashTable *
lp_aws_config_profile_section (GHashTable *ini,
                               const char *profile,
                               gboolean    is_config)
{
  g_autofree char *title = NULL;
  GHashTable *section;

  if (ini == NULL)
    return NULL;
  if (!is_config)
    return g_hash_table_lookup (ini, profile);

  title = g_strconcat ("profile ", profile, NULL);
  section = g_hash_table_lookup (ini, title);
  /* "[default]" is how the config file names the default profile */
  if (section == NULL && g_str_equal (profile, "default"))
    section = g_hash_table_lookup (ini, "default");
  return section;
}

static char *
expand_home (const char *path)
{
  if (g_str_has_prefix (path, "~/") || g_str_equal (path, "~"))
    return g_build_filename (g_get_home_dir (), path + 1, NULL);
  return g_strdup (path);
}

static const char *
nonempty_env (const char *name)
{
  const char *value = g_getenv (name);

  return (value != NULL && *value != '\0') ? value : NULL;
}

/* A missing file is no error; an unreadable or malformed one is. */
static gboolean
load_ini (const char   *env_name,
          const char   *default_name,
          char        **path_out,
          GHashTable  **ini_out,
          GError      **error)
{
  const char *env = nonempty_env (env_name);
  g_autofree char *path = env != NULL ? expand_home (env)
                                      : g_build_filename (g_get_home_dir (), ".aws", default_name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  *ini_out = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CONFIG,
                       _("Could not read the AWS file %s: %s"), path, local_error->message);
          return FALSE;
        }
    }
  else
    {
      *ini_out = lp_aws_config_parse_ini (text, path, error);
      if (*ini_out == NULL)
        return FALSE;
    }
  *path_out = g_steal_pointer (&path);
  return TRUE;
}

static const char *
section_get (GHashTable *section,
             const char *key)
{
  const char *value;

  if (section == NULL)
    return NULL;
  value = g_hash_table_lookup (section, key);
  return (value != NULL && *value != '\0') ? value : NULL;
}

LpAwsConfig *
lp_aws_config_load (GError **error)
{
  g_autoptr(LpAwsConfig) config = g_new0 (LpAwsConfig, 1);
  g_autoptr(GHashTable) creds_ini = NULL;
  g_autoptr(GHashTable) config_ini = NULL;
  g_autofree char *creds_path = NULL;
  g_autofree char *config_path = NULL;
  const char *profile_env = nonempty_env ("AWS_PROFILE");
  const char *profile = profile_env != NULL ? profile_env : "default";
  GHashTable *creds_section;
  GHashTable *config_section;
  const char *value;

  if (!load_ini ("AWS_SHARED_CREDENTIALS_FILE", "credentials", &creds_path, &creds_ini, error) ||
      !load_ini ("AWS_CONFIG_FILE", "config", &config_path, &config_ini, error))
    return NULL;
  creds_section = lp_aws_config_profile_section (creds_ini, profile, FALSE);
  config_section = lp_aws_config_profile_section (config_ini, profile, TRUE);

  if (nonempty_env ("AWS_ACCESS_KEY_ID") != NULL && nonempty_env ("AWS_SECRET_ACCESS_KEY") != NULL)
    {
      config->access_key_id = g_strdup (g_getenv ("AWS_ACCESS_KEY_ID"));
      config->secret_access_key = g_strdup (g_getenv ("AWS_SECRET_ACCESS_KEY"));
      config->session_token = g_strdup (nonempty_env ("AWS_SESSION_TOKEN"));
      config->source = g_strdup (_("the environment (AWS_ACCESS_KEY_ID)"));
    }
  else
    {
      GHashTable *from = NULL;
      const char *from_path = NULL;

      if (section_get (creds_section, "aws_access_key_id") != NULL)
        from = creds_section, from_path = creds_path;
      else if (section_get (config_section, "aws_access_key_id") != NULL)
        from = config_section, from_path = config_path;

      if (profile_env != NULL && creds_section == NULL && config_section == NULL)
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_NO_CREDENTIALS,
                       _("The AWS profile “%s” (AWS_PROFILE) is in neither %s nor %s"),
                       profile, creds_path, config_path);
          return NULL;
        }
      if (from == NULL)
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_NO_CREDENTIALS,
                       _("No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                         "or give the profile “%s” aws_access_key_id and aws_secret_access_key in %s"),
                       profile, creds_path);
          return NULL;
        }
      if (section_get (from, "aws_secret_access_key") == NULL)
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CONFIG,
                       _("The AWS profile “%s” in %s has aws_access_key_id but no aws_secret_access_key"),
                       profile, from_path);
          return NULL;
        }
      config->access_key_id = g_strdup (section_get (from, "aws_access_key_id"));
      config->secret_access_key = g_strdup (section_get (from, "aws_secret_access_key"));
      config->session_token = g_strdup (section_get (from, "aws_session_token"));
      config->source = g_strdup_printf (_("profile “%s” in %s"), profile, from_path);
    }

  if ((value = nonempty_env ("AWS_REGION")) != NULL)
    config->region_source = g_strdup ("AWS_REGION");
  else if ((value = nonempty_env ("AWS_DEFAULT_REGION")) != NULL)
    config->region_source = g_strdup ("AWS_DEFAULT_REGION");
  else if ((value = section_get (config_section, "region")) != NULL)
    config->region_source = g_strdup_printf (_("profile “%s” in %s"), profile, config_path);
  else
    {
      value = "us-east-1";
      config->region_source = g_strdup (_("the default"));
    }
  config->region = g_strdup (value);

  if ((value = nonempty_env ("AWS_ENDPOINT_URL_S3")) != NULL ||
      (value = nonempty_env ("AWS_ENDPOINT_URL")) != NULL ||
      (value = section_get (config_section, "s3.endpoint_url")) != NULL ||
      (value = section_get (config_section, "endpoint_url")) != NULL)
    {
      g_autofree char *url = g_strdup (value);
      gsize len = strlen (url);

      while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
      if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CONFIG,
                       _("The S3 endpoint %s is not an http:// or https:// URL"), value);
          return NULL;
        }
      config->endpoint_url = g_steal_pointer (&url);
    }
  return g_steal_pointer (&config);
}

LpAwsConfig *
lp_aws_config_copy (const LpAwsConfig *config)
{
  LpAwsConfig *copy = g_new0 (LpAwsConfig, 1);

  copy->access_key_id = g_strdup (config->access_key_id);
  copy->secret_access_key = g_strdup (config->secret_access_key);
  copy->session_token = g_strdup (config->session_token);
  copy->region = g_strdup (config->region);
  copy->endpoint_url = g_strdup (config->endpoint_url);
  copy->source = g_strdup (config->source);
  copy->region_source = g_strdup (config->region_source);
  return copy;
}

void
lp_aws_config_free (LpAwsConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->access_key_id);
  /* do not leave the secret lying in freed memory */
  if (config->secret_access_key != NULL)
    memset (config->secret_access_key, 0, strlen (config->secret_access_key));
  g_free (config->secret_access_key);
  if (config->session_token != NULL)
    memset (config->session_token, 0, strlen (config->session_token));
  g_free (config->session_token);
  g_free (config->region);
  g_free (config->endpoint_url);
  g_free (config->source);
  g_free (config->region_source);
  g_free (config);
}
