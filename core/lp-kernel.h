/* lp-kernel.h: kernel frames: their "_[k]" mark, kernel symbols (/proc/kallsyms), a blocked thread's kernel stack.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* The kernel rule. A frame of the kernel's code is named after its
 * function with this suffix, as `perf script | stackcollapse-perf.pl
 * --kernel` and flamegraph.pl name them ("futex_wait_[k]"). The engine puts
 * them above the user frames they were called from (the system call's
 * entry code first, the innermost function last) and below the idle frame
 * of a blocked thread, which stays the leaf:
 * "main;pthread_cond_wait;do_syscall_64_[k];…;futex_wait_[k];[idle: futex]". */
#define LP_KERNEL_SUFFIX "_[k]"

/* The most kernel frames kept per sample (perf_event_max_stack is 127 by default). */
#define LP_KERNEL_MAX_FRAMES 128

#define LP_KERNEL_ERROR (lp_kernel_error_quark ())
GQuark lp_kernel_error_quark (void);

typedef enum
{
  LP_KERNEL_ERROR_PERMISSION,  /* the kernel hides its addresses or stacks from us */
  LP_KERNEL_ERROR_FAILED,
} LpKernelError;

/* lp_kernel_is_frame: TRUE when @name (nullable) ends in LP_KERNEL_SUFFIX. */
gboolean lp_kernel_is_frame (const char *name);

/* lp_kernel_check: whether this process may see kernel frames: with @pid
 * 0, the addresses of /proc/kallsyms, to name perf's call chains (root, or
 * kernel.kptr_restrict 0 with kernel.perf_event_paranoid ≤ 1); with @pid >
 * 0, the kernel stacks of that process's threads (/proc/PID/task/PID/stack:
 * root). FALSE with @error saying why not. Whether perf events may count
 * the kernel is the perf source's to find (it falls back to user time). */
gboolean lp_kernel_check (pid_t    pid,
                          GError **error);

/* The kernel's functions, from /proc/kallsyms, read once per process and
 * kept (shared, never freed: nothing to unref). */
typedef struct _LpKernelSymbols LpKernelSymbols;

/* lp_kernel_symbols_get: the table, read at the first call (about 120,000
 * symbols here); NULL with @error if /proc/kallsyms cannot be read or hides
 * its addresses (all zero). Thread-safe. */
const LpKernelSymbols *lp_kernel_symbols_get (GError **error);

/* lp_kernel_symbols_lookup: the function @addr is in, as an index (for
 * caches, < lp_kernel_symbols_count()) and its name (without suffix, owned
 * by the table); G_MAXUINT and NULL outside the kernel's text. */
guint lp_kernel_symbols_lookup (const LpKernelSymbols *self,
                                guint64                addr,
                                const char           **name);

guint lp_kernel_symbols_count (const LpKernelSymbols *self);

/* lp_kernel_read_stack: the kernel stack of thread @tid of process @pid,
 * from /proc/PID/task/TID/stack ("[<0>] futex_wait+0x185/0x270" per line,
 * innermost first), into @names (cleared first; each an owned string
 * "futex_wait_[k]"), outermost first: the system call's entry first. FALSE
 * with @error when the file cannot be read (no permission, the thread has
 * ended); an empty stack (a thread on a CPU) is TRUE with no names. */
gboolean lp_kernel_read_stack (pid_t       pid,
                               pid_t       tid,
                               GPtrArray  *names,
                               GError    **error);

/* lp_kernel_parse_stack: the same, from the file's @text. */
void lp_kernel_parse_stack (const char *text,
                            GPtrArray  *names);

G_END_DECLS
