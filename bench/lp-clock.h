/* lp-clock.h: CLOCK_MONOTONIC in ns, and a steady pace, for the workloads of the benchmarks and the engine's test target (no GLib).
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

/* lp_clock_wait_next: advances *@next by @period_ns and sleeps until
 * CLOCK_MONOTONIC reaches it (at once if it has): the pace of a loop
 * that does something @period_ns apart. */
static inline void
lp_clock_wait_next (uint64_t *next,
                    uint64_t  period_ns)
{
  *next += period_ns;
  for (uint64_t now = lp_clock_now_ns (); now < *next; now = lp_clock_now_ns ())
    {
      struct timespec nap = { 0, (long) (*next - now) };
      nanosleep (&nap, NULL);
    }
}
