/* laprof-cli.c: the command line of laprof: dispatch to the subcommands.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "lp-cli.h"

typedef struct
{
  const char       *name;
  LpCliCommandFunc  func;
  const char       *summary;
} Command;

static const Command commands[] = {
  { "check", lp_cli_check, N_("Validate a folded report and summarize it") },
  { "merge", lp_cli_merge, N_("Merge folded reports into one") },
  { "svg",   lp_cli_svg,   N_("Write an interactive SVG flame graph of a folded report") },
  { "png",   lp_cli_png,   N_("Write a PNG flame graph of a folded report") },
  { "diff",  lp_cli_diff,  N_("Write a differential flame graph of two folded reports") },
  { "upload", lp_cli_upload, N_("Store folded reports in a directory or on S3") },
  { "record", lp_cli_record, N_("Sample a process or a command into a folded report") },
  { "export", lp_cli_export, N_("Write a recording for pprof, speedscope or the Firefox Profiler") },
  { "report", lp_cli_report, N_("Print the top functions of a report, its call tree, callers and callees") },
};

static void
print_usage (FILE *out)
{
  fputs (_("Usage: laprof-cli COMMAND [OPTION…] [ARGUMENT…]\n\n"), out);
  fputs (_("laprof-cli works with folded stack reports (frame;frame;… count).\n\n"), out);
  fputs (_("Commands:\n"), out);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  fputs (_("\nRun 'laprof-cli COMMAND --help' for the options of a command.\n"), out);
  fputs (_("Options:\n  -h, --help     Show this help\n  -V, --version  Show the version\n"), out);
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  /* LAPROF_LOCALEDIR: translations of an uninstalled build (build/po) */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LAPROF_LOCALEDIR") != NULL ? g_getenv ("LAPROF_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("laprof-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return LP_CLI_EXIT_ERROR;
    }

  name = argv[1];
  if (g_str_equal (name, "--version") || g_str_equal (name, "-V"))
    {
      printf ("laprof-cli %s\n", PACKAGE_VERSION);
      return LP_CLI_EXIT_OK;
    }
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_usage (stdout);
      return LP_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      {
        /* so that --help and errors say "laprof-cli merge" */
        g_autofree char *prgname = g_strdup_printf ("laprof-cli %s", name);

        g_set_prgname (prgname);
        return commands[i].func (argc - 1, argv + 1);
      }

  fprintf (stderr, _("laprof-cli: '%s' is not a command. Run 'laprof-cli --help' for the list.\n"), name);
  return LP_CLI_EXIT_ERROR;
}
