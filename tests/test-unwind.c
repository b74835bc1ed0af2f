/* test-unwind.c: the unwinder and the symbols on this very process: stray frames, data that is no code.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "lp-symbols.h"
#include "lp-unwinder.h"

extern char _start[];

/* data, in this program's writable mapping, with a symbol of its own */
guint64 lp_test_data_object[64] = { 1 };

__attribute__((noinline)) int lp_test_leaf (int x);
__attribute__((noinline)) int
lp_test_leaf (int x)
{
  return x * 3 + 1;
}

/* A snapshot of a thread at the first instruction of lp_test_leaf (its
 * return address is at the stack pointer), with @stack as its stack. */
static void
snapshot_at_leaf (LpSnapshot *snap,
                  guint8     *stack,
                  gsize       len,
                  guint64     rsp)
{
  memset (snap, 0, sizeof *snap);
  snap->regs[LP_REG_RIP] = (guint64) (guintptr) lp_test_leaf;
  snap->regs[LP_REG_RSP] = rsp;
  snap->stack = stack;
  snap->stack_addr = (guint64) (guintptr) stack;
  snap->stack_len = len;
}

/* The walk of @unwinder from the first instruction of lp_test_leaf, with
 * @stack (@len bytes) as its stack and @rsp as its stack pointer, goes no
 * further than lp_test_leaf and says it is cut short. */
static void
assert_cut_at_leaf (LpUnwinder *unwinder,
                    guint64    *stack,
                    gsize       len,
                    guint64     rsp)
{
  guint64 ips[16];
  LpSnapshot snap;
  gboolean truncated = FALSE;
  guint n;

  snapshot_at_leaf (&snap, (guint8 *) stack, len, rsp);
  n = lp_unwinder_unwind (unwinder, &snap, ips, G_N_ELEMENTS (ips), &truncated);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (truncated);
}

/* A stack pointer near 2^64 (a stray frame): its words are none of the
 * copy's. The check `addr + 8 <= end` wrapped around, passed, and the word
 * was read terabytes before the copy: the engine crashed on 1 python run
 * in 4. */
static void
test_stray_stack_pointer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpUnwinder) unwinder = lp_unwinder_new (getpid (), &error);
  guint64 stack[512] = { 0 };

  g_assert_no_error (error);
  for (guint64 rsp = G_MAXUINT64 - 7; rsp > G_MAXUINT64 - 16; rsp--)
    assert_cut_at_leaf (unwinder, stack, sizeof stack, rsp);
}

/* A return address into a file's data (its writable mapping: python's
 * _PyRuntime was taken for a caller) is a walk gone astray: cut short,
 * not a frame. */
static void
test_return_into_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpUnwinder) unwinder = lp_unwinder_new (getpid (), &error);
  guint64 stack[512] = { 0 };

  g_assert_no_error (error);
  stack[0] = (guint64) (guintptr) &lp_test_data_object[8];
  assert_cut_at_leaf (unwinder, stack, sizeof stack, (guint64) (guintptr) stack);
}

/* A data symbol never names an address: the data object, or any address
 * in it, has no function name. Code still has. */
static void
test_data_symbol (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpSymbols) symbols = lp_symbols_new (getpid (), FALSE, &error);
  const char *name;

  g_assert_no_error (error);
  name = lp_symbols_lookup (symbols, (guint64) (guintptr) &lp_test_data_object[8]);
  g_assert_null (name);
  name = lp_symbols_lookup (symbols, (guint64) (guintptr) lp_test_leaf + 1);
  g_assert_cmpstr (name, ==, "lp_test_leaf");
  /* and the entry point is where a program's stacks begin, stripped or not */
  {
    g_autoptr(LpUnwinder) unwinder = lp_unwinder_new (getpid (), &error);

    g_assert_no_error (error);
    g_assert_true (lp_unwinder_is_entry (unwinder, (guint64) (guintptr) _start + 0x20));
    g_assert_false (lp_unwinder_is_entry (unwinder, (guint64) (guintptr) lp_test_leaf));
  }
  g_assert_cmpint (lp_test_leaf (lp_test_data_object[0] != 0), ==, 4);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/unwind/stray-stack-pointer", test_stray_stack_pointer);
  g_test_add_func ("/unwind/return-into-data", test_return_into_data);
  g_test_add_func ("/symbols/data-symbol-names-no-code", test_data_symbol);
  return g_test_run ();
}
