/* test-functions.c: the functions table (core/lp-functions.h) checked against a direct scan of the stacks and against the flame graph's own numbers, on generated reports and a real recording.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "lp-collapse.h"
#include "lp-flame-model.h"
#include "lp-folded-reader.h"
#include "lp-functions.h"
#include "test-util.h"

static char *tmpdir;

/* ---- the reference: a direct scan of the stacks, by function name ---- */

/* the function of a frame, by this test's own reading of the
 * "name (file:line)" suffix: " (" then a file without parentheses, a
 * colon and decimal digits, then ")" at the end. *@file, *@line: the line
 * (NULL, 0 when none). */
static char *
function_of (const char  *frame,
             char       **file,
             guint       *line)
{
  gsize len = strlen (frame);
  const char *open = g_strrstr (frame, " (");

  *file = NULL;
  *line = 0;
  if (open != NULL && open > frame && len > 0 && frame[len - 1] == ')')
    {
      const char *inside = open + 2;
      const char *colon = strrchr (inside, ':');
      gboolean digits = colon != NULL && colon + 1 < frame + len - 1;

      for (const char *p = colon != NULL ? colon + 1 : inside; digits && p < frame + len - 1; p++)
        digits = g_ascii_isdigit (*p);
      if (digits && colon > inside && memchr (inside, '(', colon - inside) == NULL)
        {
          *file = g_strndup (inside, colon - inside);
          *line = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
          return g_strndup (frame, open - frame);
        }
    }
  return g_strdup (frame);
}

/* "" stands for LP_FUNCTIONS_NONE in the maps of callers and callees */
#define NONE_KEY ""

typedef struct
{
  double      self;
  double      total;
  double      self_no_line;  /* self samples whose last frame names no line */
  GHashTable *callers;   /* name -> double* */
  GHashTable *callees;
  GHashTable *lines;     /* "file:line" -> double[2] (self, total) */
} RefFunction;

static void
ref_function_free (gpointer p)
{
  RefFunction *f = p;

  g_hash_table_unref (f->callers);
  g_hash_table_unref (f->callees);
  g_hash_table_unref (f->lines);
  g_free (f);
}

typedef struct
{
  GHashTable *functions; /* name -> RefFunction */
  double      total;
} Ref;

static void
ref_free (Ref *ref)
{
  g_hash_table_unref (ref->functions);
  g_free (ref);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ref, ref_free)

static RefFunction *
ref_get (Ref        *ref,
         const char *name)
{
  RefFunction *f = g_hash_table_lookup (ref->functions, name);

  if (f == NULL)
    {
      f = g_new0 (RefFunction, 1);
      f->callers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      f->callees = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      f->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (ref->functions, g_strdup (name), f);
    }
  return f;
}

static double *
map_slot (GHashTable *map,
          const char *key,
          guint       n)
{
  double *v = g_hash_table_lookup (map, key);

  if (v == NULL)
    {
      v = g_new0 (double, n);
      g_hash_table_insert (map, g_strdup (key), v);
    }
  return v;
}

static gboolean
is_idle_stack (const LpFolded      *report,
               const LpFoldedStack *st)
{
  return st->depth > 0 && strncmp (lp_folded_frame_name (report, st->frames[st->depth - 1]), "[idle", 5) == 0;
}

static Ref *
ref_new (const LpFolded   *report,
         LpFunctionsFlags  flags)
{
  Ref *ref = g_new0 (Ref, 1);

  ref->functions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, ref_function_free);
  for (guint i = 0; i < lp_folded_get_n_stacks (report); i++)
    {
      LpFoldedStack st;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) wheres = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) seen_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      lp_folded_get_stack (report, i, &st);
      if ((flags & LP_FUNCTIONS_HIDE_IDLE) && is_idle_stack (report, &st))
        continue;
      ref->total += st.count;
      for (guint d = 0; d < st.depth; d++)
        {
          char *file;
          guint line;

          g_ptr_array_add (names, function_of (lp_folded_frame_name (report, st.frames[d]), &file, &line));
          g_ptr_array_add (wheres, file != NULL ? g_strdup_printf ("%s:%u", file, line) : NULL);
          g_free (file);
        }
      ref_get (ref, names->pdata[st.depth - 1])->self += st.count;
      if (wheres->pdata[st.depth - 1] == NULL)
        ref_get (ref, names->pdata[st.depth - 1])->self_no_line += st.count;
      for (guint d = 0; d < st.depth; d++)
        {
          const char *name = names->pdata[d];
          RefFunction *f = ref_get (ref, name);

          if (!g_hash_table_contains (seen, name))
            {
              guint first = d, last = d;

              g_hash_table_add (seen, (gpointer) name);
              f->total += st.count;
              for (guint e = d; e < st.depth; e++)
                if (g_str_equal (names->pdata[e], name))
                  last = e;
              *map_slot (f->callees, first + 1 < st.depth ? names->pdata[first + 1] : NONE_KEY, 1) += st.count;
              *map_slot (f->callers, last > 0 ? names->pdata[last - 1] : NONE_KEY, 1) += st.count;
            }
          if (wheres->pdata[d] != NULL)
            {
              double *v = map_slot (f->lines, wheres->pdata[d], 2);
              g_autofree char *key = g_strconcat (name, "\n", wheres->pdata[d], NULL);

              if (d + 1 == st.depth)
                v[0] += st.count;
              if (!g_hash_table_contains (seen_lines, key))
                {
                  v[1] += st.count;
                  g_hash_table_add (seen_lines, g_steal_pointer (&key));
                }
            }
        }
    }
  return ref;
}

/* ---- the graph's numbers: LpFlameModel over the report with frames named
 * as their functions ---- */

/* @report with each frame renamed to its function (this test's reading) */
static LpFolded *
by_function (const LpFolded *report)
{
  LpFolded *out = lp_folded_new ();

  for (guint i = 0; i < lp_folded_get_n_stacks (report); i++)
    {
      LpFoldedStack st;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;

      lp_folded_get_stack (report, i, &st);
      for (guint d = 0; d < st.depth; d++)
        {
          g_autofree char *file = NULL;
          guint line;

          g_ptr_array_add (names, function_of (lp_folded_frame_name (report, st.frames[d]), &file, &line));
        }
      g_ptr_array_add (names, NULL);
      lp_folded_add_names (out, (const char * const *) names->pdata, st.count, &error);
      g_assert_no_error (error);
    }
  return out;
}

/* the graph's self and total of @frame: self summed over its nodes, total
 * over its nodes with no ancestor of the same frame (a stack once) */
static void
graph_numbers (const LpFlameModel *model,
               guint32             frame,
               double             *self,
               double             *total)
{
  *self = *total = 0;
  for (guint32 n = 1; n < lp_flame_model_get_n_nodes (model); n++)
    {
      const LpFlameNode *node = lp_flame_model_get_node (model, n);
      gboolean outermost = TRUE;

      if (node->frame != frame)
        continue;
      *self += node->self;
      for (guint32 a = node->parent; a != LP_FLAME_ROOT && a != LP_FLAME_NO_NODE; a = lp_flame_model_get_node (model, a)->parent)
        if (lp_flame_model_get_node (model, a)->frame == frame)
          outermost = FALSE;
      if (outermost)
        *total += node->total;
    }
}

/* the children of the focus model's one root child (@frame): name ->
 * count, with the frame's own self as NONE_KEY */
static GHashTable *
focus_links (LpFolded          *names,
             guint32            frame,
             LpFlameModelFlags  flags)
{
  g_autoptr(LpFlameModel) model = lp_flame_model_new_focus (names, frame, flags);
  const LpFlameNode *root = lp_flame_model_get_node (model, LP_FLAME_ROOT);
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const LpFlameNode *top;

  if (root->first_child == LP_FLAME_NO_NODE)
    return map;
  g_assert_cmpuint (lp_flame_model_get_node (model, root->first_child)->next_sibling, ==, LP_FLAME_NO_NODE);
  top = lp_flame_model_get_node (model, root->first_child);
  g_assert_cmpuint (top->frame, ==, frame);
  if (top->self > 0)
    *map_slot (map, NONE_KEY, 1) += top->self;
  for (guint32 c = top->first_child; c != LP_FLAME_NO_NODE; c = lp_flame_model_get_node (model, c)->next_sibling)
    *map_slot (map, lp_flame_model_node_name (model, c), 1) += lp_flame_model_get_node (model, c)->total;
  return map;
}

/* ---- comparing ---- */

typedef struct
{
  guint n_failed;
  guint n_checked;
} Checks;

/* one number: fails the test (and goes on, to say every difference up to
 * a few) when @got is not @want */
static void
check_number (Checks     *c,
              const char *what,
              const char *function,
              const char *detail,
              double      want,
              double      got)
{
  c->n_checked++;
  if (want == got)
    return;
  if (c->n_failed++ < 12)
    g_test_message ("MISMATCH %s of %s%s%s: expected %.17g, lp_functions gives %.17g",
                    what, function, detail != NULL ? " " : "", detail != NULL ? detail : "", want, got);
}

static const char *
link_name (const LpFunctions *table,
           guint              index)
{
  return index == LP_FUNCTIONS_NONE ? NONE_KEY : lp_functions_get (table, index)->name;
}

/* @links (LpFunctionLink, from the table) as a map, checked sorted by
 * count, largest first, and adding up to @total */
static GHashTable *
links_map (Checks            *c,
           const LpFunctions *table,
           GArray            *links,
           const char        *what,
           const char        *function,
           double             total)
{
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  double sum = 0;

  for (guint i = 0; i < links->len; i++)
    {
      const LpFunctionLink *l = &g_array_index (links, LpFunctionLink, i);
      const char *name = link_name (table, l->function);

      if (g_hash_table_contains (map, name))
        check_number (c, what, function, "(a name listed twice)", 0, 1);
      *map_slot (map, name, 1) += l->count;
      sum += l->count;
      if (i > 0 && l->count > g_array_index (links, LpFunctionLink, i - 1).count)
        check_number (c, what, function, "(not sorted by count)", g_array_index (links, LpFunctionLink, i - 1).count, l->count);
    }
  check_number (c, what, function, "(the sum, against the total)", total, sum);
  return map;
}

static void
compare_maps (Checks     *c,
              const char *what,
              const char *function,
              GHashTable *want,
              GHashTable *got)
{
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, want);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      double *g = g_hash_table_lookup (got, k);
      g_autofree char *detail = g_strdup_printf ("→ %s", *(char *) k ? (char *) k : "NONE");
      check_number (c, what, function, detail, *(double *) v, g != NULL ? *g : 0);
    }
  g_hash_table_iter_init (&it, got);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_hash_table_contains (want, k))
      {
        g_autofree char *detail = g_strdup_printf ("→ %s (not expected)", *(char *) k ? (char *) k : "NONE");
        check_number (c, what, function, detail, 0, *(double *) v);
      }
}

/* Everything the table says about @report, against the direct scan and
 * the graph. */
static void
check_table (const LpFolded   *report_in,
             LpFunctionsFlags  flags,
             gboolean          free_report_first)
{
  LpFolded *report = (LpFolded *) report_in;
  g_autoptr(Ref) ref = ref_new (report, flags);
  g_autoptr(LpFolded) names = by_function (report);
  LpFlameModelFlags mflags = (flags & LP_FUNCTIONS_HIDE_IDLE) ? LP_FLAME_MODEL_HIDE_IDLE : 0;
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (names, mflags);
  g_autoptr(LpFunctions) table = lp_functions_new (report, flags);
  g_autoptr(GString) buf = g_string_new (NULL);
  Checks c = { 0 };
  double self_sum = 0;
  guint n = lp_functions_get_n (table);
  guint n_empty = 0;

  /* the table copies what it needs */
  if (free_report_first)
    {
      g_autoptr(LpFolded) copy = lp_folded_new ();
      g_autoptr(GError) error = NULL;

      lp_folded_merge (copy, report, &error);
      g_assert_no_error (error);
      /* scribble over the report the table was made of, then free it */
      lp_folded_intern (report, "scribbled", -1);
      lp_folded_add_names (report, (const char *[]) { "scribbled", NULL }, 1000, &error);
      g_assert_no_error (error);
      lp_folded_free (report);
      report = g_steal_pointer (&copy);
      ref_free (g_steal_pointer (&ref));
      ref = ref_new (report, flags);
    }

  check_number (&c, "report total", "the report", NULL, ref->total, lp_functions_get_total (table));
  for (guint i = 0; i < n; i++)
    {
      const LpFunction *f = lp_functions_get (table, i);
      RefFunction *want = g_hash_table_lookup (ref->functions, f->name);
      guint32 frame = LP_FLAME_NO_FRAME;
      double graph_self, graph_total;

      self_sum += f->self;
      /* a function of the left-out stacks only, listed with no samples:
       * test_no_empty_functions() says whether it may be */
      if (want == NULL && f->self == 0 && f->total == 0)
        {
          n_empty++;
          continue;
        }
      if (want == NULL)
        {
          check_number (&c, "presence (a function the stacks do not hold)", f->name, NULL, 0, 1);
          continue;
        }
      check_number (&c, "index (lp_functions_find)", f->name, NULL, i, lp_functions_find (table, f->name));
      check_number (&c, "self", f->name, "(direct scan)", want->self, f->self);
      check_number (&c, "total", f->name, "(direct scan)", want->total, f->total);
      g_assert_true (lp_intern_lookup (lp_folded_get_intern (names), f->name, strlen (f->name), &frame));
      graph_numbers (model, frame, &graph_self, &graph_total);
      check_number (&c, "self", f->name, "(flame graph)", graph_self, f->self);
      check_number (&c, "total", f->name, "(flame graph)", graph_total, f->total);
      {
        g_autoptr(GArray) callers = lp_functions_get_callers (table, i);
        g_autoptr(GArray) callees = lp_functions_get_callees (table, i);
        g_autoptr(GHashTable) got_callers = links_map (&c, table, callers, "callers", f->name, f->total);
        g_autoptr(GHashTable) got_callees = links_map (&c, table, callees, "callees", f->name, f->total);
        g_autoptr(GHashTable) graph_callers = focus_links (names, frame, mflags | LP_FLAME_MODEL_REVERSE);
        g_autoptr(GHashTable) graph_callees = focus_links (names, frame, mflags);

        compare_maps (&c, "callers (direct scan)", f->name, want->callers, got_callers);
        compare_maps (&c, "callees (direct scan)", f->name, want->callees, got_callees);
        compare_maps (&c, "callers (bottom-up focus)", f->name, graph_callers, got_callers);
        compare_maps (&c, "callees (focus)", f->name, graph_callees, got_callees);
      }
      {
        g_autoptr(GArray) lines = lp_functions_get_lines (table, i);
        g_autoptr(GHashTable) got = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(GHashTable) got_total = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(GHashTable) want_self = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(GHashTable) want_total = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        GHashTableIter it;
        gpointer k, v;
        double line_self = 0;

        for (guint l = 0; l < lines->len; l++)
          {
            const LpFunctionLine *line = &g_array_index (lines, LpFunctionLine, l);
            g_autofree char *key = g_strdup_printf ("%s:%u", line->file, line->line);

            *map_slot (got, key, 1) += line->self;
            *map_slot (got_total, key, 1) += line->total;
            line_self += line->self;
            if (l > 0)
              {
                const LpFunctionLine *prev = &g_array_index (lines, LpFunctionLine, l - 1);
                int order = strcmp (prev->file, line->file);

                if (order > 0 || (order == 0 && prev->line >= line->line))
                  check_number (&c, "lines", f->name, "(not sorted by file, then line)", 0, 1);
              }
          }
        g_hash_table_iter_init (&it, want->lines);
        while (g_hash_table_iter_next (&it, &k, &v))
          {
            /* a line that is never the last frame has no self samples:
             * listed or not, its self is 0 */
            *map_slot (want_self, k, 1) = ((double *) v)[0];
            *map_slot (want_total, k, 1) = ((double *) v)[1];
          }
        compare_maps (&c, "line self", f->name, want_self, got);
        compare_maps (&c, "line total", f->name, want_total, got_total);
        /* the lines' self adds up to the function's, but for the samples
         * whose last frame names no line */
        check_number (&c, "sum of the lines' self", f->name, "(+ its self without a line)",
                      f->self, line_self + want->self_no_line);
      }
      /* a frame name finds its function */
      if (g_hash_table_size (want->lines) > 0)
        {
          GHashTableIter it;
          gpointer k;

          g_hash_table_iter_init (&it, want->lines);
          if (g_hash_table_iter_next (&it, &k, NULL))
            {
              g_autofree char *frame_name = g_strdup_printf ("%s (%s)", f->name, (char *) k);
              check_number (&c, "index of a frame name (lp_functions_find)", frame_name, NULL, i,
                            lp_functions_find (table, frame_name));
              check_number (&c, "lp_functions_name_of_frame", frame_name, NULL, 0,
                            strcmp (lp_functions_name_of_frame (frame_name, buf), f->name) != 0);
            }
        }
    }
  check_number (&c, "number of functions with samples", "the report", NULL, g_hash_table_size (ref->functions), n - n_empty);
  check_number (&c, "sum of every function's self", "the report", "(against the total)", ref->total, self_sum);
  check_number (&c, "lp_functions_find", "no-such-function-here", NULL, LP_FUNCTIONS_NONE,
                lp_functions_find (table, "no-such-function-here"));
  g_test_message ("%u functions, %u numbers checked, %u differ", n, c.n_checked, c.n_failed);
  if (c.n_failed > 0)
    g_test_fail_printf ("%u of %u numbers differ (the first ones above, MISMATCH)", c.n_failed, c.n_checked);
  if (free_report_first)
    lp_folded_free (report);
}

/* ---- generated reports ---- */

typedef enum
{
  SHAPE_PLAIN,     /* recursion, direct and indirect */
  SHAPE_IDLE,      /* ... with blocked samples */
  SHAPE_LINES,     /* ... with " (file:line)" frames, several a function */
} Shape;

/* A report of @n_stacks random stacks over 12 functions: some recurse
 * into themselves (f;f;f), some through another (a;b;a;b), some stacks
 * end in an idle frame, some frames carry lines. Deterministic in @seed. */
static LpFolded *
generate (guint32 seed,
          Shape   shape,
          guint   n_stacks)
{
  static const char *const fns[] = { "main", "run", "parse", "eval", "eval_list", "apply",
                                     "alloc", "hash_lookup", "std::vector<int>::push_back", "read_input",
                                     "write_out", "helper" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  LpFolded *report = lp_folded_new ();

  for (guint s = 0; s < n_stacks; s++)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      guint depth = g_rand_int_range (rand, 1, 24);
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (names, g_strdup ("main"));
      while (names->len < depth)
        {
          int kind = g_rand_int_range (rand, 0, 10);
          const char *fn;

          if (kind == 0)        /* direct recursion */
            fn = ((char *) names->pdata[names->len - 1]);
          else if (kind == 1 && names->len >= 2)   /* indirect: two back */
            fn = ((char *) names->pdata[names->len - 2]);
          else
            fn = fns[g_rand_int_range (rand, 1, G_N_ELEMENTS (fns))];
          g_ptr_array_add (names, g_strdup (fn));
        }
      if (shape == SHAPE_LINES)
        for (guint d = 0; d < names->len; d++)
          {
            /* most frames with one of three lines, in one of two files;
             * some without */
            if (g_rand_int_range (rand, 0, 5) == 0)
              continue;
            char *with = g_strdup_printf ("%s (%s:%d)", (char *) names->pdata[d],
                                          g_rand_boolean (rand) ? "a.c" : "b.c", 10 * g_rand_int_range (rand, 1, 4));
            g_free (names->pdata[d]);
            names->pdata[d] = with;
          }
      if (shape == SHAPE_IDLE && g_rand_int_range (rand, 0, 3) == 0)
        g_ptr_array_add (names, g_strdup (g_rand_boolean (rand) ? "[idle: read]" : "[idle: futex]"));
      g_ptr_array_add (names, NULL);
      /* odd seeds: counts in quarters (merged or scaled reports), still
       * exact in a double */
      lp_folded_add_names (report, (const char * const *) names->pdata,
                           g_rand_int_range (rand, 1, 50) * (seed % 2 ? 0.25 : 1), &error);
      g_assert_no_error (error);
    }
  return report;
}

static void
test_generated_plain (void)
{
  for (guint32 seed = 1; seed <= 6; seed++)
    {
      g_autoptr(LpFolded) report = generate (seed, SHAPE_PLAIN, 400);

      check_table (report, LP_FUNCTIONS_DEFAULT, FALSE);
    }
}

static void
test_generated_idle (void)
{
  for (guint32 seed = 11; seed <= 14; seed++)
    {
      g_autoptr(LpFolded) report = generate (seed, SHAPE_IDLE, 400);
      g_autoptr(LpFunctions) all = lp_functions_new (report, LP_FUNCTIONS_DEFAULT);
      g_autoptr(LpFunctions) busy = lp_functions_new (report, LP_FUNCTIONS_HIDE_IDLE);

      check_table (report, LP_FUNCTIONS_DEFAULT, FALSE);
      check_table (report, LP_FUNCTIONS_HIDE_IDLE, FALSE);
      /* the idle frames are functions of their own, with no samples left
       * with HIDE_IDLE */
      g_assert_cmpuint (lp_functions_find (all, "[idle: read]"), !=, LP_FUNCTIONS_NONE);
      if (lp_functions_find (busy, "[idle: read]") != LP_FUNCTIONS_NONE)
        g_assert_cmpfloat (lp_functions_get (busy, lp_functions_find (busy, "[idle: read]"))->total, ==, 0);
      g_assert_cmpfloat (lp_functions_get_total (busy), <, lp_functions_get_total (all));
    }
}

static void
test_generated_lines (void)
{
  for (guint32 seed = 21; seed <= 24; seed++)
    {
      g_autoptr(LpFolded) report = generate (seed, SHAPE_LINES, 400);
      g_autoptr(LpFunctions) table = lp_functions_new (report, LP_FUNCTIONS_DEFAULT);
      guint eval = lp_functions_find (table, "eval");

      check_table (report, LP_FUNCTIONS_DEFAULT, FALSE);
      /* all the lines of a function make one function */
      g_assert_cmpuint (eval, !=, LP_FUNCTIONS_NONE);
      g_assert_cmpuint (lp_functions_find (table, "eval (a.c:10)"), ==, eval);
      g_assert_cmpuint (lp_functions_find (table, "eval (b.c:30)"), ==, eval);
      for (guint i = 0; i < lp_functions_get_n (table); i++)
        g_assert_null (strstr (lp_functions_get (table, i)->name, " ("));
    }
}

/* the table copies what it needs: the report may change or go */
static void
test_report_freed (void)
{
  LpFolded *report = generate (31, SHAPE_LINES, 300);

  check_table (report, LP_FUNCTIONS_DEFAULT, TRUE);
}

/* A small report worked out by hand. */
static void
test_by_hand (void)
{
  g_autoptr(LpFolded) report = test_folded_from_text (
    "main;f;f;f;leaf 3\n"        /* direct recursion: f's total counts 3 once */
    "main;a;b;a;b;leaf 4\n"      /* indirect */
    "main;a (x.c:7);a (x.c:9) 5\n"
    "f 2\n"                      /* f begins the stack: caller NONE, and its own time */
    "main;[idle: read] 6\n");
  g_autoptr(LpFunctions) table = lp_functions_new (report, LP_FUNCTIONS_DEFAULT);
  g_autoptr(LpFunctions) busy = lp_functions_new (report, LP_FUNCTIONS_HIDE_IDLE);
  guint f = lp_functions_find (table, "f");
  guint a = lp_functions_find (table, "a");
  guint main_ = lp_functions_find (table, "main");
  g_autoptr(GArray) f_callers = NULL;
  g_autoptr(GArray) a_callees = NULL;
  g_autoptr(GArray) a_callers = NULL;
  g_autoptr(GArray) a_lines = NULL;
  g_autoptr(GString) buf = g_string_new (NULL);

  g_assert_cmpfloat (lp_functions_get_total (table), ==, 20);
  g_assert_cmpfloat (lp_functions_get_total (busy), ==, 14);
  g_assert_cmpuint (lp_functions_get_n (table), ==, 6);
  g_assert_cmpfloat (lp_functions_get (table, f)->total, ==, 5);
  g_assert_cmpfloat (lp_functions_get (table, f)->self, ==, 2);
  g_assert_cmpfloat (lp_functions_get (table, a)->total, ==, 9);
  g_assert_cmpfloat (lp_functions_get (table, a)->self, ==, 5);
  g_assert_cmpfloat (lp_functions_get (table, main_)->total, ==, 18);
  g_assert_cmpfloat (lp_functions_get (busy, lp_functions_find (busy, "main"))->total, ==, 12);

  /* f: called by f (its last call, in main;f;f;f) 3, begins a stack 2 */
  f_callers = lp_functions_get_callers (table, f);
  g_assert_cmpuint (f_callers->len, ==, 2);
  g_assert_cmpuint (g_array_index (f_callers, LpFunctionLink, 0).function, ==, f);
  g_assert_cmpfloat (g_array_index (f_callers, LpFunctionLink, 0).count, ==, 3);
  g_assert_cmpuint (g_array_index (f_callers, LpFunctionLink, 1).function, ==, LP_FUNCTIONS_NONE);
  g_assert_cmpfloat (g_array_index (f_callers, LpFunctionLink, 1).count, ==, 2);

  /* a: its first call is followed by a (its own lines, 5) and b (4) */
  a_callees = lp_functions_get_callees (table, a);
  g_assert_cmpuint (a_callees->len, ==, 2);
  g_assert_cmpuint (g_array_index (a_callees, LpFunctionLink, 0).function, ==, a);
  g_assert_cmpfloat (g_array_index (a_callees, LpFunctionLink, 0).count, ==, 5);
  g_assert_cmpstr (lp_functions_get (table, g_array_index (a_callees, LpFunctionLink, 1).function)->name, ==, "b");
  /* its last call is b's (4) and a's (5) */
  a_callers = lp_functions_get_callers (table, a);
  g_assert_cmpuint (a_callers->len, ==, 2);
  g_assert_cmpuint (g_array_index (a_callers, LpFunctionLink, 0).function, ==, a);
  g_assert_cmpfloat (g_array_index (a_callers, LpFunctionLink, 0).count, ==, 5);

  a_lines = lp_functions_get_lines (table, a);
  g_assert_cmpuint (a_lines->len, ==, 2);
  g_assert_cmpstr (g_array_index (a_lines, LpFunctionLine, 0).file, ==, "x.c");
  g_assert_cmpuint (g_array_index (a_lines, LpFunctionLine, 0).line, ==, 7);
  g_assert_cmpfloat (g_array_index (a_lines, LpFunctionLine, 0).self, ==, 0);
  g_assert_cmpfloat (g_array_index (a_lines, LpFunctionLine, 0).total, ==, 5);
  g_assert_cmpuint (g_array_index (a_lines, LpFunctionLine, 1).line, ==, 9);
  g_assert_cmpfloat (g_array_index (a_lines, LpFunctionLine, 1).self, ==, 5);
  g_assert_cmpfloat (g_array_index (a_lines, LpFunctionLine, 1).total, ==, 5);

  g_assert_cmpstr (lp_functions_name_of_frame ("a (x.c:7)", buf), ==, "a");
  g_assert_cmpstr (lp_functions_name_of_frame ("plain", buf), ==, "plain");
  g_assert_cmpuint (lp_functions_find (table, "a (x.c:12345)"), ==, a);
  g_assert_cmpuint (lp_functions_find (table, "nothing"), ==, LP_FUNCTIONS_NONE);

  check_table (report, LP_FUNCTIONS_DEFAULT, FALSE);
  check_table (report, LP_FUNCTIONS_HIDE_IDLE, FALSE);
}

/* the second column of a differential report is ignored */
static void
test_differential (void)
{
  g_autoptr(LpFolded) report = test_folded_from_text ("main;a 3 10\nmain;b 4 1\n");
  g_autoptr(LpFunctions) table = lp_functions_new (report, LP_FUNCTIONS_DEFAULT);

  g_assert_true (lp_folded_is_differential (report));
  g_assert_cmpfloat (lp_functions_get_total (table), ==, 7);
  g_assert_cmpfloat (lp_functions_get (table, lp_functions_find (table, "b"))->self, ==, 4);
  check_table (report, LP_FUNCTIONS_DEFAULT, FALSE);
}

/* With LP_FUNCTIONS_HIDE_IDLE, the functions only the blocked stacks hold
 * (the idle frames, the blocked thread's functions) have no samples left:
 * they are not functions of what is shown, as the graph with idle hidden
 * has no box for them, and a table or view would list them at 0. */
static void
test_no_empty_functions (void)
{
  g_autoptr(LpFolded) report = test_folded_from_text ("main;work 5\nmain;wait;[idle: read] 6\n");
  g_autoptr(LpFunctions) busy = lp_functions_new (report, LP_FUNCTIONS_HIDE_IDLE);
  g_autoptr(GString) listed = g_string_new (NULL);

  g_assert_cmpfloat (lp_functions_get_total (busy), ==, 5);
  for (guint i = 0; i < lp_functions_get_n (busy); i++)
    if (lp_functions_get (busy, i)->total == 0)
      g_string_append_printf (listed, " \"%s\"", lp_functions_get (busy, i)->name);
  /* not fatal: the other tests still run */
  if (listed->len > 0)
    g_test_fail_printf ("lp_functions_new (HIDE_IDLE) lists %u functions where 2 (main, work) have samples; "
                        "with no sample:%s", lp_functions_get_n (busy), listed->str);
}

/* the header's count: lines of one function are one function; a report
 * that grows costs only its new names; another report starts over */
static void
test_counter (void)
{
  g_autoptr(LpFolded) report = test_folded_from_text ("main;a (x.c:7);a (x.c:9) 5\nmain;f (y.py:3) 1\n");
  g_autoptr(LpFolded) other = test_folded_from_text ("main 1\n");
  g_autoptr(LpFunctionsCounter) counter = lp_functions_counter_new ();
  g_autoptr(LpFunctions) table = NULL;
  guint32 frames[2];

  /* main, a, "f (y.py)": as many as the table's rows */
  g_assert_cmpuint (lp_folded_get_n_frames (report), ==, 4);
  g_assert_cmpuint (lp_functions_counter_count (counter, report), ==, 3);
  table = lp_functions_new (report, LP_FUNCTIONS_DEFAULT);
  g_assert_cmpuint (lp_functions_get_n (table), ==, 3);

  frames[0] = lp_folded_intern (report, "main", 4);
  frames[1] = lp_folded_intern (report, "f (y.py:8)", 10);
  lp_folded_add (report, frames, 2, 0, 1, 0, NULL, NULL);
  g_assert_cmpuint (lp_functions_counter_count (counter, report), ==, 3);
  frames[1] = lp_folded_intern (report, "g (x.c:1)", 9);
  lp_folded_add (report, frames, 2, 0, 1, 0, NULL, NULL);
  g_assert_cmpuint (lp_functions_counter_count (counter, report), ==, 4);
  g_assert_cmpuint (lp_functions_counter_count (counter, other), ==, 1);
}

/* a focused table: the stacks that hold the frame, cut as the graph's
 * focus cuts them (from its first occurrence; bottom-up, to its last) */
static void
test_focus (void)
{
  g_autoptr(LpFolded) report = test_folded_from_text ("main;a;f;b 3\nmain;f;c 2\nx;y 1\nmain;f;f;d 4\n");
  guint32 f;
  g_autoptr(LpFunctions) down = NULL;
  g_autoptr(LpFunctions) up = NULL;

  g_assert_true (lp_intern_lookup (lp_folded_get_intern (report), "f", 1, &f));
  down = lp_functions_new_focus (report, f, FALSE, LP_FUNCTIONS_DEFAULT);
  g_assert_cmpfloat (lp_functions_get_total (down), ==, 9);
  g_assert_cmpuint (lp_functions_get_n (down), ==, 4);   /* f, b, c, d */
  g_assert_cmpfloat (lp_functions_get (down, lp_functions_find (down, "f"))->total, ==, 9);
  g_assert_cmpfloat (lp_functions_get (down, lp_functions_find (down, "f"))->self, ==, 0);
  g_assert_cmpfloat (lp_functions_get (down, lp_functions_find (down, "d"))->self, ==, 4);
  g_assert_cmpuint (lp_functions_find (down, "main"), ==, LP_FUNCTIONS_NONE);

  up = lp_functions_new_focus (report, f, TRUE, LP_FUNCTIONS_DEFAULT);
  g_assert_cmpfloat (lp_functions_get_total (up), ==, 9);
  g_assert_cmpuint (lp_functions_get_n (up), ==, 3);     /* main, a, f */
  g_assert_cmpfloat (lp_functions_get (up, lp_functions_find (up, "f"))->self, ==, 9);
  g_assert_cmpfloat (lp_functions_get (up, lp_functions_find (up, "main"))->total, ==, 9);
  g_assert_cmpfloat (lp_functions_get (up, lp_functions_find (up, "a"))->total, ==, 3);
  g_assert_cmpuint (lp_functions_find (up, "b"), ==, LP_FUNCTIONS_NONE);

  /* the same sums as the graph's focused model: its root is f */
  {
    g_autoptr(LpFlameModel) model = lp_flame_model_new_focus (report, f, 0);

    g_assert_cmpfloat (lp_flame_model_get_total (model), ==, lp_functions_get_total (down));
  }
}

/* no stacks at all */
static void
test_empty (void)
{
  g_autoptr(LpFolded) report = lp_folded_new ();
  g_autoptr(LpFunctions) table = lp_functions_new (report, LP_FUNCTIONS_HIDE_IDLE);

  g_assert_cmpuint (lp_functions_get_n (table), ==, 0);
  g_assert_cmpfloat (lp_functions_get_total (table), ==, 0);
  g_assert_cmpuint (lp_functions_find (table, "main"), ==, LP_FUNCTIONS_NONE);
}

/* "Runs in worker threads too": four tables of one report made at once
 * are the same as one made alone */
static gpointer
table_in_thread (gpointer data)
{
  return lp_functions_new (data, LP_FUNCTIONS_DEFAULT);
}

static void
test_threads (void)
{
  g_autoptr(LpFolded) report = generate (41, SHAPE_LINES, 3000);
  g_autoptr(LpFunctions) alone = lp_functions_new (report, LP_FUNCTIONS_DEFAULT);
  GThread *threads[4];

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("functions", table_in_thread, report);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autoptr(LpFunctions) table = g_thread_join (threads[t]);

      g_assert_cmpuint (lp_functions_get_n (table), ==, lp_functions_get_n (alone));
      g_assert_cmpfloat (lp_functions_get_total (table), ==, lp_functions_get_total (alone));
      for (guint i = 0; i < lp_functions_get_n (table); i++)
        {
          const LpFunction *f = lp_functions_get (table, i);
          const LpFunction *g = lp_functions_get (alone, lp_functions_find (alone, f->name));

          g_assert_cmpfloat (f->self, ==, g->self);
          g_assert_cmpfloat (f->total, ==, g->total);
        }
    }
}

/* ---- a real recording ---- */

static LpFolded *
record (const char *name,
        gboolean    lines)
{
  const char *cli = g_getenv ("LAPROF_CLI");
  const char *target = g_getenv ("ENGINE_TARGET");
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  const char *argv[] = { cli, "record", "-q", "-F", "500", "-o", path, lines ? "--lines" : "--idle",
                         "--", target, "work", "1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) report = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (report, LP_FOLDED_READER_DEFAULT);
  int status = -1;

  g_assert_nonnull (cli);
  g_assert_nonnull (target);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  lp_folded_reader_read_file (reader, path, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&report);
}

static void
test_recording (gconstpointer data)
{
  gboolean lines = GPOINTER_TO_INT (data);
  g_autoptr(LpFolded) report = record (lines ? "work-lines.folded" : "work.folded", lines);
  g_autoptr(LpFunctions) table = lp_functions_new (report, LP_FUNCTIONS_DEFAULT);
  guint hot = lp_functions_find (table, "hot_path");

  g_assert_cmpuint (hot, !=, LP_FUNCTIONS_NONE);
  /* engine-target work: hot_path ~70 % of the main thread, cold_path ~30 % */
  g_assert_cmpuint (lp_functions_find (table, "cold_path"), !=, LP_FUNCTIONS_NONE);
  g_assert_cmpfloat (lp_functions_get (table, hot)->total, >,
                     lp_functions_get (table, lp_functions_find (table, "cold_path"))->total);
  if (lines)
    {
      g_autoptr(GArray) hot_lines = lp_functions_get_lines (table, hot);

      /* engine-target is built with -g: hot_path's frames name lines */
      g_assert_cmpuint (hot_lines->len, >, 0);
      g_assert_cmpstr (g_array_index (hot_lines, LpFunctionLine, 0).file, ==, "engine-target.c");
    }
  check_table (report, LP_FUNCTIONS_DEFAULT, FALSE);
  check_table (report, LP_FUNCTIONS_HIDE_IDLE, FALSE);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-functions-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/core/functions/by-hand", test_by_hand);
  g_test_add_func ("/core/functions/differential", test_differential);
  g_test_add_func ("/core/functions/generated/recursion", test_generated_plain);
  g_test_add_func ("/core/functions/generated/idle", test_generated_idle);
  g_test_add_func ("/core/functions/generated/lines", test_generated_lines);
  g_test_add_func ("/core/functions/report-freed", test_report_freed);
  g_test_add_func ("/core/functions/empty", test_empty);
  g_test_add_func ("/core/functions/counter", test_counter);
  g_test_add_func ("/core/functions/focus", test_focus);
  g_test_add_func ("/core/functions/threads", test_threads);
  g_test_add_data_func ("/core/functions/recording", GINT_TO_POINTER (FALSE), test_recording);
  g_test_add_data_func ("/core/functions/recording-lines", GINT_TO_POINTER (TRUE), test_recording);
  g_test_add_func ("/core/functions/hide-idle/no-empty-functions", test_no_empty_functions);

  status = g_test_run ();
  /* what record() wrote */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, i == 0 ? "work.folded" : "work-lines.folded", NULL);
      g_unlink (path);
    }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
