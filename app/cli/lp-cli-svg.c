/* lp-cli-svg.c: `laprof-cli svg`, `png` and `diff`: flame graph pictures of folded reports.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp-cli.h"
#include "lp-file.h"
#include "lp-flame-export.h"
#include "lp-flame-svg.h"
#include "lp-folded-reader.h"

typedef struct
{
  char     *output;
  char     *title;
  char     *subtitle;
  char     *count_name;
  char     *colors;
  char     *min_width;
  char     *search;
  char     *format;
  char     *order;
  char     *focus;
  double    width;
  double    frame_height;
  gboolean  inverted;
  gboolean  reverse;
  gboolean  hash;
  gboolean  normalize;
  gboolean  hide_idle;
  gboolean  quiet;
  char    **args;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->output);
  g_free (o->title);
  g_free (o->subtitle);
  g_free (o->count_name);
  g_free (o->colors);
  g_free (o->min_width);
  g_free (o->search);
  g_free (o->format);
  g_free (o->order);
  g_free (o->focus);
  g_strfreev (o->args);
}

static LpFolded *
read_report (const char *command,
             const char *path,
             gboolean    quiet)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  g_autoptr(GError) error = NULL;

  if (!lp_folded_reader_read_file (reader, path, &error))
    {
      lp_cli_error (command, "%s", error->message);
      return NULL;
    }
  if (!quiet)
    lp_cli_print_skips (g_str_equal (path, "-") ? _("standard input") : path, reader, 3);
  return g_steal_pointer (&folded);
}

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

static int
run (const char *command,
     int         argc,
     char      **argv)
{
  gboolean is_diff = g_str_equal (command, "diff");
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFlameModel) model = NULL;
  g_autoptr(GRegex) search = NULL;
  g_autoptr(GError) error = NULL;
  LpFlameExportOptions opts;
  LpFlameFormat format = g_str_equal (command, "png") ? LP_FLAME_FORMAT_PNG : LP_FLAME_FORMAT_SVG;
  LpFlameModelFlags flags = 0;
  Options o = { .width = 1200, .frame_height = 16 };
  int status = LP_CLI_EXIT_ERROR;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      N_("Write to FILE (atomically); an SVG goes to standard output without it"), N_("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &o.format,
      N_("svg (interactive), png or pdf; default: from the command"), N_("FORMAT") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &o.title,
      N_("Title text (default: the report's file name; for diff, \"Flame Graph\")"), N_("TEXT") },
    { "subtitle", 0, 0, G_OPTION_ARG_STRING, &o.subtitle, N_("Second line of title text"), N_("TEXT") },
    { "width", 0, 0, G_OPTION_ARG_DOUBLE, &o.width, N_("Width of the picture in pixels (default 1200)"), N_("PX") },
    { "height", 0, 0, G_OPTION_ARG_DOUBLE, &o.frame_height, N_("Height of one frame in pixels (default 16)"), N_("PX") },
    { "minwidth", 0, 0, G_OPTION_ARG_STRING, &o.min_width,
      N_("Leave out frames narrower than PX pixels, or N% of the width (default 0.1)"), N_("PX|N%") },
    { "colors", 0, 0, G_OPTION_ARG_STRING, &o.colors,
      N_("Palette: hot (default), mem, io, lang (kernel, C++, libc, unknown told apart), or red, green, blue, aqua, yellow, purple, orange"), N_("PALETTE") },
    { "hash", 0, 0, G_OPTION_ARG_NONE, &o.hash,
      N_("Colours from the start of the name, so similar names look alike"), NULL },
    { "inverted", 0, 0, G_OPTION_ARG_NONE, &o.inverted, N_("Icicle graph: the root at the top"), NULL },
    { "reverse", 0, 0, G_OPTION_ARG_NONE, &o.reverse,
      N_("Merge stacks from the leaf (bottom-up, callers above)"), NULL },
    { "order", 0, 0, G_OPTION_ARG_STRING, &o.order,
      N_("Order of frames: alphabetical (default) or left-heavy"), N_("ORDER") },
    { "focus", 0, 0, G_OPTION_ARG_STRING, &o.focus,
      N_("Only the stacks through frame NAME, merged at it (with --reverse: its callers)"), N_("NAME") },
    { "hide-idle", 0, 0, G_OPTION_ARG_NONE, &o.hide_idle,
      N_("Leave out blocked samples (stacks ending in an \"[idle…\" frame)"), NULL },
    { "countname", 0, 0, G_OPTION_ARG_STRING, &o.count_name,
      N_("What the counts are (default \"samples\")"), N_("NAME") },
    { "search", 's', 0, G_OPTION_ARG_STRING, &o.search,
      N_("Highlight frames matching the regular expression REGEX"), N_("REGEX") },
    { "normalize", 'n', 0, G_OPTION_ARG_NONE, &o.normalize,
      N_("diff: scale the first report to the second one's total"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, N_("Do not report skipped lines"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.args, NULL,
      is_diff ? N_("BEFORE AFTER") : N_("REPORT") },
    { NULL }
  };

  context = g_option_context_new (is_diff ? _("BEFORE.folded AFTER.folded — a differential flame graph")
                                          : _("REPORT.folded — a flame graph of a folded report"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, is_diff
    ? _("Widths are those of AFTER; frames are red where AFTER has more samples than\n"
        "BEFORE and blue where it has fewer, the stronger the bigger the change; the\n"
        "hover text gives the difference.")
    : _("The SVG is interactive and self-contained: hover for details, click to zoom\n"
        "(ancestors stay below), Ctrl-F or \"Search\" for a regular expression.\n"
        "Reports with two count columns are drawn as differential graphs."));
  if (!lp_cli_parse (context, &argc, &argv))
    goto out;

  if (o.args == NULL || g_strv_length (o.args) != (is_diff ? 2u : 1u))
    {
      lp_cli_error (command, is_diff ? _("usage: laprof-cli diff BEFORE.folded AFTER.folded [-o OUT.svg]")
                                     : _("usage: laprof-cli %s REPORT.folded [-o OUTPUT]"), command);
      goto out;
    }

  lp_flame_export_options_init (&opts);
  /* a picture says what it shows: by default, the report it was made of */
  if (o.title == NULL && !is_diff && !g_str_equal (o.args[0], "-"))
    o.title = g_path_get_basename (o.args[0]);
  opts.title = o.title;
  opts.subtitle = o.subtitle;
  opts.count_name = o.count_name;
  opts.name_hash = o.hash;
  opts.icicle = o.inverted;
  if (o.width < 30 || o.width > 1e6 || o.frame_height < 4 || o.frame_height > 1000)
    {
      lp_cli_error (command, _("--width must be 30 to 1000000 pixels and --height 4 to 1000"));
      goto out;
    }
  opts.width = o.width;
  opts.row_height = o.frame_height;
  if (o.min_width != NULL)
    {
      char *end = NULL;
      double v = g_ascii_strtod (o.min_width, &end);

      if (end == o.min_width || v < 0 || (*end != '\0' && !g_str_equal (end, "%")))
        {
          lp_cli_error (command, _("--minwidth wants pixels (0.1) or a percentage (0.5%%), not “%s”"), o.min_width);
          goto out;
        }
      opts.min_width = *end == '%' ? v / 100 * (o.width - 20) : v;
    }
  if (o.colors != NULL && !lp_flame_palette_from_string (o.colors, &opts.palette))
    {
      lp_cli_error (command, _("unknown palette “%s”; use hot, mem, io, lang, red, green, blue, aqua, yellow, purple or orange"), o.colors);
      goto out;
    }
  if (o.order != NULL)
    {
      if (g_str_equal (o.order, "alphabetical") || g_str_equal (o.order, "alpha"))
        opts.order = LP_FLAME_ORDER_ALPHABETICAL;
      else if (g_str_equal (o.order, "left-heavy"))
        opts.order = LP_FLAME_ORDER_LEFT_HEAVY;
      else
        {
          lp_cli_error (command, _("unknown order “%s”; use alphabetical or left-heavy"), o.order);
          goto out;
        }
    }
  if (o.format != NULL)
    {
      if (g_str_equal (o.format, "svg"))
        format = LP_FLAME_FORMAT_SVG;
      else if (g_str_equal (o.format, "png"))
        format = LP_FLAME_FORMAT_PNG;
      else if (g_str_equal (o.format, "pdf"))
        format = LP_FLAME_FORMAT_PDF;
      else
        {
          lp_cli_error (command, _("unknown format “%s”; use svg, png or pdf"), o.format);
          goto out;
        }
    }
  if (format != LP_FLAME_FORMAT_SVG && (o.output == NULL || g_str_equal (o.output, "-")))
    {
      lp_cli_error (command, _("a PNG or PDF needs an output file: -o FILE"));
      goto out;
    }
  if (o.search != NULL)
    {
      search = g_regex_new (o.search, G_REGEX_OPTIMIZE, 0, &error);
      if (search == NULL)
        {
          lp_cli_error (command, _("--search: %s"), error->message);
          goto out;
        }
      opts.search = search;
    }

  if (is_diff)
    {
      g_autoptr(LpFolded) a = read_report (command, o.args[0], o.quiet);
      g_autoptr(LpFolded) b = a != NULL ? read_report (command, o.args[1], o.quiet) : NULL;

      if (b == NULL)
        goto out;
      folded = diff_reports (a, b, o.normalize, &error);
      if (folded == NULL)
        {
          lp_cli_error (command, "%s", error->message);
          goto out;
        }
    }
  else
    {
      folded = read_report (command, o.args[0], o.quiet);
      if (folded == NULL)
        goto out;
    }

  if (lp_folded_is_differential (folded))
    flags |= LP_FLAME_MODEL_DIFFERENTIAL;
  if (o.reverse)
    flags |= LP_FLAME_MODEL_REVERSE;
  if (o.hide_idle)
    flags |= LP_FLAME_MODEL_HIDE_IDLE;
  if (o.focus != NULL)
    {
      guint32 frame;

      if (!lp_intern_lookup (lp_folded_get_intern (folded), o.focus, strlen (o.focus), &frame))
        {
          lp_cli_error (command, _("--focus: no frame is named “%s”"), o.focus);
          goto out;
        }
      model = lp_flame_model_new_focus (folded, frame, flags);
    }
  else
    model = lp_flame_model_new_from_folded (folded, flags);

  if (o.output == NULL || g_str_equal (o.output, "-"))
    {
      g_autoptr(GString) svg = lp_flame_svg_new (model, &opts);
      if (!lp_write_all (STDOUT_FILENO, svg->str, svg->len, _("standard output"), &error))
        {
          lp_cli_error (command, "%s", error->message);
          goto out;
        }
    }
  else if (!lp_flame_export_to_file (model, &opts, format, o.output, &error))
    {
      lp_cli_error (command, "%s", error->message);
      goto out;
    }
  status = LP_CLI_EXIT_OK;

out:
  options_clear (&o);
  return status;
}

int
lp_cli_svg (int    argc,
            char **argv)
{
  return run ("svg", argc, argv);
}

int
lp_cli_png (int    argc,
            char **argv)
{
  return run ("png", argc, argv);
}

int
lp_cli_diff (int    argc,
             char **argv)
{
  return run ("diff", argc, argv);
}
