/* lp-python.c: the Python frame reader's error domain, reads of a live
 * process, and version numbers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reader is split along its seams: lp-python-find.c finds the
 * interpreter in a process, lp-python-reader.c walks a thread's frames,
 * lp-python-reader-thread.c reads thread names, lp-python-layouts.c holds
 * the per-version offsets and lp-python-text.c the strings and line tables.
 * What they share is in lp-python-private.h; the research behind it all is
 * docs/research/python-frames/README.md. */
#define _GNU_SOURCE
#include <sys/uio.h>

#include "lp-process-mem.h"
#include "lp-python-private.h"

G_DEFINE_QUARK (lp-python-error-quark, lp_python_error)

gboolean
lp_python_read_process (gpointer data,
                        guint64  addr,
                        void    *buf,
                        gsize    len)
{
  return lp_process_mem_read (GPOINTER_TO_INT (data), addr, buf, len);
}

const char *
lp_python_version_string (guint32 version,
                          char    buf[32])
{
  guint level = (version >> 4) & 0xf, serial = version & 0xf;
  const char *suffix = level == 0xa ? "a" : level == 0xb ? "b" : level == 0xc ? "rc" : NULL;

  if (suffix != NULL)
    g_snprintf (buf, 32, "%u.%u.%u%s%u", version >> 24, (version >> 16) & 0xff,
                (version >> 8) & 0xff, suffix, serial);
  else
    g_snprintf (buf, 32, "%u.%u.%u", version >> 24, (version >> 16) & 0xff,
                (version >> 8) & 0xff);
  return buf;
}
