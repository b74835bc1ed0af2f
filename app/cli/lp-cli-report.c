/* lp-cli-report.c: `laprof-cli report`: the top functions of a report (self and total), its call tree top-down or bottom-up, one function's callers and callees, source lines.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lp-cli.h"
#include "lp-flame-model.h"
#include "lp-functions.h"

typedef struct
{
  const char        *path;
  LpFolded          *folded;   /* as read */
  LpFunctions       *functions;
  double             total;    /* the 100 % */
  gboolean           by_total;
  int                limit;
  double             min_percent;
  gboolean           lines;
  gboolean           no_idle;
  const char        *focus;        /* trees: --focus, or NULL */
  guint              focus_index;
} Report;

/* ---- columns ---- */

/* the width of the count columns: the widest count of the report (its
 * total) or the heading, whichever is wider */
typedef struct
{
  int count;
} Widths;

/* @count as shown: whole counts in full, fractions (merged or scaled
 * reports) to three decimals, without trailing zeros; returns its length */
static int
format_count (double count,
              char   buf[64])
{
  char *end;

  if (count == floor (count) && fabs (count) < 1e15)
    return g_snprintf (buf, 64, "%.0f", count);
  g_snprintf (buf, 64, "%.3f", count);
  end = buf + strlen (buf);
  while (end > buf && end[-1] == '0')
    *--end = '\0';
  if (end > buf && end[-1] == '.')
    *--end = '\0';
  return (int) (end - buf);
}

static int
text_width (const char *text)
{
  return (int) g_utf8_strlen (text, -1);
}

/* @text right-aligned in @width characters (UTF-8 aware, as headings are
 * translated) */
static void
print_right (const char *text,
             int         width)
{
  for (int i = text_width (text); i < width; i++)
    putchar (' ');
  fputs (text, stdout);
}

static void
print_count (double count,
             int    width)
{
  char buf[64];

  format_count (count, buf);
  print_right (buf, width);
}

static void
print_percent (double part,
               double whole)
{
  printf ("  %6.2f%%", whole > 0 ? 100.0 * part / whole : 0.0);
}

static Widths
widths_for (const Report *r,
            const char   *first,
            const char   *second)
{
  char buf[64];
  Widths w;

  format_count (r->total, buf);
  w.count = MAX (text_width (buf), MAX (text_width (first), text_width (second)));
  return w;
}

/* "#  FIRST  FIRST%  SECOND  SECOND%  NAME": the heading of a table of two
 * count columns with their percentages */
static void
print_heading (const Widths *w,
               const char   *first,
               const char   *second,
               const char   *name)
{
  g_autofree char *first_pc = g_strdup_printf ("%s%%", first);
  g_autofree char *second_pc = g_strdup_printf ("%s%%", second);

  fputs ("#", stdout);
  print_right (first, w->count + 1);
  print_right (first_pc, 9);
  fputs ("  ", stdout);
  print_right (second, w->count);
  print_right (second_pc, 9);
  printf ("  %s\n", name);
}

/* one row: two counts with their percentages of the report, then @name
 * after @indent spaces */
static void
print_row (const Report *r,
           const Widths *w,
           double        first,
           double        second,
           guint         indent,
           const char   *name)
{
  fputs (" ", stdout);
  print_count (first, w->count + 1);
  print_percent (first, r->total);
  fputs ("  ", stdout);
  print_count (second, w->count);
  print_percent (second, r->total);
  printf ("  %*s%s\n", (int) indent, "", name);
}

/* ---- the functions table ---- */

static const Report *sort_report;

static int
compare_functions (gconstpointer a,
                   gconstpointer b)
{
  const LpFunction *x = lp_functions_get (sort_report->functions, *(const guint *) a);
  const LpFunction *y = lp_functions_get (sort_report->functions, *(const guint *) b);
  double kx = sort_report->by_total ? x->total : x->self, ky = sort_report->by_total ? y->total : y->self;
  double ox = sort_report->by_total ? x->self : x->total, oy = sort_report->by_total ? y->self : y->total;

  if (kx != ky)
    return kx < ky ? 1 : -1;
  if (ox != oy)
    return ox < oy ? 1 : -1;
  return strcmp (x->name, y->name);
}

/* the lines of function @index under its row; FALSE if it has none */
static gboolean
print_lines (const Report *r,
             const Widths *w,
             guint         index)
{
  g_autoptr(GArray) lines = lp_functions_get_lines (r->functions, index);

  for (guint i = 0; i < lines->len; i++)
    {
      const LpFunctionLine *l = &g_array_index (lines, LpFunctionLine, i);
      g_autofree char *where = g_strdup_printf ("%s:%u", l->file, l->line);

      if (r->by_total)
        print_row (r, w, l->total, l->self, 4, where);
      else
        print_row (r, w, l->self, l->total, 4, where);
    }
  return lines->len > 0;
}

static void
print_table (const Report *r)
{
  guint n = lp_functions_get_n (r->functions);
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  guint shown;
  const char *first = r->by_total ? _("total") : _("self");
  const char *second = r->by_total ? _("self") : _("total");
  Widths w = widths_for (r, first, second);
  gboolean any_lines = FALSE;
  char buf[64];

  /* the functions with samples (with --no-idle, those only blocked
   * stacks hold have none left), as perf and pprof list them */
  n = 0;
  for (guint i = 0; i < lp_functions_get_n (r->functions); i++)
    if (lp_functions_get (r->functions, i)->total > 0)
      order[n++] = i;
  shown = r->limit > 0 ? MIN ((guint) r->limit, n) : n;
  sort_report = r;
  qsort (order, n, sizeof *order, compare_functions);
  /* fractional counts may be written wider than the total */
  for (guint i = 0; i < shown; i++)
    {
      const LpFunction *f = lp_functions_get (r->functions, order[i]);

      w.count = MAX (w.count, format_count (f->self, buf));
      w.count = MAX (w.count, format_count (f->total, buf));
    }

  format_count (r->total, buf);
  if (r->by_total)
    printf (_("# %s: %s samples, %u functions, sorted by total time; showing %u\n"), r->path, buf, n, shown);
  else
    printf (_("# %s: %s samples, %u functions, sorted by self time; showing %u\n"), r->path, buf, n, shown);
  print_heading (&w, first, second, _("function"));
  for (guint i = 0; i < shown; i++)
    {
      const LpFunction *f = lp_functions_get (r->functions, order[i]);

      if (r->by_total)
        print_row (r, &w, f->total, f->self, 0, f->name);
      else
        print_row (r, &w, f->self, f->total, 0, f->name);
      if (r->lines)
        any_lines |= print_lines (r, &w, order[i]);
    }
  if (r->lines && !any_lines)
    fprintf (stderr, _("laprof-cli report: %s: no frame names a source line: record with `laprof-cli record --lines`\n"),
             r->path);
}

/* ---- callers and callees ---- */

/* lp_functions_find, or the error, with a few names that hold @name */
static guint
find_function (const Report *r,
               const char   *name)
{
  guint index = lp_functions_find (r->functions, name);
  g_autoptr(GString) like = NULL;
  guint n_like = 0;

  if (index != LP_FUNCTIONS_NONE)
    return index;
  lp_cli_error ("report", _("no function named %s: `laprof-cli report %s` lists them"), name, r->path);
  like = g_string_new (NULL);
  for (guint i = 0; i < lp_functions_get_n (r->functions) && n_like < 5; i++)
    {
      const char *other = lp_functions_get (r->functions, i)->name;

      if (strstr (other, name) != NULL)
        {
          g_string_append_printf (like, "\n  %s", other);
          n_like++;
        }
    }
  if (n_like > 0)
    fprintf (stderr, _("Functions whose name holds it:%s\n"), like->str);
  return LP_FUNCTIONS_NONE;
}

static void
print_links (const Report *r,
             guint         index,
             gboolean      callers)
{
  const LpFunction *f = lp_functions_get (r->functions, index);
  g_autoptr(GArray) links = callers ? lp_functions_get_callers (r->functions, index)
                                    : lp_functions_get_callees (r->functions, index);
  const char *count = _("samples");
  Widths w = widths_for (r, count, count);
  char buf[64];

  format_count (f->total, buf);
  if (callers)
    printf (_("# callers of %s: %s samples (%.2f%% of all); [root]: the stack begins with it\n"),
            f->name, buf, r->total > 0 ? 100.0 * f->total / r->total : 0.0);
  else
    printf (_("# callees of %s: %s samples (%.2f%% of all); [self]: its own time\n"),
            f->name, buf, r->total > 0 ? 100.0 * f->total / r->total : 0.0);
  fputs ("#", stdout);
  print_right (count, w.count + 1);
  print_right (_("of it"), 9);
  print_right (_("of all"), 9);
  printf ("  %s\n", callers ? _("caller") : _("callee"));
  for (guint i = 0; i < links->len; i++)
    {
      const LpFunctionLink *l = &g_array_index (links, LpFunctionLink, i);
      const char *name;

      if (l->function != LP_FUNCTIONS_NONE)
        name = lp_functions_get (r->functions, l->function)->name;
      else
        name = callers ? _("[root]") : _("[self]");
      fputs (" ", stdout);
      print_count (l->count, w.count + 1);
      printf ("  %6.2f%%", f->total > 0 ? 100.0 * l->count / f->total : 0.0);
      printf ("  %6.2f%%", r->total > 0 ? 100.0 * l->count / r->total : 0.0);
      printf ("  %s\n", name);
    }
}

/* ---- call trees ---- */

/* @folded with every frame named as its function (" (file:line)" cut),
 * or NULL when no frame has a line */
static LpFolded *
functions_only (LpFolded  *folded,
                GError   **error)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  guint n_frames = lp_folded_get_n_frames (folded);
  g_autofree guint32 *map = g_new (guint32, MAX (n_frames, 1));
  g_autoptr(LpFolded) out = lp_folded_new ();
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  gboolean any = FALSE;

  for (guint f = 0; f < n_frames; f++)
    {
      const char *name = lp_folded_frame_name (folded, f);
      const char *fn = lp_functions_name_of_frame (name, buf);

      any |= fn != name;
      map[f] = lp_folded_intern (out, fn, -1);
    }
  if (!any)
    return NULL;
  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, i, &st);
      g_array_set_size (frames, st.depth);
      for (guint d = 0; d < st.depth; d++)
        g_array_index (frames, guint32, d) = map[st.frames[d]];
      if (!lp_folded_add (out, (const guint32 *) (gpointer) frames->data, st.depth, 0, st.count, 0, NULL, error))
        return NULL;
    }
  return g_steal_pointer (&out);
}

typedef struct
{
  const Report       *r;
  const LpFlameModel *model;
  const Widths       *w;
  guint               n_cut;   /* nodes left out under the cut-off */
} Tree;

static const LpFlameModel *sort_model;

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  const LpFlameNode *nx = lp_flame_model_get_node (sort_model, x);
  const LpFlameNode *ny = lp_flame_model_get_node (sort_model, y);

  if (nx->total != ny->total)
    return nx->total < ny->total ? 1 : -1;
  return strcmp (lp_flame_model_node_name (sort_model, x), lp_flame_model_node_name (sort_model, y));
}

/* @node's children, largest total first */
static GArray *
sorted_children (const LpFlameModel *model,
                 guint32             node)
{
  GArray *children = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint32 c = lp_flame_model_get_node (model, node)->first_child; c != LP_FLAME_NO_NODE;
       c = lp_flame_model_get_node (model, c)->next_sibling)
    g_array_append_val (children, c);
  sort_model = model;
  g_array_sort (children, compare_nodes);
  return children;
}

static void
print_subtree (Tree    *t,
               guint32  node,
               guint    depth)
{
  g_autoptr(GArray) children = sorted_children (t->model, node);

  for (guint i = 0; i < children->len; i++)
    {
      guint32 c = g_array_index (children, guint32, i);
      const LpFlameNode *n = lp_flame_model_get_node (t->model, c);

      if (t->r->total <= 0 || 100.0 * n->total / t->r->total < t->r->min_percent)
        {
          t->n_cut += children->len - i;
          break;
        }
      print_row (t->r, t->w, n->total, n->self, 2 * depth, lp_flame_model_node_name (t->model, c));
      print_subtree (t, c, depth + 1);
    }
}

static gboolean
print_tree (const Report *r,
            gboolean      bottom_up)
{
  g_autoptr(GError) error = NULL;
  /* a focus is on a function: all its lines one frame */
  g_autoptr(LpFolded) merged = r->lines && r->focus == NULL ? NULL : functions_only (r->folded, &error);
  LpFolded *source = merged != NULL ? merged : r->folded;
  LpFlameModelFlags flags = (bottom_up ? LP_FLAME_MODEL_REVERSE : 0) | (r->no_idle ? LP_FLAME_MODEL_HIDE_IDLE : 0);
  g_autoptr(LpFlameModel) model = NULL;
  Widths w = widths_for (r, _("total"), _("self"));
  Tree t = { r, NULL, &w, 0 };

  if (error != NULL)
    {
      lp_cli_error ("report", "%s", error->message);
      return FALSE;
    }
  if (r->focus != NULL)
    {
      const char *name = lp_functions_get (r->functions, r->focus_index)->name;
      guint32 frame;

      if (!lp_intern_lookup (lp_folded_get_intern (source), name, strlen (name), &frame))
        g_assert_not_reached ();
      model = lp_flame_model_new_focus (source, frame, flags);
      if (bottom_up)
        printf (_("# callers of %s, bottom-up: each function under what it calls; below %g%% of all left out\n"),
                name, r->min_percent);
      else
        printf (_("# callees of %s, top-down: each function under its caller; below %g%% of all left out\n"),
                name, r->min_percent);
    }
  else
    {
      model = lp_flame_model_new_from_folded (source, flags);
      if (bottom_up)
        printf (_("# call tree of %s, bottom-up: each function under what it calls; below %g%% of all left out\n"),
                r->path, r->min_percent);
      else
        printf (_("# call tree of %s, top-down: each function under its caller; below %g%% of all left out\n"),
                r->path, r->min_percent);
    }
  t.model = model;
  print_heading (&w, _("total"), _("self"), _("function"));
  print_subtree (&t, LP_FLAME_ROOT, 0);
  if (t.n_cut > 0)
    printf (g_dngettext (NULL, "# %u branch below %g%% left out (--min-percent)\n",
                         "# %u branches below %g%% left out (--min-percent)\n", t.n_cut),
            t.n_cut, r->min_percent);
  return TRUE;
}

/* ---- the command ---- */

int
lp_cli_report (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(GStrv) files = NULL;
  g_auto(LpCliSelection) sel = { 0 };
  g_autofree char *sort = NULL;
  g_autofree char *callers = NULL;
  g_autofree char *callees = NULL;
  g_autofree char *focus = NULL;
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFunctions) functions = NULL;
  gboolean tree = FALSE, bottom_up = FALSE;
  Report r = { .limit = 20, .min_percent = 0.5 };
  guint caller_index = LP_FUNCTIONS_NONE, callee_index = LP_FUNCTIONS_NONE;
  const GOptionEntry entries[] = {
    { "sort", 's', 0, G_OPTION_ARG_STRING, &sort,
      N_("self (default: time in the function itself) or total (with what it calls)"), N_("KEY") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &r.limit,
      N_("Show the first N functions (default 20; 0: all)"), N_("N") },
    { "tree", 't', 0, G_OPTION_ARG_NONE, &tree,
      N_("Print the call tree, top-down: callees under their callers"), NULL },
    { "bottom-up", 'b', 0, G_OPTION_ARG_NONE, &bottom_up,
      N_("Print the inverted call tree: callers under the functions they call"), NULL },
    { "min-percent", 0, 0, G_OPTION_ARG_DOUBLE, &r.min_percent,
      N_("Trees: leave out branches below P percent of all samples (default 0.5)"), N_("P") },
    { "callers", 0, 0, G_OPTION_ARG_STRING, &callers,
      N_("Print who calls function FN, with every call merged"), N_("FN") },
    { "callees", 0, 0, G_OPTION_ARG_STRING, &callees,
      N_("Print what function FN calls, with every call merged"), N_("FN") },
    { "focus", 0, 0, G_OPTION_ARG_STRING, &focus,
      N_("Trees: only the stacks through function FN, cut at it: --tree shows all it calls, --bottom-up all who call it"),
      N_("FN") },
    { "no-idle", 0, 0, G_OPTION_ARG_NONE, &r.no_idle,
      N_("Leave out blocked samples (stacks that end in an [idle: …] frame)"), NULL },
    { "lines", 'l', 0, G_OPTION_ARG_NONE, &r.lines,
      N_("Print the source lines of each function shown (frames recorded with --lines)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("— the top functions of a report, its call tree, callers and callees"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lp_cli_selection_add_entries (context, &sel);
  g_option_context_set_description (context,
    _("Reads FILE (a folded report, \"-\" for standard input, a capture or perf script text)\n"
      "and prints its functions sorted by self time (the samples where the function is\n"
      "the last frame) or total time (the samples of the stacks that hold it, once a\n"
      "stack however deep it recurses), with their percentages of all samples, as\n"
      "`perf report --no-children` and `go tool pprof -top` do. Frames named\n"
      "\"function (file:line)\" (laprof-cli record --lines) make one function.\n"
      "--tree, --bottom-up, --callers and --callees print those instead of the table.\n\n"
      "Exit status: 0 printed, 2 unreadable input, unknown function or bad usage."));
  if (!lp_cli_parse (context, &argc, &argv))
    return LP_CLI_EXIT_ERROR;

  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      lp_cli_error ("report", _("give one report; usage: laprof-cli report [OPTION…] FILE"));
      return LP_CLI_EXIT_ERROR;
    }
  if (sort != NULL && !g_str_equal (sort, "self") && !g_str_equal (sort, "total"))
    {
      lp_cli_error ("report", _("--sort wants self or total, not “%s”"), sort);
      return LP_CLI_EXIT_ERROR;
    }
  if (r.limit < 0)
    {
      lp_cli_error ("report", _("--limit wants a count of functions (0: all), not %d"), r.limit);
      return LP_CLI_EXIT_ERROR;
    }
  if (r.min_percent < 0 || r.min_percent > 100)
    {
      lp_cli_error ("report", _("--min-percent wants a percentage from 0 to 100, not %g"), r.min_percent);
      return LP_CLI_EXIT_ERROR;
    }

  folded = lp_cli_read_any ("report", files[0], &sel, LP_FOLDED_READER_STREAM, FALSE, NULL);
  if (folded == NULL)
    return LP_CLI_EXIT_ERROR;
  functions = lp_functions_new (folded, r.no_idle ? LP_FUNCTIONS_HIDE_IDLE : LP_FUNCTIONS_DEFAULT);
  r.path = g_str_equal (files[0], "-") ? _("standard input") : files[0];
  r.folded = folded;
  r.functions = functions;
  r.total = lp_functions_get_total (functions);
  r.by_total = sort != NULL && g_str_equal (sort, "total");

  /* every name is checked before anything is printed */
  if (callers != NULL && (caller_index = find_function (&r, callers)) == LP_FUNCTIONS_NONE)
    return LP_CLI_EXIT_ERROR;
  if (callees != NULL && (callee_index = find_function (&r, callees)) == LP_FUNCTIONS_NONE)
    return LP_CLI_EXIT_ERROR;
  if (focus != NULL && (r.focus_index = find_function (&r, focus)) == LP_FUNCTIONS_NONE)
    return LP_CLI_EXIT_ERROR;
  if (focus != NULL && !tree && !bottom_up)
    tree = TRUE;
  r.focus = focus;
  if (r.total <= 0)
    fprintf (stderr, _("laprof-cli report: %s: no samples left (were they all idle?)\n"), r.path);

  /* the sections asked for, a blank line between them */
  if (callers != NULL)
    print_links (&r, caller_index, TRUE);
  if (callees != NULL)
    {
      if (callers != NULL)
        putchar ('\n');
      print_links (&r, callee_index, FALSE);
    }
  if (tree)
    {
      if (callers != NULL || callees != NULL)
        putchar ('\n');
      if (!print_tree (&r, FALSE))
        return LP_CLI_EXIT_ERROR;
    }
  if (bottom_up)
    {
      if (callers != NULL || callees != NULL || tree)
        putchar ('\n');
      if (!print_tree (&r, TRUE))
        return LP_CLI_EXIT_ERROR;
    }
  if (callers == NULL && callees == NULL && !tree && !bottom_up)
    print_table (&r);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      lp_cli_error ("report", _("cannot write to standard output"));
      return LP_CLI_EXIT_ERROR;
    }
  return LP_CLI_EXIT_OK;
}
