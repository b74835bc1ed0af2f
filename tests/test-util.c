/* test-util.c: helpers shared by the test programs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-folded-reader.h"
#include "test-util.h"

LpFolded *
test_folded_from_text (const char *text)
{
  LpFolded *folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_STRICT);
  g_autoptr(GError) error = NULL;

  lp_folded_reader_feed (reader, text, strlen (text), &error);
  g_assert_no_error (error);
  lp_folded_reader_finish (reader, &error);
  g_assert_no_error (error);
  return folded;
}
