/* lp-cli-check.c: `laprof-cli check`: validate folded reports and summarize them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>

#include "lp-cli.h"

static const char *
hint_for (const GError *error)
{
  if (g_error_matches (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_NO_STACKS))
    return _("A folded report has lines like \"main;work;leaf 42\". perf.data must first go "
             "through 'perf script' and a stack collapser.");
  if (g_error_matches (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_EMPTY))
    return _("The file holds no samples; was the recording too short?");
  return NULL;
}

/* check_capture: a capture's or perf script text's verdict and summary,
 * with its threads */
static int
check_capture (const char           *path,
               const LpCliSelection *sel,
               gboolean              quiet)
{
  g_autoptr(LpCapture) capture = lp_cli_load_capture ("check", path);
  g_autoptr(LpFolded) part = NULL;
  const LpCaptureInfo *info;
  char buf[64];

  if (capture == NULL)
    return LP_CLI_EXIT_ERROR;
  part = lp_cli_select ("check", path, capture, sel);
  if (part == NULL)
    return LP_CLI_EXIT_ERROR;
  info = lp_capture_get_info (capture);
  if (g_strcmp0 (info->source, "perf script") == 0)
    printf (_("%s: perf script text\n"), path);
  else if (info->complete)
    printf (_("%s: valid capture\n"), path);
  else
    printf (_("%s: capture cut short (the recording was killed?): what was written is read\n"), path);
  if (quiet)
    return LP_CLI_EXIT_OK;

  lp_folded_format_count (lp_folded_get_total (part), buf);
  printf ("  %-16s %s\n", _("samples"), buf);
  printf ("  %-16s %u\n", _("unique stacks"), lp_folded_get_n_stacks (part));
  printf ("  %-16s %u\n", _("unique frames"), lp_folded_get_n_frames (part));
  printf ("  %-16s %u\n", _("max depth"), lp_folded_get_max_depth (part));
  printf ("  %-16s %.3f s\n", _("time"), lp_capture_get_end_ns (capture) / 1e9);
  if (info->command != NULL)
    printf ("  %-16s %s (%" G_GINT64_FORMAT ")\n", _("command"), info->command, info->pid);
  if (info->mode != NULL)
    printf ("  %-16s %s, %g s\n", _("mode, period"), info->mode, info->period);
  if (info->host != NULL)
    printf ("  %-16s %s\n", _("host"), info->host);
  if (info->start_unix_us != 0)
    {
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (info->start_unix_us / 1000000);
      g_autofree char *text = start != NULL ? g_date_time_format_iso8601 (start) : NULL;

      if (text != NULL)
        printf ("  %-16s %s\n", _("started"), text);
    }
  if (info->lost_total > 0)
    printf ("  %-16s %" G_GUINT64_FORMAT "\n", _("lost"), info->lost_total);
  if (info->end_reason != NULL)
    printf ("  %-16s %s, %d\n", _("end, status"), info->end_reason, info->exit_status);
  printf ("  %-16s %u\n", _("threads"), lp_capture_get_n_threads (capture));
  for (guint i = 0; i < lp_capture_get_n_threads (capture); i++)
    {
      const LpCaptureThread *t = lp_capture_get_thread (capture, i);

      lp_folded_format_count (t->samples, buf);
      printf ("    %7" G_GINT64_FORMAT " %-20s %10s %s", t->tid, t->name, buf, _("samples"));
      if (t->first_ns != LP_CAPTURE_TIME_NONE)
        printf (_(", %.3f to %.3f s"), t->first_ns / 1e9, t->last_ns / 1e9);
      printf ("\n");
    }
  return LP_CLI_EXIT_OK;
}

static int
check_one (const char *path,
           gboolean    strict,
           gboolean    quiet)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_STREAM);
  g_autoptr(GError) error = NULL;
  const char *name = g_str_equal (path, "-") ? _("standard input") : path;
  guint64 n_skipped;
  char buf[64];

  if (!lp_folded_reader_read_file (reader, path, &error))
    {
      const char *hint = hint_for (error);

      lp_cli_error ("check", "%s", error->message);
      if (hint != NULL)
        fprintf (stderr, "%s\n", hint);
      return LP_CLI_EXIT_ERROR;
    }

  n_skipped = lp_folded_reader_get_n_skipped (reader);
  lp_cli_print_skips (name, reader, 5);

  if (n_skipped == 0)
    printf (_("%s: valid folded report\n"), name);
  else
    printf (g_dngettext (NULL,
                         "%s: folded report, %" PRIu64 " line skipped\n",
                         "%s: folded report, %" PRIu64 " lines skipped\n",
                         n_skipped),
            name, n_skipped);

  if (!quiet)
    {
      lp_folded_format_count (lp_folded_get_total (folded), buf);
      printf ("  %-16s %s\n", _("samples"), buf);
      if (lp_folded_is_differential (folded))
        {
          lp_folded_format_count (lp_folded_get_total2 (folded), buf);
          printf ("  %-16s %s\n", _("second column"), buf);
        }
      printf ("  %-16s %u\n", _("unique stacks"), lp_folded_get_n_stacks (folded));
      printf ("  %-16s %u\n", _("unique frames"), lp_folded_get_n_frames (folded));
      printf ("  %-16s %u\n", _("max depth"), lp_folded_get_max_depth (folded));
      printf ("  %-16s %" PRIu64 "\n", _("lines"), lp_folded_reader_get_n_lines (reader));
      printf ("  %-16s %" PRIu64 "\n", _("skipped lines"), n_skipped);
    }

  return strict && n_skipped > 0 ? LP_CLI_EXIT_INVALID : LP_CLI_EXIT_OK;
}

int
lp_cli_check (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(GStrv) files = NULL;
  gboolean strict = FALSE;
  gboolean quiet = FALSE;
  int status = LP_CLI_EXIT_OK;
  g_auto(LpCliSelection) selection = { 0 };
  const GOptionEntry entries[] = {
    { "strict", 's', 0, G_OPTION_ARG_NONE, &strict,
      N_("Exit with status 1 if any line had to be skipped"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      N_("Print only the verdict, not the summary"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE…") },
    { NULL }
  };

  context = g_option_context_new (_("— validate folded reports and summarize them"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lp_cli_selection_add_entries (context, &selection);
  g_option_context_set_description (context,
    _("Reads each FILE (\"-\" for standard input) as a folded report and prints the total\n"
      "samples, unique stacks and frames, maximum depth and the lines it skipped, with\n"
      "the reason for each. A capture (laprof-cli record -o FILE.laprof) or perf script\n"
      "text is summarized with its threads; --from, --to and --tid choose a part of it.\n\n"
      "Exit status: 0 readable, 1 lines skipped and --strict given, 2 unreadable."));
  if (!lp_cli_parse (context, &argc, &argv))
    return LP_CLI_EXIT_ERROR;
  if (files == NULL || files[0] == NULL)
    {
      lp_cli_error ("check", _("no report given; usage: laprof-cli check FILE…"));
      return LP_CLI_EXIT_ERROR;
    }

  for (guint i = 0; files[i] != NULL; i++)
    {
      int one;

      if (lp_cli_is_capture (files[i]))
        one = check_capture (files[i], &selection, quiet);
      else if (lp_cli_selection_is_set (&selection))
        {
          lp_cli_error ("check", _("%s is a folded report: it has no times or threads; --from, --to and --tid "
                                   "need a capture (laprof-cli record -o FILE.laprof)"), files[i]);
          one = LP_CLI_EXIT_ERROR;
        }
      else
        one = check_one (files[i], strict, quiet);
      status = MAX (status, one);
    }
  return status;
}
