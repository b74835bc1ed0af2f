/* lp-flame-draw.c: paints a flame graph layout onto any cairo_t, text with Pango.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "lp-flame-draw.h"

#define TEXT_PAD 3.0

void
lp_flame_draw_params_init (LpFlameDrawParams *params)
{
  g_return_if_fail (params != NULL);
  *params = (LpFlameDrawParams) {
    .palette = LP_FLAME_PALETTE_HOT,
    .name_hash = FALSE,
    .font = NULL,
    .hover_node = LP_FLAME_NO_NODE,
  };
}

char *
lp_flame_draw_elide (const char *name,
                     int         max_chars)
{
  glong len;
  const char *end;
  GString *s;

  g_return_val_if_fail (name != NULL, NULL);

  len = g_utf8_strlen (name, -1);
  if (len <= max_chars)
    return g_strdup (name);
  if (max_chars < 2)
    return NULL;
  end = g_utf8_offset_to_pointer (name, max_chars - 1);
  s = g_string_new_len (name, end - name);
  /* one character, "…" (U+2026), as GTK and Pango elide: not two dots */
  g_string_append (s, "\u2026");
  return g_string_free (s, FALSE);
}

LpRgb
lp_flame_draw_rect_color (LpFlameModel            *model,
                          const LpFlameLayout     *layout,
                          const LpFlameRect       *rect,
                          const LpFlameDrawParams *params)
{
  g_return_val_if_fail (model != NULL && layout != NULL && rect != NULL && params != NULL,
                        ((LpRgb) { 0, 0, 0 }));

  if (rect->flags & LP_FLAME_RECT_MATCH)
    return LP_FLAME_MATCH_RGB;
  if (lp_flame_model_get_flags (model) & LP_FLAME_MODEL_DIFFERENTIAL)
    return lp_flame_color_for_delta (rect->delta, layout->max_abs_delta);
  if (rect->flags & LP_FLAME_RECT_IDLE)
    return LP_FLAME_IDLE_RGB;
  return lp_flame_color_for_name (lp_flame_model_node_name (model, rect->node),
                                  params->palette, params->name_hash);
}

void
lp_flame_draw_with (PangoLayout             *text,
                    double                   clip_x1,
                    double                   clip_y1,
                    double                   clip_x2,
                    double                   clip_y2,
                    LpFlameModel            *model,
                    const LpFlameLayout     *layout,
                    const LpFlameDrawParams *params,
                    const LpFlamePainter    *painter,
                    gpointer                 data)
{
  PangoFontDescription *font;
  PangoFontMetrics *metrics;
  double char_width, text_height;
  int height_px;

  g_return_if_fail (PANGO_IS_LAYOUT (text) && model != NULL && layout != NULL && params != NULL);
  g_return_if_fail (painter != NULL && painter->fill != NULL && painter->outline != NULL && painter->text != NULL);

  if (params->font != NULL)
    font = pango_font_description_from_string (params->font);
  else
    {
      /* 12 px text (9 pt at 96 dpi) in rows of 16, smaller in thinner rows */
      font = pango_font_description_from_string ("Sans");
      pango_font_description_set_absolute_size (font, CLAMP (layout->row_height - 4, 4, 12) * PANGO_SCALE);
    }
  pango_layout_set_font_description (text, font);
  metrics = pango_context_get_metrics (pango_layout_get_context (text), font, NULL);
  char_width = pango_font_metrics_get_approximate_char_width (metrics) / (double) PANGO_SCALE;
  pango_font_metrics_unref (metrics);
  pango_font_description_free (font);
  pango_layout_set_text (text, "Mg", -1);
  pango_layout_get_pixel_size (text, NULL, &height_px);
  text_height = height_px;

  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      double h = layout->row_height - 1;

      if (r->x > clip_x2 || r->x + r->width < clip_x1 || r->y > clip_y2 || r->y + h < clip_y1)
        continue;

      painter->fill (data, r->x, r->y, r->width, h, lp_flame_draw_rect_color (model, layout, r, params),
                     (r->flags & LP_FLAME_RECT_ANCESTOR) ? 0.5 : 1.0);
      if (r->node == params->hover_node)
        painter->outline (data, r->x, r->y, r->width, h);

      /* a label only where at least three characters ("xy…") fit */
      if (r->width - 2 * TEXT_PAD >= 3 * char_width && h >= text_height * 0.8)
        {
          /* perf's annotation ("_[k]") shown as colour, not text */
          g_autofree char *name = lp_flame_color_display_name (lp_flame_model_node_name (model, r->node));
          int max_chars = (int) ((r->width - 2 * TEXT_PAD) / char_width);
          g_autofree char *label = lp_flame_draw_elide (name, max_chars);
          int w = 0;

          while (label != NULL)
            {
              pango_layout_set_text (text, label, -1);
              pango_layout_get_pixel_size (text, &w, NULL);
              if (w <= r->width - 2 * TEXT_PAD)
                break;
              /* wider glyphs than the average: cut one more */
              g_free (label);
              max_chars--;
              label = lp_flame_draw_elide (name, max_chars);
            }
          if (label != NULL)
            painter->text (data, text, r->x + TEXT_PAD, r->y + (h - text_height) / 2);
        }
    }
}

static void
cairo_fill_rect (gpointer data,
                 double   x,
                 double   y,
                 double   width,
                 double   height,
                 LpRgb    color,
                 double   alpha)
{
  cairo_t *cr = data;

  cairo_set_source_rgba (cr, color.r / 255.0, color.g / 255.0, color.b / 255.0, alpha);
  cairo_rectangle (cr, x, y, width, height);
  cairo_fill (cr);
}

static void
cairo_outline_rect (gpointer data,
                    double   x,
                    double   y,
                    double   width,
                    double   height)
{
  cairo_t *cr = data;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x + 0.5, y + 0.5, MAX (0, width - 1), height - 1);
  cairo_stroke (cr);
}

static void
cairo_show_label (gpointer     data,
                 PangoLayout *text,
                 double       x,
                 double       y)
{
  cairo_t *cr = data;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, text);
}

void
lp_flame_draw (cairo_t                 *cr,
               LpFlameModel            *model,
               const LpFlameLayout     *layout,
               const LpFlameDrawParams *params)
{
  static const LpFlamePainter painter = { cairo_fill_rect, cairo_outline_rect, cairo_show_label };
  g_autoptr(PangoLayout) text = NULL;
  double clip_x1, clip_y1, clip_x2, clip_y2;

  g_return_if_fail (cr != NULL && model != NULL && layout != NULL && params != NULL);

  text = pango_cairo_create_layout (cr);
  cairo_save (cr);
  cairo_clip_extents (cr, &clip_x1, &clip_y1, &clip_x2, &clip_y2);
  lp_flame_draw_with (text, clip_x1, clip_y1, clip_x2, clip_y2, model, layout, params, &painter, cr);
  cairo_restore (cr);
}
