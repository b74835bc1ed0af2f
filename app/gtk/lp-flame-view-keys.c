/* lp-flame-view-keys.c: the flame graph's keyboard: a cursor the arrows move, Enter and the menu key on it, and the focus ring (see lp-flame-view-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lp-flame-view-private.h"

/* Keyboard: the hover outline doubles as a cursor that the arrows move */

static const LpFlameRect *
rect_of_node (LpFlameView *self,
              guint32      node)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);

  if (layout == NULL || node == LP_FLAME_NO_NODE)
    return NULL;
  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      if (r->node == node)
        return r;
    }
  return NULL;
}

/* the drawn rectangle one row towards the leaves (+1) or the root (-1),
 * or beside it (dx -1 / +1) */
static const LpFlameRect *
neighbour (LpFlameView       *self,
           const LpFlameRect *from,
           int                ddepth,
           int                dx)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);
  const LpFlameRect *best = NULL;

  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);

      if (ddepth != 0)
        {
          if ((int) r->depth != (int) from->depth + ddepth)
            continue;
          if (ddepth < 0 && lp_flame_model_get_node (self->model, from->node)->parent != r->node)
            continue;
          if (ddepth > 0 && lp_flame_model_get_node (self->model, r->node)->parent != from->node)
            continue;
          /* towards the leaves: the widest child */
          if (best == NULL || r->width > best->width)
            best = r;
        }
      else if (r->depth == from->depth && r->node != from->node)
        {
          if (dx < 0 && r->x < from->x && (best == NULL || r->x > best->x))
            best = r;
          if (dx > 0 && r->x > from->x && (best == NULL || r->x < best->x))
            best = r;
        }
    }
  return best;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                LpFlameView           *self)
{
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);
  const LpFlameRect *cur, *next = NULL;

  if (layout == NULL || layout->rects->len == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    return FALSE;
  cur = rect_of_node (self, self->hover_node);
  if (cur == NULL)
    cur = &g_array_index (layout->rects, LpFlameRect, 0);

  switch (keyval)
    {
    case GDK_KEY_Up:
      next = neighbour (self, cur, self->icicle ? -1 : 1, 0);
      break;
    case GDK_KEY_Down:
      next = neighbour (self, cur, self->icicle ? 1 : -1, 0);
      break;
    case GDK_KEY_Left:
      next = neighbour (self, cur, 0, -1);
      break;
    case GDK_KEY_Right:
      next = neighbour (self, cur, 0, 1);
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      _lp_flame_view_activate (self, cur->node);
      return TRUE;
    case GDK_KEY_Menu:
      _lp_flame_view_popup_menu (self, cur->node, (int) (cur->x + cur->width / 2),
                                 (int) lp_flame_view_graph_to_widget_y (self, cur->y));
      return TRUE;
    default:
      return FALSE;
    }

  if (next == NULL)
    next = cur;
  self->hover_node = next->node;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  {
    /* say where the cursor is, as a tooltip would */
    g_autofree char *text = lp_flame_view_describe (self, next);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  }
  return TRUE;
}

/* Keyboard focus shows (when GTK says it should, :focus-visible, or after
 * keys moved the cursor) as a ring
 * in the accent colour around the cursor frame, or around the whole graph
 * while there is no cursor yet. */
void
_lp_flame_view_keys_snapshot (LpFlameView *self,
                              GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const LpFlameRect *cursor;
  const LpFlameLayout *layout = lp_flame_view_get_layout (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t box;
  GdkRGBA accent = { 0.208, 0.518, 0.894, 1.0 };   /* libadwaita's blue */
  GskRoundedRect outline;
  const float w = FOCUS_WIDTH;

  if (!gtk_widget_has_focus (widget) || layout == NULL ||
      !(gtk_widget_has_visible_focus (widget) || self->keyboard_used))
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cursor = rect_of_node (self, self->hover_node);
  if (cursor != NULL)
    box = GRAPHENE_RECT_INIT (cursor->x, lp_flame_view_graph_to_widget_y (self, cursor->y),
                              MAX (cursor->width, 2 * w), layout->row_height - 1);
  else
    box = GRAPHENE_RECT_INIT (0, 0, width, height);
  /* inside the widget, so that nothing clips it */
  graphene_rect_intersection (&box, &GRAPHENE_RECT_INIT (0, 0, width, height), &box);
  gsk_rounded_rect_init_from_rect (&outline, &box, 0);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { w, w, w, w },
                              (GdkRGBA[4]) { accent, accent, accent, accent });
}

/* The arrows, Enter and the rest move the graph's cursor: keyboard use, so
 * the ring shows also where GTK would not show focus (it does after Tab
 * only, and forgets it when the key is released); a click forgets it. */
static gboolean
cursor_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       LpFlameView           *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up: case GDK_KEY_Down: case GDK_KEY_Left: case GDK_KEY_Right:
    case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_space: case GDK_KEY_Menu:
      if (!self->keyboard_used)
        {
          self->keyboard_used = TRUE;
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      break;
    default:
      break;
    }
  return FALSE;
}

static void
forget_keyboard_cb (LpFlameView *self)
{
  if (self->keyboard_used)
    {
      self->keyboard_used = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
_lp_flame_view_keys_init (LpFlameView *self)
{
  GtkEventController *moves = gtk_event_controller_key_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture *press = gtk_gesture_click_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (cursor_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (forget_keyboard_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (press), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (press, "pressed", G_CALLBACK (forget_keyboard_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (press));
  g_signal_connect (moves, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), moves);
}
