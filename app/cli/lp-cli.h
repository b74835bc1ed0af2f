/* lp-cli.h: what the laprof-cli subcommands share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-folded-reader.h"
#include "lp-storer.h"

G_BEGIN_DECLS

/* Exit statuses, as documented in --help. */
enum
{
  LP_CLI_EXIT_OK       = 0,
  LP_CLI_EXIT_INVALID  = 1,  /* readable, but with lines skipped (strict) */
  LP_CLI_EXIT_ERROR    = 2,  /* unreadable input, bad usage, failed output */
};

/* A subcommand: parses its own options from argv (argv[0] is its name). */
typedef int (*LpCliCommandFunc) (int argc, char **argv);

int   lp_cli_check (int argc, char **argv);
int   lp_cli_merge (int argc, char **argv);
int   lp_cli_upload (int argc, char **argv);
int   lp_cli_svg   (int argc, char **argv);
int   lp_cli_png   (int argc, char **argv);
int   lp_cli_diff  (int argc, char **argv);
int   lp_cli_record (int argc, char **argv);
int   lp_cli_export (int argc, char **argv);

/* lp_cli_parse: runs @context over the arguments; prints the error and a
 * hint on failure. */
gboolean lp_cli_parse           (GOptionContext *context,
                                 int            *argc,
                                 char         ***argv);

/* lp_cli_error: "laprof-cli CMD: message" on stderr. */
void     lp_cli_error           (const char *command,
                                 const char *format,
                                 ...) G_GNUC_PRINTF (2, 3);

/* lp_cli_print_skips: prints to stderr the first @max_shown skipped lines
 * of @reader, then the totals by reason. */
void     lp_cli_print_skips     (const char           *name,
                                 const LpFoldedReader *reader,
                                 guint                 max_shown);

/* lp_cli_expand_inputs: arguments to input files; a directory stands for
 * the *.folded files in it, in name order. */
GPtrArray *lp_cli_expand_inputs (char      **args,
                                 GError    **error);

/* lp_cli_store_report: stores @report at @dest (a directory or
 * s3://bucket/prefix/) with @meta; says where on stderr, or prints the
 * error (which tells where the report was kept) as "laprof-cli COMMAND:". */
gboolean lp_cli_store_report    (const char         *command,
                                 const char         *dest,
                                 GBytes             *report,
                                 const LpReportMeta *meta);

G_END_DECLS
