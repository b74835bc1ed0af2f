/* lp-cli-graph.h: what `laprof-cli svg`, `png` and `diff` share: options, the model, the picture.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-cli.h"
#include "lp-flame-export.h"
#include "lp-folded.h"

G_BEGIN_DECLS

/* The command line of a picture command, as given, then what it means. */
typedef struct
{
  const char           *command;  /* "svg", "png" or "diff" */
  gboolean              is_diff;
  /* as given */
  char                 *output;
  char                 *title;
  char                 *subtitle;
  char                 *count_name;
  char                 *colors;
  char                 *min_width;
  char                 *search;
  char                 *format_name;
  char                 *order;
  char                 *focus;
  double                width;
  double                frame_height;
  gboolean              inverted;
  gboolean              reverse;
  gboolean              hash;
  gboolean              normalize;
  gboolean              hide_idle;
  gboolean              no_kernel;
  gboolean              quiet;
  char                **args;
  LpCliSelection        selection;  /* --from, --to, --tid */
  /* what it means, by lp_cli_graph_main() before the load function runs */
  LpFlameExportOptions  export;
  LpFlameFormat         format;
  GRegex               *search_regex;
} LpCliGraphOptions;

/* LpCliGraphLoadFunc: the report to draw, from @options->args; prints
 * its own errors (as "laprof-cli COMMAND:") and returns NULL on failure. */
typedef LpFolded *(*LpCliGraphLoadFunc) (const LpCliGraphOptions *options);

/* lp_cli_graph_main: parses the options of @command, loads the report
 * with @load, and writes its picture. Returns the exit status. */
int       lp_cli_graph_main        (const char          *command,
                                    LpCliGraphLoadFunc   load,
                                    int                  argc,
                                    char               **argv);

/* lp_cli_graph_read_report: reads the report at @path ("-": standard
 * input; a capture or perf script text: the part @options->selection
 * selects); prints the skipped lines unless quiet. */
LpFolded *lp_cli_graph_read_report (const LpCliGraphOptions *options,
                                    const char              *path) G_GNUC_WARN_UNUSED_RESULT;

/* lp_cli_graph_load_one: the LpCliGraphLoadFunc of svg and png: the one
 * report named on the command line. */
LpFolded *lp_cli_graph_load_one    (const LpCliGraphOptions *options) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
