/* lp-demangle-rust.c: Rust symbol names: the legacy mangling ("_ZN...17h<hash>E"), and which of the two a name uses (v0: lp-demangle-rust-v0.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-demangle-rust.h"


/* ---- legacy ------------------------------------------------------------ */

/* The last element, "h" and 16 lower-case hex digits. A real hash uses
 * many digits; one with fewer than 5 distinct is taken as a C++ name. */
static gboolean
is_legacy_hash (const char *s,
                gsize       n)
{
  guint seen = 0;

  if (n != 17 || s[0] != 'h')
    return FALSE;
  for (gsize i = 1; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
        return FALSE;
      seen |= 1u << g_ascii_xdigit_value (s[i]);
    }
  return g_bit_storage (seen) > 0 && __builtin_popcount (seen) >= 5;
}

/* Calls @func on each element of "_ZN<len><bytes>...E" until it returns
 * FALSE; returns FALSE for a malformed name. Rust writes only
 * [A-Za-z0-9_$.] in elements, and ends the name at the 'E' or a ".suffix". */
typedef gboolean (*ElementFunc) (const char *s, gsize n, gboolean last, gpointer data);

static gboolean
legacy_elements (const char  *mangled,
                 ElementFunc  func,
                 gpointer     data)
{
  const char *p;
  guint count = 0;

  if (strncmp (mangled, "_ZN", 3) != 0)
    return FALSE;
  p = mangled + 3;
  while (*p != 'E')
    {
      gsize n = 0;
      const char *s;
      gboolean last;

      if (!g_ascii_isdigit (*p) || *p == '0')
        return FALSE;
      while (g_ascii_isdigit (*p))
        {
          if (n > (G_MAXSIZE - 9) / 10)
            return FALSE;
          n = n * 10 + (*p++ - '0');
        }
      s = p;
      for (gsize i = 0; i < n; i++)
        if (s[i] == '\0' || !(g_ascii_isalnum (s[i]) || s[i] == '_' || s[i] == '$' || s[i] == '.'))
          return FALSE;
      p += n;
      last = *p == 'E';
      if (last && (count == 0 || !is_legacy_hash (s, n)))
        return FALSE;
      if (func != NULL && !func (s, n, last, data))
        return TRUE;
      count++;
    }
  p++;
  return *p == '\0' || *p == '.';
}

gboolean
lp_demangle_rust_is_legacy (const char *mangled)
{
  g_return_val_if_fail (mangled != NULL, FALSE);

  return legacy_elements (mangled, NULL, NULL);
}

/* $u7e$: lower-case hex without leading zeros, not a control character */
static gboolean
legacy_unicode_escape (const char *s,
                       gsize       n,
                       gunichar   *c)
{
  guint32 value = 0;

  if (n < 2 || n > 7 || s[0] != 'u' || s[1] == '0')
    return FALSE;
  for (gsize i = 1; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
        return FALSE;
      value = (value << 4) | g_ascii_xdigit_value (s[i]);
    }
  if (!g_unichar_validate (value) || g_unichar_iscntrl (value))
    return FALSE;
  *c = value;
  return TRUE;
}

static const char *
legacy_escape (const char *s,
               gsize       n)
{
  static const struct { const char *escape; const char *text; } escapes[] = {
    { "SP", "@" }, { "BP", "*" }, { "RF", "&" }, { "LT", "<" },
    { "GT", ">" }, { "LP", "(" }, { "RP", ")" }, { "C", "," },
  };

  for (guint i = 0; i < G_N_ELEMENTS (escapes); i++)
    if (strlen (escapes[i].escape) == n && memcmp (escapes[i].escape, s, n) == 0)
      return escapes[i].text;
  return NULL;
}

typedef struct
{
  GString  *out;
  gboolean  verbose;
} Legacy;

static gboolean
legacy_print_element (const char *s,
                      gsize       n,
                      gboolean    last,
                      gpointer    data)
{
  Legacy *l = data;
  gsize i = 0;

  if (last && !l->verbose)
    return FALSE;
  if (l->out->len > 0)
    g_string_append (l->out, "::");
  /* "_$LT$": a leading '_' keeps an element from starting with '$' */
  if (n >= 2 && s[0] == '_' && s[1] == '$')
    i = 1;
  while (i < n)
    {
      if (s[i] == '.')
        {
          gboolean twice = i + 1 < n && s[i + 1] == '.';

          g_string_append (l->out, twice ? "::" : ".");
          i += twice ? 2 : 1;
        }
      else if (s[i] == '$')
        {
          const char *end = memchr (s + i + 1, '$', n - i - 1);
          const char *text;
          gunichar c;

          /* an unknown escape: the rest of the element is shown as it is */
          if (end == NULL)
            break;
          text = legacy_escape (s + i + 1, end - (s + i + 1));
          if (text != NULL)
            g_string_append (l->out, text);
          else if (legacy_unicode_escape (s + i + 1, end - (s + i + 1), &c))
            g_string_append_unichar (l->out, c);
          else
            break;
          i = end + 1 - s;
        }
      else
        {
          gsize run = i;

          while (run < n && s[run] != '.' && s[run] != '$')
            run++;
          g_string_append_len (l->out, s + i, run - i);
          i = run;
        }
    }
  g_string_append_len (l->out, s + i, n - i);
  return TRUE;
}

char *
lp_demangle_rust_legacy (const char          *mangled,
                         LpDemangleRustFlags  flags)
{
  g_autoptr(GString) out = NULL;
  Legacy l;

  g_return_val_if_fail (mangled != NULL, NULL);

  if (!lp_demangle_rust_is_legacy (mangled))
    return NULL;
  out = g_string_new (NULL);
  l.out = out;
  l.verbose = (flags & LP_DEMANGLE_RUST_VERBOSE) != 0;
  if (!legacy_elements (mangled, legacy_print_element, &l) ||
      out->len > LP_DEMANGLE_RUST_MAX_OUTPUT)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
lp_demangle_rust (const char          *mangled,
                  LpDemangleRustFlags  flags)
{
  g_return_val_if_fail (mangled != NULL, NULL);

  if (g_str_has_prefix (mangled, "_R"))
    return lp_demangle_rust_v0 (mangled, flags);
  if (g_str_has_prefix (mangled, "_ZN"))
    return lp_demangle_rust_legacy (mangled, flags);
  return NULL;
}
