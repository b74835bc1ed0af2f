/* test-python-reader.c: the Python frame reader against real interpreters
 * (Debian's python3.11 and pyenv's 3.10-3.13 when present) running
 * tests/python/reader-target.py, and against their memory corrupted.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gio/gio.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-python.h"

/* An interpreter the tests run, when this machine has it. */
typedef struct
{
  const char *label;
  guint       minor;
  const char *path;     /* fixed path, or NULL: the first pyenv 3.MINOR.* */
  char       *found;    /* the path found, NULL when absent */
} Interp;

static Interp interps[] = {
  { "debian-3.11", 11, "/usr/bin/python3.11", NULL },
  { "pyenv-3.10", 10, NULL, NULL },
  { "pyenv-3.11", 11, NULL, NULL },
  { "pyenv-3.12", 12, NULL, NULL },
  { "pyenv-3.13", 13, NULL, NULL },
};

static char *
pyenv_python (guint minor)
{
  g_autoptr(GDir) dir = g_dir_open ("/root/.pyenv/versions", 0, NULL);
  g_autofree char *prefix = g_strdup_printf ("3.%u.", minor);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *exe = g_strdup_printf ("/root/.pyenv/versions/%s/bin/python3.%u", name, minor);

      if (g_str_has_prefix (name, prefix) && g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&exe);
    }
  return NULL;
}

/* A running reader-target.py. */
typedef struct
{
  GSubprocess    *proc;
  GOutputStream  *in;
  pid_t           pid;
  GHashTable     *tids;    /* thread name -> tid */
  GHashTable     *lines;   /* marker -> line of the script */
  char           *script;
  const Interp   *interp;
  LpPythonTarget  target;
  LpPythonReader *reader;
} Target;

static GHashTable *
script_markers (const char *script)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (g_file_get_contents (script, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *m = strstr (lines[i], "# @");

      if (m != NULL)
        g_hash_table_insert (out, g_strdup (m + 3), GUINT_TO_POINTER (i + 1));
    }
  return out;
}

static Target *
target_start_script (const Interp *interp,
                     const char   *script,
                     guint         n_threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  Target *t = g_new0 (Target, 1);
  char *line;

  t->interp = interp;
  t->script = g_test_build_filename (G_TEST_DIST, "python", script, NULL);
  t->lines = script_markers (t->script);
  t->tids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              interp->found, t->script, NULL);
  g_assert_no_error (error);
  t->pid = atoi (g_subprocess_get_identifier (t->proc));
  t->in = g_object_ref (g_subprocess_get_stdin_pipe (t->proc));
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (t->proc));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, &error)) != NULL)
    {
      g_auto(GStrv) words = g_strsplit (line, " ", -1);
      gboolean ready = strcmp (line, "ready") == 0;

      if (g_strv_length (words) == 3 && strcmp (words[0], "thread") == 0)
        g_hash_table_insert (t->tids, g_strdup (words[1]), GINT_TO_POINTER (atoi (words[2])));
      g_free (line);
      if (ready)
        break;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (t->tids), ==, n_threads);

  g_assert_true (lp_python_find (t->pid, &t->target, &error));
  g_assert_no_error (error);
  t->reader = lp_python_reader_new (&t->target, lp_python_read_process, GINT_TO_POINTER (t->pid), &error);
  g_assert_no_error (error);
  return t;
}

static Target *
target_start (const Interp *interp)
{
  return target_start_script (interp, "reader-target.py", 9);
}

static void
target_stop (Target *t)
{
  g_output_stream_write_all (t->in, "\n", 1, NULL, NULL, NULL);
  g_output_stream_close (t->in, NULL, NULL);
  g_subprocess_wait (t->proc, NULL, NULL);
  g_clear_pointer (&t->reader, lp_python_reader_free);
  g_object_unref (t->in);
  g_object_unref (t->proc);
  g_hash_table_unref (t->tids);
  g_hash_table_unref (t->lines);
  g_free (t->script);
  g_free (t);
}

static pid_t
tid_of (Target     *t,
        const char *name)
{
  gpointer tid = g_hash_table_lookup (t->tids, name);

  g_assert_nonnull (tid);
  return GPOINTER_TO_INT (tid);
}

static gint32
line_of (Target     *t,
         const char *marker)
{
  gpointer line = g_hash_table_lookup (t->lines, marker);

  g_assert_nonnull (line);
  return GPOINTER_TO_INT (line);
}

/* The name a 3.10 gives for a qualified name (co_name, no qualname). */
static const char *
name_for (const Target *t,
          const char   *qualname)
{
  const char *dot = strrchr (qualname, '.');

  if (t->interp->minor == 10 && dot != NULL)
    return dot + 1;
  return qualname;
}

/* "name:line[E]" for each frame, for messages */
static char *
describe (LpPythonReader      *reader,
          const LpPythonFrame *frames,
          guint                n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const char *q, *f;

      if (n > 40 && i == 34)
        {
          g_string_append_printf (s, " / … %u frames …", n - 40);
          i = n - 6;
        }

      lp_python_reader_code_name (reader, frames[i].code, &q, &f);
      g_string_append_printf (s, "%s%s:%d%s%s", i ? " / " : "", q, frames[i].line,
                              frames[i].flags & LP_PYTHON_FRAME_ENTRY ? "[E]" : "",
                              frames[i].flags & LP_PYTHON_FRAME_UNREADABLE ? "[UNREADABLE]" : "");
    }
  return g_string_free (s, FALSE);
}

static guint
read_stack (Target        *t,
            const char    *thread,
            LpPythonFrame *frames,
            guint          max)
{
  guint n = lp_python_reader_stack (t->reader, tid_of (t, thread), frames, max);
  g_autofree char *text = describe (t->reader, frames, n);

  g_test_message ("%s %s: %s", t->interp->label, thread, text);
  return n;
}

/* frame @i runs @qualname at @marker's line of the script */
static void
assert_frame (Target              *t,
              const LpPythonFrame *frame,
              const char          *qualname,
              const char          *marker)
{
  const char *q, *f;

  g_assert_cmpuint (frame->code, >, 0);
  g_assert_false (frame->flags & LP_PYTHON_FRAME_UNREADABLE);
  lp_python_reader_code_name (t->reader, frame->code, &q, &f);
  g_assert_cmpstr (q, ==, name_for (t, qualname));
  if (marker != NULL)
    {
      g_assert_cmpstr (f, ==, t->script);
      g_assert_cmpint (frame->line, ==, line_of (t, marker));
    }
}

/* the frames of threading.Thread that start every thread, outermost last */
static void
assert_thread_base (Target              *t,
                    const LpPythonFrame *frames,
                    guint                n)
{
  const char *q, *f;

  g_assert_cmpuint (n, >=, 3);
  assert_frame (t, &frames[n - 3], "Thread.run", NULL);
  assert_frame (t, &frames[n - 2], "Thread._bootstrap_inner", NULL);
  assert_frame (t, &frames[n - 1], "Thread._bootstrap", NULL);
  lp_python_reader_code_name (t->reader, frames[n - 1].code, &q, &f);
  g_assert_true (g_str_has_suffix (f, "/threading.py"));
  g_assert_cmpint (frames[n - 1].line, >, 0);
  g_assert_true (frames[n - 1].flags & LP_PYTHON_FRAME_ENTRY);
}

static void
skip_absent (const Interp *interp)
{
  g_autofree char *msg = g_strdup_printf ("%s is not on this machine (%s)", interp->label,
                                          interp->path ? interp->path
                                                       : "no /root/.pyenv/versions/3.X.*/bin/python3.X");

  g_test_skip (msg);
}

/* a target on @interp, or NULL (the test skipped) when it is absent */
static Target *
target_start_or_skip (const Interp *interp)
{
  if (interp->found == NULL)
    {
      skip_absent (interp);
      return NULL;
    }
  return target_start (interp);
}

static void
test_find (gconstpointer data)
{
  const Interp *interp = data;
  char vbuf[32];
  Target *t;

  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  g_assert_cmpuint (t->target.version >> 16, ==, 0x0300 | interp->minor);
  g_assert_true (g_str_has_prefix (lp_python_version_string (t->target.version, vbuf),
                                   interp->minor == 10 ? "3.10." : interp->minor == 11 ? "3.11."
                                   : interp->minor == 12 ? "3.12." : "3.13."));
  g_assert_cmpuint (t->target.runtime, !=, 0);
  g_assert_cmpuint (t->target.runtime_size, >, 0);
  g_assert_cmpuint (t->target.code_type, !=, 0);
  g_assert_cmpuint (t->target.unicode_type, !=, 0);
  g_assert_cmpuint (t->target.bytes_type, !=, 0);
  g_assert_true (strstr (t->target.module, "python3.") != NULL);
  if (strcmp (interp->label, "debian-3.11") == 0)
    {
      /* the static non-PIE executable: symbols without a load bias */
      g_assert_cmpstr (t->target.module, ==, "/usr/bin/python3.11");
      g_assert_cmpuint (t->target.version, ==, 0x030b02f0);
    }
  else
    {
      /* pyenv's folder is named after the version: 3.10 has no Py_Version,
       * its micro version comes from the library's strings */
      g_autofree char *bin = g_path_get_dirname (interp->found);
      g_autofree char *root = g_path_get_dirname (bin);
      g_autofree char *folder = g_path_get_basename (root);

      g_assert_true (strstr (t->target.module, "/lib/libpython3.") != NULL);
      g_assert_cmpstr (lp_python_version_string (t->target.version, vbuf), ==, folder);
    }
  target_stop (t);
}

static void
test_stacks (gconstpointer data)
{
  const Interp *interp = data;
  LpPythonFrame frames[64];
  LpPythonStats stats;
  guint n;
  Target *t;

  if ((t = target_start_or_skip (interp)) == NULL)
    return;

  /* main: c b a <module>, one native eval call (3.10: one each); it
   * printed "ready" from c: wait until that print returned */
  for (guint i = 0; i < 100; i++)
    {
      const char *q;

      n = read_stack (t, "MainThread", frames, G_N_ELEMENTS (frames));
      lp_python_reader_code_name (t->reader, n ? frames[0].code : 0, &q, NULL);
      if (strcmp (q, "c") == 0)
        break;
      g_usleep (10000);
    }
  g_assert_cmpuint (n, ==, 4);
  assert_frame (t, &frames[0], "c", "c");
  assert_frame (t, &frames[1], "b", "b");
  assert_frame (t, &frames[2], "a", "a");
  assert_frame (t, &frames[3], "<module>", "main");
  g_assert_true (frames[3].flags & LP_PYTHON_FRAME_ENTRY);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (frames[i].flags & LP_PYTHON_FRAME_ENTRY, ==, interp->minor == 10 ? LP_PYTHON_FRAME_ENTRY : 0);

  n = read_stack (t, "sleepy", frames, G_N_ELEMENTS (frames));
  g_assert_cmpuint (n, ==, 4);
  assert_frame (t, &frames[0], "sleeper", "sleeper");
  assert_thread_base (t, frames, n);

  /* sorted() (C) calls the lambda: the lambda's group ends there */
  n = read_stack (t, "callback", frames, G_N_ELEMENTS (frames));
  g_assert_cmpuint (n, ==, 6);
  assert_frame (t, &frames[0], "key", "key");
  assert_frame (t, &frames[1], interp->minor == 10 ? "<lambda>" : "cb.<locals>.<lambda>", "cb");
  assert_frame (t, &frames[2], "cb", "cb");
  g_assert_true (frames[1].flags & LP_PYTHON_FRAME_ENTRY);
  g_assert_cmpuint (frames[0].flags & LP_PYTHON_FRAME_ENTRY, ==, interp->minor == 10 ? LP_PYTHON_FRAME_ENTRY : 0);
  /* Thread.run calls its target with CALL_FUNCTION_EX: through C up to
   * 3.11, inlined since 3.12 */
  g_assert_cmpint (!!(frames[2].flags & LP_PYTHON_FRAME_ENTRY), ==, interp->minor <= 11);
  assert_thread_base (t, frames, n);

  n = read_stack (t, "gen", frames, G_N_ELEMENTS (frames));
  g_assert_cmpuint (n, ==, 5);
  assert_frame (t, &frames[0], "gen", "gen");
  assert_frame (t, &frames[1], "g", "g");
  assert_thread_base (t, frames, n);

  /* coroutines: inner, outer, then asyncio's loop, run_async, Thread */
  n = read_stack (t, "async", frames, G_N_ELEMENTS (frames));
  g_assert_cmpuint (n, >, 6);
  assert_frame (t, &frames[0], "inner", "inner");
  assert_frame (t, &frames[1], "outer", "outer");
  assert_frame (t, &frames[n - 4], "run_async", "run_async");
  assert_thread_base (t, frames, n);

  /* 3.13 runs a warm __init__ under a cleanup frame of its own: not shown */
  n = read_stack (t, "boxes", frames, G_N_ELEMENTS (frames));
  g_assert_cmpuint (n, ==, 5);
  assert_frame (t, &frames[0], "Box.__init__", "box");
  assert_frame (t, &frames[1], "boxes", "boxes");
  assert_thread_base (t, frames, n);

  /* a thread that never ran Python */
  g_assert_cmpuint (lp_python_reader_stack (t->reader, getpid (), frames, G_N_ELEMENTS (frames)), ==, 0);
  lp_python_reader_get_stats (t->reader, &stats);
  g_assert_cmpuint (stats.walks, >=, 7);
  g_assert_cmpuint (stats.no_thread, ==, 1);
  g_assert_cmpuint (stats.unreadable, ==, 0);
  g_assert_cmpuint (stats.truncated, ==, 0);
  target_stop (t);
}

/* 500 calls deep: every frame, across the data-stack chunks; and cut at @max */
static void
test_deep (gconstpointer data)
{
  const Interp *interp = data;
  g_autofree LpPythonFrame *frames = g_new0 (LpPythonFrame, 2048);
  LpPythonStats stats;
  guint64 reads;
  guint32 deep_code;
  guint n;
  Target *t;

  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  n = read_stack (t, "deep", frames, 2048);
  g_assert_cmpuint (n, ==, 501 + 3);
  assert_frame (t, &frames[0], "deep", "deep-bottom");
  deep_code = frames[0].code;
  for (guint i = 1; i <= 500; i++)
    {
      g_assert_cmpuint (frames[i].code, ==, deep_code);
      g_assert_cmpint (frames[i].line, ==, line_of (t, "deep"));
    }
  assert_thread_base (t, frames, n);

  /* again, warm: the same, in 3 reads (3.10 too: its 504 frame objects
   * are read in one process_vm_readv) */
  lp_python_reader_get_stats (t->reader, &stats);
  reads = stats.reads;
  g_assert_cmpuint (lp_python_reader_stack (t->reader, tid_of (t, "deep"), frames, 2048), ==, 504);
  g_assert_cmpuint (frames[250].code, ==, deep_code);
  lp_python_reader_get_stats (t->reader, &stats);
  g_test_message ("%s deep: %" G_GUINT64_FORMAT " reads for a warm walk of 504 frames",
                  interp->label, stats.reads - reads);
  g_assert_cmpuint (stats.reads - reads, ==, 3);

  n = lp_python_reader_stack (t->reader, tid_of (t, "deep"), frames, 10);
  g_assert_cmpuint (n, ==, 10);
  g_assert_cmpuint (frames[9].code, ==, deep_code);
  lp_python_reader_get_stats (t->reader, &stats);
  g_assert_cmpuint (stats.truncated, ==, 1);
  g_assert_cmpuint (stats.unreadable, ==, 0);
  target_stop (t);
}

static void
test_thread_names (gconstpointer data)
{
  const Interp *interp = data;
  const char *names[] = { "MainThread", "sleepy", "callback", "gen", "async", "deep", "boxes", "spinner", "waiter" };
  Target *t;

  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = lp_python_reader_thread_name (t->reader, tid_of (t, names[i]));

      g_assert_cmpstr (name, ==, names[i]);
    }
  g_assert_null (lp_python_reader_thread_name (t->reader, getpid ()));
  target_stop (t);
}

/* The syscall thread @tid is blocked in, and its first argument. */
static gboolean
thread_syscall (pid_t    pid,
                pid_t    tid,
                gint64  *nr,
                guint64 *arg0)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/syscall", pid, tid);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !g_ascii_isdigit (text[0]))
    return FALSE;
  return sscanf (text, "%" G_GINT64_FORMAT " %" G_GINT64_MODIFIER "x", nr, arg0) == 2;
}

/* main and spinner take turns with the GIL: the one that waits sleeps on a
 * futex inside it; a thread in time.sleep does not */
static void
test_gil (gconstpointer data)
{
  const Interp *interp = data;
  gboolean seen_wait = FALSE;
  gint64 nr;
  guint64 arg0;
  Target *t;

  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  g_assert_true (thread_syscall (t->pid, tid_of (t, "sleepy"), &nr, &arg0));
  g_assert_cmpint (nr, !=, 202);
  g_assert_false (lp_python_reader_is_gil_wait (t->reader, arg0));
  for (guint i = 0; i < 400 && !seen_wait; i++)
    {
      const char *spinning[] = { "MainThread", "spinner" };

      for (guint k = 0; k < 2; k++)
        if (thread_syscall (t->pid, tid_of (t, spinning[k]), &nr, &arg0) && nr == 202)
          seen_wait = lp_python_reader_is_gil_wait (t->reader, arg0);
      g_usleep (5000);
    }
  g_assert_true (seen_wait);
  /* the futex of the stdin reader's lock is not the GIL */
  g_assert_false (lp_python_reader_is_gil_wait (t->reader, 0));
  target_stop (t);
}

/* Serves a live process with one 8-byte word replaced. */
typedef struct
{
  pid_t   pid;
  guint64 addr;
  guint64 value;
} Patch;

static gboolean
patch_read (gpointer data,
            guint64  addr,
            void    *buf,
            gsize    len)
{
  const Patch *p = data;

  if (!lp_python_read_process (GINT_TO_POINTER (p->pid), addr, buf, len))
    return FALSE;
  if (p->addr >= addr && p->addr + 8 <= addr + len)
    memcpy ((guint8 *) buf + (p->addr - addr), &p->value, 8);
  return TRUE;
}

/* 3.13's reader takes its offsets from the target's _Py_DebugOffsets:
 * ones it cannot use make the target unsupported, never a crash (an
 * offset far from the others once failed an assertion on the first walk) */
static void
test_debug_offsets (gconstpointer data)
{
  const Interp *interp = data;
  struct
  {
    guint   pos;     /* in _Py_DebugOffsets */
    guint64 value;
  } bad[] = {
    { 0, 0x797062677562656e },  /* the cookie */
    { 16, 1 },                  /* free_threaded */
    { 40, 4096 },               /* runtime_state.interpreters_head, far from finalizing */
    { 296, 510 },               /* code_object.qualname */
    { 184, 1 << 20 },           /* thread_state.current_frame */
  };
  Target *t;

  if (interp->minor != 13)
    {
      g_test_skip ("only 3.13 has debug offsets the reader reads");
      return;
    }
  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      Patch p = { t->pid, t->target.runtime + bad[i].pos, bad[i].value };
      g_autoptr(GError) error = NULL;
      g_autoptr(LpPythonReader) reader = lp_python_reader_new (&t->target, patch_read, &p, &error);

      g_assert_null (reader);
      g_assert_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED);
    }
  target_stop (t);
}

/* Threads that come and go, calls that return while they are read: for
 * 2 s, every thread of reader-churn.py is read as fast as can be; every
 * name read is one of the program's (or of a module of Python's own) */
static void
test_churn (gconstpointer data)
{
  const Interp *interp = data;
  const char *mine[] = { "leaf", "make.<locals>.f", "f", "gen", "worker", "worker.<locals>.<lambda>",
                         "<lambda>", "worker.<locals>.<genexpr>", "<genexpr>", "spawner", "spawner.<locals>.<listcomp>",
                         "<listcomp>", "waiter",
                         "<module>" };
  g_autofree LpPythonFrame *frames = g_new0 (LpPythonFrame, 1024);
  guint64 walks = 0, n_frames = 0, mine_seen = 0;
  LpPythonStats stats;
  gint64 end;
  Target *t;

  if (interp->found == NULL)
    {
      skip_absent (interp);
      return;
    }
  t = target_start_script (interp, "reader-churn.py", 0);
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_autofree char *task = g_strdup_printf ("/proc/%d/task", t->pid);
      g_autoptr(GDir) dir = g_dir_open (task, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          guint n = lp_python_reader_stack (t->reader, atoi (name), frames, 1024);

          walks++;
          for (guint i = 0; i < n; i++)
            {
              const char *q, *f;
              gboolean known = FALSE;

              if (frames[i].flags & LP_PYTHON_FRAME_UNREADABLE)
                {
                  g_assert_cmpuint (i, ==, n - 1);
                  break;
                }
              n_frames++;
              lp_python_reader_code_name (t->reader, frames[i].code, &q, &f);
              if (strcmp (f, t->script) != 0)
                {
                  /* threading.py, random.py */
                  if (!g_str_has_suffix (f, ".py") && !g_str_has_prefix (f, "<frozen "))
                    {
                      g_autofree char *text = describe (t->reader, frames, n);

                      g_error ("%s: a frame named %s in %s, frame %u of %s", interp->label, q, f, i, text);
                    }
                  g_assert_cmpstr (q, !=, "");
                  continue;
                }
              for (guint k = 0; k < G_N_ELEMENTS (mine) && !known; k++)
                known = strcmp (q, mine[k]) == 0;
              if (!known)
                g_error ("%s: a frame named %s in %s", interp->label, q, f);
              mine_seen++;
            }
        }
    }
  lp_python_reader_get_stats (t->reader, &stats);
  g_test_message ("%s churn: %" G_GUINT64_FORMAT " walks, %" G_GUINT64_FORMAT " frames (%" G_GUINT64_FORMAT
                  " of the script), %" G_GUINT64_FORMAT " unreadable, %" G_GUINT64_FORMAT " without a thread state",
                  interp->label, walks, n_frames, mine_seen, stats.unreadable, stats.no_thread);
  g_assert_cmpuint (mine_seen, >, 100);
  target_stop (t);
}

/* Serves the memory of a live process, corrupted: bytes flipped, words
 * replaced by NULL, odd or wild pointers, pointers to themselves. */
typedef struct
{
  pid_t   pid;
  GRand  *rand;
  guint   rate;   /* one read in @rate is corrupted */
} Corrupt;

static gboolean
corrupt_read (gpointer data,
              guint64  addr,
              void    *buf,
              gsize    len)
{
  Corrupt *c = data;
  guint8 *b = buf;

  if (!lp_python_read_process (GINT_TO_POINTER (c->pid), addr, buf, len))
    return FALSE;
  if (g_rand_int_range (c->rand, 0, c->rate) != 0)
    return TRUE;
  switch (g_rand_int_range (c->rand, 0, 6))
    {
    case 0:
      return FALSE;
    case 1:
      for (guint k = 0; k < 4; k++)
        b[g_rand_int_range (c->rand, 0, len)] ^= 1 << g_rand_int_range (c->rand, 0, 8);
      break;
    default:
      if (len >= 8)
        {
          guint64 values[] = { 0, 1, addr, addr + 8, G_GUINT64_CONSTANT (0xffffffff00000000),
                               (guint64) g_rand_int (c->rand) << 12, G_MAXINT64 };
          guint64 v = values[g_rand_int_range (c->rand, 0, G_N_ELEMENTS (values))];
          gsize at = (gsize) g_rand_int_range (c->rand, 0, len / 8) * 8;

          memcpy (b + at, &v, 8);
        }
    }
  return TRUE;
}

static void
test_corrupt (gconstpointer data)
{
  const Interp *interp = data;
  const char *threads[] = { "MainThread", "sleepy", "callback", "gen", "async", "deep" };
  g_autofree LpPythonFrame *frames = g_new0 (LpPythonFrame, 1024);
  guint64 unreadable = 0;
  Target *t;

  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  for (guint seed = 1; seed <= 60; seed++)
    {
      Corrupt c = { t->pid, g_rand_new_with_seed (seed), 2 + seed % 20 };
      g_autoptr(GError) error = NULL;
      g_autoptr(LpPythonReader) reader = lp_python_reader_new (&t->target, corrupt_read, &c, &error);
      LpPythonStats stats;

      if (reader == NULL)
        {
          /* 3.13 reads its debug offsets: they may be the corrupted read */
          g_assert_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED);
          g_rand_free (c.rand);
          continue;
        }
      for (guint round = 0; round < 10; round++)
        for (guint k = 0; k < G_N_ELEMENTS (threads); k++)
          {
            guint n = lp_python_reader_stack (reader, tid_of (t, threads[k]), frames, 1024);

            g_assert_cmpuint (n, <=, 1024);
            for (guint i = 0; i < n; i++)
              {
                const char *q, *f;

                if (frames[i].flags & LP_PYTHON_FRAME_UNREADABLE)
                  {
                    g_assert_cmpuint (i, ==, n - 1);
                    g_assert_cmpuint (frames[i].code, ==, 0);
                    continue;
                  }
                g_assert_cmpuint (frames[i].code, >, 0);
                lp_python_reader_code_name (reader, frames[i].code, &q, &f);
                g_assert_true (g_utf8_validate (q, -1, NULL) && g_utf8_validate (f, -1, NULL));
                g_assert_null (strpbrk (q, ";\n\r"));
                g_assert_null (strpbrk (f, ";\n\r"));
              }
            if (round % 3 == 2)
              lp_python_reader_forget (reader);
          }
      lp_python_reader_get_stats (reader, &stats);
      unreadable += stats.unreadable;
      g_rand_free (c.rand);
    }
  g_test_message ("%s: %" G_GUINT64_FORMAT " walks ended unreadable", interp->label, unreadable);
  g_assert_cmpuint (unreadable, >, 0);
  target_stop (t);
}

/* What a warm sample costs: reads (exact) and time (rough, a loaded
 * machine: for the log only) */
static void
test_cost (gconstpointer data)
{
  const Interp *interp = data;
  LpPythonFrame frames[256];
  const char *threads[] = { "sleepy", "callback", "MainThread" };
  Target *t;

  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  for (guint k = 0; k < G_N_ELEMENTS (threads); k++)
    {
      LpPythonStats before, after;
      guint n = lp_python_reader_stack (t->reader, tid_of (t, threads[k]), frames, 256);
      gint64 start;
      double us;

      lp_python_reader_get_stats (t->reader, &before);
      start = g_get_monotonic_time ();
      for (guint i = 0; i < 200; i++)
        lp_python_reader_stack (t->reader, tid_of (t, threads[k]), frames, 256);
      us = (g_get_monotonic_time () - start) / 200.0;
      lp_python_reader_get_stats (t->reader, &after);
      g_test_message ("%s %s: %u frames, %.1f reads and %.1f us per warm sample (rough)",
                      interp->label, threads[k], n, (after.reads - before.reads) / 200.0, us);
      /* three reads: runtime + thread state; frame pointer + data stack +
       * the frames outside it last time; the code objects, checked */
      g_assert_cmpuint (after.reads - before.reads, ==, 200 * 3);
    }
  target_stop (t);
}

/* Serves a live process and keeps what it read: a memory image for the
 * fuzz target's seeds (tests/fuzz-python.c says the format). */
typedef struct
{
  pid_t       pid;
  GHashTable *seen;    /* "addr len" */
  GByteArray *image;
} Record;

static gboolean
record_read (gpointer data,
             guint64  addr,
             void    *buf,
             gsize    len)
{
  Record *r = data;
  char key[64];
  guint64 a = GUINT64_TO_LE (addr);
  guint32 l = GUINT32_TO_LE ((guint32) len);

  if (!lp_python_read_process (GINT_TO_POINTER (r->pid), addr, buf, len))
    return FALSE;
  g_snprintf (key, sizeof key, "%" G_GINT64_MODIFIER "x %" G_GSIZE_FORMAT, addr, len);
  if (len <= G_MAXUINT32 && !g_hash_table_contains (r->seen, key))
    {
      g_hash_table_add (r->seen, g_strdup (key));
      g_byte_array_append (r->image, (guint8 *) &a, 8);
      g_byte_array_append (r->image, (guint8 *) &l, 4);
      g_byte_array_append (r->image, buf, len);
    }
  return TRUE;
}

/* With LAPROF_PYTHON_CORPUS=DIR: writes DIR/LABEL-THREAD, the memory the
 * reader reads for each thread (a cold walk, a warm one, the name) */
static void
test_corpus (gconstpointer data)
{
  const Interp *interp = data;
  const char *dir = g_getenv ("LAPROF_PYTHON_CORPUS");
  const char *threads[] = { "MainThread", "sleepy", "callback", "gen", "async", "boxes" };
  LpPythonFrame frames[600];
  Target *t;

  if (dir == NULL)
    {
      g_test_skip ("writes the fuzz seeds only with LAPROF_PYTHON_CORPUS=DIR");
      return;
    }
  if ((t = target_start_or_skip (interp)) == NULL)
    return;
  for (guint k = 0; k < G_N_ELEMENTS (threads); k++)
    {
      Record r = { t->pid, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), g_byte_array_new () };
      guint8 header[38] = { t->interp->minor, 0 };
      guint64 words[4] = { t->target.runtime, t->target.code_type, t->target.unicode_type, t->target.bytes_type };
      gint32 tid = GINT32_TO_LE (tid_of (t, threads[k]));
      g_autoptr(GError) error = NULL;
      g_autoptr(LpPythonReader) reader = NULL;
      g_autofree char *path = g_strdup_printf ("%s/%s-%s", dir, interp->label, threads[k]);
      g_autofree char *name = NULL;

      memcpy (header + 2, &tid, 4);
      for (guint i = 0; i < 4; i++)
        {
          guint64 w = GUINT64_TO_LE (words[i]);

          memcpy (header + 6 + 8 * i, &w, 8);
        }
      g_byte_array_append (r.image, header, sizeof header);
      reader = lp_python_reader_new (&t->target, record_read, &r, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (lp_python_reader_stack (reader, tid_of (t, threads[k]), frames, 600), >, 0);
      lp_python_reader_stack (reader, tid_of (t, threads[k]), frames, 600);
      name = lp_python_reader_thread_name (reader, tid_of (t, threads[k]));
      g_assert_cmpstr (name, ==, threads[k]);
      g_assert_true (g_file_set_contents (path, (char *) r.image->data, r.image->len, NULL));
      g_byte_array_unref (r.image);
      g_hash_table_unref (r.seen);
    }
  target_stop (t);
}

/* A native program has no interpreter; 3.9 has one laprof cannot read. */
static void
test_find_none (void)
{
  g_autoptr(GError) error = NULL;
  LpPythonTarget target;

  g_assert_false (lp_python_find (getpid (), &target, &error));
  g_assert_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_NOT_FOUND);
}

static void
test_find_old (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDir) dir = g_dir_open ("/root/.pyenv/versions", 0, NULL);
  g_autofree char *exe = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  LpPythonTarget target;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL && exe == NULL)
    if (g_str_has_prefix (name, "3.9."))
      exe = g_strdup_printf ("/root/.pyenv/versions/%s/bin/python3.9", name);
  if (exe == NULL || !g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no pyenv 3.9 on this machine (/root/.pyenv/versions/3.9.*/bin/python3.9)");
      return;
    }
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe,
                           "-c", "import sys; print('ready', flush=True); sys.stdin.readline()", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  g_assert_cmpstr (line, ==, "ready");
  g_assert_false (lp_python_find (atoi (g_subprocess_get_identifier (proc)), &target, &error));
  g_assert_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_true (strstr (error->message, "Python 3.9.") != NULL);
  g_assert_true (strstr (error->message, "native stacks only") != NULL);
  g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, NULL);
  g_subprocess_wait (proc, NULL, NULL);
}

static void
test_version_string (void)
{
  char buf[32];

  g_assert_cmpstr (lp_python_version_string (0x030b02f0, buf), ==, "3.11.2");
  g_assert_cmpstr (lp_python_version_string (0x030d00f0, buf), ==, "3.13.0");
  g_assert_cmpstr (lp_python_version_string (0x030e00a3, buf), ==, "3.14.0a3");
  g_assert_cmpstr (lp_python_version_string (0x030c00c1, buf), ==, "3.12.0rc1");
}

int
main (int    argc,
      char **argv)
{
  struct
  {
    const char *name;
    GTestDataFunc func;
  } per_interp[] = {
    { "find", test_find },
    { "stacks", test_stacks },
    { "deep", test_deep },
    { "thread-names", test_thread_names },
    { "gil", test_gil },
    { "corrupt", test_corrupt },
    { "churn", test_churn },
    { "debug-offsets", test_debug_offsets },
    { "cost", test_cost },
    { "corpus", test_corpus },
  };

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/python/find/native", test_find_none);
  g_test_add_func ("/python/find/3.9", test_find_old);
  g_test_add_func ("/python/version-string", test_version_string);
  for (guint i = 0; i < G_N_ELEMENTS (interps); i++)
    {
      Interp *in = &interps[i];

      in->found = in->path ? (g_file_test (in->path, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup (in->path) : NULL)
                           : pyenv_python (in->minor);
      for (guint k = 0; k < G_N_ELEMENTS (per_interp); k++)
        {
          g_autofree char *path = g_strdup_printf ("/python/reader/%s/%s", in->label, per_interp[k].name);

          g_test_add_data_func (path, in, per_interp[k].func);
        }
    }
  return g_test_run ();
}
