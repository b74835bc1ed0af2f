/* fuzz-capture.c: libFuzzer target for the capture reader (lp_capture_load_bytes, lp_capture_reader_feed_block).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzz=true and clang. An input that starts with the
 * capture's magic is read as a file; any other is taken as the records of
 * one block, which the target compresses and seals itself, so that the
 * fuzzer reaches the records past zlib and the checksum. Besides "no
 * crash, no leak", it checks what a capture promises: samples in time
 * order, their threads and stacks in range, the aggregate's total the
 * sum of their weights, and a capture written out reads back the same. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lp-capture.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (LpCapture *capture)
{
  const LpCaptureSample *s = lp_capture_get_samples (capture);
  guint64 n = lp_capture_get_n_samples (capture);
  LpFolded *folded = lp_capture_get_folded (capture);
  double sum = 0;

  for (guint64 i = 0; i < n; i++)
    {
      if (i > 0 && s[i].time_ns < s[i - 1].time_ns)
        abort ();
      if (s[i].stack >= lp_folded_get_n_stacks (folded) || s[i].thread >= lp_capture_get_n_threads (capture))
        abort ();
      sum += s[i].weight;
    }
  if (sum != lp_folded_get_total (folded))
    abort ();
}

static void
round_trip (LpCapture *capture)
{
  g_autoptr(LpCaptureWriter) writer = lp_capture_writer_new (capture, -1, NULL);
  g_autoptr(GBytes) block = lp_capture_writer_take_block (writer);
  g_autoptr(LpCapture) back = lp_capture_new ();
  g_autoptr(LpCaptureReader) reader = lp_capture_reader_new (back);

  if (block == NULL)
    return;
  if (!lp_capture_reader_feed_block (reader, g_bytes_get_data (block, NULL), g_bytes_get_size (block), NULL))
    abort ();
  check (back);
  if (lp_capture_get_n_samples (back) != lp_capture_get_n_samples (capture) ||
      lp_folded_get_total (lp_capture_get_folded (back)) != lp_folded_get_total (lp_capture_get_folded (capture)) ||
      lp_capture_get_n_threads (back) != lp_capture_get_n_threads (capture))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const guint8 magic[8] = { 0x89, 'L', 'A', 'P', 'C', 'A', 'P', '\n' };
  g_autoptr(LpCapture) capture = NULL;

  if (size >= 8 && memcmp (data, magic, 8) == 0)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);

      capture = lp_capture_load_bytes (bytes, NULL);
    }
  else if (size <= 65536)
    {
      g_autoptr(LpCaptureReader) reader = NULL;
      uLongf comp_len = compressBound (size);
      g_autofree guint8 *block = g_malloc (12 + comp_len);

      if (compress2 (block + 12, &comp_len, data, size, 1) != Z_OK)
        abort ();
      for (guint i = 0; i < 4; i++)
        {
          block[i] = (guint8) (size >> (8 * i));
          block[4 + i] = (guint8) (comp_len >> (8 * i));
          block[8 + i] = (guint8) (crc32 (0, block + 12, comp_len) >> (8 * i));
        }
      capture = lp_capture_new ();
      reader = lp_capture_reader_new (capture);
      if (!lp_capture_reader_feed_block (reader, block, 12 + comp_len, NULL))
        g_clear_pointer (&capture, lp_capture_free);
    }
  if (capture != NULL)
    {
      check (capture);
      round_trip (capture);
    }
  return 0;
}
