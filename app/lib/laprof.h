/* laprof.h: profile a program from inside its own process (liblaprof).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * liblaprof samples the threads of the process it is loaded into, with no
 * ptrace, no perf events, no process_vm_readv and no helper process, so it
 * works where those are forbidden (AWS Lambda, seccomp'd containers).
 * Running threads are sampled by a per-thread CPU-time timer signal whose
 * handler only copies registers and the top of the stack into a lock-free
 * buffer; blocked threads are read without a signal (from
 * /proc/self/task/TID/syscall and /proc/self/mem), so the program never
 * sees an EINTR or a shortened sleep. A thread of the library unwinds,
 * names and collapses the samples; a CPython interpreter in the process
 * gets its Python frames, read from memory without the GIL. The report is
 * laprof's folded text, the same frames the engine (laprof-cli record)
 * gives, so reports merge.
 *
 *   laprof_options options;
 *   laprof_options_init (&options);
 *   options.destination = "s3://reports/handler/";
 *   laprof_profiler *p = laprof_profiler_new (&options, NULL);
 *   laprof_start (p, NULL);
 *   handle_request ();
 *   laprof_stop (p, NULL);          // stores the report
 *   laprof_profiler_free (p);
 *
 * Errors come back as a message (char *, free with laprof_free()) that
 * says what to do; no function prints anything or raises a signal into the
 * program. LAPROF_DISABLE=1 (also "true", "yes", "on", case ignored) in
 * the environment makes every start a no-op that succeeds.
 *
 * Loaded with LD_PRELOAD, the library profiles the whole program from its
 * start to its exit, configured by environment variables (see
 * docs/in-process.md): LAPROF_OUTPUT, LAPROF_PERIOD, LAPROF_MODE,
 * LAPROF_MIN_TIME, LAPROF_IDLE, LAPROF_PYTHON, LAPROF_KERNEL, LAPROF_DISABLE. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LAPROF_API __attribute__ ((visibility ("default")))

typedef struct laprof_profiler laprof_profiler;

typedef enum
{
  LAPROF_MODE_WALL = 0,  /* every thread, running or blocked ([idle: …] leaves) */
  LAPROF_MODE_CPU  = 1,  /* threads on a CPU only */
} laprof_mode;

typedef struct
{
  double       period;      /* seconds between samples (per thread); default 0.01 */
  laprof_mode  mode;        /* default LAPROF_MODE_WALL */
  double       min_time;    /* a run shorter than this many seconds stores
                             * nothing; default 0 */
  int          idle;        /* wall mode: keep the samples of blocked threads;
                             * default 1 */
  int          single;      /* only the thread that calls laprof_start();
                             * default 0: every thread of the process */
  int          python;      /* Python frames where a CPython interpreter is
                             * found; default 1 */
  int          lines;       /* "function (file:line)" frames; default 0 */
  const char  *destination; /* where laprof_stop() stores the report: a
                             * directory (created if missing; a file named
                             * after the command, pid and time), a file
                             * ending in ".folded", or "s3://bucket/prefix/"
                             * (AWS credentials as the AWS CLI finds them; a
                             * failed upload is kept in the spool, see
                             * laprof-cli upload). NULL: not stored, only kept
                             * for laprof_report(). Copied. Default NULL. */
  const char  *command;     /* the report's root frame and file name; NULL:
                             * the program's name. Copied. */
  size_t       stack_size;  /* bytes of stack copied per sample; 0: 16 KiB */
  int          kernel;      /* wall mode: the kernel path a blocked thread waits
                             * in ("futex_wait_[k]"), where the kernel lets us
                             * read it (root); default 1 */
  int          reserved[7];
} laprof_options;

/* What a stopped run did. */
typedef struct
{
  double              duration;      /* seconds between start and stop */
  unsigned long long  samples;       /* samples in the report */
  unsigned long long  idle_samples;  /* …of blocked threads */
  unsigned long long  lost;          /* samples that could not be taken */
  unsigned long long  python_samples;/* samples with Python frames */
  unsigned int        threads;       /* threads seen */
  int                 stored;        /* the report went to the destination */
  int                 spooled;       /* …could not, and waits in the spool */
  int                 too_short;     /* shorter than min_time: not stored */
  int                 disabled;      /* LAPROF_DISABLE: nothing was sampled */
  double              sampler_cpu;   /* CPU seconds of the library's thread */
  double              per_sample_us; /* its CPU time per sample after attaching
                                      * (reading the program's symbols and
                                      * unwind tables), microseconds */
} laprof_stats;

/* laprof_options_init: the defaults above. */
LAPROF_API void laprof_options_init (laprof_options *options);

/* laprof_disabled: whether LAPROF_DISABLE turns starts into no-ops. */
LAPROF_API int laprof_disabled (void);

/* laprof_profiler_new: a profiler with a copy of @options (NULL: the
 * defaults). NULL, with *@error set, when an option is wrong (a period of
 * 0 or less, an S3 destination with no credentials…). */
LAPROF_API laprof_profiler *laprof_profiler_new (const laprof_options *options,
                                                 char                **error);

/* laprof_start: starts sampling (the library's thread starts here). 0 on
 * success (also when disabled), -1 with *@error set otherwise (already
 * started, a thread cannot be created). A profiler can be started again
 * after laprof_stop(): each run makes its own report. */
LAPROF_API int laprof_start (laprof_profiler *profiler,
                             char           **error);

/* laprof_stop: stops sampling, makes the report and stores it at the
 * destination unless the run was shorter than min_time. 0 on success
 * (also when nothing was stored: see laprof_get_stats), -1 with *@error
 * set when the report could not be stored; it is then in the spool when
 * it was going to S3 and the message says where. The report is kept for
 * laprof_report() in every case. Stopping a profiler that is not started
 * does nothing. */
LAPROF_API int laprof_stop (laprof_profiler *profiler,
                            char           **error);

/* laprof_report: the last run's report, folded text ("a;b;c 12\n"…,
 * sorted), malloc'd, *@len its length; NULL when there is none (never
 * stopped, disabled). Free with laprof_free(). */
LAPROF_API char *laprof_report (laprof_profiler *profiler,
                                size_t          *len);

/* laprof_location: where the last report was stored (a path or an s3://
 * URL), or NULL. Owned by the profiler, valid until the next start. */
LAPROF_API const char *laprof_location (laprof_profiler *profiler);

/* laprof_get_stats: the figures of the last stopped run. */
LAPROF_API void laprof_get_stats (laprof_profiler *profiler,
                                  laprof_stats    *stats);

/* laprof_store: stores @len bytes of @data at @location, a file path or
 * "s3://bucket/key" (that exact key), as laprof's storers do (an S3
 * upload that fails for good is kept in the spool: the error says where).
 * 0 on success, -1 with *@error set. */
LAPROF_API int laprof_store (const char  *location,
                             const void  *data,
                             size_t       len,
                             char       **error);

/* laprof_profiler_free: stops @profiler if it runs (storing as
 * laprof_stop() does) and frees it. NULL is ignored. */
LAPROF_API void laprof_profiler_free (laprof_profiler *profiler);

/* laprof_free: frees what the library returned (messages, reports). */
LAPROF_API void laprof_free (void *ptr);

#ifdef __cplusplus
}
#endif
