/* test-kernel.c: kernel frames: laprof-cli record on real processes in the kernel, their names, hiding and colours.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-collapse.h"
#include "lp-flame-color.h"
#include "lp-folded-reader.h"
#include "lp-kernel.h"
#include "lp-report-view.h"

static const char *cli;
static const char *target;
static char *tmpdir;

static void
drop_root (gpointer data)
{
  if (setgid (65534) != 0 || setuid (65534) != 0)
    _exit (99);
}

/* Runs `laprof-cli record ARGS… -o REPORT -- kernel-target MODE SECONDS`,
 * as nobody if @unprivileged; its report, and its standard error in *@err. */
static LpFolded *
record (const char *name,
        gboolean    unprivileged,
        const char *const *args,
        const char *mode,
        const char *seconds,
        char      **err)
{
  g_autofree char *dir = g_build_filename (tmpdir, name, NULL);
  g_autofree char *report = g_build_filename (dir, "report.folded", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *asan_env = NULL;
  LpFolded *folded;
  int status;

  g_assert_cmpint (g_mkdir (dir, 0777), ==, 0);
  g_assert_cmpint (chmod (dir, 0777), ==, 0);
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, "record");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, report);
  g_ptr_array_add (argv, "--");
  /* a sanitized target (CI's pass): LeakSanitizer cannot work under
   * ptrace, and liblaprof is preloaded after the sanitizer's runtime */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_ptr_array_add (argv, "env");
      g_ptr_array_add (argv, asan_env = g_strdup_printf ("ASAN_OPTIONS=%s:detect_leaks=0:verify_asan_link_order=0",
                                                         g_getenv ("ASAN_OPTIONS")));
    }
  g_ptr_array_add (argv, (gpointer) target);
  g_ptr_array_add (argv, (gpointer) mode);
  g_ptr_array_add (argv, (gpointer) seconds);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, unprivileged ? drop_root : NULL, NULL,
                &out, err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", *err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  folded = lp_folded_new ();
  {
    g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);

    lp_folded_reader_read_file (reader, report, &error);
    g_assert_no_error (error);
  }
  return folded;
}

static gboolean
may_record_kernel (void)
{
  g_autoptr(GError) error = NULL;

  if (getuid () != 0)
    {
      g_test_skip ("kernel frames need root here");
      return FALSE;
    }
  if (!lp_kernel_check (0, &error) || !lp_kernel_check (getpid (), &error))
    {
      g_test_skip (error->message);
      return FALSE;
    }
  return TRUE;
}

/* the frames of stack @k of @folded, each checked: user frames, then
 * kernel frames, then at most an idle leaf; the index of its first
 * kernel frame (st.depth: none) */
static guint
check_order (LpFolded      *folded,
             guint          k,
             LpFoldedStack *st)
{
  guint first = G_MAXUINT;

  lp_folded_get_stack (folded, k, st);
  for (guint d = 0; d < st->depth; d++)
    {
      const char *name = lp_folded_frame_name (folded, st->frames[d]);

      if (lp_kernel_is_frame (name) && first == G_MAXUINT)
        first = d;
      else if (!lp_kernel_is_frame (name) && first != G_MAXUINT)
        {
          /* after the kernel's frames, only the idle leaf */
          g_assert_true (lp_collapse_is_idle_frame (name));
          g_assert_cmpuint (d, ==, st->depth - 1);
        }
    }
  return first == G_MAXUINT ? st->depth : first;
}

static gboolean
stack_has (LpFolded            *folded,
           const LpFoldedStack *st,
           guint                end,
           const char          *part)
{
  for (guint d = 0; d < end; d++)
    if (strstr (lp_folded_frame_name (folded, st->frames[d]), part) != NULL)
      return TRUE;
  return FALSE;
}

/* Whether @name less its suffix is a function of /proc/kallsyms. */
static gboolean
in_kallsyms (const char *kallsyms,
             const char *name)
{
  g_autofree char *function = g_strndup (name, strlen (name) - strlen (LP_KERNEL_SUFFIX));
  g_autofree char *line = g_strdup_printf (" %s\n", function);
  g_autofree char *module_line = g_strdup_printf (" %s\t", function);

  return strstr (kallsyms, line) != NULL || strstr (kallsyms, module_line) != NULL;
}

/* cpu mode, a program that spends its time in read(): by default, the
 * kernel's call chain above read's user frames, named from kallsyms, the
 * system call's entry first */
static void
test_cpu_syscalls (void)
{
  const char *args[] = { "--mode", "cpu", "-F", "500", NULL };
  g_autofree char *err = NULL;
  g_autofree char *kallsyms = NULL;
  g_autoptr(LpFolded) folded = NULL;
  double total = 0, in_read = 0, with_sys = 0, entry_first = 0;

  if (!may_record_kernel ())
    return;
  g_assert_true (g_file_get_contents ("/proc/kallsyms", &kallsyms, NULL, NULL));
  folded = record ("cpu", FALSE, args, "syscalls", "1.5", &err);
  g_assert_nonnull (strstr (err, "kernel frames: on"));
  for (guint k = 0; k < lp_folded_get_n_stacks (folded); k++)
    {
      LpFoldedStack st;
      guint first = check_order (folded, k, &st);

      total += st.count;
      if (first == st.depth || !stack_has (folded, &st, first, "zero_reader"))
        continue;
      in_read += st.count;
      if (stack_has (folded, &st, st.depth, "sys_"))
        with_sys += st.count;
      if (g_str_has_prefix (lp_folded_frame_name (folded, st.frames[first]), "entry_SYSCALL"))
        entry_first += st.count;
      for (guint d = first; d < st.depth; d++)
        {
          const char *name = lp_folded_frame_name (folded, st.frames[d]);

          if (!in_kallsyms (kallsyms, name))
            g_error ("%s is not a kernel function", name);
        }
    }
  g_test_message ("%.0f samples, %.0f with kernel frames above zero_reader, %.0f of them through a sys_ function, "
                  "%.0f from the entry code", total, in_read, with_sys, entry_first);
  /* reading 64 KiB of /dev/zero is mostly the kernel's clear_user */
  g_assert_cmpfloat (in_read, >=, 0.5 * total);
  g_assert_cmpfloat (with_sys, >=, 0.5 * in_read);
  g_assert_cmpfloat (entry_first, >=, 0.9 * in_read);
}

/* wall mode, threads blocked in futex and clock_nanosleep: the kernel
 * path each waits in, between its user frames and its idle leaf */
static void
test_wall_blocked (void)
{
  const char *args[] = { "-F", "200", NULL };
  g_autofree char *err = NULL;
  g_autoptr(LpFolded) folded = NULL;
  double futex = 0, futex_kernel = 0, sleep = 0, sleep_kernel = 0;

  if (!may_record_kernel ())
    return;
  folded = record ("wall", FALSE, args, "wait", "1.5", &err);
  g_assert_nonnull (strstr (err, "kernel frames: on"));
  for (guint k = 0; k < lp_folded_get_n_stacks (folded); k++)
    {
      LpFoldedStack st;
      guint first = check_order (folded, k, &st);
      const char *leaf = lp_folded_frame_name (folded, st.frames[st.depth - 1]);

      if (stack_has (folded, &st, first, "cond_waiter"))
        {
          g_assert_cmpstr (leaf, ==, "[idle: futex]");
          futex += st.count;
          if (stack_has (folded, &st, st.depth, "futex_wait") && first < st.depth - 1)
            futex_kernel += st.count;
        }
      if (stack_has (folded, &st, first, "sleeper") && g_str_equal (leaf, "[idle: clock_nanosleep]"))
        {
          sleep += st.count;
          if (stack_has (folded, &st, st.depth, "nanosleep_[k]"))
            sleep_kernel += st.count;
        }
    }
  g_test_message ("futex: %.0f samples, %.0f through futex_wait_[k]; clock_nanosleep: %.0f, %.0f with a *nanosleep_[k]",
                  futex, futex_kernel, sleep, sleep_kernel);
  g_assert_cmpfloat (futex, >=, 200);
  g_assert_cmpfloat (futex_kernel, >=, 0.9 * futex);
  g_assert_cmpfloat (sleep, >=, 200);
  g_assert_cmpfloat (sleep_kernel, >=, 0.9 * sleep);
}

static double
count_kernel_frames (LpFolded *folded)
{
  double n = 0;

  for (guint k = 0; k < lp_folded_get_n_stacks (folded); k++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (folded, k, &st);
      for (guint d = 0; d < st.depth; d++)
        if (lp_kernel_is_frame (lp_folded_frame_name (folded, st.frames[d])))
          n += st.count;
    }
  return n;
}

/* --no-kernel: none, in either mode; cpu mode's --no-kernel-calls: none,
 * and the summary says why */
static void
test_switch_off (void)
{
  const char *cpu[] = { "--mode", "cpu", "-F", "500", "--no-kernel", NULL };
  const char *wall[] = { "-F", "200", "--no-kernel", NULL };
  const char *calls[] = { "--mode", "cpu", "-F", "500", "--no-kernel-calls", NULL };
  g_autofree char *err_cpu = NULL, *err_wall = NULL, *err_calls = NULL;
  g_autoptr(LpFolded) a = NULL;
  g_autoptr(LpFolded) b = NULL;
  g_autoptr(LpFolded) c = NULL;

  a = record ("off-cpu", FALSE, cpu, "syscalls", "1", &err_cpu);
  b = record ("off-wall", FALSE, wall, "wait", "1", &err_wall);
  c = record ("off-calls", FALSE, calls, "syscalls", "1", &err_calls);
  g_assert_cmpfloat (lp_folded_get_total (a), >, 100);
  g_assert_cmpfloat (lp_folded_get_total (b), >, 200);
  g_assert_cmpfloat (lp_folded_get_total (c), >, 100);
  g_assert_cmpfloat (count_kernel_frames (a), ==, 0);
  g_assert_cmpfloat (count_kernel_frames (b), ==, 0);
  g_assert_cmpfloat (count_kernel_frames (c), ==, 0);
  g_assert_null (strstr (err_cpu, "kernel frames"));
  g_assert_null (strstr (err_wall, "kernel frames"));
  if (getuid () == 0 && lp_kernel_check (0, NULL))
    g_assert_nonnull (strstr (err_calls, "kernel frames: off: --no-kernel-calls"));
}

/* in-process (liblaprof preloaded): the same kernel paths of blocked
 * threads, read without a stop; LAPROF_KERNEL=0 (--no-kernel) leaves them
 * out */
static void
test_in_process (void)
{
  const char *on[] = { "--in-process", "-F", "200", NULL };
  const char *off[] = { "--in-process", "-F", "200", "--no-kernel", NULL };
  g_autofree char *err_on = NULL, *err_off = NULL;
  g_autoptr(LpFolded) a = NULL;
  g_autoptr(LpFolded) b = NULL;
  double futex = 0, futex_kernel = 0;

  if (!may_record_kernel ())
    return;
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      /* the sanitizer's runtime would have to be preloaded before
       * liblaprof into `env`, as test-inprocess does */
      g_test_skip ("in-process under a sanitizer: see test-inprocess");
      return;
    }
  a = record ("in-process", FALSE, on, "wait", "1", &err_on);
  b = record ("in-process-off", FALSE, off, "wait", "1", &err_off);
  for (guint k = 0; k < lp_folded_get_n_stacks (a); k++)
    {
      LpFoldedStack st;
      guint first = check_order (a, k, &st);

      if (!stack_has (a, &st, first, "cond_waiter"))
        continue;
      futex += st.count;
      if (stack_has (a, &st, st.depth, "futex_wait") && first < st.depth - 1)
        futex_kernel += st.count;
    }
  g_test_message ("in-process futex: %.0f samples, %.0f through futex_wait_[k]", futex, futex_kernel);
  g_assert_cmpfloat (futex, >=, 100);
  g_assert_cmpfloat (futex_kernel, >=, 0.9 * futex);
  g_assert_cmpfloat (lp_folded_get_total (b), >=, 200);
  g_assert_cmpfloat (count_kernel_frames (b), ==, 0);
}

/* as nobody (kernel.perf_event_paranoid 2 here: perf events for user time
 * only; /proc/PID/stack is root's): a recording all the same, no kernel
 * frames, and the summary says why */
static void
test_unprivileged (void)
{
  const char *cpu[] = { "--mode", "cpu", "-F", "500", NULL };
  const char *wall[] = { "-F", "200", NULL };
  g_autofree char *err_cpu = NULL, *err_wall = NULL;
  g_autoptr(LpFolded) a = NULL;
  g_autoptr(LpFolded) b = NULL;
  g_autofree char *paranoid = NULL;

  if (getuid () != 0)
    {
      g_test_skip ("needs root to run the engine as another user");
      return;
    }
  if (!g_file_get_contents ("/proc/sys/kernel/perf_event_paranoid", &paranoid, NULL, NULL) || atoi (paranoid) < 2)
    {
      g_test_skip ("kernel.perf_event_paranoid lets every user see the kernel");
      return;
    }
  g_assert_cmpint (chmod (tmpdir, 0711), ==, 0);
  b = record ("nobody-wall", TRUE, wall, "wait", "1", &err_wall);
  g_assert_cmpfloat (lp_folded_get_total (b), >, 200);
  g_assert_cmpfloat (count_kernel_frames (b), ==, 0);
  g_assert_nonnull (strstr (err_wall, "kernel frames: off: "));
  if (atoi (paranoid) >= 3)
    return;   /* Debian's 3: no perf events at all for users */
  a = record ("nobody-cpu", TRUE, cpu, "syscalls", "1", &err_cpu);
  /* user time only: the little of it the reader spends outside read() */
  g_assert_cmpfloat (lp_folded_get_total (a), >, 5);
  g_assert_cmpfloat (count_kernel_frames (a), ==, 0);
  g_assert_nonnull (strstr (err_cpu, "kernel frames: off: "));
}

/* the view without kernel frames: none left, the same total, each sample
 * in the user frame that made the call; idle samples still hidden by
 * their leaf */
static void
test_hide (void)
{
  const char *report =
    "prog;main;read;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ksys_read_[k] 7\n"
    "prog;main;read 3\n"
    "prog;main;compute 5\n"
    "prog;worker;pthread_cond_wait;do_syscall_64_[k];futex_wait_[k];[idle: futex] 11\n"
    "prog;worker;pthread_cond_wait;[idle: futex] 2\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LpFolded) folded = lp_folded_new ();
  g_autoptr(LpFoldedReader) reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
  LpReportView views[] = { { .hide_kernel = TRUE }, { .hide_kernel = TRUE, .hide_idle = TRUE },
                           { .hide_kernel = TRUE, .reverse = TRUE } };
  const double totals[] = { 28, 15, 28 };

  g_assert_true (lp_folded_reader_feed (reader, report, strlen (report), &error) &&
                 lp_folded_reader_finish (reader, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      LpFolded *filtered = NULL;
      LpFlameModel *model = lp_report_view_build_model (&views[i], folded, &filtered, NULL);

      g_assert_true (lp_report_view_filters (&views[i]));
      g_assert_nonnull (filtered);
      g_assert_cmpfloat (lp_flame_model_get_total (model), ==, totals[i]);
      g_assert_cmpfloat (lp_folded_get_total (filtered), ==, totals[i]);
      g_assert_cmpfloat (count_kernel_frames (filtered), ==, 0);
      if (!views[i].reverse)
        {
          const char *const path[] = { "prog", "main", "read", NULL };
          guint32 node = lp_flame_model_find_path (model, path);

          g_assert_cmpuint (node, !=, LP_FLAME_NO_NODE);
          g_assert_cmpfloat (lp_flame_model_get_node (model, node)->total, ==, 10);
        }
      lp_flame_model_free (model);
      lp_folded_free (filtered);
    }
  {
    /* a copy keeps the switch */
    g_autoptr(LpReportView) copy = lp_report_view_copy (&views[0]);
    g_assert_true (copy->hide_kernel);
  }
}

/* a capture keeps kernel frames as the names they are, and so do the
 * exports for other tools */
static void
test_capture_exports (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "capture", NULL);
  g_autofree char *capture = g_build_filename (dir, "wait.laprof", NULL);
  const char *record_argv[] = { cli, "record", "-F", "200", "-o", capture, "--", target, "wait", "1", NULL };
  const char *formats[] = { "speedscope", "gecko", "pprof" };
  g_autoptr(GError) error = NULL;
  int status;

  if (!may_record_kernel ())
    return;
  g_assert_cmpint (g_mkdir (dir, 0777), ==, 0);
  g_spawn_sync (NULL, (char **) record_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *out = g_strdup_printf ("%s/out.%s", dir, formats[i]);
      const char *export_argv[] = { cli, "export", "--format", formats[i], "-o", out, capture, NULL };
      g_autofree char *raw = g_strdup_printf ("%s.raw", out);
      g_autofree char *gunzip = g_strdup_printf ("gzip -dc '%s' > '%s'", out, raw);
      const char *sh_argv[] = { "sh", "-c", gunzip, NULL };
      g_autofree char *text = NULL;
      gsize len;

      g_spawn_sync (NULL, (char **) export_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      /* pprof's profile.proto is gzip'd; its names are plain bytes inside */
      if (g_str_equal (formats[i], "pprof"))
        {
          g_spawn_sync (NULL, (char **) sh_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
          g_assert_no_error (error);
          g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
          g_assert_true (g_file_get_contents (raw, &text, &len, NULL));
        }
      else
        g_assert_true (g_file_get_contents (out, &text, &len, NULL));
      g_assert_nonnull (memmem (text, len, "futex_wait_[k]", strlen ("futex_wait_[k]")));
      g_assert_nonnull (memmem (text, len, "cond_waiter", strlen ("cond_waiter")));
    }
}

/* laprof-cli svg and png --no-kernel: the same graph without them */
static void
test_cli_graph (void)
{
  g_autofree char *report = g_build_filename (tmpdir, "graph.folded", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "graph.png", NULL);
  const char *text = "prog;main;read;do_syscall_64_[k];ksys_read_[k] 7\n"
                     "prog;main;compute 5\n";
  const char *with[] = { cli, "svg", report, NULL };
  const char *without[] = { cli, "svg", report, "--no-kernel", NULL };
  const char *png_args[] = { cli, "png", report, "--no-kernel", "-o", png, NULL };
  g_autofree char *svg_with = NULL, *svg_without = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_file_set_contents (report, text, -1, NULL));
  g_spawn_sync (NULL, (char **) with, NULL, G_SPAWN_DEFAULT, NULL, NULL, &svg_with, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_spawn_sync (NULL, (char **) without, NULL, G_SPAWN_DEFAULT, NULL, NULL, &svg_without, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (svg_with, "ksys_read"));
  g_assert_null (strstr (svg_without, "ksys_read"));
  g_assert_null (strstr (svg_without, "do_syscall_64"));
  /* read keeps its 7 samples, all 12 are there */
  g_assert_nonnull (strstr (svg_without, "read (7 samples"));
  g_assert_nonnull (strstr (svg_without, "all (12 samples"));
  g_spawn_sync (NULL, (char **) png_args, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
}

/* in every palette, no kernel frame has a colour a user frame can have */
static void
test_colours (void)
{
  static const char *const user[] = { "main", "compute", "read", "pthread_cond_wait", "std::vector<int>::push_back",
                                      "malloc", "[unknown]", "handler (app.py)", "__libc_start_main", "zero_reader",
                                      "cond_waiter", "_start", "start_thread", "__clone3", "g_main_loop_run",
                                      "[truncated]", "xz", "lzma_code", "Interp_[i]", "jit_[j]" };
  static const char *const kernel[] = { "entry_SYSCALL_64_after_hwframe_[k]", "do_syscall_64_[k]", "ksys_read_[k]",
                                        "__x64_sys_futex_[k]", "futex_wait_[k]", "hrtimer_nanosleep_[k]",
                                        "clear_user_[k]", "schedule_[k]", "vfs_write_[k]", "[unknown]_[k]",
                                        "asm_exc_page_fault_[k]", "read_iter_zero_[k]" };
  LpFlamePalette palettes[] = { LP_FLAME_PALETTE_HOT, LP_FLAME_PALETTE_MEM, LP_FLAME_PALETTE_IO,
                                LP_FLAME_PALETTE_LANG, LP_FLAME_PALETTE_RED, LP_FLAME_PALETTE_GREEN,
                                LP_FLAME_PALETTE_BLUE, LP_FLAME_PALETTE_AQUA, LP_FLAME_PALETTE_YELLOW,
                                LP_FLAME_PALETTE_PURPLE, LP_FLAME_PALETTE_ORANGE };

  for (guint p = 0; p < G_N_ELEMENTS (palettes); p++)
    for (int hash = 0; hash < 2; hash++)
      for (guint u = 0; u < G_N_ELEMENTS (user) + 1000; u++)
        {
          g_autofree char *generated = g_strdup_printf ("function_%u", u);
          const char *name = u < G_N_ELEMENTS (user) ? user[u] : generated;
          LpRgb uc = lp_flame_color_for_name (name, palettes[p], hash);

          for (guint k = 0; k < G_N_ELEMENTS (kernel); k++)
            {
              LpRgb kc = lp_flame_color_for_name (kernel[k], palettes[p], hash);

              if (kc.r == uc.r && kc.g == uc.g && kc.b == uc.b)
                g_error ("palette %u: %s and %s are both #%02x%02x%02x", p, kernel[k], name, kc.r, kc.g, kc.b);
              /* nor the idle frames' colour */
              g_assert_false (kc.r == 176 && kc.g == 196 && kc.b == 222);
            }
        }
}

/* the symbol table and the stack file's parser */
static void
test_symbols (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *kallsyms = NULL;
  const LpKernelSymbols *symbols;
  const char *name, *line;
  guint64 addr;

  lp_kernel_parse_stack ("[<0>] hrtimer_nanosleep+0xb5/0x130\n"
                         "[<0>] common_nsleep+0x30/0x60\n"
                         "[<0>] ext4_file_write_iter+0x30/0x60 [ext4]\n"
                         "[<0>] do_syscall_64+0x71/0x290\n"
                         "[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e\n", names);
  g_assert_cmpuint (names->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "entry_SYSCALL_64_after_hwframe_[k]");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "ext4_file_write_iter_[k]");
  g_assert_cmpstr (g_ptr_array_index (names, 4), ==, "hrtimer_nanosleep_[k]");
  g_assert_true (lp_kernel_is_frame ("futex_wait_[k]"));
  g_assert_false (lp_kernel_is_frame ("futex_wait"));
  g_assert_false (lp_kernel_is_frame ("[idle: futex]"));

  if (!may_record_kernel ())
    return;
  symbols = lp_kernel_symbols_get (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (lp_kernel_symbols_count (symbols), >, 1000);
  g_assert_true (g_file_get_contents ("/proc/kallsyms", &kallsyms, NULL, NULL));
  line = strstr (kallsyms, " T do_syscall_64\n");
  g_assert_nonnull (line);
  while (line > kallsyms && line[-1] != '\n')
    line--;
  addr = g_ascii_strtoull (line, NULL, 16);
  g_assert_cmpuint (lp_kernel_symbols_lookup (symbols, addr, &name), !=, G_MAXUINT);
  g_assert_cmpstr (name, ==, "do_syscall_64");
  g_assert_cmpuint (lp_kernel_symbols_lookup (symbols, addr + 0x10, &name), !=, G_MAXUINT);
  g_assert_cmpstr (name, ==, "do_syscall_64");
  g_assert_cmpuint (lp_kernel_symbols_lookup (symbols, 0x1000, &name), ==, G_MAXUINT);
  g_assert_null (name);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cli = g_getenv ("LAPROF_CLI");
  target = g_getenv ("KERNEL_TARGET");
  g_assert_nonnull (cli);
  g_assert_nonnull (target);
  tmpdir = g_dir_make_tmp ("laprof-kernel-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/kernel/symbols", test_symbols);
  g_test_add_func ("/kernel/cpu-syscalls", test_cpu_syscalls);
  g_test_add_func ("/kernel/wall-blocked", test_wall_blocked);
  g_test_add_func ("/kernel/switch-off", test_switch_off);
  g_test_add_func ("/kernel/unprivileged", test_unprivileged);
  g_test_add_func ("/kernel/in-process", test_in_process);
  g_test_add_func ("/kernel/hide", test_hide);
  g_test_add_func ("/kernel/colours", test_colours);
  g_test_add_func ("/kernel/cli-graph", test_cli_graph);
  g_test_add_func ("/kernel/capture-exports", test_capture_exports);
  ret = g_test_run ();

  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (rm) != 0)
      ret = 1;
  }
  g_free (tmpdir);
  return ret;
}
