/* lp-spool.c: the local spool: reports that could not be stored wait here to be retried.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lp-atomic-file.h"
#include "lp-file.h"
#include "lp-spool.h"
#include "lp-storer.h"

char *
lp_spool_get_dir (void)
{
  const char *env = g_getenv ("LAPROF_SPOOL_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_state_dir (), "laprof", "spool", NULL);
}

static gboolean
write_atomic (const char  *path,
              const char  *data,
              gsize        len,
              GError     **error)
{
  g_autoptr(LpAtomicFile) file = lp_atomic_file_open (path, error);

  if (file == NULL)
    return FALSE;
  if (!lp_file_write_all (lp_atomic_file_get_fd (file), data, len, path, error))
    return FALSE;
  return lp_atomic_file_commit (g_steal_pointer (&file), error);
}

gboolean
lp_spool_keep (const char  *spool_dir,
               const char  *name,
               GBytes      *report,
               const char  *location,
               char       **path,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *target = NULL;
  g_autofree char *dest_path = NULL;
  g_autofree char *dest_text = NULL;
  const char *data;
  gsize len;

  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, FALSE);

  if (g_mkdir_with_parents (spool_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_IO,
                   _("Could not create the spool directory %s: %s"), spool_dir, g_strerror (saved));
      return FALSE;
    }

  target = g_build_filename (spool_dir, name, NULL);
  for (guint n = 2; g_file_test (target, G_FILE_TEST_EXISTS) && n < 1000; n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s/%u-%s", spool_dir, n, name);
    }

  /* the side file first: a report in the spool always knows where it belongs */
  dest_path = g_strconcat (target, ".dest", NULL);
  dest_text = g_strconcat (location, "\n", NULL);
  data = g_bytes_get_data (report, &len);
  if (!write_atomic (dest_path, dest_text, strlen (dest_text), &local_error) ||
      !write_atomic (target, data, len, &local_error))
    {
      g_unlink (dest_path);
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_IO,
                   _("Could not keep the report in the spool: %s"), local_error->message);
      return FALSE;
    }
  if (path != NULL)
    *path = g_steal_pointer (&target);
  return TRUE;
}

void
lp_spool_entry_free (LpSpoolEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->path);
  g_free (entry->location);
  g_free (entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const LpSpoolEntry *ea = *(LpSpoolEntry * const *) a;
  const LpSpoolEntry *eb = *(LpSpoolEntry * const *) b;

  return strcmp (ea->path, eb->path);
}

GPtrArray *
lp_spool_list (const char  *spool_dir,
               GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lp_spool_entry_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open (spool_dir, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *dest_path = NULL;
      g_autofree char *location = NULL;
      LpSpoolEntry *entry;

      if (!g_str_has_suffix (name, ".folded"))
        continue;
      path = g_build_filename (spool_dir, name, NULL);
      dest_path = g_strconcat (path, ".dest", NULL);
      if (!g_file_get_contents (dest_path, &location, NULL, NULL))
        continue;  /* not ours, or half-written: leave it alone */
      g_strstrip (location);
      if (*location == '\0')
        continue;
      entry = g_new0 (LpSpoolEntry, 1);
      entry->path = g_steal_pointer (&path);
      entry->location = g_steal_pointer (&location);
      g_ptr_array_add (entries, entry);
    }
  g_ptr_array_sort (entries, compare_entries);
  return g_steal_pointer (&entries);
}

void
lp_spool_remove (const LpSpoolEntry *entry)
{
  g_autofree char *dest_path = g_strconcat (entry->path, ".dest", NULL);

  g_unlink (entry->path);
  g_unlink (dest_path);
}

gboolean
lp_spool_send (const LpSpoolEntry  *entry,
               GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) report = NULL;
  g_autoptr(LpStorer) storer = NULL;
  g_autofree char *name = NULL;
  char *data;
  gsize len;

  if (!g_file_get_contents (entry->path, &data, &len, &local_error))
    {
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }
  report = g_bytes_new_take (data, len);

  storer = lp_storer_new_for_location (entry->location, &name, error);
  if (storer == NULL || !lp_storer_put (storer, name, report, error))
    return FALSE;
  lp_spool_remove (entry);
  return TRUE;
}
