/* capture-target.c: two threads that take turns being busy, for the capture's times and threads.
 *
 * capture-target TURNS SECONDS: threads "turn-a" and "turn-b" take TURNS
 * turns of SECONDS each, a first, then b, and so on; the one whose turn it
 * is spins in busy_a() or busy_b(), the other waits on a condition
 * variable. Each turn is printed as "turn THREAD TID START END", START
 * and END in microseconds of CLOCK_REALTIME.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* LeakSanitizer cannot work under ptrace, and the engine traces this
 * program: turned off in a sanitizer build, whatever ASAN_OPTIONS says */
int __lsan_is_turned_off (void);
int
__lsan_is_turned_off (void)
{
  return 1;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn;        /* 0: a's, 1: b's; counts up */
static int turns;
static double seconds;
static volatile unsigned long sink;

static long long
now_us (int clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void __attribute__ ((noinline))
busy_a (long long until)
{
  while (now_us (CLOCK_MONOTONIC) < until)
    for (int i = 0; i < 1000; i++)
      sink += i;
}

static void __attribute__ ((noinline))
busy_b (long long until)
{
  while (now_us (CLOCK_MONOTONIC) < until)
    for (int i = 0; i < 1000; i++)
      sink ^= i;
}

static void *
player (void *data)
{
  int me = (int) (long) data;

  pthread_setname_np (pthread_self (), me == 0 ? "turn-a" : "turn-b");
  pthread_mutex_lock (&lock);
  for (;;)
    {
      long long start, end;

      while (turn < turns && turn % 2 != me)
        pthread_cond_wait (&changed, &lock);
      if (turn >= turns)
        break;
      pthread_mutex_unlock (&lock);
      start = now_us (CLOCK_REALTIME);
      (me == 0 ? busy_a : busy_b) (now_us (CLOCK_MONOTONIC) + (long long) (seconds * 1e6));
      end = now_us (CLOCK_REALTIME);
      printf ("turn %s %ld %lld %lld\n", me == 0 ? "a" : "b", (long) syscall (SYS_gettid), start, end);
      fflush (stdout);
      pthread_mutex_lock (&lock);
      turn++;
      pthread_cond_broadcast (&changed);
    }
  pthread_mutex_unlock (&lock);
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  pthread_t a, b;

  if (argc != 3)
    {
      fprintf (stderr, "usage: capture-target TURNS SECONDS\n");
      return 2;
    }
  turns = atoi (argv[1]);
  seconds = atof (argv[2]);
  pthread_create (&a, NULL, player, (void *) 0L);
  pthread_create (&b, NULL, player, (void *) 1L);
  pthread_join (a, NULL);
  pthread_join (b, NULL);
  return 0;
}
