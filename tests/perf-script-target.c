/* perf-script-target.c: a program for test-perf-script: its main thread spends its time in lp_perf_hot_main, a second thread (named "lp-worker") in lp_perf_hot_worker, for `perf record -g`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static volatile double sink;

/* about 0.3 s of arithmetic at -O1 */
__attribute__((noinline)) static void
lp_perf_hot_main (long n)
{
  for (long i = 0; i < n; i++)
    sink += (double) i * 0.5;
}

__attribute__((noinline)) static void
lp_perf_hot_worker (long n)
{
  for (long i = 0; i < n; i++)
    sink += (double) i * 0.25;
}

static void *
worker (void *data)
{
  pthread_setname_np (pthread_self (), "lp-worker");
  lp_perf_hot_worker (*(long *) data);
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 100000000;
  long half = n / 2;
  pthread_t t;

  if (pthread_create (&t, NULL, worker, &half) != 0)
    return 1;
  lp_perf_hot_main (n);
  pthread_join (t, NULL);
  printf ("%g\n", sink);
  return 0;
}
