/* lp-cli-upload.c: `laprof-cli upload`: reports to a directory or S3, and retrying the spool.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "lp-cli.h"
#include "lp-folded-reader.h"
#include "lp-spool.h"
#include "lp-storer.h"

/* "laprof-20261124T125006.123Z-myprog-42.folded" -> "myprog-42": the
 * storer adds a fresh time stamp, so do not carry the old one twice. */
static char *
command_from_file_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *stem = base;

  if (g_str_has_suffix (stem, ".folded"))
    stem[strlen (stem) - 7] = '\0';
  if (g_str_has_prefix (stem, "laprof-"))
    {
      char *dash = strchr (stem + 7, '-');

      if (dash != NULL && g_ascii_isdigit (stem[7]))
        stem = dash + 1;
    }
  return g_strdup (stem);
}

static int
upload_spool (gboolean quiet)
{
  g_autofree char *spool_dir = lp_spool_get_dir ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint sent = 0;

  entries = lp_spool_list (spool_dir, &error);
  if (entries == NULL)
    {
      lp_cli_error ("upload", "%s", error->message);
      return LP_CLI_EXIT_ERROR;
    }
  if (entries->len == 0)
    {
      if (!quiet)
        fprintf (stderr, _("The spool %s is empty: nothing to upload.\n"), spool_dir);
      return LP_CLI_EXIT_OK;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      LpSpoolEntry *entry = entries->pdata[i];
      g_autoptr(GError) local_error = NULL;

      if (lp_spool_send (entry, &local_error))
        {
          sent++;
          printf ("%s\n", entry->location);
        }
      else
        lp_cli_error ("upload", _("%s stays in the spool: %s"), entry->path, local_error->message);
    }
  if (!quiet)
    fprintf (stderr, _("Sent %u of %u spooled reports; %u remain in %s\n"),
             sent, entries->len, entries->len - sent, spool_dir);
  return sent == entries->len ? LP_CLI_EXIT_OK : LP_CLI_EXIT_ERROR;
}

typedef struct
{
  char      *to;
  gboolean   spool;
  gboolean   quiet;
  char     **args;
  GPtrArray *inputs;   /* the report files, directories expanded */
} UploadOptions;

static void
upload_options_clear (UploadOptions *o)
{
  g_free (o->to);
  g_strfreev (o->args);
  g_clear_pointer (&o->inputs, g_ptr_array_unref);
}

static gboolean
parse_args (UploadOptions  *o,
            int             argc,
            char          **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "to", 't', 0, G_OPTION_ARG_FILENAME, &o->to,
      N_("Destination: a directory or s3://bucket/prefix/ (else the last argument)"), N_("DEST") },
    { "spool", 0, 0, G_OPTION_ARG_NONE, &o->spool,
      N_("Retry the reports kept in the spool after failed uploads"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet,
      N_("Do not print the summary"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->args, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("REPORT… DEST — store folded reports in a directory or on S3"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("DEST is a directory (created if missing; files are written atomically) or\n"
      "s3://bucket/prefix/. A directory among the REPORTs stands for the *.folded\n"
      "files in it. Each report gets a new name: for S3,\n"
      "<prefix><UTC time>-<8 random hex>-<name>.folded.\n\n"
      "S3 credentials are found as the AWS tools find them: AWS_ACCESS_KEY_ID,\n"
      "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the profile AWS_PROFILE (or\n"
      "default) in ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE,\n"
      "AWS_CONFIG_FILE). Region: AWS_REGION, AWS_DEFAULT_REGION or the profile.\n"
      "S3-compatible servers: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL.\n\n"
      "Transient failures are retried with backoff. A report that cannot be stored\n"
      "is kept in the spool ($LAPROF_SPOOL_DIR, else ~/.local/state/laprof/spool);\n"
      "'laprof-cli upload --spool' sends what waits there.\n\n"
      "Exit status: 0 all stored, 2 any report not stored (it is then in the spool)."));
  return lp_cli_parse (context, &argc, &argv);
}

/* make_options: the destination and the report files; says what is wrong */
static gboolean
make_options (UploadOptions *o)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) given = NULL;
  g_autoptr(GError) error = NULL;
  guint n_files = o->args != NULL ? g_strv_length (o->args) : 0;

  if (o->spool)
    {
      if (n_files > 0 || o->to != NULL)
        {
          lp_cli_error ("upload", _("--spool takes no report and no destination"));
          return FALSE;
        }
      return TRUE;
    }
  if (o->to == NULL && n_files >= 2)
    {
      o->to = g_strdup (o->args[n_files - 1]);
      n_files--;
    }
  if (o->to == NULL || n_files == 0)
    {
      lp_cli_error ("upload", _("usage: laprof-cli upload REPORT… DEST (or --to DEST, or --spool)"));
      return FALSE;
    }
  /* "upload a.folded b.folded" forgot the destination: do not make b.folded one */
  if (!lp_storer_is_s3_destination (o->to) && g_file_test (o->to, G_FILE_TEST_EXISTS) &&
      !g_file_test (o->to, G_FILE_TEST_IS_DIR))
    {
      lp_cli_error ("upload", _("the destination %s is a file; give a directory or s3://bucket/prefix/ last"), o->to);
      return FALSE;
    }

  /* a directory among the reports stands for the *.folded files in it */
  for (guint i = 0; i < n_files; i++)
    g_strv_builder_add (builder, o->args[i]);
  given = g_strv_builder_end (builder);
  o->inputs = lp_cli_expand_inputs (given, &error);
  if (o->inputs == NULL)
    {
      lp_cli_error ("upload", "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* read_reports: every report's bytes into @reports and its time into
 * @mtimes, first: nothing is stored if one is no report */
static gboolean
read_reports (const UploadOptions *o,
              GPtrArray           *reports,
              GPtrArray           *mtimes)
{
  for (guint i = 0; i < o->inputs->len; i++)
    {
      const char *path = o->inputs->pdata[i];
      g_autoptr(LpFolded) folded = lp_folded_new ();
      g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      gsize len;
      GStatBuf st;

      if (!g_file_get_contents (path, &data, &len, &error) ||
          !lp_folded_reader_feed (reader, data, len, &error) ||
          !lp_folded_reader_finish (reader, &error))
        {
          lp_cli_error ("upload", "%s: %s", path, error->message);
          return FALSE;
        }
      g_ptr_array_add (reports, g_bytes_new_take (g_steal_pointer (&data), len));
      if (g_stat (path, &st) == 0)
        {
          g_autoptr(GDateTime) secs = g_date_time_new_from_unix_utc (st.st_mtim.tv_sec);
          g_ptr_array_add (mtimes, g_date_time_add (secs, st.st_mtim.tv_nsec / 1000));
        }
      else
        g_ptr_array_add (mtimes, g_date_time_new_now_utc ());
    }
  return TRUE;
}

/* run: stores each report, printing where it went; how many were stored */
static guint
run (const UploadOptions *o,
     LpStorer            *storer,
     GPtrArray           *reports,
     GPtrArray           *mtimes)
{
  guint stored = 0;

  for (guint i = 0; i < o->inputs->len; i++)
    {
      const char *path = o->inputs->pdata[i];
      g_autofree char *command = command_from_file_name (path);
      g_autofree char *location = NULL;
      g_autoptr(GError) local_error = NULL;
      LpReportMeta meta = { command, 0, mtimes->pdata[i] };

      if (lp_storer_store (storer, reports->pdata[i], &meta, &location, &local_error))
        {
          stored++;
          printf ("%s\n", location);
        }
      else
        lp_cli_error ("upload", "%s: %s", path, local_error->message);
    }
  return stored;
}

static int
report (const UploadOptions *o,
        LpStorer            *storer,
        guint                stored)
{
  if (!o->quiet)
    {
      g_autofree char *where = lp_storer_describe (storer);
      fprintf (stderr, _("Stored %u of %u reports in %s\n"), stored, o->inputs->len, where);
    }
  return stored == o->inputs->len ? LP_CLI_EXIT_OK : LP_CLI_EXIT_ERROR;
}

int
lp_cli_upload (int    argc,
               char **argv)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) mtimes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  g_autoptr(LpStorer) storer = NULL;
  g_autoptr(GError) error = NULL;
  UploadOptions o = { 0 };
  int status = LP_CLI_EXIT_ERROR;

  if (!parse_args (&o, argc, argv) || !make_options (&o))
    goto out;
  if (o.spool)
    {
      status = upload_spool (o.quiet);
      goto out;
    }
  if (read_reports (&o, reports, mtimes))
    {
      storer = lp_storer_new_for_destination (o.to, &error);
      if (storer == NULL)
        lp_cli_error ("upload", "%s", error->message);
    }
  if (storer == NULL)
    {
      fprintf (stderr, _("Nothing was stored.\n"));
      goto out;
    }
  status = report (&o, storer, run (&o, storer, reports, mtimes));

out:
  upload_options_clear (&o);
  return status;
}
