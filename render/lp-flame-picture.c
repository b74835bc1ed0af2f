/* lp-flame-picture.c: what a whole flame graph picture is made of: options, size, title, margins.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <string.h>

#include "lp-flame-picture.h"

void
lp_flame_picture_options_init (LpFlameExportOptions *options)
{
  g_return_if_fail (options != NULL);
  *options = (LpFlameExportOptions) {
    .width = LP_FLAME_EXPORT_DEFAULT_WIDTH,
    .min_width = 0.1,
    .row_height = LP_FLAME_EXPORT_FRAME_HEIGHT,
    .palette = LP_FLAME_PALETTE_HOT,
    .order = LP_FLAME_ORDER_ALPHABETICAL,
    .zoom = LP_FLAME_ROOT,
  };
}

double
lp_flame_picture_top_pad (const LpFlameExportOptions *options)
{
  return LP_FLAME_EXPORT_FONT_SIZE * 3 + (options->subtitle != NULL ? LP_FLAME_EXPORT_FONT_SIZE * 2 : 0);
}

double
lp_flame_picture_width (const LpFlameExportOptions *options)
{
  return options->width > 0 ? options->width : LP_FLAME_EXPORT_DEFAULT_WIDTH;
}

const char *
lp_flame_picture_title (const LpFlameExportOptions *options)
{
  if (options->title != NULL)
    return options->title;
  return options->icicle ? _("Icicle Graph") : _("Flame Graph");
}

const char *
lp_flame_picture_count_name (const LpFlameExportOptions *options)
{
  return options->count_name != NULL ? options->count_name : _("samples");
}

LpFlameLayout *
lp_flame_picture_layout (LpFlameModel               *model,
                         const LpFlameExportOptions *options)
{
  LpFlameLayoutParams params = {
    .width = MAX (1, lp_flame_picture_width (options) - 2 * LP_FLAME_EXPORT_XPAD),
    .row_height = options->row_height > 0 ? options->row_height : LP_FLAME_EXPORT_FRAME_HEIGHT,
    .min_width = options->min_width >= 0 ? options->min_width : 0.1,
    .zoom = options->zoom,
    .order = options->order,
    .icicle = options->icicle,
    .search = options->search,
  };

  g_return_val_if_fail (model != NULL && options != NULL, NULL);
  return lp_flame_layout_new (model, &params);
}

void
lp_flame_picture_size (const LpFlameLayout        *layout,
                       const LpFlameExportOptions *options,
                       double                     *width,
                       double                     *height)
{
  g_return_if_fail (layout != NULL && options != NULL);
  if (width != NULL)
    *width = lp_flame_picture_width (options);
  if (height != NULL)
    *height = lp_flame_picture_top_pad (options) + layout->height + LP_FLAME_EXPORT_BOTTOM_PAD;
}

char *
lp_flame_picture_format_count (double count)
{
  char buf[64];
  gsize len = lp_folded_format_count (count, buf);
  const char *point = memchr (buf, '.', len);
  gsize int_len = point != NULL ? (gsize) (point - buf) : len;
  GString *s = g_string_sized_new (len + len / 3 + 1);

  for (gsize i = 0; i < int_len; i++)
    {
      if (i > 0 && (int_len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, buf[i]);
    }
  g_string_append_len (s, buf + int_len, len - int_len);
  return g_string_free (s, FALSE);
}
