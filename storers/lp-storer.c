/* lp-storer.c: the storer interface: choosing a backend, dispatch, shared helpers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lp-folded-reader.h"
#include "lp-storer.h"
#include "lp-storer-fs.h"
#include "lp-storer-s3.h"

G_DEFINE_QUARK (lp-storer-error-quark, lp_storer_error)

gboolean
lp_storer_is_s3_destination (const char *dest)
{
  return dest != NULL && g_ascii_strncasecmp (dest, "s3://", 5) == 0;
}

LpStorer *
lp_storer_new_for_destination (const char  *dest,
                               GError     **error)
{
  g_return_val_if_fail (dest != NULL, NULL);

  if (*dest == '\0')
    {
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_INVALID_DESTINATION,
                   _("Empty destination: give a directory or s3://bucket/prefix/"));
      return NULL;
    }
  if (lp_storer_is_s3_destination (dest))
    return lp_storer_s3_new_for_url (dest, error);
  if (strstr (dest, "://") != NULL)
    {
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_INVALID_DESTINATION,
                   _("Unknown destination %s: give a directory or s3://bucket/prefix/"), dest);
      return NULL;
    }
  return lp_storer_fs_new (dest);
}

LpStorer *
lp_storer_new_for_location (const char  *location,
                            char       **name,
                            GError     **error)
{
  g_autofree char *dest = NULL;
  LpStorer *storer;

  g_return_val_if_fail (location != NULL && name != NULL, NULL);

  if (lp_storer_is_s3_destination (location))
    {
      /* s3://bucket/prefix/key: the storer is what the key's last '/' leaves */
      const char *slash = strrchr (location + 5, '/');

      dest = slash != NULL ? g_strndup (location, slash + 1 - location) : g_strdup (location);
      storer = lp_storer_new_for_destination (dest, error);
      if (storer != NULL)
        *name = g_strdup (slash != NULL ? slash + 1 : "");
      return storer;
    }
  dest = g_path_get_dirname (location);
  storer = lp_storer_new_for_destination (dest, error);
  if (storer != NULL)
    *name = g_path_get_basename (location);
  return storer;
}

gboolean
lp_storer_store (LpStorer            *self,
                 GBytes              *report,
                 const LpReportMeta  *meta,
                 char               **location,
                 GError             **error)
{
  static const LpReportMeta no_meta = { NULL, 0, NULL };
  g_autofree char *where = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  if (!self->klass->store (self, report, meta != NULL ? meta : &no_meta, &where, error))
    return FALSE;
  if (location != NULL)
    *location = g_steal_pointer (&where);
  return TRUE;
}

gboolean
lp_storer_put (LpStorer    *self,
               const char  *name,
               GBytes      *report,
               GError     **error)
{
  g_return_val_if_fail (self != NULL && name != NULL && report != NULL, FALSE);

  return self->klass->put (self, name, report, error);
}

gboolean
lp_storer_store_folded (LpStorer            *self,
                        const LpFolded      *folded,
                        const LpReportMeta  *meta,
                        char               **location,
                        GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (folded != NULL, FALSE);
  bytes = lp_folded_to_bytes (folded);
  return lp_storer_store (self, bytes, meta, location, error);
}

char *
lp_storer_describe (LpStorer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->klass->describe (self);
}

gboolean
lp_storer_can_read (LpStorer *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->klass->list != NULL && self->klass->fetch != NULL;
}

GPtrArray *
lp_storer_list (LpStorer              *self,
                LpStorerProgressFunc   progress,
                gpointer               user_data,
                GError               **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->klass->list == NULL)
    {
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_UNSUPPORTED,
                   _("Reports cannot be listed from a %s destination"), self->klass->name);
      return NULL;
    }
  return self->klass->list (self, progress, user_data, error);
}

GBytes *
lp_storer_fetch (LpStorer    *self,
                 const char  *name,
                 GError     **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  if (self->klass->fetch == NULL)
    {
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_UNSUPPORTED,
                   _("Reports cannot be read from a %s destination"), self->klass->name);
      return NULL;
    }
  return self->klass->fetch (self, name, error);
}

gboolean
lp_storer_load_all (LpStorer              *self,
                    LpFolded              *dest,
                    guint                 *n_reports,
                    LpStorerProgressFunc   progress,
                    gpointer               user_data,
                    GError               **error)
{
  g_autoptr(GPtrArray) names = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  names = lp_storer_list (self, progress, user_data, error);
  if (names == NULL)
    return FALSE;
  if (names->len == 0)
    {
      g_autofree char *what = lp_storer_describe (self);
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_NOT_FOUND,
                   _("No *.folded report at %s"), what);
      return FALSE;
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autoptr(GBytes) bytes = lp_storer_fetch (self, name, error);
      g_autoptr(LpFoldedReader) reader = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize len;
      const char *data;

      if (bytes == NULL)
        return FALSE;
      data = g_bytes_get_data (bytes, &len);
      reader = lp_folded_reader_new (dest, LP_FOLDED_READER_DEFAULT);
      if (!lp_folded_reader_feed (reader, data, len, &local_error) ||
          !lp_folded_reader_finish (reader, &local_error))
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_PROTOCOL,
                       _("Could not read report %s: %s"), name, local_error->message);
          return FALSE;
        }
      if (progress != NULL)
        progress (i + 1, names->len, user_data);
    }
  if (n_reports != NULL)
    *n_reports = names->len;
  return TRUE;
}

void
lp_storer_set_transfer_func (LpStorer             *self,
                             LpStorerTransferFunc  func,
                             gpointer              user_data)
{
  g_return_if_fail (self != NULL);
  self->transfer_func = func;
  self->transfer_data = user_data;
}

void
lp_storer_free (LpStorer *self)
{
  if (self == NULL)
    return;
  self->klass->free (self);
}

char *
lp_storer_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *base = NULL;

  if (time == NULL)
    time = now = g_date_time_new_now_utc ();
  utc = g_date_time_to_utc (time);
  base = g_date_time_format (utc, "%Y%m%dT%H%M%S");
  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

char *
lp_storer_sanitize_command (const char *command)
{
  g_autofree char *base = NULL;
  GString *out;

  if (command == NULL || *command == '\0')
    return g_strdup ("report");

  /* "/usr/bin/python3 -m x" -> "python3": the program is what tells runs apart */
  {
    g_autofree char *first = g_strdup (command);
    char *space = strchr (first, ' ');

    if (space != NULL && space != first)
      *space = '\0';
    base = g_path_get_basename (first);
  }

  out = g_string_new (NULL);
  for (const char *p = base; *p != '\0' && out->len < 64; p++)
    {
      char c = *p;

      if (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '+' || c == '-')
        g_string_append_c (out, c);
      else
        g_string_append_c (out, '_');
    }
  /* a leading '.' would hide the file, "." and ".." are no names */
  while (out->len > 0 && out->str[0] == '.')
    out->str[0] = '_';
  if (out->len == 0)
    g_string_assign (out, "report");
  return g_string_free (out, FALSE);
}
