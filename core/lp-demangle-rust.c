/* lp-demangle-rust.c: Rust symbol names, legacy ("_ZN...17h<hash>E") and v0 ("_R...", RFC 2603).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-demangle-rust.h"

/* Work is bounded as well as output: every path, type and const visited
 * costs a step, so back-references that expand into little text cannot
 * keep us busy. Real names take one step per few bytes of output. */
#define MAX_STEPS (LP_DEMANGLE_RUST_MAX_OUTPUT * 4)
/* Punycode decoding inserts into an array (quadratic): longer identifiers
 * than any real one are refused. */
#define MAX_PUNYCODE 1024
/* "for<'a, 'b, ...>": more bound lifetimes than this are refused. */
#define MAX_BOUND_LIFETIMES 1024

/* ---- v0 ---------------------------------------------------------------- */

typedef struct
{
  const char *sym;          /* the name after "_R" */
  gsize       len;          /* up to a ".suffix" or the end */
  gsize       pos;
  GString    *out;          /* NULL while parsing what is not shown */
  gboolean    verbose;
  gboolean    failed;
  guint       depth;
  guint       steps;
  guint64     bound_lifetimes;
} V0;

typedef struct
{
  const char *ascii;
  gsize       ascii_len;
  const char *punycode;     /* NULL unless the identifier had the 'u' prefix */
  gsize       punycode_len;
} Ident;

static void print_path  (V0 *v, gboolean in_value);
static void print_type  (V0 *v);
static void print_const (V0 *v);

static void
fail (V0 *v)
{
  v->failed = TRUE;
}

static int
peek (const V0 *v)
{
  return v->pos < v->len ? (guchar) v->sym[v->pos] : 0;
}

/* The next byte, or 0 (and failure) at the end. */
static int
next (V0 *v)
{
  if (v->pos >= v->len)
    {
      fail (v);
      return 0;
    }
  return (guchar) v->sym[v->pos++];
}

static gboolean
eat (V0   *v,
     char  c)
{
  if (v->pos < v->len && v->sym[v->pos] == c)
    {
      v->pos++;
      return TRUE;
    }
  return FALSE;
}

static void
print_len (V0         *v,
           const char *s,
           gsize       n)
{
  if (v->out == NULL || v->failed)
    return;
  if (n > LP_DEMANGLE_RUST_MAX_OUTPUT - v->out->len)
    {
      fail (v);
      return;
    }
  g_string_append_len (v->out, s, n);
}

static void
print (V0         *v,
       const char *s)
{
  print_len (v, s, strlen (s));
}

static void
print_u64 (V0      *v,
           guint64  value,
           gboolean hex)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, hex ? "%" G_GINT64_MODIFIER "x" : "%" G_GUINT64_FORMAT, value);
  print (v, buf);
}

/* Nesting and work limits; every enter() that succeeds needs a leave(). */
static gboolean
enter (V0 *v)
{
  if (v->failed || v->depth >= LP_DEMANGLE_RUST_MAX_DEPTH || v->steps >= MAX_STEPS)
    {
      fail (v);
      return FALSE;
    }
  v->depth++;
  v->steps++;
  return TRUE;
}

static void
leave (V0 *v)
{
  g_assert (v->depth > 0);
  v->depth--;
}

/* base-62-number: "_" is 0, "<digits>_" is the digits' value plus one. */
static gboolean
parse_base62 (V0      *v,
              guint64 *value)
{
  guint64 x = 0;

  if (eat (v, '_'))
    {
      *value = 0;
      return TRUE;
    }
  for (;;)
    {
      int c = next (v);
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
          fail (v);
          return FALSE;
        }
      if (x > (G_MAXUINT64 - d) / 62)
        {
          fail (v);
          return FALSE;
        }
      x = x * 62 + d;
    }
  if (x == G_MAXUINT64)
    {
      fail (v);
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
  if (!eat (v, tag))
    return TRUE;
  if (!parse_base62 (v, &x) || x == G_MAXUINT64)
    {
      fail (v);
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

  if (!g_ascii_isdigit (peek (v)))
    {
      fail (v);
      return FALSE;
    }
  if (eat (v, '0'))
    {
      *value = 0;
      return TRUE;
    }
  while (g_ascii_isdigit (peek (v)))
    {
      gsize d = next (v) - '0';

      if (x > (G_MAXSIZE - d) / 10)
        {
          fail (v);
          return FALSE;
        }
      x = x * 10 + d;
    }
  *value = x;
  return TRUE;
}

/* undisambiguated-identifier = ["u"] decimal-number ["_"] bytes */
static gboolean
parse_ident (V0    *v,
             Ident *id)
{
  gboolean punycode = eat (v, 'u');
  const char *bytes;
  gsize n;

  memset (id, 0, sizeof *id);
  if (!parse_decimal (v, &n))
    return FALSE;
  eat (v, '_');
  if (n > v->len - v->pos)
    {
      fail (v);
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
      fail (v);
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

static void
print_ident (V0          *v,
             const Ident *id)
{
  g_autoptr(GString) decoded = NULL;

  if (v->out == NULL || v->failed)
    return;
  if (id->punycode == NULL)
    {
      print_len (v, id->ascii, id->ascii_len);
      return;
    }
  decoded = g_string_new (NULL);
  if (!punycode_decode (id, decoded))
    {
      fail (v);
      return;
    }
  print_len (v, decoded->str, decoded->len);
}

/* backref = "B" base-62-number, an offset into the name (after "_R")
 * before the 'B' itself: back-references only point backwards. */
static gboolean
parse_backref (V0    *v,
               gsize *target)
{
  gsize start = v->pos - 1;
  guint64 i;

  if (!parse_base62 (v, &i))
    return FALSE;
  if (i >= start)
    {
      fail (v);
      return FALSE;
    }
  *target = (gsize) i;
  return TRUE;
}

typedef enum { BACKREF_PATH, BACKREF_VALUE_PATH, BACKREF_TYPE, BACKREF_CONST } BackrefKind;

/* After the 'B': prints what the back-reference points to. Nothing is
 * parsed there while printing is off: the name goes on after the number. */
static void
print_backref (V0          *v,
               BackrefKind  kind)
{
  gsize target, saved;

  if (!parse_backref (v, &target) || v->out == NULL)
    return;
  saved = v->pos;
  v->pos = target;
  switch (kind)
    {
    case BACKREF_PATH:
      print_path (v, FALSE);
      break;
    case BACKREF_VALUE_PATH:
      print_path (v, TRUE);
      break;
    case BACKREF_TYPE:
      print_type (v);
      break;
    case BACKREF_CONST:
      print_const (v);
      break;
    }
  v->pos = saved;
}

static void
print_lifetime (V0      *v,
                guint64  lt)
{
  guint64 depth;

  print (v, "'");
  if (lt == 0)
    {
      print (v, "_");
      return;
    }
  if (lt > v->bound_lifetimes)
    {
      fail (v);
      return;
    }
  depth = v->bound_lifetimes - lt;
  if (depth < 26)
    {
      char c[2] = { (char) ('a' + depth), 0 };
      print (v, c);
    }
  else
    {
      print (v, "_");
      print_u64 (v, depth, FALSE);
    }
}

/* binder = "G" base-62-number: "for<'a, 'b> "; returns how many lifetimes
 * it bound, for close_binder(). */
static guint64
open_binder (V0 *v)
{
  guint64 n;

  if (!parse_opt_base62 (v, 'G', &n))
    return 0;
  if (n > MAX_BOUND_LIFETIMES)
    {
      fail (v);
      return 0;
    }
  if (n == 0)
    return 0;
  print (v, "for<");
  for (guint64 i = 0; i < n; i++)
    {
      if (i > 0)
        print (v, ", ");
      v->bound_lifetimes++;
      print_lifetime (v, 1);
    }
  print (v, "> ");
  return n;
}

static void
close_binder (V0      *v,
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
  print_path (v, FALSE);
  v->out = saved;
}

/* generic-arg = lifetime | type | "K" const */
static void
print_generic_arg (V0 *v)
{
  guint64 lt;

  if (eat (v, 'L'))
    {
      if (parse_base62 (v, &lt))
        print_lifetime (v, lt);
    }
  else if (eat (v, 'K'))
    print_const (v);
  else
    print_type (v);
}

/* {generic-arg} "E", separated by ", " */
static void
print_generic_args (V0 *v)
{
  for (guint i = 0; !v->failed && !eat (v, 'E'); i++)
    {
      if (i > 0)
        print (v, ", ");
      print_generic_arg (v);
    }
}

static void
print_path (V0       *v,
            gboolean  in_value)
{
  guint64 dis;
  Ident id;
  int tag, ns;

  if (!enter (v))
    return;
  tag = next (v);
  switch (tag)
    {
    case 'C':   /* crate root */
      if (!parse_opt_base62 (v, 's', &dis) || !parse_ident (v, &id))
        break;
      print_ident (v, &id);
      if (v->verbose)
        {
          print (v, "[");
          print_u64 (v, dis, TRUE);
          print (v, "]");
        }
      break;

    case 'N':   /* nested path: a namespace, the parent, an identifier */
      ns = next (v);
      if (!g_ascii_isalpha (ns))
        {
          fail (v);
          break;
        }
      print_path (v, in_value);
      if (!parse_opt_base62 (v, 's', &dis) || !parse_ident (v, &id))
        break;
      if (g_ascii_isupper (ns))
        {
          /* closures and shims: "{closure#0}", "{shim:vtable#0}" */
          char other[2] = { (char) ns, 0 };

          print (v, "::{");
          print (v, ns == 'C' ? "closure" : ns == 'S' ? "shim" : other);
          if (!ident_is_empty (&id))
            {
              print (v, ":");
              print_ident (v, &id);
            }
          print (v, "#");
          print_u64 (v, dis, FALSE);
          print (v, "}");
        }
      else if (!ident_is_empty (&id))
        {
          print (v, "::");
          print_ident (v, &id);
        }
      break;

    case 'M':   /* inherent impl: <T> */
    case 'X':   /* trait impl: <T as Trait> */
      if (!parse_opt_base62 (v, 's', &dis))
        break;
      skip_path (v);
      print (v, "<");
      print_type (v);
      if (tag == 'X')
        {
          print (v, " as ");
          print_path (v, FALSE);
        }
      print (v, ">");
      break;

    case 'Y':   /* trait definition: <T as Trait> */
      print (v, "<");
      print_type (v);
      print (v, " as ");
      print_path (v, FALSE);
      print (v, ">");
      break;

    case 'I':   /* generic arguments; in values, a turbofish */
      print_path (v, in_value);
      if (in_value)
        print (v, "::");
      print (v, "<");
      print_generic_args (v);
      print (v, ">");
      break;

    case 'B':
      print_backref (v, in_value ? BACKREF_VALUE_PATH : BACKREF_PATH);
      break;

    default:
      fail (v);
      break;
    }
  leave (v);
}

static const char *
basic_type (int tag)
{
  switch (tag)
    {
    case 'a': return "i8";
    case 'b': return "bool";
    case 'c': return "char";
    case 'd': return "f64";
    case 'e': return "str";
    case 'f': return "f32";
    case 'h': return "u8";
    case 'i': return "isize";
    case 'j': return "usize";
    case 'l': return "i32";
    case 'm': return "u32";
    case 'n': return "i128";
    case 'o': return "u128";
    case 'p': return "_";
    case 's': return "i16";
    case 't': return "u16";
    case 'u': return "()";
    case 'v': return "...";
    case 'x': return "i64";
    case 'y': return "u64";
    case 'z': return "!";
    default: return NULL;
    }
}

/* fn-sig = [binder] ["U"] ["K" abi] {type} "E" type */
static void
print_fn_sig (V0 *v)
{
  guint64 bound = open_binder (v);

  if (eat (v, 'U'))
    print (v, "unsafe ");
  if (eat (v, 'K'))
    {
      print (v, "extern \"");
      if (eat (v, 'C'))
        print (v, "C");
      else
        {
          Ident abi;

          /* "C_unwind" stands for "C-unwind" */
          if (parse_ident (v, &abi))
            {
              if (abi.punycode != NULL)
                fail (v);
              for (gsize i = 0; i < abi.ascii_len && !v->failed; i++)
                print_len (v, abi.ascii[i] == '_' ? "-" : abi.ascii + i, 1);
            }
        }
      print (v, "\" ");
    }
  print (v, "fn(");
  for (guint i = 0; !v->failed && !eat (v, 'E'); i++)
    {
      if (i > 0)
        print (v, ", ");
      print_type (v);
    }
  print (v, ")");
  if (eat (v, 'u'))
    ; /* -> () is not written */
  else
    {
      print (v, " -> ");
      print_type (v);
    }
  close_binder (v, bound);
}

/* A dyn trait's path; when it ends in generic arguments, their '<' is left
 * open (returns TRUE) for the associated types to follow. */
static gboolean
print_path_maybe_open_generics (V0 *v)
{
  gboolean open = FALSE;
  gsize target, saved;

  if (!enter (v))
    return FALSE;
  if (eat (v, 'B'))
    {
      if (parse_backref (v, &target) && v->out != NULL)
        {
          saved = v->pos;
          v->pos = target;
          open = print_path_maybe_open_generics (v);
          v->pos = saved;
        }
    }
  else if (eat (v, 'I'))
    {
      print_path (v, FALSE);
      print (v, "<");
      print_generic_args (v);
      open = TRUE;
    }
  else
    print_path (v, FALSE);
  leave (v);
  return open;
}

/* dyn-trait = path {"p" undisambiguated-identifier type}: the associated
 * types go inside the trait's generic arguments */
static void
print_dyn_trait (V0 *v)
{
  gboolean open = print_path_maybe_open_generics (v);

  while (!v->failed && eat (v, 'p'))
    {
      Ident name;

      print (v, open ? ", " : "<");
      open = TRUE;
      if (!parse_ident (v, &name))
        break;
      print_ident (v, &name);
      print (v, " = ");
      print_type (v);
    }
  if (open)
    print (v, ">");
}

/* "D" dyn-bounds lifetime: dyn-bounds = [binder] {dyn-trait} "E" */
static void
print_dyn (V0 *v)
{
  guint64 bound, lt;

  print (v, "dyn ");
  bound = open_binder (v);
  for (guint i = 0; !v->failed && !eat (v, 'E'); i++)
    {
      if (i > 0)
        print (v, " + ");
      print_dyn_trait (v);
    }
  close_binder (v, bound);
  if (!eat (v, 'L'))
    {
      fail (v);
      return;
    }
  if (parse_base62 (v, &lt) && lt != 0)
    {
      print (v, " + ");
      print_lifetime (v, lt);
    }
}

static void
print_type (V0 *v)
{
  const char *basic;
  guint64 lt;
  int tag;

  if (!enter (v))
    return;
  tag = next (v);
  basic = basic_type (tag);
  if (basic != NULL)
    print (v, basic);
  else
    switch (tag)
      {
      case 'R':   /* &T, &'a T */
      case 'Q':   /* &mut T */
        print (v, "&");
        if (eat (v, 'L') && parse_base62 (v, &lt) && lt != 0)
          {
            print_lifetime (v, lt);
            print (v, " ");
          }
        if (tag == 'Q')
          print (v, "mut ");
        print_type (v);
        break;
      case 'P':
        print (v, "*const ");
        print_type (v);
        break;
      case 'O':
        print (v, "*mut ");
        print_type (v);
        break;
      case 'A':   /* [T; N] */
        print (v, "[");
        print_type (v);
        print (v, "; ");
        print_const (v);
        print (v, "]");
        break;
      case 'S':   /* [T] */
        print (v, "[");
        print_type (v);
        print (v, "]");
        break;
      case 'T':   /* (A, B), (A,) */
        {
          guint i;

          print (v, "(");
          for (i = 0; !v->failed && !eat (v, 'E'); i++)
            {
              if (i > 0)
                print (v, ", ");
              print_type (v);
            }
          if (i == 1)
            print (v, ",");
          print (v, ")");
        }
        break;
      case 'F':
        print_fn_sig (v);
        break;
      case 'D':
        print_dyn (v);
        break;
      case 'B':
        print_backref (v, BACKREF_TYPE);
        break;
      case 0:
        fail (v);
        break;
      default:    /* a named type: a path */
        v->pos--;
        print_path (v, FALSE);
        break;
      }
  leave (v);
}

/* {hex-digit} "_": at least one lower-case digit */
static gboolean
parse_hex (V0          *v,
           const char **digits,
           gsize       *n_digits,
           guint64     *value)
{
  gsize start = v->pos;

  *value = 0;
  while (g_ascii_isdigit (peek (v)) || (peek (v) >= 'a' && peek (v) <= 'f'))
    *value = (*value << 4) | g_ascii_xdigit_value (next (v));
  *digits = v->sym + start;
  *n_digits = v->pos - start;
  if (*n_digits == 0 || !eat (v, '_'))
    {
      fail (v);
      return FALSE;
    }
  return TRUE;
}

/* An integer const: decimal when it fits 64 bits, else "0x<digits>" */
static void
print_const_int (V0  *v,
                 int  tag)
{
  const char *digits;
  gsize n_digits;
  guint64 value;

  if (!parse_hex (v, &digits, &n_digits, &value))
    return;
  if (n_digits > 16)
    {
      print (v, "0x");
      print_len (v, digits, n_digits);
    }
  else
    print_u64 (v, value, FALSE);
}

/* A char const the way Rust's {:?} writes one: 'a', '\n', '\u{7f}' */
static void
print_const_char (V0      *v,
                  guint64  value)
{
  char buf[16];

  if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    {
      fail (v);
      return;
    }
  print (v, "'");
  switch (value)
    {
    case '\0': print (v, "\\0"); break;
    case '\t': print (v, "\\t"); break;
    case '\r': print (v, "\\r"); break;
    case '\n': print (v, "\\n"); break;
    case '\\': print (v, "\\\\"); break;
    case '\'': print (v, "\\'"); break;
    default:
      if (value >= 0x20 && value < 0x7f)
        {
          buf[0] = (char) value;
          buf[1] = 0;
        }
      else if (value >= 0x80 && g_unichar_isprint ((gunichar) value))
        buf[g_unichar_to_utf8 ((gunichar) value, buf)] = 0;
      else
        g_snprintf (buf, sizeof buf, "\\u{%" G_GINT64_MODIFIER "x}", value);
      print (v, buf);
      break;
    }
  print (v, "'");
}

/* const = type-tag const-data | "p" | backref; only the consts of basic
 * types (integers, bool, char) are read */
static void
print_const (V0 *v)
{
  const char *digits;
  gsize n_digits;
  guint64 value;
  int tag;

  if (!enter (v))
    return;
  tag = next (v);
  switch (tag)
    {
    case 'p':
      print (v, "_");
      break;
    case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
      if (eat (v, 'n'))
        print (v, "-");
      print_const_int (v, tag);
      break;
    case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
      print_const_int (v, tag);
      break;
    case 'b':
      if (parse_hex (v, &digits, &n_digits, &value))
        {
          if (n_digits != 1 || value > 1)
            fail (v);
          else
            print (v, value ? "true" : "false");
        }
      break;
    case 'c':
      if (parse_hex (v, &digits, &n_digits, &value))
        {
          if (n_digits > 8)
            fail (v);
          else
            print_const_char (v, value);
        }
      break;
    case 'B':
      print_backref (v, BACKREF_CONST);
      break;
    default:
      fail (v);
      break;
    }
  /* the long form says the type: "8: usize" */
  if (v->verbose && !v->failed && tag != 'p' && tag != 'B')
    {
      print (v, ": ");
      print (v, basic_type (tag));
    }
  leave (v);
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
  print_path (&v, TRUE);
  /* the crate that instantiated a generic function: not shown */
  if (!v.failed && g_ascii_isupper (peek (&v)))
    skip_path (&v);
  if (v.failed || v.pos != v.len)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

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
