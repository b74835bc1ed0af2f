/* lp-cli-store-report.c: storing a report where the command line says, for `record` and `upload`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "lp-cli.h"
#include "lp-storer.h"

gboolean
lp_cli_store_report (const char         *command,
                     const char         *dest,
                     GBytes             *report,
                     const LpReportMeta *meta)
{
  g_autoptr(LpStorer) storer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;

  storer = lp_storer_new_for_destination (dest, &error);
  if (storer == NULL || !lp_storer_store (storer, report, meta, &location, &error))
    {
      lp_cli_error (command, "%s", error->message);
      return FALSE;
    }
  fprintf (stderr, _("Stored %s\n"), location);
  return TRUE;
}
