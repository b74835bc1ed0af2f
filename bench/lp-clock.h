/* lp-clock.h: CLOCK_MONOTONIC in ns, for the workloads of the benchmarks and the engine's test target (no GLib).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <time.h>

/* lp_clock_now_ns: CLOCK_MONOTONIC, in nanoseconds. */
static inline uint64_t
lp_clock_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}
