/* lp-cli-png.c: `laprof-cli png`: a flame graph of a folded report as a PNG (or PDF) picture.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lp-cli.h"
#include "lp-cli-graph.h"

int
lp_cli_png (int    argc,
            char **argv)
{
  return lp_cli_graph_main ("png", lp_cli_graph_load_one, argc, argv);
}
