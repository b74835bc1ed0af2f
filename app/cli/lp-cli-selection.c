/* lp-cli-selection.c: the part of a capture --from, --to and --tid select, as every command that reads reports takes them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lp-cli.h"

void
lp_cli_selection_add_entries (GOptionContext *context,
                              LpCliSelection *sel)
{
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_DOUBLE, &sel->from,
      N_("Captures: only the samples from SECONDS after the start"), N_("SECONDS") },
    { "to", 0, 0, G_OPTION_ARG_DOUBLE, &sel->to,
      N_("Captures: only the samples before SECONDS after the start"), N_("SECONDS") },
    { "tid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sel->tids,
      N_("Captures: only the samples of thread TID (repeat, or TID,TID…)"), N_("TID") },
    { NULL }
  };

  sel->from = -1;
  sel->to = -1;
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

gboolean
lp_cli_selection_is_set (const LpCliSelection *sel)
{
  return sel != NULL && (sel->from >= 0 || sel->to >= 0 || sel->tids != NULL);
}

void
lp_cli_selection_clear (LpCliSelection *sel)
{
  g_clear_pointer (&sel->tids, g_strfreev);
}

gboolean
lp_cli_selection_make_filter (const char           *command,
                              const char           *path,
                              LpCapture            *capture,
                              const LpCliSelection *sel,
                              LpCaptureFilter      *filter,
                              GArray               *threads)
{
  lp_capture_filter_all (filter);
  if (!lp_cli_selection_is_set (sel))
    return TRUE;
  if (sel->from >= 0)
    filter->from_ns = (guint64) (sel->from * 1e9);
  if (sel->to >= 0)
    filter->to_ns = (guint64) (sel->to * 1e9);
  if (sel->from >= 0 && sel->to >= 0 && sel->to <= sel->from)
    {
      lp_cli_error (command, _("--to (%g s) must come after --from (%g s)"), sel->to, sel->from);
      return FALSE;
    }
  for (guint i = 0; sel->tids != NULL && sel->tids[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (sel->tids[i], ",", -1);

      for (guint p = 0; parts[p] != NULL; p++)
        {
          char *end = NULL;
          gint64 tid = g_ascii_strtoll (parts[p], &end, 10);
          gboolean found = FALSE;

          if (end == parts[p] || *end != '\0' || tid <= 0)
            {
              lp_cli_error (command, _("--tid wants thread ids like 1234 or 1234,1240, not “%s”"), parts[p]);
              return FALSE;
            }
          for (guint t = 0; t < lp_capture_get_n_threads (capture); t++)
            if (lp_capture_get_thread (capture, t)->tid == tid)
              {
                g_array_append_val (threads, t);
                found = TRUE;
              }
          if (!found)
            {
              lp_cli_error (command, _("%s has no thread %lld; 'laprof-cli check %s' lists its threads"),
                            path, (long long) tid, path);
              return FALSE;
            }
        }
    }
  if (sel->tids != NULL)
    {
      filter->threads = (const guint *) (gpointer) threads->data;
      filter->n_threads = threads->len;
    }
  return TRUE;
}
