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
  g_option_context_set_description (context,
    _("Reads each FILE (\"-\" for standard input) as a folded report and prints the total\n"
      "samples, unique stacks and frames, maximum depth and the lines it skipped, with\n"
      "the reason for each.\n\n"
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
      int one = check_one (files[i], strict, quiet);
      status = MAX (status, one);
    }
  return status;
}
