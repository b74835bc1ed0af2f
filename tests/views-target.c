/* views-target.c: a program for test-gui-views to record with --lines: nearly all its time in one line of hot_loop.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <time.h>

static volatile double sink;

static void __attribute__ ((noinline))
hot_loop (long n)
{
  for (long i = 0; i < n; i++) sink += i * 0.5; /* HOT */
}

int
main (void)
{
  struct timespec start, now;

  clock_gettime (CLOCK_MONOTONIC, &start);
  do
    {
      hot_loop (1000000);
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while (now.tv_sec - start.tv_sec < 3);
  return 0;
}
