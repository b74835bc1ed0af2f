/* lp-sampler.h: the sampling engine: attach to or launch a process, sample its threads, collapse the stacks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "lp-folded.h"

G_BEGIN_DECLS

#define LP_SAMPLER_ERROR (lp_sampler_error_quark ())
GQuark lp_sampler_error_quark (void);

typedef enum
{
  LP_SAMPLER_ERROR_NO_PROCESS,     /* no such process (or thread) */
  LP_SAMPLER_ERROR_ALREADY_TRACED, /* another tracer (gdb, strace) holds it */
  LP_SAMPLER_ERROR_PERMISSION,     /* ptrace or perf events not allowed */
  LP_SAMPLER_ERROR_LAUNCH,         /* the command could not be started */
  LP_SAMPLER_ERROR_PERF,           /* perf_event_open failed otherwise */
  LP_SAMPLER_ERROR_FAILED,
} LpSamplerError;

typedef enum
{
  LP_SAMPLER_MODE_WALL,   /* ptrace: every thread, running or blocked */
  LP_SAMPLER_MODE_CPU,    /* perf_event_open: threads on a CPU only */
} LpSamplerMode;

typedef struct
{
  LpSamplerMode  mode;
  double         period;          /* seconds between samples */
  double         duration;        /* seconds; 0: until the target exits or a stop */
  gboolean       idle;            /* keep samples of threads blocked in a system call */
  gboolean       threads;         /* a "name-TID" frame under the process frame */
  gboolean       lines;           /* "function (file:line)" frames */
  const pid_t   *tids;            /* only these threads (attach); NULL: all */
  guint          n_tids;
  double         flush_interval;  /* seconds between batches; 0: no batches */
  gsize          stack_size;      /* bytes of stack copied per sample; 0: default */
  gboolean       child_stdout_to_stderr; /* launch: the command's stdout goes to our stderr */
  gboolean       no_children;     /* do not follow the processes the target starts */
  gboolean       stop_running;    /* wall mode: stop running threads too, rather than
                                   * reading their samples from perf events */
  gboolean       no_python;       /* leave CPython's evaluation frames native, rather than
                                   * showing the Python functions they run */
  gboolean       no_kernel;       /* leave out the kernel's frames ("name_[k]", lp-kernel.h),
                                   * recorded where the kernel allows it otherwise */
  gboolean       no_kernel_calls; /* cpu mode: leave out the kernel's call chains,
                                   * recorded where the kernel allows it otherwise */
} LpSamplerOptions;

/* Why samples were lost. */
typedef enum
{
  LP_SAMPLER_LOST_EXITED,    /* the thread exited before it could be sampled */
  LP_SAMPLER_LOST_TIMEOUT,   /* the thread did not stop in time (uninterruptible sleep) */
  LP_SAMPLER_LOST_READ,      /* its registers or stack could not be read */
  LP_SAMPLER_LOST_LATE,      /* ticks skipped: the engine fell behind */
  LP_SAMPLER_LOST_KERNEL,    /* cpu mode: the kernel dropped records */
  LP_SAMPLER_LOST_N_REASONS
} LpSamplerLost;

typedef struct
{
  double   duration;           /* seconds sampled */
  guint64  samples;            /* samples collapsed (idle ones dropped by --no-idle included) */
  guint64  idle_samples;
  guint64  truncated;          /* stacks that did not unwind to their root */
  guint64  reused;             /* idle samples of threads that had not run since: no stop */
  guint64  waiting;            /* wall mode: samples of time spent waiting for a CPU */
  gboolean perf_assist;        /* wall mode: running threads sampled by perf events */
  guint    caught;             /* cpu mode: threads started while attaching, given their own events */
  guint64  lost[LP_SAMPLER_LOST_N_REASONS];
  guint64  lost_total;
  guint    threads_seen;
  guint64  ticks;
  guint64  stops;              /* thread stops (wall mode) */
  guint64  stop_ns;            /* total time threads were stopped */
  guint64  unwind_ns;
  guint64  symbolize_ns;
  guint64  collapse_ns;
  guint64  python_ns;          /* reading Python stacks */
  guint64  python_samples;     /* samples with Python frames */
  guint64  python_unreadable;  /* …whose Python stack could not be read to its end */
  guint64  python_unmatched;   /* …whose native evaluation frames and Python groups differed in
                                * number (the thread moved on before its Python stack was read) */
  guint64  kernel_samples;     /* samples taken with kernel frames (not counting the
                                * reused stacks of blocked threads) */
  guint64  kernel_stacks;      /* wall mode: kernel stacks of blocked threads read */
  guint64  kernel_stack_ns;    /* …the time it took */
  gboolean target_exited;
  int      exit_status;        /* wait status of the target, if it exited and we saw it */
  gboolean exit_status_known;
} LpSamplerStats;

/* The stacks that gained samples since the last batch: @stacks are stack
 * indexes of the aggregate, @deltas their gains. */
typedef struct
{
  const guint  *stacks;
  const double *deltas;
  guint         n;
  double        time;      /* seconds since the start */
  guint64       samples;   /* in this batch */
  guint64       lost;      /* in this batch */
} LpSamplerBatch;

/* One thread's sample of one tick, unwound and symbolized, just before it
 * is collapsed (see lp_sampler_set_snapshot_func()). */
typedef struct
{
  const guint32 *frames;    /* frame ids of the aggregate, root first: process,
                             * [thread,] [[truncated],] … leaf, [[idle: …]] */
  guint          depth;
  pid_t          tid;
  double         time;      /* seconds since the start of sampling */
  gboolean       idle;      /* blocked in a system call */
  gboolean       truncated; /* did not unwind to its root */
  gboolean       reused;    /* a blocked thread that had not run since its last
                             * sample: its previous stack, without a stop */
} LpSamplerSnapshot;

typedef struct _LpSampler LpSampler;

typedef gboolean (*LpSamplerBatchFunc) (LpSampler            *sampler,
                                        const LpSamplerBatch *batch,
                                        gpointer              user_data,
                                        GError              **error);

/* lp_sampler_new: a sampler that adds its samples to @dest (which must
 * outlive it). */
LpSampler  *lp_sampler_new            (const LpSamplerOptions *options,
                                       LpFolded               *dest) G_GNUC_WARN_UNUSED_RESULT;
void        lp_sampler_free           (LpSampler *self);

/* lp_sampler_set_batch_func: called every flush_interval from
 * lp_sampler_run(), and once at the end. An error stops the run. */
void        lp_sampler_set_batch_func (LpSampler          *self,
                                       LpSamplerBatchFunc  func,
                                       gpointer            user_data);

/* LpSamplerSnapshotFunc: sees each snapshot before lp_collapse_stack()
 * counts it; @snapshot and its frames are valid during the call only. For
 * benchmarks and debugging: it runs on the sampler's hot path. */
typedef void (*LpSamplerSnapshotFunc) (LpSampler               *sampler,
                                       const LpSamplerSnapshot *snapshot,
                                       gpointer                 user_data);

/* lp_sampler_set_snapshot_func: @func (NULL: none) is called from
 * lp_sampler_run() once per thread per tick. */
void        lp_sampler_set_snapshot_func (LpSampler             *self,
                                          LpSamplerSnapshotFunc  func,
                                          gpointer               user_data);

/* One sample as it is counted, with its time and thread (see
 * lp_sampler_set_sample_func()); or, with @ended, the end of a thread. */
typedef struct
{
  const guint32 *frames;    /* frame ids of the aggregate, root first (NULL: @ended) */
  guint          depth;
  guint          stack;     /* its stack index in the aggregate */
  guint          weight;    /* samples it counts for */
  pid_t          pid;
  pid_t          tid;
  guint64        time_ns;   /* when it was taken, since the start of sampling */
  gboolean       idle;      /* blocked in a system call */
  gboolean       ended;     /* no sample: thread @tid has ended (at @time_ns) */
} LpSamplerSample;

typedef void (*LpSamplerSampleFunc) (LpSampler             *sampler,
                                     const LpSamplerSample *sample,
                                     gpointer               user_data);

/* lp_sampler_set_sample_func: @func (NULL: none) sees every sample as it
 * is counted into the aggregate, and every thread's end, from
 * lp_sampler_run(). */
void        lp_sampler_set_sample_func (LpSampler           *self,
                                        LpSamplerSampleFunc  func,
                                        gpointer             user_data);

/* lp_sampler_get_thread_name: the name of thread @tid of process @pid (its
 * Python name where it has one, else its comm), or NULL; *@final (nullable)
 * FALSE while a better name may come (a Python name not known yet). */
char       *lp_sampler_get_thread_name (LpSampler *self,
                                        pid_t      pid,
                                        pid_t      tid,
                                        gboolean  *final) G_GNUC_WARN_UNUSED_RESULT;

/* lp_sampler_get_start_ns: CLOCK_MONOTONIC at the start of sampling. */
gint64      lp_sampler_get_start_ns    (const LpSampler *self);

/* lp_sampler_attach: seizes every thread of @pid (without stopping it). */
gboolean    lp_sampler_attach         (LpSampler  *self,
                                       pid_t       pid,
                                       GError    **error);

/* lp_sampler_attach_self: samples the process this runs in, from the
 * calling thread (which is never sampled), with the in-process source:
 * per-thread timer signals and /proc, no ptrace, no perf events (see
 * lp-source-signal.c). opts.tids (only these threads) and opts.mode apply;
 * lp_sampler_run() then samples until @stop_fd or the duration. One such
 * sampler at a time per process. */
gboolean    lp_sampler_attach_self    (LpSampler  *self,
                                       GError    **error);

/* lp_sampler_launch: starts @argv as our child, traced from its exec. Its
 * standard streams are ours. */
gboolean    lp_sampler_launch         (LpSampler   *self,
                                       char       **argv,
                                       GError     **error);

pid_t       lp_sampler_get_pid        (const LpSampler *self);
const char *lp_sampler_get_command    (const LpSampler *self);

/* lp_sampler_get_python: one line about the CPython interpreters found in
 * the target ("Python 3.11.2 in /usr/bin/python3.11: Python frames on", or
 * why a version is not supported), *@on (nullable) TRUE when Python frames
 * are shown; NULL when none was found (or no_python). Owned by the
 * sampler. */
const char *lp_sampler_get_python     (const LpSampler *self,
                                       gboolean        *on);

/* lp_sampler_get_kernel: one line about kernel frames ("kernel frames:
 * on", or why they are left out), *@on (nullable) TRUE when they are
 * recorded; NULL before attaching or launching, and with no_kernel. Owned
 * by the sampler. */
const char *lp_sampler_get_kernel     (const LpSampler *self,
                                       gboolean        *on);

/* lp_sampler_run: samples until the target exits, the duration is over, or
 * @stop_fd (-1 for none) becomes readable; then detaches, leaving every
 * thread running (or in its job-control stop). Blocks SIGCHLD in the
 * calling thread while it runs. */
gboolean    lp_sampler_run            (LpSampler  *self,
                                       int         stop_fd,
                                       GError    **error);

/* lp_sampler_wait_child: after a launch, waits for the command to end and
 * gives its wait status. FALSE if it is not our child or already reaped
 * (then stats hold the status when known). */
gboolean    lp_sampler_wait_child     (LpSampler *self,
                                       int       *status);

void        lp_sampler_get_stats      (const LpSampler *self,
                                       LpSamplerStats  *stats);

const char *lp_sampler_lost_to_string (LpSamplerLost reason);
const char *lp_sampler_mode_to_string (LpSamplerMode mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpSampler, lp_sampler_free)

G_END_DECLS
