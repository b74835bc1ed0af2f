/* lp-cli-names.c: `laprof-cli record`'s late names: the wait for debug files still downloading, and what remains unnamed, and why.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "lp-cli.h"
#include "lp-collapse.h"
#include "lp-debuginfod.h"

static void
print_progress (GArray *files)
{
  for (guint i = 0; i < files->len; i++)
    {
      const LpDebuginfodFile *f = &g_array_index (files, LpDebuginfodFile, i);

      if (f->state == LP_DEBUGINFOD_FETCHING && f->size > 0)
        fprintf (stderr, _("laprof-cli record: debug file of %s: %.1f of %.1f MB\n"), f->module,
                 f->bytes / 1e6, f->size / 1e6);
      else if (f->state == LP_DEBUGINFOD_FETCHING || f->state == LP_DEBUGINFOD_PENDING)
        fprintf (stderr, _("laprof-cli record: debug file of %s: waiting for the server\n"), f->module);
    }
}

gboolean
lp_cli_names_wait (double   seconds,
                   gboolean quiet)
{
  LpDebuginfod *fetcher = lp_debuginfod_get ();
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  gboolean said = FALSE;

  if (fetcher == NULL)
    return TRUE;
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();

      if (lp_debuginfod_wait (fetcher, MIN (G_USEC_PER_SEC, MAX (end - now, 0))))
        return TRUE;
      if (g_get_monotonic_time () >= end)
        {
          if (!quiet)
            fprintf (stderr, _("laprof-cli record: gave up waiting for debug files after %g s "
                               "(--debuginfod-wait); their frames stay unnamed\n"), seconds);
          return FALSE;
        }
      if (!quiet)
        {
          g_autoptr(GArray) files = lp_debuginfod_list (fetcher);

          if (!said)
            fprintf (stderr, _("laprof-cli record: waiting for debug files from debuginfod "
                               "(at most %g s, --debuginfod-wait)\n"), seconds);
          said = TRUE;
          print_progress (files);
        }
    }
}

/* Why frames of @module have no name. */
static const char *
why_unnamed (GArray     *files,
             const char *module)
{
  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      const LpDebuginfodFile *f = &g_array_index (files, LpDebuginfodFile, i);

      if (strcmp (f->module, module) != 0)
        continue;
      switch (f->state)
        {
        case LP_DEBUGINFOD_FAILED:
          return f->error;
        case LP_DEBUGINFOD_DONE:
          return _("its debug file names no function there");
        case LP_DEBUGINFOD_PENDING:
        case LP_DEBUGINFOD_FETCHING:
        default:
          return _("its debug file was still downloading (--debuginfod-wait)");
        }
    }
  if (files == NULL)
    return _("no symbols and no debug file on this machine (set DEBUGINFOD_URLS to fetch it)");
  return _("no symbols, and no build id to ask debuginfod for");
}

typedef struct
{
  guint  frames;
  double samples;
} Unnamed;

void
lp_cli_names_report (LpFolded *report,
                     gboolean  quiet)
{
  g_autoptr(GHashTable) modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree Unnamed **by_frame = NULL;
  LpDebuginfod *fetcher = lp_debuginfod_get ();
  g_autoptr(GArray) files = fetcher != NULL ? lp_debuginfod_list (fetcher) : NULL;
  guint n_frames = lp_folded_get_n_frames (report);
  double total = lp_folded_get_total (report);
  GHashTableIter iter;
  gpointer key, value;

  if (quiet)
    return;
  by_frame = g_new0 (Unnamed *, MAX (n_frames, 1));
  for (guint f = 0; f < n_frames; f++)
    {
      const char *name = lp_folded_frame_name (report, f);
      g_autofree char *module = NULL;
      guint64 offset;
      gboolean is_start;
      Unnamed *u;

      if (!lp_collapse_parse_unnamed (name, strlen (name), &module, &offset, &is_start))
        continue;
      u = g_hash_table_lookup (modules, module);
      if (u == NULL)
        {
          u = g_new0 (Unnamed, 1);
          g_hash_table_insert (modules, g_steal_pointer (&module), u);
        }
      u->frames++;
      by_frame[f] = u;
    }
  if (g_hash_table_size (modules) == 0)
    return;
  /* the samples that end in such a frame: the time they hide */
  for (guint s = 0; s < lp_folded_get_n_stacks (report); s++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (report, s, &st);
      if (st.depth > 0 && by_frame[st.frames[st.depth - 1]] != NULL)
        by_frame[st.frames[st.depth - 1]]->samples += st.count;
    }
  g_hash_table_iter_init (&iter, modules);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Unnamed *u = value;

      fprintf (stderr,
               g_dngettext (GETTEXT_PACKAGE, "laprof-cli record: %u frame of %s has no name (%.1f %% of samples end in it): %s\n",
                            "laprof-cli record: %u frames of %s have no name (%.1f %% of samples end in them): %s\n",
                            u->frames),
               u->frames, (const char *) key, total > 0 ? 100.0 * u->samples / total : 0.0,
               why_unnamed (files, key));
    }
}
