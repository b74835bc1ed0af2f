/* test-intern.c: the interned names table: dense ids, lookups, growth, names that are not C strings.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <glib.h>

#include "lp-intern.h"

static void
test_dense_ids (void)
{
  g_autoptr(LpIntern) intern = lp_intern_new ();

  g_assert_cmpuint (lp_intern_size (intern), ==, 0);
  g_assert_cmpuint (lp_intern_add (intern, "main", 4), ==, 0);
  g_assert_cmpuint (lp_intern_add (intern, "parse", 5), ==, 1);
  g_assert_cmpuint (lp_intern_add (intern, "main", 4), ==, 0);
  g_assert_cmpuint (lp_intern_add (intern, "read", 4), ==, 2);
  g_assert_cmpuint (lp_intern_size (intern), ==, 3);
  g_assert_cmpstr (lp_intern_name (intern, 1), ==, "parse");
  g_assert_cmpuint (lp_intern_name_len (intern, 2), ==, 4);
}

static void
test_lookup (void)
{
  g_autoptr(LpIntern) intern = lp_intern_new ();
  guint32 id = G_MAXUINT32;

  g_assert_false (lp_intern_lookup (intern, "main", 4, &id));
  g_assert_cmpuint (id, ==, G_MAXUINT32);
  lp_intern_add (intern, "main", 4);
  g_assert_true (lp_intern_lookup (intern, "main", 4, &id));
  g_assert_cmpuint (id, ==, 0);
  /* a prefix or an extension of a known name is another name */
  g_assert_false (lp_intern_lookup (intern, "mai", 3, &id));
  g_assert_false (lp_intern_lookup (intern, "mainly", 6, &id));
  g_assert_cmpuint (lp_intern_size (intern), ==, 1);
}

/* names come from the middle of a line: @len bytes, not up to a NUL */
static void
test_not_terminated (void)
{
  g_autoptr(LpIntern) intern = lp_intern_new ();
  const char *line = "main;parse;read 42";
  guint32 a = lp_intern_add (intern, line, 4);
  guint32 b = lp_intern_add (intern, line + 5, 5);

  g_assert_cmpuint (a, !=, b);
  g_assert_cmpstr (lp_intern_name (intern, a), ==, "main");
  g_assert_cmpstr (lp_intern_name (intern, b), ==, "parse");
  g_assert_cmpuint (lp_intern_add (intern, "parse", 5), ==, b);
  /* the empty name is a name like any other */
  g_assert_cmpuint (lp_intern_add (intern, line, 0), ==, 2);
  g_assert_cmpstr (lp_intern_name (intern, 2), ==, "");
  g_assert_cmpuint (lp_intern_add (intern, "", 0), ==, 2);
}

/* binary bytes, including NUL inside the name, compare by length */
static void
test_binary (void)
{
  g_autoptr(LpIntern) intern = lp_intern_new ();
  const char ab[] = { 'a', '\0', 'b' };
  const char ac[] = { 'a', '\0', 'c' };

  g_assert_cmpuint (lp_intern_add (intern, ab, 3), ==, 0);
  g_assert_cmpuint (lp_intern_add (intern, ac, 3), ==, 1);
  g_assert_cmpuint (lp_intern_add (intern, "a", 1), ==, 2);
  g_assert_cmpuint (lp_intern_name_len (intern, 0), ==, 3);
  g_assert_cmpmem (lp_intern_name (intern, 1), 3, ac, 3);
}

/* far past the first table size: every id stays its name's, across growth */
static void
test_growth (void)
{
  g_autoptr(LpIntern) intern = lp_intern_new ();
  const guint n = 200000;

  for (guint i = 0; i < n; i++)
    {
      char buf[32];
      int len = g_snprintf (buf, sizeof buf, "frame_%u", i);

      g_assert_cmpuint (lp_intern_add (intern, buf, len), ==, i);
    }
  g_assert_cmpuint (lp_intern_size (intern), ==, n);
  for (guint i = 0; i < n; i += 997)
    {
      char buf[32];
      int len = g_snprintf (buf, sizeof buf, "frame_%u", i);
      guint32 id;

      g_assert_true (lp_intern_lookup (intern, buf, len, &id));
      g_assert_cmpuint (id, ==, i);
      g_assert_cmpstr (lp_intern_name (intern, i), ==, buf);
    }
  /* the names' storage did not move under earlier pointers */
  g_assert_cmpstr (lp_intern_name (intern, 0), ==, "frame_0");
}

/* names that collide in the table's low bits still keep apart */
static void
test_long_names (void)
{
  g_autoptr(LpIntern) intern = lp_intern_new ();
  g_autofree char *big = g_strnfill (100000, 'x');
  g_autofree char *big2 = g_strnfill (100000, 'x');

  big2[99999] = 'y';
  g_assert_cmpuint (lp_intern_add (intern, big, 100000), ==, 0);
  g_assert_cmpuint (lp_intern_add (intern, big2, 100000), ==, 1);
  g_assert_cmpuint (lp_intern_add (intern, big, 99999), ==, 2);
  g_assert_cmpuint (lp_intern_add (intern, big2, 100000), ==, 1);
  g_assert_cmpuint (strlen (lp_intern_name (intern, 2)), ==, 99999);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/intern/dense-ids", test_dense_ids);
  g_test_add_func ("/core/intern/lookup", test_lookup);
  g_test_add_func ("/core/intern/not-terminated", test_not_terminated);
  g_test_add_func ("/core/intern/binary", test_binary);
  g_test_add_func ("/core/intern/growth", test_growth);
  g_test_add_func ("/core/intern/long-names", test_long_names);
  return g_test_run ();
}
