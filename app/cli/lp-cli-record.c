/* lp-cli-record.c: `laprof-cli record`: sample a process or a command into a folded report or a stream.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-capture-recorder.h"
#include "lp-cli.h"
#include "lp-debuginfod.h"
#include "lp-file.h"
#include "lp-folded-reader.h"
#include "lp-sampler.h"
#include "lp-sampler-names.h"
#include "lp-stream.h"

typedef struct
{
  LpFolded          *folded;
  GString           *buf;
  gboolean           broken;   /* the reader of the stream went away */
  char              *python;   /* the Python line last sent */
  /* the samples with their times and threads: a capture, written to a
   * file (-o FILE.laprof) and/or into the stream as #capture lines */
  LpCapture         *capture;
  LpCaptureRecorder *recorder;
  LpCaptureWriter   *file_writer;
  LpCaptureWriter   *stream_writer;
  char              *capture_path;
  int                capture_fd;
  /* the report with the frames named late (lp_sampler_names_late()), or NULL */
  LpFolded          *renamed;
  /* debug files from debuginfod: what the stream said of each (state, bytes) */
  GArray            *debuginfo_sent;
} StreamOut;

static gboolean
write_stdout (StreamOut  *out,
              GError    **error)
{
  gboolean ok = lp_file_write_all (1, out->buf->str, out->buf->len, _("standard output"), error);

  g_string_truncate (out->buf, 0);
  if (!ok)
    out->broken = TRUE;
  return ok;
}

/* format_debuginfo: a #debuginfo line for each debug file whose state or
 * progress changed since the last batch */
static void
format_debuginfo (StreamOut *out)
{
  static const char *const states[] = { "pending", "fetching", "done", "failed" };
  LpDebuginfod *fetcher = lp_debuginfod_get ();
  g_autoptr(GArray) files = fetcher != NULL ? lp_debuginfod_list (fetcher) : NULL;

  if (files == NULL)
    return;
  if (out->debuginfo_sent == NULL)
    out->debuginfo_sent = g_array_new (FALSE, TRUE, sizeof (LpDebuginfodFile));
  for (guint i = 0; i < files->len; i++)
    {
      const LpDebuginfodFile *f = &g_array_index (files, LpDebuginfodFile, i);
      LpDebuginfodFile *sent;

      if (i >= out->debuginfo_sent->len)
        {
          g_array_set_size (out->debuginfo_sent, i + 1);
          g_array_index (out->debuginfo_sent, LpDebuginfodFile, i).bytes = -1;
        }
      sent = &g_array_index (out->debuginfo_sent, LpDebuginfodFile, i);
      if (sent->state == f->state && sent->bytes == f->bytes)
        continue;
      sent->state = f->state;
      sent->bytes = f->bytes;
      lp_stream_format_debuginfo (out->buf, f->module, states[f->state], f->bytes, f->size, f->error);
    }
}

static gboolean
on_batch (LpSampler            *sampler,
          const LpSamplerBatch *batch,
          gpointer              user_data,
          GError              **error)
{
  StreamOut *out = user_data;
  gboolean python_on = FALSE;
  const char *python = lp_sampler_get_python (sampler, &python_on);

  if (out->recorder != NULL)
    lp_capture_recorder_update (out->recorder);
  if (out->file_writer != NULL && !lp_capture_writer_flush (out->file_writer, error))
    return FALSE;
  if (out->stream_writer == NULL)
    return TRUE;
  if (python != NULL && g_strcmp0 (python, out->python) != 0)
    {
      g_free (out->python);
      out->python = g_strdup (python);
      lp_stream_format_python (out->buf, python_on, python);
    }
  {
    g_autoptr(GBytes) block = lp_capture_writer_take_block (out->stream_writer);

    if (block != NULL)
      lp_stream_format_capture (out->buf, block);
  }
  format_debuginfo (out);
  lp_stream_format_batch (out->buf, out->folded, batch);
  return write_stdout (out, error);
}

/* is_capture_path: -o FILE.laprof writes a capture */
static gboolean
is_capture_path (const char *path)
{
  return path != NULL && g_str_has_suffix (path, ".laprof");
}

static gboolean
parse_tids (const char  *text,
            GArray      *tids)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 v;
      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, G_MAXINT, &v, NULL))
        return FALSE;
      pid_t tid = (pid_t) v;
      g_array_append_val (tids, tid);
    }
  return tids->len > 0;
}

static void
print_summary (const LpSamplerStats *st,
               LpSamplerMode         mode,
               const char           *python,
               const char           *kernel)
{
  double rate = st->duration > 0 ? st->samples / st->duration : 0;

  fprintf (stderr, _("laprof-cli record: %.2f s, %" PRIu64 " samples (%.1f/s), %u threads, %" PRIu64 " lost"),
           st->duration, st->samples, rate, st->threads_seen, st->lost_total);
  if (mode == LP_SAMPLER_MODE_WALL && st->stops > 0)
    fprintf (stderr, _(", threads stopped %.1f µs on average"), st->stop_ns / 1000.0 / st->stops);
  fputc ('\n', stderr);
  for (guint i = 0; i < LP_SAMPLER_LOST_N_REASONS; i++)
    if (st->lost[i] > 0)
      fprintf (stderr, _("  lost %" PRIu64 ": %s\n"), st->lost[i], lp_sampler_lost_to_string (i));
  if (st->idle_samples > 0)
    fprintf (stderr, _("  idle (blocked in a system call): %" PRIu64 " samples, %" PRIu64 " of them without a stop "
                       "(the thread had not run since)\n"), st->idle_samples, st->reused);
  if (mode == LP_SAMPLER_MODE_WALL && st->perf_assist)
    fprintf (stderr, _("  running threads: sampled by perf events, not stopped; %" PRIu64 " samples of waiting for a CPU\n"),
             st->waiting);
  else if (mode == LP_SAMPLER_MODE_WALL)
    fprintf (stderr, _("  running threads: stopped at each tick (--stop-running, or perf events not allowed)\n"));
  if (st->caught > 0)
    fprintf (stderr, _("  threads started while attaching, caught after: %u\n"), st->caught);
  if (st->truncated > 0)
    fprintf (stderr, _("  stacks not unwound to their root ([truncated]): %" PRIu64 "\n"), st->truncated);
  if (python != NULL)
    fprintf (stderr, "  %s\n", python);
  if (kernel != NULL)
    fprintf (stderr, "  %s\n", kernel);
  if (st->kernel_samples > 0)
    fprintf (stderr, _("  samples taken with kernel frames: %" PRIu64 " (blocked threads' reused stacks besides)\n"),
             st->kernel_samples);
  if (st->kernel_stacks > 0)
    fprintf (stderr, _("  kernel stacks of blocked threads read: %" PRIu64 ", %.1f µs each\n"),
             st->kernel_stacks, st->kernel_stack_ns / 1000.0 / st->kernel_stacks);
  if (st->python_samples > 0)
    fprintf (stderr, _("  samples with Python frames: %" PRIu64 "; unreadable to their end %" PRIu64
                       ", moved on before they were read %" PRIu64 "\n"),
             st->python_samples, st->python_unreadable, st->python_unmatched);
  if (st->samples > 0)
    fprintf (stderr, _("  cost per sample: unwind %.1f µs, symbolize %.1f µs, collapse %.1f µs\n"),
             st->unwind_ns / 1000.0 / st->samples, st->symbolize_ns / 1000.0 / st->samples,
             st->collapse_ns / 1000.0 / st->samples);
  if (st->python_samples > 0)
    fprintf (stderr, _("  reading Python stacks: %.1f µs per sample\n"), st->python_ns / 1000.0 / st->samples);
}

static char *
describe_status (int status)
{
  if (WIFEXITED (status))
    return g_strdup_printf (_("exited with status %d"), WEXITSTATUS (status));
  if (WIFSIGNALED (status))
    return g_strdup_printf (_("killed by signal %d (%s)"), WTERMSIG (status), g_strsignal (WTERMSIG (status)));
  return g_strdup (_("ended"));
}

typedef struct
{
  /* as given */
  char            **command;
  char             *output;
  char             *store;
  char             *tid_text;
  char             *mode_text;
  gint              pid;
  double            frequency, period, duration, min_time, debuginfod_wait;
  gboolean          no_idle, idle, threads, lines, stream, quiet;
  gboolean          stop_running, no_children, no_python, in_process, no_kernel, kernel_calls, no_kernel_calls;
  gint              stack_kib;
  /* what it means */
  GArray           *tids;
  LpStorer         *storer;
  LpSamplerOptions  sampler;
} RecordOptions;

static void
record_options_clear (RecordOptions *o)
{
  g_strfreev (o->command);
  g_free (o->output);
  g_free (o->store);
  g_free (o->tid_text);
  g_free (o->mode_text);
  g_clear_pointer (&o->tids, g_array_unref);
  g_clear_pointer (&o->storer, lp_storer_free);
}

static gboolean
parse_args (RecordOptions  *o,
            int             argc,
            char          **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "pid", 'p', 0, G_OPTION_ARG_INT, &o->pid, N_("Attach to the running process PID"), N_("PID") },
    { "tid", 't', 0, G_OPTION_ARG_STRING, &o->tid_text, N_("Sample only these threads of the process"), N_("TID[,TID…]") },
    { "frequency", 'F', 0, G_OPTION_ARG_DOUBLE, &o->frequency, N_("Samples per second (default 100)"), N_("HZ") },
    { "period", 0, 0, G_OPTION_ARG_DOUBLE, &o->period, N_("Seconds between samples (0.01 = 100 Hz)"), N_("SECONDS") },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &o->duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output, N_("Write the folded report to FILE (\"-\": standard output)"), N_("FILE") },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &o->store, N_("Store the report in DEST, a directory or s3://bucket/prefix/ (as well as -o, or instead)"), N_("DEST") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &o->mode_text, N_("wall (every thread, default) or cpu (on-CPU only, perf events)"), N_("MODE") },
    { "idle", 0, 0, G_OPTION_ARG_NONE, &o->idle, N_("Keep samples of threads blocked in a system call (default)"), NULL },
    { "no-idle", 0, 0, G_OPTION_ARG_NONE, &o->no_idle, N_("Drop samples of threads blocked in a system call"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_NONE, &o->threads, N_("Add a frame per thread (name-TID) under the process"), NULL },
    { "lines", 0, 0, G_OPTION_ARG_NONE, &o->lines, N_("Label frames \"function (file:line)\" where debug info has lines"), NULL },
    { "min-time", 0, 0, G_OPTION_ARG_DOUBLE, &o->min_time, N_("Write no report if the recording ran shorter than this"), N_("SECONDS") },
    { "debuginfod-wait", 0, 0, G_OPTION_ARG_DOUBLE, &o->debuginfod_wait, N_("At the end, wait this long at most for debug files still downloading from debuginfod (default 30)"), N_("SECONDS") },
    { "no-children", 0, 0, G_OPTION_ARG_NONE, &o->no_children, N_("Do not follow the processes the target starts (followed by default, each under its own name)"), NULL },
    { "stop-running", 0, 0, G_OPTION_ARG_NONE, &o->stop_running, N_("Wall mode: stop running threads too (ptrace), rather than sample them with perf events"), NULL },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &o->no_python, N_("Leave CPython's evaluation frames as they are, rather than show the Python functions they run"), NULL },
    { "no-kernel-calls", 0, 0, G_OPTION_ARG_NONE, &o->no_kernel_calls, N_("cpu mode: leave out the kernel's call chains, recorded by default where the kernel allows it"), NULL },
    /* what the default now does; accepted as before */
    { "kernel-calls", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o->kernel_calls, NULL, NULL },
    { "no-kernel", 0, 0, G_OPTION_ARG_NONE, &o->no_kernel, N_("Leave out the kernel's frames (name_[k]), recorded by default where the kernel allows it"), NULL },
    { "stack-size", 0, 0, G_OPTION_ARG_INT, &o->stack_kib, N_("KiB of stack copied per sample (default 16; deeper frames are read from the live process)"), N_("KIB") },
    { "in-process", 0, 0, G_OPTION_ARG_NONE, &o->in_process, N_("Profile COMMAND from inside its own process (liblaprof preloaded): no ptrace, no perf events"), NULL },
    { "stream", 0, 0, G_OPTION_ARG_NONE, &o->stream, N_("Write the stream protocol to standard output (for the GUI)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("No summary on standard error"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->command, NULL, N_("-p PID | [--] COMMAND [ARG…]") },
    { NULL }
  };

  context = g_option_context_new (_("— sample the stacks of a process"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_description (context,
    _("Samples every thread of a process (wall mode: running or blocked, via ptrace; cpu\n"
      "mode: on-CPU only, via perf events) and writes a folded report (frame;frame count,\n"
      "root first: process, [thread,] _start … main … leaf) for flamegraph.pl, inferno,\n"
      "speedscope or 'laprof-cli svg'.\n\n"
      "Output: without -o the report goes to laprof-COMMAND-PID.folded in the current\n"
      "directory (like perf.data, so that the command's own output never mixes in); use\n"
      "-o - for standard output. With --stream, standard output carries the stream\n"
      "protocol (docs/stream-protocol.md) and the command's output goes to standard error.\n\n"
      "Blocked threads get a leaf frame like [idle: futex]; --no-idle drops those samples.\n"
      "In a CPython program (3.10 to 3.13) the Python functions take the place of the\n"
      "interpreter's frames, as \"function (file.py)\"; --no-python turns that off.\n"
      "Ctrl-C or SIGTERM stops sampling, detaches and writes the report; the target runs on.\n"
      "A launched COMMAND keeps our standard input, output and error; its exit status is\n"
      "reported on standard error.\n\n"
      "--in-process runs COMMAND with liblaprof preloaded: it samples itself with timer\n"
      "signals and /proc, where ptrace and perf events are forbidden (containers, AWS\n"
      "Lambda, seccomp); the report is written when COMMAND exits (not when it is killed).\n\n"
      "Examples:\n"
      "  laprof-cli record -F 99 -d 10 -p 1234\n"
      "  laprof-cli record -o xz.folded -- xz -9 -k big.tar\n\n"
      "Exit status: 0 report written (or --min-time not reached), 2 error."));
  if (!lp_cli_parse (context, &argc, &argv))
    return FALSE;

  if (o->command != NULL && o->command[0] != NULL && g_str_equal (o->command[0], "--"))
    {
      /* strict POSIX parsing leaves the "--" in */
      char **rest = g_strdupv (o->command + 1);
      g_strfreev (o->command);
      o->command = rest;
    }
  return TRUE;
}

/* check_args: the options that do not go together */
static gboolean
check_args (RecordOptions *o)
{
  if ((o->pid > 0) == (o->command != NULL && o->command[0] != NULL))
    {
      lp_cli_error ("record", _("give either -p PID or a command to run; usage: laprof-cli record -p PID | "
                                "laprof-cli record [OPTION…] -- COMMAND [ARG…]"));
      return FALSE;
    }
  if (o->frequency < 0 || o->period < 0 || o->duration < 0 || o->min_time < 0 || o->debuginfod_wait < 0 || o->stack_kib < 0)
    {
      lp_cli_error ("record", _("frequency, period, duration, min-time and stack-size must not be negative"));
      return FALSE;
    }
  if (o->frequency > 0 && o->period > 0)
    {
      lp_cli_error ("record", _("give --frequency or --period, not both"));
      return FALSE;
    }
  if (o->idle && o->no_idle)
    {
      lp_cli_error ("record", _("give --idle or --no-idle, not both"));
      return FALSE;
    }
  if (o->tid_text != NULL && (o->pid <= 0 || !parse_tids (o->tid_text, o->tids)))
    {
      lp_cli_error ("record", _("--tid needs -p PID and a list of thread ids like 1234,1240"));
      return FALSE;
    }
  if (o->in_process && (o->pid > 0 || o->stream || o->tid_text != NULL || o->duration > 0 || o->threads || o->stop_running))
    {
      lp_cli_error ("record", _("--in-process runs a COMMAND until it exits; it cannot be used with -p, --tid, "
                                "--duration, --threads, --stop-running or --stream"));
      return FALSE;
    }
  if (o->in_process && is_capture_path (o->output))
    {
      lp_cli_error ("record", _("--in-process writes folded reports; a capture (-o FILE.laprof) is "
                                "recorded by the engine: leave out --in-process, or write FILE.folded"));
      return FALSE;
    }
  if (o->stream && o->output != NULL)
    {
      lp_cli_error ("record", _("--stream writes to standard output; -o cannot be used with it"));
      return FALSE;
    }
  if (o->stream && o->store != NULL)
    {
      lp_cli_error ("record", _("--stream writes to standard output; --store cannot be used with it"));
      return FALSE;
    }
  return TRUE;
}

/* make_options: what the options mean, into @o->sampler and @o->storer */
static gboolean
make_options (RecordOptions *o)
{
  g_autoptr(GError) error = NULL;
  LpSamplerOptions *opts = &o->sampler;

  o->tids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  if (!check_args (o))
    return FALSE;
  /* a wrong destination or missing credentials fail now, not after the recording */
  if (o->store != NULL && (o->storer = lp_storer_new_for_destination (o->store, &error)) == NULL)
    {
      lp_cli_error ("record", "%s", error->message);
      return FALSE;
    }

  opts->mode = LP_SAMPLER_MODE_WALL;
  if (o->mode_text != NULL && g_str_equal (o->mode_text, "cpu"))
    opts->mode = LP_SAMPLER_MODE_CPU;
  else if (o->mode_text != NULL && !g_str_equal (o->mode_text, "wall"))
    {
      lp_cli_error ("record", _("unknown mode '%s': use wall or cpu"), o->mode_text);
      return FALSE;
    }
  opts->period = o->period > 0 ? o->period : 1.0 / (o->frequency > 0 ? o->frequency : 100.0);
  if (opts->period < 0.0001)
    {
      lp_cli_error ("record", _("at most 10000 samples per second"));
      return FALSE;
    }
  opts->duration = o->duration;
  opts->idle = !o->no_idle;
  opts->threads = o->threads;
  opts->lines = o->lines;
  opts->tids = o->tids->len > 0 ? (const pid_t *) (gpointer) o->tids->data : NULL;
  opts->n_tids = o->tids->len;
  opts->flush_interval = o->stream || is_capture_path (o->output) ? 0.2 : 0;
  opts->stack_size = (gsize) o->stack_kib * 1024;
  opts->child_stdout_to_stderr = o->stream;
  opts->stop_running = o->stop_running;
  opts->no_children = o->no_children;
  opts->no_python = o->no_python;
  opts->no_kernel = o->no_kernel;
  opts->no_kernel_calls = o->no_kernel_calls;
  return TRUE;
}

/* block_stop_signals: Ctrl-C and SIGTERM end the recording through the
 * descriptor returned, which the sampler polls */
static int
block_stop_signals (void)
{
  sigset_t stop_set;
  int stop_fd;

  sigemptyset (&stop_set);
  sigaddset (&stop_set, SIGINT);
  sigaddset (&stop_set, SIGTERM);
  sigaddset (&stop_set, SIGHUP);
  sigprocmask (SIG_BLOCK, &stop_set, NULL);
  stop_fd = signalfd (-1, &stop_set, SFD_CLOEXEC | SFD_NONBLOCK);
  signal (SIGPIPE, SIG_IGN);
  return stop_fd;
}

/* start: attaches or launches, and begins the stream; says why not */
static gboolean
start (const RecordOptions *o,
       LpSampler           *sampler,
       StreamOut           *out)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = o->pid > 0 ? lp_sampler_attach (sampler, o->pid, &error)
                           : lp_sampler_launch (sampler, o->command, &error);

  if (!ok)
    {
      if (g_error_matches (error, LP_SAMPLER_ERROR, LP_SAMPLER_ERROR_PERMISSION) && o->command != NULL)
        lp_cli_error ("record", _("%s. Where ptrace and perf events are forbidden (containers, AWS Lambda, "
                                  "seccomp), profile from inside the program: laprof-cli record --in-process -- %s"),
                      error->message, o->command[0]);
      else
        lp_cli_error ("record", "%s", error->message);
      if (o->stream)
        {
          lp_stream_format_error (out->buf, error->message);
          write_stdout (out, NULL);
        }
      return FALSE;
    }
  if (o->stream)
    {
      g_autofree char *cmdline = o->command ? g_strjoinv (" ", o->command)
                                            : g_strdup (lp_sampler_get_command (sampler));

      lp_stream_format_header (out->buf, lp_sampler_get_pid (sampler), cmdline,
                               lp_sampler_mode_to_string (o->sampler.mode), o->sampler.period);
      write_stdout (out, NULL);
    }
  return TRUE;
}

/* run: samples until the end, then ends the stream; *@st the figures */
static gboolean
run (const RecordOptions *o,
     LpSampler           *sampler,
     int                  stop_fd,
     StreamOut           *out,
     LpSamplerStats      *st)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = lp_sampler_run (sampler, stop_fd, &error);
  g_autoptr(GPtrArray) names = NULL;

  lp_sampler_get_stats (sampler, st);
  close (stop_fd);

  /* frames sampled before their debug file came get their names now; the
   * window does not wait: it shows what came */
  lp_cli_names_wait (o->stream ? 0 : o->debuginfod_wait, o->quiet || o->stream);
  names = lp_sampler_names_late (sampler);
  if (names != NULL)
    {
      out->renamed = lp_folded_rename (out->folded, (const char * const *) names->pdata, NULL);
      if (out->recorder != NULL)
        lp_capture_recorder_rename (out->recorder, names);
    }

  if (!ok && !out->broken)
    lp_cli_error ("record", "%s", error->message);

  if (o->stream && !out->broken)
    {
      const char *reason = !ok ? "error" : st->target_exited ? "exited"
                         : (o->duration > 0 && st->duration >= o->duration - 0.05) ? "duration" : "stopped";
      int code = -1;

      if (st->exit_status_known && WIFEXITED (st->exit_status))
        code = WEXITSTATUS (st->exit_status);
      if (!ok)
        lp_stream_format_error (out->buf, error->message);
      if (out->recorder != NULL)
        {
          /* the samples the recorder held back to put them in time order */
          g_autoptr(GBytes) block = NULL;

          lp_capture_recorder_finish (out->recorder, st, reason, code);
          block = lp_capture_writer_take_block (out->stream_writer);
          if (block != NULL)
            lp_stream_format_capture (out->buf, block);
        }
      lp_stream_format_end (out->buf, st->duration, st->samples, st->lost_total, reason, code);
      write_stdout (out, NULL);
    }
  return ok;
}

/* store_report: the report to --store; on failure the error says where
 * it was kept */
static gboolean
store_report (const RecordOptions  *o,
              const char           *command,
              pid_t                 pid,
              LpFolded             *folded,
              const LpSamplerStats *st)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start = g_date_time_add_seconds (now, -st->duration);
  g_autofree char *where = NULL;
  g_autoptr(GError) store_error = NULL;
  LpReportMeta meta = { command, pid, start };

  if (!lp_storer_store_folded (o->storer, folded, &meta, &where, &store_error))
    {
      lp_cli_error ("record", "%s", store_error->message);
      return FALSE;
    }
  if (!o->quiet)
    fprintf (stderr, _("laprof-cli record: stored %s\n"), where);
  return TRUE;
}

/* save_report: the report to --store, -o, or laprof-COMMAND-PID.folded
 * (-o is written even when --store fails) */
static gboolean
save_report (RecordOptions        *o,
             const char           *command,
             pid_t                 pid,
             LpFolded             *folded,
             const LpSamplerStats *st)
{
  g_autoptr(GError) error = NULL;
  gboolean stored = TRUE;
  gboolean ok = TRUE;

  if (o->min_time > 0 && st->duration < o->min_time)
    {
      if (!o->quiet)
        fprintf (stderr, _("laprof-cli record: ran %.3f s, less than --min-time %.3f s: no report written\n"),
                 st->duration, o->min_time);
      return TRUE;
    }
  if (o->storer != NULL)
    stored = store_report (o, command, pid, folded, st);
  if (o->output != NULL && g_str_equal (o->output, "-"))
    ok = lp_folded_write_fd (folded, 1, &error);
  else if (o->output != NULL || o->storer == NULL)
    {
      if (o->output == NULL)
        o->output = g_strdup_printf ("laprof-%s-%d.folded", command ? command : "process", (int) pid);
      ok = lp_folded_save (folded, o->output, &error);
      if (ok && !o->quiet)
        fprintf (stderr, _("laprof-cli record: wrote %s\n"), o->output);
    }
  if (!ok)
    lp_cli_error ("record", "%s", error->message);
  return ok && stored;
}

/* report: the summary, and how a launched command ended */
static void
report (const RecordOptions  *o,
        LpSampler            *sampler,
        const LpSamplerStats *st,
        gboolean              broken,
        int                  *exit_code)
{
  int child_status = 0;

  if (!o->quiet)
    print_summary (st, o->sampler.mode, lp_sampler_get_python (sampler, NULL), lp_sampler_get_kernel (sampler, NULL));

  /* a launched command keeps running after a stop; wait for it, it owns our
   * terminal. But when the reader of the stream has gone (the window was
   * closed or killed), nobody is left to stop it: end it as a closed
   * terminal would. */
  if (o->command != NULL && broken)
    kill (lp_sampler_get_pid (sampler), SIGTERM);
  if (o->command != NULL)
    {
      if (lp_sampler_wait_child (sampler, &child_status))
        {
          g_autofree char *how = describe_status (child_status);

          if (WIFEXITED (child_status))
            *exit_code = WEXITSTATUS (child_status);
          if (!o->quiet)
            fprintf (stderr, _("laprof-cli record: %s %s\n"), o->command[0], how);
        }
    }
  else if (st->target_exited && !o->quiet)
    fprintf (stderr, _("laprof-cli record: process %d exited\n"), o->pid);
}

/* capture_begin: a capture of the recording, written to -o FILE.laprof
 * as it records (a killed recording leaves what was written) and/or into
 * the stream as #capture lines */
static gboolean
capture_begin (const RecordOptions *o,
               LpSampler           *sampler,
               StreamOut           *out)
{
  g_autoptr(GError) error = NULL;

  if (!o->stream && !is_capture_path (o->output))
    return TRUE;
  out->capture = lp_capture_new ();
  out->recorder = lp_capture_recorder_new (sampler, &o->sampler, out->folded, out->capture);
  if (o->stream)
    out->stream_writer = lp_capture_writer_new (out->capture, -1, NULL);
  if (is_capture_path (o->output))
    {
      out->capture_fd = g_open (o->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (out->capture_fd < 0)
        {
          int saved = errno;

          lp_cli_error ("record", _("cannot write %s: %s"), o->output, g_strerror (saved));
          return FALSE;
        }
      out->capture_path = g_strdup (o->output);
      out->file_writer = lp_capture_writer_new (out->capture, out->capture_fd, &error);
      if (out->file_writer == NULL)
        {
          lp_cli_error ("record", "%s: %s", o->output, error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* capture_end: the end of the recording into the capture; its file
 * finished and closed */
static gboolean
capture_end (const RecordOptions  *o,
             StreamOut            *out,
             const LpSamplerStats *st,
             gboolean              ok,
             int                   code)
{
  g_autoptr(GError) error = NULL;
  const char *reason = !ok ? "error" : st->target_exited || code >= 0 ? "exited"
                     : (o->duration > 0 && st->duration >= o->duration - 0.05) ? "duration" : "stopped";

  if (out->recorder == NULL || o->stream)   /* the stream's ended in run() */
    return TRUE;
  if (code < 0 && st->exit_status_known && WIFEXITED (st->exit_status))
    code = WEXITSTATUS (st->exit_status);
  lp_capture_recorder_finish (out->recorder, st, reason, code);
  if (out->file_writer == NULL)
    return TRUE;
  if (!lp_capture_writer_finish (out->file_writer, &error) || fsync (out->capture_fd) < 0 ||
      close (g_steal_fd (&out->capture_fd)) < 0)
    {
      if (error == NULL)
        g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s", g_strerror (errno));
      lp_cli_error ("record", "%s: %s", out->capture_path, error->message);
      return FALSE;
    }
  if (!o->quiet)
    fprintf (stderr, _("laprof-cli record: wrote %s\n"), out->capture_path);
  return TRUE;
}

static void
capture_free (StreamOut *out)
{
  g_clear_pointer (&out->recorder, lp_capture_recorder_free);
  g_clear_pointer (&out->file_writer, lp_capture_writer_free);
  g_clear_pointer (&out->stream_writer, lp_capture_writer_free);
  g_clear_pointer (&out->capture, lp_capture_free);
  if (out->capture_fd >= 0)
    close (out->capture_fd);
  g_free (out->capture_path);
  g_clear_pointer (&out->renamed, lp_folded_free);
  g_clear_pointer (&out->debuginfo_sent, g_array_unref);
}

static int
record (RecordOptions *o)
{
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpSampler) sampler = NULL;
  StreamOut out = { .folded = folded, .capture_fd = -1 };
  LpSamplerStats st;
  int stop_fd = block_stop_signals ();
  gboolean ok;

  sampler = lp_sampler_new (&o->sampler, folded);
  out.buf = g_string_new (NULL);
  if (o->stream || is_capture_path (o->output))
    lp_sampler_set_batch_func (sampler, on_batch, &out);
  ok = capture_begin (o, sampler, &out) && start (o, sampler, &out);
  if (ok)
    {
      gboolean run_ok = run (o, sampler, stop_fd, &out, &st);
      int exit_code = -1;

      LpFolded *final = out.renamed != NULL ? out.renamed : folded;

      ok = run_ok;
      if (!o->stream && !is_capture_path (o->output) && ok)
        ok = save_report (o, lp_sampler_get_command (sampler), lp_sampler_get_pid (sampler), final, &st);
      else if (is_capture_path (o->output) && ok && o->storer != NULL)
        ok = store_report (o, lp_sampler_get_command (sampler), lp_sampler_get_pid (sampler), final, &st);
      if (!o->stream)
        lp_cli_names_report (final, o->quiet);
      /* a launched command's exit status, once it is reaped, ends the
       * capture */
      report (o, sampler, &st, out.broken, &exit_code);
      ok = capture_end (o, &out, &st, run_ok, exit_code) && ok;
    }
  /* the stop signals stay blocked: one still pending must not kill us now */
  capture_free (&out);
  g_string_free (out.buf, TRUE);
  g_free (out.python);
  return ok ? LP_CLI_EXIT_OK : LP_CLI_EXIT_ERROR;
}

/* liblaprof, to preload: $LAPROF_PRELOAD_LIB, the build tree's beside
 * ours, or the installed one */
static char *
find_preload_lib (void)
{
  const char *env = g_getenv ("LAPROF_PRELOAD_LIB");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *built = g_build_filename (dir, "..", "lib", "liblaprof.so", NULL);

      if (g_file_test (built, G_FILE_TEST_EXISTS))
        return g_canonicalize_filename (built, NULL);
    }
  return g_build_filename (LIBDIR, "liblaprof.so.0", NULL);
}

/* record_in_process: COMMAND with liblaprof preloaded, its report (written
 * by the library at exit into a directory of ours) then saved as a
 * recording's is. */
static int
record_in_process (RecordOptions *o)
{
  g_autofree char *lib = find_preload_lib ();
  g_autofree char *tmp = NULL;
  g_autofree char *file = NULL;
  g_autofree char *preload = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *old = g_environ_getenv (env, "LD_PRELOAD");
  g_autoptr(LpFolded) folded = NULL;
  g_autofree char *base = NULL;
  LpSamplerStats st = { 0 };
  pid_t child;
  int status = 0;
  gint64 t0;
  gboolean ok;

  if (!g_file_test (lib, G_FILE_TEST_EXISTS))
    {
      lp_cli_error ("record", _("cannot find liblaprof (%s): install laprof, or set LAPROF_PRELOAD_LIB"), lib);
      return LP_CLI_EXIT_ERROR;
    }
  tmp = g_dir_make_tmp ("laprof-inprocess-XXXXXX", &error);
  if (tmp == NULL)
    {
      lp_cli_error ("record", "%s", error->message);
      return LP_CLI_EXIT_ERROR;
    }
  file = g_build_filename (tmp, "report.folded", NULL);
  /* after what is there already: a sanitizer's runtime must come first */
  preload = old != NULL && *old != '\0' ? g_strdup_printf ("%s:%s", old, lib) : g_strdup (lib);
  env = g_environ_setenv (env, "LD_PRELOAD", preload, TRUE);
  env = g_environ_setenv (env, "LAPROF_OUTPUT", file, TRUE);
  env = g_environ_setenv (env, "LAPROF_PERIOD", g_ascii_dtostr (buf, sizeof buf, o->sampler.period), TRUE);
  env = g_environ_setenv (env, "LAPROF_MODE", o->sampler.mode == LP_SAMPLER_MODE_CPU ? "cpu" : "wall", TRUE);
  env = g_environ_setenv (env, "LAPROF_IDLE", o->no_idle ? "0" : "1", TRUE);
  env = g_environ_setenv (env, "LAPROF_PYTHON", o->no_python ? "0" : "1", TRUE);
  env = g_environ_setenv (env, "LAPROF_KERNEL", o->no_kernel ? "0" : "1", TRUE);
  env = g_environ_setenv (env, "LAPROF_MIN_TIME", g_ascii_dtostr (buf, sizeof buf, o->min_time), TRUE);

  t0 = g_get_monotonic_time ();
  child = fork ();
  if (child < 0)
    {
      lp_cli_error ("record", _("cannot start %s: %s"), o->command[0], g_strerror (errno));
      g_rmdir (tmp);
      return LP_CLI_EXIT_ERROR;
    }
  if (child == 0)
    {
      execvpe (o->command[0], o->command, env);
      fprintf (stderr, _("laprof-cli record: cannot run %s: %s\n"), o->command[0], g_strerror (errno));
      _exit (127);
    }
  /* Ctrl-C reaches the command too (one process group); we wait for it */
  signal (SIGINT, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  st.duration = (g_get_monotonic_time () - t0) / 1e6;

  folded = lp_folded_new ();
  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_autofree char *how = describe_status (status);

      if (o->min_time > 0 && st.duration < o->min_time)
        ok = TRUE;
      else
        {
          lp_cli_error ("record", _("%s %s without leaving a report (the report is written when the program "
                                    "exits; not when it is killed or ends with _exit)"), o->command[0], how);
          ok = FALSE;
        }
    }
  else
    {
      g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, 0);

      ok = lp_folded_reader_read_file (reader, file, &error);
      if (!ok)
        lp_cli_error ("record", "%s", error->message);
      else
        {
          if (!o->quiet)
            fprintf (stderr, _("laprof-cli record: %.0f samples, taken inside the process in %.2f s\n"),
                     lp_folded_get_total (folded), st.duration);
          base = g_path_get_basename (o->command[0]);
          ok = save_report (o, base, child, folded, &st);
        }
    }
  g_unlink (file);
  g_rmdir (tmp);
  if (!o->quiet)
    {
      g_autofree char *how = describe_status (status);
      fprintf (stderr, _("laprof-cli record: %s %s\n"), o->command[0], how);
    }
  return ok ? LP_CLI_EXIT_OK : LP_CLI_EXIT_ERROR;
}

int
lp_cli_record (int    argc,
               char **argv)
{
  RecordOptions o = { .debuginfod_wait = 30 };
  int status = LP_CLI_EXIT_ERROR;

  if (parse_args (&o, argc, argv) && make_options (&o))
    status = o.in_process ? record_in_process (&o) : record (&o);
  record_options_clear (&o);
  return status;
}
