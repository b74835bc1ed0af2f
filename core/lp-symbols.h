/* lp-symbols.h: instruction addresses of a process to function names, through elfutils' libdwfl.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define LP_SYMBOLS_ERROR (lp_symbols_error_quark ())
GQuark lp_symbols_error_quark (void);

typedef enum
{
  LP_SYMBOLS_ERROR_FAILED,   /* the modules of the process could not be listed */
} LpSymbolsError;

typedef struct _LpSymbols LpSymbols;

/* lp_symbols_new: symbols of the modules mapped by @pid: .symtab and
 * .dynsym, and separate debug info where installed (build-id under
 * /usr/lib/debug, .gnu_debuglink). With @lines, names carry " (file:line)"
 * when DWARF line info is there. Debug files that neither this machine
 * nor the debuginfod client's cache has are asked of the debuginfod
 * servers when DEBUGINFOD_URLS is set, in the background
 * (lp-debuginfod.h): these symbols never wait for them, and symbols made
 * after one arrived use it. Not for our own process (@pid is getpid():
 * the in-process sampler, which looks on this machine only). */
LpSymbols  *lp_symbols_new        (pid_t      pid,
                                   gboolean   lines,
                                   GError   **error) G_GNUC_WARN_UNUSED_RESULT;
void        lp_symbols_free       (LpSymbols *self);

/* lp_symbols_new_files: symbols of ELF files named by path rather than
 * of a process (whose modules may be gone by now), debug files found as
 * for lp_symbols_new(). Look names up with lp_symbols_lookup_file(). */
LpSymbols  *lp_symbols_new_files  (gboolean   lines) G_GNUC_WARN_UNUSED_RESULT;

/* lp_symbols_lookup_file: the function name at file offset @offset of the
 * ELF file @path (as "[MODULE+0xOFFSET]" frames give it), or NULL; as
 * lp_symbols_lookup(). */
const char *lp_symbols_lookup_file (LpSymbols  *self,
                                    const char *path,
                                    guint64     offset);

/* lp_symbols_lookup: the function name at @addr, C++ and Rust names
 * demangled; NULL when no symbol covers it. Owned by @self, valid as long
 * as it lives. Results are cached by address. */
const char *lp_symbols_lookup     (LpSymbols *self,
                                   guint64    addr);

/* lp_symbols_lookup_inlined: with lines, the functions the compiler
 * inlined at @addr, as frames of their own, outermost first: "name
 * (file:line)", each at the line where the next is inlined, the innermost
 * at @addr's line (lp_symbols_lookup() then names the function they are
 * in, at the line where the outermost is inlined). 0 when none (or
 * without lines). Owned by @self. */
guint       lp_symbols_lookup_inlined (LpSymbols           *self,
                                       guint64              addr,
                                       const char * const **names);

/* lp_symbols_get_sources: with lines, the source files the names give so
 * far: base name (as in "name (file:line)") -> path as the debug info
 * has it. Owned by @self; lp_symbols_get_n_sources() counts them. */
GHashTable *lp_symbols_get_sources (LpSymbols *self);
guint       lp_symbols_get_n_sources (LpSymbols *self);

/* lp_symbols_function_start: the start address of the function that holds
 * @addr, as the call frame information of its module bounds it
 * (.eh_frame, else .debug_frame): for code no symbol names (stripped
 * programs and libraries). FALSE if none covers @addr. */
gboolean    lp_symbols_function_start (LpSymbols *self,
                                   guint64    addr,
                                   guint64   *start);

/* lp_symbols_refresh: re-reads the module list (libraries loaded later);
 * lp_symbols_lookup() does so by itself, at most once per @generation. */
void        lp_symbols_set_generation (LpSymbols *self,
                                   guint      generation);

/* lp_symbols_demangle: @name demangled, or NULL if it is not mangled (or
 * not validly): Rust v0 and legacy names by lp-demangle-rust.h, short
 * form (no hashes), other C++ Itanium names by libstdc++'s __cxa_demangle.
 * You own the result: g_free() it. */
char       *lp_symbols_demangle   (const char *name) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpSymbols, lp_symbols_free)

G_END_DECLS
