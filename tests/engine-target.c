/* engine-target.c: a program with a known call structure for the engine tests; built without frame pointers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   engine-target work SECONDS   hot_path ~70% / cold_path ~30% of the main
 *                                thread's time, in irregular chunks of work
 *                                (spin), measured here; a second thread
 *                                blocked in read(2).
 *                                Prints "hot_share=F hot_cpu_share=F
 *                                chunks=N ok=1" (of its time, and of its
 *                                time on a CPU).
 *   engine-target threads N      creates and joins N short threads.
 *   engine-target signals N      waits until N SIGRTMIN signals arrived
 *                                (5 s at most), prints "signals=K".
 *   engine-target deep SECONDS   spins 150 calls deep, 512-byte frames.
 *   engine-target crowd SECONDS  two threads, crowd_a and crowd_b, spin on
 *                                CPU 0 alone: each runs half the time and
 *                                waits for the CPU the other half. Prints
 *                                each one's voluntary context switches
 *                                (a ptrace stop is one): "vcsw_a=N vcsw_b=N".
 *   engine-target waiters N SECONDS
 *                                N threads blocked in read(2)
 *                                (idle_waiter), the main thread in
 *                                hot_path for SECONDS; prints "ready" once
 *                                all are started.
 *   engine-target fork SECONDS   forks; the child spins in child_work for
 *                                SECONDS, the parent waits for it.
 *   engine-target alternate SECONDS
 *                                hot_path for 3 ms, then nanosleep for 2 ms,
 *                                again and again; prints the share of
 *                                time in hot_path: "busy_share=F".
 *   engine-target handler SECONDS
 *                                hot_path in main, interrupted every 3.7 ms
 *                                by SIGALRM, whose handler spends 1 ms of
 *                                work in in_handler; prints the share of time in
 *                                the handler, and of time on a CPU:
 *                                "handler_share=F handler_cpu_share=F".
 *   engine-target spawner SECONDS
 *                                the main thread starts a worker every
 *                                10 ms, 50 in all; each runs worker_spin
 *                                0.5 ms of every 10 until the end. Prints "ready" at
 *                                once, and at the end each worker's tid and
 *                                start, in seconds before the end:
 *                                "worker=TID@AGE".
 *   engine-target churn RATE SECONDS
 *                                the main thread (in creator) starts RATE
 *                                short detached threads a second
 *                                (churn_thread: a little work) for
 *                                SECONDS; prints "ready" at once, then
 *                                "created=N".
 *   engine-target compute N      a deterministic computation of about
 *                                N × 10 ms on two threads, with system
 *                                calls (write to a pipe, nanosleep) in
 *                                between; prints "checksum=HEX" (the
 *                                same for every N run).
 *   engine-target cut SECONDS    spins in cut_leaf, called by cut_root,
 *                                whose unwind info says it has no caller
 *                                (.cfi_undefined rip): the walk ends
 *                                there without an error, short of _start.
 *   engine-target exit           returns at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-clock.h"

static volatile uint64_t sink;

/* In a sanitizer build LeakSanitizer would run at exit, which it cannot do
 * while this process is traced by the engine under test. */
/* LeakSanitizer cannot work under ptrace, and the engine traces this
 * program: turned off here, whatever ASAN_OPTIONS says (it overrides
 * __asan_default_options) */
int __lsan_is_turned_off (void);
int
__lsan_is_turned_off (void)
{
  return 1;
}

const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

static uint64_t
thread_cpu_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* rounds of burn's loop, each the same work: their count measures time
 * on a CPU without a system call (clock_gettime of CLOCK_THREAD_CPUTIME_ID
 * is one, and a place where a busy machine preempts the thread: a tenth of
 * the waits then fell in it, between the chunks) */
static uint64_t rounds;

/* spins until @until; the common leaf of both paths */
__attribute__((noinline)) static uint64_t
burn (uint64_t until, uint64_t x)
{
  do
    {
      for (int i = 0; i < 200; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
      rounds++;
    }
  while (lp_clock_now_ns () < until);
  return x;
}

/* work mode: chunks are an amount of work (rounds of spin), not a time:
 * a chunk that spins until a deadline ends while its thread waits for a
 * CPU, so that on a busy machine every slice began with a fresh chunk,
 * in step with the scheduler (see do_work) */
static double rounds_per_ns;

__attribute__((noinline)) static uint64_t
spin (uint64_t n, uint64_t x)
{
  for (uint64_t r = 0; r < n; r++)
    {
      for (int i = 0; i < 200; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
      rounds++;
    }
  return x;
}

__attribute__((noinline)) uint64_t hot_path (uint64_t ns, uint64_t x);
__attribute__((noinline)) uint64_t cold_path (uint64_t ns, uint64_t x);
__attribute__((noinline)) uint64_t
hot_path (uint64_t ns, uint64_t x)
{
  x = rounds_per_ns > 0 ? spin ((uint64_t) (ns * rounds_per_ns), x) : burn (lp_clock_now_ns () + ns, x);
  sink = x;
  return x;
}

__attribute__((noinline)) uint64_t
cold_path (uint64_t ns, uint64_t x)
{
  x = rounds_per_ns > 0 ? spin ((uint64_t) (ns * rounds_per_ns), x ^ 0x5555) : burn (lp_clock_now_ns () + ns, x ^ 0x5555);
  sink = x;
  return x;
}

static int block_pipe[2];

__attribute__((noinline)) static void *
blocker_thread (void *data)
{
  char c;
  /* blocks until the process ends */
  if (read (block_pipe[0], &c, 1) < 0)
    perror ("read");
  return NULL;
}

/* Sets how many rounds of spin take a ns on a CPU (not of the clock: on a
 * busy machine the chunks would shrink): from then on hot_path and
 * cold_path do an amount of work, not spin until a deadline. */
static uint64_t
calibrate (uint64_t x)
{
  uint64_t c0 = thread_cpu_ns (), r0 = rounds;

  x = burn (lp_clock_now_ns () + 20000000, x);
  rounds_per_ns = (double) (rounds - r0) / (double) MAX (thread_cpu_ns () - c0, 1);
  return x;
}

static int
do_work (double seconds)
{
  pthread_t blocker;
  uint64_t start, end, hot = 0, x = 1, rnd = 12345;
  uint64_t result = 0, rounds_start, hot_rounds = 0;

  if (pipe (block_pipe) < 0 || pthread_create (&blocker, NULL, blocker_thread, NULL) != 0)
    return 1;

  start = lp_clock_now_ns ();
  rounds_start = rounds;
  end = start + (uint64_t) (seconds * 1e9);
  x = calibrate (x);
  while (lp_clock_now_ns () < end)
    {
      uint64_t t0, h, c, r0;

      /* irregular chunks so that no sampling rate aliases with them */
      rnd = rnd * 6364136223846793005u + 1;
      h = 500000 + (rnd >> 33) % 9000000;      /* 0.5-9.5 ms, mean 5 */
      rnd = rnd * 6364136223846793005u + 1;
      c = 200000 + (rnd >> 33) % 3900000;      /* 0.2-4.1 ms, mean 2.15 */
      t0 = lp_clock_now_ns ();
      r0 = rounds;
      x = hot_path (h, x);
      hot += lp_clock_now_ns () - t0;
      hot_rounds += rounds - r0;
      x = cold_path (c, x);
      result++;
    }
  end = lp_clock_now_ns ();
  /* the share of its time, and of its time on a CPU (what cpu mode
   * samples: on a busy machine preemptions make the two differ); ok: a
   * result that a stopped or disturbed run cannot fake (the number of
   * chunks depends on timing, so an invariant) */
  printf ("hot_share=%.4f hot_cpu_share=%.4f chunks=%llu ok=%d\n", (double) hot / (double) (end - start),
          (double) hot_rounds / (double) (rounds - rounds_start), (unsigned long long) result, result > 0);
  fflush (stdout);
  return 0;
}

static void *
short_thread (void *data)
{
  uint64_t x = (uintptr_t) data;
  x = burn (lp_clock_now_ns () + 5000000, x);
  sink = x;
  return NULL;
}

static int
do_threads (int n)
{
  int done = 0;

  /* in waves of 10, so that threads start and end while sampled */
  while (done < n)
    {
      pthread_t t[10];
      int k = n - done < 10 ? n - done : 10;

      for (int i = 0; i < k; i++)
        if (pthread_create (&t[i], NULL, short_thread, (void *) (uintptr_t) i) != 0)
          return 1;
      for (int i = 0; i < k; i++)
        pthread_join (t[i], NULL);
      done += k;
    }
  printf ("threads=%d\n", done);
  return 0;
}

/* a deep stack with big frames: far beyond the engine's copied window */
__attribute__((noinline)) uint64_t deep (int depth, uint64_t until);
__attribute__((noinline)) uint64_t
deep (int depth, uint64_t until)
{
  volatile char pad[512];

  pad[0] = (char) depth;
  if (depth == 0)
    return burn (until, 1);
  return deep (depth - 1, until) + pad[0];
}

static double crowd_seconds;

static long
voluntary_switches (void)
{
  char line[256];
  long n = -1;
  FILE *f = fopen ("/proc/thread-self/status", "r");

  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, "voluntary_ctxt_switches:", 24) == 0)
      n = atol (line + 24);
  if (f != NULL)
    fclose (f);
  return n;
}

static void *
crowd_spin (void)
{
  cpu_set_t one;
  uint64_t until;

  CPU_ZERO (&one);
  CPU_SET (0, &one);
  pthread_setaffinity_np (pthread_self (), sizeof one, &one);
  until = lp_clock_now_ns () + (uint64_t) (crowd_seconds * 1e9);
  sink = burn (until, (uintptr_t) &one);
  return (void *) (intptr_t) voluntary_switches ();
}

__attribute__((noinline)) static void *
crowd_a (void *data)
{
  return crowd_spin ();
}

__attribute__((noinline)) static void *
crowd_b (void *data)
{
  return crowd_spin ();
}

static int
do_crowd (double seconds)
{
  pthread_t a, b;
  void *va, *vb;

  crowd_seconds = seconds;
  if (pthread_create (&a, NULL, crowd_a, NULL) != 0 || pthread_create (&b, NULL, crowd_b, NULL) != 0)
    return 1;
  pthread_join (a, &va);
  pthread_join (b, &vb);
  printf ("vcsw_a=%ld vcsw_b=%ld\n", (long) (intptr_t) va, (long) (intptr_t) vb);
  return 0;
}

__attribute__((noinline)) static void *
idle_waiter (void *data)
{
  char c;

  if (read (block_pipe[0], &c, 1) < 0)
    perror ("read");
  return NULL;
}

static int
do_waiters (int n,
            double seconds)
{
  uint64_t end, x = 1;
  pthread_attr_t attr;

  if (pipe (block_pipe) < 0)
    return 1;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  for (int i = 0; i < n; i++)
    {
      pthread_t t;
      if (pthread_create (&t, &attr, idle_waiter, NULL) != 0)
        return 1;
      pthread_detach (t);
    }
  printf ("ready\n");
  fflush (stdout);
  end = lp_clock_now_ns () + (uint64_t) (seconds * 1e9);
  while (lp_clock_now_ns () < end)
    x = hot_path (1000000, x);
  return 0;
}

__attribute__((noinline)) static uint64_t
child_work (double seconds)
{
  return burn (lp_clock_now_ns () + (uint64_t) (seconds * 1e9), 7);
}

static int
do_fork (double seconds)
{
  int status;
  pid_t child = fork ();

  if (child < 0)
    return 1;
  if (child == 0)
    {
      sink = child_work (seconds);
      _exit (0);
    }
  if (waitpid (child, &status, 0) != child || !WIFEXITED (status))
    return 1;
  printf ("child=%d\n", WEXITSTATUS (status));
  return 0;
}

static int
do_alternate (double seconds)
{
  uint64_t start = lp_clock_now_ns (), end = start + (uint64_t) (seconds * 1e9), busy = 0, x = 1;
  struct timespec nap = { 0, 2000000 };

  while (lp_clock_now_ns () < end)
    {
      uint64_t t0 = lp_clock_now_ns ();
      x = hot_path (3000000, x);
      busy += lp_clock_now_ns () - t0;
      nanosleep (&nap, NULL);
    }
  printf ("busy_share=%.4f\n", (double) busy / (double) (lp_clock_now_ns () - start));
  return 0;
}

static volatile sig_atomic_t n_signals;

static void
on_signal (int sig)
{
  n_signals++;
}

static int
do_signals (int n)
{
  uint64_t end = lp_clock_now_ns () + 5000000000u;
  uint64_t x = 1;

  signal (SIGRTMIN, on_signal);
  printf ("ready\n");
  fflush (stdout);
  while (n_signals < n && lp_clock_now_ns () < end)
    x = hot_path (1000000, x);
  printf ("signals=%d\n", (int) n_signals);
  return 0;
}

static volatile uint64_t handler_ns, n_handled;

__attribute__((noinline)) void in_handler (void);
__attribute__((noinline)) void
in_handler (void)
{
  uint64_t t0 = lp_clock_now_ns ();

  sink = cold_path (1000000, sink);
  handler_ns += lp_clock_now_ns () - t0;
  n_handled++;
}

static void
on_alarm (int sig)
{
  in_handler ();
}

static int
do_handler (double seconds)
{
  uint64_t start = lp_clock_now_ns (), end = start + (uint64_t) (seconds * 1e9), x = 1;
  uint64_t calib = rounds, n_main = 0;
  double in, out;
  struct itimerval every = { { 0, 3700 }, { 0, 3700 } }, off = { { 0, 0 }, { 0, 0 } };
  struct sigaction sa = { 0 };

  /* not a multiple of the sampling period: at 4 ms, samples every 2 ms of
   * CPU time kept the same phase to the timer and never landed in the
   * handler, with perf record as with laprof's cpu mode */
  sink = calibrate (sink);
  calib = rounds - calib;
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction (SIGALRM, &sa, NULL);
  setitimer (ITIMER_REAL, &every, NULL);
  while (lp_clock_now_ns () < end)
    {
      x = hot_path (200000, x);
      n_main++;
    }
  setitimer (ITIMER_REAL, &off, NULL);
  /* and of its time on a CPU (what cpu mode samples), in rounds of work:
   * each call does a fixed number (the counter itself may miss the
   * handler's, when it interrupts spin's) */
  in = (double) n_handled * (double) (uint64_t) (1000000 * rounds_per_ns);
  out = (double) n_main * (double) (uint64_t) (200000 * rounds_per_ns) + (double) calib;
  printf ("handler_share=%.4f handler_cpu_share=%.4f\n", (double) handler_ns / (double) (lp_clock_now_ns () - start),
          in / (in + out));
  return 0;
}

static uint64_t spawner_end;

typedef struct
{
  pthread_t thread;
  volatile pid_t tid;
  uint64_t born;
} Worker;

__attribute__((noinline)) void worker_spin (void);
__attribute__((noinline)) void
worker_spin (void)
{
  sink = burn (lp_clock_now_ns () + 500000, sink);
}

static void *
spawned_worker (void *data)
{
  Worker *w = data;
  struct timespec nap = { 0, 9500000 };

  w->tid = (pid_t) syscall (SYS_gettid);
  while (lp_clock_now_ns () < spawner_end)
    {
      worker_spin ();
      nanosleep (&nap, NULL);
    }
  return NULL;
}

static int
do_spawner (double seconds)
{
  unsigned n = 50, made = 0;
  Worker *workers = calloc (n, sizeof *workers);
  uint64_t end;

  spawner_end = lp_clock_now_ns () + (uint64_t) (seconds * 1e9);
  printf ("ready\n");
  fflush (stdout);
  while (lp_clock_now_ns () < spawner_end && made < n)
    {
      struct timespec nap = { 0, 10000000 };

      workers[made].born = lp_clock_now_ns ();
      if (pthread_create (&workers[made].thread, NULL, spawned_worker, &workers[made]) != 0)
        return 1;
      made++;
      nanosleep (&nap, NULL);
    }
  for (unsigned i = 0; i < made; i++)
    pthread_join (workers[i].thread, NULL);
  end = lp_clock_now_ns ();
  for (unsigned i = 0; i < made; i++)
    printf ("worker=%d@%.3f\n", (int) workers[i].tid, (double) (end - workers[i].born) / 1e9);
  free (workers);
  return 0;
}

static void *
churn_thread (void *data)
{
  uint64_t x = (uintptr_t) data;

  for (int i = 0; i < 2000; i++)
    x = x * 6364136223846793005u + 1442695040888963407u;
  sink = x;
  return NULL;
}

__attribute__((noinline)) static int
creator (double rate, double seconds)
{
  uint64_t start = lp_clock_now_ns (), period = (uint64_t) (1e9 / rate), next = start;
  uint64_t deadline = start + (uint64_t) (seconds * 1e9);
  unsigned long created = 0;
  pthread_attr_t attr;

  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  printf ("ready\n");
  fflush (stdout);
  while (lp_clock_now_ns () < deadline)
    {
      pthread_t t;

      if (pthread_create (&t, &attr, churn_thread, (void *) (uintptr_t) created) != 0)
        return 1;
      created++;
      lp_clock_wait_next (&next, period);
    }
  printf ("created=%lu\n", created);
  fflush (stdout);
  return 0;
}

/* compute: each thread hashes its part, a pipe carries the second's
 * result to the first; the checksum depends on nothing but N */
typedef struct
{
  int      units;
  uint64_t seed;
  int      fd;
} Part;

__attribute__((noinline)) static uint64_t
compute_unit (uint64_t x)
{
  for (int i = 0; i < 300000; i++)
    x = (x ^ (x >> 29)) * 0xBF58476D1CE4E5B9u + (uint64_t) i;
  return x;
}

static void *
compute_part (void *data)
{
  Part *part = data;
  uint64_t x = part->seed;

  for (int i = 0; i < part->units; i++)
    {
      struct timespec nap = { 0, 100000 };

      x = compute_unit (x);
      if (i % 8 == 7)
        nanosleep (&nap, NULL);
    }
  if (part->fd >= 0)
    {
      if (write (part->fd, &x, sizeof x) != sizeof x)
        abort ();
      close (part->fd);
    }
  part->seed = x;
  return NULL;
}

static int
do_compute (int units)
{
  int fds[2];
  Part a = { units / 2, 1, -1 }, b = { units - units / 2, 2, -1 };
  pthread_t tb;
  uint64_t from_b = 0;
  ssize_t n;

  if (pipe (fds) != 0)
    return 1;
  b.fd = fds[1];
  if (pthread_create (&tb, NULL, compute_part, &b) != 0)
    return 1;
  compute_part (&a);
  do
    n = read (fds[0], &from_b, sizeof from_b);
  while (n < 0 && errno == EINTR);
  pthread_join (tb, NULL);
  if (n != sizeof from_b || from_b != b.seed)
    return 3;
  printf ("checksum=%016llx\n", (unsigned long long) (a.seed ^ (from_b * 31)));
  fflush (stdout);
  return 0;
}

__attribute__((noinline)) static uint64_t
cut_leaf (uint64_t until)
{
  return burn (until, until);
}

/* its CFI marks the return address undefined: for an unwinder, the
 * outermost frame, as glibc marks _start */
__attribute__((noinline)) static uint64_t
cut_root (uint64_t until)
{
  uint64_t r;

  __asm__ volatile (".cfi_undefined rip");
  r = cut_leaf (until);
  __asm__ volatile ("" ::: "memory");
  return r + 1;
}

int
main (int argc, char **argv)
{
  if (argc >= 3 && strcmp (argv[1], "work") == 0)
    return do_work (atof (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "threads") == 0)
    return do_threads (atoi (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "signals") == 0)
    return do_signals (atoi (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "deep") == 0)
    {
      sink = deep (150, lp_clock_now_ns () + (uint64_t) (atof (argv[2]) * 1e9));
      return 0;
    }
  if (argc >= 4 && strcmp (argv[1], "waiters") == 0)
    return do_waiters (atoi (argv[2]), atof (argv[3]));
  if (argc >= 3 && strcmp (argv[1], "alternate") == 0)
    return do_alternate (atof (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "fork") == 0)
    return do_fork (atof (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "crowd") == 0)
    return do_crowd (atof (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "spawner") == 0)
    return do_spawner (atof (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "handler") == 0)
    return do_handler (atof (argv[2]));
  if (argc >= 4 && strcmp (argv[1], "churn") == 0)
    return creator (atof (argv[2]), atof (argv[3]));
  if (argc >= 3 && strcmp (argv[1], "compute") == 0)
    return do_compute (atoi (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "cut") == 0)
    {
      sink = cut_root (lp_clock_now_ns () + (uint64_t) (atof (argv[2]) * 1e9));
      return 0;
    }
  if (argc >= 2 && strcmp (argv[1], "exit") == 0)
    return 0;
  fprintf (stderr, "usage: engine-target work SECONDS | threads N | signals N | exit\n");
  return 2;
}
