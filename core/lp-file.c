/* lp-file.c: whole writes to a file descriptor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "lp-file.h"

gboolean
lp_file_write_all (int          fd,
                   const char  *data,
                   gsize        len,
                   const char  *what,
                   GError     **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Could not write to %s: %s"), what, g_strerror (saved));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}
