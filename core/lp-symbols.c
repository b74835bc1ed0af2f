/* lp-symbols.c: address -> function name with libdwfl, cached, demangled.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <elfutils/libdwfl.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "lp-demangle-rust.h"
#include "lp-symbols.h"

/* libstdc++'s demangler (the program links libstdc++) */
extern char *__cxa_demangle (const char *mangled,
                             char       *buf,
                             size_t     *len,
                             int        *status);

G_DEFINE_QUARK (lp-symbols-error-quark, lp_symbols_error)

struct _LpSymbols
{
  pid_t       pid;
  gboolean    lines;
  Dwfl       *dwfl;
  GHashTable *cache;       /* addr (as a pointer) -> name (or "" for none) */
  GStringChunk *names;
  guint       generation;
  guint       report_generation;
};

static char *debuginfo_path = NULL;

static const Dwfl_Callbacks callbacks = {
  .find_elf = dwfl_linux_proc_find_elf,
  .find_debuginfo = dwfl_standard_find_debuginfo,
  .debuginfo_path = &debuginfo_path,
};

static gboolean
report (LpSymbols *self)
{
  int r;

  dwfl_report_begin (self->dwfl);
  r = dwfl_linux_proc_report (self->dwfl, self->pid);
  dwfl_report_end (self->dwfl, NULL, NULL);
  self->report_generation = self->generation;
  return r == 0;
}

LpSymbols *
lp_symbols_new (pid_t      pid,
                gboolean   lines,
                GError   **error)
{
  LpSymbols *self = g_new0 (LpSymbols, 1);

  self->pid = pid;
  self->lines = lines;
  self->dwfl = dwfl_begin (&callbacks);
  self->cache = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->names = g_string_chunk_new (64 * 1024);
  self->generation = 1;
  if (self->dwfl == NULL || !report (self))
    {
      g_set_error (error, LP_SYMBOLS_ERROR, LP_SYMBOLS_ERROR_FAILED,
                   _("cannot read the modules of process %d"), (int) pid);
      lp_symbols_free (self);
      return NULL;
    }
  return self;
}

void
lp_symbols_free (LpSymbols *self)
{
  if (self == NULL)
    return;
  if (self->dwfl != NULL)
    dwfl_end (self->dwfl);
  g_hash_table_unref (self->cache);
  g_string_chunk_free (self->names);
  g_free (self);
}

void
lp_symbols_set_generation (LpSymbols *self,
                           guint      generation)
{
  self->generation = generation;
}

char *
lp_symbols_demangle (const char *name)
{
  char *d;
  char *r;
  int status = 0;

  if (name == NULL)
    return NULL;
  /* Rust v0 ("_R"), and Rust legacy: an Itanium-like "_ZN...E" whose
   * last element is rustc's hash; neither goes to the C++ demangler, which
   * would show the hash and the $LT$-style escapes */
  if (g_str_has_prefix (name, "_R"))
    return lp_demangle_rust_v0 (name, LP_DEMANGLE_RUST_DEFAULT);
  if (lp_demangle_rust_is_legacy (name))
    return lp_demangle_rust_legacy (name, LP_DEMANGLE_RUST_DEFAULT);
  if (!g_str_has_prefix (name, "_Z"))
    return NULL;
  d = __cxa_demangle (name, NULL, NULL, &status);
  if (d == NULL || status != 0)
    {
      free (d);
      return NULL;
    }
  r = g_strdup (d);
  free (d);
  return r;
}

const char *
lp_symbols_lookup (LpSymbols *self,
                   guint64    addr)
{
  gpointer found;
  Dwfl_Module *mod;
  const char *name = NULL;
  const char *result = "";

  if (g_hash_table_lookup_extended (self->cache, GSIZE_TO_POINTER (addr), NULL, &found))
    return *(const char *) found ? found : NULL;

  mod = dwfl_addrmodule (self->dwfl, addr);
  if (mod == NULL && self->report_generation != self->generation)
    {
      report (self);
      mod = dwfl_addrmodule (self->dwfl, addr);
    }
  if (mod != NULL)
    {
      GElf_Off off;
      GElf_Sym sym;

      name = dwfl_module_addrinfo (mod, addr, &off, &sym, NULL, NULL, NULL);
    }
  if (name != NULL)
    {
      g_autofree char *unversioned = NULL;
      g_autofree char *demangled = NULL;

      /* "memcpy@@GLIBC_2.14": the symbol version is not part of the function's name */
      if (strchr (name, '@') != NULL && name[0] != '@')
        name = unversioned = g_strndup (name, strchr (name, '@') - name);
      demangled = lp_symbols_demangle (name);
      g_autofree char *with_line = NULL;
      const char *shown = demangled ? demangled : name;

      if (self->lines)
        {
          Dwfl_Line *line = dwfl_module_getsrc (mod, addr);
          int lineno = 0;
          const char *file = line ? dwfl_lineinfo (line, NULL, &lineno, NULL, NULL, NULL) : NULL;

          if (file != NULL)
            {
              const char *base = strrchr (file, '/');
              with_line = g_strdup_printf ("%s (%s:%d)", shown, base ? base + 1 : file, lineno);
              shown = with_line;
            }
        }
      /* ';' separates frames in folded text; keep names one frame */
      if (strchr (shown, ';') != NULL || strchr (shown, '\n') != NULL)
        {
          char *copy = g_strdup (shown);
          g_strdelimit (copy, ";\n", ':');
          result = g_string_chunk_insert (self->names, copy);
          g_free (copy);
        }
      else
        result = g_string_chunk_insert (self->names, shown);
    }

  g_hash_table_insert (self->cache, GSIZE_TO_POINTER (addr), (gpointer) result);
  return *result ? result : NULL;
}
