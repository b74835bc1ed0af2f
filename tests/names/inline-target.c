/* inline-target.c: a hot loop in a function the compiler inlines (always_inline) into its caller, for the inlined frames of recordings with lines: "run_outer (inline-target.c:L);mix_inlined (inline-target.c:M)".
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * inline-target SECONDS: spins for SECONDS in mix_inlined, inlined into
 * run_outer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline __attribute__((always_inline)) uint64_t
mix_inlined (uint64_t x)
{
  for (int i = 0; i < 100000; i++)
    x = x * 6364136223846793005u + 1442695040888963407u;   /* the hot line */
  return x;
}

__attribute__((noinline)) static uint64_t
run_outer (double seconds)
{
  double end = now () + seconds;
  uint64_t x = 1;

  while (now () < end)
    x = mix_inlined (x);   /* the call inlined */
  return x;
}

int
main (int argc, char **argv)
{
  sink = run_outer (argc > 1 ? atof (argv[1]) : 1.0);
  printf ("done\n");
  return 0;
}
