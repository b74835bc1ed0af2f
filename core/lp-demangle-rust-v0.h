/* lp-demangle-rust-v0.h: what the two files of the v0 demangler share (private to core/).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lp-demangle-rust-v0.c holds the reader (the cursor, its bounds, decimal
 * and base-62 numbers, identifiers with punycode, back-references,
 * lifetimes and binders), paths and generic arguments, and
 * lp_demangle_rust_v0(); lp-demangle-rust-v0-type.c holds types, function
 * signatures, dyn traits and const values. Every function here prints
 * into v->out (NULL: parse only) and, on a malformed name, marks v as
 * failed and prints nothing more. */
#pragma once

#include "lp-demangle-rust.h"

G_BEGIN_DECLS

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

/* what a back-reference points at, which decides how it is printed */
typedef enum { BACKREF_PATH, BACKREF_VALUE_PATH, BACKREF_TYPE, BACKREF_CONST } BackrefKind;

void     lp_demangle_rust_v0_fail (V0 *v);
int      lp_demangle_rust_v0_peek (const V0 *v);
int      lp_demangle_rust_v0_next (V0 *v);
gboolean lp_demangle_rust_v0_eat (V0 *v, char c);
void     lp_demangle_rust_v0_print_len (V0 *v, const char *s, gsize n);
void     lp_demangle_rust_v0_print (V0 *v, const char *s);
void     lp_demangle_rust_v0_print_u64 (V0 *v, guint64 value, gboolean hex);
gboolean lp_demangle_rust_v0_enter (V0 *v);
void     lp_demangle_rust_v0_leave (V0 *v);
gboolean lp_demangle_rust_v0_parse_base62 (V0 *v, guint64 *value);
gboolean lp_demangle_rust_v0_parse_ident (V0 *v, Ident *id);
void     lp_demangle_rust_v0_print_ident (V0 *v, const Ident *id);
gboolean lp_demangle_rust_v0_parse_backref (V0 *v, gsize *target);
void     lp_demangle_rust_v0_print_backref (V0 *v, BackrefKind kind);
void     lp_demangle_rust_v0_print_lifetime (V0 *v, guint64 lt);
guint64  lp_demangle_rust_v0_open_binder (V0 *v);
void     lp_demangle_rust_v0_close_binder (V0 *v, guint64 n);
void     lp_demangle_rust_v0_print_generic_args (V0 *v);
void     lp_demangle_rust_v0_print_path (V0 *v, gboolean in_value);
void     lp_demangle_rust_v0_type_print (V0 *v);
void     lp_demangle_rust_v0_type_print_const (V0 *v);

G_END_DECLS
