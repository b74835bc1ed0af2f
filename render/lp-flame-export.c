/* lp-flame-export.c: a whole flame graph picture through cairo: PNG and PDF files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "lp-atomic-file.h"
#include "lp-file.h"
#include "lp-flame-export.h"
#include "lp-flame-svg.h"

G_DEFINE_QUARK (lp-flame-export-error-quark, lp_flame_export_error)

#define MAX_IMAGE_SIDE 32767.0

static void
show_text (cairo_t    *cr,
           const char *font,
           const char *text,
           double      x,
           double      y,
           gboolean    centered)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, centered ? x - w / 2.0 : x, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

void
lp_flame_export_paint (cairo_t                    *cr,
                       LpFlameModel               *model,
                       const LpFlameLayout        *layout,
                       const LpFlameExportOptions *options)
{
  LpFlameDrawParams params;
  cairo_pattern_t *bg;
  double width, height;

  g_return_if_fail (cr != NULL && model != NULL && layout != NULL && options != NULL);

  lp_flame_picture_size (layout, options, &width, &height);
  bg = cairo_pattern_create_linear (0, 0, 0, height);
  cairo_pattern_add_color_stop_rgb (bg, 0.05, 0xee / 255.0, 0xee / 255.0, 0xee / 255.0);
  cairo_pattern_add_color_stop_rgb (bg, 0.95, 0xee / 255.0, 0xee / 255.0, 0xb0 / 255.0);
  cairo_set_source (cr, bg);
  cairo_paint (cr);
  cairo_pattern_destroy (bg);

  cairo_set_source_rgb (cr, 0, 0, 0);
  show_text (cr, "Sans 13", lp_flame_picture_title (options), width / 2, LP_FLAME_EXPORT_FONT_SIZE * 1.5, TRUE);
  if (options->subtitle != NULL)
    show_text (cr, "Sans 9", options->subtitle, width / 2, LP_FLAME_EXPORT_FONT_SIZE * 3.5, TRUE);
  if (layout->total > 0)
    {
      g_autofree char *total = lp_flame_picture_format_count (layout->total);
      g_autofree char *footer = g_strdup_printf ("%s %s", total, lp_flame_picture_count_name (options));
      show_text (cr, "Sans 9", footer, LP_FLAME_EXPORT_XPAD, height - LP_FLAME_EXPORT_BOTTOM_PAD / 2, FALSE);
    }
  if (options->search != NULL && layout->total > 0)
    {
      g_autofree char *matched = g_strdup_printf (_("Matched: %.1f%%"), 100 * layout->matched / layout->total);
      show_text (cr, "Sans 9", matched, width - LP_FLAME_EXPORT_XPAD - 110, height - LP_FLAME_EXPORT_BOTTOM_PAD / 2, FALSE);
    }

  lp_flame_draw_params_init (&params);
  params.palette = options->palette;
  params.name_hash = options->name_hash;
  cairo_save (cr);
  cairo_translate (cr, LP_FLAME_EXPORT_XPAD, lp_flame_picture_top_pad (options));
  lp_flame_draw (cr, model, layout, &params);
  cairo_restore (cr);
}

static cairo_status_t
write_to_fd (void                *closure,
             const unsigned char *data,
             unsigned int         length)
{
  int fd = GPOINTER_TO_INT (closure);

  return lp_file_write_all (fd, (const char *) data, length, NULL, NULL)
         ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static gboolean
cairo_ok (cairo_status_t   status,
          const char      *path,
          GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, LP_FLAME_EXPORT_ERROR, LP_FLAME_EXPORT_ERROR_FAILED,
               _("Could not write %s: %s"), path, cairo_status_to_string (status));
  return FALSE;
}

gboolean
lp_flame_export_to_file (LpFlameModel               *model,
                         const LpFlameExportOptions *options,
                         LpFlameFormat               format,
                         const char                 *path,
                         GError                    **error)
{
  g_autoptr(LpFlameLayout) layout = NULL;
  g_autoptr(LpAtomicFile) file = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  double width, height;
  int fd;

  g_return_val_if_fail (model != NULL && options != NULL && path != NULL, FALSE);

  file = lp_atomic_file_open (path, error);
  if (file == NULL)
    return FALSE;
  fd = lp_atomic_file_get_fd (file);

  if (format == LP_FLAME_FORMAT_SVG)
    {
      g_autoptr(GString) svg = lp_flame_svg_new (model, options);
      if (!lp_file_write_all (fd, svg->str, svg->len, path, error))
        return FALSE;
      return lp_atomic_file_commit (g_steal_pointer (&file), error);
    }

  layout = lp_flame_picture_layout (model, options);
  lp_flame_picture_size (layout, options, &width, &height);
  if (format == LP_FLAME_FORMAT_PDF)
    surface = cairo_pdf_surface_create_for_stream (write_to_fd, GINT_TO_POINTER (fd), width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (MIN (width, MAX_IMAGE_SIDE)),
                                          (int) ceil (MIN (height, MAX_IMAGE_SIDE)));
  cr = cairo_create (surface);
  /* cairo images stop at 32767 px: keep the root's side of a deeper graph */
  if (format == LP_FLAME_FORMAT_PNG && height > MAX_IMAGE_SIDE && !options->icicle)
    cairo_translate (cr, 0, MAX_IMAGE_SIDE - ceil (height));
  lp_flame_export_paint (cr, model, layout, options);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    {
      if (format == LP_FLAME_FORMAT_PNG)
        status = cairo_surface_write_to_png_stream (surface, write_to_fd, GINT_TO_POINTER (fd));
      cairo_surface_finish (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (!cairo_ok (status, path, error))
    return FALSE;
  return lp_atomic_file_commit (g_steal_pointer (&file), error);
}
