/* fuzz-perf-script.c: libFuzzer target for the perf script reader and the exports.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzz=true and clang. Besides "no crash, no leak", it checks
 * properties: every sample read counts for one in the report, times never
 * go back, and whatever was read exports in every format. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

#include "lp-capture.h"
#include "lp-export.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LpCapture) capture = lp_capture_new ();
  guint64 skipped = 0;
  const LpCaptureSample *samples;
  guint64 n;

  if (!lp_perf_script_read (capture, (const char *) data, size, &skipped, NULL))
    return 0;

  n = lp_capture_get_n_samples (capture);
  samples = lp_capture_get_samples (capture);
  if (n == 0 || lp_folded_get_total (lp_capture_get_folded (capture)) != (double) n)
    abort ();
  for (guint64 i = 0; i < n; i++)
    if ((i > 0 && samples[i].time_ns < samples[i - 1].time_ns)
        || samples[i].thread >= lp_capture_get_n_threads (capture)
        || samples[i].stack >= lp_folded_get_n_stacks (lp_capture_get_folded (capture)))
      abort ();

  for (guint f = 0; f < LP_EXPORT_N_FORMATS; f++)
    {
      g_autoptr(GBytes) bytes = lp_export (capture, NULL, f, NULL);
      if (bytes == NULL || g_bytes_get_size (bytes) == 0)
        abort ();
    }
  return 0;
}
