/* lp-recorder.c: the engine as a subprocess, its stream parsed without blocking.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "lp-recorder.h"

#define CHUNK (64 * 1024)

struct _LpRecorder
{
  GObject          parent_instance;

  LpFolded        *dest;
  LpStreamParser  *parser;
  LpCaptureReader *capture_reader; /* the stream's #capture blocks into the caller's capture */
  GSubprocess     *process;
  GCancellable    *cancellable;
  GDataInputStream *errors;

  gboolean         stdout_done;
  gboolean         process_done;
  gboolean         ended_emitted;
  gboolean         failed;
  char            *end_reason;
  int              end_status;

  double           time;
  guint64          samples;
  guint64          lost;
  guint            n_batches;
  int              pid;
  char            *command;
  char            *mode;         /* from the header: "wall" or "cpu" */
  double           period;       /* from the header: seconds */
  gboolean         python_on;    /* the last #python line: Python frames shown */
  char            *python_text;  /* and what it said, or NULL before one came */
  GArray          *debuginfo;    /* DebugFile: debug files the engine fetches */
  char            *debuginfo_text;
  FILE            *tee;          /* a copy of the raw stream, or NULL */
  gboolean         launched;     /* the target is the engine's child */
  gboolean         stopping;     /* stop was asked */
  gboolean         cancelled;    /* lp_recorder_cancel(): nobody listens any more */
  guint            kill_id;      /* after a cancel: the engine's last chance */
  GApplication    *held;         /* held until the engine is gone, after a cancel */
};

G_DEFINE_FINAL_TYPE (LpRecorder, lp_recorder, G_TYPE_OBJECT)

enum
{
  STACK,
  BATCH,
  OUTPUT,
  FAILED,
  ENDED,
  PYTHON,
  DEBUGINFO,
  N_SIGNALS
};

/* A debug file the engine asked of debuginfod, as its #debuginfo lines
 * tell */
typedef struct
{
  char   *module;
  char   *state;
  gint64  bytes;
  gint64  size;
  char   *error;
} DebugFile;

static void
debug_file_clear (gpointer data)
{
  DebugFile *f = data;

  g_free (f->module);
  g_free (f->state);
  g_free (f->error);
}

static guint signals[N_SIGNALS];

char *
lp_recorder_find_cli (void)
{
  const char *env = g_getenv ("LAPROF_CLI");
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      /* the build tree: app/gtk/laprof beside app/cli/laprof-cli */
      g_autofree char *built = g_build_filename (dir, "..", "cli", "laprof-cli", NULL);
      g_autofree char *beside = g_build_filename (dir, "laprof-cli", NULL);

      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_find_program_in_path ("laprof-cli");
}

/* TRUE if @pid is alive and not a zombie */
static gboolean
process_alive (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *close_paren;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  close_paren = strrchr (text, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] != 'Z' && close_paren[2] != 'X';
}

static void
maybe_emit_ended (LpRecorder *self)
{
  if (self->ended_emitted || !self->stdout_done || !self->process_done)
    return;
  self->ended_emitted = TRUE;

  /* a program launched for the recording does not outlive it, as it would
   * not outlive Ctrl-C in a terminal */
  if (self->launched && self->stopping && self->pid > 0 && process_alive (self->pid))
    kill (self->pid, SIGTERM);
  if (self->cancelled)
    {
      /* nobody listens: the engine is gone, let the application go too */
      g_clear_handle_id (&self->kill_id, g_source_remove);
      if (self->held != NULL)
        g_application_release (self->held);
      g_clear_object (&self->held);
      return;
    }
  /* a stop the user asked for is a stop, also when the launched program
   * died of the interrupt before the engine saw the request */
  if (self->stopping && g_strcmp0 (self->end_reason, "exited") == 0)
    {
      g_free (self->end_reason);
      self->end_reason = g_strdup ("stopped");
      self->end_status = -1;
    }
  if (self->end_reason == NULL)
    {
      /* the engine died before its end line */
      if (!self->failed)
        {
          self->failed = TRUE;
          g_signal_emit (self, signals[FAILED], 0,
                         _("The recording engine stopped unexpectedly; the samples read so far are kept."));
        }
      self->end_reason = g_strdup ("error");
      self->end_status = -1;
    }
  g_signal_emit (self, signals[ENDED], 0, self->end_reason, self->end_status);
}


/* What the engine's debug files are doing, in a sentence: those still
 * coming and how far, or how many came and why some did not */
static char *
describe_debuginfo (GArray *files)
{
  const DebugFile *coming = NULL;
  guint n_coming = 0, n_done = 0, n_failed = 0;
  const DebugFile *failed = NULL;

  for (guint i = 0; i < files->len; i++)
    {
      const DebugFile *f = &g_array_index (files, DebugFile, i);

      if (g_str_equal (f->state, "pending") || g_str_equal (f->state, "fetching"))
        {
          n_coming++;
          if (coming == NULL || g_str_equal (f->state, "fetching"))
            coming = f;
        }
      else if (g_str_equal (f->state, "done"))
        n_done++;
      else
        {
          n_failed++;
          failed = f;
        }
    }
  if (coming != NULL && coming->size > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Fetching debug information for %s from debuginfod: %.1f of %.1f MB (%u file to go)",
                                         "Fetching debug information for %s from debuginfod: %.1f of %.1f MB (%u files to go)",
                                         n_coming),
                            coming->module, coming->bytes / 1e6, coming->size / 1e6, n_coming);
  if (coming != NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Fetching debug information for %s from debuginfod (%u file to go)",
                                         "Fetching debug information for %s from debuginfod (%u files to go)",
                                         n_coming),
                            coming->module, n_coming);
  if (failed != NULL)
    return g_strdup_printf (_("Debug information: %u of %u files fetched; none for %s: %s"), n_done,
                            n_done + n_failed, failed->module, failed->error ? failed->error : failed->state);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Debug information: %u file fetched from debuginfod",
                                       "Debug information: %u files fetched from debuginfod", n_done),
                          n_done);
}

static void
debuginfo_event (LpRecorder          *self,
                 const LpStreamEvent *event)
{
  DebugFile *file = NULL;

  if (self->debuginfo == NULL)
    {
      self->debuginfo = g_array_new (FALSE, TRUE, sizeof (DebugFile));
      g_array_set_clear_func (self->debuginfo, debug_file_clear);
    }
  for (guint i = 0; i < self->debuginfo->len && file == NULL; i++)
    if (g_str_equal (g_array_index (self->debuginfo, DebugFile, i).module, event->module))
      file = &g_array_index (self->debuginfo, DebugFile, i);
  if (file == NULL)
    {
      g_array_set_size (self->debuginfo, self->debuginfo->len + 1);
      file = &g_array_index (self->debuginfo, DebugFile, self->debuginfo->len - 1);
      file->module = g_strdup (event->module);
    }
  g_free (file->state);
  file->state = g_strdup (event->state);
  file->bytes = event->bytes;
  file->size = event->size;
  g_free (file->error);
  file->error = g_strdup (event->message);
  g_free (self->debuginfo_text);
  self->debuginfo_text = describe_debuginfo (self->debuginfo);
  g_signal_emit (self, signals[DEBUGINFO], 0, self->debuginfo_text);
}

static void
stream_event_cb (const LpStreamEvent *event,
                 gpointer             user_data)
{
  LpRecorder *self = user_data;

  switch (event->type)
    {
    case LP_STREAM_EVENT_HEADER:
      self->pid = (int) event->pid;
      g_free (self->command);
      self->command = g_strdup (event->command);
      g_free (self->mode);
      self->mode = g_strdup (event->mode);
      self->period = event->period;
      break;
    case LP_STREAM_EVENT_STACK:
      g_signal_emit (self, signals[STACK], 0, event);
      break;
    case LP_STREAM_EVENT_BATCH:
      self->time = event->time;
      self->samples += event->samples;
      self->lost += event->lost;
      self->n_batches++;
      g_signal_emit (self, signals[BATCH], 0, event->time, event->samples, event->lost);
      break;
    case LP_STREAM_EVENT_ERROR:
      self->failed = TRUE;
      g_signal_emit (self, signals[FAILED], 0, event->message);
      break;
    case LP_STREAM_EVENT_END:
      self->time = event->time;
      self->samples = event->samples;
      self->lost = event->lost;
      g_free (self->end_reason);
      self->end_reason = g_strdup (event->reason);
      self->end_status = event->status;
      break;
    case LP_STREAM_EVENT_CAPTURE:
      if (self->capture_reader != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!lp_capture_reader_feed_block (self->capture_reader, event->data, event->data_len, &error))
            {
              /* the graph goes on from the stack lines; the timeline stops */
              g_autofree char *line = g_strdup_printf (_("laprof: the recording's times could not be read "
                                                         "(the timeline stops here): %s"), error->message);

              g_clear_pointer (&self->capture_reader, lp_capture_reader_free);
              g_signal_emit (self, signals[OUTPUT], 0, line);
            }
        }
      break;
    case LP_STREAM_EVENT_DEBUGINFO:
      debuginfo_event (self, event);
      break;
    case LP_STREAM_EVENT_PYTHON:
      self->python_on = event->status == 1;
      g_free (self->python_text);
      self->python_text = g_strdup (event->message != NULL ? event->message : "");
      g_signal_emit (self, signals[PYTHON], 0, self->python_on, self->python_text);
      break;
    default:
      break;
    }
}

static void read_stdout (LpRecorder *self);

static void
stdout_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LpRecorder) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len;
  const char *data;

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->cancelled)
        g_signal_emit (self, signals[FAILED], 0, error->message);
      self->stdout_done = TRUE;
      maybe_emit_ended (self);
      return;
    }

  data = g_bytes_get_data (bytes, &len);
  if (self->cancelled)
    {
      /* drained, so that the engine never blocks on a full pipe */
      if (len == 0)
        {
          self->stdout_done = TRUE;
          maybe_emit_ended (self);
        }
      else
        read_stdout (self);
      return;
    }
  if (len == 0)
    {
      if (!lp_stream_parser_finish (self->parser, &error) && !self->failed)
        {
          self->failed = TRUE;
          g_signal_emit (self, signals[FAILED], 0, error->message);
        }
      self->stdout_done = TRUE;
      if (self->tee != NULL)
        fflush (self->tee);
      maybe_emit_ended (self);
      return;
    }
  if (self->tee != NULL)
    fwrite (data, 1, len, self->tee);
  if (!lp_stream_parser_feed (self->parser, data, len, &error))
    {
      self->failed = TRUE;
      g_signal_emit (self, signals[FAILED], 0, error->message);
      lp_recorder_stop (self);
    }
  read_stdout (self);
}

static void
read_stdout (LpRecorder *self)
{
  g_input_stream_read_bytes_async (g_subprocess_get_stdout_pipe (self->process), CHUNK,
                                   G_PRIORITY_DEFAULT, self->cancellable,
                                   stdout_read_cb, g_object_ref (self));
}

static void
stderr_line_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LpRecorder) self = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);

  if (line == NULL)
    return;
  if (!self->cancelled)
    g_signal_emit (self, signals[OUTPUT], 0, line);
  g_data_input_stream_read_line_async (self->errors, G_PRIORITY_DEFAULT, self->cancellable,
                                       stderr_line_cb, g_object_ref (self));
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LpRecorder) self = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  self->process_done = TRUE;
  maybe_emit_ended (self);
}

static gboolean
start (LpRecorder               *self,
       GPtrArray                *args,
       const char               *directory,
       const LpRecorderOptions  *options,
       GError                  **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  g_return_val_if_fail (self->process == NULL, FALSE);

  g_ptr_array_add (args, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (directory != NULL)
    g_subprocess_launcher_set_cwd (launcher, directory);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
  if (self->process == NULL)
    return FALSE;

  self->parser = lp_stream_parser_new (self->dest, stream_event_cb, self);
  self->cancellable = g_cancellable_new ();
  self->errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (self->process));
  read_stdout (self);
  g_data_input_stream_read_line_async (self->errors, G_PRIORITY_DEFAULT, self->cancellable,
                                       stderr_line_cb, g_object_ref (self));
  g_subprocess_wait_async (self->process, NULL, wait_cb, g_object_ref (self));
  return TRUE;
}

static GPtrArray *
base_args (const LpRecorderOptions *options,
           GError                 **error)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cli = lp_recorder_find_cli ();

  if (cli == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("laprof-cli, the recording engine, was not found. Install laprof, "
                     "or set LAPROF_CLI to its path."));
      g_ptr_array_unref (args);
      return NULL;
    }
  if (options->use_pkexec)
    g_ptr_array_add (args, g_strdup ("pkexec"));
  g_ptr_array_add (args, g_steal_pointer (&cli));
  g_ptr_array_add (args, g_strdup ("record"));
  g_ptr_array_add (args, g_strdup ("--stream"));
  g_ptr_array_add (args, g_strdup ("-q"));
  g_ptr_array_add (args, g_strdup_printf ("--frequency=%u", MAX (options->frequency, 1)));
  g_ptr_array_add (args, g_strdup (options->cpu_mode ? "--mode=cpu" : "--mode=wall"));
  g_ptr_array_add (args, g_strdup (options->idle ? "--idle" : "--no-idle"));
  return args;
}

gboolean
lp_recorder_start_attach (LpRecorder               *self,
                          int                       pid,
                          const LpRecorderOptions  *options,
                          GError                  **error)
{
  g_autoptr(GPtrArray) args = base_args (options, error);

  g_return_val_if_fail (LP_IS_RECORDER (self), FALSE);
  if (args == NULL)
    return FALSE;
  g_ptr_array_add (args, g_strdup_printf ("--pid=%d", pid));
  self->pid = pid;
  return start (self, args, NULL, options, error);
}

gboolean
lp_recorder_start_launch (LpRecorder               *self,
                          const char * const       *argv,
                          const char               *directory,
                          const LpRecorderOptions  *options,
                          GError                  **error)
{
  g_autoptr(GPtrArray) args = base_args (options, error);

  g_return_val_if_fail (LP_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);
  if (args == NULL)
    return FALSE;
  g_ptr_array_add (args, g_strdup ("--"));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  self->command = g_strjoinv (" ", (char **) argv);
  self->launched = TRUE;
  return start (self, args, directory, options, error);
}

void
lp_recorder_set_capture (LpRecorder *self,
                         LpCapture  *dest)
{
  g_return_if_fail (LP_IS_RECORDER (self));

  g_clear_pointer (&self->capture_reader, lp_capture_reader_free);
  if (dest != NULL)
    self->capture_reader = lp_capture_reader_new (dest);
}

gboolean
lp_recorder_set_tee_file (LpRecorder  *self,
                          const char  *path,
                          GError     **error)
{
  g_return_val_if_fail (LP_IS_RECORDER (self), FALSE);

  g_clear_pointer (&self->tee, fclose);
  self->tee = fopen (path, "w");
  if (self->tee == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

void
lp_recorder_stop (LpRecorder *self)
{
  g_return_if_fail (LP_IS_RECORDER (self));

  /* SIGINT, as Ctrl-C in a terminal: the engine detaches and writes its
   * end line; a program it launched gets it too, as the terminal's whole
   * process group would */
  self->stopping = TRUE;
  if (self->process != NULL && !self->process_done)
    {
      if (self->launched && self->pid > 0)
        kill (self->pid, SIGINT);
      g_subprocess_send_signal (self->process, SIGINT);
    }
}

/* the engine had its chance to stop: end it, and the program it launched */
static gboolean
kill_timeout_cb (gpointer user_data)
{
  LpRecorder *self = user_data;

  self->kill_id = 0;
  if (self->launched && self->pid > 0 && process_alive (self->pid))
    kill (self->pid, SIGKILL);
  if (self->process != NULL && !self->process_done)
    g_subprocess_force_exit (self->process);
  return G_SOURCE_REMOVE;
}

void
lp_recorder_cancel (LpRecorder *self)
{
  g_return_if_fail (LP_IS_RECORDER (self));

  if (self->cancelled)
    return;
  self->cancelled = TRUE;
  /* the parser writes into the caller's report and capture: no more of that */
  g_clear_pointer (&self->parser, lp_stream_parser_free);
  g_clear_pointer (&self->capture_reader, lp_capture_reader_free);
  if (self->process == NULL || self->ended_emitted)
    return;
  lp_recorder_stop (self);
  if (self->process_done && self->stdout_done)
    return;
  /* the reads in flight keep this object alive until the engine is gone;
   * the application waits for it, so that closing the last window never
   * leaves an engine or a launched program behind */
  self->held = g_application_get_default ();
  if (self->held != NULL)
    {
      g_object_ref (self->held);
      g_application_hold (self->held);
    }
  self->kill_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 3, kill_timeout_cb,
                                              g_object_ref (self), g_object_unref);
}

gboolean
lp_recorder_is_running (LpRecorder *self)
{
  return self->process != NULL && !self->ended_emitted;
}

double
lp_recorder_get_time (LpRecorder *self)
{
  return self->time;
}

guint64
lp_recorder_get_samples (LpRecorder *self)
{
  return self->samples;
}

guint64
lp_recorder_get_lost (LpRecorder *self)
{
  return self->lost;
}

guint
lp_recorder_get_n_batches (LpRecorder *self)
{
  return self->n_batches;
}

int
lp_recorder_get_pid (LpRecorder *self)
{
  return self->pid;
}

const char *
lp_recorder_get_command (LpRecorder *self)
{
  return self->command;
}

const char *
lp_recorder_get_mode (LpRecorder *self)
{
  return self->mode;
}

double
lp_recorder_get_period (LpRecorder *self)
{
  return self->period;
}

gboolean
lp_recorder_get_python (LpRecorder  *self,
                        const char **text)
{
  g_return_val_if_fail (LP_IS_RECORDER (self), FALSE);
  if (text != NULL)
    *text = self->python_text;
  return self->python_on;
}

gboolean
lp_recorder_is_launch (LpRecorder *self)
{
  return self->launched;
}

static void
lp_recorder_dispose (GObject *object)
{
  LpRecorder *self = LP_RECORDER (object);

  /* with reads in flight this object lives on (they hold it), so here the
   * engine has ended, or never started; this is for a recorder whose owner
   * drops it without a cancel (a test, a failed start) */
  if (self->process != NULL && !self->process_done)
    g_subprocess_send_signal (self->process, SIGINT);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->kill_id, g_source_remove);
  if (self->held != NULL)
    g_application_release (self->held);
  g_clear_object (&self->held);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->errors);
  g_clear_object (&self->process);
  G_OBJECT_CLASS (lp_recorder_parent_class)->dispose (object);
}

static void
lp_recorder_finalize (GObject *object)
{
  LpRecorder *self = LP_RECORDER (object);

  g_clear_pointer (&self->parser, lp_stream_parser_free);
  g_clear_pointer (&self->capture_reader, lp_capture_reader_free);
  g_clear_pointer (&self->tee, fclose);
  g_free (self->end_reason);
  g_free (self->command);
  g_free (self->mode);
  g_free (self->python_text);
  g_clear_pointer (&self->debuginfo, g_array_unref);
  g_free (self->debuginfo_text);
  G_OBJECT_CLASS (lp_recorder_parent_class)->finalize (object);
}

static void
lp_recorder_class_init (LpRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lp_recorder_dispose;
  object_class->finalize = lp_recorder_finalize;

  signals[STACK] = g_signal_new ("stack", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[BATCH] = g_signal_new ("batch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 3,
                                 G_TYPE_DOUBLE, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[OUTPUT] = g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  signals[PYTHON] = g_signal_new ("python", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
  /* debuginfod: a sentence of how far the engine's debug files are */
  signals[DEBUGINFO] = g_signal_new ("debuginfo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lp_recorder_init (LpRecorder *self)
{
  self->end_status = -1;
}

LpRecorder *
lp_recorder_new (LpFolded *dest)
{
  LpRecorder *self;

  g_return_val_if_fail (dest != NULL, NULL);

  self = g_object_new (LP_TYPE_RECORDER, NULL);
  self->dest = dest;
  return self;
}

int
lp_recorder_get_engine_pid (LpRecorder *self)
{
  const char *id;

  g_return_val_if_fail (LP_IS_RECORDER (self), 0);
  if (self->process == NULL || self->process_done)
    return 0;
  id = g_subprocess_get_identifier (self->process);
  return id != NULL ? atoi (id) : 0;
}

const char *
lp_recorder_get_debuginfo (LpRecorder *self)
{
  return self->debuginfo_text;
}
