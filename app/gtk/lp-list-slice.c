/* lp-list-slice.c: a long list's rows shown a slice at a time (see lp-list-slice.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lp-list-slice.h"

void
lp_list_slice_show_all (GtkSliceListModel *slice)
{
  if (gtk_slice_list_model_get_size (slice) != G_MAXUINT)
    gtk_slice_list_model_set_size (slice, G_MAXUINT);
}

void
lp_list_slice_start (GtkSliceListModel *slice,
                     guint              rows)
{
  gtk_slice_list_model_set_size (slice, rows);
}

void
lp_list_slice_reveal (GtkSliceListModel *slice,
                      guint              position,
                      guint              after)
{
  guint size = gtk_slice_list_model_get_size (slice);

  if (position < size || size == G_MAXUINT)
    return;
  if (position + after >= LP_LIST_SLICE_ALL_AT)
    lp_list_slice_show_all (slice);
  else
    gtk_slice_list_model_set_size (slice, position + after + 1);
}

gboolean
lp_list_slice_shows_all (GtkSliceListModel *slice)
{
  return g_list_model_get_n_items (gtk_slice_list_model_get_model (slice)) <=
         gtk_slice_list_model_get_size (slice);
}

static void
scrolled_cb (GtkAdjustment     *adjustment,
             GtkSliceListModel *slice)
{
  double page = gtk_adjustment_get_page_size (adjustment);
  guint size = gtk_slice_list_model_get_size (slice);

  /* within a page of the end: more */
  if (size != G_MAXUINT && page > 0 &&
      gtk_adjustment_get_value (adjustment) + 2 * page >= gtk_adjustment_get_upper (adjustment) &&
      gtk_adjustment_get_upper (adjustment) > page)
    {
      if (size + LP_LIST_SLICE_MORE >= LP_LIST_SLICE_ALL_AT)
        lp_list_slice_show_all (slice);
      else
        gtk_slice_list_model_set_size (slice, size + LP_LIST_SLICE_MORE);
    }
}

static void
adjustment_cb (GtkColumnView     *view,
               GParamSpec        *pspec,
               GtkSliceListModel *slice)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  if (adjustment != NULL)
    g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scrolled_cb), slice, 0);
}

GtkSliceListModel *
lp_list_slice_new (GListModel    *model,
                   GtkColumnView *view)
{
  GtkSliceListModel *slice = gtk_slice_list_model_new (model, 0, G_MAXUINT);

  g_signal_connect_object (view, "notify::vadjustment", G_CALLBACK (adjustment_cb), slice, 0);
  adjustment_cb (view, NULL, slice);
  return slice;
}
