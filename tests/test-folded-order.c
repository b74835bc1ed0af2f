/* test-folded-order.c: the written report of a large aggregate is in byte
 * order (as LC_ALL=C sort), whichever way the order was found.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gio/gio.h>
#include <string.h>

#include "lp-folded.h"

/* more stacks than the writer sorts in the calling thread alone */
#define N_STACKS 40000

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adds N_STACKS random stacks (with shared prefixes, names that begin
 * other names, and @extra among the names) to @folded, and returns the
 * report a user expects: every distinct stack with its summed count, the
 * lines sorted byte by byte. */
static char *
add_random_stacks (LpFolded   *folded,
                   const char *extra)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) stacks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < 3000; i++)
    g_ptr_array_add (names, g_strdup_printf (i % 3 == 0 ? "n%u" : i % 3 == 1 ? "ns::f%u(int)" : "n%u x", i));
  g_ptr_array_add (names, g_strdup (extra));

  while (g_hash_table_size (counts) < N_STACKS)
    {
      GStrvBuilder *b = g_strv_builder_new ();
      g_auto(GStrv) stack = NULL;
      g_autofree char *joined = NULL;
      guint depth = 1 + g_rand_int_range (rand, 0, 40);
      guint count = 1 + g_rand_int_range (rand, 0, 1000);
      guint shared = 0;

      /* most stacks begin as an earlier one does */
      if (stacks->len > 0 && g_rand_int_range (rand, 0, 4) > 0)
        {
          char **prev = g_ptr_array_index (stacks, g_rand_int_range (rand, 0, stacks->len));
          guint want = (guint) g_rand_int_range (rand, 0, depth + 1);

          shared = MIN (g_strv_length (prev), want);
          for (guint d = 0; d < shared; d++)
            g_strv_builder_add (b, prev[d]);
        }
      for (guint d = shared; d < depth; d++)
        g_strv_builder_add (b, g_ptr_array_index (names, g_rand_int_range (rand, 0, names->len)));
      stack = g_strv_builder_end (b);
      g_strv_builder_unref (b);
      if (stack[0] == NULL)
        continue;

      g_assert_true (lp_folded_add_names (folded, (const char * const *) stack, count, NULL));
      joined = g_strjoinv (";", stack);
      if (g_hash_table_lookup_extended (counts, joined, NULL, &value))
        g_hash_table_insert (counts, g_steal_pointer (&joined), GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + count));
      else
        g_hash_table_insert (counts, g_steal_pointer (&joined), GUINT_TO_POINTER (count));
      g_ptr_array_add (stacks, g_steal_pointer (&stack));
    }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (lines, g_strdup_printf ("%s %u\n", (char *) key, GPOINTER_TO_UINT (value)));
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append (out, lines->pdata[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
check_order (const char *extra)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autofree char *expected = add_random_stacks (folded, extra);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, N_STACKS);
  bytes = lp_folded_to_bytes (folded);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, strlen (expected));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

/* "n3" and "n3 x", but no name that begins another followed by a blank
 * and a digit: the order is found from the ranks of the names */
static void
test_large_by_rank (void)
{
  check_order ("n3 x");
}

/* "n3" and "n3 2": a line ending in "n3" then its count begins like one
 * going on with "n3 2"; the order is found by comparing bytes */
static void
test_large_by_bytes (void)
{
  check_order ("n3 2");
}

/* Two large aggregates merged (many stacks in both, in batches) give the
 * report of one that was given all their stacks */
static void
test_large_merge (void)
{
  g_autoptr(LpFolded) a = lp_folded_new ();
  g_autoptr(LpFolded) b = lp_folded_new ();
  g_autoptr(LpFolded) all = lp_folded_new ();
  g_autofree char *text_a = add_random_stacks (a, "n3 x");
  g_autofree char *text_b = add_random_stacks (b, "main");
  g_autofree char *text_all_a = add_random_stacks (all, "n3 x");
  g_autofree char *text_all_b = add_random_stacks (all, "main");
  g_autoptr(GBytes) merged = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (lp_folded_merge (a, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lp_folded_get_n_stacks (a), ==, lp_folded_get_n_stacks (all));
  g_assert_cmpfloat (lp_folded_get_total (a), ==, lp_folded_get_total (all));
  merged = lp_folded_to_bytes (a);
  expected = lp_folded_to_bytes (all);
  g_assert_true (g_bytes_equal (merged, expected));
}

typedef struct
{
  gsize left;   /* bytes the output takes before it fails */
  gsize taken;
} FailingTarget;

static gboolean
write_until_full (const char  *data,
                  gsize        len,
                  gpointer     user_data,
                  GError     **error)
{
  FailingTarget *t = user_data;

  (void) data;
  if (len > t->left)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
      return FALSE;
    }
  t->left -= len;
  t->taken += len;
  return TRUE;
}

/* An output that fails part way (at @num / @den of the report): the
 * writer says so and stops */
static void
check_write_fails (const char *extra,
                   gsize       num,
                   gsize       den)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autofree char *expected = add_random_stacks (folded, extra);
  g_autoptr(GError) error = NULL;
  FailingTarget t = { strlen (expected) / den * num, 0 };

  g_assert_false (lp_folded_write (folded, write_until_full, &t, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpuint (t.taken, <=, strlen (expected) / den * num);
}

static void
test_large_write_fails (void)
{
  check_write_fails ("n3 x", 1, 2);
}

/* the order is known at once (bytes compared): the end of the report is
 * being written by a second thread when the output fails */
static void
test_large_write_fails_late (void)
{
  check_write_fails ("n3 2", 9, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/folded-order/large-by-rank", test_large_by_rank);
  g_test_add_func ("/folded-order/large-by-bytes", test_large_by_bytes);
  g_test_add_func ("/folded-order/large-merge", test_large_merge);
  g_test_add_func ("/folded-order/large-write-fails", test_large_write_fails);
  g_test_add_func ("/folded-order/large-write-fails-late", test_large_write_fails_late);
  return g_test_run ();
}
