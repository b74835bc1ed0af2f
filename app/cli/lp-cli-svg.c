/* lp-cli-svg.c: `laprof-cli svg`: the interactive SVG flame graph of a folded report.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lp-cli.h"
#include "lp-cli-graph.h"

int
lp_cli_svg (int    argc,
            char **argv)
{
  return lp_cli_graph_main ("svg", lp_cli_graph_load_one, argc, argv);
}
