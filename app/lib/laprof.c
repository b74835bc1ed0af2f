/* laprof.c: liblaprof, the in-process profiler: a sampler on a thread of the program's own, and its report stored.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "laprof.h"
#include "laprof-private.h"
#include "lp-folded.h"
#include "lp-sampler.h"
#include "lp-source-signal.h"
#include "lp-spool.h"
#include "lp-storer.h"

struct laprof_profiler
{
  laprof_options  opts;
  char           *destination;
  char           *command;
  LpStorer       *storer;       /* a directory or S3; NULL: a .folded file or nothing */
  gboolean        to_file;      /* destination is a .folded file */

  /* a run */
  pid_t           pid;          /* the process it started in (fork) */
  gboolean        running;
  gboolean        disabled;
  GThread        *thread;
  int             stop_fd;
  LpFolded       *folded;
  LpSampler      *sampler;
  GDateTime      *started_at;
  gint64          start_us;
  GError         *run_error;    /* the sampler thread's */
  GMutex          lock;
  GCond           cond;
  gboolean        attached;     /* the sampler thread has attached (or failed) */
  pid_t           caller_tid;
  double          thread_cpu;   /* CPU seconds of the sampler's thread */
  double          attach_cpu;   /* …of them, spent attaching */

  /* the last run's results */
  GBytes         *report;
  char           *location;
  laprof_stats    stats;
};

static char *
message_of (GError *error)
{
  return strdup (error != NULL ? error->message : "unknown error");
}

static void
set_error (char       **error,
           const char  *message)
{
  if (error != NULL)
    *error = strdup (message);
}

LAPROF_API void
laprof_options_init (laprof_options *options)
{
  memset (options, 0, sizeof *options);
  options->period = 0.01;
  options->mode = LAPROF_MODE_WALL;
  options->idle = 1;
  options->python = 1;
  options->kernel = 1;
}

gboolean
_laprof_env_true (const char *value)
{
  static const char *const yes[] = { "1", "true", "yes", "on", "y", "t" };

  if (value == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (value, yes[i]) == 0)
      return TRUE;
  return FALSE;
}

LAPROF_API int
laprof_disabled (void)
{
  return _laprof_env_true (g_getenv ("LAPROF_DISABLE"));
}

/* The program's name, for the report's file name. */
static char *
program_name (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL ? g_path_get_basename (exe) : g_strdup ("program");
}

static void
forget_after_fork (void)
{
  lp_source_signal_forget_after_fork ();
}

LAPROF_API laprof_profiler *
laprof_profiler_new (const laprof_options *options,
                     char                **error)
{
  laprof_profiler *self;
  laprof_options defaults;

  if (options == NULL)
    {
      laprof_options_init (&defaults);
      options = &defaults;
    }
  if (!(options->period > 0) || options->period > 60)
    {
      set_error (error, _("the period must be more than 0 and at most 60 seconds"));
      return NULL;
    }
  if (options->mode != LAPROF_MODE_WALL && options->mode != LAPROF_MODE_CPU)
    {
      set_error (error, _("the mode must be LAPROF_MODE_WALL or LAPROF_MODE_CPU"));
      return NULL;
    }

  {
    static gsize once = 0;

    if (g_once_init_enter (&once))
      {
        /* a forked child runs no profiler of its parent's (see laprof_stop) */
        pthread_atfork (NULL, NULL, forget_after_fork);
        g_once_init_leave (&once, 1);
      }
  }

  self = g_new0 (laprof_profiler, 1);
  self->opts = *options;
  self->destination = g_strdup (options->destination);
  self->command = options->command != NULL ? g_strdup (options->command) : program_name ();
  self->opts.destination = self->destination;
  self->opts.command = self->command;
  self->stop_fd = -1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);

  if (self->destination != NULL && *self->destination != '\0')
    {
      if (!lp_storer_is_s3_destination (self->destination) && g_str_has_suffix (self->destination, ".folded"))
        self->to_file = TRUE;
      else
        {
          g_autoptr(GError) local_error = NULL;

          self->storer = lp_storer_new_for_destination (self->destination, &local_error);
          if (self->storer == NULL)
            {
              if (error != NULL)
                *error = message_of (local_error);
              laprof_profiler_free (self);
              return NULL;
            }
        }
    }
  return self;
}

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
    return 0;
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The sampler's thread: attaches (so that it is the thread left out),
 * says so, and samples until stopped. */
static gpointer
sampler_thread (gpointer data)
{
  laprof_profiler *self = data;
  LpSamplerOptions o = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  prctl (PR_SET_NAME, "laprof", 0, 0, 0);
  o.mode = self->opts.mode == LAPROF_MODE_CPU ? LP_SAMPLER_MODE_CPU : LP_SAMPLER_MODE_WALL;
  o.period = self->opts.period;
  o.idle = self->opts.idle != 0;
  o.lines = self->opts.lines != 0;
  o.no_python = self->opts.python == 0;
  o.no_kernel = self->opts.kernel == 0;
  o.stack_size = self->opts.stack_size;
  if (self->opts.single)
    {
      o.tids = &self->caller_tid;
      o.n_tids = 1;
    }
  self->sampler = lp_sampler_new (&o, self->folded);
  ok = lp_sampler_attach_self (self->sampler, &error);
  self->attach_cpu = thread_cpu_seconds ();

  g_mutex_lock (&self->lock);
  self->attached = TRUE;
  if (!ok)
    self->run_error = g_steal_pointer (&error);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (ok && !lp_sampler_run (self->sampler, self->stop_fd, &error))
    self->run_error = g_steal_pointer (&error);
  self->thread_cpu = thread_cpu_seconds ();
  return NULL;
}

static void
clear_run (laprof_profiler *self)
{
  g_clear_pointer (&self->sampler, lp_sampler_free);
  g_clear_pointer (&self->folded, lp_folded_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_error (&self->run_error);
  if (self->stop_fd >= 0)
    close (self->stop_fd);
  self->stop_fd = -1;
  self->thread = NULL;
  self->running = FALSE;
  self->attached = FALSE;
}

/* In a forked child, a run of the parent's: its objects may have been
 * half-way through a change of the parent's sampler thread when the
 * process forked, so they are left as they are, reachable from here. */
static GSList *abandoned_runs;

static void
abandon_run (laprof_profiler *self)
{
  abandoned_runs = g_slist_prepend (abandoned_runs, self->sampler);
  abandoned_runs = g_slist_prepend (abandoned_runs, self->folded);
  self->sampler = NULL;
  self->folded = NULL;
  self->thread = NULL;
  self->stop_fd = -1;
  clear_run (self);
}

LAPROF_API int
laprof_start (laprof_profiler *self,
              char           **error)
{
  sigset_t all, old;
  GError *thread_error = NULL;

  if (self == NULL)
    {
      set_error (error, _("no profiler"));
      return -1;
    }
  if (self->running && self->pid == getpid ())
    {
      set_error (error, _("the profiler is already started: stop it first"));
      return -1;
    }
  if (self->running)
    abandon_run (self);  /* started in our parent before a fork: not ours */

  g_clear_pointer (&self->report, g_bytes_unref);
  g_clear_pointer (&self->location, g_free);
  memset (&self->stats, 0, sizeof self->stats);
  self->pid = getpid ();
  self->start_us = g_get_monotonic_time ();
  self->started_at = g_date_time_new_now_utc ();
  self->running = TRUE;
  self->disabled = laprof_disabled ();
  if (self->disabled)
    return 0;

  self->caller_tid = (pid_t) syscall (SYS_gettid);
  self->folded = lp_folded_new ();
  self->stop_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->stop_fd < 0)
    {
      g_autofree char *msg = g_strdup_printf (_("cannot create an event descriptor: %s"), g_strerror (errno));
      set_error (error, msg);
      clear_run (self);
      return -1;
    }

  /* the sampler's thread takes none of the program's signals */
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, &old);
  self->thread = g_thread_try_new ("laprof", sampler_thread, self, &thread_error);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (self->thread == NULL)
    {
      if (error != NULL)
        *error = message_of (thread_error);
      g_clear_error (&thread_error);
      clear_run (self);
      return -1;
    }

  g_mutex_lock (&self->lock);
  while (!self->attached)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  if (self->run_error != NULL)
    {
      if (error != NULL)
        *error = message_of (self->run_error);
      g_thread_join (self->thread);
      clear_run (self);
      return -1;
    }
  return 0;
}

/* Stores @report where the profiler's destination says. */
static gboolean
store_report (laprof_profiler *self,
              GBytes          *report,
              GError         **error)
{
  if (self->to_file)
    {
      gsize len;
      const char *data = g_bytes_get_data (report, &len);

      char *msg = NULL;

      if (laprof_store (self->destination, data, len, &msg) == 0)
        {
          self->location = g_strdup (self->destination);
          return TRUE;
        }
      g_set_error_literal (error, LP_STORER_ERROR, LP_STORER_ERROR_IO, msg != NULL ? msg : "");
      free (msg);
      return FALSE;
    }
  {
    LpReportMeta meta = { self->command, self->pid, self->started_at };

    return lp_storer_store (self->storer, report, &meta, &self->location, error);
  }
}

LAPROF_API int
laprof_stop (laprof_profiler *self,
             char           **error)
{
  LpSamplerStats st;
  g_autoptr(GError) local_error = NULL;
  int result = 0;

  if (self == NULL || !self->running)
    return 0;
  if (self->pid != getpid ())
    {
      /* a forked child: the run is the parent's, and its thread is not here */
      abandon_run (self);
      return 0;
    }
  self->stats.duration = (g_get_monotonic_time () - self->start_us) / 1e6;
  if (self->disabled)
    {
      self->stats.disabled = 1;
      self->running = FALSE;
      g_clear_pointer (&self->started_at, g_date_time_unref);
      return 0;
    }

  {
    guint64 one = 1;
    ssize_t n = write (self->stop_fd, &one, sizeof one);
    (void) n;
  }
  g_thread_join (self->thread);
  self->thread = NULL;

  lp_sampler_get_stats (self->sampler, &st);
  self->stats.samples = st.samples;
  self->stats.idle_samples = st.idle_samples;
  self->stats.lost = st.lost_total;
  self->stats.python_samples = st.python_samples;
  self->stats.threads = st.threads_seen;
  self->stats.sampler_cpu = self->thread_cpu;
  /* the cost of sampling, not of reading the program's symbols at the start */
  self->stats.per_sample_us = st.samples > 0 ? (self->thread_cpu - self->attach_cpu) * 1e6 / st.samples : 0;

  self->report = lp_folded_to_bytes (self->folded);
  if (self->run_error != NULL)
    {
      if (error != NULL)
        *error = message_of (self->run_error);
      result = -1;
    }
  else if (self->opts.min_time > 0 && self->stats.duration < self->opts.min_time)
    self->stats.too_short = 1;
  else if (self->storer != NULL || self->to_file)
    {
      if (store_report (self, self->report, &local_error))
        self->stats.stored = 1;
      else
        {
          self->stats.spooled = strstr (local_error->message, "upload --spool") != NULL;
          if (error != NULL)
            *error = message_of (local_error);
          result = -1;
        }
    }
  clear_run (self);
  return result;
}

LAPROF_API char *
laprof_report (laprof_profiler *self,
               size_t          *len)
{
  gsize size;
  const char *data;
  char *copy;

  if (self == NULL || self->report == NULL)
    {
      if (len != NULL)
        *len = 0;
      return NULL;
    }
  data = g_bytes_get_data (self->report, &size);
  copy = malloc (size + 1);
  if (copy == NULL)
    return NULL;
  if (size > 0)
    memcpy (copy, data, size);
  copy[size] = '\0';
  if (len != NULL)
    *len = size;
  return copy;
}

LAPROF_API const char *
laprof_location (laprof_profiler *self)
{
  return self != NULL ? self->location : NULL;
}

LAPROF_API void
laprof_get_stats (laprof_profiler *self,
                  laprof_stats    *stats)
{
  if (self != NULL)
    *stats = self->stats;
  else
    memset (stats, 0, sizeof *stats);
}

LAPROF_API int
laprof_store (const char  *location,
              const void  *data,
              size_t       len,
              char       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(LpStorer) storer = NULL;
  g_autofree char *name = NULL;

  if (location == NULL || *location == '\0' || (data == NULL && len > 0))
    {
      set_error (error, _("nowhere to store the report: give a file path or s3://bucket/key"));
      return -1;
    }
  bytes = g_bytes_new (data, len);
  if (!lp_storer_is_s3_destination (location))
    {
      g_autofree char *dir = g_path_get_dirname (location);

      if (g_mkdir_with_parents (dir, 0755) < 0
          || !g_file_set_contents_full (location, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
        {
          g_autofree char *msg = g_strdup_printf (_("cannot write the report to %s: %s"), location,
                                                  local_error != NULL ? local_error->message : g_strerror (errno));
          set_error (error, msg);
          return -1;
        }
      return 0;
    }

  storer = lp_storer_new_for_location (location, &name, &local_error);
  if (storer == NULL)
    {
      if (error != NULL)
        *error = message_of (local_error);
      return -1;
    }
  if (lp_storer_put (storer, name, bytes, &local_error))
    return 0;
  {
    /* never lose a report: it waits in the spool, as the S3 storer's do */
    g_autofree char *spool = lp_spool_get_dir ();
    g_autofree char *base = g_path_get_basename (name);
    g_autofree char *spooled = NULL;
    g_autoptr(GError) spool_error = NULL;
    g_autofree char *msg = NULL;

    if (lp_spool_keep (spool, base, bytes, location, &spooled, &spool_error))
      msg = g_strdup_printf (_("%s. The report is kept in %s; run 'laprof-cli upload --spool' to try again."),
                             local_error->message, spooled);
    else
      msg = g_strdup_printf (_("%s. The report could not be kept either: %s"),
                             local_error->message, spool_error->message);
    set_error (error, msg);
  }
  return -1;
}

LAPROF_API void
laprof_profiler_free (laprof_profiler *self)
{
  if (self == NULL)
    return;
  if (self->running)
    {
      char *error = NULL;

      laprof_stop (self, &error);
      free (error);
    }
  clear_run (self);
  g_clear_pointer (&self->storer, lp_storer_free);
  g_clear_pointer (&self->report, g_bytes_unref);
  g_free (self->location);
  g_free (self->destination);
  g_free (self->command);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

LAPROF_API void
laprof_free (void *ptr)
{
  free (ptr);
}
