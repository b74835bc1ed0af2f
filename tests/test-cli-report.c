/* test-cli-report.c: laprof-cli report (top functions, trees, callers and callees, lines) on folded reports and real captures, run as a user runs it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-cli-util.h"

static char *tmpdir;

static char *
write_tmp (const char *name,
           const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- reading the output ---- */

/* One row: two counts with their percentages, the name's indent and the
 * name, as printed. */
typedef struct
{
  double  a, a_pc, b, b_pc;
  guint   indent;
  char   *name;
} Row;

static void
rows_free (GArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    g_free (g_array_index (rows, Row, i).name);
  g_array_unref (rows);
}
typedef GArray Rows;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Rows, rows_free)

/* the rows of @out (lines not starting with "#"; a blank line ends a
 * section: @section picks the section, 0 the first) */
static Rows *
parse_rows (const char *out,
            guint       section)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (Row));
  guint at = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      Row row = { 0 };
      int end = 0;

      if (*line == '\0')
        {
          at++;
          continue;
        }
      if (line[0] == '#' || at != section)
        continue;
      if (sscanf (line, " %lf %lf%% %lf %lf%%%n", &row.a, &row.a_pc, &row.b, &row.b_pc, &end) != 4)
        g_error ("not a row: “%s”", line);
      g_assert_true (g_str_has_prefix (line + end, "  "));
      end += 2;
      while (line[end] == ' ')
        {
          row.indent++;
          end++;
        }
      row.name = g_strdup (line + end);
      g_array_append_val (rows, row);
    }
  return rows;
}

/* the first row named @name, at @indent (G_MAXUINT: any) */
static const Row *
find_row (Rows       *rows,
          const char *name)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (g_array_index (rows, Row, i).name, name))
      return &g_array_index (rows, Row, i);
  return NULL;
}

/* a row of callers or callees: count, share of the function, of all */
typedef struct
{
  double count, of_it, of_all;
  char  *name;
} Link;

static GHashTable *
parse_links (const char *out,
             guint       section)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GHashTable *links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint at = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      Link *l;
      int end = 0;

      if (*lines[i] == '\0')
        {
          at++;
          continue;
        }
      if (lines[i][0] == '#' || at != section)
        continue;
      l = g_new0 (Link, 1);
      if (sscanf (lines[i], " %lf %lf%% %lf%%  %n", &l->count, &l->of_it, &l->of_all, &end) != 3)
        g_error ("not a link: “%s”", lines[i]);
      g_hash_table_insert (links, g_strdup (lines[i] + end), l);
    }
  return links;
}

/* "%.2f" of @part / @whole in percent, as the command prints it, read back */
static double
percent (double part,
         double whole)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%.2f", 100.0 * part / whole);
  return g_ascii_strtod (buf, NULL);
}

/* ---- a report worked out by hand ---- */

static const char small_report[] =
  "main;f;f;f;leaf 3\n"
  "main;a;b;a;b;leaf 4\n"
  "main;a (x.c:7);a (x.c:9) 5\n"
  "f 2\n"
  "main;[idle: read] 6\n";

static void
test_small_table (void)
{
  g_autofree char *path = write_tmp ("small.folded", small_report);
  g_auto(Run) run = { 0 };
  g_autoptr(Rows) rows = NULL;
  const Row *r;

  run_cli (&run, NULL, "report", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, ": 20 samples, 6 functions, sorted by self time"));
  rows = parse_rows (run.out, 0);
  g_assert_cmpuint (rows->len, ==, 6);
  /* sorted by self: leaf 7, [idle: read] 6, a 5, f 2, then main and b by total */
  g_assert_cmpstr (g_array_index (rows, Row, 0).name, ==, "leaf");
  g_assert_cmpstr (g_array_index (rows, Row, 1).name, ==, "[idle: read]");
  g_assert_cmpstr (g_array_index (rows, Row, 2).name, ==, "a");
  g_assert_cmpstr (g_array_index (rows, Row, 3).name, ==, "f");
  g_assert_cmpstr (g_array_index (rows, Row, 4).name, ==, "main");
  g_assert_cmpstr (g_array_index (rows, Row, 5).name, ==, "b");
  r = find_row (rows, "f");
  /* f: self 2 (the stack "f"), total 5: main;f;f;f counted once */
  g_assert_cmpfloat (r->a, ==, 2);
  g_assert_cmpfloat (r->a_pc, ==, 10);
  g_assert_cmpfloat (r->b, ==, 5);
  g_assert_cmpfloat (r->b_pc, ==, 25);
  r = find_row (rows, "a");
  g_assert_cmpfloat (r->a, ==, 5);
  g_assert_cmpfloat (r->b, ==, 9);
  g_assert_cmpfloat (r->b_pc, ==, 45);
  /* the columns are aligned: every row as long up to its name */
  {
    g_auto(GStrv) lines = g_strsplit (run.out, "\n", -1);
    int name_at = -1;

    for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
      {
        const char *name = i == 1 ? strstr (lines[i], "function") : strstr (lines[i], g_array_index (rows, Row, i - 2).name);

        g_assert_nonnull (name);
        if (name_at < 0)
          name_at = name - lines[i];
        g_assert_cmpint (name - lines[i], ==, name_at);
      }
  }

  /* by total, the first three */
  {
    g_auto(Run) run2 = { 0 };
    g_autoptr(Rows) rows2 = NULL;

    run_cli (&run2, NULL, "report", "--sort", "total", "-n", "3", path, NULL);
    g_assert_cmpint (run2.status, ==, 0);
    rows2 = parse_rows (run2.out, 0);
    g_assert_cmpuint (rows2->len, ==, 3);
    g_assert_cmpstr (g_array_index (rows2, Row, 0).name, ==, "main");
    g_assert_cmpfloat (g_array_index (rows2, Row, 0).a, ==, 18);
    g_assert_cmpfloat (g_array_index (rows2, Row, 0).a_pc, ==, 90);
    g_assert_cmpfloat (g_array_index (rows2, Row, 0).b, ==, 0);
    g_assert_cmpstr (g_array_index (rows2, Row, 1).name, ==, "a");
    g_assert_cmpstr (g_array_index (rows2, Row, 2).name, ==, "leaf");
  }
  /* without the blocked samples: 14 in all */
  {
    g_auto(Run) run3 = { 0 };
    g_autoptr(Rows) rows3 = NULL;

    run_cli (&run3, NULL, "report", "--no-idle", "--sort=total", path, NULL);
    g_assert_cmpint (run3.status, ==, 0);
    g_assert_nonnull (strstr (run3.out, ": 14 samples, 5 functions"));
    rows3 = parse_rows (run3.out, 0);
    g_assert_null (find_row (rows3, "[idle: read]"));
    g_assert_cmpfloat (find_row (rows3, "main")->a, ==, 12);
    g_assert_cmpfloat (find_row (rows3, "main")->a_pc, ==, percent (12, 14));
  }
  /* nothing but blocked samples: said, and an empty table */
  {
    g_autofree char *idle = write_tmp ("idle.folded", "main;wait;[idle: read] 3\n");
    g_auto(Run) run5 = { 0 };
    g_autoptr(Rows) rows5 = NULL;

    run_cli (&run5, NULL, "report", "--no-idle", idle, NULL);
    g_assert_cmpint (run5.status, ==, 0);
    g_assert_nonnull (strstr (run5.err, "no samples left (were they all idle?)"));
    g_assert_nonnull (strstr (run5.out, ": 0 samples, 0 functions"));
    rows5 = parse_rows (run5.out, 0);
    g_assert_cmpuint (rows5->len, ==, 0);
  }
  /* fractional counts (merged, scaled reports): three decimals at most,
   * the columns aligned though x's total is wider than the report's */
  {
    g_autofree char *frac = write_tmp ("frac.folded", "main;x;a 0.1\nmain;x;b 0.2\nmain;c 0.7\nmain;d 0.0625\n");
    g_auto(Run) run6 = { 0 };
    g_autoptr(Rows) rows6 = NULL;
    g_auto(GStrv) lines6 = NULL;

    run_cli (&run6, NULL, "report", "--sort", "total", frac, NULL);
    g_assert_cmpint (run6.status, ==, 0);
    rows6 = parse_rows (run6.out, 0);
    g_assert_cmpfloat (find_row (rows6, "x")->a, ==, 0.3);
    g_assert_cmpfloat (find_row (rows6, "d")->a, ==, 0.062);   /* 0.0625, printf rounding half to even */
    g_assert_nonnull (strstr (run6.out, ": 1.062 samples,"));
    lines6 = g_strsplit (run6.out, "\n", -1);
    for (guint i = 2; lines6[i] != NULL && lines6[i][0] != '\0'; i++)
      g_assert_cmpint (strlen (lines6[i]) - strlen (g_array_index (rows6, Row, i - 2).name), ==,
                       strstr (lines6[1], "function") - lines6[1]);
  }
  /* standard input */
  {
    g_auto(Run) run4 = { 0 };

    run_cli (&run4, small_report, "report", "-n", "1", "-", NULL);
    g_assert_cmpint (run4.status, ==, 0);
    g_assert_nonnull (strstr (run4.out, "# standard input: 20 samples"));
  }
}

static void
test_small_links (void)
{
  g_autofree char *path = write_tmp ("small-links.folded", small_report);
  g_auto(Run) run = { 0 };
  g_autoptr(GHashTable) callers = NULL;
  g_autoptr(GHashTable) callees = NULL;
  Link *l;

  run_cli (&run, NULL, "report", "--callers", "f", "--callees", "a (x.c:7)", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "# callers of f: 5 samples (25.00% of all)"));
  g_assert_nonnull (strstr (run.out, "# callees of a: 9 samples (45.00% of all)"));
  callers = parse_links (run.out, 0);
  callees = parse_links (run.out, 1);
  /* f's last call in main;f;f;f is called by f (3); "f 2" begins its stack */
  g_assert_cmpuint (g_hash_table_size (callers), ==, 2);
  l = g_hash_table_lookup (callers, "f");
  g_assert_nonnull (l);
  g_assert_cmpfloat (l->count, ==, 3);
  g_assert_cmpfloat (l->of_it, ==, 60);
  g_assert_cmpfloat (l->of_all, ==, 15);
  l = g_hash_table_lookup (callers, "[root]");
  g_assert_nonnull (l);
  g_assert_cmpfloat (l->count, ==, 2);
  /* a's first call goes on in a (its lines: 5) and b (4) */
  g_assert_cmpuint (g_hash_table_size (callees), ==, 2);
  g_assert_cmpfloat (((Link *) g_hash_table_lookup (callees, "a"))->count, ==, 5);
  g_assert_cmpfloat (((Link *) g_hash_table_lookup (callees, "b"))->count, ==, 4);

  /* a's callees as a tree: a, then a (5) and b (4) under it */
  {
    g_auto(Run) tree = { 0 };
    g_autoptr(Rows) rows = NULL;

    run_cli (&tree, NULL, "report", "--focus", "a", path, NULL);
    g_assert_cmpint (tree.status, ==, 0);
    g_assert_nonnull (strstr (tree.out, "# callees of a, top-down"));
    rows = parse_rows (tree.out, 0);
    g_assert_cmpstr (g_array_index (rows, Row, 0).name, ==, "a");
    g_assert_cmpfloat (g_array_index (rows, Row, 0).a, ==, 9);
    g_assert_cmpstr (g_array_index (rows, Row, 1).name, ==, "a");
    g_assert_cmpuint (g_array_index (rows, Row, 1).indent, ==, 2);
    g_assert_cmpfloat (g_array_index (rows, Row, 1).a, ==, 5);
    g_assert_cmpfloat (g_array_index (rows, Row, 1).b, ==, 5);
    g_assert_cmpstr (g_array_index (rows, Row, 2).name, ==, "b");
    g_assert_cmpfloat (g_array_index (rows, Row, 2).a, ==, 4);
  }
  /* leaf's own time */
  {
    g_auto(Run) run2 = { 0 };
    g_autoptr(GHashTable) leaf = NULL;

    run_cli (&run2, NULL, "report", "--callees", "leaf", path, NULL);
    g_assert_cmpint (run2.status, ==, 0);
    leaf = parse_links (run2.out, 0);
    g_assert_cmpuint (g_hash_table_size (leaf), ==, 1);
    g_assert_cmpfloat (((Link *) g_hash_table_lookup (leaf, "[self]"))->count, ==, 7);
  }
}

static void
test_small_lines (void)
{
  g_autofree char *path = write_tmp ("small-lines.folded", small_report);
  g_auto(Run) run = { 0 };
  g_autoptr(Rows) rows = NULL;
  guint a = G_MAXUINT;

  run_cli (&run, NULL, "report", "--lines", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  rows = parse_rows (run.out, 0);
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (g_array_index (rows, Row, i).name, "a"))
      a = i;
  g_assert_cmpuint (a, <, rows->len - 2);
  /* under a, its two lines, indented: x.c:7 (total 5, never last), x.c:9 */
  g_assert_cmpstr (g_array_index (rows, Row, a + 1).name, ==, "x.c:7");
  g_assert_cmpuint (g_array_index (rows, Row, a + 1).indent, ==, 4);
  g_assert_cmpfloat (g_array_index (rows, Row, a + 1).a, ==, 0);
  g_assert_cmpfloat (g_array_index (rows, Row, a + 1).b, ==, 5);
  g_assert_cmpstr (g_array_index (rows, Row, a + 2).name, ==, "x.c:9");
  g_assert_cmpfloat (g_array_index (rows, Row, a + 2).a, ==, 5);

  /* a report without lines says so */
  {
    g_autofree char *plain = write_tmp ("plain.folded", "main;work 3\n");
    g_auto(Run) run2 = { 0 };

    run_cli (&run2, NULL, "report", "--lines", plain, NULL);
    g_assert_cmpint (run2.status, ==, 0);
    g_assert_nonnull (strstr (run2.err, "record --lines"));
  }
}

/* ---- a generated report: every number against a scan of its stacks ---- */

typedef struct
{
  double self, total;
} Expected;

/* a report of @n_stacks random stacks (with recursion) in a file; you own
 * its path. Its functions' self and total into @expected, its samples
 * into *@total. */
static char *
generate (guint32      seed,
          guint        n_stacks,
          GHashTable  *expected,   /* name -> Expected */
          double      *total)
{
  static const char *const fns[] = { "main", "run", "parse", "eval", "apply", "alloc",
                                     "hash_lookup", "std::map<int, int>::find", "read_input", "[idle: read]" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GString) text = g_string_new (NULL);

  *total = 0;
  for (guint s = 0; s < n_stacks; s++)
    {
      guint depth = g_rand_int_range (rand, 1, 16);
      const char *stack[16];
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      int count = g_rand_int_range (rand, 1, 100);

      stack[0] = "main";
      for (guint d = 1; d < depth; d++)
        stack[d] = g_rand_int_range (rand, 0, 5) == 0 ? stack[d - 1]   /* recursion */
                   : fns[g_rand_int_range (rand, 1, G_N_ELEMENTS (fns) - 1)];
      for (guint d = 0; d < depth; d++)
        {
          Expected *e = g_hash_table_lookup (expected, stack[d]);

          if (e == NULL)
            g_hash_table_insert (expected, (gpointer) stack[d], e = g_new0 (Expected, 1));
          if (!g_hash_table_contains (seen, stack[d]))
            e->total += count;
          g_hash_table_add (seen, (gpointer) stack[d]);
          if (d + 1 == depth)
            e->self += count;
          g_string_append_printf (text, "%s%s", d > 0 ? ";" : "", stack[d]);
        }
      g_string_append_printf (text, " %d\n", count);
      *total += count;
    }
  {
    g_autofree char *name = g_strdup_printf ("generated-%u.folded", seed);
    return write_tmp (name, text->str);
  }
}

static void
test_generated (void)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  double total;
  g_autofree char *path = generate (7, 3000, expected, &total);
  g_autofree char *heading = NULL;
  g_auto(Run) run = { 0 };
  g_autoptr(Rows) rows = NULL;
  GHashTableIter it;
  gpointer k, v;

  run_cli (&run, NULL, "report", "-n", "0", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  heading = g_strdup_printf (": %.0f samples, %u functions", total, g_hash_table_size (expected));
  g_assert_nonnull (strstr (run.out, heading));
  rows = parse_rows (run.out, 0);
  g_assert_cmpuint (rows->len, ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&it, expected);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const Expected *e = v;
      const Row *r = find_row (rows, k);

      g_assert_nonnull (r);
      g_assert_cmpfloat (r->a, ==, e->self);
      g_assert_cmpfloat (r->b, ==, e->total);
      g_assert_cmpfloat (r->a_pc, ==, percent (e->self, total));
      g_assert_cmpfloat (r->b_pc, ==, percent (e->total, total));
    }
  for (guint i = 1; i < rows->len; i++)
    g_assert_cmpfloat (g_array_index (rows, Row, i - 1).a, >=, g_array_index (rows, Row, i).a);
}

/* ---- trees: each node's total is its self plus its children's ---- */

static void
check_tree_sums (Rows   *rows,
                 double  total)
{
  double top = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *r = &g_array_index (rows, Row, i);
      double below = r->b;   /* self */

      g_assert_cmpuint (r->indent % 2, ==, 0);
      if (i > 0)
        g_assert_cmpuint (r->indent, <=, g_array_index (rows, Row, i - 1).indent + 2);
      if (r->indent == 0)
        top += r->a;
      for (guint j = i + 1; j < rows->len && g_array_index (rows, Row, j).indent > r->indent; j++)
        if (g_array_index (rows, Row, j).indent == r->indent + 2)
          {
            below += g_array_index (rows, Row, j).a;
            /* children sorted by total */
            for (guint k = j + 1; k < rows->len && g_array_index (rows, Row, k).indent > r->indent; k++)
              if (g_array_index (rows, Row, k).indent == r->indent + 2)
                {
                  g_assert_cmpfloat (g_array_index (rows, Row, k).a, <=, g_array_index (rows, Row, j).a);
                  break;
                }
          }
      if (below != r->a)
        g_error ("tree row %u (%s): total %g, but self + children = %g", i, r->name, r->a, below);
    }
  g_assert_cmpfloat (top, ==, total);
}

static void
test_tree (void)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  double total;
  g_autofree char *path = generate (8, 400, expected, &total);

  for (guint bottom_up = 0; bottom_up < 2; bottom_up++)
    {
      g_auto(Run) run = { 0 };
      g_auto(Run) cut = { 0 };
      g_autoptr(Rows) rows = NULL;
      g_autoptr(Rows) cut_rows = NULL;

      run_cli (&run, NULL, "report", bottom_up ? "--bottom-up" : "--tree", "--min-percent", "0", path, NULL);
      g_assert_cmpint (run.status, ==, 0);
      rows = parse_rows (run.out, 0);
      g_assert_cmpuint (rows->len, >, 100);
      check_tree_sums (rows, total);
      if (!bottom_up)
        {
          /* every stack begins with main */
          g_assert_cmpuint (g_array_index (rows, Row, 0).indent, ==, 0);
          g_assert_cmpstr (g_array_index (rows, Row, 0).name, ==, "main");
          g_assert_cmpfloat (g_array_index (rows, Row, 0).a, ==, total);
        }
      else
        {
          /* the top level is every function's self */
          for (guint i = 0; i < rows->len; i++)
            if (g_array_index (rows, Row, i).indent == 0)
              g_assert_cmpfloat (g_array_index (rows, Row, i).a, ==,
                                 ((Expected *) g_hash_table_lookup (expected, g_array_index (rows, Row, i).name))->self);
        }

      /* the default cut-off, 0.5 %: fewer rows, none under it */
      run_cli (&cut, NULL, "report", bottom_up ? "--bottom-up" : "--tree", path, NULL);
      g_assert_cmpint (cut.status, ==, 0);
      cut_rows = parse_rows (cut.out, 0);
      g_assert_cmpuint (cut_rows->len, <, rows->len);
      for (guint i = 0; i < cut_rows->len; i++)
        g_assert_cmpfloat (g_array_index (cut_rows, Row, i).a_pc, >=, 0.5);
      g_assert_nonnull (strstr (cut.out, "left out (--min-percent)"));

      /* one function's tree, every call of it merged: it is the root, with
       * its total, and the sums hold */
      {
        static const char *const focus[] = { "eval", "alloc", "std::map<int, int>::find" };

        for (guint f = 0; f < G_N_ELEMENTS (focus); f++)
          {
            g_auto(Run) one = { 0 };
            g_autoptr(Rows) one_rows = NULL;
            const Expected *e = g_hash_table_lookup (expected, focus[f]);

            run_cli (&one, NULL, "report", bottom_up ? "--bottom-up" : "--tree", "--focus", focus[f],
                     "--min-percent", "0", path, NULL);
            g_assert_cmpint (one.status, ==, 0);
            one_rows = parse_rows (one.out, 0);
            g_assert_cmpstr (g_array_index (one_rows, Row, 0).name, ==, focus[f]);
            g_assert_cmpuint (g_array_index (one_rows, Row, 0).indent, ==, 0);
            check_tree_sums (one_rows, e->total);
          }
      }
    }
}

/* ---- errors ---- */

static void
test_errors (void)
{
  g_autofree char *path = write_tmp ("errors.folded", small_report);
  g_autofree char *garbage = write_tmp ("garbage.folded", "this is not\na folded report\n");
  g_autofree char *missing = g_build_filename (tmpdir, "missing.folded", NULL);
  struct {
    const char *args[6];
    const char *says;
  } cases[] = {
    { { "report", "--callers", "nothing_here", path }, "no function named nothing_here: `laprof-cli report " },
    { { "report", "--callees", "lea", path }, "leaf" },   /* names that hold it */
    { { "report", "--focus", "nothing_here", path }, "no function named nothing_here" },
    { { "report", missing }, "missing.folded" },
    { { "report", garbage }, "garbage.folded" },
    { { "report" }, "usage: laprof-cli report" },
    { { "report", path, path }, "give one report" },
    { { "report", "--sort", "name", path }, "--sort wants self or total" },
    { { "report", "-n", "-3", path }, "--limit" },
    { { "report", "--min-percent", "150", path }, "--min-percent" },
    { { "report", "--tid", "12", path }, "need a capture" },
    { { "report", "--bogus", path }, "Unknown option" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_cli (&run, NULL, cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3],
               cases[i].args[4], NULL);
      g_assert_cmpint (run.status, ==, 2);
      if (strstr (run.err, cases[i].says) == NULL)
        g_error ("case %u: “%s” not in: %s", i, cases[i].says, run.err);
      g_assert_cmpstr (run.out, ==, "");
    }
}

/* ---- a real capture ---- */

/* the tids in `laprof-cli check`'s list of threads, with their samples */
static GHashTable *
capture_threads (const char *path)
{
  g_auto(Run) run = { 0 };
  g_auto(GStrv) lines = NULL;
  GHashTable *threads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  run_cli (&run, NULL, "check", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      long tid;
      char name[64];
      double samples;

      if (sscanf (lines[i], "    %ld %63s %lf samples", &tid, name, &samples) == 3)
        g_hash_table_insert (threads, g_strdup_printf ("%ld", tid), g_memdup2 (&samples, sizeof samples));
    }
  return threads;
}

static void
test_capture (void)
{
  const char *target = g_getenv ("ENGINE_TARGET");
  g_autofree char *path = g_build_filename (tmpdir, "work.laprof", NULL);
  g_autoptr(GHashTable) threads = NULL;
  g_auto(Run) rec = { 0 };
  g_auto(Run) all = { 0 };
  g_autoptr(Rows) all_rows = NULL;
  GHashTableIter it;
  gpointer k, v;
  gboolean found_busy = FALSE, found_blocked = FALSE;

  g_assert_nonnull (target);
  run_cli (&rec, NULL, "record", "-q", "-F", "500", "-o", path, "--", target, "work", "1", NULL);
  g_assert_cmpint (rec.status, ==, 0);

  run_cli (&all, NULL, "report", "--sort", "total", "-n", "0", path, NULL);
  g_assert_cmpint (all.status, ==, 0);
  all_rows = parse_rows (all.out, 0);
  g_assert_nonnull (find_row (all_rows, "hot_path"));
  g_assert_nonnull (find_row (all_rows, "cold_path"));
  g_assert_cmpfloat (find_row (all_rows, "hot_path")->a, >, find_row (all_rows, "cold_path")->a);

  /* each thread alone: the main thread works, the other one is blocked */
  threads = capture_threads (path);
  g_assert_cmpuint (g_hash_table_size (threads), >=, 2);
  g_hash_table_iter_init (&it, threads);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      g_auto(Run) one = { 0 };
      g_autoptr(Rows) rows = NULL;
      g_autofree char *heading = NULL;
      double sum_self = 0;

      run_cli (&one, NULL, "report", "--tid", k, "-n", "0", path, NULL);
      g_assert_cmpint (one.status, ==, 0);
      heading = g_strdup_printf (": %.0f samples,", *(double *) v);
      g_assert_nonnull (strstr (one.out, heading));
      rows = parse_rows (one.out, 0);
      for (guint i = 0; i < rows->len; i++)
        sum_self += g_array_index (rows, Row, i).a;
      g_assert_cmpfloat (sum_self, ==, *(double *) v);
      if (find_row (rows, "hot_path") != NULL)
        found_busy = TRUE;
      if (rows->len > 0 && g_str_has_prefix (g_array_index (rows, Row, 0).name, "[idle"))
        {
          g_auto(Run) busy = { 0 };

          found_blocked = TRUE;
          /* without its blocked samples, little is left (its start, a
           * sample now and then inside read before it blocks), and no
           * idle frame */
          run_cli (&busy, NULL, "report", "--tid", k, "--no-idle", "-n", "0", path, NULL);
          g_assert_cmpint (busy.status, ==, 0);
          if (strstr (busy.err, "no samples left") == NULL)
            {
              g_autoptr(Rows) busy_rows = parse_rows (busy.out, 0);
              double left = 0;

              for (guint i = 0; i < busy_rows->len; i++)
                {
                  g_assert_false (g_str_has_prefix (g_array_index (busy_rows, Row, i).name, "[idle"));
                  left += g_array_index (busy_rows, Row, i).a;
                }
              g_assert_cmpfloat (left, <, 0.1 * *(double *) v);
            }
        }
    }
  g_assert_true (found_busy);
  g_assert_true (found_blocked);

  /* a part in time: fewer samples than the whole */
  {
    g_auto(Run) part = { 0 };
    g_auto(Run) none = { 0 };
    double whole = 0, some = 0;

    g_assert_cmpint (sscanf (strstr (all.out, ": ") + 2, "%lf", &whole), ==, 1);
    run_cli (&part, NULL, "report", "--from", "0.2", "--to", "0.6", path, NULL);
    g_assert_cmpint (part.status, ==, 0);
    g_assert_cmpint (sscanf (strstr (part.out, ": ") + 2, "%lf", &some), ==, 1);
    g_assert_cmpfloat (some, >, 0);
    g_assert_cmpfloat (some, <, whole * 0.6);
    run_cli (&none, NULL, "report", "--from", "50", path, NULL);
    g_assert_cmpint (none.status, ==, 2);
    g_assert_nonnull (strstr (none.err, "no sample in the part chosen"));
  }
  /* recorded with lines: spin's lines under it add up to its self */
  {
    g_autofree char *lines_path = g_build_filename (tmpdir, "work-lines.laprof", NULL);
    g_auto(Run) rec2 = { 0 };
    g_auto(Run) run = { 0 };
    g_autoptr(Rows) rows = NULL;
    double spin_self = -1, line_self = 0;
    guint n_lines = 0;

    run_cli (&rec2, NULL, "record", "-q", "-F", "500", "--lines", "-o", lines_path, "--", target, "work", "1", NULL);
    g_assert_cmpint (rec2.status, ==, 0);
    run_cli (&run, NULL, "report", "--lines", "-n", "0", lines_path, NULL);
    g_assert_cmpint (run.status, ==, 0);
    rows = parse_rows (run.out, 0);
    for (guint i = 0; i < rows->len; i++)
      if (g_str_equal (g_array_index (rows, Row, i).name, "spin"))
        {
          spin_self = g_array_index (rows, Row, i).a;
          for (guint j = i + 1; j < rows->len && g_array_index (rows, Row, j).indent == 4; j++)
            {
              g_assert_true (g_str_has_prefix (g_array_index (rows, Row, j).name, "engine-target.c:"));
              line_self += g_array_index (rows, Row, j).a;
              n_lines++;
            }
        }
    g_assert_cmpfloat (spin_self, >, 0);
    g_assert_cmpuint (n_lines, >, 0);
    g_assert_cmpfloat (line_self, ==, spin_self);
  }
  /* callers of hot_path on the capture: they add up to its total */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(GHashTable) links = NULL;
    double sum = 0;

    run_cli (&run, NULL, "report", "--callers", "hot_path", path, NULL);
    g_assert_cmpint (run.status, ==, 0);
    links = parse_links (run.out, 0);
    g_hash_table_iter_init (&it, links);
    while (g_hash_table_iter_next (&it, &k, &v))
      sum += ((Link *) v)->count;
    g_assert_cmpfloat (sum, ==, find_row (all_rows, "hot_path")->a);
  }
}

/* in French: the headings and the sections, the columns still aligned */
static void
test_translated (void)
{
  g_autofree char *path = write_tmp ("french.folded", small_report);
  g_auto(Run) run = { 0 };
  g_autoptr(Rows) rows = NULL;

  g_setenv ("LANGUAGE", "fr", TRUE);
  run_cli (&run, NULL, "report", "--callers", "f", "--tree", path, NULL);
  g_unsetenv ("LANGUAGE");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "# appelants de f\u00a0: 5 échantillons"));
  g_assert_nonnull (strstr (run.out, "[racine]"));
  g_assert_nonnull (strstr (run.out, "arbre d’appels"));
  rows = parse_rows (run.out, 1);
  g_assert_cmpstr (g_array_index (rows, Row, 0).name, ==, "main");
  g_assert_cmpfloat (g_array_index (rows, Row, 0).a, ==, 18);
}

/* ---- against perf report ---- */

/* "%.2f" percentages of `perf report --stdio -n --sort sym` (with or
 * without --children: then the first column), by symbol; names perf shows
 * twice (one a DSO) are left out */
static GHashTable *
perf_percentages (const char *data,
                  gboolean    children)
{
  const char *argv[] = { "perf", "report", "-i", data, "--stdio", "-n", "--sort", "sym",
                         children ? "--children" : "--no-children", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) twice = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *pcs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double pc;
      char *kind;
      int end = 0;

      if (sscanf (lines[i], " %lf%%%n", &pc, &end) != 1)
        continue;
      /* --children: the self percentage, then the samples */
      kind = strstr (lines[i] + end, "] ");
      if (kind == NULL)
        continue;
      {
        g_autofree char *name = g_strstrip (g_strdup (kind + 2));

        if (g_hash_table_contains (pcs, name))
          g_hash_table_add (twice, g_strdup (name));
        g_hash_table_insert (pcs, g_steal_pointer (&name), g_memdup2 (&pc, sizeof pc));
      }
    }
  {
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init (&it, twice);
    while (g_hash_table_iter_next (&it, &k, NULL))
      g_hash_table_remove (pcs, k);
  }
  return pcs;
}

/* perf record -g of engine-target at a fixed period (every sample the
 * same weight), its perf script text reported by laprof-cli: the
 * percentages of every symbol are perf report's, self (--no-children)
 * and total (--children) */
static void
test_perf (void)
{
  const char *target = g_getenv ("ENGINE_TARGET");
  g_autofree char *data = g_build_filename (tmpdir, "perf.data", NULL);
  g_autofree char *text_path = g_build_filename (tmpdir, "work.perf-script", NULL);
  const char *record[] = { "perf", "record", "-q", "-e", "task-clock", "-c", "1000000", "-g", "-o", data,
                           "--", target, "work", "1", NULL };
  const char *script[] = { "perf", "script", "-i", data, NULL };
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) perf_self = NULL;
  g_autoptr(GHashTable) perf_total = NULL;
  g_auto(Run) run = { 0 };
  g_autoptr(Rows) rows = NULL;
  guint compared = 0;
  int status = -1;

  g_spawn_sync (NULL, (char **) record, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_spawn_sync (NULL, (char **) script, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &text, NULL, &status, &error);
  g_assert_no_error (error);
  g_file_set_contents (text_path, text, -1, &error);
  g_assert_no_error (error);
  perf_self = perf_percentages (data, FALSE);
  perf_total = perf_percentages (data, TRUE);

  run_cli (&run, NULL, "report", "-n", "0", text_path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  /* perf script text is whole: not a recording cut short */
  g_assert_cmpstr (run.err, ==, "");
  rows = parse_rows (run.out, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      const Row *r = &g_array_index (rows, Row, i);
      double *self = g_hash_table_lookup (perf_self, r->name);
      double *total = g_hash_table_lookup (perf_total, r->name);

      /* perf report --no-children lists only functions with self samples */
      if (self != NULL)
        g_assert_cmpfloat (r->a_pc, ==, *self);
      else if (total != NULL)
        g_assert_cmpfloat (r->a, ==, 0);
      if (total != NULL)
        {
          if (r->b_pc != *total)
            g_error ("%s: total %.2f%%, perf report --children %.2f%%", r->name, r->b_pc, *total);
          compared++;
        }
    }
  /* spin: most of the samples, the same in both */
  g_assert_nonnull (g_hash_table_lookup (perf_self, "spin"));
  g_assert_cmpfloat (find_row (rows, "spin")->a_pc, ==, *(double *) g_hash_table_lookup (perf_self, "spin"));
  g_assert_cmpuint (compared, >=, 2);
  g_test_message ("%u functions compared with perf report", compared);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* the messages are checked in English */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_unsetenv ("LANGUAGE");
  tmpdir = g_dir_make_tmp ("test-cli-report-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/cli/report/table", test_small_table);
  g_test_add_func ("/cli/report/callers-callees", test_small_links);
  g_test_add_func ("/cli/report/lines", test_small_lines);
  g_test_add_func ("/cli/report/generated", test_generated);
  g_test_add_func ("/cli/report/tree", test_tree);
  g_test_add_func ("/cli/report/errors", test_errors);
  g_test_add_func ("/cli/report/capture", test_capture);
  g_test_add_func ("/cli/report/perf", test_perf);
  g_test_add_func ("/cli/report/translated", test_translated);

  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return status;
}
