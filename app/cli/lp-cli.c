/* lp-cli.c: option parsing, error and skip reporting for laprof-cli; reading reports of every kind.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

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

/* ---- reports of every kind: folded, captures, perf script text ---- */

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
      /* perf script text has no end record: it is whole as read */
      if (!quiet && !lp_capture_get_info (capture)->complete
          && g_strcmp0 (lp_capture_get_info (capture)->source, "perf script") != 0)
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
