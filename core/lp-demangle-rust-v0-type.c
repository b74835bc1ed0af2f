/* lp-demangle-rust-v0-type.c: Rust's v0 mangling: types, function signatures, dyn traits and const values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-demangle-rust-v0.h"

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
  guint64 bound = lp_demangle_rust_v0_open_binder (v);

  if (lp_demangle_rust_v0_eat (v, 'U'))
    lp_demangle_rust_v0_print (v, "unsafe ");
  if (lp_demangle_rust_v0_eat (v, 'K'))
    {
      lp_demangle_rust_v0_print (v, "extern \"");
      if (lp_demangle_rust_v0_eat (v, 'C'))
        lp_demangle_rust_v0_print (v, "C");
      else
        {
          Ident abi;

          /* "C_unwind" stands for "C-unwind" */
          if (lp_demangle_rust_v0_parse_ident (v, &abi))
            {
              if (abi.punycode != NULL)
                lp_demangle_rust_v0_fail (v);
              for (gsize i = 0; i < abi.ascii_len && !v->failed; i++)
                lp_demangle_rust_v0_print_len (v, abi.ascii[i] == '_' ? "-" : abi.ascii + i, 1);
            }
        }
      lp_demangle_rust_v0_print (v, "\" ");
    }
  lp_demangle_rust_v0_print (v, "fn(");
  for (guint i = 0; !v->failed && !lp_demangle_rust_v0_eat (v, 'E'); i++)
    {
      if (i > 0)
        lp_demangle_rust_v0_print (v, ", ");
      lp_demangle_rust_v0_type_print (v);
    }
  lp_demangle_rust_v0_print (v, ")");
  if (lp_demangle_rust_v0_eat (v, 'u'))
    ; /* -> () is not written */
  else
    {
      lp_demangle_rust_v0_print (v, " -> ");
      lp_demangle_rust_v0_type_print (v);
    }
  lp_demangle_rust_v0_close_binder (v, bound);
}

/* A dyn trait's path; when it ends in generic arguments, their '<' is left
 * open (returns TRUE) for the associated types to follow. */
static gboolean
print_path_maybe_open_generics (V0 *v)
{
  gboolean open = FALSE;
  gsize target, saved;

  if (!lp_demangle_rust_v0_enter (v))
    return FALSE;
  if (lp_demangle_rust_v0_eat (v, 'B'))
    {
      if (lp_demangle_rust_v0_parse_backref (v, &target) && v->out != NULL)
        {
          saved = v->pos;
          v->pos = target;
          open = print_path_maybe_open_generics (v);
          v->pos = saved;
        }
    }
  else if (lp_demangle_rust_v0_eat (v, 'I'))
    {
      lp_demangle_rust_v0_print_path (v, FALSE);
      lp_demangle_rust_v0_print (v, "<");
      lp_demangle_rust_v0_print_generic_args (v);
      open = TRUE;
    }
  else
    lp_demangle_rust_v0_print_path (v, FALSE);
  lp_demangle_rust_v0_leave (v);
  return open;
}

/* dyn-trait = path {"p" undisambiguated-identifier type}: the associated
 * types go inside the trait's generic arguments */
static void
print_dyn_trait (V0 *v)
{
  gboolean open = print_path_maybe_open_generics (v);

  while (!v->failed && lp_demangle_rust_v0_eat (v, 'p'))
    {
      Ident name;

      lp_demangle_rust_v0_print (v, open ? ", " : "<");
      open = TRUE;
      if (!lp_demangle_rust_v0_parse_ident (v, &name))
        break;
      lp_demangle_rust_v0_print_ident (v, &name);
      lp_demangle_rust_v0_print (v, " = ");
      lp_demangle_rust_v0_type_print (v);
    }
  if (open)
    lp_demangle_rust_v0_print (v, ">");
}

/* "D" dyn-bounds lifetime: dyn-bounds = [binder] {dyn-trait} "E" */
static void
print_dyn (V0 *v)
{
  guint64 bound, lt;

  lp_demangle_rust_v0_print (v, "dyn ");
  bound = lp_demangle_rust_v0_open_binder (v);
  for (guint i = 0; !v->failed && !lp_demangle_rust_v0_eat (v, 'E'); i++)
    {
      if (i > 0)
        lp_demangle_rust_v0_print (v, " + ");
      print_dyn_trait (v);
    }
  lp_demangle_rust_v0_close_binder (v, bound);
  if (!lp_demangle_rust_v0_eat (v, 'L'))
    {
      lp_demangle_rust_v0_fail (v);
      return;
    }
  if (lp_demangle_rust_v0_parse_base62 (v, &lt) && lt != 0)
    {
      lp_demangle_rust_v0_print (v, " + ");
      lp_demangle_rust_v0_print_lifetime (v, lt);
    }
}

void
lp_demangle_rust_v0_type_print (V0 *v)
{
  const char *basic;
  guint64 lt;
  int tag;

  if (!lp_demangle_rust_v0_enter (v))
    return;
  tag = lp_demangle_rust_v0_next (v);
  basic = basic_type (tag);
  if (basic != NULL)
    lp_demangle_rust_v0_print (v, basic);
  else
    switch (tag)
      {
      case 'R':   /* &T, &'a T */
      case 'Q':   /* &mut T */
        lp_demangle_rust_v0_print (v, "&");
        if (lp_demangle_rust_v0_eat (v, 'L') && lp_demangle_rust_v0_parse_base62 (v, &lt) && lt != 0)
          {
            lp_demangle_rust_v0_print_lifetime (v, lt);
            lp_demangle_rust_v0_print (v, " ");
          }
        if (tag == 'Q')
          lp_demangle_rust_v0_print (v, "mut ");
        lp_demangle_rust_v0_type_print (v);
        break;
      case 'P':
        lp_demangle_rust_v0_print (v, "*const ");
        lp_demangle_rust_v0_type_print (v);
        break;
      case 'O':
        lp_demangle_rust_v0_print (v, "*mut ");
        lp_demangle_rust_v0_type_print (v);
        break;
      case 'A':   /* [T; N] */
        lp_demangle_rust_v0_print (v, "[");
        lp_demangle_rust_v0_type_print (v);
        lp_demangle_rust_v0_print (v, "; ");
        lp_demangle_rust_v0_type_print_const (v);
        lp_demangle_rust_v0_print (v, "]");
        break;
      case 'S':   /* [T] */
        lp_demangle_rust_v0_print (v, "[");
        lp_demangle_rust_v0_type_print (v);
        lp_demangle_rust_v0_print (v, "]");
        break;
      case 'T':   /* (A, B), (A,) */
        {
          guint i;

          lp_demangle_rust_v0_print (v, "(");
          for (i = 0; !v->failed && !lp_demangle_rust_v0_eat (v, 'E'); i++)
            {
              if (i > 0)
                lp_demangle_rust_v0_print (v, ", ");
              lp_demangle_rust_v0_type_print (v);
            }
          if (i == 1)
            lp_demangle_rust_v0_print (v, ",");
          lp_demangle_rust_v0_print (v, ")");
        }
        break;
      case 'F':
        print_fn_sig (v);
        break;
      case 'D':
        print_dyn (v);
        break;
      case 'B':
        lp_demangle_rust_v0_print_backref (v, BACKREF_TYPE);
        break;
      case 0:
        lp_demangle_rust_v0_fail (v);
        break;
      default:    /* a named type: a path */
        v->pos--;
        lp_demangle_rust_v0_print_path (v, FALSE);
        break;
      }
  lp_demangle_rust_v0_leave (v);
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
  while (g_ascii_isdigit (lp_demangle_rust_v0_peek (v)) || (lp_demangle_rust_v0_peek (v) >= 'a' && lp_demangle_rust_v0_peek (v) <= 'f'))
    *value = (*value << 4) | g_ascii_xdigit_value (lp_demangle_rust_v0_next (v));
  *digits = v->sym + start;
  *n_digits = v->pos - start;
  if (*n_digits == 0 || !lp_demangle_rust_v0_eat (v, '_'))
    {
      lp_demangle_rust_v0_fail (v);
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
      lp_demangle_rust_v0_print (v, "0x");
      lp_demangle_rust_v0_print_len (v, digits, n_digits);
    }
  else
    lp_demangle_rust_v0_print_u64 (v, value, FALSE);
}

/* A char const the way Rust's {:?} writes one: 'a', '\n', '\u{7f}' */
static void
print_const_char (V0      *v,
                  guint64  value)
{
  char buf[16];

  if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    {
      lp_demangle_rust_v0_fail (v);
      return;
    }
  lp_demangle_rust_v0_print (v, "'");
  switch (value)
    {
    case '\0': lp_demangle_rust_v0_print (v, "\\0"); break;
    case '\t': lp_demangle_rust_v0_print (v, "\\t"); break;
    case '\r': lp_demangle_rust_v0_print (v, "\\r"); break;
    case '\n': lp_demangle_rust_v0_print (v, "\\n"); break;
    case '\\': lp_demangle_rust_v0_print (v, "\\\\"); break;
    case '\'': lp_demangle_rust_v0_print (v, "\\'"); break;
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
      lp_demangle_rust_v0_print (v, buf);
      break;
    }
  lp_demangle_rust_v0_print (v, "'");
}

/* const = type-tag const-data | "p" | backref; only the consts of basic
 * types (integers, bool, char) are read */
void
lp_demangle_rust_v0_type_print_const (V0 *v)
{
  const char *digits;
  gsize n_digits;
  guint64 value;
  int tag;

  if (!lp_demangle_rust_v0_enter (v))
    return;
  tag = lp_demangle_rust_v0_next (v);
  switch (tag)
    {
    case 'p':
      lp_demangle_rust_v0_print (v, "_");
      break;
    case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
      if (lp_demangle_rust_v0_eat (v, 'n'))
        lp_demangle_rust_v0_print (v, "-");
      print_const_int (v, tag);
      break;
    case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
      print_const_int (v, tag);
      break;
    case 'b':
      if (parse_hex (v, &digits, &n_digits, &value))
        {
          if (n_digits != 1 || value > 1)
            lp_demangle_rust_v0_fail (v);
          else
            lp_demangle_rust_v0_print (v, value ? "true" : "false");
        }
      break;
    case 'c':
      if (parse_hex (v, &digits, &n_digits, &value))
        {
          if (n_digits > 8)
            lp_demangle_rust_v0_fail (v);
          else
            print_const_char (v, value);
        }
      break;
    case 'B':
      lp_demangle_rust_v0_print_backref (v, BACKREF_CONST);
      break;
    default:
      lp_demangle_rust_v0_fail (v);
      break;
    }
  /* the long form says the type: "8: usize" */
  if (v->verbose && !v->failed && tag != 'p' && tag != 'B')
    {
      lp_demangle_rust_v0_print (v, ": ");
      lp_demangle_rust_v0_print (v, basic_type (tag));
    }
  lp_demangle_rust_v0_leave (v);
}
