/* lp-cli.h: what the laprof-cli subcommands share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-capture.h"
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
int   lp_cli_report (int argc, char **argv);

/* lp_cli_names_wait: at the end of a recording, waits at most @seconds
 * for the debug files still downloading from debuginfod, saying how far
 * they are unless @quiet; TRUE when none is left. */
gboolean lp_cli_names_wait      (double   seconds,
                                 gboolean quiet);
/* lp_cli_names_report: says, unless @quiet, which modules left frames of
 * @report without names, how much time they hide, and why. */
void     lp_cli_names_report    (LpFolded *report,
                                 gboolean  quiet);

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

/* The part of a capture --from, --to and --tid select (lp-cli-selection.c). */
typedef struct
{
  double  from;   /* seconds; -1: not given */
  double  to;
  char  **tids;
} LpCliSelection;

/* lp_cli_selection_add_entries: --from, --to and --tid into @sel. */
void       lp_cli_selection_add_entries (GOptionContext *context,
                                         LpCliSelection *sel);
gboolean   lp_cli_selection_is_set      (const LpCliSelection *sel);
void       lp_cli_selection_clear       (LpCliSelection *sel);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LpCliSelection, lp_cli_selection_clear)
/* lp_cli_selection_make_filter: the filter of @sel in @capture (its
 * threads kept in @threads, a GArray of guint); FALSE (said) when it
 * cannot be. */
gboolean   lp_cli_selection_make_filter (const char           *command,
                                         const char           *path,
                                         LpCapture            *capture,
                                         const LpCliSelection *sel,
                                         LpCaptureFilter      *filter,
                                         GArray               *threads);

/* Reports of every kind (lp-cli.c). lp_cli_is_capture: @path holds a capture or perf script text. */
gboolean   lp_cli_is_capture            (const char *path);
/* lp_cli_load_capture: the capture or perf script text at @path; NULL
 * (the error said) if it is neither or cannot be read. */
LpCapture *lp_cli_load_capture          (const char *command,
                                         const char *path) G_GNUC_WARN_UNUSED_RESULT;
/* lp_cli_select: the part of @capture @sel selects, as a folded report;
 * NULL (said) when it cannot be (a bad --tid, an empty part). */
LpFolded  *lp_cli_select                (const char           *command,
                                         const char           *path,
                                         LpCapture            *capture,
                                         const LpCliSelection *sel) G_GNUC_WARN_UNUSED_RESULT;
/* lp_cli_read_any: a folded report (or stream, with @flags), a capture or
 * perf script text at @path, as a folded report of the part @sel selects
 * (nullable: all); prints the skipped lines unless @quiet. */
LpFolded  *lp_cli_read_any              (const char           *command,
                                         const char           *path,
                                         const LpCliSelection *sel,
                                         LpFoldedReaderFlags   flags,
                                         gboolean              quiet,
                                         guint64              *n_skipped) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
