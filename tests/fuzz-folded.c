/* fuzz-folded.c: libFuzzer target for the folded reader and writer.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzz=true and clang. Besides "no crash, no leak", it checks
 * a property: whatever the reader keeps, the writer writes in a form that
 * reads back to the very same bytes. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lp-folded.h"
#include "lp-folded-reader.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  gsize step;
  gboolean ok = TRUE;

  /* the first byte picks how the input is cut into pieces */
  step = size > 0 ? (gsize) data[0] % 61 + 1 : 1;
  for (gsize off = 0; ok && off < size; off += step)
    ok = lp_folded_reader_feed (reader, (const char *) data + off, MIN (step, size - off), NULL);
  if (ok)
    ok = lp_folded_reader_finish (reader, NULL);

  if (ok && lp_folded_get_n_stacks (folded) > 0)
    {
      g_autoptr(GBytes) first = lp_folded_to_bytes (folded);
      g_autoptr(LpFolded) again = lp_folded_new ();
      g_autoptr(LpFoldedReader) reader2 = lp_folded_reader_new (again, LP_FOLDED_READER_STRICT);
      g_autoptr(GBytes) second = NULL;
      gsize len;
      const char *text = g_bytes_get_data (first, &len);

      if (!lp_folded_reader_feed (reader2, text, len, NULL) ||
          !lp_folded_reader_finish (reader2, NULL))
        abort ();
      second = lp_folded_to_bytes (again);
      if (!g_bytes_equal (first, second))
        abort ();
      if (lp_folded_get_n_stacks (again) != lp_folded_get_n_stacks (folded))
        abort ();

      /* lines in strictly increasing byte order, as LC_ALL=C sort -u */
      {
        const char *prev = NULL;
        gsize prev_len = 0;

        for (const char *p = text; p < text + len;)
          {
            const char *nl = memchr (p, '\n', text + len - p);
            gsize line_len = (gsize) (nl - p);
            int r;

            if (nl == NULL)
              abort ();
            if (prev != NULL)
              {
                r = memcmp (prev, p, MIN (prev_len, line_len));
                if (r > 0 || (r == 0 && prev_len >= line_len))
                  abort ();
              }
            prev = p;
            prev_len = line_len;
            p = nl + 1;
          }
      }
    }
  return 0;
}
