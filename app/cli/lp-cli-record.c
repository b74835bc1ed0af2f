/* lp-cli-record.c: `laprof-cli record`: sample a process or a command into a folded report or a stream.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-cli.h"
#include "lp-file.h"
#include "lp-sampler.h"
#include "lp-stream.h"

typedef struct
{
  LpFolded *folded;
  GString  *buf;
  gboolean  broken;   /* the reader of the stream went away */
} StreamOut;

static gboolean
write_stdout (StreamOut  *out,
              GError    **error)
{
  gboolean ok = lp_write_all (1, out->buf->str, out->buf->len, _("standard output"), error);

  g_string_truncate (out->buf, 0);
  if (!ok)
    out->broken = TRUE;
  return ok;
}

static gboolean
on_batch (LpSampler            *sampler,
          const LpSamplerBatch *batch,
          gpointer              user_data,
          GError              **error)
{
  StreamOut *out = user_data;

  lp_stream_format_batch (out->buf, out->folded, batch);
  return write_stdout (out, error);
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
               LpSamplerMode         mode)
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
  if (st->samples > 0)
    fprintf (stderr, _("  cost per sample: unwind %.1f µs, symbolize %.1f µs, collapse %.1f µs\n"),
             st->unwind_ns / 1000.0 / st->samples, st->symbolize_ns / 1000.0 / st->samples,
             st->collapse_ns / 1000.0 / st->samples);
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

int
lp_cli_record (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpSampler) sampler = NULL;
  g_autoptr(GArray) tids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_auto(GStrv) command = NULL;
  g_autofree char *output = NULL;
  g_autofree char *store = NULL;
  g_autoptr(LpStorer) storer = NULL;
  gboolean stored = TRUE;
  g_autofree char *tid_text = NULL;
  g_autofree char *mode_text = NULL;
  gint pid = 0;
  double frequency = 0, period = 0, duration = 0, min_time = 0;
  gboolean no_idle = FALSE, idle = FALSE, threads = FALSE, lines = FALSE, stream = FALSE, quiet = FALSE;
  gboolean stop_running = FALSE, no_children = FALSE;
  gint stack_kib = 0;
  LpSamplerOptions opts = { 0 };
  LpSamplerStats st;
  StreamOut out = { 0 };
  sigset_t stop_set;
  int stop_fd;
  int child_status = 0;
  gboolean have_child_status = FALSE;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "pid", 'p', 0, G_OPTION_ARG_INT, &pid, N_("Attach to the running process PID"), N_("PID") },
    { "tid", 't', 0, G_OPTION_ARG_STRING, &tid_text, N_("Sample only these threads of the process"), N_("TID[,TID…]") },
    { "frequency", 'F', 0, G_OPTION_ARG_DOUBLE, &frequency, N_("Samples per second (default 100)"), N_("HZ") },
    { "period", 0, 0, G_OPTION_ARG_DOUBLE, &period, N_("Seconds between samples (0.01 = 100 Hz)"), N_("SECONDS") },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the folded report to FILE (\"-\": standard output)"), N_("FILE") },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store, N_("Store the report in DEST, a directory or s3://bucket/prefix/ (as well as -o, or instead)"), N_("DEST") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode_text, N_("wall (every thread, default) or cpu (on-CPU only, perf events)"), N_("MODE") },
    { "idle", 0, 0, G_OPTION_ARG_NONE, &idle, N_("Keep samples of threads blocked in a system call (default)"), NULL },
    { "no-idle", 0, 0, G_OPTION_ARG_NONE, &no_idle, N_("Drop samples of threads blocked in a system call"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_NONE, &threads, N_("Add a frame per thread (name-TID) under the process"), NULL },
    { "lines", 0, 0, G_OPTION_ARG_NONE, &lines, N_("Label frames \"function (file:line)\" where debug info has lines"), NULL },
    { "min-time", 0, 0, G_OPTION_ARG_DOUBLE, &min_time, N_("Write no report if the recording ran shorter than this"), N_("SECONDS") },
    { "no-children", 0, 0, G_OPTION_ARG_NONE, &no_children, N_("Do not follow the processes the target starts (followed by default, each under its own name)"), NULL },
    { "stop-running", 0, 0, G_OPTION_ARG_NONE, &stop_running, N_("Wall mode: stop running threads too (ptrace), rather than sample them with perf events"), NULL },
    { "stack-size", 0, 0, G_OPTION_ARG_INT, &stack_kib, N_("KiB of stack copied per sample (default 16; deeper frames are read from the live process)"), N_("KIB") },
    { "stream", 0, 0, G_OPTION_ARG_NONE, &stream, N_("Write the stream protocol to standard output (for the GUI)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No summary on standard error"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &command, NULL, N_("-p PID | [--] COMMAND [ARG…]") },
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
      "Ctrl-C or SIGTERM stops sampling, detaches and writes the report; the target runs on.\n"
      "A launched COMMAND keeps our standard input, output and error; its exit status is\n"
      "reported on standard error.\n\n"
      "Examples:\n"
      "  laprof-cli record -F 99 -d 10 -p 1234\n"
      "  laprof-cli record -o xz.folded -- xz -9 -k big.tar\n\n"
      "Exit status: 0 report written (or --min-time not reached), 2 error."));
  if (!lp_cli_parse (context, &argc, &argv))
    return LP_CLI_EXIT_ERROR;

  if (command != NULL && command[0] != NULL && g_str_equal (command[0], "--"))
    {
      /* strict POSIX parsing leaves the "--" in */
      char **rest = g_strdupv (command + 1);
      g_strfreev (command);
      command = rest;
    }
  if ((pid > 0) == (command != NULL && command[0] != NULL))
    {
      lp_cli_error ("record", _("give either -p PID or a command to run; usage: laprof-cli record -p PID | "
                                "laprof-cli record [OPTION…] -- COMMAND [ARG…]"));
      return LP_CLI_EXIT_ERROR;
    }
  if (frequency < 0 || period < 0 || duration < 0 || min_time < 0 || stack_kib < 0)
    {
      lp_cli_error ("record", _("frequency, period, duration, min-time and stack-size must not be negative"));
      return LP_CLI_EXIT_ERROR;
    }
  if (frequency > 0 && period > 0)
    {
      lp_cli_error ("record", _("give --frequency or --period, not both"));
      return LP_CLI_EXIT_ERROR;
    }
  if (idle && no_idle)
    {
      lp_cli_error ("record", _("give --idle or --no-idle, not both"));
      return LP_CLI_EXIT_ERROR;
    }
  if (tid_text != NULL && (pid <= 0 || !parse_tids (tid_text, tids)))
    {
      lp_cli_error ("record", _("--tid needs -p PID and a list of thread ids like 1234,1240"));
      return LP_CLI_EXIT_ERROR;
    }
  if (stream && output != NULL)
    {
      lp_cli_error ("record", _("--stream writes to standard output; -o cannot be used with it"));
      return LP_CLI_EXIT_ERROR;
    }
  if (stream && store != NULL)
    {
      lp_cli_error ("record", _("--stream writes to standard output; --store cannot be used with it"));
      return LP_CLI_EXIT_ERROR;
    }
  /* a wrong destination or missing credentials fail now, not after the recording */
  if (store != NULL && (storer = lp_storer_new_for_destination (store, &error)) == NULL)
    {
      lp_cli_error ("record", "%s", error->message);
      return LP_CLI_EXIT_ERROR;
    }

  opts.mode = LP_SAMPLER_MODE_WALL;
  if (mode_text != NULL && g_str_equal (mode_text, "cpu"))
    opts.mode = LP_SAMPLER_MODE_CPU;
  else if (mode_text != NULL && !g_str_equal (mode_text, "wall"))
    {
      lp_cli_error ("record", _("unknown mode '%s': use wall or cpu"), mode_text);
      return LP_CLI_EXIT_ERROR;
    }
  opts.period = period > 0 ? period : 1.0 / (frequency > 0 ? frequency : 100.0);
  if (opts.period < 0.0001)
    {
      lp_cli_error ("record", _("at most 10000 samples per second"));
      return LP_CLI_EXIT_ERROR;
    }
  opts.duration = duration;
  opts.idle = !no_idle;
  opts.threads = threads;
  opts.lines = lines;
  opts.tids = tids->len > 0 ? (const pid_t *) (gpointer) tids->data : NULL;
  opts.n_tids = tids->len;
  opts.flush_interval = stream ? 0.2 : 0;
  opts.stack_size = (gsize) stack_kib * 1024;
  opts.child_stdout_to_stderr = stream;
  opts.stop_running = stop_running;
  opts.no_children = no_children;

  /* Ctrl-C and SIGTERM end the recording through a descriptor the sampler polls */
  sigemptyset (&stop_set);
  sigaddset (&stop_set, SIGINT);
  sigaddset (&stop_set, SIGTERM);
  sigaddset (&stop_set, SIGHUP);
  sigprocmask (SIG_BLOCK, &stop_set, NULL);
  stop_fd = signalfd (-1, &stop_set, SFD_CLOEXEC | SFD_NONBLOCK);
  signal (SIGPIPE, SIG_IGN);

  folded = lp_folded_new ();
  sampler = lp_sampler_new (&opts, folded);
  out.folded = folded;
  out.buf = g_string_new (NULL);
  if (stream)
    lp_sampler_set_batch_func (sampler, on_batch, &out);

  ok = pid > 0 ? lp_sampler_attach (sampler, pid, &error) : lp_sampler_launch (sampler, command, &error);
  if (!ok)
    {
      lp_cli_error ("record", "%s", error->message);
      if (stream)
        {
          lp_stream_format_error (out.buf, error->message);
          write_stdout (&out, NULL);
        }
      g_string_free (out.buf, TRUE);
      return LP_CLI_EXIT_ERROR;
    }

  if (stream)
    {
      g_autofree char *cmdline = command ? g_strjoinv (" ", command) : g_strdup (lp_sampler_get_command (sampler));

      lp_stream_format_header (out.buf, lp_sampler_get_pid (sampler), cmdline,
                               lp_sampler_mode_to_string (opts.mode), opts.period);
      write_stdout (&out, NULL);
    }

  ok = lp_sampler_run (sampler, stop_fd, &error);
  lp_sampler_get_stats (sampler, &st);
  close (stop_fd);

  if (!ok && !out.broken)
    lp_cli_error ("record", "%s", error->message);

  if (stream && !out.broken)
    {
      const char *reason = !ok ? "error" : st.target_exited ? "exited"
                         : (duration > 0 && st.duration >= duration - 0.05) ? "duration" : "stopped";
      int code = -1;

      if (st.exit_status_known && WIFEXITED (st.exit_status))
        code = WEXITSTATUS (st.exit_status);
      if (!ok)
        lp_stream_format_error (out.buf, error->message);
      lp_stream_format_end (out.buf, st.duration, st.samples, st.lost_total, reason, code);
      write_stdout (&out, NULL);
    }

  if (!stream && ok)
    {
      if (min_time > 0 && st.duration < min_time)
        {
          if (!quiet)
            fprintf (stderr, _("laprof-cli record: ran %.3f s, less than --min-time %.3f s: no report written\n"),
                     st.duration, min_time);
        }
      else
        {
          if (storer != NULL)
            {
              g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
              g_autoptr(GDateTime) start = g_date_time_add_seconds (now, -st.duration);
              g_autofree char *where = NULL;
              g_autoptr(GError) store_error = NULL;
              LpReportMeta meta = { lp_sampler_get_command (sampler), lp_sampler_get_pid (sampler), start };

              /* on failure the error says where the report was kept; -o is still written */
              stored = lp_storer_store_folded (storer, folded, &meta, &where, &store_error);
              if (!stored)
                lp_cli_error ("record", "%s", store_error->message);
              else if (!quiet)
                fprintf (stderr, _("laprof-cli record: stored %s\n"), where);
            }
          if (output != NULL && g_str_equal (output, "-"))
            ok = lp_folded_write_fd (folded, 1, &error);
          else if (output != NULL || storer == NULL)
            {
              if (output == NULL)
                output = g_strdup_printf ("laprof-%s-%d.folded",
                                          lp_sampler_get_command (sampler) ? lp_sampler_get_command (sampler) : "process",
                                          (int) lp_sampler_get_pid (sampler));
              ok = lp_folded_save (folded, output, &error);
              if (ok && !quiet)
                fprintf (stderr, _("laprof-cli record: wrote %s\n"), output);
            }
        }
      if (!ok)
        lp_cli_error ("record", "%s", error->message);
      ok = ok && stored;
    }

  if (!quiet)
    print_summary (&st, opts.mode);

  /* a launched command keeps running after a stop; wait for it, it owns our
   * terminal. But when the reader of the stream has gone (the window was
   * closed or killed), nobody is left to stop it: end it as a closed
   * terminal would. */
  if (command != NULL && out.broken)
    kill (lp_sampler_get_pid (sampler), SIGTERM);
  if (command != NULL)
    {
      have_child_status = lp_sampler_wait_child (sampler, &child_status);
      if (have_child_status && !quiet)
        {
          g_autofree char *how = describe_status (child_status);
          fprintf (stderr, _("laprof-cli record: %s %s\n"), command[0], how);
        }
    }
  else if (st.target_exited && !quiet)
    fprintf (stderr, _("laprof-cli record: process %d exited\n"), pid);

  /* the stop signals stay blocked: one still pending must not kill us now */
  g_string_free (out.buf, TRUE);
  return ok ? LP_CLI_EXIT_OK : LP_CLI_EXIT_ERROR;
}
