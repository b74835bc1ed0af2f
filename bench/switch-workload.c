/* switch-workload.c: a workload for bench-engine that switches threads often: two threads hand a token back and forth.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   switch-workload N   N hand-offs between two threads, each after a
 *                       little work (about 20 µs), through a pipe each
 *                       way; prints "elapsed=SECONDS result=R switches=S"
 *                       (S: the process's voluntary context switches).
 *
 * Each hand-off wakes the other thread and puts this one to sleep: two
 * context switches, and in wall mode two switch records and a blocked
 * thread to sample at each tick. bench-engine's other workload hardly
 * switches at all. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int to_b[2], to_a[2];
static long n_handoffs;
static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t
work (uint64_t x)
{
  for (int i = 0; i < 6000; i++)
    x = (x ^ (x >> 29)) * 0xBF58476D1CE4E5B9u + (uint64_t) i;
  return x;
}

static void *
thread_b (void *data)
{
  uint64_t x = 2;
  char c;

  for (long i = 0; i < n_handoffs; i++)
    {
      if (read (to_b[0], &c, 1) != 1)
        break;
      x = work (x);
      if (write (to_a[1], &c, 1) != 1)
        break;
    }
  sink = x;
  return data;
}

int
main (int argc, char **argv)
{
  struct timespec t0, t1;
  struct rusage ru;
  pthread_t b;
  uint64_t x = 1;
  char c = 'x';

  n_handoffs = argc > 1 ? atol (argv[1]) : 20000;
  if (pipe (to_b) < 0 || pipe (to_a) < 0 || pthread_create (&b, NULL, thread_b, NULL) != 0)
    return 1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n_handoffs; i++)
    {
      x = work (x);
      if (write (to_b[1], &c, 1) != 1 || read (to_a[0], &c, 1) != 1)
        return 1;
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  pthread_join (b, NULL);
  getrusage (RUSAGE_SELF, &ru);
  printf ("elapsed=%.6f result=%llu switches=%ld\n",
          (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9,
          (unsigned long long) (x ^ sink), ru.ru_nvcsw);
  return 0;
}
