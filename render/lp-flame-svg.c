/* lp-flame-svg.c: the interactive SVG flame graph (hover, zoom, search), written element by element.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lp-flame-draw.h"
#include "lp-flame-svg.h"

/* The script: frames are <g> elements with a <title> ("name (N samples,
 * P%)"), a <rect> and a <text>; zoom moves the rects, search recolours
 * them. Parameters in the URL (?s=REGEX&x=FRAME-ID&h=FRAME-ID&i=1) run a
 * search, a click, a hover and the ignore-case toggle on load, so that a
 * browser can be driven without a mouse. */
static const char svg_script[] =
"\"use strict\";\n"
"var svg, frames, details, matchedtext, searchbtn, unzoombtn, icbtn, ignorecase = false;\n"
"var pad, fullw, icicle, fontsize, fontwidth, searching = null, zoomed = null;\n"
"function attr(name) { return svg.getAttribute(\"data-\" + name); }\n"
"function frame_of(node) {\n"
"  while (node && node !== svg) {\n"
"    if (node.nodeName === \"g\" && node.classList.contains(\"f\")) return node;\n"
"    node = node.parentNode;\n"
"  }\n"
"  return null;\n"
"}\n"
"function init(evt) {\n"
"  svg = document.documentElement;\n"
"  details = document.getElementById(\"details\");\n"
"  matchedtext = document.getElementById(\"matched\");\n"
"  searchbtn = document.getElementById(\"search\");\n"
"  unzoombtn = document.getElementById(\"unzoom\");\n"
"  icbtn = document.getElementById(\"ignorecase\");\n"
"  pad = +attr(\"xpad\"); fullw = +attr(\"graphw\"); icicle = attr(\"icicle\") === \"1\";\n"
"  fontsize = +attr(\"fontsize\"); fontwidth = +attr(\"fontwidth\");\n"
"  frames = Array.prototype.slice.call(document.querySelectorAll(\"g.f\"));\n"
"  frames.forEach(function (f) {\n"
"    var r = f.querySelector(\"rect\"), t = f.querySelector(\"title\").textContent;\n"
"    f.ox = +r.getAttribute(\"x\"); f.ow = +r.getAttribute(\"width\");\n"
"    f.oy = +r.getAttribute(\"y\"); f.ofill = r.getAttribute(\"fill\");\n"
"    f.fname = t.lastIndexOf(\" (\") >= 0 ? t.slice(0, t.lastIndexOf(\" (\")) : t;\n"
"  });\n"
"  var holder = document.getElementById(\"frames\");\n"
"  holder.addEventListener(\"mouseover\", function (e) {\n"
"    var f = frame_of(e.target);\n"
"    if (f) details.textContent = f.querySelector(\"title\").textContent;\n"
"  });\n"
"  holder.addEventListener(\"mouseout\", function (e) { details.textContent = \" \"; });\n"
"  holder.addEventListener(\"click\", function (e) {\n"
"    var f = frame_of(e.target);\n"
"    if (f) zoom(f);\n"
"  });\n"
"  unzoombtn.addEventListener(\"click\", unzoom);\n"
"  icbtn.addEventListener(\"click\", toggle_ignorecase);\n"
"  searchbtn.addEventListener(\"click\", function () {\n"
"    if (searching !== null) reset_search(); else search_prompt();\n"
"  });\n"
"  window.addEventListener(\"keydown\", function (e) {\n"
"    if (e.keyCode === 114 || ((e.ctrlKey || e.metaKey) && (e.key === \"f\" || e.key === \"F\"))) {\n"
"      e.preventDefault(); search_prompt();\n"
"    } else if (e.key === \"Escape\") {\n"
"      reset_search(); unzoom();\n"
"    }\n"
"  });\n"
"  var params = new URLSearchParams(window.location.search);\n"
"  if (params.get(\"x\")) {\n"
"    var target = document.getElementById(params.get(\"x\"));\n"
"    if (target) target.querySelector(\"rect\").dispatchEvent(new MouseEvent(\"click\", { bubbles: true }));\n"
"  }\n"
"  if (params.get(\"h\")) {\n"
"    var hovered = document.getElementById(params.get(\"h\"));\n"
"    if (hovered) hovered.querySelector(\"rect\").dispatchEvent(new MouseEvent(\"mouseover\", { bubbles: true }));\n"
"  }\n"
"  if (params.get(\"i\") === \"1\") toggle_ignorecase();\n"
"  var term = params.get(\"s\") || attr(\"search\");\n"
"  if (term) search(term);\n"
"}\n"
"function label(f, w) {\n"
"  var t = f.querySelector(\"text\"), n = Math.floor((w - 6) / (fontsize * fontwidth));\n"
"  var name = f.fname;\n"
"  if (n < 3) t.textContent = \"\";\n"
"  else if (name.length <= n) t.textContent = name;\n"
"  else t.textContent = name.slice(0, n - 1) + \"\\u2026\";\n"
"}\n"
"function place(f, x, w) {\n"
"  var r = f.querySelector(\"rect\");\n"
"  r.setAttribute(\"x\", x.toFixed(2)); r.setAttribute(\"width\", w.toFixed(2));\n"
"  f.querySelector(\"text\").setAttribute(\"x\", (x + 3).toFixed(2));\n"
"  label(f, w);\n"
"}\n"
"function zoom(g) {\n"
"  var gx = g.ox, gw = g.ow, gy = g.oy, ratio = fullw / gw, eps = 0.01;\n"
"  zoomed = g;\n"
"  unzoombtn.classList.remove(\"hide\");\n"
"  frames.forEach(function (f) {\n"
"    var below = icicle ? f.oy < gy : f.oy > gy, above = icicle ? f.oy > gy : f.oy < gy;\n"
"    f.classList.remove(\"parent\"); f.classList.remove(\"hide\");\n"
"    if (f === g) {\n"
"      place(f, pad, fullw);\n"
"    } else if (below && f.ox <= gx + eps && f.ox + f.ow >= gx + gw - eps) {\n"
"      place(f, pad, fullw); f.classList.add(\"parent\");\n"
"    } else if (above && f.ox >= gx - eps && f.ox + f.ow <= gx + gw + eps) {\n"
"      place(f, pad + (f.ox - gx) * ratio, f.ow * ratio);\n"
"    } else {\n"
"      f.classList.add(\"hide\");\n"
"    }\n"
"  });\n"
"  if (searching !== null) search(searching);\n"
"}\n"
"function unzoom() {\n"
"  if (zoomed === null) return;\n"
"  zoomed = null;\n"
"  unzoombtn.classList.add(\"hide\");\n"
"  frames.forEach(function (f) {\n"
"    f.classList.remove(\"parent\"); f.classList.remove(\"hide\");\n"
"    place(f, f.ox, f.ow);\n"
"  });\n"
"  if (searching !== null) search(searching);\n"
"}\n"
"function search_prompt() {\n"
"  var term = window.prompt(attr(\"l-prompt\"), searching !== null ? searching : \"\");\n"
"  if (term !== null && term !== \"\") search(term);\n"
"}\n"
"function search(term) {\n"
"  var re, spans = [], sum = 0, end = -Infinity;\n"
"  try { re = new RegExp(term, ignorecase ? \"i\" : \"\"); } catch (e) { matchedtext.textContent = attr(\"l-bad\"); return; }\n"
"  searching = term;\n"
"  frames.forEach(function (f) {\n"
"    var r = f.querySelector(\"rect\");\n"
"    if (!f.classList.contains(\"hide\") && re.test(f.fname)) {\n"
"      r.setAttribute(\"fill\", attr(\"match\")); f.classList.add(\"match\");\n"
"      if (!f.classList.contains(\"parent\")) spans.push([+r.getAttribute(\"x\"), +r.getAttribute(\"width\")]);\n"
"    } else {\n"
"      r.setAttribute(\"fill\", f.ofill); f.classList.remove(\"match\");\n"
"    }\n"
"  });\n"
"  /* nested matches count once: sort by x, widest first, skip what is inside */\n"
"  spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });\n"
"  spans.forEach(function (s) {\n"
"    if (s[0] >= end - 0.01) { sum += s[1]; end = s[0] + s[1]; }\n"
"  });\n"
"  matchedtext.textContent = attr(\"l-matched\") + \" \" + (100 * sum / fullw).toFixed(1) + \"%\";\n"
"  searchbtn.textContent = attr(\"l-reset-search\");\n"
"  searchbtn.classList.add(\"on\");\n"
"}\n"
"function toggle_ignorecase() {\n"
"  ignorecase = !ignorecase;\n"
"  if (ignorecase) icbtn.classList.add(\"on\"); else icbtn.classList.remove(\"on\");\n"
"  if (searching !== null) search(searching);\n"
"}\n"
"function reset_search() {\n"
"  searching = null;\n"
"  frames.forEach(function (f) {\n"
"    f.querySelector(\"rect\").setAttribute(\"fill\", f.ofill); f.classList.remove(\"match\");\n"
"  });\n"
"  matchedtext.textContent = \" \";\n"
"  searchbtn.textContent = attr(\"l-search\");\n"
"  searchbtn.classList.remove(\"on\");\n"
"}\n";

/* XML text and attribute values: markup characters as entities, and the
 * control characters XML 1.0 cannot hold as U+FFFD */
static void
append_escaped (GString    *s,
                const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      switch (c)
        {
        case '&': g_string_append (s, "&amp;"); break;
        case '<': g_string_append (s, "&lt;"); break;
        case '>': g_string_append (s, "&gt;"); break;
        case '"': g_string_append (s, "&quot;"); break;
        case '\'': g_string_append (s, "&#39;"); break;
        default:
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            g_string_append (s, "\xEF\xBF\xBD");
          else
            g_string_append_c (s, (char) c);
          break;
        }
    }
}

/* a number with at most two decimals, never in the locale's notation */
static void
append_num (GString *s,
            double   v)
{
  gint64 q = (gint64) llround (v * 100);

  if (q < 0)
    {
      g_string_append_c (s, '-');
      q = -q;
    }
  if (q % 100 == 0)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, q / 100);
  else if (q % 10 == 0)
    g_string_append_printf (s, "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, q / 100, (q % 100) / 10);
  else
    g_string_append_printf (s, "%" G_GINT64_FORMAT ".%02" G_GINT64_FORMAT, q / 100, q % 100);
}

static void
append_rgb (GString *s,
            LpRgb    c)
{
  g_string_append_printf (s, "rgb(%u,%u,%u)", c.r, c.g, c.b);
}

static void
append_text_element (GString    *s,
                     const char *id,
                     const char *klass,
                     double      x,
                     double      y,
                     const char *anchor,
                     const char *style,
                     const char *text)
{
  g_string_append (s, "<text");
  if (id != NULL)
    g_string_append_printf (s, " id=\"%s\"", id);
  if (klass != NULL)
    g_string_append_printf (s, " class=\"%s\"", klass);
  g_string_append (s, " x=\"");
  append_num (s, x);
  g_string_append (s, "\" y=\"");
  append_num (s, y);
  g_string_append (s, "\"");
  if (anchor != NULL)
    g_string_append_printf (s, " text-anchor=\"%s\"", anchor);
  if (style != NULL)
    g_string_append_printf (s, " style=\"%s\"", style);
  g_string_append_c (s, '>');
  append_escaped (s, text);
  g_string_append (s, "</text>\n");
}

static void
append_attr (GString    *s,
             const char *name,
             const char *value)
{
  g_string_append_printf (s, " %s=\"", name);
  append_escaped (s, value);
  g_string_append_c (s, '"');
}

static void
append_percent (GString *s,
                double   part,
                double   whole)
{
  double v = whole > 0 ? 100 * part / whole : 0;
  gint64 q = (gint64) llround (fabs (v) * 100);

  /* always two decimals and a point, whatever the locale */
  g_string_append_printf (s, "%s%" G_GINT64_FORMAT ".%02" G_GINT64_FORMAT "%%",
                          v < 0 && q > 0 ? "-" : "", q / 100, q % 100);
}

/* append_head: the SVG element with its data for the script, the styles,
 * the script itself and the background */
static void
append_head (GString                    *s,
             const LpFlameExportOptions *options,
             double                      width,
             double                      height,
             double                      graph_w,
             double                      font)
{
  g_string_append (s, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                      "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                      "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
                      "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\"");
  g_string_append (s, " width=\"");
  append_num (s, width);
  g_string_append (s, "\" height=\"");
  append_num (s, height);
  g_string_append (s, "\" viewBox=\"0 0 ");
  append_num (s, width);
  g_string_append_c (s, ' ');
  append_num (s, height);
  g_string_append (s, "\" onload=\"init(evt)\" data-xpad=\"");
  append_num (s, LP_FLAME_EXPORT_XPAD);
  g_string_append (s, "\" data-graphw=\"");
  append_num (s, graph_w);
  g_string_append_printf (s, "\" data-icicle=\"%d\" data-fontsize=\"", options->icicle ? 1 : 0);
  append_num (s, font);
  g_string_append (s, "\" data-fontwidth=\"");
  append_num (s, LP_FLAME_EXPORT_FONT_WIDTH);
  g_string_append (s, "\" data-match=\"");
  append_rgb (s, LP_FLAME_MATCH_RGB);
  g_string_append_c (s, '"');
  append_attr (s, "data-l-matched", _("Matched:"));
  append_attr (s, "data-l-search", _("Search"));
  append_attr (s, "data-l-reset-search", _("Reset Search"));
  append_attr (s, "data-l-prompt", _("Enter a search term (a regular expression, e.g. ^ext4_)"));
  append_attr (s, "data-l-bad", _("Not a valid regular expression"));
  if (options->search != NULL)
    append_attr (s, "data-search", g_regex_get_pattern (options->search));
  g_string_append (s, ">\n<!-- Flame graph written by laprof; no network access needed. -->\n");
  g_string_append (s,
    "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
    "<stop stop-color=\"#eeeeee\" offset=\"5%\"/><stop stop-color=\"#eeeeb0\" offset=\"95%\"/>"
    "</linearGradient></defs>\n"
    "<style type=\"text/css\">\n"
    "text { font-family: Verdana, \"DejaVu Sans\", sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
    "#title { font-size: 17px; }\n"
    "#search, #unzoom, #ignorecase { cursor: pointer; opacity: 0.6; }\n"
    "#search:hover, #unzoom:hover, #ignorecase:hover, #search.on, #ignorecase.on { opacity: 1; }\n"
    "#ignorecase.on { font-weight: bold; }\n"
    ".hide { display: none; }\n"
    "g.f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; cursor: pointer; }\n"
    "g.parent { opacity: 0.5; }\n"
    "</style>\n");
  g_string_append (s, "<script type=\"text/ecmascript\"><![CDATA[\n");
  g_string_append (s, svg_script);
  g_string_append (s, "]]></script>\n");
  g_string_append (s, "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"url(#background)\"/>\n");

}

/* append_frame: the @i-th box of @layout, its hover title and its label */
static void
append_frame (GString                 *s,
              LpFlameModel            *model,
              const LpFlameLayout     *layout,
              const LpFlameRect       *r,
              guint                    i,
              const LpFlameDrawParams *draw,
              const char              *count_name,
              gboolean                 differential,
              double                   top,
              double                   font)
{
  const char *name = lp_flame_model_node_name (model, r->node);
  /* the box shows perf's annotation ("_[k]") as colour, not text; the
   * title (hover details, search) keeps the frame's whole name */
  g_autofree char *shown = lp_flame_color_display_name (name);
  g_autofree char *count = lp_flame_picture_format_count (r->samples);
  g_autofree char *label = NULL;
  double x = LP_FLAME_EXPORT_XPAD + r->x, y = top + r->y;
  int max_chars = (int) floor ((r->width - 6) / (font * LP_FLAME_EXPORT_FONT_WIDTH));

  g_string_append_printf (s, "<g id=\"f%u\" class=\"f%s\"><title>", i,
                          (r->flags & LP_FLAME_RECT_ANCESTOR) ? " parent" : "");
  append_escaped (s, name);
  g_string_append_printf (s, " (%s %s, ", count, count_name);
  append_percent (s, r->samples, layout->total);
  if (differential)
    {
      g_autofree char *delta = lp_flame_picture_format_count (fabs (r->delta));
      g_string_append_printf (s, "; %s%s ", r->delta < 0 ? "-" : "+", delta);
      append_escaped (s, count_name);
      g_string_append (s, ", ");
      if (r->delta >= 0)
        g_string_append_c (s, '+');
      append_percent (s, r->delta, layout->total);
    }
  g_string_append (s, ")</title><rect x=\"");
  append_num (s, x);
  g_string_append (s, "\" y=\"");
  append_num (s, y);
  g_string_append (s, "\" width=\"");
  append_num (s, r->width);
  g_string_append (s, "\" height=\"");
  append_num (s, layout->row_height - 1);
  g_string_append (s, "\" fill=\"");
  append_rgb (s, lp_flame_draw_rect_color (model, layout, r, draw));
  g_string_append (s, "\" rx=\"2\" ry=\"2\"/><text x=\"");
  append_num (s, x + 3);
  g_string_append (s, "\" y=\"");
  append_num (s, y + layout->row_height / 2 + font / 2 - 2);
  g_string_append (s, "\">");
  if (max_chars >= 3)
    label = lp_flame_draw_elide (shown, max_chars);
  if (label != NULL)
    append_escaped (s, label);
  g_string_append (s, "</text></g>\n");
}

GString *
lp_flame_svg_new (LpFlameModel               *model,
                  const LpFlameExportOptions *options)
{
  g_autoptr(LpFlameLayout) layout = NULL;
  LpFlameDrawParams draw;
  gboolean differential;
  double width, height, top, graph_w;
  double font = LP_FLAME_EXPORT_FONT_SIZE;
  const char *count_name;
  GString *s;

  g_return_val_if_fail (model != NULL && options != NULL, NULL);

  layout = lp_flame_picture_layout (model, options);
  lp_flame_picture_size (layout, options, &width, &height);
  top = lp_flame_picture_top_pad (options);
  graph_w = layout->width;
  count_name = lp_flame_picture_count_name (options);
  differential = (lp_flame_model_get_flags (model) & LP_FLAME_MODEL_DIFFERENTIAL) != 0;
  lp_flame_draw_params_init (&draw);
  draw.palette = options->palette;
  draw.name_hash = options->name_hash;

  s = g_string_sized_new (4096 + layout->rects->len * 200);
  append_head (s, options, width, height, graph_w, font);

  append_text_element (s, "title", NULL, width / 2, font * 2, "middle", NULL, lp_flame_picture_title (options));
  if (options->subtitle != NULL)
    append_text_element (s, "subtitle", NULL, width / 2, font * 4, "middle", "fill:rgb(160,160,160)",
                         options->subtitle);
  append_text_element (s, "details", NULL, LP_FLAME_EXPORT_XPAD, height - font / 2 - 5, NULL, NULL, " ");
  append_text_element (s, "unzoom", "hide", LP_FLAME_EXPORT_XPAD, font * 2, NULL, NULL, _("Reset Zoom"));
  append_text_element (s, "search", NULL, width - LP_FLAME_EXPORT_XPAD - 100, font * 2, NULL, NULL, _("Search"));
  /* TRANSLATORS: short for "ignore case", a toggle next to Search */
  append_text_element (s, "ignorecase", NULL, width - LP_FLAME_EXPORT_XPAD - 16, font * 2, NULL, NULL, _("ic"));
  if (options->search != NULL && layout->total > 0)
    {
      g_autofree char *m = g_strdup_printf ("%s %.1f%%", _("Matched:"), 100 * layout->matched / layout->total);
      append_text_element (s, "matched", NULL, width - LP_FLAME_EXPORT_XPAD - 100, height - font / 2 - 5, NULL, NULL, m);
    }
  else
    append_text_element (s, "matched", NULL, width - LP_FLAME_EXPORT_XPAD - 100, height - font / 2 - 5, NULL, NULL, " ");

  g_string_append (s, "<g id=\"frames\">\n");
  for (guint i = 0; i < layout->rects->len; i++)
    append_frame (s, model, layout, &g_array_index (layout->rects, LpFlameRect, i), i,
                  &draw, count_name, differential, top, font);
  g_string_append (s, "</g>\n</svg>\n");
  return s;
}
