/* test-process-list.c: the process list read from /proc, against processes this test starts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>

#include "lp-process-list.h"

static const LpProcessInfo *
find_pid (const LpProcessList *list,
          int                  pid)
{
  for (guint i = 0; i < lp_process_list_get_n (list); i++)
    if (lp_process_list_get (list, i)->pid == pid)
      return lp_process_list_get (list, i);
  return NULL;
}

static GPid
spawn (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static void
end (GPid pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

/* this test program itself: its name, command line, threads, owner */
static void
test_self (void)
{
  g_autoptr(LpProcessList) list = lp_process_list_new ();
  g_autoptr(GError) error = NULL;
  const LpProcessInfo *me;

  g_assert_true (lp_process_list_refresh (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lp_process_list_get_n (list), >, 1);
  me = find_pid (list, getpid ());
  g_assert_nonnull (me);
  g_assert_cmpstr (me->name, ==, "test-process-li"); /* comm: 15 bytes at most */
  g_assert_true (strstr (me->cmdline, "test-process-list") != NULL);
  g_assert_cmpuint (me->n_threads, >=, 1);
  g_assert_true (me->is_own);
  g_assert_false (me->is_kernel_thread);
  g_assert_cmpuint (me->uid, ==, getuid ());
  g_assert_nonnull (me->user);
  g_assert_nonnull (me->why_not); /* laprof does not profile itself */
}

/* a child's arguments are joined by spaces; a busy one shows its CPU use */
static void
test_child_cpu (void)
{
  const char *argv[] = { "/bin/sh", "-c", "while :; do :; done", NULL };
  g_autoptr(LpProcessList) list = lp_process_list_new ();
  const LpProcessInfo *child;
  GPid pid = spawn (argv);

  g_assert_true (lp_process_list_refresh (list, NULL));
  child = find_pid (list, pid);
  g_assert_nonnull (child);
  g_assert_cmpstr (child->cmdline, ==, "/bin/sh -c while :; do :; done");
  g_assert_cmpstr (child->name, ==, "sh");
  if (geteuid () == 0)
    g_assert_null (child->why_not);
  g_usleep (G_USEC_PER_SEC / 2);
  g_assert_true (lp_process_list_refresh (list, NULL));
  child = find_pid (list, pid);
  g_assert_nonnull (child);
  /* a spinning shell on a shared machine: well over a tenth of a CPU */
  g_assert_cmpfloat (child->cpu_percent, >, 10.0);
  g_assert_cmpfloat (child->cpu_percent, <=, 100.0 * g_get_num_processors () + 5);
  end (pid);
}

/* a process that ended is gone at the next refresh, and says why it cannot be traced */
static void
test_gone (void)
{
  const char *argv[] = { "/bin/sleep", "100", NULL };
  g_autoptr(LpProcessList) list = lp_process_list_new ();
  g_autofree char *why = NULL;
  GPid pid = spawn (argv);

  g_assert_true (lp_process_list_refresh (list, NULL));
  g_assert_nonnull (find_pid (list, pid));
  end (pid);
  g_assert_true (lp_process_list_refresh (list, NULL));
  g_assert_null (find_pid (list, pid));
  why = lp_process_list_why_not_traceable (pid);
  g_assert_nonnull (why);
  g_assert_true (strstr (why, "does not exist") != NULL || strstr (why, "n’existe") != NULL);
}

/* kthreadd, pid 2, is a kernel thread: listed as such, never traceable */
static void
test_kernel_thread (void)
{
  g_autoptr(LpProcessList) list = lp_process_list_new ();
  g_autofree char *why = NULL;
  const LpProcessInfo *kthreadd;

  g_assert_true (lp_process_list_refresh (list, NULL));
  kthreadd = find_pid (list, 2);
  if (kthreadd == NULL)
    {
      g_test_skip ("no pid 2 in this pid namespace");
      return;
    }
  g_assert_true (kthreadd->is_kernel_thread);
  g_assert_cmpstr (kthreadd->cmdline, ==, "[kthreadd]");
  why = lp_process_list_why_not_traceable (2);
  g_assert_nonnull (why);
}

/* a process another tracer holds says which one, and what to do */
static void
test_traced (void)
{
  const char *argv[] = { "/bin/sleep", "100", NULL };
  g_autofree char *why = NULL;
  g_autofree char *tracer = NULL;
  GPid pid = spawn (argv);
  GPid me = getpid ();
  int status;

  if (ptrace (PTRACE_SEIZE, pid, NULL, NULL) != 0)
    {
      end (pid);
      g_test_skip ("ptrace is not allowed here");
      return;
    }
  why = lp_process_list_why_not_traceable (pid);
  g_assert_nonnull (why);
  tracer = g_strdup_printf ("%d", me);
  g_assert_true (strstr (why, tracer) != NULL);
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/process-list/self", test_self);
  g_test_add_func ("/core/process-list/child-cpu", test_child_cpu);
  g_test_add_func ("/core/process-list/gone", test_gone);
  g_test_add_func ("/core/process-list/kernel-thread", test_kernel_thread);
  g_test_add_func ("/core/process-list/traced", test_traced);
  return g_test_run ();
}
