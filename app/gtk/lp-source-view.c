/* lp-source-view.c: a function's source file with the samples of each line (see lp-source-view.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lp-source-view.h"
#include "lp-view-row.h"

/* a larger file is not read (it is no source file) */
#define MAX_SOURCE_SIZE (16 * 1024 * 1024)
/* lines shown before the hottest when it is scrolled to */
#define CONTEXT_LINES 8

struct _LpSourceView
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkLabel           *heading;
  GtkLabel           *note;
  GtkColumnView      *table;
  GtkSingleSelection *selection;
  GListStore         *store;

  char               *path;
  char               *note_text;
  guint               hottest;
  double              max_total;   /* of a line: the heat's scale */
  guint               scroll_to;   /* the row to scroll to + 1, or 0 */
  guint               scroll_wait; /* frames waited for it */
  guint               scroll_tick;
};

G_DEFINE_FINAL_TYPE (LpSourceView, lp_source_view, GTK_TYPE_WIDGET)

char *
lp_source_view_find_file (const char         *file,
                          LpCapture          *capture,
                          const char * const *dirs)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (file != NULL, NULL);

  if (capture != NULL)
    {
      const char *recorded = lp_capture_find_source (capture, file);
      if (recorded != NULL && g_file_test (recorded, G_FILE_TEST_IS_REGULAR))
        return g_strdup (recorded);
    }
  if (g_path_is_absolute (file) && g_file_test (file, G_FILE_TEST_IS_REGULAR))
    return g_strdup (file);
  base = g_path_get_basename (file);
  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], file, NULL);
      g_autofree char *path_base = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
      path_base = g_build_filename (dirs[i], base, NULL);
      if (g_file_test (path_base, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path_base);
    }
  return NULL;
}

/* Cells */

static void
heat_classes (LpSourceView *self,
              GtkWidget    *widget,
              LpViewRow    *row)
{
  double heat = self->max_total > 0 ? row->total / self->max_total : 0;

  gtk_widget_remove_css_class (widget, "hot");
  gtk_widget_remove_css_class (widget, "warm");
  if (heat >= 0.5)
    gtk_widget_add_css_class (widget, "hot");
  else if (row->total > 0)
    gtk_widget_add_css_class (widget, "warm");
}

static void
label_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  source)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), source != NULL ? 0 : 1);
  gtk_widget_add_css_class (label, source != NULL ? "monospace" : "numeric");
  gtk_list_item_set_child (item, label);
}

static void
line_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              LpSourceView             *self)
{
  LpViewRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  char text[16];

  g_snprintf (text, sizeof text, "%u", row->id);
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_add_css_class (label, "dim-label");
}

static void
count_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               LpSourceView             *self)
{
  LpViewRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  gboolean self_column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "self"));
  double count = self_column ? row->self : row->total;
  g_autofree char *text = count > 0 ? lp_view_row_format_count (count) : g_strdup ("");

  gtk_label_set_text (GTK_LABEL (label), text);
  heat_classes (self, label, row);
}

static void
source_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                LpSourceView             *self)
{
  LpViewRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), row->text != NULL ? row->text : "");
  heat_classes (self, label, row);
}

static void
add_column (LpSourceView *self,
            const char   *title,
            GCallback     bind,
            gboolean      source,
            int           width,
            gboolean      self_column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "self", GINT_TO_POINTER (self_column));
  g_signal_connect (factory, "setup", G_CALLBACK (label_setup_cb), source ? self : NULL);
  g_signal_connect (factory, "bind", bind, self);
  column = gtk_column_view_column_new (title, factory);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (column, width);
  gtk_column_view_column_set_expand (column, source);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->table, column);
  g_object_unref (column);
}

/* Showing a function */

static void
set_note (LpSourceView *self,
          char         *note)
{
  g_free (self->note_text);
  self->note_text = note;
  gtk_label_set_text (self->note, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note), note != NULL);
}

/* the file of @lines with the most samples */
static const char *
hottest_file (GArray *lines)
{
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *best = NULL;
  double best_sum = -1;

  for (guint i = 0; i < lines->len; i++)
    {
      const LpFunctionLine *l = &g_array_index (lines, LpFunctionLine, i);
      double *sum = g_hash_table_lookup (sums, l->file);

      if (sum == NULL)
        {
          sum = g_new0 (double, 1);
          g_hash_table_insert (sums, (gpointer) l->file, sum);
        }
      *sum += l->total;
      if (*sum > best_sum)
        {
          best_sum = *sum;
          best = l->file;
        }
    }
  return best;
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  LpSourceView *self = data;

  /* a frame after the rows came: they are laid out */
  if (self->scroll_wait++ < 1)
    return G_SOURCE_CONTINUE;
  if (self->scroll_to > 0)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
      guint row = self->scroll_to - 1;

      /* the lines before it first, then it: it shows with the lines
       * that lead to it (GTK 4.8 puts a far row at the top, a near one
       * just inside the edge) */
      lp_view_row_scroll_to (self->table, row > CONTEXT_LINES ? row - CONTEXT_LINES : 0);
      lp_view_row_scroll_to (self->table, MIN (row, n - 1));
    }
  self->scroll_to = 0;
  self->scroll_wait = 0;
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
fill (LpSourceView *self,
      const char   *file,
      GArray       *lines,
      const char   *contents)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_line = g_hash_table_new (NULL, NULL);
  double hottest_total = -1;

  self->hottest = 0;
  self->max_total = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      const LpFunctionLine *l = &g_array_index (lines, LpFunctionLine, i);

      if (strcmp (l->file, file) != 0)
        continue;
      g_hash_table_insert (by_line, GUINT_TO_POINTER (l->line), (gpointer) l);
      if (l->total > hottest_total)
        {
          hottest_total = l->total;
          self->hottest = l->line;
        }
      self->max_total = MAX (self->max_total, l->total);
    }

  if (contents != NULL)
    {
      g_auto(GStrv) text = g_strsplit (contents, "\n", -1);
      guint n = g_strv_length (text);

      /* a final newline ends the last line; it starts none */
      if (n > 0 && text[n - 1][0] == '\0')
        n--;
      for (guint i = 0; i < n; i++)
        {
          const LpFunctionLine *l = g_hash_table_lookup (by_line, GUINT_TO_POINTER (i + 1));
          LpViewRow *row = lp_view_row_new ("", l ? l->self : 0, l ? l->total : 0, 0, i + 1);

          g_auto(GStrv) tabs = g_strsplit (g_strchomp (text[i]), "\t", -1);

          /* a label has no tab stops: four spaces a tab */
          row->text = g_strjoinv ("    ", tabs);
          g_ptr_array_add (rows, row);
        }
    }
  else
    for (guint i = 0; i < lines->len; i++)
      {
        const LpFunctionLine *l = &g_array_index (lines, LpFunctionLine, i);
        if (strcmp (l->file, file) == 0)
          g_ptr_array_add (rows, lp_view_row_new ("", l->self, l->total, 0, l->line));
      }
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       rows->pdata, rows->len);

  for (guint i = 0; i < rows->len; i++)
    if (LP_VIEW_ROW (rows->pdata[i])->id == self->hottest)
      {
        gtk_single_selection_set_selected (self->selection, i);
        /* scrolled once the list has its rows laid out: GTK 4.8's list,
         * told to scroll before, shows the first row only */
        self->scroll_to = i + 1;
        if (self->scroll_tick == 0)
          self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->table), scroll_tick_cb, self, NULL);
        break;
      }
}

void
lp_source_view_show (LpSourceView       *self,
                     const LpFunctions  *functions,
                     guint               index,
                     LpCapture          *capture,
                     const char * const *dirs)
{
  g_autoptr(GArray) lines = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *heading = NULL;
  const char *name, *file;
  gsize length = 0;

  g_return_if_fail (LP_IS_SOURCE_VIEW (self));

  g_clear_pointer (&self->path, g_free);
  g_list_store_remove_all (self->store);
  self->hottest = 0;
  if (functions == NULL || index == LP_FUNCTIONS_NONE)
    {
      gtk_label_set_text (self->heading, _("No function selected"));
      set_note (self, g_strdup (_("Select a function (in the graph, the functions or the call tree) to see the samples of its source lines.")));
      return;
    }
  name = lp_functions_get (functions, index)->name;
  lines = lp_functions_get_lines (functions, index);
  if (lines->len == 0)
    {
      gtk_label_set_text (self->heading, name);
      set_note (self, g_strdup (_("This report has no source lines: record with --lines (laprof-cli record --lines) to see the samples of each line.")));
      return;
    }
  file = hottest_file (lines);
  self->path = lp_source_view_find_file (file, capture, dirs);
  if (self->path != NULL &&
      !(g_file_get_contents (self->path, &contents, &length, NULL) && length <= MAX_SOURCE_SIZE &&
        g_utf8_validate (contents, length, NULL)))
    {
      g_clear_pointer (&contents, g_free);
      g_clear_pointer (&self->path, g_free);
    }
  /* TRANSLATORS: the heading of the source view: a function, its file */
  heading = g_strdup_printf (_("%s · %s"), name, self->path != NULL ? self->path : file);
  gtk_label_set_text (self->heading, heading);
  if (self->path == NULL)
    set_note (self, g_strdup_printf (_("“%s” is not on this machine: the lines’ samples are listed below."), file));
  else
    set_note (self, NULL);
  fill (self, file, lines, contents);
}

const char *
lp_source_view_get_path (LpSourceView *self)
{
  return self->path;
}

const char *
lp_source_view_get_note (LpSourceView *self)
{
  return self->note_text;
}

GtkColumnView *
lp_source_view_get_table (LpSourceView *self)
{
  return self->table;
}

guint
lp_source_view_get_hottest (LpSourceView *self)
{
  return self->hottest;
}

static void
lp_source_view_dispose (GObject *object)
{
  LpSourceView *self = LP_SOURCE_VIEW (object);

  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->table), self->scroll_tick);
  self->scroll_tick = 0;
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (lp_source_view_parent_class)->dispose (object);
}

static void
lp_source_view_finalize (GObject *object)
{
  LpSourceView *self = LP_SOURCE_VIEW (object);

  g_clear_object (&self->store);
  g_free (self->path);
  g_free (self->note_text);
  G_OBJECT_CLASS (lp_source_view_parent_class)->finalize (object);
}

static void
lp_source_view_class_init (LpSourceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lp_source_view_dispose;
  object_class->finalize = lp_source_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sourcelines");
}

static void
lp_source_view_init (LpSourceView *self)
{
  GtkWidget *scrolled = lp_view_row_new_table (&self->table);
  static GtkCssProvider *css;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->heading = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->heading, 0);
  gtk_label_set_ellipsize (self->heading, PANGO_ELLIPSIZE_START);
  gtk_label_set_selectable (self->heading, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->heading), "heading");
  self->note = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->note, 0);
  gtk_label_set_wrap (self->note, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->note), "dim-label");
  for (GtkWidget *w = GTK_WIDGET (self->heading); w != NULL;
       w = w == GTK_WIDGET (self->heading) ? GTK_WIDGET (self->note) : NULL)
    {
      gtk_widget_set_margin_start (w, 12);
      gtk_widget_set_margin_end (w, 12);
      gtk_widget_set_margin_top (w, 6);
      gtk_widget_set_margin_bottom (w, 6);
      gtk_box_append (GTK_BOX (self->box), w);
    }
  gtk_box_append (GTK_BOX (self->box), scrolled);

  add_column (self, _("Line"), G_CALLBACK (line_bind_cb), FALSE, 64, FALSE);
  add_column (self, _("Self"), G_CALLBACK (count_bind_cb), FALSE, 80, TRUE);
  add_column (self, _("Total"), G_CALLBACK (count_bind_cb), FALSE, 80, FALSE);
  add_column (self, _("Source"), G_CALLBACK (source_bind_cb), TRUE, 0, FALSE);
  self->store = g_list_store_new (LP_TYPE_VIEW_ROW);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (self->selection);

  /* hot lines: the warmer, the more orange (the graph's hot palette) */
  if (css == NULL)
    {
      css = gtk_css_provider_new ();
      gtk_css_provider_load_from_data (css,
                                       "sourcelines label.warm { background-color: alpha(#f5a623, 0.18); }\n"
                                       "sourcelines label.hot { background-color: alpha(#e8590c, 0.35); font-weight: bold; }\n",
                                       -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  lp_source_view_show (self, NULL, LP_FUNCTIONS_NONE, NULL, NULL);
}

GtkWidget *
lp_source_view_new (void)
{
  return g_object_new (LP_TYPE_SOURCE_VIEW, NULL);
}
