/* lp-demangle-rust-v0.c: Rust's v0 mangling ("_R...", RFC 2603): the reader, identifiers, paths, and the entry point.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-demangle-rust-v0.h"

/* Work is bounded as well as output: every path, type and const visited
 * costs a step, so back-references that expand into little text cannot
 * keep us busy. Real names take one step per few bytes of output. */
#define MAX_STEPS (LP_DEMANGLE_RUST_MAX_OUTPUT * 4)
/* Punycode decoding inserts into an array (quadratic): longer identifiers
 * than any real one are refused. */
#define MAX_PUNYCODE 1024
/* "for<'a, 'b, ...>": more bound lifetimes than this are refused. */
#define MAX_BOUND_LIFETIMES 1024


void
lp_demangle_rust_v0_fail (V0 *v)
{
  v->failed = TRUE;
}

int
lp_demangle_rust_v0_peek (const V0 *v)
{
  return v->pos < v->len ? (guchar) v->sym[v->pos] : 0;
}

/* The next byte, or 0 (and failure) at the end. */
int
lp_demangle_rust_v0_next (V0 *v)
{
  if (v->pos >= v->len)
    {
      lp_demangle_rust_v0_fail (v);
      return 0;
    }
  return (guchar) v->sym[v->pos++];
}

gboolean
lp_demangle_rust_v0_eat (V0   *v,
                         char  c)
{
  if (v->pos < v->len && v->sym[v->pos] == c)
    {
      v->pos++;
      return TRUE;
    }
  return FALSE;
}

void
lp_demangle_rust_v0_print_len (V0         *v,
                               const char *s,
                               gsize       n)
{
  if (v->out == NULL || v->failed)
    return;
  if (n > LP_DEMANGLE_RUST_MAX_OUTPUT - v->out->len)
    {
      lp_demangle_rust_v0_fail (v);
      return;
    }
  g_string_append_len (v->out, s, n);
}

void
lp_demangle_rust_v0_print (V0         *v,
                           const char *s)
{
  lp_demangle_rust_v0_print_len (v, s, strlen (s));
}

void
lp_demangle_rust_v0_print_u64 (V0      *v,
                               guint64  value,
                               gboolean hex)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, hex ? "%" G_GINT64_MODIFIER "x" : "%" G_GUINT64_FORMAT, value);
  lp_demangle_rust_v0_print (v, buf);
}

/* Nesting and work limits; every enter() that succeeds needs a leave(). */
gboolean
lp_demangle_rust_v0_enter (V0 *v)
{
  if (v->failed || v->depth >= LP_DEMANGLE_RUST_MAX_DEPTH || v->steps >= MAX_STEPS)
    {
      lp_demangle_rust_v0_fail (v);
      return FALSE;
    }
  v->depth++;
  v->steps++;
  return TRUE;
}

void
lp_demangle_rust_v0_leave (V0 *v)
{
  g_assert (v->depth > 0);
  v->depth--;
}

/* base-62-number: "_" is 0, "<digits>_" is the digits' value plus one. */
gboolean
lp_demangle_rust_v0_parse_base62 (V0      *v,
                                  guint64 *value)
{
  guint64 x = 0;

  if (lp_demangle_rust_v0_eat (v, '_'))
    {
      *value = 0;
      return TRUE;
    }
  for (;;)
    {
      int c = lp_demangle_rust_v0_next (v);
      guint d;

      if (c == '_')
        break;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'z')
        d = 10 + c - 'a';
      else if (c >= 'A' && c <= 'Z')
        d = 36 + c - 'A';
      else
        {
          lp_demangle_rust_v0_fail (v);
          return FALSE;
        }
      if (x > (G_MAXUINT64 - d) / 62)
        {
          lp_demangle_rust_v0_fail (v);
          return FALSE;
        }
      x = x * 62 + d;
    }
  if (x == G_MAXUINT64)
    {
      lp_demangle_rust_v0_fail (v);
      return FALSE;
    }
  *value = x + 1;
  return TRUE;
}

/* [tag base-62-number]: 0 when the tag is absent, else the number plus one
 * (disambiguators "s", binders "G"). */
static gboolean
parse_opt_base62 (V0      *v,
                  char     tag,
                  guint64 *value)
{
  guint64 x;

  *value = 0;
  if (!lp_demangle_rust_v0_eat (v, tag))
    return TRUE;
  if (!lp_demangle_rust_v0_parse_base62 (v, &x) || x == G_MAXUINT64)
    {
      lp_demangle_rust_v0_fail (v);
      return FALSE;
    }
  *value = x + 1;
  return TRUE;
}

static gboolean
parse_decimal (V0    *v,
               gsize *value)
{
  gsize x = 0;

  if (!g_ascii_isdigit (lp_demangle_rust_v0_peek (v)))
    {
      lp_demangle_rust_v0_fail (v);
      return FALSE;
    }
  if (lp_demangle_rust_v0_eat (v, '0'))
    {
      *value = 0;
      return TRUE;
    }
  while (g_ascii_isdigit (lp_demangle_rust_v0_peek (v)))
    {
      gsize d = lp_demangle_rust_v0_next (v) - '0';

      if (x > (G_MAXSIZE - d) / 10)
        {
          lp_demangle_rust_v0_fail (v);
          return FALSE;
        }
      x = x * 10 + d;
    }
  *value = x;
  return TRUE;
}

/* undisambiguated-identifier = ["u"] decimal-number ["_"] bytes */
gboolean
lp_demangle_rust_v0_parse_ident (V0    *v,
                                 Ident *id)
{
  gboolean punycode = lp_demangle_rust_v0_eat (v, 'u');
  const char *bytes;
  gsize n;

  memset (id, 0, sizeof *id);
  if (!parse_decimal (v, &n))
    return FALSE;
  lp_demangle_rust_v0_eat (v, '_');
  if (n > v->len - v->pos)
    {
      lp_demangle_rust_v0_fail (v);
      return FALSE;
    }
  bytes = v->sym + v->pos;
  v->pos += n;
  if (!punycode)
    {
      id->ascii = bytes;
      id->ascii_len = n;
      return TRUE;
    }
  /* "<ascii>_<deltas>", or only deltas when there is no '_' */
  id->ascii = bytes;
  id->punycode = bytes;
  for (gsize i = n; i > 0; i--)
    if (bytes[i - 1] == '_')
      {
        id->ascii_len = i - 1;
        id->punycode = bytes + i;
        break;
      }
  id->punycode_len = n - (id->punycode - bytes);
  if (id->punycode_len == 0)
    {
      lp_demangle_rust_v0_fail (v);
      return FALSE;
    }
  return TRUE;
}

static gboolean
ident_is_empty (const Ident *id)
{
  return id->ascii_len == 0 && id->punycode == NULL;
}

static guint64
punycode_adapt (guint64  delta,
                guint64  n_points,
                gboolean first)
{
  guint64 k = 0;

  delta = first ? delta / 700 : delta / 2;
  delta += delta / n_points;
  while (delta > ((36 - 1) * 26) / 2)
    {
      delta /= 35;
      k += 36;
    }
  return k + (36 * delta) / (delta + 38);
}

/* RFC 3492 with Rust's alphabet (lower-case letters, digits, '_' before
 * the deltas); appends UTF-8 to @out. */
static gboolean
punycode_decode (const Ident *id,
                 GString     *out)
{
  gsize cap = id->ascii_len + id->punycode_len;
  g_autofree gunichar *cps = NULL;
  gsize n_cps = 0;
  guint64 n = 128, i = 0, bias = 72;
  gsize p = 0;

  if (cap > MAX_PUNYCODE)
    return FALSE;
  cps = g_new (gunichar, cap);
  for (gsize k = 0; k < id->ascii_len; k++)
    cps[n_cps++] = (guchar) id->ascii[k];
  while (p < id->punycode_len)
    {
      guint64 old_i = i, w = 1;

      for (guint64 k = 36;; k += 36)
        {
          int c;
          guint64 digit, t;

          if (p >= id->punycode_len)
            return FALSE;
          c = id->punycode[p++];
          if (c >= 'a' && c <= 'z')
            digit = c - 'a';
          else if (c >= '0' && c <= '9')
            digit = 26 + c - '0';
          else
            return FALSE;
          if (digit > (G_MAXUINT32 - i) / w)
            return FALSE;
          i += digit * w;
          t = k <= bias ? 1 : (k >= bias + 26 ? 26 : k - bias);
          if (digit < t)
            break;
          if (w > G_MAXUINT32 / (36 - t))
            return FALSE;
          w *= 36 - t;
        }
      bias = punycode_adapt (i - old_i, n_cps + 1, old_i == 0);
      n += i / (n_cps + 1);
      i %= n_cps + 1;
      if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) || n_cps >= cap)
        return FALSE;
      memmove (cps + i + 1, cps + i, (n_cps - i) * sizeof *cps);
      cps[i++] = (gunichar) n;
      n_cps++;
    }
  for (gsize k = 0; k < n_cps; k++)
    g_string_append_unichar (out, cps[k]);
  return TRUE;
}

void
lp_demangle_rust_v0_print_ident (V0          *v,
                                 const Ident *id)
{
  g_autoptr(GString) decoded = NULL;

  if (v->out == NULL || v->failed)
    return;
  if (id->punycode == NULL)
    {
      lp_demangle_rust_v0_print_len (v, id->ascii, id->ascii_len);
      return;
    }
  decoded = g_string_new (NULL);
  if (!punycode_decode (id, decoded))
    {
      lp_demangle_rust_v0_fail (v);
      return;
    }
  lp_demangle_rust_v0_print_len (v, decoded->str, decoded->len);
}

/* backref = "B" base-62-number, an offset into the name (after "_R")
 * before the 'B' itself: back-references only point backwards. */
gboolean
lp_demangle_rust_v0_parse_backref (V0    *v,
                                   gsize *target)
{
  gsize start = v->pos - 1;
  guint64 i;

  if (!lp_demangle_rust_v0_parse_base62 (v, &i))
    return FALSE;
  if (i >= start)
    {
      lp_demangle_rust_v0_fail (v);
      return FALSE;
    }
  *target = (gsize) i;
  return TRUE;
}

/* After the 'B': prints what the back-reference points to. Nothing is
 * parsed there while printing is off: the name goes on after the number. */
void
lp_demangle_rust_v0_print_backref (V0          *v,
                                   BackrefKind  kind)
{
  gsize target, saved;

  if (!lp_demangle_rust_v0_parse_backref (v, &target) || v->out == NULL)
    return;
  saved = v->pos;
  v->pos = target;
  switch (kind)
    {
    case BACKREF_PATH:
      lp_demangle_rust_v0_print_path (v, FALSE);
      break;
    case BACKREF_VALUE_PATH:
      lp_demangle_rust_v0_print_path (v, TRUE);
      break;
    case BACKREF_TYPE:
      lp_demangle_rust_v0_type_print (v);
      break;
    case BACKREF_CONST:
      lp_demangle_rust_v0_type_print_const (v);
      break;
    }
  v->pos = saved;
}

void
lp_demangle_rust_v0_print_lifetime (V0      *v,
                                    guint64  lt)
{
  guint64 depth;

  lp_demangle_rust_v0_print (v, "'");
  if (lt == 0)
    {
      lp_demangle_rust_v0_print (v, "_");
      return;
    }
  if (lt > v->bound_lifetimes)
    {
      lp_demangle_rust_v0_fail (v);
      return;
    }
  depth = v->bound_lifetimes - lt;
  if (depth < 26)
    {
      char c[2] = { (char) ('a' + depth), 0 };
      lp_demangle_rust_v0_print (v, c);
    }
  else
    {
      lp_demangle_rust_v0_print (v, "_");
      lp_demangle_rust_v0_print_u64 (v, depth, FALSE);
    }
}

/* binder = "G" base-62-number: "for<'a, 'b> "; returns how many lifetimes
 * it bound, for close_binder(). */
guint64
lp_demangle_rust_v0_open_binder (V0 *v)
{
  guint64 n;

  if (!parse_opt_base62 (v, 'G', &n))
    return 0;
  if (n > MAX_BOUND_LIFETIMES)
    {
      lp_demangle_rust_v0_fail (v);
      return 0;
    }
  if (n == 0)
    return 0;
  lp_demangle_rust_v0_print (v, "for<");
  for (guint64 i = 0; i < n; i++)
    {
      if (i > 0)
        lp_demangle_rust_v0_print (v, ", ");
      v->bound_lifetimes++;
      lp_demangle_rust_v0_print_lifetime (v, 1);
    }
  lp_demangle_rust_v0_print (v, "> ");
  return n;
}

void
lp_demangle_rust_v0_close_binder (V0      *v,
                                  guint64  n)
{
  v->bound_lifetimes -= n;
}

/* Parses a path without printing it (impl paths, the instantiating crate). */
static void
skip_path (V0 *v)
{
  GString *saved = v->out;

  v->out = NULL;
  lp_demangle_rust_v0_print_path (v, FALSE);
  v->out = saved;
}

/* generic-arg = lifetime | type | "K" const */
static void
print_generic_arg (V0 *v)
{
  guint64 lt;

  if (lp_demangle_rust_v0_eat (v, 'L'))
    {
      if (lp_demangle_rust_v0_parse_base62 (v, &lt))
        lp_demangle_rust_v0_print_lifetime (v, lt);
    }
  else if (lp_demangle_rust_v0_eat (v, 'K'))
    lp_demangle_rust_v0_type_print_const (v);
  else
    lp_demangle_rust_v0_type_print (v);
}

/* {generic-arg} "E", separated by ", " */
void
lp_demangle_rust_v0_print_generic_args (V0 *v)
{
  for (guint i = 0; !v->failed && !lp_demangle_rust_v0_eat (v, 'E'); i++)
    {
      if (i > 0)
        lp_demangle_rust_v0_print (v, ", ");
      print_generic_arg (v);
    }
}

void
lp_demangle_rust_v0_print_path (V0       *v,
                                gboolean  in_value)
{
  guint64 dis;
  Ident id;
  int tag, ns;

  if (!lp_demangle_rust_v0_enter (v))
    return;
  tag = lp_demangle_rust_v0_next (v);
  switch (tag)
    {
    case 'C':   /* crate root */
      if (!parse_opt_base62 (v, 's', &dis) || !lp_demangle_rust_v0_parse_ident (v, &id))
        break;
      lp_demangle_rust_v0_print_ident (v, &id);
      if (v->verbose)
        {
          lp_demangle_rust_v0_print (v, "[");
          lp_demangle_rust_v0_print_u64 (v, dis, TRUE);
          lp_demangle_rust_v0_print (v, "]");
        }
      break;

    case 'N':   /* nested path: a namespace, the parent, an identifier */
      ns = lp_demangle_rust_v0_next (v);
      if (!g_ascii_isalpha (ns))
        {
          lp_demangle_rust_v0_fail (v);
          break;
        }
      lp_demangle_rust_v0_print_path (v, in_value);
      if (!parse_opt_base62 (v, 's', &dis) || !lp_demangle_rust_v0_parse_ident (v, &id))
        break;
      if (g_ascii_isupper (ns))
        {
          /* closures and shims: "{closure#0}", "{shim:vtable#0}" */
          char other[2] = { (char) ns, 0 };

          lp_demangle_rust_v0_print (v, "::{");
          lp_demangle_rust_v0_print (v, ns == 'C' ? "closure" : ns == 'S' ? "shim" : other);
          if (!ident_is_empty (&id))
            {
              lp_demangle_rust_v0_print (v, ":");
              lp_demangle_rust_v0_print_ident (v, &id);
            }
          lp_demangle_rust_v0_print (v, "#");
          lp_demangle_rust_v0_print_u64 (v, dis, FALSE);
          lp_demangle_rust_v0_print (v, "}");
        }
      else if (!ident_is_empty (&id))
        {
          lp_demangle_rust_v0_print (v, "::");
          lp_demangle_rust_v0_print_ident (v, &id);
        }
      break;

    case 'M':   /* inherent impl: <T> */
    case 'X':   /* trait impl: <T as Trait> */
      if (!parse_opt_base62 (v, 's', &dis))
        break;
      skip_path (v);
      lp_demangle_rust_v0_print (v, "<");
      lp_demangle_rust_v0_type_print (v);
      if (tag == 'X')
        {
          lp_demangle_rust_v0_print (v, " as ");
          lp_demangle_rust_v0_print_path (v, FALSE);
        }
      lp_demangle_rust_v0_print (v, ">");
      break;

    case 'Y':   /* trait definition: <T as Trait> */
      lp_demangle_rust_v0_print (v, "<");
      lp_demangle_rust_v0_type_print (v);
      lp_demangle_rust_v0_print (v, " as ");
      lp_demangle_rust_v0_print_path (v, FALSE);
      lp_demangle_rust_v0_print (v, ">");
      break;

    case 'I':   /* generic arguments; in values, a turbofish */
      lp_demangle_rust_v0_print_path (v, in_value);
      if (in_value)
        lp_demangle_rust_v0_print (v, "::");
      lp_demangle_rust_v0_print (v, "<");
      lp_demangle_rust_v0_print_generic_args (v);
      lp_demangle_rust_v0_print (v, ">");
      break;

    case 'B':
      lp_demangle_rust_v0_print_backref (v, in_value ? BACKREF_VALUE_PATH : BACKREF_PATH);
      break;

    default:
      lp_demangle_rust_v0_fail (v);
      break;
    }
  lp_demangle_rust_v0_leave (v);
}

char *
lp_demangle_rust_v0 (const char          *mangled,
                     LpDemangleRustFlags  flags)
{
  g_autoptr(GString) out = NULL;
  V0 v = { 0 };

  g_return_val_if_fail (mangled != NULL, NULL);

  if (mangled[0] != '_' || mangled[1] != 'R')
    return NULL;
  v.sym = mangled + 2;
  /* v0 names are [A-Za-z0-9_]; a ".suffix" (".llvm.1234") is not shown */
  for (v.len = 0; v.sym[v.len] != '\0' && v.sym[v.len] != '.'; v.len++)
    if (!g_ascii_isalnum (v.sym[v.len]) && v.sym[v.len] != '_')
      return NULL;
  /* "_R<decimal>": a later encoding version, unknown to us */
  if (g_ascii_isdigit (v.sym[0]))
    return NULL;

  out = g_string_new (NULL);
  v.out = out;
  v.verbose = (flags & LP_DEMANGLE_RUST_VERBOSE) != 0;
  lp_demangle_rust_v0_print_path (&v, TRUE);
  /* the crate that instantiated a generic function: not shown */
  if (!v.failed && g_ascii_isupper (lp_demangle_rust_v0_peek (&v)))
    skip_path (&v);
  if (v.failed || v.pos != v.len)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
