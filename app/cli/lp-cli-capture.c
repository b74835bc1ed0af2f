/* lp-cli-capture.c: what the commands that read reports share for captures and perf script text: the part --from, --to and --tid select.
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

/* sniffs the first bytes of @path; FALSE when it cannot be read (the
 * folded reader will say why) */
static gboolean
sniff_file (const char    *path,
            LpCaptureKind *kind)
{
  guint8 head[4096];
  gssize n;
  int fd;

  *kind = LP_CAPTURE_KIND_FOLDED;
  if (g_str_equal (path, "-"))
    return FALSE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  do
    n = read (fd, head, sizeof head);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n <= 0)
    return FALSE;
  *kind = lp_capture_sniff (head, n);
  return TRUE;
}

LpCapture *
lp_cli_load_capture (const char *command,
                     const char *path)
{
  g_autoptr(GError) error = NULL;
  LpCaptureKind kind;
  LpCapture *capture;

  if (!sniff_file (path, &kind) || kind == LP_CAPTURE_KIND_FOLDED)
    return NULL;
  capture = lp_capture_load (path, &error);
  if (capture == NULL)
    lp_cli_error (command, "%s", error->message);
  return capture;
}

gboolean
lp_cli_is_capture (const char *path)
{
  LpCaptureKind kind;

  return sniff_file (path, &kind) && kind != LP_CAPTURE_KIND_FOLDED;
}

LpFolded *
lp_cli_select (const char           *command,
               const char           *path,
               LpCapture            *capture,
               const LpCliSelection *sel)
{
  g_autoptr(GArray) threads = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  LpCaptureFilter filter;
  LpFolded *part;

  if (!lp_cli_selection_make_filter (command, path, capture, sel, &filter, threads))
    return NULL;
  part = lp_capture_select (capture, &filter, &error);
  if (part == NULL)
    lp_cli_error (command, "%s: %s", path, error->message);
  else if (lp_folded_get_n_stacks (part) == 0 && lp_cli_selection_is_set (sel))
    {
      lp_cli_error (command, _("%s: no sample in the part chosen (its samples span 0 to %.3f s)"),
                    path, lp_capture_get_end_ns (capture) / 1e9);
      g_clear_pointer (&part, lp_folded_free);
    }
  return part;
}

LpFolded *
lp_cli_read_any (const char           *command,
                 const char           *path,
                 const LpCliSelection *sel,
                 LpFoldedReaderFlags   flags,
                 gboolean              quiet,
                 guint64              *n_skipped)
{
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFoldedReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  if (lp_cli_is_capture (path))
    {
      g_autoptr(LpCapture) capture = lp_cli_load_capture (command, path);

      if (capture == NULL)
        return NULL;
      if (!quiet && !lp_capture_get_info (capture)->complete)
        fprintf (stderr, _("%s: the recording was cut short (killed?): what was written is read\n"), path);
      return lp_cli_select (command, path, capture, sel);
    }
  if (lp_cli_selection_is_set (sel))
    {
      lp_cli_error (command, _("%s is a folded report: it has no times or threads; --from, --to and --tid "
                               "need a capture (laprof-cli record -o FILE.laprof)"), path);
      return NULL;
    }
  folded = lp_folded_new ();
  reader = lp_folded_reader_new (folded, flags);
  if (!lp_folded_reader_read_file (reader, path, &error))
    {
      lp_cli_error (command, "%s", error->message);
      return NULL;
    }
  if (!quiet)
    lp_cli_print_skips (g_str_equal (path, "-") ? _("standard input") : path, reader, 3);
  if (n_skipped != NULL)
    *n_skipped = lp_folded_reader_get_n_skipped (reader);
  return g_steal_pointer (&folded);
}
