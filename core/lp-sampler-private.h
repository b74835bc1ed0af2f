/* lp-sampler-private.h: the sampler's shared state, for its own files only (see core/README.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>
#include <time.h>

#include "lp-kernel.h"
#include "lp-python.h"
#include "lp-sampler.h"
#include "lp-symbols.h"
#include "lp-unwinder.h"

G_BEGIN_DECLS

#define DEFAULT_STACK_SIZE (16 * 1024)
#define MAX_FRAMES 256
/* native frames of a sample, with the functions inlined in them */
#define LP_MAX_NATIVE_FRAMES (2 * MAX_FRAMES)
/* Python frames read per sample: past the interpreter's default recursion
 * limit (1000) with room for C calls between */
#define LP_MAX_PYTHON_FRAMES 2048
/* frames of one collapsed stack: process, thread, [truncated], the native
 * frames with their Python ones, the kernel's, the idle leaf */
#define LP_MAX_STACK_FRAMES (LP_MAX_NATIVE_FRAMES + LP_MAX_PYTHON_FRAMES + LP_KERNEL_MAX_FRAMES + 8)
/* in-process, wall mode: blocked threads are checked this often at most */
#define IN_PROCESS_TICK_NS (4 * 1000 * 1000)
#define STOP_TIMEOUT_NS (50 * 1000 * 1000)
/* The longest time between two checks of the threads, when none of them
 * blocks for long: 10 ms (see tick_ptrace). */
#define MAX_CHECK_NS (10 * 1000 * 1000)

#define PERF_PAGES 1024 /* data pages per ring buffer, a power of two: at
                         * least 4 MiB; more at high rates (ring_pages) */
#define MAX_RING_PAGES 4096 /* 16 MiB: a second of 1000 Hz with 16 KiB stacks */

/* Copies of memory taken with a sample, which reads of the process see in
 * place of its live memory (the in-process source's Python frames). */
typedef struct
{
  guint64       addr;
  gsize         len;
  const guint8 *data;
} MemRegion;

#define MAX_OVERLAY 16

typedef struct
{
  pid_t     pid;
  guint     n;
  MemRegion regions[MAX_OVERLAY];
} MemOverlay;

/* the Python interpreter of a process image (lp-python-frames.c) */
typedef struct
{
  LpPythonReader *reader;     /* NULL: none found (yet) */
  char           *status;     /* the sampler's line about it, once found */
  guint           tries;      /* looked for so many times */
  gint64          next_try_ns;
  GArray         *names;      /* of guint32, by the reader's code id: frame id + 1 */
  GHashTable     *line_names; /* --lines: (code id << 32 | line) -> frame id + 1 */
  GByteArray     *eval;       /* by frame id: whether it is the evaluation function */
  MemOverlay      overlay;    /* in-process: what the reader sees of the sample */
} SpacePython;

/* A process image: what its samples are unwound and named with. A process
 * gets a new one at each exec; samples taken before keep the old one until
 * they are collapsed. */
typedef struct
{
  gint         ref;
  pid_t        pid;
  guint32      frame;        /* the root frame: the command's name */
  LpUnwinder  *unwinder;     /* NULL: its mappings could not be read */
  LpSymbols   *symbols;
  GHashTable  *frame_cache;  /* adjusted address -> frame id + 1 */
  GHashTable  *inlined_cache; /* with lines: adjusted address -> GArray of the
                               * frame ids of the functions inlined there */
  guint        n_sources;    /* source files of its symbols met so far */
  gboolean     stale;        /* it has exec'd: read it again at its next sample */
  gint64       gone_ns;      /* when it exited; 0: alive */
  SpacePython  python;
} Space;

/* A thread's state, one struct per part of the engine: each source keeps
 * its own (a new source adds a struct and a member, and edits no other). */

/* the ptrace source (lp-source-ptrace.c) */
typedef struct
{
  gboolean pending;      /* interrupted, waiting for its stop */
  gboolean listening;    /* in a job-control stop (PTRACE_LISTEN) */
  gboolean attached;     /* seized and not yet detached */
  gboolean fresh;        /* auto-attached clone that has not run yet */
  gboolean held;         /* kept stopped while perf events are opened */
  long     last_syscall; /* the last blocking call seen, to name restart_syscall */
} ThreadPtrace;

/* the perf events source (lp-source-perf.c) */
typedef struct
{
  /* wall mode: its time on a CPU the kernel did not sample (see
   * _lp_wall_time_runnable_sample) */
  guint    n;            /* perf samples since its last check */
  /* wall mode with switch records: its waits for a CPU after being
   * preempted, told apart from the waits after a wake-up */
  guint64  out_ns;       /* perf time it was last switched out; 0: on a CPU */
  gboolean out_preempt;  /* …preempted, rather than blocked */
  guint64  in_ns;        /* perf time it was last switched in */
} ThreadPerf;

/* wall mode's accounts (lp-wall-time.c): its time from schedstat and
 * switch records, carried from check to check */
typedef struct
{
  /* a blocked thread that has not run since its last sample keeps its
   * stack: counted again without a stop (see _lp_wall_time_reuse_sample) */
  int      schedstat_fd;
  guint64  runtime;      /* ns on a CPU, read after the last sample */
  guint    last_index;   /* stack of the last sample, if it was idle */
  gboolean last_idle;
  guint64  idle_sp;      /* …where it was blocked: its stack pointer */
  guint64  idle_pc;      /* …and the address after its syscall instruction */
  gboolean idle_checked; /* /proc/PID/task/TID/syscall has shown it there */
  /* wall mode with perf events: a running thread is not stopped, its
   * samples come from the kernel (see tick_wall) */
  int      stat_fd;      /* /proc/PID/task/TID/stat, for its state */
  guint64  run_delay;    /* ns waited on a run queue, read at the last tick */
  gint64   wait_carry;   /* ns of that wait not yet counted as samples */
  guint    run_index;    /* stack of its last on-CPU sample */
  guint64  run_time;     /* …its perf time */
  gboolean run_known;
  gint64   check_ns;     /* its last check (_lp_wall_time_runnable_sample); 0: none yet */
  guint64  check_runtime;
  gint64   blocked_carry; /* ns blocked not yet counted as samples */
  gint64   run_carry;    /* --stop-running: ns on a CPU or waiting, not yet counted */
  gint64   unsampled_carry; /* ns on a CPU the perf events did not sample */
  GArray  *signal_stops; /* of gint64: when it was seen in signal-delivery stops, not yet matched */
  GArray  *signal_frames; /* of guint32: the stack of its last one, once unwound */
  guint64  signal_time;
  gint64   preempted_ns; /* ns waited after preemption, not yet in a check */
  gint64   preempted_late_ns; /* …of them, not given to a sample (see _lp_wall_time_add_wait) */
  guint    weight;       /* samples its next stop stands for */
  gboolean found_blocked; /* its last check found it blocked in a system call */
  gint64   stopped_ns;   /* ns it was stopped while running, not yet in a check */
  gint64   stop_ref_ns;  /* where _lp_wall_time_running_stop_time() counts from: its check or last stop */
  guint64  stop_ref_runtime;
  guint64  stop_ref_delay;
  GArray  *kernel_frames; /* of guint32: its kernel stack, read by the check that found it
                           * blocked, for its stop's sample (lp-kernel-frames.c) */
  GArray  *kernel_last;  /* of guint32: the kernel stack of its last sample */
  long     kernel_last_nr; /* …in that system call */
  gint64   kernel_read_ns; /* when its kernel stack was last read */
  gboolean kernel_reuse; /* its stop comes too soon after that read: kernel_last will do */
} ThreadWall;

/* the in-process source (lp-source-signal.c) */
typedef struct
{
  guint    record;       /* its record for the signal handler; 0: not armed */
  timer_t  timer;        /* on its CPU-time clock */
  int      syscall_fd;   /* /proc/self/task/TID/syscall; -2: not opened yet */
  gint64   check_ns;     /* wall mode: when it was last checked for being blocked */
} ThreadSignal;

typedef struct
{
  pid_t        tid;
  pid_t        tgid;     /* its process */
  guint32      frame;    /* "name-TID", or G_MAXUINT32 until known */
  guint        python_name_tries; /* its Python name looked for so many times (_lp_sampler_thread_frame) */
  ThreadPtrace ptrace;
  ThreadPerf   perf;
  ThreadWall   wall;
  ThreadSignal signal;
} Thread;

/* a context switch of a thread, from its perf events (wall mode) */
typedef struct
{
  guint64  time;
  pid_t    tid;
  gboolean out;
  gboolean preempt;
} Switch;

/* cpu mode, and wall mode for running threads: one perf ring buffer per
 * CPU, which the events of every thread on that CPU write into */
typedef struct
{
  int      fd;
  guint8  *map;
  gsize    size;
} Ring;

typedef struct
{
  LpSnapshot snap;
  gsize      cap;
  Space     *space;         /* a reference, until the slot is collapsed */
  pid_t      tgid;
  pid_t      tid;
  guint32    thread_frame;
  long       idle_syscall;  /* -1: running; else the syscall it blocks in */
  gboolean   just_born;     /* a new thread still on the clone syscall's return */
  gboolean   clone_parent;  /* the creating thread on that return: no CFI there */
  gboolean   on_cpu;        /* from a perf event: the thread was running */
  gboolean   in_kernel;     /* …in a system call: the registers are those of its entry */
  guint      weight;        /* samples it counts for: ticks skipped while it was blocked */
  guint64    time;          /* perf samples in wall mode: the kernel's time of it */
  gboolean   signal_stop;   /* taken in a signal-delivery stop (see signal_stop_sample) */
  /* its Python frames, innermost first (lp-python-frames.c) */
  LpPythonFrame *py_frames; /* LP_MAX_PYTHON_FRAMES, allocated when first needed */
  guint      py_n;
  gboolean   py_read;       /* read while the thread was stopped */
  /* its kernel frames, root first (lp-kernel-frames.c): cleared by
   * _lp_collapse_next_slot, put above the user frames by the collapse */
  guint32   *kframes;       /* LP_KERNEL_MAX_FRAMES, allocated when first needed */
  guint      n_kframes;
} Slot;

/* A source of samples: a small table of functions, one per source file
 * (see core/README.md). lp_sampler_attach and lp_sampler_launch call its
 * attach or attach_child, the loop (lp_sampler_run) the others. Each fills
 * slots (_lp_collapse_next_slot) that the collapse step turns into stacks. */
typedef struct
{
  const char *name;
  /* attaching to the running process @pid: its threads and events */
  gboolean (*attach)       (LpSampler *self, pid_t pid, GError **error);
  /* launching: the child @child, waiting before its exec, is taken */
  gboolean (*attach_child) (LpSampler *self, pid_t child, GError **error);
  /* between ticks: handles what the target reported; sets
   * stats.target_exited when it has ended */
  void (*poll)   (LpSampler *self);
  /* a tick: samples the threads into slots */
  void (*tick)   (LpSampler *self);
  /* the recording ends: the last samples into slots, before they are
   * collapsed */
  void (*drain)  (LpSampler *self);
  /* after the last collapse: lets the target go, closes the events */
  void (*detach) (LpSampler *self);
} LpSource;

extern const LpSource lp_source_ptrace;   /* wall mode (lp-source-ptrace.c) */
extern const LpSource lp_source_perf;     /* cpu mode (lp-source-perf.c) */
extern const LpSource lp_source_signal;   /* in-process, either mode (lp-source-signal.c) */

/* The sampler's state, one struct per part of the engine, as Thread's. */

/* the ptrace source (lp-source-ptrace.c) */
typedef struct
{
  gboolean            holding;     /* interrupt stops are held (see _lp_ptrace_hold_all) */
  gboolean            detaching;
  guint               stride;      /* ticks until the next check (see tick_ptrace) */
  guint               next_stride;
} SamplerPtrace;

/* the perf events source (lp-source-perf.c) */
typedef struct
{
  GPtrArray          *rings;       /* of Ring, by CPU (NULL: offline or not yet used) */
  GArray             *fds;         /* of int: every event, one per (thread, CPU) */
  gboolean            assist;      /* wall mode: running threads sampled by perf events */
  gboolean            user_only;   /* the kernel refused events that count kernel time */
  gboolean            switches;    /* wall mode: the events report context switches */
  gboolean            sample_time; /* samples carry their CLOCK_MONOTONIC time (captures) */
  GArray             *switch_log;  /* of Switch: one read of the rings, to sort */
} SamplerPerf;

/* Python frames (lp-python-frames.c) */
typedef struct
{
  char               *status;      /* one line about the interpreters found; NULL: none */
  gboolean            on;          /* a supported one was found */
  guint32             gil_frame;   /* "[idle: GIL]" */
  guint32             unreadable_frame; /* "[python: unreadable]" */
} SamplerPython;

/* the in-process source (lp-source-signal.c) */
typedef struct
{
  gboolean            in_process;  /* lp_sampler_attach_self: this source */
  gpointer            ring;        /* the handler's samples (a SignalRing) */
  guint               run;         /* this run's number, in the handler's records */
  pid_t               own_tid;     /* the sampler's thread, never sampled */
  gint64              next_scan_ns; /* when to look for new threads */
  gint64              scan_interval_ns;
  gboolean            scanned;     /* the threads found at the start are known */
} SamplerSignal;

/* kernel frames (lp-kernel-frames.c) */
typedef struct
{
  gboolean            callchains;  /* perf samples carry the kernel's call chain */
  gboolean            stacks;      /* wall mode: blocked threads' /proc/PID/task/TID/stack */
  char               *status;      /* one line: on, or why not; NULL: not asked (--no-kernel) */
  const LpKernelSymbols *symbols;  /* for the call chains */
  guint32            *by_symbol;   /* by symbol index: frame id + 1 */
  guint32             unknown_frame; /* "[unknown]_[k]"; G_MAXUINT32 until needed */
  GPtrArray          *names;       /* scratch: a stack's names */
} SamplerKernel;

/* wall mode's accounts (lp-wall-time.c) */
typedef struct
{
  gboolean            accounted;   /* the last check read every thread's schedstat */
} SamplerWall;

struct _LpSampler
{
  LpSamplerOptions    opts;
  const LpSource     *source;      /* chosen by opts.mode (lp_sampler_new) */
  gint64              period_ns;   /* opts.period, converted once (lp_sampler_new) */
  LpFolded           *dest;
  pid_t               pid;
  gboolean            launched;
  gboolean            reaped;
  gboolean            exec_done;   /* launch: the command's image is in place */
  char               *command;
  GHashTable         *spaces;      /* pid -> Space: the target and the processes it started */

  GHashTable         *threads;     /* tid -> Thread */
  SamplerPtrace       ptrace;
  SamplerPerf         perf;
  SamplerWall         wall;
  SamplerPython       python;
  SamplerSignal       signal;
  SamplerKernel       kernel;
  GHashTable         *seen;        /* tids ever sampled or seen */
  int                 sigfd;

  GHashTable         *idle_frames; /* syscall nr -> frame id + 1 */
  guint               generation;
  /* debug files that had arrived when the symbols were made (lp-debuginfod.h) */
  guint               debuginfod_generation;
  /* modules that left frames unnamed: base name -> path */
  GHashTable         *unnamed_modules;
  /* with lines: the source files frames name: file, path, file, path… */
  GPtrArray          *sources;
  GHashTable         *source_files;   /* file -> TRUE */
  guint32             truncated_frame;
  guint32             signal_frame;

  GArray             *slots;       /* of Slot */
  guint               n_slots;
  guint64            *ips;
  guint32            *native;      /* the frames of ips, root first (collapse_slot) */
  guint32            *frames;      /* LP_MAX_STACK_FRAMES */

  /* batches */
  LpSamplerBatchFunc  batch_func;
  gpointer            batch_data;
  GArray             *last_counts; /* of double, by stack index */
  GArray             *dirty;       /* of guint */
  GByteArray         *dirty_flag;
  GArray             *deltas;
  guint64             batch_samples;
  guint64             batch_lost;
  guint64             n_seen_gone;   /* threads of seen that ended */

  /* each stack before it is collapsed (benchmarks) */
  LpSamplerSnapshotFunc snapshot_func;
  gpointer            snapshot_data;
  LpSamplerSampleFunc sample_func;
  gpointer            sample_data;

  gint64              start_ns;
  LpSamplerStats      stats;
};

static inline gint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* lp-sampler.c: images, threads, attaching, the loop */
Space *_lp_sampler_space_ref (Space *space);
Thread *_lp_sampler_add_thread (LpSampler *self, pid_t tid, pid_t tgid);
guint32 _lp_sampler_thread_frame (LpSampler *self, Thread *t);
Space *_lp_sampler_space_for (LpSampler *self, pid_t pid);
void _lp_sampler_space_gone (LpSampler *self, pid_t pid);
GArray *_lp_sampler_list_tasks (pid_t pid);
void _lp_sampler_space_unref (gpointer data);
void _lp_sampler_sweep_spaces (LpSampler *self);
char *_lp_sampler_read_comm (pid_t pid, pid_t tid);
void _lp_sampler_thread_ended (LpSampler *self, pid_t tid);
/* _lp_sampler_note_unnamed: a frame was named after @module (a base name,
 * mapped from @path) for want of a symbol */
void _lp_sampler_note_unnamed (LpSampler *self, const char *module, const char *path);
/* _lp_sampler_names_refresh: once a tick: when a debug file arrived from
 * debuginfod, the processes' symbols are made again (lp-sampler-names.c) */
void _lp_sampler_names_refresh (LpSampler *self);
/* _lp_sampler_note_source: frames name the source file @file, found at @path */
void _lp_sampler_note_source (LpSampler *self, const char *file, const char *path);
pid_t _lp_sampler_tracer_of (pid_t pid);
gboolean _lp_sampler_load_address_space (LpSampler *self, GError **error);
void _lp_sampler_keep_self_space (LpSampler *self);
gboolean _lp_sampler_wait_event (LpSampler *self, gint64 timeout_ns, int stop_fd);
gboolean _lp_sampler_target_alive (LpSampler *self);

/* lp-python-frames.c: Python frames */
void _lp_python_frames_clear (SpacePython *py);
void _lp_python_frames_reuse (LpSampler *self, Space *space);
void _lp_python_frames_read_now (LpSampler *self, Slot *slot);
guint _lp_python_frames_merge (LpSampler *self, Slot *slot, const guint32 *ids, guint n, gboolean truncated,
                               guint depth);
guint32 _lp_python_frames_idle (LpSampler *self, Slot *slot);
char *_lp_python_frames_thread_name (LpSampler *self, pid_t tgid, pid_t tid, gboolean *tried);
void _lp_python_frames_thread_gone (LpSampler *self, pid_t tgid);

/* lp-source-ptrace.c: the ptrace source */
void _lp_ptrace_hold_all (LpSampler *self);
void _lp_ptrace_release_all (LpSampler *self);
gboolean _lp_ptrace_seize (LpSampler *self, pid_t tid, GError **error);
void _lp_ptrace_thread_gone (LpSampler *self, pid_t tid, int status);
void _lp_ptrace_drain_sigfd (LpSampler *self);

/* lp-source-perf.c: the perf events source */
void _lp_perf_ring_free (gpointer data);
void _lp_perf_close (LpSampler *self);
void _lp_perf_start_assist (LpSampler *self, gboolean on_exec);
gboolean _lp_perf_open_thread_events (LpSampler *self, pid_t tid, pid_t pid, gboolean *opened, GError **error);
gboolean _lp_perf_catch_unseen (LpSampler *self, pid_t pid, GError **error);
gboolean _lp_perf_attach (LpSampler *self, Thread *t, gboolean enable_on_exec, GError **error);
void _lp_perf_tick (LpSampler *self);
Slot *_lp_perf_sample_before (LpSampler *self, pid_t tid, guint64 time);

/* lp-kernel-frames.c: kernel frames */
void _lp_kernel_frames_start (LpSampler *self, pid_t pid, gboolean callchains);
void _lp_kernel_frames_refused (LpSampler *self);
void _lp_kernel_frames_free (LpSampler *self);
void _lp_kernel_frames_from_callchain (LpSampler *self, Slot *slot, const guint8 *chain, guint64 nr);
void _lp_kernel_frames_read_blocked (LpSampler *self, Thread *t);
void _lp_kernel_frames_to_slot (LpSampler *self, Slot *slot, Thread *t, gboolean restarted);
void _lp_kernel_frames_read_now (LpSampler *self, Slot *slot, Thread *t);

/* lp-wall-time.c: wall mode's time accounts */
guint64 _lp_wall_time_read_runtime (LpSampler *self, Thread *t);
void _lp_wall_time_running_stop_time (LpSampler *self, Thread *t);
gboolean _lp_wall_time_reuse_sample (LpSampler *self, Thread *t, guint weight);
gboolean _lp_wall_time_runnable_sample (LpSampler *self, Thread *t, gboolean *steady);
void _lp_wall_time_add_wait (LpSampler *self, Thread *t, guint64 at, gint64 wait_ns, gboolean signal);
gboolean _lp_wall_time_signal_stop_within (Thread *t, guint64 out, guint64 in);

/* lp-collapse.c: slots and the collapse step */
Slot *_lp_collapse_next_slot (LpSampler *self);
gboolean _lp_collapse_count_frames (LpSampler *self, const guint32 *frames, guint depth, pid_t tid, gboolean idle, gboolean reused, guint weight, guint64 time);
gboolean _lp_collapse_recount_stack (LpSampler *self, guint index, pid_t tid, gboolean idle, gboolean reused, guint weight, guint64 time);
void _lp_collapse_slots (LpSampler *self);
gboolean _lp_collapse_flush_batch (LpSampler *self, GError **error);

G_END_DECLS
