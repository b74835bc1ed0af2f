/* threads-workload.c: many threads for bench-engine-threads: busy ones, or short ones created fast.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   threads-workload busy N SECONDS    N threads spin (busy_thread) for
 *                                      SECONDS; prints "ready" once all
 *                                      run, then "rounds=R" at the end.
 *   threads-workload churn RATE SECONDS
 *                                      the main thread creates RATE
 *                                      short threads a second (detached:
 *                                      each does a little work and ends)
 *                                      for SECONDS; prints "ready" at
 *                                      once, then "created=N". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lp-clock.h"

static uint64_t deadline;
static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t
spin (uint64_t x)
{
  for (int i = 0; i < 2000; i++)
    x = x * 6364136223846793005u + 1442695040888963407u;
  return x;
}

static void *
busy_thread (void *data)
{
  uint64_t x = (uintptr_t) data, n = 0;

  while (lp_clock_now_ns () < deadline)
    {
      x = spin (x);
      n++;
    }
  sink += x;
  return (void *) (uintptr_t) n;
}

static void *
short_thread (void *data)
{
  sink += spin ((uintptr_t) data);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc >= 4 && strcmp (argv[1], "busy") == 0)
    {
      int n = atoi (argv[2]);
      pthread_t *threads = calloc (n > 0 ? n : 1, sizeof *threads);
      uint64_t total = 0;

      deadline = lp_clock_now_ns () + (uint64_t) (atof (argv[3]) * 1e9);
      for (int i = 0; i < n; i++)
        if (pthread_create (&threads[i], NULL, busy_thread, (void *) (uintptr_t) (i + 1)) != 0)
          return 1;
      printf ("ready\n");
      fflush (stdout);
      for (int i = 0; i < n; i++)
        {
          void *r;

          pthread_join (threads[i], &r);
          total += (uintptr_t) r;
        }
      printf ("rounds=%llu\n", (unsigned long long) total);
      free (threads);
      return 0;
    }
  if (argc >= 4 && strcmp (argv[1], "churn") == 0)
    {
      double rate = atof (argv[2]);
      uint64_t start = lp_clock_now_ns (), period = rate > 0 ? (uint64_t) (1e9 / rate) : 1000000, next = start;
      unsigned long created = 0;

      deadline = start + (uint64_t) (atof (argv[3]) * 1e9);
      printf ("ready\n");
      fflush (stdout);
      while (lp_clock_now_ns () < deadline)
        {
          pthread_t t;

          if (pthread_create (&t, NULL, short_thread, (void *) (uintptr_t) created) != 0)
            return 1;
          pthread_detach (t);
          created++;
          lp_clock_wait_next (&next, period);
        }
      printf ("created=%lu\n", created);
      fflush (stdout);
      return 0;
    }
  fprintf (stderr, "usage: threads-workload busy N SECONDS | churn RATE SECONDS\n");
  return 2;
}
