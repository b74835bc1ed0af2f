/* lp-cli-merge.c: `laprof-cli merge`: many folded reports into one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "lp-cli.h"
#include "lp-folded-reader.h"
#include "lp-storer.h"

/* A progress line for long listings, only where a person watches. */
static void
show_progress (guint    done,
               guint    total,
               gpointer user_data)
{
  const char *what = user_data;

  if (!isatty (STDERR_FILENO))
    return;
  /* '\r' outside the message: translators see no control characters */
  if (total == 0)
    {
      fputc ('\r', stderr);
      fprintf (stderr, _("%s: listed %u reports…"), what, done);
      fputs ("\033[K", stderr);  /* clear what a longer line left */
    }
  else if (done == total || done % 10 == 0)
    {
      fputc ('\r', stderr);
      fprintf (stderr, _("%s: read %u of %u reports…"), what, done, total);
      fputs ("\033[K", stderr);
    }
  if (done == total && total > 0)
    fputc ('\n', stderr);
}

/* merge_destination: every report at an s3:// destination into @merged. */
static gboolean
merge_destination (const char  *dest,
                   LpFolded    *merged,
                   guint       *n_reports,
                   GError     **error)
{
  g_autoptr(LpStorer) storer = lp_storer_new_for_destination (dest, error);

  if (storer == NULL)
    return FALSE;
  return lp_storer_load_all (storer, merged, n_reports, show_progress, (gpointer) dest, error);
}

typedef struct
{
  char      *output;
  char      *store;
  gboolean   strict;
  gboolean   quiet;
  char     **args;
  LpCliSelection selection;
  GPtrArray *inputs;   /* the reports, directories expanded */
} MergeOptions;

static void
merge_options_clear (MergeOptions *o)
{
  g_free (o->output);
  g_free (o->store);
  g_strfreev (o->args);
  lp_cli_selection_clear (&o->selection);
  g_clear_pointer (&o->inputs, g_ptr_array_unref);
}

static gboolean
parse_args (MergeOptions  *o,
            int            argc,
            char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
      N_("Write the merged report to FILE (atomically) instead of standard output"), N_("FILE") },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &o->store,
      N_("Also store the merged report in DEST, a directory or s3://bucket/prefix/"), N_("DEST") },
    { "strict", 's', 0, G_OPTION_ARG_NONE, &o->strict,
      N_("Fail (status 1) at the first line that cannot be read"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet,
      N_("Do not report skipped lines or the summary"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->args, NULL, N_("REPORT…") },
    { NULL }
  };

  context = g_option_context_new (_("— merge folded reports into one"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lp_cli_selection_add_entries (context, &o->selection);
  g_option_context_set_description (context,
    _("Adds up the counts of the same stack across all REPORTs (\"-\" reads standard\n"
      "input; a directory stands for the *.folded files in it; s3://bucket/prefix/ for\n"
      "every *.folded object under the prefix) and writes one sorted folded report. Nothing is written if any report cannot be read.\n\n"
      "Exit status: 0 merged, 1 a bad line with --strict, 2 an unreadable report or\n"
      "output."));
  return lp_cli_parse (context, &argc, &argv);
}

/* make_options: the reports to read; says what is wrong */
static gboolean
make_options (MergeOptions *o)
{
  g_autoptr(GError) error = NULL;

  if (o->args == NULL || o->args[0] == NULL)
    {
      lp_cli_error ("merge", _("no report given; usage: laprof-cli merge REPORT… [-o OUTPUT]"));
      return FALSE;
    }
  o->inputs = lp_cli_expand_inputs (o->args, &error);
  if (o->inputs == NULL)
    {
      lp_cli_error ("merge", "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* run: reads every report into @merged; the exit status */
static int
run (const MergeOptions *o,
     LpFolded           *merged,
     guint              *n_reports,
     guint64            *n_skipped)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < o->inputs->len; i++)
    {
      const char *path = o->inputs->pdata[i];
      g_autoptr(LpFoldedReader) reader = NULL;
      guint n_here = 0;

      if (lp_storer_is_s3_destination (path))
        {
          if (!merge_destination (path, merged, &n_here, &error))
            {
              lp_cli_error ("merge", "%s", error->message);
              fprintf (stderr, _("Nothing was written.\n"));
              return LP_CLI_EXIT_ERROR;
            }
          *n_reports += n_here;
          continue;
        }
      (*n_reports)++;
      if (lp_cli_is_capture (path) || lp_cli_selection_is_set (&o->selection))
        {
          g_autoptr(LpFolded) part = lp_cli_read_any ("merge", path, &o->selection, LP_FOLDED_READER_STREAM,
                                                       o->quiet, NULL);

          if (part == NULL || !lp_folded_merge (merged, part, &error))
            {
              if (error != NULL)
                lp_cli_error ("merge", "%s", error->message);
              fprintf (stderr, _("Nothing was written.\n"));
              return LP_CLI_EXIT_ERROR;
            }
          continue;
        }
      reader = lp_folded_reader_new (merged, LP_FOLDED_READER_STREAM | (o->strict ? LP_FOLDED_READER_STRICT : LP_FOLDED_READER_DEFAULT));

      if (!lp_folded_reader_read_file (reader, path, &error))
        {
          gboolean bad_line = g_error_matches (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_INVALID_LINE);

          lp_cli_error ("merge", "%s", error->message);
          fprintf (stderr, _("Nothing was written.\n"));
          return bad_line ? LP_CLI_EXIT_INVALID : LP_CLI_EXIT_ERROR;
        }
      if (!o->quiet)
        lp_cli_print_skips (g_str_equal (path, "-") ? _("standard input") : path, reader, 3);
      *n_skipped += lp_folded_reader_get_n_skipped (reader);
    }
  return LP_CLI_EXIT_OK;
}

/* write_report: the merged report to the output and to --store */
static gboolean
write_report (const MergeOptions *o,
              LpFolded           *merged)
{
  g_autoptr(GError) error = NULL;

  if (o->output == NULL || g_str_equal (o->output, "-"))
    {
      if (!lp_folded_write_fd (merged, STDOUT_FILENO, &error))
        {
          lp_cli_error ("merge", "%s", error->message);
          return FALSE;
        }
    }
  else if (!lp_folded_save (merged, o->output, &error))
    {
      lp_cli_error ("merge", "%s", error->message);
      fprintf (stderr, _("Nothing was written; the inputs are untouched.\n"));
      return FALSE;
    }

  if (o->store != NULL)
    {
      g_autoptr(GBytes) bytes = lp_folded_to_bytes (merged);
      LpReportMeta meta = { "merged", 0, NULL };

      if (!lp_cli_store_report ("merge", o->store, bytes, &meta))
        return FALSE;
    }
  return TRUE;
}

static void
report (const MergeOptions *o,
        LpFolded           *merged,
        guint               n_reports,
        guint64             n_skipped)
{
  gboolean to_file = o->output != NULL && !g_str_equal (o->output, "-");
  char buf[64];

  if (o->quiet)
    return;
  lp_folded_format_count (lp_folded_get_total (merged), buf);
  fprintf (stderr,
           _("Merged %u reports: %u stacks, %s samples, %" PRIu64 " lines skipped%s%s\n"),
           n_reports, lp_folded_get_n_stacks (merged), buf, n_skipped,
           to_file ? _(" → ") : "", to_file ? o->output : "");
}

int
lp_cli_merge (int    argc,
              char **argv)
{
  g_autoptr(LpFolded) merged = lp_folded_new ();
  MergeOptions o = { 0 };
  guint n_reports = 0;
  guint64 n_skipped = 0;
  int status = LP_CLI_EXIT_ERROR;

  if (parse_args (&o, argc, argv) && make_options (&o))
    {
      status = run (&o, merged, &n_reports, &n_skipped);
      if (status == LP_CLI_EXIT_OK && !write_report (&o, merged))
        status = LP_CLI_EXIT_ERROR;
      if (status == LP_CLI_EXIT_OK)
        report (&o, merged, n_reports, n_skipped);
    }
  merge_options_clear (&o);
  return status;
}
