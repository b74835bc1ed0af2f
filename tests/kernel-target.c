/* kernel-target.c: the program test-kernel records: a loop of system calls, or threads blocked in the kernel.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* most of its time in the kernel: read() of /dev/zero clears our buffer
 * (the system call itself: a sanitizer's read() would check the buffer) */
__attribute__((noinline)) static void
zero_reader (double seconds)
{
  static char buf[64 * 1024];
  int fd = open ("/dev/zero", O_RDONLY | O_CLOEXEC);
  double end = now () + seconds;

  if (fd < 0)
    exit (3);
  while (now () < end)
    if (syscall (SYS_read, fd, buf, sizeof buf) < 0)
      exit (4);
  close (fd);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

/* blocked in futex all along */
__attribute__((noinline)) static void *
cond_waiter (void *data)
{
  pthread_mutex_lock (&lock);
  for (;;)
    pthread_cond_wait (&never, &lock);
  return data;
}

/* blocked in clock_nanosleep */
__attribute__((noinline)) static void
sleeper (double seconds)
{
  struct timespec ts = { (time_t) seconds, (long) ((seconds - (time_t) seconds) * 1e9) };

  while (clock_nanosleep (CLOCK_MONOTONIC, 0, &ts, &ts) != 0)
    ;
}

int
main (int    argc,
      char **argv)
{
  double seconds = argc > 2 ? atof (argv[2]) : 1;

  if (argc > 1 && strcmp (argv[1], "syscalls") == 0)
    zero_reader (seconds);
  else if (argc > 1 && strcmp (argv[1], "wait") == 0)
    {
      pthread_t thread;

      pthread_create (&thread, NULL, cond_waiter, NULL);
      sleeper (seconds);
    }
  else
    {
      fprintf (stderr, "usage: kernel-target syscalls|wait SECONDS\n");
      return 2;
    }
  return 0;
}
