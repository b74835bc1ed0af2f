/* lp-atomic-file.c: atomic replacement of files: a temporary file renamed over the target.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lp-atomic-file.h"

struct _LpAtomicFile
{
  char *path;
  char *tmp_path;   /* NULL when writing straight to a device or pipe */
  int   fd;
};

LpAtomicFile *
lp_atomic_file_open (const char  *path,
                     GError     **error)
{
  LpAtomicFile *self;
  g_autofree char *tmp_path = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  /* /dev/null, /dev/stdout, a FIFO: there is nothing to replace
   * atomically, and renaming over them would destroy them */
  {
    struct stat st;

    if (stat (path, &st) == 0 && !S_ISREG (st.st_mode))
      {
        if (S_ISDIR (st.st_mode))
          {
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                         _("Could not save %s: it is a directory"), path);
            return NULL;
          }
        fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
          {
            int saved = errno;
            g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                         _("Could not open %s: %s"), path, g_strerror (saved));
            return NULL;
          }
        self = g_new0 (LpAtomicFile, 1);
        self->path = g_strdup (path);
        self->fd = fd;
        return self;
      }
  }

  tmp_path = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *dir = g_path_get_dirname (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create a file in %s: %s"), dir, g_strerror (saved));
      return NULL;
    }

  /* mkstemp makes 0600; a report is an ordinary file, so honour the umask */
  {
    mode_t mask = umask (0);
    umask (mask);
    fchmod (fd, 0666 & ~mask);
  }

  self = g_new0 (LpAtomicFile, 1);
  self->path = g_strdup (path);
  self->tmp_path = g_steal_pointer (&tmp_path);
  self->fd = fd;
  return self;
}

int
lp_atomic_file_get_fd (LpAtomicFile *self)
{
  return self->fd;
}

const char *
lp_atomic_file_get_path (LpAtomicFile *self)
{
  return self->path;
}

static void
atomic_file_free (LpAtomicFile *self)
{
  g_free (self->path);
  g_free (self->tmp_path);
  g_free (self);
}

void
lp_atomic_file_abort (LpAtomicFile *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  atomic_file_free (self);
}

gboolean
lp_atomic_file_commit (LpAtomicFile  *self,
                       GError       **error)
{
  int fd = self->fd;
  int saved;

  self->fd = -1;
  if (self->tmp_path == NULL)
    {
      /* a device or a pipe: written in place */
      if (close (fd) != 0)
        {
          fd = -1;
          goto fail;
        }
      atomic_file_free (self);
      return TRUE;
    }
  /* fsync before rename: a crash must leave the old file or the whole new one */
  if (fsync (fd) != 0 && errno != EINVAL)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  if (g_rename (self->tmp_path, self->path) != 0)
    goto fail;

  atomic_file_free (self);
  return TRUE;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               _("Could not save %s: %s"), self->path, g_strerror (saved));
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  atomic_file_free (self);
  return FALSE;
}
