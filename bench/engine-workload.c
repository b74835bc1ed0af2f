/* engine-workload.c: a fixed CPU workload for bench-engine: recursion (deep stacks) and a hash loop.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   engine-workload N   does N units of work, prints "elapsed=SECONDS result=R"
 *                       (the time of the work alone, startup excluded). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) static uint64_t
fib (int n)
{
  return n < 2 ? (uint64_t) n : fib (n - 1) + fib (n - 2);
}

__attribute__((noinline)) static uint64_t
mix (uint64_t x, int rounds)
{
  for (int i = 0; i < rounds; i++)
    x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15u + i;
  return x;
}

__attribute__((noinline)) static uint64_t
unit (uint64_t seed)
{
  return fib (24) + mix (seed, 200000);
}

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 100;
  struct timespec a, b;
  uint64_t r = 0;

  clock_gettime (CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++)
    r += unit (r + i);
  clock_gettime (CLOCK_MONOTONIC, &b);
  printf ("elapsed=%.6f result=%llu\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
          (unsigned long long) (r & 0xffff));
  return 0;
}
