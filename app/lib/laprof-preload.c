/* laprof-preload.c: LD_PRELOAD=liblaprof.so: profile a whole program, from its start to its exit, configured by LAPROF_* variables.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When liblaprof is named in LD_PRELOAD, it starts a profiler as it is
 * loaded and stores the report when the program exits (through exit() or
 * a return from main; not when it is killed or calls _exit). It takes
 * itself out of LD_PRELOAD at once, so that the programs this one runs are
 * not profiled (a fork without exec is not profiled either: the child has
 * no sampler thread, see laprof_stop). Variables (docs/in-process.md):
 *
 *   LAPROF_OUTPUT    a directory, a FILE.folded, or s3://bucket/prefix/
 *                    (default: the current directory)
 *   LAPROF_PERIOD    seconds between samples (default 0.01)
 *   LAPROF_MODE      wall (default) or cpu
 *   LAPROF_MIN_TIME  seconds: a shorter run stores nothing
 *   LAPROF_IDLE      0: leave out the samples of blocked threads
 *   LAPROF_PYTHON    0: no Python frames
 *   LAPROF_KERNEL    0: no kernel frames
 *   LAPROF_DISABLE   1, true, yes, on: do nothing
 *
 * Its only output is an error on standard error when the report cannot be
 * made or stored ("laprof: …"). */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "laprof.h"
#include "laprof-private.h"

static laprof_profiler *preloaded;

/* Takes every entry naming liblaprof out of LD_PRELOAD; TRUE if there was one. */
static gboolean
unpreload (void)
{
  const char *value = g_getenv ("LD_PRELOAD");
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  gboolean found = FALSE;

  if (value == NULL)
    return FALSE;
  parts = g_strsplit_set (value, ": ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (parts[i]);

      if (*parts[i] == '\0')
        continue;
      if (g_str_has_prefix (base, "liblaprof.so"))
        {
          found = TRUE;
          continue;
        }
      if (rest->len > 0)
        g_string_append_c (rest, ':');
      g_string_append (rest, parts[i]);
    }
  if (!found)
    return FALSE;
  if (rest->len > 0)
    g_setenv ("LD_PRELOAD", rest->str, TRUE);
  else
    g_unsetenv ("LD_PRELOAD");
  return TRUE;
}

static double
env_double (const char *name,
            double      fallback)
{
  const char *value = g_getenv (name);
  char *end = NULL;
  double v;

  if (value == NULL || *value == '\0')
    return fallback;
  v = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0')
    {
      fprintf (stderr, "laprof: %s=%s is not a number; using %g\n", name, value, fallback);
      return fallback;
    }
  return v;
}

static void
say_error (char *error)
{
  fprintf (stderr, "laprof: %s\n", error != NULL ? error : "the report could not be stored");
  laprof_free (error);
}

static void
preload_stop (void)
{
  laprof_profiler *profiler = preloaded;
  char *error = NULL;

  if (profiler == NULL)
    return;
  preloaded = NULL;
  if (laprof_stop (profiler, &error) < 0)
    say_error (error);
  laprof_profiler_free (profiler);
}

__attribute__ ((constructor)) static void
preload_start (void)
{
  laprof_options options;
  const char *value;
  char *error = NULL;

  if (!unpreload () || laprof_disabled ())
    return;

  laprof_options_init (&options);
  options.period = env_double ("LAPROF_PERIOD", options.period);
  options.min_time = env_double ("LAPROF_MIN_TIME", 0);
  value = g_getenv ("LAPROF_MODE");
  if (value != NULL && g_ascii_strcasecmp (value, "cpu") == 0)
    options.mode = LAPROF_MODE_CPU;
  else if (value != NULL && *value != '\0' && g_ascii_strcasecmp (value, "wall") != 0)
    fprintf (stderr, "laprof: LAPROF_MODE=%s is neither wall nor cpu; using wall\n", value);
  value = g_getenv ("LAPROF_IDLE");
  if (value != NULL && !_laprof_env_true (value))
    options.idle = 0;
  value = g_getenv ("LAPROF_PYTHON");
  if (value != NULL && !_laprof_env_true (value))
    options.python = 0;
  value = g_getenv ("LAPROF_KERNEL");
  if (value != NULL && !_laprof_env_true (value))
    options.kernel = 0;
  value = g_getenv ("LAPROF_OUTPUT");
  options.destination = value != NULL && *value != '\0' ? value : ".";

  preloaded = laprof_profiler_new (&options, &error);
  if (preloaded == NULL || laprof_start (preloaded, &error) < 0)
    {
      fprintf (stderr, "laprof: not profiling: %s\n", error);
      laprof_free (error);
      laprof_profiler_free (preloaded);
      preloaded = NULL;
      return;
    }
  /* exit() runs the atexit handlers before any library's destructor: the
   * sampler stops while what it uses (libdw, libcurl, OpenSSL) is all
   * still there. The destructor stays, for a dlclose(). */
  atexit (preload_stop);
}


__attribute__ ((destructor)) static void
preload_unload (void)
{
  preload_stop ();
}
