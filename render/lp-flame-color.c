/* lp-flame-color.c: flamegraph.pl-like palettes, stable per frame name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "lp-flame-color.h"
#include "lp-hash.h"

gboolean
lp_flame_color_palette_from_string (const char     *name,
                                    LpFlamePalette *palette)
{
  static const struct { const char *name; LpFlamePalette palette; } names[] = {
    { "hot", LP_FLAME_PALETTE_HOT },
    { "mem", LP_FLAME_PALETTE_MEM },
    { "io", LP_FLAME_PALETTE_IO },
    { "lang", LP_FLAME_PALETTE_LANG },
    { "native", LP_FLAME_PALETTE_LANG },
    { "java", LP_FLAME_PALETTE_LANG },
    { "js", LP_FLAME_PALETTE_LANG },
    { "perl", LP_FLAME_PALETTE_LANG },
    { "chain", LP_FLAME_PALETTE_LANG },
    { "red", LP_FLAME_PALETTE_RED },
    { "green", LP_FLAME_PALETTE_GREEN },
    { "blue", LP_FLAME_PALETTE_BLUE },
    { "aqua", LP_FLAME_PALETTE_AQUA },
    { "yellow", LP_FLAME_PALETTE_YELLOW },
    { "purple", LP_FLAME_PALETTE_PURPLE },
    { "orange", LP_FLAME_PALETTE_ORANGE },
  };

  g_return_val_if_fail (name != NULL, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        *palette = names[i].palette;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_libc_name (const char *name)
{
  static const char *const prefixes[] = { "__libc_", "__GI_", "_IO_", "__memcpy", "__memset",
                                          "__memmove", "__strlen", "__strcmp", "__nptl", "pthread_",
                                          "__pthread", "_dl_", "__clock_", "__futex", "__lll_" };
  static const char *const exact[] = { "malloc", "free", "calloc", "realloc", "memcpy", "memset",
                                       "memmove", "strlen", "strcmp", "read", "write", "open",
                                       "close", "poll", "epoll_wait", "select", "nanosleep",
                                       "clock_nanosleep", "syscall", "__libc_start_main",
                                       "_start", "abort", "qsort", "__GI___libc_write" };

  if (strstr (name, "libc.so") != NULL || strstr (name, "libc-") != NULL ||
      strstr (name, "ld-linux") != NULL || strstr (name, "libpthread") != NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (name, prefixes[i]))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    if (strcmp (name, exact[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
lp_flame_color_is_python (const char *name)
{
  gsize len, end;
  const char *open;

  g_return_val_if_fail (name != NULL, FALSE);

  len = strlen (name);
  if (g_str_has_prefix (name, "[python: ") && len > 10 && name[len - 1] == ']')
    return TRUE;
  /* "NAME (FILE.py)" or "NAME (FILE.py:LINE)": the file ends at `end` */
  if (len < 8 || name[len - 1] != ')')
    return FALSE;
  end = len - 1;
  while (end > 0 && g_ascii_isdigit (name[end - 1]))
    end--;
  if (end < len - 1)
    {
      if (end == 0 || name[end - 1] != ':')
        return FALSE;
      end--;
    }
  if (end < 3 || memcmp (name + end - 3, ".py", 3) != 0)
    return FALSE;
  /* a name, then " (", then a file with at least one byte before ".py" */
  open = g_strrstr_len (name, (gssize) end, " (");
  return open != NULL && open > name && open + 2 < name + end - 3;
}

gsize
lp_flame_color_annotation_len (const char *name)
{
  gsize len;

  g_return_val_if_fail (name != NULL, 0);
  len = strlen (name);
  if (len > 4 && name[len - 4] == '_' && name[len - 3] == '[' && name[len - 1] == ']' &&
      strchr ("kjiw", name[len - 2]) != NULL && name[len - 2] != '\0')
    return 4;
  return 0;
}

char *
lp_flame_color_display_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  return g_strndup (name, strlen (name) - lp_flame_color_annotation_len (name));
}

LpFlameKind
lp_flame_color_kind_of (const char *name)
{
  gsize len;

  g_return_val_if_fail (name != NULL, LP_FLAME_KIND_OTHER);

  len = strlen (name);
  if (lp_flame_color_annotation_len (name) > 0)
    switch (name[len - 2])
      {
      case 'j':
        return LP_FLAME_KIND_JIT;
      case 'i':
        return LP_FLAME_KIND_INLINED;
      case 'w':
        return LP_FLAME_KIND_WAKER;
      default:
        break;
      }
  /* before the "[…]" names, which its markers are */
  if (lp_flame_color_is_python (name))
    return LP_FLAME_KIND_PYTHON;
  /* perf's and stackcollapse's kernel annotation */
  if (g_str_has_suffix (name, "_[k]") || g_str_has_suffix (name, "[kernel.kallsyms]") ||
      g_str_has_prefix (name, "[kernel") || g_str_has_prefix (name, "entry_SYSCALL") ||
      g_str_has_prefix (name, "__x64_sys_") || g_str_has_prefix (name, "do_syscall_"))
    return LP_FLAME_KIND_KERNEL;
  if (strcmp (name, "[unknown]") == 0 || g_str_has_prefix (name, "0x") ||
      (len > 2 && name[0] == '[' && name[len - 1] == ']'))
    return is_libc_name (name) ? LP_FLAME_KIND_LIBC : LP_FLAME_KIND_UNKNOWN;
  if (is_libc_name (name))
    return LP_FLAME_KIND_LIBC;
  if (strstr (name, "::") != NULL || g_str_has_prefix (name, "_Z"))
    return LP_FLAME_KIND_CXX;
  return LP_FLAME_KIND_OTHER;
}

/* flamegraph.pl's namehash: the first characters weigh most, so that
 * frames of one module look alike; a value in [0, 1]. */
static double
name_hash_fg (const char *name,
              gboolean    reverse)
{
  double vector = 0, weight = 1, max = 1, mod = 10;
  gsize len = strlen (name);
  const char *p = name;
  g_autofree char *rev = NULL;

  /* hash the function part, not the module before a '`' */
  if (strchr (p, '`') != NULL)
    p = strchr (p, '`') + 1;
  if (reverse)
    {
      rev = g_strreverse (g_strndup (p, strlen (p)));
      p = rev;
    }
  len = strlen (p);
  for (gsize i = 0; i < len && i < 3; i++)
    {
      guint i_val = (guint8) p[i] % (guint) mod;
      vector += (i_val / (mod - 1)) * weight;
      mod++;
      max += 1 * weight;
      weight *= 0.70;
    }
  return 1 - vector / max;
}

static void
whole_name_hash (const char *name,
                 double     *v1,
                 double     *v2,
                 double     *v3)
{
  guint64 h = lp_hash_bytes (name, strlen (name));

  *v1 = (h & 0xffff) / 65535.0;
  *v2 = ((h >> 16) & 0xffff) / 65535.0;
  *v3 = ((h >> 32) & 0xffff) / 65535.0;
}

/* Kernel frames in a palette other than lang: a family no other frame of
 * that palette gets, so that the kernel's part of a stack stands apart.
 * flamegraph.pl's (and lang's) orange, but in the palettes whose own
 * colours include oranges (hot, orange), violet (and not the idle frames'
 * light steel blue). */
static LpRgb
kernel_color (LpFlamePalette palette,
              double         v1,
              double         v2,
              double         v3)
{
  if (palette == LP_FLAME_PALETTE_HOT || palette == LP_FLAME_PALETTE_ORANGE)
    return (LpRgb) { 150 + 40 * v1, 110 + 40 * v1, 205 + 50 * v2 };
  return (LpRgb) { 205 + 50 * v3, 130 + 40 * v1, 0 + 40 * v2 };
}

LpRgb
lp_flame_color_for_name (const char     *name,
                         LpFlamePalette  palette,
                         gboolean        name_hash)
{
  double v1, v2, v3;
  LpRgb c;

  g_return_val_if_fail (name != NULL, ((LpRgb) { 0, 0, 0 }));

  if (name_hash)
    {
      v1 = name_hash_fg (name, FALSE);
      v2 = v3 = name_hash_fg (name, TRUE);
    }
  else
    whole_name_hash (name, &v1, &v2, &v3);

  if (palette != LP_FLAME_PALETTE_LANG && lp_flame_color_kind_of (name) == LP_FLAME_KIND_KERNEL)
    return kernel_color (palette, v1, v2, v3);
  if (palette == LP_FLAME_PALETTE_LANG)
    {
      switch (lp_flame_color_kind_of (name))
        {
        case LP_FLAME_KIND_KERNEL:  /* orange */
          return kernel_color (palette, v1, v2, v3);
        case LP_FLAME_KIND_CXX:     /* yellow */
          return (LpRgb) { 195 + 40 * v1, 195 + 40 * v1, 0 + 55 * v2 };
        case LP_FLAME_KIND_LIBC:    /* aqua */
          return (LpRgb) { 50 + 60 * v1, 170 + 55 * v1, 170 + 55 * v1 };
        case LP_FLAME_KIND_UNKNOWN: /* grey */
          return (LpRgb) { 150 + 40 * v1, 150 + 40 * v1, 150 + 40 * v1 };
        case LP_FLAME_KIND_PYTHON:  /* Python's blue, light enough for black labels */
          return (LpRgb) { 60 + 50 * v1, 125 + 45 * v1, 205 + 50 * v2 };
        case LP_FLAME_KIND_JIT:     /* flamegraph.pl's green */
          palette = LP_FLAME_PALETTE_GREEN;
          break;
        case LP_FLAME_KIND_INLINED: /* flamegraph.pl's aqua */
        case LP_FLAME_KIND_WAKER:
          palette = LP_FLAME_PALETTE_AQUA;
          break;
        case LP_FLAME_KIND_OTHER:   /* red (not hot's oranges, which kernel frames have) */
        default:
          palette = LP_FLAME_PALETTE_RED;
          break;
        }
    }

  switch (palette)
    {
    case LP_FLAME_PALETTE_MEM:
      c = (LpRgb) { 0, 190 + 50 * v2, 0 + 210 * v1 };
      break;
    case LP_FLAME_PALETTE_IO:
      c.r = 80 + 60 * v1;
      c.g = c.r;
      c.b = 190 + 55 * v2;
      break;
    case LP_FLAME_PALETTE_RED:
      c.r = 200 + 55 * v1;
      c.g = c.b = 50 + 80 * v1;
      break;
    case LP_FLAME_PALETTE_GREEN:
      c.g = 200 + 55 * v1;
      c.r = c.b = 50 + 60 * v1;
      break;
    case LP_FLAME_PALETTE_BLUE:
      c.b = 205 + 50 * v1;
      c.r = c.g = 80 + 60 * v1;
      break;
    case LP_FLAME_PALETTE_AQUA:
      c.r = 50 + 60 * v1;
      c.g = c.b = 165 + 55 * v1;
      break;
    case LP_FLAME_PALETTE_YELLOW:
      c.r = c.g = 175 + 55 * v1;
      c.b = 50 + 20 * v1;
      break;
    case LP_FLAME_PALETTE_PURPLE:
      c.r = c.b = 190 + 65 * v1;
      c.g = 80 + 60 * v1;
      break;
    case LP_FLAME_PALETTE_ORANGE:
      c = (LpRgb) { 190 + 65 * v1, 90 + 65 * v1, 0 };
      break;
    case LP_FLAME_PALETTE_HOT:
    case LP_FLAME_PALETTE_LANG:
    default:
      c = (LpRgb) { 205 + 50 * v3, 0 + 230 * v1, 0 + 55 * v2 };
      break;
    }
  return c;
}

LpRgb
lp_flame_color_for_delta (double delta,
                          double max_abs_delta)
{
  double v;
  guint8 other;

  if (delta == 0 || max_abs_delta <= 0)
    return (LpRgb) { 250, 250, 250 };
  v = MIN (1.0, fabs (delta) / max_abs_delta);
  other = (guint8) (210 * (1 - v));
  if (delta > 0)
    return (LpRgb) { 255, other, other };
  return (LpRgb) { other, other, 255 };
}
