/* lp-cli-diff.c: `laprof-cli diff`: a differential flame graph of two folded reports.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lp-cli.h"
#include "lp-cli-graph.h"

/* the differential report of flamegraph.pl's difffolded: A's counts in
 * the first column, B's in the second, over the names of both */
static LpFolded *
diff_reports (const LpFolded *a,
              const LpFolded *b,
              gboolean        normalize,
              GError        **error)
{
  g_autoptr(LpFolded) both = lp_folded_new ();
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  double scale = 1;

  if (normalize && lp_folded_get_total (a) > 0)
    scale = lp_folded_get_total (b) / lp_folded_get_total (a);

  for (int side = 0; side < 2; side++)
    {
      const LpFolded *src = side == 0 ? a : b;

      for (guint i = 0; i < lp_folded_get_n_stacks (src); i++)
        {
          LpFoldedStack st;

          lp_folded_get_stack (src, i, &st);
          g_array_set_size (frames, st.depth);
          for (guint d = 0; d < st.depth; d++)
            g_array_index (frames, guint32, d) =
              lp_folded_intern (both, lp_folded_frame_name (src, st.frames[d]), -1);
          if (!lp_folded_add (both, (guint32 *) frames->data, st.depth, 0,
                              side == 0 ? st.count * scale : 0,
                              side == 0 ? 0 : st.count, NULL, error))
            return NULL;
        }
    }
  lp_folded_set_differential (both, TRUE);
  return g_steal_pointer (&both);
}

static LpFolded *
load_diff (const LpCliGraphOptions *options)
{
  g_autoptr(LpFolded) a = lp_cli_graph_read_report (options, options->args[0]);
  g_autoptr(LpFolded) b = a != NULL ? lp_cli_graph_read_report (options, options->args[1]) : NULL;
  g_autoptr(GError) error = NULL;
  LpFolded *both;

  if (b == NULL)
    return NULL;
  both = diff_reports (a, b, options->normalize, &error);
  if (both == NULL)
    lp_cli_error (options->command, "%s", error->message);
  return both;
}

int
lp_cli_diff (int    argc,
             char **argv)
{
  return lp_cli_graph_main ("diff", load_diff, argc, argv);
}
