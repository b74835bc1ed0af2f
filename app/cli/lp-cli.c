/* lp-cli.c: option parsing, error and skip reporting for laprof-cli.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>

#include "lp-cli.h"

void
lp_cli_error (const char *command,
              const char *format,
              ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fflush (stdout);
  fprintf (stderr, "laprof-cli %s: %s\n", command, msg);
}

gboolean
lp_cli_parse (GOptionContext *context,
              int            *argc,
              char         ***argv)
{
  g_autoptr(GError) error = NULL;
  const char *command = (*argv)[0];

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      lp_cli_error (command, "%s", error->message);
      fprintf (stderr, _("Run 'laprof-cli %s --help' for usage.\n"), command);
      return FALSE;
    }
  return TRUE;
}

void
lp_cli_print_skips (const char           *name,
                    const LpFoldedReader *reader,
                    guint                 max_shown)
{
  guint64 n_skipped = lp_folded_reader_get_n_skipped (reader);
  const LpFoldedSkip *skips;
  guint n_kept;

  if (n_skipped == 0)
    return;

  skips = lp_folded_reader_get_skips (reader, &n_kept);
  for (guint i = 0; i < n_kept && i < max_shown; i++)
    fprintf (stderr, _("%s:%" PRIu64 ": skipped: %s\n"),
             name, skips[i].line, lp_folded_reader_skip_reason_to_string (skips[i].reason));
  if (n_skipped > max_shown)
    fprintf (stderr, _("%s: … and %" PRIu64 " more skipped lines\n"),
             name, n_skipped - max_shown);

  fprintf (stderr, g_dngettext (NULL,
                                "%s: %" PRIu64 " line skipped of %" PRIu64 ":\n",
                                "%s: %" PRIu64 " lines skipped of %" PRIu64 ":\n",
                                n_skipped),
           name, n_skipped, lp_folded_reader_get_n_lines (reader));
  for (guint r = 0; r < LP_FOLDED_SKIP_N_REASONS; r++)
    {
      guint64 n = lp_folded_reader_get_n_skipped_for (reader, r);
      if (n > 0)
        fprintf (stderr, "  %10" PRIu64 "  %s\n", n, lp_folded_reader_skip_reason_to_string (r));
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
lp_cli_expand_inputs (char    **args,
                      GError  **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      const char *arg = args[i];

      if (!g_str_equal (arg, "-") && g_file_test (arg, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (arg, 0, error);
          g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
          const char *name;

          if (dir == NULL)
            return NULL;
          while ((name = g_dir_read_name (dir)) != NULL)
            if (g_str_has_suffix (name, ".folded"))
              g_ptr_array_add (found, g_build_filename (arg, name, NULL));
          if (found->len == 0)
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                           _("No *.folded report in directory %s"), arg);
              return NULL;
            }
          g_ptr_array_sort (found, compare_names);
          for (guint j = 0; j < found->len; j++)
            g_ptr_array_add (inputs, g_strdup (found->pdata[j]));
        }
      else
        g_ptr_array_add (inputs, g_strdup (arg));
    }
  return g_steal_pointer (&inputs);
}
