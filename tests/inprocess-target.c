/* inprocess-target.c: the program that test-inprocess profiles from inside (preload or C API): hot functions, blocked threads, thread churn, fork, start/stop.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   inprocess-target [--api [--period S] [--mode wall|cpu] [--output DEST]
 *                    [--single] [--min-time S] [--no-idle]] MODE [ARGS]
 *
 * Modes (each prints a summary on stdout, exits 0 when all went right):
 *   probe              tries ptrace, perf_event_open and process_vm_readv;
 *                      prints "ptrace=ok|ERRNO perf=… vm=…"
 *   busy SECONDS       inproc_hot_alpha and inproc_hot_beta share the main
 *                      thread's CPU 2:1 (measured with the thread's CPU
 *                      clock: "alpha=S beta=S share=F"); a second thread
 *                      waits in read() on a pipe (inproc_idle_reader)
 *   blocking ROUNDS    threads that sleep (nanosleep, clock_nanosleep,
 *                      usleep), read pipes fed by a writer thread, wait on
 *                      condition variables (with and without timeout), and
 *                      poll/select/epoll_wait with timeouts, each after a
 *                      short burst of CPU; every result checked (EINTR, a
 *                      short read, a sleep shorter than asked, an early
 *                      timeout); prints the counts and "problems=N"
 *   churn SECONDS      threads started and ended all along (each spins in
 *                      inproc_churn_work for about 2 ms); "created=N"
 *   fork CHILDREN      forks CHILDREN children one after the other while a
 *                      thread computes; child i computes (inproc_child_work)
 *                      and exits with status 10 + i; one more child execs
 *                      /bin/true; "children=N statuses=ok"
 *   startstop N        (C API build only) N runs of a profiler in one
 *                      process; prints fds, threads and RSS before and
 *                      after: "fds=A->B threads=A->B rss_kib=A->B"
 *   single SECONDS     (with --api --single) the main thread computes in
 *                      inproc_single_mine while another computes in
 *                      inproc_single_other
 *
 * With --api (the build that links liblaprof: inprocess-target-api), main()
 * starts a profiler with those options before the mode and stops it after,
 * printing "api: stop=RC samples=N idle=N lost=N threads=N stored=B
 * spooled=B too_short=B disabled=B duration=S sampler_cpu=S
 * per_sample_us=US location=L" and the error, if any, on a line
 * "api-error: MESSAGE". */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ptrace.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef INPROCESS_API
#include "laprof.h"
#endif

#define NOINLINE __attribute__((noinline))

static volatile uint64_t sink;

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* Spins until the calling thread has used @ns more CPU time. */
NOINLINE static uint64_t
spin_cpu (uint64_t ns)
{
  uint64_t end = thread_cpu_ns () + ns, x = sink;

  do
    for (int i = 0; i < 2000; i++)
      x = x * 6364136223846793005u + 1442695040888963407u;
  while (thread_cpu_ns () < end);
  sink = x;
  return x;
}

/* ---- probe ---- */

static const char *
errno_name (int e)
{
  switch (e)
    {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case ENOSYS: return "ENOSYS";
    case EACCES: return "EACCES";
    case ESRCH: return "ESRCH";
    default: return "other";
    }
}

static int
mode_probe (void)
{
  int ptrace_err = 0, perf_err = 0, vm_err = 0;
  pid_t child = fork ();

  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  if (child < 0)
    ptrace_err = errno;
  else
    {
      if (ptrace (PTRACE_ATTACH, child, NULL, NULL) < 0)
        ptrace_err = errno;
      kill (child, SIGKILL);
      waitpid (child, NULL, 0);
    }
  {
    struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof attr,
                                    .config = PERF_COUNT_SW_TASK_CLOCK, .disabled = 1,
                                    .exclude_kernel = 1, .exclude_hv = 1 };
    long fd = syscall (SYS_perf_event_open, &attr, 0, -1, -1, 0);

    if (fd < 0)
      perf_err = errno;
    else
      close ((int) fd);
  }
  {
    char from[8] = "abcdefg", to[8] = { 0 };
    struct iovec local = { to, sizeof to }, remote = { from, sizeof from };

    if (process_vm_readv (getpid (), &local, 1, &remote, 1, 0) < 0)
      vm_err = errno;
  }
  printf ("ptrace=%s perf=%s vm=%s\n", errno_name (ptrace_err), errno_name (perf_err), errno_name (vm_err));
  return 0;
}

/* ---- busy ---- */

NOINLINE static uint64_t
inproc_hot_alpha (uint64_t ns)
{
  return spin_cpu (ns);
}

NOINLINE static uint64_t
inproc_hot_beta (uint64_t ns)
{
  return spin_cpu (ns);
}

static int idle_pipe[2];

NOINLINE static void *
inproc_idle_reader (void *data)
{
  char c;
  ssize_t n;

  (void) data;
  while ((n = read (idle_pipe[0], &c, 1)) < 0 && errno == EINTR)
    fprintf (stderr, "inproc_idle_reader: EINTR\n");
  return NULL;
}

NOINLINE static int
inproc_busy (double seconds)
{
  uint64_t end = now_ns () + (uint64_t) (seconds * 1e9);
  uint64_t alpha = 0, beta = 0;
  pthread_t reader;

  if (pipe (idle_pipe) < 0 || pthread_create (&reader, NULL, inproc_idle_reader, NULL) != 0)
    return 1;
  uint32_t seed = 12345;

  while (now_ns () < end)
    {
      uint64_t t0 = thread_cpu_ns (), t1, t2, unit;

      /* slices of varying length (0.3 to 1.7 ms, twice that for alpha),
       * so that a sampling period never keeps step with them */
      seed = seed * 1103515245u + 12345u;
      unit = 300000 + (seed >> 8) % 1400000;
      inproc_hot_alpha (2 * unit);
      t1 = thread_cpu_ns ();
      inproc_hot_beta (unit);
      t2 = thread_cpu_ns ();
      alpha += t1 - t0;
      beta += t2 - t1;
    }
  if (write (idle_pipe[1], "x", 1) != 1)
    return 1;
  pthread_join (reader, NULL);
  close (idle_pipe[0]);
  close (idle_pipe[1]);
  printf ("alpha=%.4f beta=%.4f share=%.4f\n", alpha / 1e9, beta / 1e9, (double) alpha / (double) (alpha + beta));
  return 0;
}

/* ---- blocking ---- */

static int problems;
static pthread_mutex_t problems_lock = PTHREAD_MUTEX_INITIALIZER;

static void
problem (const char *what,
         int         rc,
         int         err,
         double      asked_ms,
         double      got_ms)
{
  pthread_mutex_lock (&problems_lock);
  problems++;
  fprintf (stderr, "problem: %s returned %d (%s), asked %.3f ms, took %.3f ms\n",
           what, rc, strerror (err), asked_ms, got_ms);
  pthread_mutex_unlock (&problems_lock);
}

/* A short burst of CPU before each blocking call, so that a CPU-time timer
 * may expire just before the thread blocks. */
#define BURST_NS 300000

static int rounds;

NOINLINE static void *
inproc_sleeper (void *data)
{
  (void) data;
  for (int i = 0; i < rounds; i++)
    {
      struct timespec req = { 0, 2000000 }, rem;
      uint64_t t0;
      int rc;

      spin_cpu (BURST_NS);
      t0 = now_ns ();
      rc = nanosleep (&req, &rem);
      if (rc != 0 || now_ns () - t0 < 2000000)
        problem ("nanosleep 2 ms", rc, errno, 2, (now_ns () - t0) / 1e6);

      spin_cpu (BURST_NS);
      t0 = now_ns ();
      rc = clock_nanosleep (CLOCK_MONOTONIC, 0, &req, &rem);
      if (rc != 0 || now_ns () - t0 < 2000000)
        problem ("clock_nanosleep 2 ms", rc, rc, 2, (now_ns () - t0) / 1e6);

      spin_cpu (BURST_NS);
      t0 = now_ns ();
      {
        struct timespec until = { (time_t) ((t0 + 1500000) / 1000000000u), (long) ((t0 + 1500000) % 1000000000u) };

        rc = clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
      }
      if (rc != 0 || now_ns () - t0 < 1500000)
        problem ("clock_nanosleep TIMER_ABSTIME 1.5 ms", rc, rc, 1.5, (now_ns () - t0) / 1e6);

      spin_cpu (BURST_NS);
      t0 = now_ns ();
      rc = usleep (1000);
      if (rc != 0 || now_ns () - t0 < 1000000)
        problem ("usleep 1 ms", rc, errno, 1, (now_ns () - t0) / 1e6);
    }
  return NULL;
}

static int feed[2];

typedef struct
{
  uint32_t seq;
  char     pad[60];
} Message;

NOINLINE static void *
inproc_pipe_writer (void *data)
{
  (void) data;
  for (int i = 0; i < rounds * 4; i++)
    {
      Message m = { .seq = (uint32_t) i };
      struct timespec req = { 0, 1000000 };
      ssize_t n;

      memset (m.pad, 'a' + i % 26, sizeof m.pad);
      spin_cpu (BURST_NS / 3);
      n = write (feed[1], &m, sizeof m);
      if (n != (ssize_t) sizeof m)
        problem ("write 64 bytes", (int) n, errno, 0, 0);
      if (nanosleep (&req, NULL) != 0)
        problem ("nanosleep 1 ms (writer)", -1, errno, 1, 0);
    }
  return NULL;
}

NOINLINE static void *
inproc_pipe_reader (void *data)
{
  (void) data;
  for (int i = 0; i < rounds * 4; i++)
    {
      Message m;
      ssize_t n;

      spin_cpu (BURST_NS / 3);
      n = read (feed[0], &m, sizeof m);
      if (n != (ssize_t) sizeof m || m.seq != (uint32_t) i || m.pad[59] != 'a' + i % 26)
        problem ("read 64 bytes", (int) n, n < 0 ? errno : 0, 0, 0);
    }
  return NULL;
}

static pthread_mutex_t cond_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int cond_tokens, cond_done;

NOINLINE static void *
inproc_cond_waiter (void *data)
{
  (void) data;
  for (int i = 0; i < rounds * 2; i++)
    {
      spin_cpu (BURST_NS / 3);
      pthread_mutex_lock (&cond_lock);
      while (cond_tokens == 0)
        {
          int rc = pthread_cond_wait (&cond, &cond_lock);

          if (rc != 0)
            problem ("pthread_cond_wait", rc, rc, 0, 0);
        }
      cond_tokens--;
      pthread_mutex_unlock (&cond_lock);
    }
  pthread_mutex_lock (&cond_lock);
  cond_done = 1;
  pthread_mutex_unlock (&cond_lock);
  return NULL;
}

NOINLINE static void *
inproc_cond_signaller (void *data)
{
  (void) data;
  for (int i = 0; i < rounds * 2; i++)
    {
      struct timespec req = { 0, 1000000 };

      spin_cpu (BURST_NS / 3);
      pthread_mutex_lock (&cond_lock);
      cond_tokens++;
      pthread_cond_signal (&cond);
      pthread_mutex_unlock (&cond_lock);
      if (nanosleep (&req, NULL) != 0)
        problem ("nanosleep 1 ms (signaller)", -1, errno, 1, 0);
    }
  return NULL;
}

/* pthread_cond_timedwait on a condition nobody signals: ETIMEDOUT, never
 * early, never 0 (a wake-up by nobody) */
NOINLINE static void *
inproc_timed_waiter (void *data)
{
  pthread_cond_t lonely = PTHREAD_COND_INITIALIZER;
  pthread_condattr_t attr;

  (void) data;
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&lonely, &attr);
  for (int i = 0; i < rounds * 2; i++)
    {
      uint64_t t0, deadline;
      struct timespec until;
      int rc;

      spin_cpu (BURST_NS);
      t0 = now_ns ();
      deadline = t0 + 2000000;
      until.tv_sec = (time_t) (deadline / 1000000000u);
      until.tv_nsec = (long) (deadline % 1000000000u);
      pthread_mutex_lock (&cond_lock);
      rc = pthread_cond_timedwait (&lonely, &cond_lock, &until);
      pthread_mutex_unlock (&cond_lock);
      if (rc != ETIMEDOUT || now_ns () < deadline)
        problem ("pthread_cond_timedwait 2 ms", rc, rc, 2, (now_ns () - t0) / 1e6);
    }
  pthread_cond_destroy (&lonely);
  pthread_condattr_destroy (&attr);
  return NULL;
}

/* poll, select and epoll_wait on a pipe nobody writes: 0 after the whole
 * timeout */
NOINLINE static void *
inproc_poller (void *data)
{
  int quiet[2];
  int ep = epoll_create1 (0);
  struct epoll_event ev = { .events = EPOLLIN };

  (void) data;
  if (pipe (quiet) < 0 || ep < 0 || epoll_ctl (ep, EPOLL_CTL_ADD, quiet[0], &ev) < 0)
    {
      problem ("pipe/epoll_create1", -1, errno, 0, 0);
      return NULL;
    }
  for (int i = 0; i < rounds; i++)
    {
      struct pollfd pfd = { .fd = quiet[0], .events = POLLIN };
      struct epoll_event out;
      uint64_t t0;
      int rc;

      spin_cpu (BURST_NS);
      t0 = now_ns ();
      rc = poll (&pfd, 1, 2);
      if (rc != 0 || now_ns () - t0 < 2000000)
        problem ("poll 2 ms", rc, errno, 2, (now_ns () - t0) / 1e6);

      spin_cpu (BURST_NS);
      {
        fd_set set;
        struct timeval tv = { 0, 2000 };

        FD_ZERO (&set);
        FD_SET (quiet[0], &set);
        t0 = now_ns ();
        rc = select (quiet[0] + 1, &set, NULL, NULL, &tv);
      }
      if (rc != 0 || now_ns () - t0 < 2000000)
        problem ("select 2 ms", rc, errno, 2, (now_ns () - t0) / 1e6);

      spin_cpu (BURST_NS);
      t0 = now_ns ();
      rc = epoll_wait (ep, &out, 1, 2);
      if (rc != 0 || now_ns () - t0 < 2000000)
        problem ("epoll_wait 2 ms", rc, errno, 2, (now_ns () - t0) / 1e6);
    }
  close (ep);
  close (quiet[0]);
  close (quiet[1]);
  return NULL;
}

NOINLINE static int
inproc_blocking (int n)
{
  void *(*threads[]) (void *) = { inproc_sleeper, inproc_pipe_writer, inproc_pipe_reader, inproc_cond_waiter,
                                  inproc_cond_signaller, inproc_timed_waiter, inproc_poller };
  pthread_t tids[sizeof threads / sizeof threads[0]];
  const size_t n_threads = sizeof threads / sizeof threads[0];

  rounds = n;
  if (pipe (feed) < 0)
    return 1;
  for (size_t i = 0; i < n_threads; i++)
    if (pthread_create (&tids[i], NULL, threads[i], NULL) != 0)
      return 1;
  for (size_t i = 0; i < n_threads; i++)
    pthread_join (tids[i], NULL);
  close (feed[0]);
  close (feed[1]);
  /* what was done: the same numbers on every run that went right */
  printf ("sleeps=%d pipe_messages=%d cond_waits=%d timed_waits=%d polls=%d threads=%zu problems=%d\n",
          rounds * 4, rounds * 4, rounds * 2, rounds * 2, rounds * 3, n_threads, problems);
  return problems == 0 ? 0 : 1;
}

/* ---- churn ---- */

NOINLINE static void *
inproc_churn_work (void *data)
{
  (void) data;
  spin_cpu (2000000);
  return NULL;
}

NOINLINE static int
inproc_churn (double seconds)
{
  uint64_t end = now_ns () + (uint64_t) (seconds * 1e9);
  int created = 0;

  while (now_ns () < end)
    {
      pthread_t t[4];

      for (int i = 0; i < 4; i++)
        if (pthread_create (&t[i], NULL, inproc_churn_work, NULL) != 0)
          return 1;
      for (int i = 0; i < 4; i++)
        pthread_join (t[i], NULL);
      created += 4;
    }
  printf ("created=%d\n", created);
  return 0;
}

/* ---- fork ---- */

static volatile int parent_done;

NOINLINE static void *
inproc_parent_work (void *data)
{
  (void) data;
  while (!parent_done)
    spin_cpu (1000000);
  return NULL;
}

NOINLINE static void
inproc_child_work (void)
{
  spin_cpu (30000000);
}

NOINLINE static int
inproc_fork (int children)
{
  pthread_t worker;
  int ok = 1;

  if (pthread_create (&worker, NULL, inproc_parent_work, NULL) != 0)
    return 1;
  for (int i = 0; i <= children; i++)
    {
      int status = 0;
      pid_t pid;

      spin_cpu (5000000);
      fflush (stdout);
      pid = fork ();
      if (pid < 0)
        return 1;
      if (pid == 0)
        {
          if (i == children)
            {
              execl ("/bin/true", "true", (char *) NULL);
              _exit (99);
            }
          inproc_child_work ();
          exit (10 + i);  /* atexit handlers and destructors run */
        }
      if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status) ||
          WEXITSTATUS (status) != (i == children ? 0 : 10 + i))
        {
          fprintf (stderr, "child %d: wait status 0x%x\n", i, status);
          ok = 0;
        }
    }
  parent_done = 1;
  pthread_join (worker, NULL);
  printf ("children=%d statuses=%s\n", children + 1, ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}

/* ---- single ---- */

static volatile int single_done;

NOINLINE static void *
inproc_single_other (void *data)
{
  (void) data;
  while (!single_done)
    spin_cpu (1000000);
  return NULL;
}

NOINLINE static void
inproc_single_mine (double seconds)
{
  spin_cpu ((uint64_t) (seconds * 1e9));
}

/* ---- startstop ---- */

#ifdef INPROCESS_API
static int
count_dir (const char *path)
{
  DIR *dir = opendir (path);
  int n = 0;

  if (dir == NULL)
    return -1;
  for (struct dirent *e; (e = readdir (dir)) != NULL;)
    n += e->d_name[0] != '.';
  closedir (dir);
  return n - (strcmp (path, "/proc/self/fd") == 0);  /* opendir's own fd */
}

static long
rss_kib (void)
{
  FILE *f = fopen ("/proc/self/status", "r");
  char line[256];
  long kib = -1;

  if (f == NULL)
    return -1;
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, "VmRSS:", 6) == 0)
      kib = strtol (line + 6, NULL, 10);
  fclose (f);
  return kib;
}

static laprof_options api_options;

/* One run of a fresh profiler (@reuse NULL) or of @reuse. */
static int
startstop_once (laprof_profiler *reuse)
{
  laprof_profiler *p = reuse ? reuse : laprof_profiler_new (&api_options, NULL);
  char *error = NULL;
  size_t len = 0;
  char *report;

  if (p == NULL || laprof_start (p, &error) != 0)
    {
      fprintf (stderr, "start: %s\n", error ? error : "no profiler");
      laprof_free (error);
      return 1;
    }
  spin_cpu (200000);
  if (laprof_stop (p, &error) != 0)
    {
      fprintf (stderr, "stop: %s\n", error);
      laprof_free (error);
      return 1;
    }
  report = laprof_report (p, &len);
  laprof_free (report);
  if (reuse == NULL)
    laprof_profiler_free (p);
  return 0;
}

NOINLINE static int
inproc_startstop (int n)
{
  laprof_profiler *reused;
  int fds0, threads0, fds1, threads1;
  long rss0, rss1;

  api_options.period = 0.001;
  for (int i = 0; i < 20; i++)  /* warm-up: the first runs allocate once */
    if (startstop_once (NULL) != 0)
      return 1;
  fds0 = count_dir ("/proc/self/fd");
  threads0 = count_dir ("/proc/self/task");
  rss0 = rss_kib ();
  reused = laprof_profiler_new (&api_options, NULL);
  for (int i = 0; i < n; i++)
    if (startstop_once (i % 2 ? reused : NULL) != 0)
      return 1;
  laprof_profiler_free (reused);
  fds1 = count_dir ("/proc/self/fd");
  threads1 = count_dir ("/proc/self/task");
  rss1 = rss_kib ();
  printf ("runs=%d fds=%d->%d threads=%d->%d rss_kib=%ld->%ld\n", n, fds0, fds1, threads0, threads1, rss0, rss1);
  return 0;
}
#endif

/* ---- main ---- */

static int
run_mode (int    argc,
          char **argv)
{
  const char *mode = argc > 0 ? argv[0] : "";
  const char *arg = argc > 1 ? argv[1] : "1";

  if (strcmp (mode, "probe") == 0)
    return mode_probe ();
  if (strcmp (mode, "busy") == 0)
    return inproc_busy (atof (arg));
  if (strcmp (mode, "blocking") == 0)
    return inproc_blocking (atoi (arg));
  if (strcmp (mode, "churn") == 0)
    return inproc_churn (atof (arg));
  if (strcmp (mode, "fork") == 0)
    return inproc_fork (atoi (arg));
  if (strcmp (mode, "single") == 0)
    {
      pthread_t other;

      if (pthread_create (&other, NULL, inproc_single_other, NULL) != 0)
        return 1;
      inproc_single_mine (atof (arg));
      single_done = 1;
      pthread_join (other, NULL);
      printf ("single done\n");
      return 0;
    }
#ifdef INPROCESS_API
  if (strcmp (mode, "startstop") == 0)
    return inproc_startstop (atoi (arg));
#endif
  fprintf (stderr, "inprocess-target: unknown mode '%s'\n", mode);
  return 2;
}

int
main (int    argc,
      char **argv)
{
  int i = 1;
#ifdef INPROCESS_API
  int api = 0;
  laprof_profiler *profiler = NULL;
  char *error = NULL;
  int rc;

  laprof_options_init (&api_options);
  for (; i < argc && strncmp (argv[i], "--", 2) == 0; i++)
    {
      const char *value = i + 1 < argc ? argv[i + 1] : "";

      if (strcmp (argv[i], "--api") == 0)
        api = 1;
      else if (strcmp (argv[i], "--single") == 0)
        api_options.single = 1;
      else if (strcmp (argv[i], "--no-idle") == 0)
        api_options.idle = 0;
      else if (strcmp (argv[i], "--period") == 0 && ++i)
        api_options.period = atof (value);
      else if (strcmp (argv[i], "--min-time") == 0 && ++i)
        api_options.min_time = atof (value);
      else if (strcmp (argv[i], "--mode") == 0 && ++i)
        api_options.mode = strcmp (value, "cpu") == 0 ? LAPROF_MODE_CPU : LAPROF_MODE_WALL;
      else if (strcmp (argv[i], "--output") == 0 && ++i)
        api_options.destination = value;
      else
        {
          fprintf (stderr, "inprocess-target: unknown option %s\n", argv[i]);
          return 2;
        }
    }
  if (api)
    {
      profiler = laprof_profiler_new (&api_options, &error);
      if (profiler == NULL || laprof_start (profiler, &error) != 0)
        {
          printf ("api-error: %s\n", error ? error : "(no message)");
          return 3;
        }
    }
  rc = run_mode (argc - i, argv + i);
  if (api)
    {
      laprof_stats stats;
      int stop = laprof_stop (profiler, &error);
      const char *location;

      laprof_get_stats (profiler, &stats);
      location = laprof_location (profiler);
      printf ("api: stop=%d samples=%llu idle=%llu lost=%llu threads=%u stored=%d spooled=%d too_short=%d disabled=%d "
              "duration=%.3f sampler_cpu=%.4f per_sample_us=%.2f location=%s\n",
              stop, stats.samples, stats.idle_samples, stats.lost, stats.threads, stats.stored, stats.spooled,
              stats.too_short, stats.disabled, stats.duration, stats.sampler_cpu, stats.per_sample_us,
              location ? location : "(none)");
      if (error != NULL)
        printf ("api-error: %s\n", error);
      laprof_free (error);
      laprof_profiler_free (profiler);
    }
  return rc;
#else
  for (; i < argc && strncmp (argv[i], "--", 2) == 0; i++)
    ;
  return run_mode (argc - i, argv + i);
#endif
}
