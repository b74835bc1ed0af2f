/* test-names.c: a name for every frame of a stripped program: its functions' starts from .eh_frame, MiniDebugInfo, and debug files from a real debuginfod server on loopback, fast, slow (5 s a request) or down.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-capture.h"
#include "lp-collapse.h"
#include "test-engine-util.h"

static const char *cli;
static const char *target;     /* engine-target, with its symbols */
static const char *stripped;   /* the same, stripped */
static char *tmpdir;

/* laprof-cli record ARGS… (NULL-terminated) with @env; its stderr in *@err */
static int
record (char       **err,
        char       **env,
        const char  *first,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "record");
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", *err);
  return status;
}

/* the environment without DEBUGINFOD_URLS, with @urls if not NULL, and a
 * cache of the test's own at @cache */
static char **
env_with (const char *urls,
          const char *cache)
{
  char **env = g_environ_unsetenv (g_get_environ (), "DEBUGINFOD_URLS");

  if (urls != NULL)
    env = g_environ_setenv (env, "DEBUGINFOD_URLS", urls, TRUE);
  if (cache != NULL)
    env = g_environ_setenv (env, "DEBUGINFOD_CACHE_PATH", cache, TRUE);
  /* a refused connection is not tried again for long */
  env = g_environ_setenv (env, "DEBUGINFOD_TIMEOUT", "20", TRUE);
  return env;
}

/* addresses of the functions of @path (nm's T and t): "0x1ab7" -> name */
static GHashTable *
functions_of (const char *path)
{
  const char *argv[] = { "nm", "--defined-only", path, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *fns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL,
                               &error));
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 addr;
      char type, name[512];

      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x %c %511s", &addr, &type, name) == 3 && (type == 'T' || type == 't'))
        g_hash_table_insert (fns, g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", addr), g_strdup (name));
    }
  return fns;
}

/* the samples whose leaf frame is @leaf (NULL: all) */
static double
leaf_samples (LpFolded   *report,
              const char *leaf)
{
  double n = 0;

  for (guint s = 0; s < lp_folded_get_n_stacks (report); s++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (report, s, &st);
      if (st.depth > 0 && (leaf == NULL || g_str_equal (lp_folded_frame_name (report, st.frames[st.depth - 1]), leaf)))
        n += st.count;
    }
  return n;
}

/* how many frames of @report name @module's code without a symbol */
static guint
unnamed_of (LpFolded   *report,
            const char *module)
{
  guint n = 0;

  for (guint f = 0; f < lp_folded_get_n_frames (report); f++)
    {
      const char *name = lp_folded_frame_name (report, f);
      g_autofree char *m = NULL;
      guint64 offset;
      gboolean is_start;

      if (lp_collapse_parse_unnamed (name, strlen (name), &m, &offset, &is_start) && g_str_equal (m, module))
        n++;
    }
  return n;
}

/* whether record's summary @err says frames of @module have no name */
static gboolean
said_unnamed (const char *err,
              const char *module)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "no name") != NULL && strstr (lines[i], module) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
has_frame (LpFolded   *report,
           const char *name)
{
  for (guint f = 0; f < lp_folded_get_n_frames (report); f++)
    if (g_str_equal (lp_folded_frame_name (report, f), name))
      return TRUE;
  return FALSE;
}

static LpFolded *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpCapture) capture = lp_capture_load (path, &error);
  LpFolded *copy = lp_folded_new ();

  g_assert_no_error (error);
  g_assert_true (lp_folded_merge (copy, lp_capture_get_folded (capture), NULL));
  return copy;
}

/* A stripped program's frames are named after their function's start,
 * as .eh_frame bounds it: the start of a real function (nm of the
 * unstripped program), and the spin loop's samples all in one frame. */
static void
test_function_start (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "start.folded", NULL);
  g_autofree char *err = NULL;
  g_auto(GStrv) env = env_with (NULL, NULL);
  g_autoptr(GHashTable) fns = functions_of (target);
  g_autoptr(LpFolded) folded = NULL;
  g_autofree char *base = g_path_get_basename (stripped);
  g_autofree char *prefix = g_strdup_printf ("[%s@0x", base);
  g_autofree char *plus = g_strdup_printf ("[%s+0x", base);
  g_autofree char *spin = NULL;
  double in_module = 0;
  guint starts = 0;

  g_assert_cmpint (record (&err, env, "--mode", "cpu", "-o", report, "--", stripped, "work", "1.5", NULL), ==, 0);
  folded = load (report);
  for (guint f = 0; f < lp_folded_get_n_frames (folded); f++)
    {
      const char *name = lp_folded_frame_name (folded, f);

      /* no bare address in the program: .eh_frame covers all its code */
      g_assert_false (g_str_has_prefix (name, plus));
      if (g_str_has_prefix (name, prefix))
        {
          g_autofree char *addr = g_strndup (name + strlen (prefix) - 2, strlen (name) - strlen (prefix) + 1);
          const char *fn = g_hash_table_lookup (fns, addr);

          g_test_message ("%s is %s", name, fn ? fn : "(no function)");
          g_assert_nonnull (fn);
          starts++;
          if (g_str_equal (fn, "spin"))
            spin = g_strdup (name);
        }
    }
  g_assert_cmpuint (starts, >=, 3);   /* main, hot_path, spin at least */
  g_assert_nonnull (spin);
  for (guint s = 0; s < lp_folded_get_n_stacks (folded); s++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, s, &st);
      if (g_str_has_prefix (lp_folded_frame_name (folded, st.frames[st.depth - 1]), prefix))
        in_module += st.count;
    }
  /* the loop's self time is one frame, as "spin" would be with symbols */
  g_test_message ("spin: %g of %g samples in the program", leaf_samples (folded, spin), in_module);
  g_assert_cmpfloat (leaf_samples (folded, spin), >=, 0.8 * in_module);
  /* and the report says why they have no names */
  g_assert_nonnull (strstr (err, "DEBUGINFOD_URLS"));
}

/* A program stripped but for its MiniDebugInfo (.gnu_debugdata, as
 * Fedora ships them) gets its functions' names. */
static void
test_minidebuginfo (void)
{
  const char *mini = g_getenv ("ENGINE_TARGET_MINI");
  g_autofree char *report = g_build_filename (tmpdir, "mini.folded", NULL);
  g_autofree char *err = NULL;
  g_auto(GStrv) env = env_with (NULL, NULL);
  g_autoptr(LpFolded) folded = NULL;
  g_autofree char *base = g_path_get_basename (mini);

  g_assert_nonnull (mini);
  g_assert_cmpint (record (&err, env, "--mode", "cpu", "-o", report, "--", mini, "work", "1", NULL), ==, 0);
  folded = load (report);
  g_assert_true (has_frame (folded, "hot_path"));
  g_assert_true (has_frame (folded, "spin"));
  g_assert_cmpuint (unnamed_of (folded, base), ==, 0);
}

/* A recording with lines keeps where its source files were, so that a
 * saved capture opened elsewhere finds them */
static void
test_source_paths (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "lines.laprof", NULL);
  g_autofree char *err = NULL;
  g_auto(GStrv) env = env_with (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LpCapture) capture = NULL;
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "engine-target.c", NULL);
  g_autofree char *real = realpath (source, NULL);
  const char *found;

  g_assert_cmpint (record (&err, env, "--lines", "--mode", "cpu", "-o", path, "--", target, "work", "1", NULL), ==, 0);
  capture = lp_capture_load (path, &error);
  g_assert_no_error (error);
  found = lp_capture_find_source (capture, "engine-target.c");
  g_assert_nonnull (found);
  g_assert_cmpstr (found, ==, real);
}

/* the line of @path holding @marker, 1-based */
static guint
line_of (const char *path,
         const char *marker)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], marker) != NULL)
      return i + 1;
  g_assert_not_reached ();
  return 0;
}

/* With lines, a function the compiler inlined is a frame of its own, at
 * its hot line, under its caller at the line of the call; without lines
 * stacks stay as they were (the caller is the leaf) */
static void
test_inlined (void)
{
  const char *program = g_getenv ("INLINE_TARGET");
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "names", "inline-target.c", NULL);
  g_autofree char *with = g_build_filename (tmpdir, "inlined.folded", NULL);
  g_autofree char *without = g_build_filename (tmpdir, "not-inlined.folded", NULL);
  g_autofree char *err = NULL, *err2 = NULL;
  g_auto(GStrv) env = env_with (NULL, NULL);
  g_autoptr(LpFolded) lines = NULL;
  g_autoptr(LpFolded) plain = NULL;
  g_autofree char *outer = g_strdup_printf ("run_outer (inline-target.c:%u)", line_of (source, "the call inlined"));
  g_autofree char *inner = g_strdup_printf ("mix_inlined (inline-target.c:%u)", line_of (source, "the hot line"));
  double pair = 0;

  g_assert_nonnull (program);
  g_assert_cmpint (record (&err, env, "--lines", "--mode", "cpu", "-o", with, "--", program, "1", NULL), ==, 0);
  lines = load (with);
  for (guint s = 0; s < lp_folded_get_n_stacks (lines); s++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (lines, s, &st);
      if (st.depth >= 2 && g_str_equal (lp_folded_frame_name (lines, st.frames[st.depth - 1]), inner) &&
          g_str_equal (lp_folded_frame_name (lines, st.frames[st.depth - 2]), outer))
        pair += st.count;
    }
  g_test_message ("%s;%s: %g of %g samples", outer, inner, pair, lp_folded_get_total (lines));
  g_assert_cmpfloat (pair, >=, 0.8 * lp_folded_get_total (lines));

  g_assert_cmpint (record (&err2, env, "--mode", "cpu", "-o", without, "--", program, "1", NULL), ==, 0);
  plain = load (without);
  g_assert_false (has_frame (plain, "mix_inlined"));
  g_assert_cmpfloat (leaf_samples (plain, "run_outer"), >=, 0.8 * lp_folded_get_total (plain));
}

/* ---- a real debuginfod server ---- */

typedef struct
{
  GPid  server;
  GPid  proxy;
  char *url;        /* the server's */
  char *slow_url;   /* the proxy's, 5 s a request */
  char *dir;
} Server;

static Server srv;

/* the servers end with the test, even when it aborts */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static int
free_port (void)
{
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;

  g_assert_cmpint (bind (fd, (struct sockaddr *) &a, sizeof a), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &a, &len), ==, 0);
  close (fd);
  return ntohs (a.sin_port);
}

/* debuginfod serving the unstripped program's debug file, and the slow
 * proxy in front of it; ready once debuginfod-find gets the file */
static gboolean
server_start (void)
{
  const char *debug_file = g_getenv ("ENGINE_TARGET_DEBUG");
  const char *proxy = g_getenv ("DELAY_PROXY");
  g_autofree char *served = NULL, *db = NULL, *copy = NULL, *port = NULL, *probe_cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *program = g_find_program_in_path ("debuginfod");
  int proxy_out;

  if (program == NULL)
    return FALSE;
  srv.dir = g_build_filename (tmpdir, "debuginfod", NULL);
  served = g_build_filename (srv.dir, "served", NULL);
  g_assert_cmpint (g_mkdir_with_parents (served, 0755), ==, 0);
  copy = g_build_filename (served, "engine-target.debug", NULL);
  {
    g_autofree char *bytes = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (debug_file, &bytes, &len, NULL));
    g_assert_true (g_file_set_contents (copy, bytes, len, NULL));
  }
  db = g_build_filename (srv.dir, "db.sqlite", NULL);
  port = g_strdup_printf ("%d", free_port ());
  {
    const char *argv[] = { "debuginfod", "-p", port, "-d", db, "-F", served, "-t", "0", "-g", "0", NULL };

    g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                             G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                             G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                             die_with_parent, NULL, &srv.server, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  srv.url = g_strdup_printf ("http://127.0.0.1:%s", port);
  probe_cache = g_build_filename (srv.dir, "probe-cache", NULL);
  for (int i = 0;; i++)
    {
      const char *argv[] = { "debuginfod-find", "debuginfo", stripped, NULL };
      /* a cache of its own each time: the client remembers a miss */
      g_autofree char *fresh = g_strdup_printf ("%s-%d", probe_cache, i);
      g_auto(GStrv) env = env_with (srv.url, fresh);
      int status = 1;

      g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL);
      if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
        break;
      g_assert_cmpint (i, <, 100);   /* 20 s */
      g_usleep (200000);
    }
  {
    const char *argv[] = { "python3", proxy, srv.url, "5", NULL };
    g_autoptr(GIOChannel) ch = NULL;

    g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                             G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                             G_SPAWN_STDERR_TO_DEV_NULL, die_with_parent, NULL,
                                             &srv.proxy, NULL, &proxy_out, NULL, &error));
    g_assert_no_error (error);
    ch = g_io_channel_unix_new (proxy_out);
    g_io_channel_set_close_on_unref (ch, TRUE);
    g_assert_cmpint (g_io_channel_read_line (ch, &line, NULL, NULL, NULL), ==, G_IO_STATUS_NORMAL);
    g_assert_true (g_str_has_prefix (line, "port="));
    srv.slow_url = g_strdup_printf ("http://127.0.0.1:%d", atoi (line + 5));
  }
  return TRUE;
}

static void
server_stop (void)
{
  int status;

  if (srv.server > 0)
    {
      kill (srv.server, SIGTERM);
      test_engine_wait_pid (srv.server, 10, &status);
    }
  if (srv.proxy > 0)
    {
      kill (srv.proxy, SIGTERM);
      test_engine_wait_pid (srv.proxy, 10, &status);
    }
  g_free (srv.url);
  g_free (srv.slow_url);
  g_free (srv.dir);
}

/* the sample rate of a wall-mode recording of 3 s, from its summary */
static double
rate_of (const char *err)
{
  const char *p = strstr (err, " samples (");

  g_assert_nonnull (p);
  return g_ascii_strtod (p + strlen (" samples ("), NULL);
}

/* The stripped program's names come from the server, in the capture and
 * the folded report alike; a second recording finds them in the client's
 * cache with the server gone. */
static void
test_debuginfod (void)
{
  g_autofree char *cache = g_build_filename (tmpdir, "cache-fast", NULL);
  g_autofree char *capture = g_build_filename (tmpdir, "fast.laprof", NULL);
  g_autofree char *report = g_build_filename (tmpdir, "cached.folded", NULL);
  g_autofree char *err = NULL, *err2 = NULL, *dead = NULL;
  g_autofree char *base = g_path_get_basename (stripped);
  g_autoptr(LpFolded) folded = NULL;

  if (srv.url == NULL)
    {
      g_test_skip ("no debuginfod server (Debian package debuginfod)");
      return;
    }
  {
    g_auto(GStrv) env = env_with (srv.url, cache);

    g_assert_cmpint (record (&err, env, "--mode", "cpu", "-o", capture, "--", stripped, "work", "1.5", NULL), ==, 0);
  }
  folded = load (capture);
  g_assert_true (has_frame (folded, "hot_path"));
  g_assert_true (has_frame (folded, "spin"));
  /* frames sampled before the file came are named too */
  g_assert_cmpuint (unnamed_of (folded, base), ==, 0);
  g_assert_false (said_unnamed (err, base));
  g_clear_pointer (&folded, lp_folded_free);

  /* the cache, and no server: a port nobody listens on */
  dead = g_strdup_printf ("http://127.0.0.1:%d", free_port ());
  {
    g_auto(GStrv) env = env_with (dead, cache);

    g_assert_cmpint (record (&err2, env, "--mode", "cpu", "-o", report, "--", stripped, "work", "1", NULL), ==, 0);
  }
  folded = load (report);
  g_assert_true (has_frame (folded, "hot_path"));
  g_assert_cmpuint (unnamed_of (folded, base), ==, 0);
}

/* A server that takes 5 s to answer does not slow the recording (wall
 * mode: the sampler's own thread paces the samples), and the names still
 * come, at the end; with the server down the names are missing, the
 * recording not slowed, and the summary says why. */
static void
test_debuginfod_slow_and_down (void)
{
  g_autofree char *cache = g_build_filename (tmpdir, "cache-slow", NULL);
  g_autofree char *cache_down = g_build_filename (tmpdir, "cache-down", NULL);
  g_autofree char *plain = g_build_filename (tmpdir, "plain.folded", NULL);
  g_autofree char *slow = g_build_filename (tmpdir, "slow.folded", NULL);
  g_autofree char *down = g_build_filename (tmpdir, "down.folded", NULL);
  g_autofree char *err_plain = NULL, *err_slow = NULL, *err_down = NULL, *dead = NULL;
  g_autofree char *base = g_path_get_basename (stripped);
  g_autoptr(LpFolded) folded = NULL;
  double rate_plain, rate_slow, rate_down;

  if (srv.url == NULL)
    {
      g_test_skip ("no debuginfod server (Debian package debuginfod)");
      return;
    }
  dead = g_strdup_printf ("http://127.0.0.1:%d", free_port ());
  {
    g_auto(GStrv) env_plain = env_with (NULL, NULL);
    g_auto(GStrv) env_slow = env_with (srv.slow_url, cache);
    g_auto(GStrv) env_down = env_with (dead, cache_down);

    g_assert_cmpint (record (&err_plain, env_plain, "-d", "3", "-o", plain, "--", stripped, "work", "4", NULL), ==, 0);
    g_assert_cmpint (record (&err_slow, env_slow, "-d", "3", "-o", slow, "--", stripped, "work", "4", NULL), ==, 0);
    g_assert_cmpint (record (&err_down, env_down, "-d", "3", "-o", down, "--", stripped, "work", "4", NULL), ==, 0);
  }
  rate_plain = rate_of (err_plain);
  rate_slow = rate_of (err_slow);
  rate_down = rate_of (err_down);
  g_test_message ("samples a second: %g without debuginfod, %g with a slow server, %g with it down",
                  rate_plain, rate_slow, rate_down);
  g_assert_cmpfloat (rate_slow, >=, 0.95 * rate_plain);
  g_assert_cmpfloat (rate_down, >=, 0.95 * rate_plain);

  folded = load (slow);
  g_assert_true (has_frame (folded, "hot_path"));
  g_assert_cmpuint (unnamed_of (folded, base), ==, 0);
  g_assert_nonnull (strstr (err_slow, "waiting for debug files"));
  g_clear_pointer (&folded, lp_folded_free);

  folded = load (down);
  g_assert_false (has_frame (folded, "hot_path"));
  g_assert_cmpuint (unnamed_of (folded, base), >, 0);
  g_assert_nonnull (strstr (err_down, "could not be reached"));
}

int
main (int argc, char **argv)
{
  int r;

  g_test_init (&argc, &argv, NULL);
  test_engine_programs (&cli, &target);
  stripped = g_getenv ("ENGINE_TARGET_STRIPPED");
  g_assert_nonnull (stripped);
  tmpdir = g_dir_make_tmp ("laprof-names-XXXXXX", NULL);
  g_test_add_func ("/names/function-start", test_function_start);
  g_test_add_func ("/names/minidebuginfo", test_minidebuginfo);
  g_test_add_func ("/names/source-paths", test_source_paths);
  g_test_add_func ("/names/inlined", test_inlined);
  g_test_add_func ("/names/debuginfod", test_debuginfod);
  g_test_add_func ("/names/debuginfod-slow-and-down", test_debuginfod_slow_and_down);
  server_start ();
  r = g_test_run ();
  server_stop ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);

    g_assert_cmpint (system (cmd), ==, 0);
  }
  g_free (tmpdir);
  return r;
}
