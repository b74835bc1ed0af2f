/* lp-flame-view.c: a custom-drawn, scrollable flame graph over render/.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lp-flame-view-private.h"
#include "lp-functions.h"

enum
{
  PROP_0,
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum
{
  ZOOM_CHANGED,
  FOCUS_REQUESTED,
  HIDE_REQUESTED,
  HOVER_CHANGED,
  FRAME_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (LpFlameView, lp_flame_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

/* TRUE if GTK shows a tooltip over this widget's window now: GTK parents
 * its tooltip window to the toplevel and has no call to ask */
static gboolean
tooltip_shown (LpFlameView *self)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));

  if (root == NULL)
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_NATIVE (child) && gtk_widget_get_mapped (child) &&
        g_str_equal (G_OBJECT_TYPE_NAME (child), "GtkTooltipWindow"))
      return TRUE;
  return FALSE;
}

static void
invalidate (LpFlameView *self)
{
  g_clear_pointer (&self->layout, lp_flame_layout_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* a tooltip under a still pointer tells of the graph as it is now, also
   * while a live recording grows it; only one that is up: asking while
   * none is would restart GTK's delay, and none would ever come */
  if (self->pointer_inside && tooltip_shown (self))
    gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

/* the frames of the marked function, per frame of the model's names (made
 * again when the model changed or has new names), or NULL */
static const guint8 *
current_marks (LpFlameView *self)
{
  const LpFolded *names;
  guint n;

  if (self->function == NULL || self->model == NULL)
    return NULL;
  names = lp_flame_model_get_names (self->model);
  n = lp_folded_get_n_frames (names);
  if (self->marks == NULL || self->marks_model != self->model || self->n_marks != n)
    {
      g_autoptr(GString) buf = g_string_new (NULL);

      g_free (self->marks);
      self->marks = g_new0 (guint8, MAX (n, 1));
      for (guint f = 0; f < n; f++)
        self->marks[f] = g_str_equal (lp_functions_name_of_frame (lp_folded_frame_name (names, f), buf),
                                      self->function);
      self->marks_model = self->model;
      self->n_marks = n;
    }
  return self->marks;
}

/* the search or the marked function changed: the layout is marked again
 * in place, none of its frames moves */
static void
remark (LpFlameView *self)
{
  if (self->layout != NULL)
    lp_flame_layout_mark (self->layout, self->model, self->search, current_marks (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->pointer_inside && tooltip_shown (self))
    gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

static void
update_adjustments (LpFlameView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double content = self->layout != NULL ? self->layout->height : 0;
  double value;

  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, 1, width, width);
  if (self->vadjustment == NULL)
    return;

  value = gtk_adjustment_get_value (self->vadjustment);
  /* a flame grows upwards: start at the bottom, where the root is */
  if (!self->scrolled_once && !self->icicle && content > height)
    {
      value = content - height;
      self->scrolled_once = TRUE;
    }
  gtk_adjustment_configure (self->vadjustment, CLAMP (value, 0, MAX (content - height, 0)),
                            0, MAX (content, height), ROW_HEIGHT, height * 0.9, height);
}

const LpFlameLayout *
lp_flame_view_get_layout (LpFlameView *self)
{
  g_return_val_if_fail (LP_IS_FLAME_VIEW (self), NULL);

  if (self->model == NULL)
    return NULL;
  if (self->layout == NULL)
    {
      LpFlameLayoutParams params = { 0 };

      params.width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
      params.row_height = ROW_HEIGHT;
      params.min_width = MIN_WIDTH;
      params.zoom = self->zoom;
      params.order = self->order;
      params.icicle = self->icicle;
      params.search = self->search;
      params.marks = current_marks (self);
      self->layout = lp_flame_layout_new (self->model, &params);
      update_adjustments (self);
    }
  return self->layout;
}

/* the graph's top in widget coordinates */
static double
graph_top (LpFlameView *self)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);

  if (layout == NULL)
    return 0;
  if (layout->height <= height)
    return self->icicle ? 0 : height - layout->height;
  return -(self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0);
}

double
lp_flame_view_graph_to_widget_y (LpFlameView *self,
                                 double       y)
{
  return y + graph_top (self);
}

const LpFlameRect *
lp_flame_view_rect_at (LpFlameView *self,
                       double       x,
                       double       y)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);

  if (layout == NULL)
    return NULL;
  return lp_flame_layout_hit (layout, x, y - graph_top (self));
}

static void
lp_flame_view_state_flags_changed (GtkWidget     *widget,
                                   GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  GTK_WIDGET_CLASS (lp_flame_view_parent_class)->state_flags_changed (widget, previous);
  if (changed & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE | GTK_STATE_FLAG_FOCUS_WITHIN))
    gtk_widget_queue_draw (widget);
}

/* The graph is drawn as GTK's own colour and text nodes, not one cairo
 * node, and its names on whole pixels: with GTK's cairo renderer on X11
 * either of the two sent the frame through a client-side image, which
 * stalled the first return to the graph from another view 24-54 ms
 * (bench-gui-views; 11-15 ms so, before lp-malloc.c); GTK's GL renderer
 * draws such nodes itself. */
typedef struct
{
  GtkSnapshot *snapshot;
  double       top;   /* the graph's top in widget coordinates */
} SnapshotPainter;

static void
snapshot_fill (gpointer data,
               double   x,
               double   y,
               double   width,
               double   height,
               LpRgb    color,
               double   alpha)
{
  SnapshotPainter *p = data;
  GdkRGBA rgba = { color.r / 255.0f, color.g / 255.0f, color.b / 255.0f, alpha };

  gtk_snapshot_append_color (p->snapshot, &rgba, &GRAPHENE_RECT_INIT (x, y + p->top, width, height));
}

static void
snapshot_outline (gpointer data,
                  double   x,
                  double   y,
                  double   width,
                  double   height)
{
  SnapshotPainter *p = data;
  GdkRGBA black = { 0, 0, 0, 1 };
  GskRoundedRect outline;

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x, y + p->top, width, height), 0);
  gtk_snapshot_append_border (p->snapshot, &outline, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { black, black, black, black });
}

static void
snapshot_text (gpointer     data,
               PangoLayout *text,
               double       x,
               double       y)
{
  SnapshotPainter *p = data;
  GdkRGBA black = { 0, 0, 0, 1 };

  gtk_snapshot_save (p->snapshot);
  gtk_snapshot_translate (p->snapshot, &GRAPHENE_POINT_INIT (round (x), round (y + p->top)));
  gtk_snapshot_append_layout (p->snapshot, text, &black);
  gtk_snapshot_restore (p->snapshot);
}

static void
lp_flame_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  static const LpFlamePainter painter = { snapshot_fill, snapshot_outline, snapshot_text };
  LpFlameView *self = LP_FLAME_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);
  g_autoptr(PangoLayout) text = NULL;
  SnapshotPainter p = { snapshot, graph_top (self) };
  LpFlameDrawParams params;

  if (layout == NULL || width <= 0 || height <= 0)
    return;

  text = gtk_widget_create_pango_layout (widget, NULL);
  lp_flame_draw_params_init (&params);
  params.palette = self->palette;
  params.hover_node = self->hover_node;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  lp_flame_draw_with (text, 0, -p.top, width, height - p.top, self->model, layout, &params, &painter, &p);
  gtk_snapshot_pop (snapshot);
  _lp_flame_view_keys_snapshot (self, snapshot);
}

static void
lp_flame_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  LpFlameView *self = LP_FLAME_VIEW (widget);

  /* a new width is a new layout; a new height only moves it */
  if (self->layout != NULL && self->layout->width != width)
    g_clear_pointer (&self->layout, lp_flame_layout_free);
  lp_flame_view_get_layout (self);
  update_adjustments (self);
  gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
lp_flame_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 1000 : 600;
}

char *
lp_flame_view_describe (LpFlameView       *self,
                        const LpFlameRect *rect)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);
  double total = lp_flame_model_get_total (self->model);
  const char *name = rect->frame == LP_FLAME_NO_FRAME ? _("all") : lp_flame_model_node_name (self->model, rect->node);
  g_autofree char *samples = lp_flame_picture_format_count (rect->samples);
  g_autofree char *self_samples = lp_flame_picture_format_count (rect->self_samples);
  GString *text = g_string_new (name);

  g_string_append_c (text, '\n');
  g_string_append_printf (text, g_dngettext (NULL, "%s sample", "%s samples", (gulong) rect->samples), samples);
  g_string_append_printf (text, _(" · %.2f%% of all"), total > 0 ? 100.0 * rect->samples / total : 0);
  if (layout != NULL && layout->zoom != LP_FLAME_ROOT && layout->total > 0)
    g_string_append_printf (text, _(" · %.2f%% of the zoom"), 100.0 * rect->samples / layout->total);
  g_string_append_printf (text, _("\nself: %s (%.2f%%)"), self_samples,
                          total > 0 ? 100.0 * rect->self_samples / total : 0);
  if (lp_flame_model_get_flags (self->model) & LP_FLAME_MODEL_DIFFERENTIAL)
    g_string_append_printf (text, _("\nchange: %+.0f"), rect->delta);
  return g_string_free (text, FALSE);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  LpFlameView *self = LP_FLAME_VIEW (widget);
  const LpFlameRect *rect = lp_flame_view_rect_at (self, x, y);
  g_autofree char *text = NULL;

  if (rect == NULL)
    return FALSE;
  text = lp_flame_view_describe (self, rect);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           LpFlameView              *self)
{
  const LpFlameRect *rect = lp_flame_view_rect_at (self, x, y);
  guint32 node = rect != NULL ? rect->node : LP_FLAME_NO_NODE;

  self->pointer_inside = TRUE;
  if (node != self->hover_node)
    {
      self->hover_node = node;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_signal_emit (self, signals[HOVER_CHANGED], 0, node);
    }
}

static void
leave_cb (GtkEventControllerMotion *motion,
          LpFlameView              *self)
{
  self->pointer_inside = FALSE;
  if (self->hover_node != LP_FLAME_NO_NODE)
    {
      self->hover_node = LP_FLAME_NO_NODE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_signal_emit (self, signals[HOVER_CHANGED], 0, LP_FLAME_NO_NODE);
    }
}

void
lp_flame_view_set_zoom (LpFlameView *self,
                        guint32      node)
{
  g_return_if_fail (LP_IS_FLAME_VIEW (self));

  if (node == self->zoom)
    return;
  g_array_append_val (self->history, self->zoom);
  self->zoom = node;
  invalidate (self);
  g_signal_emit (self, signals[ZOOM_CHANGED], 0);
}

guint32
lp_flame_view_get_zoom (LpFlameView *self)
{
  return self->zoom;
}

gboolean
lp_flame_view_zoom_back (LpFlameView *self)
{
  g_return_val_if_fail (LP_IS_FLAME_VIEW (self), FALSE);

  if (self->history->len == 0)
    return FALSE;
  self->zoom = g_array_index (self->history, guint32, self->history->len - 1);
  g_array_set_size (self->history, self->history->len - 1);
  invalidate (self);
  g_signal_emit (self, signals[ZOOM_CHANGED], 0);
  return TRUE;
}

void
lp_flame_view_reset_zoom (LpFlameView *self)
{
  g_return_if_fail (LP_IS_FLAME_VIEW (self));

  if (self->zoom == LP_FLAME_ROOT && self->history->len == 0)
    return;
  g_array_set_size (self->history, 0);
  self->zoom = LP_FLAME_ROOT;
  invalidate (self);
  g_signal_emit (self, signals[ZOOM_CHANGED], 0);
}

void
_lp_flame_view_activate (LpFlameView *self,
                         guint32      node)
{
  /* the handler may mark frames: a new layout, and the rectangle of
   * @node gone */
  g_signal_emit (self, signals[FRAME_ACTIVATED], 0, node);
  lp_flame_view_set_zoom (self, node);
}

void
_lp_flame_view_popup_menu (LpFlameView *self,
                           guint32      node,
                           int          x,
                           int          y)
{
  GdkRectangle where = { x, y, 1, 1 };

  self->menu_node = node;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &where);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
click_cb (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          LpFlameView     *self)
{
  const LpFlameRect *rect = lp_flame_view_rect_at (self, x, y);
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (rect == NULL)
    return;

  if (button == GDK_BUTTON_SECONDARY)
    _lp_flame_view_popup_menu (self, rect->node, (int) x, (int) y);
  else
    _lp_flame_view_activate (self, rect->node);
}

/* The frame's stack from the root, one name a line */
static char *
stack_text (LpFlameView *self,
            guint32      node)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GString *text = g_string_new (NULL);

  for (guint32 n = node; n != LP_FLAME_NO_NODE && n != LP_FLAME_ROOT;
       n = lp_flame_model_get_node (self->model, n)->parent)
    g_ptr_array_add (names, (gpointer) lp_flame_model_node_name (self->model, n));
  for (guint i = names->len; i > 0; i--)
    g_string_append_printf (text, "%s\n", (const char *) names->pdata[i - 1]);
  return g_string_free (text, FALSE);
}

static void
copy_name_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LpFlameView *self = LP_FLAME_VIEW (widget);

  if (self->model == NULL || self->menu_node == LP_FLAME_NO_NODE || self->menu_node == LP_FLAME_ROOT)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          lp_flame_model_node_name (self->model, self->menu_node));
}

static void
copy_stack_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LpFlameView *self = LP_FLAME_VIEW (widget);
  g_autofree char *text = NULL;

  if (self->model == NULL || self->menu_node == LP_FLAME_NO_NODE)
    return;
  text = stack_text (self, self->menu_node);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
focus_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LpFlameView *self = LP_FLAME_VIEW (widget);
  const LpFlameNode *node;

  if (self->model == NULL || self->menu_node == LP_FLAME_NO_NODE || self->menu_node == LP_FLAME_ROOT)
    return;
  node = lp_flame_model_get_node (self->model, self->menu_node);
  g_signal_emit (self, signals[g_str_equal (action_name, "flame.hide") ? HIDE_REQUESTED : FOCUS_REQUESTED],
                 0, node->frame);
}

guint32
lp_flame_view_get_cursor (LpFlameView *self)
{
  return self->hover_node;
}

gboolean
lp_flame_view_set_search (LpFlameView  *self,
                          const char   *pattern,
                          gboolean      ignore_case,
                          GError      **error)
{
  GRegex *regex = NULL;

  g_return_val_if_fail (LP_IS_FLAME_VIEW (self), FALSE);

  if (pattern != NULL && pattern[0] != '\0')
    {
      regex = g_regex_new (pattern, G_REGEX_OPTIMIZE | (ignore_case ? G_REGEX_CASELESS : 0), 0, error);
      if (regex == NULL)
        return FALSE;
    }
  g_clear_pointer (&self->search, g_regex_unref);
  self->search = regex;
  g_clear_pointer (&self->function, g_free);
  remark (self);
  return TRUE;
}

void
lp_flame_view_mark_function (LpFlameView *self,
                             const char  *function)
{
  g_return_if_fail (LP_IS_FLAME_VIEW (self));

  if (g_strcmp0 (function, self->function) == 0 && self->search == NULL)
    return;
  g_clear_pointer (&self->search, g_regex_unref);
  g_free (self->function);
  self->function = g_strdup (function);
  g_clear_pointer (&self->marks, g_free);
  remark (self);
}

double
lp_flame_view_get_matched (LpFlameView *self)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);

  if (layout == NULL || (self->search == NULL && self->function == NULL) || layout->total <= 0)
    return -1;
  return layout->matched / layout->total;
}

void
lp_flame_view_set_model (LpFlameView  *self,
                         LpFlameModel *model)
{
  g_return_if_fail (LP_IS_FLAME_VIEW (self));

  self->model = model;
  self->zoom = LP_FLAME_ROOT;
  self->hover_node = LP_FLAME_NO_NODE;
  self->menu_node = LP_FLAME_NO_NODE;
  self->scrolled_once = FALSE;
  g_array_set_size (self->history, 0);
  invalidate (self);
  g_signal_emit (self, signals[ZOOM_CHANGED], 0);
}

LpFlameModel *
lp_flame_view_get_model (LpFlameView *self)
{
  return self->model;
}

void
lp_flame_view_model_changed (LpFlameView *self)
{
  g_return_if_fail (LP_IS_FLAME_VIEW (self));
  invalidate (self);
}

void
lp_flame_view_set_icicle (LpFlameView *self,
                          gboolean     icicle)
{
  self->icicle = !!icicle;
  self->scrolled_once = FALSE;
  if (self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, 0);
  invalidate (self);
}

void
lp_flame_view_set_order (LpFlameView  *self,
                         LpFlameOrder  order)
{
  self->order = order;
  invalidate (self);
}

void
lp_flame_view_set_palette (LpFlameView    *self,
                           LpFlamePalette  palette)
{
  self->palette = palette;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
adjustment_changed_cb (GtkAdjustment *adjustment,
                       LpFlameView   *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (LpFlameView    *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_func (*slot, adjustment_changed_cb, self);
  g_set_object (slot, adjustment);
  if (adjustment != NULL)
    g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_changed_cb), self);
  update_adjustments (self);
}

static void
lp_flame_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LpFlameView *self = LP_FLAME_VIEW (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lp_flame_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LpFlameView *self = LP_FLAME_VIEW (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lp_flame_view_dispose (GObject *object)
{
  LpFlameView *self = LP_FLAME_VIEW (object);

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_changed_cb, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_changed_cb, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  G_OBJECT_CLASS (lp_flame_view_parent_class)->dispose (object);
}

static void
lp_flame_view_finalize (GObject *object)
{
  LpFlameView *self = LP_FLAME_VIEW (object);

  g_clear_pointer (&self->layout, lp_flame_layout_free);
  g_clear_pointer (&self->search, g_regex_unref);
  g_clear_pointer (&self->function, g_free);
  g_clear_pointer (&self->marks, g_free);
  g_array_unref (self->history);
  G_OBJECT_CLASS (lp_flame_view_parent_class)->finalize (object);
}

static void
lp_flame_view_class_init (LpFlameViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lp_flame_view_get_property;
  object_class->set_property = lp_flame_view_set_property;
  object_class->dispose = lp_flame_view_dispose;
  object_class->finalize = lp_flame_view_finalize;

  widget_class->snapshot = lp_flame_view_snapshot;
  widget_class->size_allocate = lp_flame_view_size_allocate;
  widget_class->measure = lp_flame_view_measure;
  widget_class->state_flags_changed = lp_flame_view_state_flags_changed;

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  signals[ZOOM_CHANGED] = g_signal_new ("zoom-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FOCUS_REQUESTED] = g_signal_new ("focus-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[HIDE_REQUESTED] = g_signal_new ("hide-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[HOVER_CHANGED] = g_signal_new ("hover-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[FRAME_ACTIVATED] = g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "flame.copy-name", NULL, copy_name_action);
  gtk_widget_class_install_action (widget_class, "flame.copy-stack", NULL, copy_stack_action);
  gtk_widget_class_install_action (widget_class, "flame.focus", NULL, focus_action);
  gtk_widget_class_install_action (widget_class, "flame.hide", NULL, focus_action);

  gtk_widget_class_set_css_name (widget_class, "flamegraph");
}

/* The context menu opens where the pointer is, which is where the hover
 * tooltip shows: while the menu is open, the graph has no tooltip, and
 * the one showing goes (GTK re-asks at the pointer and finds none). */
static void
menu_mapped_cb (LpFlameView *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), FALSE);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

static void
menu_closed_cb (LpFlameView *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

static void
menu_hides_tooltip_init (LpFlameView *self)
{
  g_signal_connect_object (self->menu, "map", G_CALLBACK (menu_mapped_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->menu, "closed", G_CALLBACK (menu_closed_cb), self, G_CONNECT_SWAPPED);
}

static void
lp_flame_view_init (LpFlameView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  g_autoptr(GMenu) menu = g_menu_new ();

  self->history = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->zoom = LP_FLAME_ROOT;
  self->hover_node = LP_FLAME_NO_NODE;
  self->menu_node = LP_FLAME_NO_NODE;
  self->palette = LP_FLAME_PALETTE_HOT;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  /* a pointer warped in brings "enter" and no motion */
  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "released", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_menu_append (menu, _("Copy _Name"), "flame.copy-name");
  g_menu_append (menu, _("Copy _Stack"), "flame.copy-stack");
  g_menu_append (menu, _("_Focus on This Function"), "flame.focus");
  g_menu_append (menu, _("_Hide This Function"), "flame.hide");
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
  menu_hides_tooltip_init (self);
  _lp_flame_view_keys_init (self);
}

GtkWidget *
lp_flame_view_new (void)
{
  return g_object_new (LP_TYPE_FLAME_VIEW, NULL);
}
