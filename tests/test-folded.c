/* test-folded.c: the folded report: reader, aggregate and writer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>

#include "lp-folded.h"
#include "lp-folded-reader.h"

/* Reads @text leniently; returns the aggregate and the reader. */
static LpFolded *
read_text (const char      *text,
           LpFoldedReader **reader_out,
           GError         **error)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);

  if (!lp_folded_reader_feed (reader, text, strlen (text), error) ||
      !lp_folded_reader_finish (reader, error))
    return NULL;
  if (reader_out != NULL)
    *reader_out = g_steal_pointer (&reader);
  return g_steal_pointer (&folded);
}

static char *
write_text (LpFolded *folded)
{
  g_autoptr(GBytes) bytes = lp_folded_to_bytes (folded);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  return g_strndup (data, len);
}

static void
test_roundtrip_simple (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = read_text ("main;b 2\nmain;a 1\nmain;b 3\n", NULL, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  out = write_text (folded);
  g_assert_cmpstr (out, ==, "main;a 1\nmain;b 5\n");
  g_assert_cmpfloat (lp_folded_get_total (folded), ==, 6);
  g_assert_cmpuint (lp_folded_get_n_stacks (folded), ==, 2);
  g_assert_cmpuint (lp_folded_get_n_frames (folded), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/folded/roundtrip-simple", test_roundtrip_simple);
  return g_test_run ();
}
