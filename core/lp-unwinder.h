/* lp-unwinder.h: offline unwinding of copied thread stacks with libunwind's remote API.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define LP_UNWINDER_ERROR (lp_unwinder_error_quark ())
GQuark lp_unwinder_error_quark (void);

typedef enum
{
  LP_UNWINDER_ERROR_MAPS, /* /proc/PID/maps could not be read */
} LpUnwinderError;

/* Registers in libunwind's x86-64 numbering (UNW_X86_64_RAX = 0 … RIP = 16). */
enum
{
  LP_REG_RAX, LP_REG_RDX, LP_REG_RCX, LP_REG_RBX, LP_REG_RSI, LP_REG_RDI,
  LP_REG_RBP, LP_REG_RSP, LP_REG_R8, LP_REG_R9, LP_REG_R10, LP_REG_R11,
  LP_REG_R12, LP_REG_R13, LP_REG_R14, LP_REG_R15, LP_REG_RIP,
  LP_N_REGS
};

/* A thread as it was when stopped: its registers and a copy of the top of
 * its stack (from regs[LP_REG_RSP] upwards). The buffer belongs to whoever
 * fills the snapshot; snapshots are reused from tick to tick. */
typedef struct
{
  guint64  regs[LP_N_REGS];
  guint64  stack_addr;   /* target address of stack[0] */
  gsize    stack_len;    /* bytes copied */
  guint8  *stack;
} LpSnapshot;

typedef struct _LpUnwinder LpUnwinder;

/* lp_unwinder_new: an unwinder for the address space of @pid: one
 * libunwind address space, global caching, modules read from their ELF
 * files (the vDSO copied from the target). */
LpUnwinder *lp_unwinder_new          (pid_t    pid,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
void        lp_unwinder_free         (LpUnwinder *self);

/* lp_unwinder_refresh_maps: re-reads /proc/PID/maps (new libraries). The
 * unwinder also does this by itself, at most once per @generation, when an
 * address falls in no known mapping; bump the generation once a tick. */
gboolean    lp_unwinder_refresh_maps (LpUnwinder *self,
                                      GError    **error);
void        lp_unwinder_set_generation (LpUnwinder *self,
                                      guint       generation);

/* A frame of the kernel's signal trampoline (__restore_rt): the frames
 * below it are a signal handler's, the one above is where the signal
 * struck. */
#define LP_UNWIND_SIGNAL_FRAME G_MAXUINT64

/* lp_unwinder_unwind: walks @snap, writing up to @max addresses to look up
 * into @ips, leaf first: ips[0] is the interrupted pc; for a caller, the
 * call instruction (its return address - 1), but the exact pc for a frame
 * a signal interrupted; LP_UNWIND_SIGNAL_FRAME for the signal trampoline.
 * Returns how many; *@truncated is set when the walk ended early (no
 * unwind info, unreadable memory, or @max reached) rather than at the
 * outermost frame. Never allocates per call once warm. */
guint       lp_unwinder_unwind       (LpUnwinder       *self,
                                      const LpSnapshot *snap,
                                      guint64          *ips,
                                      guint             max,
                                      gboolean         *truncated);

/* lp_unwinder_is_entry: whether @addr is in the first 48 bytes from the
 * entry point (e_entry) of the module mapped there: the _start of a
 * program, stripped or not, or of the dynamic loader. */
gboolean    lp_unwinder_is_entry     (LpUnwinder  *self,
                                      guint64      addr);

/* lp_unwinder_describe: the basename of the module mapped at @addr and the
 * offset of @addr in that file, for "[module+0xOFFSET]" frames. FALSE if
 * no mapping holds @addr. The name is owned by the unwinder. */
gboolean    lp_unwinder_describe     (LpUnwinder  *self,
                                      guint64      addr,
                                      const char **module,
                                      guint64     *offset);

/* lp_unwinder_module_path: the path of the module mapped at @addr, as the
 * process maps it, or NULL; owned by the unwinder. */
const char *lp_unwinder_module_path  (LpUnwinder  *self,
                                      guint64      addr);

/* Reads from the live process beyond the copied windows, since creation. */
guint64     lp_unwinder_get_n_live_reads (const LpUnwinder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpUnwinder, lp_unwinder_free)

G_END_DECLS
