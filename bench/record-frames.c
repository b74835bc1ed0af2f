/* record-frames.c: the seed's record_frames, native: the demo handler's raw snapshots at a 1 ms period, to a file.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts bench/demo-server, launches bench/demo-handler --url … under the
 * engine (wall mode, every thread, the period given) and writes every
 * snapshot the engine takes — one per thread per tick, unwound and
 * symbolized, as lp_sampler_set_snapshot_func() hands it over just before
 * the collapse — as one line:
 *
 *   TIME TID FLAGS frame;frame;…;leaf
 *
 * TIME in seconds since the start, FLAGS "-" or any of i (idle: blocked in
 * a system call), t (truncated), r (reused: a blocked thread that had not
 * run since, counted without a stop). Frame names may hold spaces, never
 * ';'. The first line is a "#" comment. bench/process-frames replays it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "lp-bench-util.h"
#include "lp-sampler.h"

typedef struct
{
  LpFolded *folded;
  GString  *out;
  guint64   count;
  guint64   idle;
} Recorder;

static void
on_snapshot (LpSampler               *sampler,
             const LpSamplerSnapshot *snapshot,
             gpointer                 user_data)
{
  Recorder *rec = user_data;
  char flags[4];
  guint n = 0;

  if (snapshot->idle)
    flags[n++] = 'i';
  if (snapshot->truncated)
    flags[n++] = 't';
  if (snapshot->reused)
    flags[n++] = 'r';
  if (n == 0)
    flags[n++] = '-';
  flags[n] = '\0';
  g_string_append_printf (rec->out, "%.6f %d %s ", snapshot->time, (int) snapshot->tid, flags);
  for (guint i = 0; i < snapshot->depth; i++)
    {
      if (i > 0)
        g_string_append_c (rec->out, ';');
      g_string_append (rec->out, lp_folded_frame_name (rec->folded, snapshot->frames[i]));
    }
  g_string_append_c (rec->out, '\n');
  rec->count++;
  rec->idle += snapshot->idle;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpSampler) sampler = NULL;
  g_autofree char *output = NULL;
  g_autofree char *server_path = NULL;
  g_autofree char *handler_path = NULL;
  g_autofree char *server_opt = NULL;
  g_autofree char *handler_opt = NULL;
  g_autofree char *url = NULL;
  g_autofree char *scale_text = NULL;
  char scale_buf[G_ASCII_DTOSTR_BUF_SIZE];
  double period = 0.001, scale = 1.0, t0, elapsed;
  LpSamplerOptions opts = { 0 };
  LpSamplerStats st;
  Recorder rec = { 0 };
  guint16 port = 0;
  GPid server;
  int status = 0;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the snapshots to FILE (default frames.txt)", "FILE" },
    { "period", 0, 0, G_OPTION_ARG_DOUBLE, &period, "Seconds between samples (default 0.001)", "SECONDS" },
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &scale, "The handler's --scale: 1 is the seed's 3 s + 3 s + 3 s (default 1)", "FACTOR" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_opt, "The demo server (default: demo-server beside this program)", "PATH" },
    { "handler", 0, 0, G_OPTION_ARG_FILENAME, &handler_opt, "The demo handler (default: demo-handler beside this program)", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("— record the demo handler's raw snapshots for process-frames");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "record-frames: %s\n", error->message);
      return 2;
    }
  if (period < 0.0001 || scale <= 0)
    {
      fprintf (stderr, "record-frames: --period must be at least 0.0001 and --scale positive\n");
      return 2;
    }
  if (output == NULL)
    output = g_strdup ("frames.txt");
  server_path = lp_bench_program_path (server_opt ? server_opt : "demo-server");
  handler_path = lp_bench_program_path (handler_opt ? handler_opt : "demo-handler");

  server = lp_bench_demo_server_start (server_path, 3.0 * scale, &port, &error);
  if (server == 0)
    {
      fprintf (stderr, "record-frames: could not start the demo server: %s\n", error->message);
      return 1;
    }
  url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_ascii_formatd (scale_buf, sizeof scale_buf, "%g", scale);

  opts.mode = LP_SAMPLER_MODE_WALL;
  opts.period = period;
  opts.idle = TRUE;
  folded = lp_folded_new ();
  sampler = lp_sampler_new (&opts, folded);
  rec.folded = folded;
  rec.out = g_string_sized_new (4 << 20);
  g_string_append_printf (rec.out, "# laprof snapshots 1: TIME TID FLAGS STACK; %s --scale %s --url %s, period %g s\n",
                          handler_path, scale_buf, url, period);
  lp_sampler_set_snapshot_func (sampler, on_snapshot, &rec);

  {
    char *handler_argv[] = { handler_path, "--scale", scale_buf, "--url", url, NULL };

    t0 = lp_bench_now ();
    ok = lp_sampler_launch (sampler, handler_argv, &error) && lp_sampler_run (sampler, -1, &error);
    elapsed = lp_bench_now () - t0;
  }
  if (ok && lp_sampler_wait_child (sampler, &status) && !(WIFEXITED (status) && WEXITSTATUS (status) == 0))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "the demo handler failed (wait status %d)", status);
      ok = FALSE;
    }
  lp_bench_demo_server_stop (server);
  if (!ok)
    {
      fprintf (stderr, "record-frames: %s\n", error->message);
      g_string_free (rec.out, TRUE);
      return 1;
    }
  if (!g_file_set_contents (output, rec.out->str, rec.out->len, &error))
    {
      fprintf (stderr, "record-frames: %s\n", error->message);
      g_string_free (rec.out, TRUE);
      return 1;
    }
  lp_sampler_get_stats (sampler, &st);
  printf ("Recorded %" G_GUINT64_FORMAT " frames (snapshots; %" G_GUINT64_FORMAT " of them idle) "
          "in %.2f s at a %g s period to %s (%.1f MB)\n",
          rec.count, rec.idle, elapsed, period, output, rec.out->len / 1e6);
  printf ("engine: %" G_GUINT64_FORMAT " samples, %" G_GUINT64_FORMAT " lost, %u threads, %u distinct stacks; "
          "per sample: unwind %.2f µs, symbolize %.2f µs, collapse %.2f µs\n",
          st.samples, st.lost_total, st.threads_seen, lp_folded_get_n_stacks (folded),
          st.samples ? st.unwind_ns / 1e3 / st.samples : 0, st.samples ? st.symbolize_ns / 1e3 / st.samples : 0,
          st.samples ? st.collapse_ns / 1e3 / st.samples : 0);
  g_string_free (rec.out, TRUE);
  return 0;
}
