/* lp-seccomp-run.c: runs a command where ptrace, perf events and process_vm_readv are forbidden, as in AWS Lambda.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   lp-seccomp-run [--no-fork] [--] COMMAND [ARG…]
 *
 * Installs a seccomp filter that makes ptrace, perf_event_open,
 * process_vm_readv and process_vm_writev fail with EPERM (so does any
 * attempt to profile the process from outside, or from a helper of its
 * own), then executes COMMAND, which inherits the filter, as do its
 * children. With --no-fork, creating a process fails too (fork, vfork, and
 * clone without CLONE_THREAD; clone3 answers ENOSYS so that the C library
 * falls back to clone): threads are still allowed. Exit status 125 when the
 * filter cannot be installed, 127 when COMMAND cannot be run. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int
deny (scmp_filter_ctx ctx,
      int             nr,
      int             err)
{
  return seccomp_rule_add (ctx, SCMP_ACT_ERRNO (err), nr, 0);
}

int
main (int    argc,
      char **argv)
{
  scmp_filter_ctx ctx;
  int no_fork = 0;
  int i = 1;
  int rc = 0;

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        {
          i++;
          break;
        }
      if (strcmp (argv[i], "--no-fork") == 0)
        no_fork = 1;
      else
        {
          fprintf (stderr, "lp-seccomp-run: unknown option %s\n", argv[i]);
          return 125;
        }
    }
  if (i >= argc)
    {
      fprintf (stderr, "usage: lp-seccomp-run [--no-fork] [--] COMMAND [ARG…]\n");
      return 125;
    }

  ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    {
      fprintf (stderr, "lp-seccomp-run: seccomp_init failed\n");
      return 125;
    }
  rc |= deny (ctx, SCMP_SYS (ptrace), EPERM);
  rc |= deny (ctx, SCMP_SYS (perf_event_open), EPERM);
  rc |= deny (ctx, SCMP_SYS (process_vm_readv), EPERM);
  rc |= deny (ctx, SCMP_SYS (process_vm_writev), EPERM);
  if (no_fork)
    {
      rc |= deny (ctx, SCMP_SYS (fork), EPERM);
      rc |= deny (ctx, SCMP_SYS (vfork), EPERM);
      rc |= deny (ctx, SCMP_SYS (clone3), ENOSYS);
      rc |= seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (clone), 1,
                              SCMP_A0 (SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
    }
  if (rc != 0 || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load (ctx) != 0)
    {
      fprintf (stderr, "lp-seccomp-run: cannot install the seccomp filter\n");
      seccomp_release (ctx);
      return 125;
    }
  seccomp_release (ctx);

  execvp (argv[i], argv + i);
  fprintf (stderr, "lp-seccomp-run: cannot run %s: %s\n", argv[i], strerror (errno));
  return 127;
}
