/* test-demangle.c: Rust names (v0 and legacy): known manglings, hostile input, c++filt on real binaries, a recording.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gio/gio.h>
#include <string.h>
#include <sys/wait.h>

#include "lp-demangle-rust.h"
#include "lp-folded-reader.h"
#include "lp-symbols.h"

static const char *cli;
static char *tmpdir;

/* ---- known manglings --------------------------------------------------- */

typedef struct
{
  const char *mangled;
  const char *shown;      /* the short form (profiles) */
  const char *verbose;    /* LP_DEMANGLE_RUST_VERBOSE, as c++filt without -i */
} Case;

/* Outputs checked against binutils 2.40's c++filt (-i and without), except
 * where marked */
static const Case v0_cases[] = {
  { "_RNvCs1234_3foo3bar", "foo::bar", "foo[3c1c0]::bar" },
  /* an ignored ".suffix"; the instantiating crate is not shown */
  { "_RNvCs1234_3foo3bar.llvm.123", "foo::bar", "foo[3c1c0]::bar" },
  { "_RNvCs1234_3foo3barCs1_3baz", "foo::bar", "foo[3c1c0]::bar" },
  /* closures and shims; lower-case namespaces with no name add nothing */
  { "_RNCNvCsdkt7z8fvNUK_11rust_target8hot_loop0B3_",
    "rust_target::hot_loop::{closure#0}", "rust_target[9b43bb71e3b4ffbc]::hot_loop::{closure#0}" },
  { "_RNCNvC3foo3bars_0", "foo::bar::{closure#1}", "foo[0]::bar::{closure#1}" },
  { "_RNCNvC3foo3bar3abc", "foo::bar::{closure:abc#0}", "foo[0]::bar::{closure:abc#0}" },
  { "_RNSNvC3foo3bar6vtableB_", "foo::bar::{shim:vtable#0}", "foo[0]::bar::{shim:vtable#0}" },
  { "_RNXNvC3foo3bar3abc", "foo::bar::{X:abc#0}", "foo[0]::bar::{X:abc#0}" },
  { "_RNvNvC3foo3bar0", "foo::bar", "foo[0]::bar" },
  /* inherent and trait impls, <T as Trait> paths, back-references */
  { "_RNvXCsdkt7z8fvNUK_11rust_targetNtB2_6SquareNtB2_5Shape4area",
    "<rust_target::Square as rust_target::Shape>::area",
    "<rust_target[9b43bb71e3b4ffbc]::Square as rust_target[9b43bb71e3b4ffbc]::Shape>::area" },
  { "_RNvMs_Csdkt7z8fvNUK_11rust_targetINtB4_7WrapperhE3sumB4_",
    "<rust_target::Wrapper<u8>>::sum", "<rust_target[9b43bb71e3b4ffbc]::Wrapper<u8>>::sum" },
  { "_RINvNtCs6IL9ONYDOZW_4core3cmp6max_byjNvYjNtB2_3Ord3cmpECs9mg4hJbtRZk_1a",
    "core::cmp::max_by::<usize, <usize as core::cmp::Ord>::cmp>",
    "core[4e4b6e9a9c4c4a32]::cmp::max_by::<usize, <usize as core[4e4b6e9a9c4c4a32]::cmp::Ord>::cmp>" },
  { "_RINvMNtCs6IL9ONYDOZW_4core6optionINtB3_6OptionINtNtNtB5_3ptr8non_null7NonNullhEE5ok_or"
    "NtNtB5_5alloc10AllocErrorECs9mg4hJbtRZk_1a",
    "<core::option::Option<core::ptr::non_null::NonNull<u8>>>::ok_or::<core::alloc::AllocError>",
    "<core[4e4b6e9a9c4c4a32]::option::Option<core[4e4b6e9a9c4c4a32]::ptr::non_null::NonNull<u8>>>"
    "::ok_or::<core[4e4b6e9a9c4c4a32]::alloc::AllocError>" },
  /* types */
  { "_RINvMNtNtCs6IL9ONYDOZW_4core3ptr9const_ptrPm4castuECs9mg4hJbtRZk_1a",
    "<*const u32>::cast::<()>", "<*const u32>::cast::<()>" },
  { "_RINvC3foo3barAhj5_TEThETjmEE", "foo::bar::<[u8; 5], (), (u8,), (usize, u32)>",
    "foo[0]::bar::<[u8; 5: usize], (), (u8,), (usize, u32)>" },
  { "_RINvC3foo3barRL_hE", "foo::bar::<&u8>", "foo[0]::bar::<&u8>" },
  { "_RINvC3foo3barFEuE", "foo::bar::<fn()>", "foo[0]::bar::<fn()>" },
  { "_RINvC3foo3barFKCEuE", "foo::bar::<extern \"C\" fn()>", "foo[0]::bar::<extern \"C\" fn()>" },
  { "_RINvC3foo3barFUK8C_unwindmEuE", "foo::bar::<unsafe extern \"C-unwind\" fn(u32)>",
    "foo[0]::bar::<unsafe extern \"C-unwind\" fn(u32)>" },
  { "_RINvC3foo3barDG_INtC4core2FnRL0_hEp6OutputuEL_E",
    "foo::bar::<dyn for<'a> core::Fn<&'a u8, Output = ()>>",
    "foo[0]::bar::<dyn for<'a> core[0]::Fn<&'a u8, Output = ()>>" },
  /* consts: integers, bool, char (c++filt differs on chars: see below) */
  { "_RINvCs1234_3foo3barKj8_EB4_", "foo::bar::<8>", "foo[3c1c0]::bar::<8: usize>" },
  { "_RINvC3foo3barKb1_Kb0_Kc41_Kanff_KpE", "foo::bar::<true, false, 'A', -255, _>",
    "foo[0]::bar::<true: bool, false: bool, 'A': char, -255: i8, _>" },
  /* not in c++filt's words: it writes '\'' as ''', '\\' as '\', 'é' as
   * '\u{e9}' and drops a digit of integers past 64 bits; we write them as
   * Rust does */
  { "_RINvC3foo3barKc27_Kc5c_Kca_Kce9_Kj1ffffffffffffffff_E",
    "foo::bar::<'\\'', '\\\\', '\\n', '\xc3\xa9', 0x1ffffffffffffffff>",
    "foo[0]::bar::<'\\'': char, '\\\\': char, '\\n': char, '\xc3\xa9': char, 0x1ffffffffffffffff: usize>" },
  { "_RINvC3foo3barKc0_Kc7f_Kc22_Kc1f600_E", "foo::bar::<'\\0', '\\u{7f}', '\"', '\xf0\x9f\x98\x80'>",
    "foo[0]::bar::<'\\0': char, '\\u{7f}': char, '\"': char, '\xf0\x9f\x98\x80': char>" },
  /* punycode: grüße */
  { "_RNvCsdkt7z8fvNUK_11rust_targetu9gre_6ka8l", "rust_target::gr\xc3\xbc\xc3\x9f" "e",
    "rust_target[9b43bb71e3b4ffbc]::gr\xc3\xbc\xc3\x9f" "e" },
};

static const Case legacy_cases[] = {
  { "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$"
    "17h75fab92ef02d36f1E",
    "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>",
    "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>::h75fab92ef02d36f1" },
  { "_ZN58_$LT$rust_target..Square$u20$as$u20$rust_target..Shape$GT$4area17he13b0d57f819d936E",
    "<rust_target::Square as rust_target::Shape>::area",
    "<rust_target::Square as rust_target::Shape>::area::he13b0d57f819d936" },
  { "_ZN3foo3bar17h0123456789abcdefE.llvm.1234", "foo::bar", "foo::bar::h0123456789abcdef" },
  { "_ZN4$SP$3bar17h0123456789abcdefE", "@::bar", "@::bar::h0123456789abcdef" },
  { "_ZN5$RF$a3bar17h0123456789abcdefE", "&a::bar", "&a::bar::h0123456789abcdef" },
  { "_ZN3a.b3bar17h0123456789abcdefE", "a.b::bar", "a.b::bar::h0123456789abcdef" },
  { "_ZN2_a3bar17h0123456789abcdefE", "_a::bar", "_a::bar::h0123456789abcdef" },
  /* unknown escapes: the rest of the element as it is */
  { "_ZN8$XX$abcd3bar17h0123456789abcdefE", "$XX$abcd::bar", "$XX$abcd::bar::h0123456789abcdef" },
  { "_ZN7$u7e$a$3bar17h0123456789abcdefE", "~a$::bar", "~a$::bar::h0123456789abcdef" },
  { "_ZN6$u0a$a3bar17h0123456789abcdefE", "$u0a$a::bar", "$u0a$a::bar::h0123456789abcdef" },
  { "_ZN7$u007e$3bar17h0123456789abcdefE", "$u007e$::bar", "$u007e$::bar::h0123456789abcdef" },
  { "_ZN4_$$$3bar17h0123456789abcdefE", "$$$::bar", "$$$::bar::h0123456789abcdef" },
  /* not in c++filt's words: it leaves non-ASCII escapes as they are */
  { "_ZN11rust_target13gr$ufc$$udf$e17h704421dfa8e47371E", "rust_target::gr\xc3\xbc\xc3\x9f" "e",
    "rust_target::gr\xc3\xbc\xc3\x9f" "e::h704421dfa8e47371" },
};

static void
check_cases (const Case *cases,
             gsize       n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *shown = lp_demangle_rust (cases[i].mangled, LP_DEMANGLE_RUST_DEFAULT);
      g_autofree char *verbose = lp_demangle_rust (cases[i].mangled, LP_DEMANGLE_RUST_VERBOSE);

      g_test_message ("%s", cases[i].mangled);
      g_assert_cmpstr (shown, ==, cases[i].shown);
      g_assert_cmpstr (verbose, ==, cases[i].verbose);
    }
}

static void
test_v0_known (void)
{
  check_cases (v0_cases, G_N_ELEMENTS (v0_cases));
}

static void
test_legacy_known (void)
{
  check_cases (legacy_cases, G_N_ELEMENTS (legacy_cases));
}

/* What the profile shows: lp_symbols_demangle() sends each kind of name
 * to its demangler */
static void
test_symbols_demangle (void)
{
  static const struct { const char *mangled; const char *shown; } cases[] = {
    { "_RNvCs1234_3foo3bar", "foo::bar" },
    { "_ZN3foo3bar17h0123456789abcdefE", "foo::bar" },
    { "_ZN3foo3barEv", "foo::bar()" },
    /* a hash of too few digits: a C++ name, demangled as C++ */
    { "_ZN3foo3bar17h0000000000000000E", "foo::bar::h0000000000000000" },
    { "_ZN3foo3bar17h0123456789abcdeFE", "foo::bar::h0123456789abcdeF" },
    { "main", NULL },
    { "_RNv", NULL },
    { "_R", NULL },
    { "_Z", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = lp_symbols_demangle (cases[i].mangled);
      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
  g_assert_true (lp_demangle_rust_is_legacy ("_ZN3foo3bar17h0123456789abcdefE"));
  g_assert_false (lp_demangle_rust_is_legacy ("_ZN17h0123456789abcdefE"));
  g_assert_false (lp_demangle_rust_is_legacy ("_ZN3foo17h0123456789abcdef3barE"));
  g_assert_false (lp_demangle_rust_is_legacy ("_ZN3f-o3bar17h0123456789abcdefE"));
  g_assert_false (lp_demangle_rust_is_legacy ("_ZN3foo3bar17h0123456789abcdefE$x"));
  g_assert_null (lp_demangle_rust ("_ZN3foo3barEv", LP_DEMANGLE_RUST_DEFAULT));
}

/* ---- hostile input ----------------------------------------------------- */

/* NULL, or a string within the limit: never more */
static void
assert_bounded (const char *mangled)
{
  for (guint flags = 0; flags <= LP_DEMANGLE_RUST_VERBOSE; flags++)
    {
      g_autofree char *d = lp_demangle_rust (mangled, flags);

      if (d != NULL)
        {
          g_assert_cmpuint (strlen (d), <=, LP_DEMANGLE_RUST_MAX_OUTPUT);
          g_assert_true (g_utf8_validate (d, -1, NULL));
        }
    }
}

static void
test_truncated (void)
{
  const Case *tables[] = { v0_cases, legacy_cases };
  gsize sizes[] = { G_N_ELEMENTS (v0_cases), G_N_ELEMENTS (legacy_cases) };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (gsize i = 0; i < sizes[t]; i++)
      {
        const char *m = tables[t][i].mangled;

        /* each prefix in a buffer of its own size, so that AddressSanitizer
         * sees a read past its end */
        for (gsize len = 0; len < strlen (m); len++)
          {
            g_autofree char *prefix = g_strndup (m, len);
            assert_bounded (prefix);
          }
      }
  /* a v0 name cut anywhere before its end is invalid: each element says
   * how long it is, or ends with a letter */
  g_assert_null (lp_demangle_rust ("_RNvCs1234_3foo3ba", 0));
  g_assert_null (lp_demangle_rust ("_RINvC3foo3barAhj5_TEThETjmE", 0));
  g_assert_null (lp_demangle_rust ("_ZN3foo3bar17h0123456789abcdef", 0));
}

static char *
repeat (const char *s,
        guint       n)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (out, s);
  return g_string_free (out, FALSE);
}

static void
test_deep (void)
{
  const guint n = 10000;
  g_autofree char *nested = repeat ("Nv", n);
  g_autofree char *names = repeat ("3bar", n);
  g_autofree char *generics = repeat ("I", n);
  g_autofree char *ends = repeat ("E", n);
  g_autofree char *refs = repeat ("R", n);
  g_autofree char *tuples = repeat ("T", n);
  g_autofree char *binders = repeat ("FG_", n);
  g_autofree char *fn_ends = repeat ("Eu", n);
  g_autofree char *elements = repeat ("1a", n);
  g_autofree char *many = repeat ("1a", 10 * n * 4);
  g_autofree char *s = NULL;

  s = g_strconcat ("_R", nested, "C3foo", names, NULL);
  g_assert_null (lp_demangle_rust (s, 0));
  g_clear_pointer (&s, g_free);
  s = g_strconcat ("_R", generics, "C3foo", ends, NULL);
  g_assert_null (lp_demangle_rust (s, 0));
  g_clear_pointer (&s, g_free);
  s = g_strconcat ("_RINvC3foo3bar", refs, "hE", NULL);
  g_assert_null (lp_demangle_rust (s, 0));
  g_clear_pointer (&s, g_free);
  s = g_strconcat ("_RINvC3foo3bar", tuples, ends, "E", NULL);
  g_assert_null (lp_demangle_rust (s, 0));
  g_clear_pointer (&s, g_free);
  s = g_strconcat ("_RINvC3foo3bar", binders, fn_ends, "E", NULL);
  g_assert_null (lp_demangle_rust (s, 0));
  g_clear_pointer (&s, g_free);

  /* within the limits: a deep name that is still demangled */
  {
    g_autofree char *deep = repeat ("R", LP_DEMANGLE_RUST_MAX_DEPTH - 8);
    g_autofree char *expected = repeat ("&", LP_DEMANGLE_RUST_MAX_DEPTH - 8);
    g_autofree char *d = NULL;

    s = g_strconcat ("_RINvC3foo3bar", deep, "hE", NULL);
    d = lp_demangle_rust (s, 0);
    g_assert_nonnull (d);
    g_assert_true (g_str_has_prefix (d, "foo::bar::<&&&"));
    g_assert_nonnull (strstr (d, expected));
    g_clear_pointer (&s, g_free);
  }

  /* legacy: 10,000 elements fit the output limit, 400,000 do not */
  s = g_strconcat ("_ZN", elements, "17h0123456789abcdefE", NULL);
  {
    g_autofree char *d = lp_demangle_rust (s, 0);
    g_assert_nonnull (d);
    g_assert_cmpuint (strlen (d), ==, n * 3 - 2);
  }
  g_clear_pointer (&s, g_free);
  s = g_strconcat ("_ZN", many, "17h0123456789abcdefE", NULL);
  g_assert_null (lp_demangle_rust (s, 0));
}

static void
test_backrefs (void)
{
  static const char *const invalid[] = {
    "_RB_",                    /* the first byte refers to itself */
    "_RNvB1_3foo",             /* to itself ('B' at offset 2) */
    "_RNvB5_3foo3bar",         /* forwards */
    "_RNvB0_3foo",             /* backwards, to the middle of a tag */
    "_RNvB_3foo",              /* to the path it is in: a loop */
    "_RINvC3foo3barB_E",       /* a type that refers to the path it is in */
    "_RINvC3foo3barKB_E",      /* a const that refers to a path */
    "_RNvBZZZZZZZZZZZZZZZZZZZZZZ_3foo", /* past 64 bits */
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("%s", invalid[i]);
      g_assert_null (lp_demangle_rust (invalid[i], 0));
      g_assert_null (lp_demangle_rust (invalid[i], LP_DEMANGLE_RUST_VERBOSE));
    }
}

static void
append_base62 (GString *s,
               guint64  value)
{
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  char buf[16];
  int n = 0;

  if (value == 0)
    {
      g_string_append_c (s, '_');
      return;
    }
  value--;
  do
    {
      buf[n++] = digits[value % 62];
      value /= 62;
    }
  while (value > 0);
  while (n > 0)
    g_string_append_c (s, buf[--n]);
  g_string_append_c (s, '_');
}

/* Each tuple holds the previous one twice: 2^60 bytes if printed. The
 * limits stop it, fast. */
static void
test_backref_explosion (void)
{
  g_autoptr(GString) s = g_string_new ("_RINvC3foo3bar");
  gsize previous = s->len - 2;
  gint64 start;

  g_string_append (s, "h");
  for (guint i = 0; i < 60; i++)
    {
      gsize here = s->len - 2;

      g_string_append (s, "TB");
      append_base62 (s, previous);
      g_string_append (s, "B");
      append_base62 (s, previous);
      g_string_append (s, "E");
      previous = here;
    }
  g_string_append (s, "E");
  start = g_get_monotonic_time ();
  g_assert_null (lp_demangle_rust (s->str, 0));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* and four doublings, that fit */
  {
    g_autoptr(GString) small = g_string_new ("_RINvC3foo3bar");
    g_autofree char *d = NULL;

    previous = small->len - 2;
    g_string_append (small, "h");
    for (guint i = 0; i < 4; i++)
      {
        gsize here = small->len - 2;

        g_string_append (small, "TB");
        append_base62 (small, previous);
        g_string_append (small, "B");
        append_base62 (small, previous);
        g_string_append (small, "E");
        previous = here;
      }
    g_string_append (small, "E");
    d = lp_demangle_rust (small->str, 0);
    /* c++filt -i agrees */
    g_assert_cmpstr (d, ==, "foo::bar::<u8, (u8, u8), ((u8, u8), (u8, u8)), (((u8, u8), (u8, u8)), ((u8, u8), (u8, u8))), "
                     "((((u8, u8), (u8, u8)), ((u8, u8), (u8, u8))), (((u8, u8), (u8, u8)), ((u8, u8), (u8, u8))))>");
  }
}

static void
test_huge_numbers (void)
{
  static const char *const invalid[] = {
    "_RNvC3foo99999999999999999999999bar",
    "_RNvC184467440737095516163foo",
    "_RNvCsZZZZZZZZZZZZZZZZZZZZ_3foo3bar",
    "_RNvC3foo3barsZZZZZZZZZZZZZZZZZZZZ_",
    "_RINvC3foo3barFGZZZZZZZZZZZZ_EuE",
    "_RINvC3foo3barLZZZZZZZZZZ_E",
    "_RINvC3foo3barKc110000_E",
    "_RINvC3foo3barKcd800_E",
    "_RINvC3foo3barKb2_E",
    "_RNvC3foou3999999999999999999999a",
    "_RNvC3foou9zzzzzzzzz",     /* punycode past U+10FFFF */
    "_RNvC3foou3a_b",          /* punycode that ends inside a number */
    "_R0NvC3foo3bar",           /* an encoding version we do not know */
    "_ZN99999999999999999999999a17h0123456789abcdefE",
    "_ZN18446744073709551617a3bar17h0123456789abcdefE",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("%s", invalid[i]);
      g_assert_null (lp_demangle_rust (invalid[i], 0));
    }
  /* a u128 const of 32 digits is fine: hex */
  {
    g_autofree char *d = lp_demangle_rust ("_RINvC3foo3barKoffffffffffffffffffffffffffffffff_E", 0);
    g_assert_cmpstr (d, ==, "foo::bar::<0xffffffffffffffffffffffffffffffff>");
  }
}

/* Real names with bytes changed, cut and repeated: nothing crashes (the
 * point of running under AddressSanitizer), nothing passes the limits. */
static void
test_mutations (void)
{
  static const char alphabet[] = "_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$.\xc3\xff";
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  guint demangled = 0;

  for (guint round = 0; round < 20000; round++)
    {
      const Case *c = g_rand_boolean (rand)
        ? &v0_cases[g_rand_int_range (rand, 0, G_N_ELEMENTS (v0_cases))]
        : &legacy_cases[g_rand_int_range (rand, 0, G_N_ELEMENTS (legacy_cases))];
      g_autoptr(GString) s = g_string_new (c->mangled);
      guint edits = g_rand_int_range (rand, 1, 4);
      g_autofree char *d = NULL;

      for (guint e = 0; e < edits && s->len > 3; e++)
        {
          gsize at = g_rand_int_range (rand, 2, s->len);

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              s->str[at] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
              break;
            case 1:
              g_string_insert_c (s, at, alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
              break;
            case 2:
              g_string_truncate (s, at);
              break;
            default:
              {
                g_autofree char *piece = g_strndup (s->str + at, g_rand_int_range (rand, 1, 40));
                g_string_insert (s, g_rand_int_range (rand, 2, s->len), piece);
              }
              break;
            }
        }
      {
        /* exactly the name's size, for AddressSanitizer */
        g_autofree char *exact = g_strndup (s->str, s->len);
        assert_bounded (exact);
        d = lp_demangle_rust (exact, 0);
        demangled += d != NULL;
      }
    }
  g_test_message ("%u of 20000 mutated names still demangled", demangled);
  g_rand_free (rand);
}

/* ---- c++filt on every Rust symbol of real binaries --------------------- */

static const char *
rust_target (const char *mangling)
{
  g_autofree char *var = g_strconcat ("RUST_TARGET_", mangling, NULL);
  const char *path = g_getenv (var);

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_fail_printf ("no Rust test program (%s): rustc was not found when the build was "
                          "configured; run build-aux/setup.sh (it installs Debian's rustc), "
                          "then meson setup --reconfigure", var);
      return NULL;
    }
  return path;
}

static char *
run (const char * const *argv,
     const char         *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  char *out = NULL;

  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (p));
  return out;
}

/* The Rust names among a binary's symbols, chosen without our demangler:
 * "_R..." and "_ZN...17h<16 hex>E" */
static GPtrArray *
rust_symbols (const char *binary)
{
  const char *argv[] = { "nm", binary, NULL };
  g_autofree char *out = run (argv, NULL);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autoptr(GRegex) legacy = g_regex_new ("^_ZN.*17h[0-9a-f]{16}E(\\..*)?$", 0, 0, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *symbols = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *name = strrchr (lines[i], ' ');

      name = name ? name + 1 : lines[i];
      if ((g_str_has_prefix (name, "_R") || g_regex_match (legacy, name, 0, NULL)) &&
          g_hash_table_add (seen, (gpointer) name))
        g_ptr_array_add (symbols, g_strdup (name));
    }
  return symbols;
}

/* Where we differ from c++filt on purpose: binutils 2.40 leaves legacy
 * escapes of non-ASCII characters ("$ufc$") as they are, and the rest of
 * the element after them; we decode them, as rustc-demangle does. Each
 * such name of rust-target.rs, and what we show. */
static const struct { const char *prefix; const char *shown; } deliberate[] = {
  { "_ZN11rust_target13gr$ufc$$udf$e17h", "rust_target::gr\xc3\xbc\xc3\x9f" "e" },
};

static gboolean
is_deliberate (const char *mangled,
               const char *ours_short,
               const char *ours_verbose)
{
  for (guint i = 0; i < G_N_ELEMENTS (deliberate); i++)
    if (g_str_has_prefix (mangled, deliberate[i].prefix))
      {
        g_autofree char *hash = g_strndup (mangled + strlen (deliberate[i].prefix) - 1, 17);
        g_autofree char *verbose = g_strconcat (deliberate[i].shown, "::", hash, NULL);

        g_assert_cmpstr (ours_short, ==, deliberate[i].shown);
        g_assert_cmpstr (ours_verbose, ==, verbose);
        return TRUE;
      }
  return FALSE;
}

static void
test_cxxfilt (void)
{
  const char *manglings[] = { "V0", "LEGACY" };
  guint compared = 0, differences = 0, mismatches = 0, n_v0 = 0, n_legacy = 0;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  const char *names[] = {
    "rust_target::hot_loop",
    "rust_target::hot_loop::{closure#0}",
    "rust_target::hot_loop::{{closure}}",
    "rust_target::gr\xc3\xbc\xc3\x9f" "e",
    "<rust_target::Square as rust_target::Shape>::area",
    "<rust_target::Wrapper<u8>>::sum",
    "rust_target::Wrapper<T>::sum",
    "<rust_target::Wrapper<T> as core::fmt::Debug>::fmt",
    "rust_target::with_array::<3>",
    "rust_target::generic_max::<f64>",
    "rust_target::call_dyn",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_hash_table_add (wanted, (gpointer) names[i]);

  for (guint m = 0; m < G_N_ELEMENTS (manglings); m++)
    {
      const char *binary = rust_target (manglings[m]);
      g_autoptr(GPtrArray) symbols = NULL;
      g_autofree char *input = NULL;
      g_autofree char *out_short = NULL, *out_verbose = NULL;
      g_auto(GStrv) cf_short = NULL, cf_verbose = NULL;
      const char *filt_short[] = { "c++filt", "-i", NULL };
      const char *filt_verbose[] = { "c++filt", NULL };

      if (binary == NULL)
        return;
      symbols = rust_symbols (binary);
      g_ptr_array_add (symbols, NULL);
      input = g_strjoinv ("\n", (char **) symbols->pdata);
      g_ptr_array_set_size (symbols, symbols->len - 1);
      out_short = run (filt_short, input);
      out_verbose = run (filt_verbose, input);
      cf_short = g_strsplit (out_short, "\n", -1);
      cf_verbose = g_strsplit (out_verbose, "\n", -1);
      g_assert_cmpuint (g_strv_length (cf_short), >=, symbols->len);
      g_assert_cmpuint (g_strv_length (cf_verbose), >=, symbols->len);

      for (guint i = 0; i < symbols->len; i++)
        {
          const char *mangled = symbols->pdata[i];
          g_autofree char *ours = lp_demangle_rust (mangled, LP_DEMANGLE_RUST_DEFAULT);
          g_autofree char *ours_verbose = lp_demangle_rust (mangled, LP_DEMANGLE_RUST_VERBOSE);

          compared++;
          if (g_str_has_prefix (mangled, "_R"))
            n_v0++;
          else
            n_legacy++;
          g_hash_table_remove (wanted, ours ? ours : "");
          if (g_strcmp0 (ours, cf_short[i]) == 0 && g_strcmp0 (ours_verbose, cf_verbose[i]) == 0)
            continue;
          if (is_deliberate (mangled, ours, ours_verbose))
            {
              differences++;
              continue;
            }
          if (mismatches++ < 20)
            g_test_message ("%s:\n  c++filt -i: %s\n  ours:       %s\n  c++filt:    %s\n  verbose:    %s",
                            mangled, cf_short[i], ours, cf_verbose[i], ours_verbose);
        }
    }
  g_test_message ("compared %u Rust symbols (%u v0, %u legacy) with c++filt, in both forms: "
                  "%u mismatches, %u deliberate differences", compared, n_v0, n_legacy,
                  mismatches, differences);
  g_assert_cmpuint (mismatches, ==, 0);
  /* a comparison of nothing proves nothing */
  g_assert_cmpuint (n_v0, >=, 200);
  g_assert_cmpuint (n_legacy, >=, 1000);
  g_assert_cmpuint (differences, ==, G_N_ELEMENTS (deliberate));
  if (g_hash_table_size (wanted) > 0)
    {
      GHashTableIter iter;
      gpointer name;

      g_hash_table_iter_init (&iter, wanted);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        g_test_message ("missing among the demangled names: %s", (const char *) name);
    }
  g_assert_cmpuint (g_hash_table_size (wanted), ==, 0);
}

/* ---- a recording ------------------------------------------------------- */

static void
test_record (gconstpointer data)
{
  const char *mangling = data;
  const char *binary = rust_target (mangling);
  g_autofree char *report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFoldedReader) reader = NULL;
  g_autoptr(GRegex) hash = g_regex_new ("::h[0-9a-f]{16}$", 0, 0, NULL);
  gboolean legacy = g_str_equal (mangling, "LEGACY");
  const char *closure = legacy ? "rust_target::hot_loop::{{closure}}" : "rust_target::hot_loop::{closure#0}";
  double total = 0, in_hot_loop = 0, in_closure = 0;
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  if (binary == NULL)
    return;
  report = g_strdup_printf ("%s/rust-%s.folded", tmpdir, mangling);
  {
    const char *argv[] = { cli, "record", "-F", "500", "-o", report, "--", binary, "1500", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
  }
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("laprof-cli record: %s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  folded = lp_folded_new ();
  reader = lp_folded_reader_new (folded, LP_FOLDED_READER_STREAM);
  lp_folded_reader_read_file (reader, report, &error);
  g_assert_no_error (error);

  for (guint f = 0; f < lp_folded_get_n_frames (folded); f++)
    {
      const char *name = lp_folded_frame_name (folded, f);

      /* no mangled Rust name left, legacy hashes hidden */
      if (g_str_has_prefix (name, "_R") || strstr (name, "_ZN") != NULL ||
          g_regex_match (hash, name, 0, NULL))
        g_test_fail_printf ("a frame is not demangled: %s", name);
    }
  for (guint i = 0; i < lp_folded_get_n_stacks (folded); i++)
    {
      LpFoldedStack s;
      gboolean hot = FALSE, cl = FALSE;

      lp_folded_get_stack (folded, i, &s);
      total += s.count;
      for (guint d = 0; d < s.depth; d++)
        {
          const char *name = lp_folded_frame_name (folded, s.frames[d]);

          hot = hot || g_str_equal (name, "rust_target::hot_loop");
          cl = cl || g_str_equal (name, closure);
        }
      in_hot_loop += hot ? s.count : 0;
      in_closure += cl ? s.count : 0;
    }
  g_test_message ("%s: %.0f samples, %.0f in hot_loop, %.0f in its closure",
                  mangling, total, in_hot_loop, in_closure);
  /* the program spends its time there; 50 % leaves room for a busy machine */
  g_assert_cmpfloat (total, >, 50);
  g_assert_cmpfloat (in_hot_loop, >, 0.5 * total);
  g_assert_cmpfloat (in_closure, >, 0.25 * total);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  cli = g_getenv ("LAPROF_CLI");
  g_assert_nonnull (cli);
  tmpdir = g_dir_make_tmp ("laprof-demangle-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/core/demangle/v0-known", test_v0_known);
  g_test_add_func ("/core/demangle/legacy-known", test_legacy_known);
  g_test_add_func ("/core/demangle/symbols-demangle", test_symbols_demangle);
  g_test_add_func ("/core/demangle/hostile/truncated", test_truncated);
  g_test_add_func ("/core/demangle/hostile/deep", test_deep);
  g_test_add_func ("/core/demangle/hostile/backrefs", test_backrefs);
  g_test_add_func ("/core/demangle/hostile/backref-explosion", test_backref_explosion);
  g_test_add_func ("/core/demangle/hostile/huge-numbers", test_huge_numbers);
  g_test_add_func ("/core/demangle/hostile/mutations", test_mutations);
  g_test_add_func ("/core/demangle/cxxfilt-agrees", test_cxxfilt);
  g_test_add_data_func ("/core/demangle/record-v0", "V0", test_record);
  g_test_add_data_func ("/core/demangle/record-legacy", "LEGACY", test_record);

  result = g_test_run ();
  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmpdir);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                              G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_file_delete (dir, NULL, NULL);
  }
  g_free (tmpdir);
  return result;
}
