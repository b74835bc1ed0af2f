/* lp-storer-fs.c: the filesystem storer: atomic writes of reports into a directory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lp-atomic-file.h"
#include "lp-file.h"
#include "lp-spool.h"
#include "lp-storer-fs.h"

typedef struct
{
  LpStorer  parent;
  char     *dir;
} LpStorerFs;

char *
lp_storer_fs_build_name (const LpReportMeta *meta)
{
  g_autofree char *when = lp_storer_format_time (meta->time);
  g_autofree char *command = lp_storer_sanitize_command (meta->command);

  if (meta->pid > 0)
    return g_strdup_printf ("laprof-%s-%s-%" G_GINT64_FORMAT ".folded", when, command, meta->pid);
  return g_strdup_printf ("laprof-%s-%s.folded", when, command);
}

/* A message that says what to do, not only what errno says. */
static void
set_io_error (GError     **error,
              const char  *dir,
              GError      *cause)
{
  const char *hint = "";

  if (cause->domain == G_FILE_ERROR)
    {
      if (cause->code == G_FILE_ERROR_NOSPC)
        hint = _(" (the disk is full)");
      else if (cause->code == G_FILE_ERROR_ACCES || cause->code == G_FILE_ERROR_PERM ||
               cause->code == G_FILE_ERROR_ROFS)
        hint = _(" (the directory is not writable)");
      else if (cause->code == G_FILE_ERROR_FAILED)
        hint = _(" (the file would exceed the allowed size)");
    }
  g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_IO,
               _("Could not save the report in %s%s: %s"), dir, hint, cause->message);
}

gboolean
lp_storer_fs_write (LpStorer    *storer,
                    const char  *name,
                    GBytes      *report,
                    char       **path,
                    GError     **error)
{
  LpStorerFs *self = (LpStorerFs *) storer;
  g_autoptr(LpAtomicFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *target = NULL;
  const char *data;
  gsize len;

  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, FALSE);

  if (g_mkdir_with_parents (self->dir, 0777) != 0)
    {
      int saved = errno;

      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_IO,
                   _("Could not create the directory %s: %s"), self->dir, g_strerror (saved));
      return FALSE;
    }

  /* two reports of one command in one millisecond: never replace the first */
  target = g_build_filename (self->dir, name, NULL);
  for (guint n = 2; g_file_test (target, G_FILE_TEST_EXISTS) && n < 1000; n++)
    {
      g_autofree char *stem = g_strndup (name, strlen (name) - (g_str_has_suffix (name, ".folded") ? 7 : 0));
      g_autofree char *other = g_strdup_printf ("%s.%u.folded", stem, n);

      g_free (target);
      target = g_build_filename (self->dir, other, NULL);
    }

  file = lp_atomic_file_open (target, &local_error);
  if (file == NULL)
    {
      set_io_error (error, self->dir, local_error);
      return FALSE;
    }
  data = g_bytes_get_data (report, &len);
  if (!lp_file_write_all (lp_atomic_file_get_fd (file), data, len, target, &local_error) ||
      !lp_atomic_file_commit (g_steal_pointer (&file), &local_error))
    {
      set_io_error (error, self->dir, local_error);
      return FALSE;
    }
  if (path != NULL)
    *path = g_steal_pointer (&target);
  return TRUE;
}

static gboolean
fs_store (LpStorer            *storer,
          GBytes              *report,
          const LpReportMeta  *meta,
          char               **location,
          GError             **error)
{
  LpStorerFs *self = (LpStorerFs *) storer;
  g_autofree char *name = lp_storer_fs_build_name (meta);
  g_autofree char *spool_dir = NULL;
  g_autofree char *spooled = NULL;
  g_autofree char *belongs = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) spool_error = NULL;

  if (storer->transfer_func != NULL &&
      !storer->transfer_func (0, g_bytes_get_size (report), storer->transfer_data))
    {
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CANCELLED, _("Cancelled"));
      return FALSE;
    }
  if (lp_storer_fs_write (storer, name, report, location, &store_error))
    {
      if (storer->transfer_func != NULL)
        storer->transfer_func (g_bytes_get_size (report), g_bytes_get_size (report), storer->transfer_data);
      return TRUE;
    }

  /* never lose a report: keep it in the spool, unless that is where it failed */
  spool_dir = lp_spool_get_dir ();
  belongs = g_build_filename (self->dir, name, NULL);
  if (g_strcmp0 (spool_dir, self->dir) != 0 &&
      lp_spool_keep (spool_dir, name, report, belongs, &spooled, &spool_error))
    {
      g_set_error (error, LP_STORER_ERROR, store_error->code,
                   _("%s. The report is kept in %s; run 'laprof-cli upload --spool' to try again."),
                   store_error->message, spooled);
      return FALSE;
    }
  if (spool_error != NULL)
    g_set_error (error, LP_STORER_ERROR, store_error->code,
                 _("%s. The report could not be kept in the spool either: %s"),
                 store_error->message, spool_error->message);
  else
    g_propagate_error (error, g_steal_pointer (&store_error));
  return FALSE;
}

static gboolean
fs_put (LpStorer    *storer,
        const char  *name,
        GBytes      *report,
        GError     **error)
{
  return lp_storer_fs_write (storer, name, report, NULL, error);
}

static char *
fs_describe (LpStorer *storer)
{
  LpStorerFs *self = (LpStorerFs *) storer;

  return g_strdup_printf (_("directory %s"), self->dir);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
fs_list (LpStorer              *storer,
         LpStorerProgressFunc   progress,
         gpointer               user_data,
         GError               **error)
{
  LpStorerFs *self = (LpStorerFs *) storer;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  dir = g_dir_open (self->dir, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, LP_STORER_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? LP_STORER_ERROR_NOT_FOUND : LP_STORER_ERROR_IO,
                   "%s", local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".folded"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

static GBytes *
fs_fetch (LpStorer    *storer,
          const char  *name,
          GError     **error)
{
  LpStorerFs *self = (LpStorerFs *) storer;
  g_autofree char *path = g_build_filename (self->dir, name, NULL);
  g_autoptr(GError) local_error = NULL;
  char *data;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return g_bytes_new_take (data, len);
}

static void
fs_free (LpStorer *storer)
{
  LpStorerFs *self = (LpStorerFs *) storer;

  g_free (self->dir);
  g_free (self);
}

static const LpStorerClass fs_class = {
  .name = "directory",
  .store = fs_store,
  .put = fs_put,
  .describe = fs_describe,
  .free = fs_free,
  .list = fs_list,
  .fetch = fs_fetch,
};

LpStorer *
lp_storer_fs_new (const char *dir)
{
  LpStorerFs *self;

  g_return_val_if_fail (dir != NULL && *dir != '\0', NULL);

  self = g_new0 (LpStorerFs, 1);
  self->parent.klass = &fs_class;
  self->dir = g_canonicalize_filename (dir, NULL);
  return &self->parent;
}
