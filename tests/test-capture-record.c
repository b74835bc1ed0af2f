/* test-capture-record.c: captures of real recordings: each sample's time and thread where they were, a range that keeps one thread's work, a recording killed midway, the stream's capture lines, the commands' --from, --to and --tid.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-capture.h"
#include "lp-stream.h"
#include "test-engine-util.h"

static const char *cli;
static const char *target;
static char *tmpdir;

typedef struct
{
  char    who;         /* 'a' or 'b' */
  gint64  tid;
  gint64  start_us;    /* CLOCK_REALTIME */
  gint64  end_us;
} Turn;

/* the turns the target printed */
static GArray *
parse_turns (const char *out)
{
  GArray *turns = g_array_new (FALSE, FALSE, sizeof (Turn));
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      Turn t;
      char who;
      long long tid, start, end;

      if (sscanf (lines[i], "turn %c %lld %lld %lld", &who, &tid, &start, &end) == 4)
        {
          t.who = who;
          t.tid = tid;
          t.start_us = start;
          t.end_us = end;
          g_array_append_val (turns, t);
        }
    }
  return turns;
}

static int
run_cli (char **out,
         char **err,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) cli);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return status;
}

/* TRUE if stack @index of @folded has a frame @name */
static gboolean
stack_has (LpFolded   *folded,
           guint       index,
           const char *name)
{
  LpFoldedStack st;

  lp_folded_get_stack (folded, index, &st);
  for (guint d = 0; d < st.depth; d++)
    if (strcmp (lp_folded_frame_name (folded, st.frames[d]), name) == 0)
      return TRUE;
  return FALSE;
}

static guint
thread_named (LpCapture  *capture,
              const char *name)
{
  for (guint i = 0; i < lp_capture_get_n_threads (capture); i++)
    if (g_strcmp0 (lp_capture_get_thread (capture, i)->name, name) == 0)
      return i;
  return G_MAXUINT;
}

static void
test_turns (gconstpointer data)
{
  const char *mode = data;
  g_autofree char *path = g_build_filename (tmpdir, "turns.laprof", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LpCapture) capture = NULL;
  g_autoptr(GArray) turns = NULL;
  LpFolded *folded;
  const LpCaptureInfo *info;
  const LpCaptureSample *samples;
  const double period = 0.005;
  const gint64 slack_ns = 2 * period * 1e9;   /* two periods */
  guint threads[2];
  int status;

  status = run_cli (&out, &err, "record", "--mode", mode, "-F", "200", "-o", path, "--",
                    target, "4", "0.4", NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  turns = parse_turns (out);
  g_assert_cmpuint (turns->len, ==, 4);

  capture = lp_capture_load (path, &error);
  g_assert_no_error (error);
  info = lp_capture_get_info (capture);
  folded = lp_capture_get_folded (capture);
  samples = lp_capture_get_samples (capture);
  g_assert_true (info->complete);
  g_assert_cmpstr (info->mode, ==, mode);
  g_assert_cmpstr (info->end_reason, ==, "exited");
  g_assert_cmpint (info->exit_status, ==, 0);
  g_assert_cmpfloat (info->period, ==, period);
  g_assert_cmpint (info->start_unix_us, >, 0);

  /* the threads, by name and tid */
  threads[0] = thread_named (capture, "turn-a");
  threads[1] = thread_named (capture, "turn-b");
  g_assert_cmpuint (threads[0], !=, G_MAXUINT);
  g_assert_cmpuint (threads[1], !=, G_MAXUINT);
  for (guint i = 0; i < turns->len; i++)
    {
      const Turn *t = &g_array_index (turns, Turn, i);

      g_assert_cmpint (lp_capture_get_thread (capture, threads[t->who - 'a'])->tid, ==, t->tid);
    }
  /* their lives: seen to end, after their last sample */
  for (guint i = 0; i < 2; i++)
    {
      const LpCaptureThread *t = lp_capture_get_thread (capture, threads[i]);

      g_assert_cmpuint (t->end_ns, !=, LP_CAPTURE_TIME_NONE);
      g_assert_cmpuint (t->end_ns, >=, t->last_ns);
    }

  /* every sample in a busy function is its thread's, and in one of its
   * turns (within two periods): all of them, but for wall mode's samples
   * of waiting for a CPU, which are placed at the time of the code they
   * waited in as the engine knows it (its last sample on a CPU) and may
   * come a little after a turn when the machine is busy (1 of 8 runs
   * with two builds beside it had 2 such samples 30 ms late) */
  {
    double inside_weight = 0, outside_weight = 0;

    for (guint64 k = 0; k < lp_capture_get_n_samples (capture); k++)
      {
        const LpCaptureSample *s = &samples[k];
        gint64 at_ns = (gint64) s->time_ns + info->start_unix_us * 1000;
        char who = stack_has (folded, s->stack, "busy_a") ? 'a' : stack_has (folded, s->stack, "busy_b") ? 'b' : 0;
        gboolean inside = FALSE;

        if (who == 0)
          continue;
        g_assert_cmpuint (s->thread, ==, threads[who - 'a']);
        for (guint i = 0; i < turns->len; i++)
          {
            const Turn *t = &g_array_index (turns, Turn, i);

            if (t->who == who && at_ns >= t->start_us * 1000 - slack_ns && at_ns <= t->end_us * 1000 + slack_ns)
              inside = TRUE;
          }
        if (inside)
          inside_weight += s->weight;
        else
          {
            outside_weight += s->weight;
            g_test_message ("%s mode: a sample of busy_%c at %.4f s (weight %u) is outside its thread's turns",
                            mode, who, s->time_ns / 1e9, s->weight);
          }
      }
    for (guint i = 0; i < turns->len; i++)
      {
        const Turn *t = &g_array_index (turns, Turn, i);

        g_test_message ("turn %c: %.4f to %.4f s", t->who, (t->start_us - info->start_unix_us) / 1e6,
                        (t->end_us - info->start_unix_us) / 1e6);
      }
    g_assert_cmpfloat (outside_weight, <=, g_str_equal (mode, "cpu") ? 0 : 0.03 * (inside_weight + outside_weight));
  }

  /* each turn, less two periods at each end, as a range: a flame graph of
   * the busy thread's function only, with most of the samples a turn has */
  for (guint i = 0; i < turns->len; i++)
    {
      const Turn *t = &g_array_index (turns, Turn, i);
      const char *busy = t->who == 'a' ? "busy_a" : "busy_b";
      const char *other = t->who == 'a' ? "busy_b" : "busy_a";
      LpCaptureFilter filter;
      g_autoptr(LpFolded) part = NULL;
      double in_busy = 0, on_cpu = 0;

      lp_capture_filter_all (&filter);
      filter.from_ns = (t->start_us - info->start_unix_us) * 1000 + slack_ns;
      filter.to_ns = (t->end_us - info->start_unix_us) * 1000 - slack_ns;
      part = lp_capture_select (capture, &filter, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < lp_folded_get_n_stacks (part); k++)
        {
          LpFoldedStack st;

          lp_folded_get_stack (part, k, &st);
          if (g_str_has_prefix (lp_folded_frame_name (part, st.frames[st.depth - 1]), "[idle"))
            continue;
          g_assert_false (stack_has (part, k, other));
          on_cpu += st.count;
          if (stack_has (part, k, busy))
            in_busy += st.count;
        }
      g_test_message ("turn %u (%c): %.0f samples in %s of %.0f on a CPU, %.0f expected",
                      i, t->who, in_busy, busy, on_cpu, (filter.to_ns - filter.from_ns) / 1e9 / period);
      g_assert_cmpfloat (in_busy, >=, 0.5 * (filter.to_ns - filter.from_ns) / 1e9 / period);
      /* the rest of what ran: the start of a turn, the engine's own
       * stops, never the other thread's work */
      g_assert_cmpfloat (in_busy, >=, 0.9 * on_cpu);
    }

  /* the bins: thread a's on-CPU samples fall in its turns */
  {
    const Turn *t = &g_array_index (turns, Turn, 1);   /* b's first turn */
    double on[1] = { 0 };
    guint64 from = (t->start_us - info->start_unix_us) * 1000 + slack_ns;
    guint64 to = (t->end_us - info->start_unix_us) * 1000 - slack_ns;

    lp_capture_bin (capture, threads[0], from, to - from, 1, on, NULL);
    g_assert_cmpfloat (on[0], <=, 2);
    on[0] = 0;
    lp_capture_bin (capture, threads[1], from, to - from, 1, on, NULL);
    g_assert_cmpfloat (on[0], >=, 0.5 * (to - from) / 1e9 / period);
  }
}

/* the commands choose a part of a capture: --from, --to, --tid */
static void
test_commands (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "commands.laprof", NULL);
  g_autofree char *part = g_build_filename (tmpdir, "part.folded", NULL);
  g_autofree char *folded_path = g_build_filename (tmpdir, "plain.folded", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_autoptr(GArray) turns = NULL;
  g_autofree char *from = NULL, *to = NULL, *tid = NULL;
  g_autoptr(LpCapture) capture = NULL;
  const Turn *t;
  int status;

  status = run_cli (&out, &err, "record", "-F", "200", "-o", path, "--", target, "2", "0.4", NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  turns = parse_turns (out);
  g_assert_cmpuint (turns->len, ==, 2);
  capture = lp_capture_load (path, NULL);
  g_assert_nonnull (capture);
  t = &g_array_index (turns, Turn, 1);   /* b's turn */
  from = g_strdup_printf ("%.3f", (t->start_us - lp_capture_get_info (capture)->start_unix_us) / 1e6 + 0.02);
  to = g_strdup_printf ("%.3f", (t->end_us - lp_capture_get_info (capture)->start_unix_us) / 1e6 - 0.02);
  tid = g_strdup_printf ("%" G_GINT64_FORMAT, t->tid);

  /* check summarizes it, with its threads */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "check", path, NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "valid capture"));
  g_assert_nonnull (strstr (out, "turn-a"));
  g_assert_nonnull (strstr (out, "turn-b"));

  /* merge of b's turn and thread: busy_b and nothing of busy_a */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "merge", "--from", from, "--to", to, "--tid", tid, path, "-o", part, NULL);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_true (g_file_get_contents (part, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "busy_b"));
  g_assert_null (strstr (text, "busy_a"));
  g_assert_null (strstr (text, "[idle"));   /* b was never blocked in its turn */

  /* an svg of the part */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "svg", "--tid", tid, path, NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "busy_b"));
  g_assert_null (strstr (out, "busy_a"));

  /* a thread it does not have; a range of a folded report */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "merge", "--tid", "999999999", path, NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_nonnull (strstr (err, "no thread 999999999"));
  g_assert_true (g_file_set_contents (folded_path, "prog;main;work 3\n", -1, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&out, &err, "svg", "--from", "1", folded_path, NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_nonnull (strstr (err, "laprof-cli record -o FILE.laprof"));
}

/* the engine killed while it records: the capture opens with what was
 * written */
static void
test_killed (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "killed.laprof", NULL);
  const char *args[] = { "record", "-F", "200", "-o", path, "--", target, "20", "0.5", NULL };
  g_autoptr(LpCapture) capture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  GPid engine;
  int fd, status;
  gint64 pid;

  engine = test_engine_spawn (cli, args, &fd);
  g_usleep (1500 * 1000);
  kill (engine, SIGKILL);
  g_assert_true (test_engine_wait_pid (engine, 10, &status));
  g_assert_true (WIFSIGNALED (status));
  close (fd);

  capture = lp_capture_load (path, &error);
  g_assert_no_error (error);
  g_assert_false (lp_capture_get_info (capture)->complete);
  g_test_message ("%" G_GUINT64_FORMAT " samples before the kill", lp_capture_get_n_samples (capture));
  g_assert_cmpuint (lp_capture_get_n_samples (capture), >=, 100);
  g_assert_cmpuint (thread_named (capture, "turn-a"), !=, G_MAXUINT);

  status = run_cli (&out, &err, "check", path, NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "cut short"));

  /* the target lives on (never left stopped): end it */
  pid = lp_capture_get_info (capture)->pid;
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
}

typedef struct
{
  LpCaptureReader *reader;
  double           stack_total;
  guint            blocks;
  guint64          end_samples;
} StreamSeen;

static void
on_event (const LpStreamEvent *ev,
          gpointer             data)
{
  StreamSeen *seen = data;
  g_autoptr(GError) error = NULL;

  if (ev->type == LP_STREAM_EVENT_STACK)
    seen->stack_total += ev->count;
  else if (ev->type == LP_STREAM_EVENT_END)
    seen->end_samples = ev->samples;
  else if (ev->type == LP_STREAM_EVENT_CAPTURE)
    {
      seen->blocks++;
      g_assert_true (lp_capture_reader_feed_block (seen->reader, ev->data, ev->data_len, &error));
      g_assert_no_error (error);
    }
}

/* the stream carries the capture, batch by batch */
static void
test_stream (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(LpCapture) capture = lp_capture_new ();
  g_autoptr(LpStreamParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  StreamSeen seen = { 0 };
  int status;

  seen.reader = lp_capture_reader_new (capture);
  status = run_cli (&out, &err, "record", "--stream", "-F", "200", "--", target, "4", "0.25", NULL);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  parser = lp_stream_parser_new (NULL, on_event, &seen);
  g_assert_true (lp_stream_parser_feed (parser, out, strlen (out), &error));
  g_assert_true (lp_stream_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.blocks, >=, 4);   /* one a batch with samples, 5 a second */
  g_assert_cmpfloat (seen.stack_total, >, 100);
  g_assert_cmpfloat (lp_folded_get_total (lp_capture_get_folded (capture)), ==, seen.stack_total);
  g_assert_cmpuint (lp_capture_get_n_samples (capture), >, 0);
  g_assert_cmpuint (thread_named (capture, "turn-b"), !=, G_MAXUINT);
  lp_capture_reader_free (seen.reader);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  test_engine_programs (&cli, &target);
  target = g_getenv ("CAPTURE_TARGET");
  tmpdir = g_dir_make_tmp ("laprof-capture-XXXXXX", NULL);

  g_test_add_data_func ("/capture-record/turns/wall", "wall", test_turns);
  g_test_add_data_func ("/capture-record/turns/cpu", "cpu", test_turns);
  g_test_add_func ("/capture-record/commands", test_commands);
  g_test_add_func ("/capture-record/killed", test_killed);
  g_test_add_func ("/capture-record/stream", test_stream);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    status |= system (cmd) != 0;
  }
  g_free (tmpdir);
  return status;
}
