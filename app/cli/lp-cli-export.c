/* lp-cli-export.c: `laprof-cli export`: a capture, folded report or perf script text in the formats other tools read (pprof, speedscope, the Firefox Profiler).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "lp-atomic-file.h"
#include "lp-cli.h"
#include "lp-export.h"
#include "lp-file.h"

/* the output's default name: the input's base name, its extension
 * replaced by the format's */
static char *
default_output (const char     *input,
                LpExportFormat  format)
{
  g_autofree char *base = g_path_get_basename (input);
  char *dot = strrchr (base, '.');

  if (g_str_equal (input, "-"))
    {
      g_free (base);
      base = g_strdup ("profile");
    }
  else if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strconcat (base, lp_export_format_extension (format), NULL);
}

int
lp_cli_export (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *default_out = NULL;
  g_auto(LpCliSelection) sel = { 0 };
  LpExportFormat format;
  LpCaptureFilter filter;
  g_autoptr(GArray) threads = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(LpCapture) capture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *out_path;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("pprof (go tool pprof), speedscope, or gecko (the Firefox Profiler)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE (\"-\": standard output); default: the input's name with the format's extension"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("INPUT") },
    { NULL }
  };

  context = g_option_context_new (_("— write a recording in a format other tools read"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lp_cli_selection_add_entries (context, &sel);
  g_option_context_set_description (context,
    _("Reads INPUT (a laprof capture, a folded report or `perf script` text) and writes it\n"
      "as FORMAT: pprof (gzip'd profile.proto: go tool pprof), speedscope (speedscope.app)\n"
      "or gecko (profiler.firefox.com). A folded report has no times nor threads: it\n"
      "exports as one sample a stack, and --from, --to and --tid need a capture.\n\n"
      "Exit status: 0 written, 2 unreadable input, bad usage or failed output."));
  if (!lp_cli_parse (context, &argc, &argv))
    return LP_CLI_EXIT_ERROR;

  if (format_name == NULL)
    {
      lp_cli_error ("export", _("no format given; usage: laprof-cli export --format pprof|speedscope|gecko INPUT"));
      return LP_CLI_EXIT_ERROR;
    }
  if (!lp_export_format_from_string (format_name, &format))
    {
      lp_cli_error ("export", _("unknown format '%s': give pprof, speedscope or gecko"), format_name);
      return LP_CLI_EXIT_ERROR;
    }
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      lp_cli_error ("export", _("give one input; usage: laprof-cli export --format FORMAT [-o OUT] INPUT"));
      return LP_CLI_EXIT_ERROR;
    }

  capture = lp_capture_load (files[0], &error);
  if (capture == NULL)
    {
      lp_cli_error ("export", _("cannot read %s: %s"), files[0], error->message);
      return LP_CLI_EXIT_ERROR;
    }

  if (lp_cli_selection_is_set (&sel) && !lp_capture_get_info (capture)->has_times)
    {
      lp_cli_error ("export", _("%s is a folded report: it has no times nor threads, so --from, --to and --tid cannot cut it"),
                    files[0]);
      return LP_CLI_EXIT_ERROR;
    }
  if (!lp_cli_selection_make_filter ("export", files[0], capture, &sel, &filter, threads))
    return LP_CLI_EXIT_ERROR;

  bytes = lp_export (capture, &filter, format, &error);
  if (bytes == NULL)
    {
      lp_cli_error ("export", "%s", error->message);
      return LP_CLI_EXIT_ERROR;
    }

  default_out = default_output (files[0], format);
  out_path = output != NULL ? output : default_out;
  if (g_str_equal (out_path, "-"))
    {
      if (!lp_file_write_all (1, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), _("standard output"), &error))
        {
          lp_cli_error ("export", "%s", error->message);
          return LP_CLI_EXIT_ERROR;
        }
      return LP_CLI_EXIT_OK;
    }
  {
    g_autoptr(LpAtomicFile) file = lp_atomic_file_open (out_path, &error);
    if (file == NULL
        || !lp_file_write_all (lp_atomic_file_get_fd (file), g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                               out_path, &error)
        || !lp_atomic_file_commit (g_steal_pointer (&file), &error))
      {
        lp_cli_error ("export", _("cannot write %s: %s"), out_path, error->message);
        return LP_CLI_EXIT_ERROR;
      }
  }
  fprintf (stderr, _("laprof-cli export: wrote %s (%s)\n"), out_path, lp_export_format_to_string (format));
  return LP_CLI_EXIT_OK;
}
