/* performance-impact.c: the seed's performance_impact, native: the demo handler's run time with and without laprof.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts bench/demo-server, then runs bench/demo-handler --scale S --url …
 * N times natively and N times under `laprof-cli record --period P` for
 * each way of keeping the report, round after round (native, discard,
 * directory, s3, native, discard, …), so that the machine's drift falls on
 * all of them alike. A run is timed from spawn to exit, so the profiled
 * figure holds everything laprof adds: attaching, sampling, detaching,
 * writing and storing the report. The impact of a variant is the mean and
 * standard deviation of (profiled - native) within each round.
 *
 * The handler's phases last what they last (the compute phase loops until
 * its time is up), so a profiler's cost on the CPU shows less in the run
 * time than in the work done: the handler runs with --verbose and the
 * benchmark also reports its compute rounds, and how many fewer than in
 * the same round's native run.
 *
 * Variants: discard (-o /dev/null), dir (--store TMPDIR, the filesystem
 * storer: temp file, fsync, rename), s3 (--store s3://reports/bench/ to the
 * loopback S3 gate of the tests, node + s3rver with SigV4 checking; left
 * out, with a message, when node or its npm modules are missing), and
 * preload (issue 15: no laprof-cli, the program runs with
 * LD_PRELOAD=liblaprof.so, LAPROF_OUTPUT=TMPDIR and LAPROF_PERIOD=P: the
 * in-process sampler, its report stored at exit; on with --preload PATH).
 *
 * --workload PROGRAM [-- ARG…] runs PROGRAM ARG… instead of the handler (no
 * demo server), a second workload on which the figures must hold too. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "lp-bench-util.h"

enum { V_NATIVE, V_DISCARD, V_DIR, V_S3, V_PRELOAD, N_VARIANTS };

static const char *variant_label[N_VARIANTS] = {
  "native",
  "profiled, report discarded (-o /dev/null)",
  "profiled, filesystem storer (--store DIR)",
  "profiled, S3 storer (--store s3://, loopback gate)",
  "profiled in-process (LD_PRELOAD=liblaprof.so, LAPROF_OUTPUT=DIR)",
};

static const char *variant_name[N_VARIANTS] = { "native", "discard", "dir", "s3", "preload" };

/* The CPU time (user + system) of the children waited for so far. */
static double
children_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Runs @argv with @envp; its time from spawn to exit in seconds, or < 0 after
 * printing why it failed. *@rounds: the handler's compute rounds (--verbose);
 * *@cpu: the CPU time of the run and of the processes it waited for (with
 * laprof-cli: laprof-cli and the program). */
static double
run_timed (char       **argv,
           char       **envp,
           double      *rounds,
           double      *cpu)
{
  double cpu0 = children_cpu ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  double t0 = lp_bench_now (), t1;

  if (!g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &status, &error))
    {
      fprintf (stderr, "performance-impact: %s: %s\n", argv[0], error->message);
      return -1;
    }
  t1 = lp_bench_now ();
  *cpu = children_cpu () - cpu0;
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_autofree char *cmd = g_strjoinv (" ", argv);
      fprintf (stderr, "performance-impact: %s failed (%s):\n%s\n", cmd, error->message, err ? err : "");
      return -1;
    }
  /* "sleep … s, compute … s, request … s (… bytes), N compute rounds" */
  {
    const char *end = out ? strstr (out, " compute rounds") : NULL;
    const char *p = end;

    while (p != NULL && p > out && g_ascii_isdigit (p[-1]))
      p--;
    *rounds = p != NULL && p < end ? g_ascii_strtod (p, NULL) : 0;
  }
  return t1 - t0;
}

typedef struct
{
  GSubprocess *process;
  char        *dir;
  char        *endpoint;
} Gate;

static void
gate_stop (Gate *gate)
{
  if (gate->process != NULL)
    {
      /* closing its standard input is how it knows to stop */
      g_output_stream_close (g_subprocess_get_stdin_pipe (gate->process), NULL, NULL);
      g_subprocess_send_signal (gate->process, SIGTERM);
      g_subprocess_wait (gate->process, NULL, NULL);
      g_clear_object (&gate->process);
    }
  g_clear_pointer (&gate->endpoint, g_free);
}

/* The tests' S3 gate (tests/s3/gate.js): FALSE with *@why when it cannot run. */
static gboolean
gate_start (Gate        *gate,
            const char  *gate_js,
            const char  *tmpdir,
            char       **why)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *s3dir = g_path_get_dirname (gate_js);
  g_autofree char *s3rver = g_build_filename (s3dir, "node_modules", "s3rver", "package.json", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (node == NULL)
    {
      *why = g_strdup ("node is not installed (apt-get install nodejs npm)");
      return FALSE;
    }
  if (!g_file_test (gate_js, G_FILE_TEST_EXISTS))
    {
      *why = g_strdup_printf ("%s does not exist", gate_js);
      return FALSE;
    }
  if (!g_file_test (s3rver, G_FILE_TEST_EXISTS))
    {
      /* as the S3 tests do: install what package-lock.json pins */
      const char *npm_argv[] = { "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", NULL };
      int status = 0;

      printf ("installing the S3 gate's npm modules in %s (npm ci)\n", s3dir);
      fflush (stdout);
      if (!g_spawn_sync (s3dir, (char **) npm_argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                         NULL, NULL, NULL, NULL, &status, NULL) ||
          !g_spawn_check_wait_status (status, NULL) || !g_file_test (s3rver, G_FILE_TEST_EXISTS))
        {
          *why = g_strdup_printf ("the S3 gate's npm modules are missing and 'npm ci' failed (run: npm ci --prefix %s)", s3dir);
          return FALSE;
        }
    }
  gate->dir = g_build_filename (tmpdir, "s3rver", NULL);
  g_mkdir_with_parents (gate->dir, 0700);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "GATE_CREDENTIALS", "AKIDBENCH:bench-secret", TRUE);
  gate->process = g_subprocess_launcher_spawn (launcher, &error, node, "--openssl-legacy-provider", gate_js,
                                               "--dir", gate->dir, "--bucket", "reports",
                                               "--region", "us-east-1", NULL);
  if (gate->process == NULL)
    {
      *why = g_strdup_printf ("could not start the S3 gate: %s", error->message);
      return FALSE;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (gate->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "READY "))
    {
      *why = g_strdup_printf ("the S3 gate did not start (%s)", error ? error->message : line ? line : "no output");
      gate_stop (gate);
      return FALSE;
    }
  gate->endpoint = g_strdup_printf ("http://127.0.0.1:%s", line + 6);
  return TRUE;
}

static void
print_stats (const char   *label,
             const double *v,
             guint         n)
{
  double mean, stdev;

  lp_bench_mean_stdev (v, n, &mean, &stdev);
  printf ("%s: %.4f +- %.4f seconds\n", label, mean, stdev);
}

/* laprof-cli record -q --period P OPTION VALUE -- COMMAND… */
static char **
profiled_argv (const char  *cli,
               const char  *period,
               const char  *option,
               const char  *value,
               char       **command)
{
  GPtrArray *a = g_ptr_array_new ();
  const char *head[] = { cli, "record", "-q", "--period", period, option, value, "--" };

  for (guint i = 0; i < G_N_ELEMENTS (head); i++)
    g_ptr_array_add (a, g_strdup (head[i]));
  for (guint i = 0; command[i] != NULL; i++)
    g_ptr_array_add (a, g_strdup (command[i]));
  g_ptr_array_add (a, NULL);
  return (char **) g_ptr_array_free (a, FALSE);
}

static char *
default_cli (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : g_strdup (".");

  return g_build_filename (dir, "..", "app", "cli", "laprof-cli", NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cli_opt = NULL;
  g_autofree char *server_opt = NULL;
  g_autofree char *handler_opt = NULL;
  g_autofree char *gate_js = NULL;
  g_autofree char *preload = NULL;
  g_autofree char *workload = NULL;
  g_autofree char *variants_text = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *server_path = NULL;
  g_autofree char *handler_path = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *preload_dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *why = NULL;
  g_auto(GStrv) native_env = g_get_environ ();
  g_auto(GStrv) s3_env = NULL;
  g_auto(GStrv) preload_env = NULL;
  g_autoptr(GPtrArray) command = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *times[N_VARIANTS] = { NULL };
  g_autofree double *rounds[N_VARIANTS] = { NULL };
  g_autofree double *cpus[N_VARIANTS] = { NULL };
  char period_text[G_ASCII_DTOSTR_BUF_SIZE], scale_text[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean enabled[N_VARIANTS] = { TRUE, TRUE, TRUE, TRUE, FALSE };
  int iterations = 5, status = 0;
  double period = 0.01, scale = 0.1, mean, stdev;
  Gate gate = { 0 };
  guint16 port;
  GPid server = 0;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, "Rounds (default 5)", "N" },
    { "period", 'p', 0, G_OPTION_ARG_DOUBLE, &period, "laprof's sampling period in seconds (default 0.01)", "SECONDS" },
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &scale, "The handler's --scale (default 0.1: 0.3 s per phase, about 0.9 s)", "FACTOR" },
    { "variants", 0, 0, G_OPTION_ARG_STRING, &variants_text, "Profiled variants, of discard,dir,s3 (default all)", "LIST" },
    { "cli", 0, 0, G_OPTION_ARG_FILENAME, &cli_opt, "laprof-cli (default: ../app/cli/laprof-cli from this program)", "PATH" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_opt, "The demo server (default: demo-server beside this program)", "PATH" },
    { "handler", 0, 0, G_OPTION_ARG_FILENAME, &handler_opt, "The demo handler (default: demo-handler beside this program)", "PATH" },
    { "s3-gate", 0, 0, G_OPTION_ARG_FILENAME, &gate_js, "tests/s3/gate.js of the source tree, for the s3 variant", "PATH" },
    { "preload", 0, 0, G_OPTION_ARG_FILENAME, &preload, "liblaprof.so, for the preload variant (on by default when given)", "PATH" },
    { "workload", 0, 0, G_OPTION_ARG_FILENAME, &workload, "Run PROGRAM (with the arguments after --) instead of the demo handler", "PROGRAM" },
    { NULL }
  };

  context = g_option_context_new ("— the demo handler's run time natively and under laprof-cli record");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "performance-impact: %s\n", error->message);
      return 2;
    }
  if (iterations < 1 || period < 0.0001 || scale <= 0)
    {
      fprintf (stderr, "performance-impact: --iterations must be at least 1, --period at least 0.0001, --scale positive\n");
      return 2;
    }
  if (variants_text != NULL)
    {
      g_auto(GStrv) names = g_strsplit (variants_text, ",", -1);

      for (guint v = V_DISCARD; v < N_VARIANTS; v++)
        enabled[v] = FALSE;
      for (guint i = 0; names[i] != NULL; i++)
        {
          guint v = V_DISCARD;

          while (v < N_VARIANTS && !g_str_equal (names[i], variant_name[v]))
            v++;
          if (v == N_VARIANTS)
            {
              fprintf (stderr, "performance-impact: unknown variant '%s' (discard, dir, s3, preload)\n", names[i]);
              return 2;
            }
          enabled[v] = TRUE;
        }
    }
  else
    enabled[V_PRELOAD] = preload != NULL;
  if (enabled[V_PRELOAD] && preload == NULL)
    {
      fprintf (stderr, "performance-impact: the preload variant needs --preload PATH (build/app/lib/liblaprof.so)\n");
      return 2;
    }
  cli = cli_opt ? g_strdup (cli_opt) : default_cli ();
  server_path = lp_bench_program_path (server_opt ? server_opt : "demo-server");
  handler_path = lp_bench_program_path (handler_opt ? handler_opt : "demo-handler");
  g_ascii_formatd (period_text, sizeof period_text, "%g", period);
  g_ascii_formatd (scale_text, sizeof scale_text, "%g", scale);

  tmpdir = g_dir_make_tmp ("laprof-impact-XXXXXX", &error);
  if (tmpdir == NULL)
    {
      fprintf (stderr, "performance-impact: %s\n", error->message);
      return 1;
    }
  store_dir = g_build_filename (tmpdir, "reports", NULL);
  preload_dir = g_build_filename (tmpdir, "preload-reports", NULL);
  if (enabled[V_PRELOAD])
    {
      g_autofree char *lib = g_canonicalize_filename (preload, NULL);

      g_mkdir_with_parents (preload_dir, 0700);
      preload_env = g_get_environ ();
      preload_env = g_environ_setenv (preload_env, "LD_PRELOAD", lib, TRUE);
      preload_env = g_environ_setenv (preload_env, "LAPROF_OUTPUT", preload_dir, TRUE);
      preload_env = g_environ_setenv (preload_env, "LAPROF_PERIOD", period_text, TRUE);
    }

  if (enabled[V_S3])
    {
      if (gate_js == NULL)
        why = g_strdup ("no --s3-gate PATH (tests/s3/gate.js) given");
      if (why != NULL || !gate_start (&gate, gate_js, tmpdir, &why))
        {
          printf ("S3 variant SKIPPED: %s\n", why);
          enabled[V_S3] = FALSE;
        }
      else
        {
          g_autofree char *creds = g_build_filename (tmpdir, "no-aws-credentials", NULL);

          s3_env = g_get_environ ();
          s3_env = g_environ_setenv (s3_env, "AWS_ACCESS_KEY_ID", "AKIDBENCH", TRUE);
          s3_env = g_environ_setenv (s3_env, "AWS_SECRET_ACCESS_KEY", "bench-secret", TRUE);
          s3_env = g_environ_unsetenv (s3_env, "AWS_SESSION_TOKEN");
          s3_env = g_environ_unsetenv (s3_env, "AWS_PROFILE");
          s3_env = g_environ_setenv (s3_env, "AWS_REGION", "us-east-1", TRUE);
          s3_env = g_environ_setenv (s3_env, "AWS_ENDPOINT_URL", gate.endpoint, TRUE);
          s3_env = g_environ_unsetenv (s3_env, "AWS_ENDPOINT_URL_S3");
          s3_env = g_environ_setenv (s3_env, "AWS_SHARED_CREDENTIALS_FILE", creds, TRUE);
          s3_env = g_environ_setenv (s3_env, "AWS_CONFIG_FILE", creds, TRUE);
        }
    }

  if (workload != NULL)
    {
      g_ptr_array_add (command, g_strdup (workload));
      for (int i = 1; i < argc; i++)
        if (!g_str_equal (argv[i], "--"))
          g_ptr_array_add (command, g_strdup (argv[i]));
    }
  else
    {
      server = lp_bench_demo_server_start (server_path, 3.0 * scale, &port, &error);
      if (server == 0)
        {
          fprintf (stderr, "performance-impact: could not start the demo server: %s\n", error->message);
          gate_stop (&gate);
          return 1;
        }
      url = g_strdup_printf ("http://127.0.0.1:%u/", port);
      for (const char *const *a = (const char *const[]) { handler_path, "--scale", scale_text, "--url", url, "--verbose", NULL };
           *a != NULL; a++)
        g_ptr_array_add (command, g_strdup (*a));
    }
  g_ptr_array_add (command, NULL);

  for (guint v = 0; v < N_VARIANTS; v++)
    {
      times[v] = g_new0 (double, iterations);
      rounds[v] = g_new0 (double, iterations);
      cpus[v] = g_new0 (double, iterations);
    }

  {
    char **native_argv = (char **) command->pdata;
    g_auto(GStrv) discard_argv = profiled_argv (cli, period_text, "-o", "/dev/null", native_argv);
    g_auto(GStrv) dir_argv = profiled_argv (cli, period_text, "--store", store_dir, native_argv);
    g_auto(GStrv) s3_argv = profiled_argv (cli, period_text, "--store", "s3://reports/bench/", native_argv);
    char **argvs[N_VARIANTS] = { native_argv, discard_argv, dir_argv, s3_argv, native_argv };
    char **envs[N_VARIANTS] = { native_env, native_env, native_env, s3_env, preload_env };
    g_autofree char *shown = g_strjoinv (" ", native_argv);

    printf ("Running %s %d times natively and %d times profiled at period %s (%s%s), interleaved.\n",
            shown, iterations, iterations, period_text,
            enabled[V_DISCARD] || enabled[V_DIR] || enabled[V_S3] ? "laprof-cli record" : "",
            enabled[V_PRELOAD] ? (enabled[V_DISCARD] || enabled[V_DIR] || enabled[V_S3] ? ", in-process" : "in-process") : "");
    fflush (stdout);
    /* one run of each, untimed: page cache, the server's first thread */
    for (guint v = 0; v < N_VARIANTS && status == 0; v++)
      {
        double ignored, ignored_cpu;
        if (enabled[v] && run_timed (argvs[v], envs[v], &ignored, &ignored_cpu) < 0)
          status = 1;
      }
    for (int it = 0; it < iterations && status == 0; it++)
      for (guint v = 0; v < N_VARIANTS && status == 0; v++)
        if (enabled[v] && (times[v][it] = run_timed (argvs[v], envs[v], &rounds[v][it], &cpus[v][it])) < 0)
          status = 1;
  }

  if (server != 0)
    lp_bench_demo_server_stop (server);
  if (enabled[V_PRELOAD] && status == 0)
    {
      /* every preloaded run stored its report, or the figures mean nothing */
      g_autoptr(GDir) dir = g_dir_open (preload_dir, 0, NULL);
      int stored = 0;

      while (dir != NULL && g_dir_read_name (dir) != NULL)
        stored++;
      printf ("reports stored by the preloaded runs: %d of %d\n", stored, iterations + 1);
      if (stored != iterations + 1)
        {
          fprintf (stderr, "performance-impact: the preloaded runs stored %d reports, not %d\n", stored, iterations + 1);
          status = 1;
        }
    }
  gate_stop (&gate);

  if (status == 0)
    {
      print_stats (variant_label[V_NATIVE], times[V_NATIVE], iterations);
      lp_bench_mean_stdev (rounds[V_NATIVE], iterations, &mean, &stdev);
      if (workload == NULL)
        printf ("  work in the compute phase: %.1f +- %.1f rounds\n", mean, stdev);
      lp_bench_mean_stdev (cpus[V_NATIVE], iterations, &mean, &stdev);
      printf ("  CPU time (user + system): %.4f +- %.4f seconds\n", mean, stdev);
      for (guint v = V_DISCARD; v < N_VARIANTS; v++)
        {
          g_autofree double *impact = g_new (double, iterations);
          g_autofree char *label = NULL;

          if (!enabled[v])
            continue;
          for (int it = 0; it < iterations; it++)
            impact[it] = times[v][it] - times[V_NATIVE][it];
          print_stats (variant_label[v], times[v], iterations);
          label = g_strdup_printf ("  impact (%s)", variant_name[v]);
          print_stats (label, impact, iterations);
          for (int it = 0; it < iterations; it++)
            impact[it] = 100.0 * (times[v][it] / times[V_NATIVE][it] - 1.0);
          lp_bench_mean_stdev (impact, iterations, &mean, &stdev);
          printf ("  impact (%s): %+.2f +- %.2f %% of the native run time\n", variant_name[v], mean, stdev);
          /* CPU time: what another process on the machine does not inflate */
          lp_bench_mean_stdev (cpus[v], iterations, &mean, &stdev);
          printf ("  CPU time (user + system): %.4f +- %.4f seconds", mean, stdev);
          for (int it = 0; it < iterations; it++)
            impact[it] = cpus[v][it] - cpus[V_NATIVE][it];
          lp_bench_mean_stdev (impact, iterations, &mean, &stdev);
          printf (", impact %+.4f +- %.4f seconds", mean, stdev);
          for (int it = 0; it < iterations; it++)
            impact[it] = 100.0 * (cpus[v][it] / cpus[V_NATIVE][it] - 1.0);
          lp_bench_mean_stdev (impact, iterations, &mean, &stdev);
          printf (" (%+.2f +- %.2f %%)\n", mean, stdev);
          if (workload != NULL)
            continue;
          /* the phases last what they last; the profiler's cost shows as
           * work not done in the compute phase */
          for (int it = 0; it < iterations; it++)
            impact[it] = rounds[V_NATIVE][it] > 0 ? 100.0 * (1.0 - rounds[v][it] / rounds[V_NATIVE][it]) : 0;
          lp_bench_mean_stdev (rounds[v], iterations, &mean, &stdev);
          printf ("  work in the compute phase: %.1f +- %.1f rounds", mean, stdev);
          lp_bench_mean_stdev (impact, iterations, &mean, &stdev);
          printf (", %.2f +- %.2f %% fewer than native\n", mean, stdev);
        }
      if (!enabled[V_S3] && (variants_text == NULL || strstr (variants_text, "s3") != NULL))
        printf ("(no S3 figures: the S3 variant was skipped, see above)\n");
    }

  {
    /* what we made under the temporary directory, and nothing else */
    const char *argv_rm[] = { "rm", "-rf", "--", tmpdir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
