/* bench-engine-memory.c: the engine's memory over a long recording of a target that starts and ends threads all the time.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-engine-memory WORKLOAD SECONDS RATE LAPROF_CLI [LAPROF_CLI…]
 *
 * For each laprof-cli given (an old and a new build, one after the
 * other), starts `WORKLOAD churn RATE …` (RATE short threads a second)
 * and attaches `laprof-cli record -d SECONDS -p PID` to it. Every second
 * it reads the engine's RssAnon (its heap) and VmRSS (which also counts
 * the perf rings' pages once the kernel has written them) from
 * /proc/PID/status; it prints them, the growth from the 5th second to the
 * end, and whether the engine ended in time (no hang: SECONDS + 15 s). */
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-bench-util.h"

static gboolean
run_one (const char *cli,
         const char *workload,
         int         seconds,
         const char *rate)
{
  g_autofree char *secs = g_strdup_printf ("%d", seconds);
  g_autofree char *target_secs = g_strdup_printf ("%d", seconds + 4);
  const char *wargv[] = { workload, "churn", rate, target_secs, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *pid_text = NULL;
  g_autoptr(GArray) anon = g_array_new (FALSE, TRUE, sizeof (guint64));
  g_autoptr(GArray) vm = g_array_new (FALSE, TRUE, sizeof (guint64));
  GPid target, engine;
  int out, status = 0;
  char buf[16];
  gboolean ended = FALSE;
  gint64 start, deadline;

  if (!g_spawn_async_with_pipes (NULL, (char **) wargv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &target, NULL, &out, NULL, &error) ||
      read (out, buf, 6) != 6)
    {
      fprintf (stderr, "bench-engine-memory: the workload did not start\n");
      return FALSE;
    }
  pid_text = g_strdup_printf ("%d", target);
  {
    const char *argv[] = { cli, "record", "-q", "-d", secs, "-o", "/dev/null", "-p", pid_text, NULL };

    if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &engine, &error))
      {
        fprintf (stderr, "bench-engine-memory: %s\n", error->message);
        return FALSE;
      }
  }
  start = g_get_monotonic_time ();
  deadline = start + (seconds + 15) * G_USEC_PER_SEC;
  for (int s = 1; !ended && g_get_monotonic_time () < deadline; s++)
    {
      gint64 at = start + s * G_USEC_PER_SEC;
      guint64 a, v;

      while (g_get_monotonic_time () < at && !ended)
        {
          ended = waitpid (engine, &status, WNOHANG) == engine;
          g_usleep (10000);
        }
      if (ended)
        break;
      a = lp_bench_status_kib (engine, "RssAnon:");
      v = lp_bench_status_kib (engine, "VmRSS:");
      if (s <= seconds)
        {
          g_array_append_val (anon, a);
          g_array_append_val (vm, v);
        }
    }
  if (!ended)
    {
      kill (engine, SIGKILL);
      waitpid (engine, &status, 0);
    }
  kill (target, SIGKILL);
  waitpid (target, NULL, 0);
  close (out);

  printf ("%s\n  RssAnon KiB each second:", cli);
  for (guint i = 0; i < anon->len; i++)
    printf (" %" G_GUINT64_FORMAT, g_array_index (anon, guint64, i));
  printf ("\n  VmRSS KiB each second:  ");
  for (guint i = 0; i < vm->len; i++)
    printf (" %" G_GUINT64_FORMAT, g_array_index (vm, guint64, i));
  if (anon->len > 5)
    printf ("\n  growth from the 5th second to the last: RssAnon %+" G_GINT64_FORMAT " KiB, VmRSS %+" G_GINT64_FORMAT " KiB",
            (gint64) g_array_index (anon, guint64, anon->len - 1) - (gint64) g_array_index (anon, guint64, 4),
            (gint64) g_array_index (vm, guint64, vm->len - 1) - (gint64) g_array_index (vm, guint64, 4));
  printf ("\n  %s\n", ended ? (WIFEXITED (status) && WEXITSTATUS (status) == 0 ? "ended in time, status 0"
                                                                              : "ended in time, FAILED")
                            : "HANG: killed 15 s after its end");
  return ended;
}

int
main (int    argc,
      char **argv)
{
  gboolean ok = TRUE;

  if (argc < 5)
    {
      fprintf (stderr, "usage: bench-engine-memory WORKLOAD SECONDS RATE LAPROF_CLI [LAPROF_CLI…]\n");
      return 2;
    }
  printf ("bench-engine-memory: %s threads a second, recorded %s s\n", argv[3], argv[2]);
  for (int i = 4; i < argc; i++)
    ok = run_one (argv[i], argv[1], atoi (argv[2]), argv[3]) && ok;
  return ok ? 0 : 1;
}
