/* test-gui-views.c: the window's views under Xvfb, with real pointer and key events (xdotool): the switch, the functions table against the graph, callers and callees, the call tree, the source lines.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lp-application.h"
#include "lp-calltree-view.h"
#include "lp-recorder.h"
#include "lp-flame-view.h"
#include "lp-functions-view.h"
#include "lp-source-view.h"
#include "lp-view-row.h"
#include "lp-window.h"
#include "test-gui-util.h"

static LpApplication *app;
static char *tmp_dir;

/* ---- a report with lines, and its source file ---- */

static const char source_text[] =
  "#include <stdio.h>\n"                         /* 1 */
  "\n"
  "static double\n"
  "compute (int n)\n"
  "{\n"                                           /* 5 */
  "  double s = 0;\n"
  "  for (int i = 0; i < n; i++)\n"
  "    s += i * 0.5;\n"                           /* 8: hot */
  "  for (int i = 0; i < n; i++)\n"
  "    s *= 1.0000001;\n"                         /* 10 */
  "  return s;\n"
  "}\n"
  "\n"
  "static void\n"
  "parse (void)\n"                                /* 15 */
  "{\n"
  "  puts (\"parse\");\n"                         /* 17 */
  "}\n"
  "\n"
  "int\n"                                         /* 20 */
  "main (void)\n"
  "{\n"
  "  double s = compute (100000000);\n"           /* 23: main's hottest */
  "  parse ();\n"
  "  printf (\"%f\\n\", s);\n"                    /* 25 */
  "  return 0;\n"
  "}\n";

/* compute is called from main and from worker: 60 + 25 + 20 = 105 */
static const char report_text[] =
  "_start;main (views.c:23);compute (views.c:8) 60\n"
  "_start;main (views.c:23);compute (views.c:10) 25\n"
  "_start;main (views.c:24);parse (views.c:17);puts 10\n"
  "_start;main (views.c:25);printf 5\n"
  "_start;worker;compute (views.c:8) 20\n"
  "_start;[idle: read] 3\n";

static char *
write_file (const char *name,
            const char *text)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* ---- the window ---- */

static gboolean
table_filled (gpointer data)
{
  LpFunctionsView *view = LP_FUNCTIONS_VIEW (lp_window_get_view_widget (data, "functions"));

  return g_str_equal (lp_window_get_page (data), "report") &&
         lp_functions_view_get_functions (view) != NULL &&
         lp_functions_get_n (lp_functions_view_get_functions (view)) > 0;
}

static LpWindow *
open_report (const char *name,
             const char *text)
{
  g_autofree char *path = write_file (name, text);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (table_filled, window, 10));
  test_gui_spin (0.3);
  return window;
}

static LpFunctionsView *
functions_view (LpWindow *window)
{
  return LP_FUNCTIONS_VIEW (lp_window_get_view_widget (window, "functions"));
}

static const char *
view_of (LpWindow *window)
{
  static char view[32];
  g_autofree char *v = NULL;

  g_object_get (window, "view", &v, NULL);
  g_strlcpy (view, v, sizeof view);
  return view;
}

static void
show_view (LpWindow   *window,
           const char *name)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", name);
  test_gui_spin (0.4);
  g_assert_cmpstr (view_of (window), ==, name);
}

/* a real click @dx pixels right of the middle of @widget */
static void
x_click_at (GtkWidget *widget,
            double     dx)
{
  TestGuiXPoint p;
  g_autofree char *out = NULL;

  test_gui_x_point (widget, gtk_widget_get_width (widget) / 2.0 + dx, gtk_widget_get_height (widget) / 2.0, &p);
  {
    const char *argv[] = { "mousemove", "--sync", "--window", p.xid, p.x, p.y, "click", "1", NULL };
    out = test_gui_xdotool (argv);
  }
  test_gui_spin (0.3);
}

/* a real click in the middle of @widget */
static void
x_click (GtkWidget *widget)
{
  x_click_at (widget, 0);
}

/* a real key press (xdotool's name, "ctrl+2") in @widget's window */
static void
x_key (GtkWidget  *widget,
       const char *name)
{
  test_gui_x_key (widget, name);
  test_gui_spin (0.3);
}

/* the table's rows as shown (sorted, filtered) */
static guint
n_rows (GtkColumnView *view)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view)));
}

static LpViewRow *
row_at (GtkColumnView *view,
        guint          i)
{
  gpointer item = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (view)), i);
  LpViewRow *row = lp_view_row_from_item (item);

  g_object_unref (item);
  return row;
}

/* a list of the functions view shows its first rows: all of them */
static void
all_rows (GtkColumnView *view)
{
  GtkWidget *functions = gtk_widget_get_ancestor (GTK_WIDGET (view), LP_TYPE_FUNCTIONS_VIEW);

  if (functions != NULL)
    lp_functions_view_show_all (LP_FUNCTIONS_VIEW (functions));
}

static LpViewRow *
row_named (GtkColumnView *view,
           const char    *name)
{
  all_rows (view);
  for (guint i = 0; i < n_rows (view); i++)
    if (g_str_equal (row_at (view, i)->name, name))
      return row_at (view, i);
  return NULL;
}

static const char *
selected_row_name (GtkColumnView *view)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (view));
  gpointer item = gtk_single_selection_get_selected_item (selection);

  return item != NULL ? lp_view_row_from_item (item)->name : NULL;
}

/* ---- the switch: actions, shortcuts, the shortcuts window ---- */

static void
test_switch (void)
{
  g_autofree char *path = write_file ("views.c", source_text);
  LpWindow *window = open_report ("views.folded", report_text);
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/laprof/Laprof/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  const char *accels[] = { "<Control>1", "<Control>2", "<Control>3", "<Control>4" };

  g_assert_cmpstr (view_of (window), ==, "flame");
  show_view (window, "functions");
  show_view (window, "calltree");
  show_view (window, "source");
  show_view (window, "flame");

  /* the keyboard, as a user presses it */
  x_key (GTK_WIDGET (window), "ctrl+2");
  g_assert_cmpstr (view_of (window), ==, "functions");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (lp_functions_view_get_table (functions_view (window)))));
  x_key (GTK_WIDGET (window), "ctrl+3");
  g_assert_cmpstr (view_of (window), ==, "calltree");
  x_key (GTK_WIDGET (window), "ctrl+4");
  g_assert_cmpstr (view_of (window), ==, "source");
  x_key (GTK_WIDGET (window), "ctrl+1");
  g_assert_cmpstr (view_of (window), ==, "flame");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (lp_window_get_flame_view (window))));

  /* the switcher's buttons: a click */
  x_click (test_gui_find_label (GTK_WIDGET (window), TEST_GUI_TEXT_IS, "Functions"));
  g_assert_cmpstr (view_of (window), ==, "functions");

  /* the shortcuts window lists them */
  for (guint a = 0; a < G_N_ELEMENTS (accels); a++)
    {
      gboolean found = FALSE;

      for (GSList *l = objects; l != NULL; l = l->next)
        if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
          {
            g_autofree char *accel = NULL;
            g_object_get (l->data, "accelerator", &accel, NULL);
            found |= g_strcmp0 (accel, accels[a]) == 0;
          }
      g_assert_true (found);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the table's numbers are the graph's ---- */

/* the self and total of each function, from the graph's model: a
 * function's total counts each of its nodes that has no ancestor of the
 * same function (a recursion is counted once) */
static void
sums_of_model (LpFlameModel *model,
               GHashTable   *self_sums,
               GHashTable   *total_sums)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  g_autoptr(GString) buf2 = g_string_new (NULL);

  for (guint32 n = 1; n < lp_flame_model_get_n_nodes (model); n++)
    {
      const LpFlameNode *node = lp_flame_model_get_node (model, n);
      const char *name = lp_functions_name_of_frame (lp_flame_model_node_name (model, n), buf);
      double *self_sum = g_hash_table_lookup (self_sums, name);
      double *total_sum = g_hash_table_lookup (total_sums, name);
      gboolean nested = FALSE;

      if (self_sum == NULL)
        {
          self_sum = g_new0 (double, 1);
          total_sum = g_new0 (double, 1);
          g_hash_table_insert (self_sums, g_strdup (name), self_sum);
          g_hash_table_insert (total_sums, g_strdup (name), total_sum);
        }
      *self_sum += node->self;
      for (guint32 a = node->parent; a != LP_FLAME_ROOT && a != LP_FLAME_NO_NODE;
           a = lp_flame_model_get_node (model, a)->parent)
        if (g_str_equal (lp_functions_name_of_frame (lp_flame_model_node_name (model, a), buf2), name))
          nested = TRUE;
      if (!nested)
        *total_sum += node->total;
    }
}

static void
check_table_against_graph (LpWindow *window)
{
  GtkColumnView *table = lp_functions_view_get_table (functions_view (window));
  LpFlameModel *model = lp_flame_view_get_model (lp_window_get_flame_view (window));
  g_autoptr(GHashTable) self_sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) total_sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* every row, not only the first ones shown */
  all_rows (table);
  sums_of_model (model, self_sums, total_sums);
  g_assert_cmpuint (n_rows (table), ==, g_hash_table_size (self_sums));
  for (guint i = 0; i < n_rows (table); i++)
    {
      LpViewRow *row = row_at (table, i);
      double *self_sum = g_hash_table_lookup (self_sums, row->name);
      double *total_sum = g_hash_table_lookup (total_sums, row->name);

      g_assert_nonnull (self_sum);
      g_assert_cmpfloat (row->self, ==, *self_sum);
      g_assert_cmpfloat (row->total, ==, *total_sum);
      /* the percentages are of what the graph shows */
      g_assert_cmpfloat (row->base, ==, lp_flame_model_get_total (model));
    }
}

static gboolean
table_has_no_idle (gpointer data)
{
  return row_named (lp_functions_view_get_table (functions_view (data)), "[idle: read]") == NULL;
}

static void
test_numbers (void)
{
  LpWindow *window = open_report ("views.folded", report_text);
  GtkColumnView *table = lp_functions_view_get_table (functions_view (window));
  LpViewRow *compute;

  show_view (window, "functions");
  compute = row_named (table, "compute");
  g_assert_nonnull (compute);
  g_assert_cmpfloat (compute->self, ==, 105);
  g_assert_cmpfloat (compute->total, ==, 105);
  g_assert_cmpfloat (row_named (table, "main")->total, ==, 100);
  g_assert_cmpfloat (row_named (table, "main")->self, ==, 0);
  g_assert_cmpfloat (row_named (table, "[idle: read]")->total, ==, 3);
  check_table_against_graph (window);
  /* sorted by self at first: what costs most on its own */
  g_assert_cmpstr (row_at (table, 0)->name, ==, "compute");
  g_assert_cmpstr (row_at (table, 1)->name, ==, "puts");

  /* a click on a header sorts by its column, again the other way */
  for (int click = 0; click < 2; click++)
    {
      /* xdotool's --sync waits for a move: the second click a little
       * aside, and after the double-click time (400 ms) */
      test_gui_spin (0.3);
      x_click_at (test_gui_find_label (GTK_WIDGET (table), TEST_GUI_TEXT_IS, "Total"), 2 * click);
      for (guint i = 1; i < n_rows (table); i++)
        if (click == 0)
          g_assert_cmpfloat (row_at (table, i - 1)->total, <=, row_at (table, i)->total);
        else
          g_assert_cmpfloat (row_at (table, i - 1)->total, >=, row_at (table, i)->total);
    }
  g_assert_cmpstr (row_at (table, 0)->name, ==, "_start");
  x_click (test_gui_find_label (GTK_WIDGET (table), TEST_GUI_TEXT_IS, "Self"));
  test_gui_spin (0.3);
  x_click_at (test_gui_find_label (GTK_WIDGET (table), TEST_GUI_TEXT_IS, "Self"), 2);
  g_assert_cmpstr (row_at (table, 0)->name, ==, "compute");

  /* a focus on a frame of the graph: the table of what the graph shows */
  {
    LpFlameView *view = lp_window_get_flame_view (window);
    LpFolded *names = lp_flame_model_get_names (lp_flame_view_get_model (view));
    guint32 frame;

    g_assert_true (lp_intern_lookup (lp_folded_get_intern (names), "worker", 6, &frame));
    g_signal_emit_by_name (view, "focus-requested", frame);
    test_gui_spin (0.3);
    g_assert_nonnull (row_named (table, "worker"));
    g_assert_null (row_named (table, "main"));
    g_assert_cmpfloat (row_named (table, "compute")->total, ==, 20);
    check_table_against_graph (window);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.unfilter", NULL);
    test_gui_spin (0.3);
    g_assert_cmpfloat (row_named (table, "compute")->total, ==, 105);
  }

  /* idle hidden: the table follows the graph */
  g_object_set (window, "show-idle", FALSE, NULL);
  g_assert_true (test_gui_spin_until (table_has_no_idle, window, 5));
  check_table_against_graph (window);
  g_assert_cmpfloat (row_named (table, "_start")->total, ==, 120);
  g_object_set (window, "show-idle", TRUE, NULL);

  /* the search field filters the table */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  gtk_editable_set_text (GTK_EDITABLE (test_gui_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY)),
                         "^p");
  test_gui_spin (0.6);
  g_assert_cmpuint (n_rows (table), ==, 3);   /* parse, puts, printf */
  g_assert_nonnull (row_named (table, "parse"));
  g_assert_null (row_named (table, "main"));
  gtk_editable_set_text (GTK_EDITABLE (test_gui_find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY)),
                         "");
  test_gui_spin (0.6);
  g_assert_cmpuint (n_rows (table), ==, 8);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- a click in the table marks the graph; a click in the graph selects the row ---- */

static guint
graph_marks (LpWindow   *window,
             const char *function)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (lp_window_get_flame_view (window));
  LpFlameModel *model = lp_flame_view_get_model (lp_window_get_flame_view (window));
  g_autoptr(GString) buf = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      const char *name;

      if (r->frame == LP_FLAME_NO_FRAME)
        continue;
      name = lp_functions_name_of_frame (lp_flame_model_node_name (model, r->node), buf);
      /* marked exactly when it is the function */
      g_assert_cmpint (!!(r->flags & LP_FLAME_RECT_MATCH), ==, g_str_equal (name, function));
      n += !!(r->flags & LP_FLAME_RECT_MATCH);
    }
  return n;
}

static void
test_select (void)
{
  LpWindow *window = open_report ("views.folded", report_text);
  GtkColumnView *table = lp_functions_view_get_table (functions_view (window));
  LpFlameView *graph = lp_window_get_flame_view (window);
  const LpFlameLayout *layout;
  const LpFlameRect *puts_rect = NULL;
  GtkWidget *label;

  show_view (window, "functions");
  label = test_gui_find_label (GTK_WIDGET (table), TEST_GUI_TEXT_IS, "parse");
  g_assert_nonnull (label);
  x_click (label);
  g_assert_cmpstr (lp_window_get_selected_function (window), ==, "parse");
  g_assert_cmpstr (selected_row_name (table), ==, "parse");
  show_view (window, "flame");
  g_assert_cmpuint (graph_marks (window, "parse"), ==, 1);

  /* compute: its two lines and its two callers, all marked */
  x_key (GTK_WIDGET (window), "ctrl+2");
  x_click (test_gui_find_label (GTK_WIDGET (table), TEST_GUI_TEXT_IS, "compute"));
  g_assert_cmpstr (lp_window_get_selected_function (window), ==, "compute");
  x_key (GTK_WIDGET (window), "ctrl+1");
  g_assert_cmpuint (graph_marks (window, "compute"), ==, 3);

  /* a click on puts in the graph */
  layout = lp_flame_view_get_layout (graph);
  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      if (r->frame != LP_FLAME_NO_FRAME && g_str_equal (lp_flame_model_node_name (lp_flame_view_get_model (graph), r->node), "puts"))
        puts_rect = r;
    }
  g_assert_nonnull (puts_rect);
  {
    TestGuiXPoint p;
    g_autofree char *out = NULL;

    test_gui_x_point (GTK_WIDGET (graph), puts_rect->x + puts_rect->width / 2,
                      lp_flame_view_graph_to_widget_y (graph, puts_rect->y) + 8, &p);
    {
      const char *argv[] = { "mousemove", "--sync", "--window", p.xid, p.x, p.y, "click", "1", NULL };
      out = test_gui_xdotool (argv);
    }
    test_gui_spin (0.4);
  }
  g_assert_cmpstr (lp_window_get_selected_function (window), ==, "puts");
  g_assert_cmpstr (selected_row_name (table), ==, "puts");
  g_assert_cmpstr (lp_functions_view_get_selected (functions_view (window)), ==, "puts");
  show_view (window, "functions");
  g_assert_cmpstr (selected_row_name (table), ==, "puts");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- callers and callees ---- */

static double
sum_of (GtkColumnView *view)
{
  double sum = 0;

  all_rows (view);
  for (guint i = 0; i < n_rows (view); i++)
    sum += row_at (view, i)->total;
  return sum;
}

static void
check_links_add_up (LpWindow *window)
{
  LpFunctionsView *fv = functions_view (window);
  double total = row_named (lp_functions_view_get_table (fv), lp_functions_view_get_selected (fv))->total;

  g_assert_cmpfloat (sum_of (lp_functions_view_get_callers (fv)), ==, total);
  g_assert_cmpfloat (sum_of (lp_functions_view_get_callees (fv)), ==, total);
}

static void
test_callers (void)
{
  LpWindow *window = open_report ("views.folded", report_text);
  LpFunctionsView *fv = functions_view (window);
  GtkColumnView *callers = lp_functions_view_get_callers (fv);
  GtkColumnView *callees = lp_functions_view_get_callees (fv);

  show_view (window, "functions");
  lp_window_select_function (window, "compute");
  test_gui_spin (0.3);
  g_assert_cmpuint (n_rows (callers), ==, 2);
  g_assert_cmpstr (row_at (callers, 0)->name, ==, "main");
  g_assert_cmpfloat (row_at (callers, 0)->total, ==, 85);
  g_assert_cmpstr (row_at (callers, 1)->name, ==, "worker");
  g_assert_cmpfloat (row_at (callers, 1)->total, ==, 20);
  g_assert_cmpuint (n_rows (callees), ==, 1);   /* its own time only */
  check_links_add_up (window);
  test_gui_screenshot ("functions");

  /* a click on a caller: it is the function now */
  x_click (test_gui_find_label (GTK_WIDGET (callers), TEST_GUI_TEXT_IS, "worker"));
  g_assert_cmpstr (lp_window_get_selected_function (window), ==, "worker");
  g_assert_cmpstr (selected_row_name (lp_functions_view_get_table (fv)), ==, "worker");
  check_links_add_up (window);
  g_assert_cmpuint (n_rows (callees), ==, 1);
  g_assert_cmpstr (row_at (callees, 0)->name, ==, "compute");

  /* Enter on a callee: back to compute */
  gtk_widget_grab_focus (GTK_WIDGET (callees));
  test_gui_spin (0.2);
  x_key (GTK_WIDGET (window), "Return");
  g_assert_cmpstr (lp_window_get_selected_function (window), ==, "compute");

  /* main: what it calls, and its own time (none) */
  lp_window_select_function (window, "main");
  test_gui_spin (0.2);
  g_assert_cmpuint (n_rows (callees), ==, 3);
  g_assert_cmpstr (row_at (callees, 0)->name, ==, "compute");
  g_assert_cmpfloat (row_at (callees, 0)->total, ==, 85);
  check_links_add_up (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the call tree ---- */

/* the call tree's first row selected and focused, closed with Left (one
 * row left) and opened again with Right */
static void
close_and_open_first_row (LpWindow           *window,
                          GtkColumnView      *table,
                          GtkSingleSelection *selection)
{
  gtk_single_selection_set_selected (selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (table));
  test_gui_spin (0.2);
  x_key (GTK_WIDGET (window), "Left");
  g_assert_cmpuint (n_rows (table), ==, 1);
  x_key (GTK_WIDGET (window), "Right");
}

static void
test_calltree (void)
{
  LpWindow *window = open_report ("views.folded", report_text);
  LpCalltreeView *tree = LP_CALLTREE_VIEW (lp_window_get_view_widget (window, "calltree"));
  GtkColumnView *table = lp_calltree_view_get_table (tree);
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (table));
  LpFlameModel *model;
  double roots = 0;

  show_view (window, "calltree");
  /* the hottest path open: _start, main (views.c:23), its two lines */
  g_assert_cmpstr (row_at (table, 0)->name, ==, "_start");
  g_assert_cmpstr (row_at (table, 1)->name, ==, "main (views.c:23)");
  g_assert_cmpfloat (row_at (table, 1)->total, ==, 85);
  g_assert_cmpstr (row_at (table, 2)->name, ==, "compute (views.c:8)");
  g_assert_cmpfloat (row_at (table, 2)->self, ==, 60);
  g_assert_cmpuint (n_rows (table), ==, 8);
  test_gui_screenshot ("calltree");

  /* the keyboard: on _start, Left closes, Right opens, Down, then minus */
  close_and_open_first_row (window, table, selection);
  g_assert_cmpuint (n_rows (table), ==, 6);    /* _start and its five children, closed */
  x_key (GTK_WIDGET (window), "Right");        /* open: to its first child */
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 1);
  x_key (GTK_WIDGET (window), "plus");
  g_assert_cmpuint (n_rows (table), ==, 8);
  x_key (GTK_WIDGET (window), "minus");
  g_assert_cmpuint (n_rows (table), ==, 6);
  x_key (GTK_WIDGET (window), "shift+Right");
  g_assert_cmpuint (n_rows (table), ==, 8);
  x_key (GTK_WIDGET (window), "Return");
  g_assert_cmpuint (n_rows (table), ==, 6);
  x_key (GTK_WIDGET (window), "Left");         /* closed: to its parent */
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  x_key (GTK_WIDGET (window), "asterisk");
  g_assert_cmpuint (n_rows (table), ==, 12);   /* everything */

  /* bottom-up: a click on the button; the graph turns too */
  x_click (test_gui_find_label (GTK_WIDGET (tree), TEST_GUI_TEXT_IS, "Bottom-Up"));
  test_gui_spin (0.3);
  {
    gboolean reverse;
    g_object_get (window, "reverse", &reverse, NULL);
    g_assert_true (reverse);
  }
  model = lp_flame_view_get_model (lp_window_get_flame_view (window));
  g_assert_true (lp_flame_model_get_flags (model) & LP_FLAME_MODEL_REVERSE);
  /* the leaves first: compute (views.c:8) with 80, open down to _start */
  g_assert_cmpstr (row_at (table, 0)->name, ==, "compute (views.c:8)");
  g_assert_cmpfloat (row_at (table, 0)->total, ==, 80);
  g_assert_cmpstr (row_at (table, 1)->name, ==, "main (views.c:23)");
  g_assert_cmpstr (row_at (table, 2)->name, ==, "_start");
  x_key (GTK_WIDGET (window), "ctrl+r");
  test_gui_spin (0.3);
  g_assert_cmpstr (row_at (table, 0)->name, ==, "_start");
  /* the roots add up to the graph */
  model = lp_flame_view_get_model (lp_window_get_flame_view (window));
  gtk_single_selection_set_selected (selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (table));
  x_key (GTK_WIDGET (window), "Left");
  for (guint i = 0; i < n_rows (table); i++)
    roots += row_at (table, i)->total;
  g_assert_cmpfloat (roots, ==, lp_flame_model_get_total (model));

  /* selecting a row selects its function */
  gtk_single_selection_set_selected (selection, 0);
  test_gui_spin (0.2);
  g_assert_cmpstr (lp_window_get_selected_function (window), ==, "_start");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- source lines ---- */

static LpSourceView *
source_view (LpWindow *window)
{
  return LP_SOURCE_VIEW (lp_window_get_view_widget (window, "source"));
}

static void
test_source (void)
{
  g_autofree char *path = write_file ("views.c", source_text);
  LpWindow *window = open_report ("views.folded", report_text);
  LpSourceView *sv = source_view (window);
  GtkColumnView *table = lp_source_view_get_table (sv);
  LpViewRow *row;

  show_view (window, "functions");
  x_click (test_gui_find_label (GTK_WIDGET (lp_functions_view_get_table (functions_view (window))), TEST_GUI_TEXT_IS, "main"));
  /* Enter (or a double click) on a function: its lines */
  x_key (GTK_WIDGET (window), "Return");
  g_assert_cmpstr (view_of (window), ==, "source");
  g_assert_cmpstr (lp_source_view_get_path (sv), ==, path);
  g_assert_null (lp_source_view_get_note (sv));
  g_assert_cmpuint (n_rows (table), ==, 27);   /* every line of the file */
  g_assert_cmpuint (lp_source_view_get_hottest (sv), ==, 23);
  row = row_at (table, 22);
  g_assert_cmpuint (row->id, ==, 23);
  g_assert_cmpfloat (row->total, ==, 85);
  g_assert_cmpstr (row->text, ==, "  double s = compute (100000000);");
  g_assert_cmpfloat (row_at (table, 23)->total, ==, 10);
  g_assert_cmpfloat (row_at (table, 0)->total, ==, 0);
  /* the hottest line is selected and in sight, marked hot */
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (table))), ==, 22);
  g_assert_true (gtk_widget_has_css_class (test_gui_find_label (GTK_WIDGET (table), TEST_GUI_TEXT_IS, "  double s = compute (100000000);"), "hot"));
  test_gui_screenshot ("source");

  /* compute: its own lines, 8 the hottest (80 of 105) */
  lp_window_select_function (window, "compute");
  test_gui_spin (0.3);
  g_assert_cmpuint (lp_source_view_get_hottest (sv), ==, 8);
  g_assert_cmpfloat (row_at (table, 7)->self, ==, 80);
  g_assert_cmpfloat (row_at (table, 9)->self, ==, 25);

  /* a function without lines */
  lp_window_select_function (window, "puts");
  test_gui_spin (0.3);
  g_assert_nonnull (strstr (lp_source_view_get_note (sv), "--lines"));
  g_assert_cmpuint (n_rows (table), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* a long file: its hot line far down is scrolled to, in the middle */
static void
test_source_long (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = NULL;
  LpWindow *window;
  GtkWidget *label, *table;
  graphene_rect_t bounds;

  for (guint i = 1; i <= 400; i++)
    g_string_append_printf (text, "line_%u ();\n", i);
  path = write_file ("long.c", text->str);
  window = open_report ("long.folded",
                        "main (long.c:10);work (long.c:300) 90\n"
                        "main (long.c:10);work (long.c:20) 10\n");
  lp_window_select_function (window, "work");
  show_view (window, "source");
  test_gui_spin (0.5);
  g_assert_cmpstr (lp_source_view_get_path (source_view (window)), ==, path);
  g_assert_cmpuint (lp_source_view_get_hottest (source_view (window)), ==, 300);
  /* line 300 is on the screen, inside the table; line 1 is not */
  table = GTK_WIDGET (lp_source_view_get_table (source_view (window)));
  label = test_gui_find_label (table, TEST_GUI_TEXT_IS, "line_300 ();");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_compute_bounds (label, table, &bounds));
  g_assert_cmpfloat (bounds.origin.y, >, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <, gtk_widget_get_height (table));
  g_assert_null (test_gui_find_label (table, TEST_GUI_TEXT_IS, "line_1 ();"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* a capture says where its source files were: found there, not by name */
static void
test_source_capture (void)
{
  g_autofree char *sub = g_build_filename (tmp_dir, "elsewhere", NULL);
  g_autofree char *path = g_build_filename (sub, "where.c", NULL);
  LpCapture *capture = lp_capture_new ();
  LpFolded *folded = lp_capture_get_folded (capture);
  g_autoptr(GError) error = NULL;
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  guint32 frames[2];
  guint thread;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "int\nmain (void)\n{\n  for (;;);\n}\n", -1, &error));
  lp_capture_get_info (capture)->has_times = TRUE;
  lp_capture_get_info (capture)->period = 0.001;
  thread = lp_capture_add_thread (capture, 10, 10, "main", 0);
  frames[0] = lp_folded_intern (folded, "_start", -1);
  frames[1] = lp_folded_intern (folded, "main (where.c:4)", -1);
  for (guint i = 0; i < 50; i++)
    g_assert_true (lp_capture_add_sample_frames (capture, i * 1000000, thread, frames, 2, 1, 0, &error));
  lp_capture_add_source (capture, "where.c", path);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_show_capture (window, capture, "where.laprof");
  g_assert_true (test_gui_spin_until (table_filled, window, 10));
  lp_window_select_function (window, "main");
  show_view (window, "source");
  g_assert_cmpstr (lp_source_view_get_path (source_view (window)), ==, path);
  g_assert_cmpuint (lp_source_view_get_hottest (source_view (window)), ==, 4);
  g_assert_cmpfloat (row_at (lp_source_view_get_table (source_view (window)), 3)->self, ==, 50);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (sub);
}

static void
test_source_missing (void)
{
  LpWindow *window = open_report ("missing.folded",
                                  "main (gone.c:12);work (gone.c:40) 7\n"
                                  "main (gone.c:12);work (gone.c:41) 3\n");
  LpSourceView *sv = source_view (window);
  GtkColumnView *table = lp_source_view_get_table (sv);

  lp_window_select_function (window, "work");
  show_view (window, "source");
  g_assert_null (lp_source_view_get_path (sv));
  g_assert_nonnull (strstr (lp_source_view_get_note (sv), "gone.c"));
  g_assert_nonnull (strstr (lp_source_view_get_note (sv), "is not on this machine"));
  /* the lines' samples anyway */
  g_assert_cmpuint (n_rows (table), ==, 2);
  g_assert_cmpuint (row_at (table, 0)->id, ==, 40);
  g_assert_cmpfloat (row_at (table, 0)->self, ==, 7);
  g_assert_cmpuint (lp_source_view_get_hottest (sv), ==, 40);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- a live recording: the table follows, twice a second at most ---- */

typedef struct
{
  LpWindow    *window;
  LpFunctions *last;
  guint        n_tables;
  gint64       last_time;
  gint64       min_interval;
  double       first_total, last_total;
} Watch;

static gboolean
watch_table (gpointer data)
{
  Watch *w = data;
  LpFunctions *now = lp_functions_view_get_functions (functions_view (w->window));
  gint64 t = g_get_monotonic_time ();

  if (now != NULL && now != w->last && lp_functions_get_total (now) > 0)
    {
      if (w->n_tables > 0)
        w->min_interval = MIN (w->min_interval, t - w->last_time);
      else
        w->first_total = lp_functions_get_total (now);
      w->last_total = lp_functions_get_total (now);
      w->last = now;
      w->last_time = t;
      w->n_tables++;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
enough_tables (gpointer data)
{
  return ((Watch *) data)->n_tables >= 4;
}

static gboolean
table_is_graph (gpointer data)
{
  LpFunctions *functions = lp_functions_view_get_functions (functions_view (data));
  LpFlameModel *model = lp_flame_view_get_model (lp_window_get_flame_view (data));

  return functions != NULL && model != NULL && lp_functions_get_total (functions) == lp_flame_model_get_total (model);
}

static void
test_live (void)
{
  g_autofree char *demo = lp_application_find_demo ();
  const char *argv[] = { demo, "--forever", "--scale", "0.3", NULL };
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  Watch w = { window, NULL, 0, 0, G_MAXINT64, 0, 0 };
  guint source;

  g_assert_nonnull (demo);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  lp_window_record_command (window, argv, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "functions");
  source = g_timeout_add (10, watch_table, &w);
  g_assert_true (test_gui_spin_until (enough_tables, &w, 30));
  g_test_message ("%u tables, %.0f then %.0f samples, %.3f s apart at least",
                  w.n_tables, w.first_total, w.last_total, w.min_interval / 1e6);
  /* it grows, and is made again no more than twice a second (the
   * throttle spaces the starts by 0.5 s; their ends vary a little) */
  g_assert_cmpfloat (w.last_total, >, w.first_total);
  g_assert_cmpint (w.min_interval, >=, 350000);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (test_gui_spin_until (test_gui_recorder_ended, window, 20));
  /* the last samples too: the table is the graph's */
  g_assert_true (test_gui_spin_until (table_is_graph, window, 5));
  test_gui_spin (0.2);
  check_table_against_graph (window);
  g_source_remove (source);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- a real recording with --lines ---- */

static void
test_record_lines (void)
{
  const char *target = g_getenv ("LAPROF_VIEWS_TARGET");
  g_autofree char *source_path = g_test_build_filename (G_TEST_DIST, "views-target.c", NULL);
  g_autofree char *source = NULL;
  g_autofree char *report_path = g_build_filename (tmp_dir, "recorded.folded", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *report = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint hot_line = 0;
  int status;
  LpWindow *window;
  LpSourceView *sv;

  g_assert_nonnull (target);
  g_assert_true (g_file_get_contents (source_path, &source, NULL, &error));
  lines = g_strsplit (source, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "/* HOT */") != NULL)
      hot_line = i + 1;
  g_assert_cmpuint (hot_line, >, 0);
  /* the source beside the report, as the user keeps it */
  copy = write_file ("views-target.c", source);
  {
    const char *argv[] = { g_getenv ("LAPROF_CLI"), "record", "--lines", "-q", "-F", "200",
                           "-o", report_path, "--", target, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (g_file_get_contents (report_path, &report, NULL, &error));
  g_test_message ("recorded: %.300s", report);
  window = open_report ("recorded.folded", report);
  sv = source_view (window);

  lp_window_select_function (window, "hot_loop");
  show_view (window, "source");
  g_assert_cmpstr (lp_source_view_get_path (sv), ==, copy);
  g_assert_null (lp_source_view_get_note (sv));
  g_assert_cmpuint (lp_source_view_get_hottest (sv), ==, hot_line);
  g_assert_cmpfloat (row_at (lp_source_view_get_table (sv), hot_line - 1)->self, >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- a long table shows its first rows, and all once scrolled or a row
 * beyond is selected ---- */

static void
test_long_table (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  LpWindow *window;
  GtkColumnView *table;
  GtkAdjustment *adjustment;

  /* 300 functions, f299 the costliest on its own, f000 the least but
   * main (none of its own) */
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (text, "main;f%03u %u\n", i, i + 1);
  window = open_report ("long.folded", text->str);
  table = lp_functions_view_get_table (functions_view (window));
  show_view (window, "functions");
  g_assert_cmpuint (n_rows (table), <, 301);
  g_assert_false (lp_functions_view_shows_all (functions_view (window)));
  g_assert_cmpstr (row_at (table, 0)->name, ==, "f299");
  g_assert_cmpstr (row_at (table, 1)->name, ==, "f298");

  /* the least costly, selected (as from the graph): its row is there */
  lp_functions_view_select (functions_view (window), "f000");
  test_gui_spin (0.3);
  g_assert_cmpuint (n_rows (table), ==, 301);
  g_assert_true (lp_functions_view_shows_all (functions_view (window)));
  g_assert_cmpstr (lp_functions_view_get_selected (functions_view (window)), ==, "f000");
  g_assert_cmpstr (row_at (table, 299)->name, ==, "f000");
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (table))), ==, 299);
  gtk_window_destroy (GTK_WINDOW (window));

  /* scrolled to the end of the rows shown: more, and all of them at last */
  window = open_report ("long.folded", text->str);
  table = lp_functions_view_get_table (functions_view (window));
  show_view (window, "functions");
  g_assert_false (lp_functions_view_shows_all (functions_view (window)));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table));
  for (guint i = 0; i < 10 && !lp_functions_view_shows_all (functions_view (window)); i++)
    {
      guint before = n_rows (table);

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
      test_gui_spin (0.3);
      g_assert_cmpuint (n_rows (table), >, before);
    }
  g_assert_true (lp_functions_view_shows_all (functions_view (window)));
  g_assert_cmpuint (n_rows (table), ==, 301);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- a long call tree: the first rows, the hottest path's end among
 * them, more as it is scrolled ---- */

static void
test_long_calltree (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) path = g_string_new ("main");
  LpWindow *window;
  LpCalltreeView *tree;
  GtkColumnView *table;
  GtkSingleSelection *selection;
  GListModel *all;
  GtkAdjustment *adjustment;

  /* a hot path 60 deep, main;p00;…;p59, with 5 cold callees beside each
   * of its functions: 361 rows with the path open */
  for (guint depth = 0; depth < 60; depth++)
    {
      for (guint k = 0; k < 5; k++)
        g_string_append_printf (text, "%s;c%02u_%u 1\n", path->str, depth, k);
      g_string_append_printf (path, ";p%02u", depth);
    }
  g_string_append_printf (text, "%s 1000\n", path->str);
  window = open_report ("long-tree.folded", text->str);
  tree = LP_CALLTREE_VIEW (lp_window_get_view_widget (window, "calltree"));
  table = lp_calltree_view_get_table (tree);
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (table));
  all = gtk_slice_list_model_get_model (GTK_SLICE_LIST_MODEL (gtk_single_selection_get_model (selection)));
  show_view (window, "calltree");
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 361);
  /* the path's end selected and shown, and not every row made */
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 60);
  g_assert_cmpstr (row_at (table, 60)->name, ==, "p59");
  g_assert_cmpuint (n_rows (table), >, 60);
  g_assert_cmpuint (n_rows (table), <, 100);

  /* scrolled to the end of the rows shown: more, and all of them at last */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table));
  for (guint i = 0; i < 10 && n_rows (table) < 361; i++)
    {
      guint before = n_rows (table);

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
      test_gui_spin (0.3);
      g_assert_cmpuint (n_rows (table), >, before);
    }
  g_assert_cmpuint (n_rows (table), ==, 361);
  /* the last: one of main's own cold callees */
  g_assert_true (g_str_has_prefix (row_at (table, 360)->name, "c00_"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* the keyboard: the first row closed, opened, and opened whole */
  window = open_report ("long-tree.folded", text->str);
  tree = LP_CALLTREE_VIEW (lp_window_get_view_widget (window, "calltree"));
  table = lp_calltree_view_get_table (tree);
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (table));
  show_view (window, "calltree");
  close_and_open_first_row (window, table, selection);
  g_assert_cmpuint (n_rows (table), ==, 7);   /* main and its six callees */
  /* everything open: the rows a screen shows, the rest there to scroll to */
  x_key (GTK_WIDGET (window), "asterisk");
  all = gtk_slice_list_model_get_model (GTK_SLICE_LIST_MODEL (gtk_single_selection_get_model (selection)));
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 361);
  g_assert_cmpuint (n_rows (table), <, 361);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the rows sorted in C are in the order of the table's own sorting ---- */

static void
test_presort (void)
{
  g_autoptr(GtkWidget) table_box = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  GtkColumnView *table;
  GListModel *columns;

  table_box = g_object_ref_sink (lp_view_row_new_table (&table));
  lp_view_row_add_name_column (table, "Function", FALSE);
  lp_view_row_add_count_column (table, "Self", LP_VIEW_COLUMN_SELF, FALSE);
  lp_view_row_add_count_column (table, "Self %", LP_VIEW_COLUMN_SELF_PERCENT, FALSE);
  lp_view_row_add_count_column (table, "Total", LP_VIEW_COLUMN_TOTAL, FALSE);
  lp_view_row_add_count_column (table, "Total %", LP_VIEW_COLUMN_TOTAL_PERCENT, FALSE);
  /* few distinct counts: many ties, ordered by name */
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", g_rand_int_range (rand, 0, 1000000));
      double self = g_rand_int_range (rand, 0, 20);

      g_ptr_array_add (rows, lp_view_row_new (name, self, self + g_rand_int_range (rand, 0, 20), 100, i));
    }
  columns = gtk_column_view_get_columns (table);
  for (guint c = 0; c < g_list_model_get_n_items (columns); c++)
    for (int order = GTK_SORT_ASCENDING; order <= GTK_SORT_DESCENDING; order++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, c);
        g_autoptr(GListStore) store = g_list_store_new (LP_TYPE_VIEW_ROW);
        g_autoptr(GtkSortListModel) sorted = NULL;
        g_autoptr(GPtrArray) mine = g_ptr_array_copy (rows, NULL, NULL);

        /* a second column first, so that the sorter has two */
        gtk_column_view_sort_by_column (table, g_list_model_get_item (columns, (c + 1) % 5), GTK_SORT_ASCENDING);
        g_object_unref (g_list_model_get_item (columns, (c + 1) % 5));
        gtk_column_view_sort_by_column (table, column, order);
        g_list_store_splice (store, 0, 0, rows->pdata, rows->len);
        /* a copy keeps the free function: the rows stay the test's */
        g_ptr_array_set_free_func (mine, NULL);
        sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (store)),
                                          g_object_ref (gtk_column_view_get_sorter (table)));
        lp_view_row_sort (table, mine);
        for (guint i = 0; i < rows->len; i++)
          {
            g_autoptr(LpViewRow) row = g_list_model_get_item (G_LIST_MODEL (sorted), i);

            if (row != g_ptr_array_index (mine, i))
              g_error ("column %u, %s: row %u is %s (%g, %g) in GTK's order, %s (%g, %g) in C's", c,
                       order == GTK_SORT_ASCENDING ? "ascending" : "descending", i, row->name, row->self,
                       row->total, LP_VIEW_ROW (g_ptr_array_index (mine, i))->name,
                       LP_VIEW_ROW (g_ptr_array_index (mine, i))->self,
                       LP_VIEW_ROW (g_ptr_array_index (mine, i))->total);
          }
      }
}

int
main (int    argc,
      char **argv)
{
  int status;

  app = test_gui_init (&argc, &argv);
  tmp_dir = g_dir_make_tmp ("laprof-views-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/gui/views/switch", test_switch);
  g_test_add_func ("/gui/views/presort", test_presort);
  g_test_add_func ("/gui/views/long-table", test_long_table);
  g_test_add_func ("/gui/views/numbers", test_numbers);
  g_test_add_func ("/gui/views/select", test_select);
  g_test_add_func ("/gui/views/callers", test_callers);
  g_test_add_func ("/gui/views/calltree", test_calltree);
  g_test_add_func ("/gui/views/long-calltree", test_long_calltree);
  g_test_add_func ("/gui/views/source", test_source);
  g_test_add_func ("/gui/views/source-long", test_source_long);
  g_test_add_func ("/gui/views/source-capture", test_source_capture);
  g_test_add_func ("/gui/views/source-missing", test_source_missing);
  g_test_add_func ("/gui/views/live", test_live);
  g_test_add_func ("/gui/views/record-lines", test_record_lines);
  status = g_test_run ();

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GFile) dir = g_file_new_for_path (tmp_dir);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, &error);
    GFileInfo *info;

    while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmp_dir, g_file_info_get_name (info), NULL);
        g_unlink (p);
        g_object_unref (info);
      }
    g_rmdir (tmp_dir);
  }
  g_free (tmp_dir);
  g_object_unref (app);
  return status;
}
