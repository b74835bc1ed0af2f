/* lp-demangle-rust.h: Rust symbol names (legacy and v0 manglings) to readable paths.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LP_DEMANGLE_RUST_DEFAULT = 0,
  /* show what the short form hides: crate disambiguators ("core[4e4b6e9a]"),
   * the legacy hash ("::h0123456789abcdef") and the types of const
   * arguments ("8: usize"), as `c++filt` does without `-i` */
  LP_DEMANGLE_RUST_VERBOSE = 1 << 0,
} LpDemangleRustFlags;

/* Limits that keep hostile names cheap: no demangled name is longer than
 * LP_DEMANGLE_RUST_MAX_OUTPUT bytes, and no path, type or back-reference
 * nests deeper than LP_DEMANGLE_RUST_MAX_DEPTH. A name past either limit
 * is not demangled. */
#define LP_DEMANGLE_RUST_MAX_OUTPUT (64 * 1024)
#define LP_DEMANGLE_RUST_MAX_DEPTH  256

/* lp_demangle_rust_v0: @mangled ("_R...", RFC 2603) demangled, e.g.
 * "_RNvCs1234_7mycrate4main" -> "mycrate::main". Returns NULL when
 * @mangled is not a valid v0 name or passes a limit above. A trailing
 * ".suffix" (".llvm.1234") is ignored. Reads @mangled up to its NUL only.
 * You own the result: g_free() it. */
char     *lp_demangle_rust_v0         (const char          *mangled,
                                       LpDemangleRustFlags  flags) G_GNUC_WARN_UNUSED_RESULT;

/* lp_demangle_rust_is_legacy: whether @mangled is an Itanium-style name
 * ("_ZN...E") that rustc's legacy mangling made: its last element is the
 * hash "17h<16 hex digits>". */
gboolean  lp_demangle_rust_is_legacy  (const char          *mangled);

/* lp_demangle_rust_legacy: @mangled demangled with Rust's legacy escapes
 * ($LT$ -> '<', $u7e$ -> '~', ".." -> "::"), e.g.
 * "_ZN4core3ptr13drop_in_place17h0123456789abcdefE" ->
 * "core::ptr::drop_in_place". Returns NULL when
 * lp_demangle_rust_is_legacy() is false or a limit is passed. You own the
 * result: g_free() it. */
char     *lp_demangle_rust_legacy     (const char          *mangled,
                                       LpDemangleRustFlags  flags) G_GNUC_WARN_UNUSED_RESULT;

/* lp_demangle_rust: either of the above, as @mangled's prefix says; NULL
 * for anything else (C++ names included). You own the result. */
char     *lp_demangle_rust            (const char          *mangled,
                                       LpDemangleRustFlags  flags) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
