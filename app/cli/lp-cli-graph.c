/* lp-cli-graph.c: what `laprof-cli svg`, `png` and `diff` share: options, the model, the picture.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lp-cli.h"
#include "lp-cli-graph.h"
#include "lp-file.h"
#include "lp-flame-svg.h"
#include "lp-folded-reader.h"
#include "lp-report-view.h"

static void
options_clear (LpCliGraphOptions *o)
{
  g_free (o->output);
  g_free (o->title);
  g_free (o->subtitle);
  g_free (o->count_name);
  g_free (o->colors);
  g_free (o->min_width);
  g_free (o->search);
  g_free (o->format_name);
  g_free (o->order);
  g_free (o->focus);
  g_strfreev (o->args);
  lp_cli_selection_clear (&o->selection);
  g_clear_pointer (&o->search_regex, g_regex_unref);
}

/* parse_args: the command line into @o, as given */
static gboolean
parse_args (LpCliGraphOptions  *o,
            int                 argc,
            char              **argv)
{
  gboolean is_diff = o->is_diff;
  const char *command = o->command;
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
      N_("Write to FILE (atomically); an SVG goes to standard output without it"), N_("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &o->format_name,
      N_("svg (interactive), png or pdf; default: from the command"), N_("FORMAT") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &o->title,
      N_("Title text (default: the report's file name; for diff, \"Flame Graph\")"), N_("TEXT") },
    { "subtitle", 0, 0, G_OPTION_ARG_STRING, &o->subtitle, N_("Second line of title text"), N_("TEXT") },
    { "width", 0, 0, G_OPTION_ARG_DOUBLE, &o->width, N_("Width of the picture in pixels (default 1200)"), N_("PX") },
    { "height", 0, 0, G_OPTION_ARG_DOUBLE, &o->frame_height, N_("Height of one frame in pixels (default 16)"), N_("PX") },
    { "minwidth", 0, 0, G_OPTION_ARG_STRING, &o->min_width,
      N_("Leave out frames narrower than PX pixels, or N% of the width (default 0.1)"), N_("PX|N%") },
    { "colors", 0, 0, G_OPTION_ARG_STRING, &o->colors,
      N_("Palette: hot (default), mem, io, lang (kernel, C++, libc, Python, unknown told apart), or red, green, blue, aqua, yellow, purple, orange"), N_("PALETTE") },
    { "hash", 0, 0, G_OPTION_ARG_NONE, &o->hash,
      N_("Colours from the start of the name, so similar names look alike"), NULL },
    { "inverted", 0, 0, G_OPTION_ARG_NONE, &o->inverted, N_("Icicle graph: the root at the top"), NULL },
    { "reverse", 0, 0, G_OPTION_ARG_NONE, &o->reverse,
      N_("Merge stacks from the leaf (bottom-up, callers above)"), NULL },
    { "order", 0, 0, G_OPTION_ARG_STRING, &o->order,
      N_("Order of frames: alphabetical (default) or left-heavy"), N_("ORDER") },
    { "focus", 0, 0, G_OPTION_ARG_STRING, &o->focus,
      N_("Only the stacks through frame NAME, merged at it (with --reverse: its callers)"), N_("NAME") },
    { "hide-idle", 0, 0, G_OPTION_ARG_NONE, &o->hide_idle,
      N_("Leave out blocked samples (stacks ending in an \"[idle…\" frame)"), NULL },
    { "no-kernel", 0, 0, G_OPTION_ARG_NONE, &o->no_kernel,
      N_("Take the kernel's frames (name_[k]) out of every stack"), NULL },
    { "countname", 0, 0, G_OPTION_ARG_STRING, &o->count_name,
      N_("What the counts are (default \"samples\")"), N_("NAME") },
    { "search", 's', 0, G_OPTION_ARG_STRING, &o->search,
      N_("Highlight frames matching the regular expression REGEX"), N_("REGEX") },
    { "normalize", 'n', 0, G_OPTION_ARG_NONE, &o->normalize,
      N_("diff: scale the first report to the second one's total"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Do not report skipped lines"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->args, NULL,
      is_diff ? N_("BEFORE AFTER") : N_("REPORT") },
    { NULL }
  };

  context = g_option_context_new (is_diff ? _("BEFORE.folded AFTER.folded — a differential flame graph")
                                          : _("REPORT.folded — a flame graph of a folded report"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lp_cli_selection_add_entries (context, &o->selection);
  g_option_context_set_description (context, is_diff
    ? _("Widths are those of AFTER; frames are red where AFTER has more samples than\n"
        "BEFORE and blue where it has fewer, the stronger the bigger the change; the\n"
        "hover text gives the difference.")
    : _("The SVG is interactive and self-contained: hover for details, click to zoom\n"
        "(ancestors stay below), Ctrl-F or \"Search\" for a regular expression.\n"
        "Reports with two count columns are drawn as differential graphs."));
  if (!lp_cli_parse (context, &argc, &argv))
    return FALSE;

  if (o->args == NULL || g_strv_length (o->args) != (is_diff ? 2u : 1u))
    {
      lp_cli_error (command, is_diff ? _("usage: laprof-cli diff BEFORE.folded AFTER.folded [-o OUT.svg]")
                                     : _("usage: laprof-cli %s REPORT.folded [-o OUTPUT]"), command);
      return FALSE;
    }
  return TRUE;
}

LpFolded *
lp_cli_graph_read_report (const LpCliGraphOptions *options,
                          const char              *path)
{
  return lp_cli_read_any (options->command, path, &options->selection, LP_FOLDED_READER_DEFAULT,
                          options->quiet, NULL);
}

static gboolean
parse_min_width (LpCliGraphOptions *o)
{
  char *end = NULL;
  double v = g_ascii_strtod (o->min_width, &end);

  if (end == o->min_width || v < 0 || (*end != '\0' && !g_str_equal (end, "%")))
    {
      lp_cli_error (o->command, _("--minwidth wants pixels (0.1) or a percentage (0.5%%), not “%s”"), o->min_width);
      return FALSE;
    }
  o->export.min_width = *end == '%' ? v / 100 * (o->width - 20) : v;
  return TRUE;
}

static gboolean
parse_order (LpCliGraphOptions *o)
{
  if (g_str_equal (o->order, "alphabetical") || g_str_equal (o->order, "alpha"))
    o->export.order = LP_FLAME_ORDER_ALPHABETICAL;
  else if (g_str_equal (o->order, "left-heavy"))
    o->export.order = LP_FLAME_ORDER_LEFT_HEAVY;
  else
    {
      lp_cli_error (o->command, _("unknown order “%s”; use alphabetical or left-heavy"), o->order);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_format (LpCliGraphOptions *o)
{
  if (g_str_equal (o->format_name, "svg"))
    o->format = LP_FLAME_FORMAT_SVG;
  else if (g_str_equal (o->format_name, "png"))
    o->format = LP_FLAME_FORMAT_PNG;
  else if (g_str_equal (o->format_name, "pdf"))
    o->format = LP_FLAME_FORMAT_PDF;
  else
    {
      lp_cli_error (o->command, _("unknown format “%s”; use svg, png or pdf"), o->format_name);
      return FALSE;
    }
  return TRUE;
}

/* make_options: what the options as given mean, into @o->export, @o->format
 * and @o->search_regex; says what is wrong with them */
static gboolean
make_options (LpCliGraphOptions *o)
{
  g_autoptr(GError) error = NULL;

  lp_flame_picture_options_init (&o->export);
  /* a picture says what it shows: by default, the report it was made of */
  if (o->title == NULL && !o->is_diff && !g_str_equal (o->args[0], "-"))
    o->title = g_path_get_basename (o->args[0]);
  o->export.title = o->title;
  o->export.subtitle = o->subtitle;
  o->export.count_name = o->count_name;
  o->export.name_hash = o->hash;
  o->export.icicle = o->inverted;
  if (o->width < 30 || o->width > 1e6 || o->frame_height < 4 || o->frame_height > 1000)
    {
      lp_cli_error (o->command, _("--width must be 30 to 1000000 pixels and --height 4 to 1000"));
      return FALSE;
    }
  o->export.width = o->width;
  o->export.row_height = o->frame_height;
  if (o->min_width != NULL && !parse_min_width (o))
    return FALSE;
  if (o->colors != NULL && !lp_flame_color_palette_from_string (o->colors, &o->export.palette))
    {
      lp_cli_error (o->command, _("unknown palette “%s”; use hot, mem, io, lang, red, green, blue, aqua, yellow, purple or orange"), o->colors);
      return FALSE;
    }
  if ((o->order != NULL && !parse_order (o)) || (o->format_name != NULL && !parse_format (o)))
    return FALSE;
  if (o->format != LP_FLAME_FORMAT_SVG && (o->output == NULL || g_str_equal (o->output, "-")))
    {
      lp_cli_error (o->command, _("a PNG or PDF needs an output file: -o FILE"));
      return FALSE;
    }
  if (o->search != NULL)
    {
      o->search_regex = g_regex_new (o->search, G_REGEX_OPTIMIZE, 0, &error);
      if (o->search_regex == NULL)
        {
          lp_cli_error (o->command, _("--search: %s"), error->message);
          return FALSE;
        }
      o->export.search = o->search_regex;
    }
  return TRUE;
}

/* run: the model of @folded that the options ask for; NULL (said) when
 * no stack shown goes through the focus frame. *@filtered gets the
 * filtered copy the model's names live in, if one is needed. */
static LpFlameModel *
run (const LpCliGraphOptions  *o,
     LpFolded                 *folded,
     LpFolded                **filtered)
{
  LpReportView view = {
    .reverse = o->reverse,
    .hide_idle = o->hide_idle,
    .hide_kernel = o->no_kernel,
    .focus = g_strdup (o->focus),
  };
  LpFlameModel *model;
  gboolean focused;
  guint32 frame;

  model = lp_report_view_build_model (&view, folded, filtered, &focused);
  lp_report_view_clear (&view);
  if (o->focus == NULL || focused)
    return model;
  lp_flame_model_free (model);
  g_clear_pointer (filtered, lp_folded_free);
  if (!lp_intern_lookup (lp_folded_get_intern (folded), o->focus, strlen (o->focus), &frame))
    lp_cli_error (o->command, _("--focus: no frame is named “%s”"), o->focus);
  else
    lp_cli_error (o->command, _("--focus: every stack through “%s” is left out (--hide-idle)"), o->focus);
  return NULL;
}

/* report: the picture of @model, to the output file or standard output */
static gboolean
report (const LpCliGraphOptions *o,
        LpFlameModel            *model)
{
  g_autoptr(GError) error = NULL;

  if (o->output == NULL || g_str_equal (o->output, "-"))
    {
      g_autoptr(GString) svg = lp_flame_svg_new (model, &o->export);
      if (!lp_file_write_all (STDOUT_FILENO, svg->str, svg->len, _("standard output"), &error))
        {
          lp_cli_error (o->command, "%s", error->message);
          return FALSE;
        }
    }
  else if (!lp_flame_export_to_file (model, &o->export, o->format, o->output, &error))
    {
      lp_cli_error (o->command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

LpFolded *
lp_cli_graph_load_one (const LpCliGraphOptions *options)
{
  return lp_cli_graph_read_report (options, options->args[0]);
}

int
lp_cli_graph_main (const char          *command,
                   LpCliGraphLoadFunc   load,
                   int                  argc,
                   char               **argv)
{
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFolded) filtered = NULL;
  g_autoptr(LpFlameModel) model = NULL;
  LpCliGraphOptions o = {
    .command = command,
    .is_diff = g_str_equal (command, "diff"),
    .width = 1200,
    .frame_height = 16,
    .format = g_str_equal (command, "png") ? LP_FLAME_FORMAT_PNG : LP_FLAME_FORMAT_SVG,
  };
  int status = LP_CLI_EXIT_ERROR;

  if (parse_args (&o, argc, argv) && make_options (&o) &&
      (folded = load (&o)) != NULL &&
      (model = run (&o, folded, &filtered)) != NULL &&
      report (&o, model))
    status = LP_CLI_EXIT_OK;
  options_clear (&o);
  return status;
}
