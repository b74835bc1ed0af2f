/* lp-symbols.c: address -> function name with libdwfl, cached, demangled.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp-debuginfod.h"
#include "lp-demangle-rust.h"
#include "lp-symbols.h"

/* libstdc++'s demangler (the program links libstdc++) */
extern char *__cxa_demangle (const char *mangled,
                             char       *buf,
                             size_t     *len,
                             int        *status);

G_DEFINE_QUARK (lp-symbols-error-quark, lp_symbols_error)

/* The functions inlined at an address: frames "name (file:line)" */
typedef struct
{
  guint        n;
  const char **names;       /* outermost first; strings in the names chunk */
  const char  *call_file;   /* where the outermost was inlined */
  int          call_line;
} Inlined;

static void
inlined_free (gpointer data)
{
  Inlined *inl = data;

  g_free (inl->names);
  g_free (inl);
}

struct _LpSymbols
{
  pid_t       pid;
  gboolean    lines;
  Dwfl       *dwfl;
  GHashTable *cache;       /* addr (as a pointer) -> name (or "" for none) */
  GStringChunk *names;
  GHashTable *starts;      /* Dwfl_Module -> FunctionStarts, made when asked */
  GHashTable *files;       /* lp_symbols_new_files(): path -> Dwfl_Module */
  GHashTable *sources;     /* with lines: base name -> path */
  GHashTable *inlined;     /* with lines: address -> Inlined */
  guint       generation;
  guint       report_generation;
};

static char *debuginfo_path = NULL;

/* In-process (liblaprof), debug files are looked for on this machine only:
 * by build id, then by .gnu_debuglink beside the file, in its .debug/ and
 * under /usr/lib/debug. dwfl_standard_find_debuginfo would also ask a
 * debuginfod server when DEBUGINFOD_URLS is set, from the sampler's thread
 * inside the program, with OpenSSL that may already be torn down at exit. */
static int
find_debuginfo_local (Dwfl_Module  *mod,
                      void        **userdata,
                      const char   *modname,
                      GElf_Addr     base,
                      const char   *file_name,
                      const char   *debuglink_file,
                      GElf_Word     debuglink_crc,
                      char        **debuginfo_file_name)
{
  int fd = dwfl_build_id_find_debuginfo (mod, userdata, modname, base, file_name,
                                         debuglink_file, debuglink_crc, debuginfo_file_name);
  g_autofree char *dir = NULL;

  if (fd >= 0 || file_name == NULL || debuglink_file == NULL)
    return fd;
  dir = g_path_get_dirname (file_name);
  {
    g_autofree char *beside = g_build_filename (dir, debuglink_file, NULL);
    g_autofree char *dotdebug = g_build_filename (dir, ".debug", debuglink_file, NULL);
    g_autofree char *global = g_build_filename ("/usr/lib/debug", dir, debuglink_file, NULL);
    const char *candidates[] = { beside, dotdebug, global };

    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
      {
        if (g_str_equal (candidates[i], file_name))
          continue;
        fd = open (candidates[i], O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
          {
            *debuginfo_file_name = strdup (candidates[i]);
            return fd;
          }
      }
  }
  return -1;
}

/* Another process's modules: this machine's debug files, then the
 * debuginfod client's cache; what neither has is fetched in the background
 * (lp-debuginfod.h) and found by the next symbol tables made, never
 * waited for here: the sampler's thread calls this. */
static int
find_debuginfo_background (Dwfl_Module  *mod,
                           void        **userdata,
                           const char   *modname,
                           GElf_Addr     base,
                           const char   *file_name,
                           const char   *debuglink_file,
                           GElf_Word     debuglink_crc,
                           char        **debuginfo_file_name)
{
  int fd = find_debuginfo_local (mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
                                 debuginfo_file_name);
  LpDebuginfod *fetcher;
  const unsigned char *id;
  GElf_Addr id_vaddr;
  int len;

  if (fd >= 0 || (fetcher = lp_debuginfod_get ()) == NULL)
    return fd;
  len = dwfl_module_build_id (mod, &id, &id_vaddr);
  if (len <= 0)
    return -1;
  fd = lp_debuginfod_open_cached (id, (gsize) len, debuginfo_file_name);
  if (fd < 0)
    lp_debuginfod_request (fetcher, id, (gsize) len, file_name != NULL ? file_name : modname);
  return fd;
}

static const Dwfl_Callbacks background_callbacks = {
  .find_elf = dwfl_linux_proc_find_elf,
  .find_debuginfo = find_debuginfo_background,
  .debuginfo_path = &debuginfo_path,
};

static const Dwfl_Callbacks file_callbacks = {
  .find_elf = dwfl_build_id_find_elf,
  .find_debuginfo = find_debuginfo_background,
  .section_address = dwfl_offline_section_address,
  .debuginfo_path = &debuginfo_path,
};

static const Dwfl_Callbacks local_callbacks = {
  .find_elf = dwfl_linux_proc_find_elf,
  .find_debuginfo = find_debuginfo_local,
  .debuginfo_path = &debuginfo_path,
};

static gboolean
report (LpSymbols *self)
{
  int r;

  /* modules may go: their function starts with them */
  if (self->files != NULL)
    return TRUE;   /* files are reported one by one, as asked */
  if (self->starts != NULL)
    g_hash_table_remove_all (self->starts);
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
  self->dwfl = dwfl_begin (pid == getpid () ? &local_callbacks : &background_callbacks);
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

LpSymbols *
lp_symbols_new_files (gboolean lines)
{
  LpSymbols *self = g_new0 (LpSymbols, 1);

  self->lines = lines;
  self->dwfl = dwfl_begin (&file_callbacks);
  self->cache = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->names = g_string_chunk_new (64 * 1024);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->generation = self->report_generation = 1;
  return self;
}

const char *
lp_symbols_lookup_file (LpSymbols  *self,
                        const char *path,
                        guint64     offset)
{
  Dwfl_Module *mod;
  GElf_Addr bias = 0;
  Elf *elf;
  size_t n_phdrs;

  g_return_val_if_fail (self->files != NULL, NULL);
  if (!g_hash_table_lookup_extended (self->files, path, NULL, (gpointer *) &mod))
    {
      dwfl_report_begin_add (self->dwfl);
      mod = dwfl_report_offline (self->dwfl, path, path, -1);
      dwfl_report_end (self->dwfl, NULL, NULL);
      g_hash_table_insert (self->files, g_strdup (path), mod);
    }
  if (mod == NULL || (elf = dwfl_module_getelf (mod, &bias)) == NULL || elf_getphdrnum (elf, &n_phdrs) != 0)
    return NULL;
  /* the file offset as an address of the module: its PT_LOAD segment's */
  for (size_t i = 0; i < n_phdrs; i++)
    {
      GElf_Phdr phdr;

      if (gelf_getphdr (elf, (int) i, &phdr) != NULL && phdr.p_type == PT_LOAD && offset >= phdr.p_offset &&
          offset < phdr.p_offset + phdr.p_filesz)
        return lp_symbols_lookup (self, phdr.p_vaddr + (offset - phdr.p_offset) + bias);
    }
  return NULL;
}

void
lp_symbols_free (LpSymbols *self)
{
  if (self == NULL)
    return;
  if (self->dwfl != NULL)
    dwfl_end (self->dwfl);
  g_hash_table_unref (self->cache);
  g_clear_pointer (&self->starts, g_hash_table_unref);
  g_clear_pointer (&self->files, g_hash_table_unref);
  g_clear_pointer (&self->sources, g_hash_table_unref);
  g_clear_pointer (&self->inlined, g_hash_table_unref);
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

/* The GOT slot a PLT entry jumps through: its `jmp *disp32(%rip)`
 * (ff 25), the first in the entry (lazy .plt, .plt.sec with IBT, and
 * .plt.got, 8 or 16 bytes an entry). 0 if none. */
static GElf_Addr
plt_slot (Elf_Data  *data,
          GElf_Addr  sec_addr,
          GElf_Addr  vaddr,
          gsize      entry_size)
{
  gsize start = (vaddr - sec_addr) / entry_size * entry_size;

  for (gsize i = start; i + 6 <= start + entry_size && i + 6 <= data->d_size; i++)
    {
      const guint8 *code = (const guint8 *) data->d_buf + i;

      if (code[0] == 0xff && code[1] == 0x25)
        {
          gint32 disp;

          memcpy (&disp, code + 2, 4);
          return sec_addr + i + 6 + (GElf_Sxword) disp;
        }
    }
  return 0;
}

/* The dynamic symbol relocated at @slot, from .rela.plt or .rela.dyn. */
static const char *
slot_symbol (Elf       *elf,
             GElf_Addr  slot)
{
  Elf_Scn *scn = NULL;

  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr shdr, symhdr;
      Elf_Data *data, *syms;
      Elf_Scn *symscn;

      if (gelf_getshdr (scn, &shdr) == NULL || shdr.sh_type != SHT_RELA || shdr.sh_entsize == 0)
        continue;
      symscn = elf_getscn (elf, shdr.sh_link);
      if (symscn == NULL || gelf_getshdr (symscn, &symhdr) == NULL || symhdr.sh_type != SHT_DYNSYM)
        continue;
      data = elf_getdata (scn, NULL);
      syms = elf_getdata (symscn, NULL);
      if (data == NULL || syms == NULL)
        continue;
      for (gsize k = 0; k < shdr.sh_size / shdr.sh_entsize; k++)
        {
          GElf_Rela rela;
          GElf_Sym sym;

          if (gelf_getrela (data, (int) k, &rela) == NULL || rela.r_offset != slot)
            continue;
          if (GELF_R_SYM (rela.r_info) == 0 || gelf_getsym (syms, (int) GELF_R_SYM (rela.r_info), &sym) == NULL)
            return NULL;
          return elf_strptr (elf, symhdr.sh_link, sym.st_name);
        }
    }
  return NULL;
}

/* An address in a PLT stub, which has no symbol: "name@plt", as perf
 * names it, for the function it jumps to; "[plt]" if that is unknown. */
static char *
plt_name (Dwfl_Module *mod,
          guint64      addr)
{
  GElf_Addr bias;
  Elf *elf = dwfl_module_getelf (mod, &bias);
  size_t shstrndx;
  Elf_Scn *scn = NULL;

  if (elf == NULL || elf_getshdrstrndx (elf, &shstrndx) < 0)
    return NULL;
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr shdr;
      const char *sec;
      GElf_Addr vaddr = addr - bias, slot;
      Elf_Data *data;
      const char *target;
      g_autofree char *unversioned = NULL;
      g_autofree char *demangled = NULL;

      if (gelf_getshdr (scn, &shdr) == NULL || vaddr < shdr.sh_addr || vaddr >= shdr.sh_addr + shdr.sh_size)
        continue;
      sec = elf_strptr (elf, shstrndx, shdr.sh_name);
      if (sec == NULL || !g_str_has_prefix (sec, ".plt") || (data = elf_getdata (scn, NULL)) == NULL ||
          data->d_buf == NULL)
        return NULL;
      slot = plt_slot (data, shdr.sh_addr, vaddr,
                       shdr.sh_entsize == 8 || shdr.sh_entsize == 16 ? shdr.sh_entsize : 16);
      target = slot != 0 ? slot_symbol (elf, slot) : NULL;
      if (target == NULL || *target == '\0')
        return g_strdup ("[plt]");
      if (strchr (target, '@') != NULL && target[0] != '@')
        target = unversioned = g_strndup (target, strchr (target, '@') - target);
      demangled = lp_symbols_demangle (target);
      return g_strdup_printf ("%s@plt", demangled ? demangled : target);
    }
  return NULL;
}

/* Whether @sym can name code: a data object (STT_OBJECT, STT_TLS, …)
 * never does, nor a symbol in a section that holds no instructions. An
 * address in data is a walk gone astray (it was named after
 * `_PyRuntime`, python's state, under `__open`). */
static gboolean
names_code (const GElf_Sym *sym,
            GElf_Word       shndx,
            Elf            *elf)
{
  int type = GELF_ST_TYPE (sym->st_info);
  Elf_Scn *scn;
  GElf_Shdr shdr;

  if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
    return FALSE;
  if (elf == NULL || shndx == SHN_UNDEF || shndx == SHN_ABS || shndx >= SHN_LORESERVE)
    return type != STT_NOTYPE;
  scn = elf_getscn (elf, shndx);
  if (scn == NULL || gelf_getshdr (scn, &shdr) == NULL)
    return type != STT_NOTYPE;
  return (shdr.sh_flags & SHF_EXECINSTR) != 0;
}

/* @shown as a frame's name, owned by @self: a ';' separates frames in
 * folded text, so names keep none */
static const char *
keep_name (LpSymbols  *self,
           const char *shown)
{
  const char *result;

  if (strchr (shown, ';') != NULL || strchr (shown, '\n') != NULL)
    {
      char *copy = g_strdup (shown);

      g_strdelimit (copy, ";\n", ':');
      result = g_string_chunk_insert (self->names, copy);
      g_free (copy);
      return result;
    }
  return g_string_chunk_insert (self->names, shown);
}

/* with lines: where source file @file (as the line table gives it,
 * maybe relative to @comp_dir, the directory it was compiled in) is */
static void
note_source (LpSymbols  *self,
             const char *file,
             const char *comp_dir)
{
  const char *base = strrchr (file, '/');
  char *path;

  base = base != NULL ? base + 1 : file;
  if (self->sources == NULL)
    self->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (g_hash_table_contains (self->sources, base))
    return;
  path = file[0] == '/' ? g_strdup (file)
       : comp_dir != NULL && comp_dir[0] == '/' ? g_canonicalize_filename (file, comp_dir) : NULL;
  if (path != NULL)
    g_hash_table_insert (self->sources, g_strdup (base), path);
}

/* The file of index @index of @cu's line table */
static const char *
cu_file (Dwarf_Die *cu,
         Dwarf_Word index)
{
  Dwarf_Files *files;
  size_t n;

  if (dwarf_getsrcfiles (cu, &files, &n) != 0 || index >= n)
    return NULL;
  return dwarf_filesrc (files, index, NULL, NULL);
}

/* The name of an inlined function's instance @die, demangled */
static char *
inlined_name (Dwarf_Die *die)
{
  Dwarf_Attribute attr;
  const char *linkage = dwarf_formstring (dwarf_attr_integrate (die, DW_AT_linkage_name, &attr));
  const char *name = dwarf_formstring (dwarf_attr_integrate (die, DW_AT_name, &attr));
  char *demangled = linkage != NULL ? lp_symbols_demangle (linkage) : NULL;

  if (demangled != NULL)
    return demangled;
  return g_strdup (name != NULL ? name : linkage != NULL ? linkage : "[inlined]");
}

/* The functions inlined at @addr (with lines): the frames they make,
 * outermost first, and where the outermost was inlined; NULL when none.
 * @file:@line is @addr's own line, which the innermost shows. */
static Inlined *
inlined_at (LpSymbols   *self,
            Dwfl_Module *mod,
            guint64      addr,
            const char  *file,
            int          line,
            const char  *comp_dir)
{
  Dwarf_Addr bias = 0;
  Dwarf_Die *cu = dwfl_module_addrdie (mod, addr, &bias);
  Dwarf_Die *scopes = NULL;
  int n = cu != NULL ? dwarf_getscopes (cu, addr - bias, &scopes) : 0;
  g_autoptr(GPtrArray) names = NULL;
  Inlined *inl = NULL;
  const char *inner_file = file;
  int inner_line = line;

  /* scopes go from the innermost; each inlined instance says where it was
   * inlined (its call file and line), a line of the function around it */
  for (int i = 0; i < n; i++)
    {
      Dwarf_Attribute attr;
      Dwarf_Word call_file = 0, call_line = 0;
      g_autofree char *name = NULL;
      g_autofree char *shown = NULL;
      const char *base;

      if (dwarf_tag (&scopes[i]) != DW_TAG_inlined_subroutine)
        continue;
      if (names == NULL)
        names = g_ptr_array_new ();
      name = inlined_name (&scopes[i]);
      base = inner_file != NULL ? strrchr (inner_file, '/') : NULL;
      if (inner_file != NULL)
        {
          note_source (self, inner_file, comp_dir);
          shown = g_strdup_printf ("%s (%s:%d)", name, base ? base + 1 : inner_file, inner_line);
        }
      g_ptr_array_insert (names, 0, (gpointer) keep_name (self, shown != NULL ? shown : name));
      dwarf_formudata (dwarf_attr (&scopes[i], DW_AT_call_file, &attr), &call_file);
      dwarf_formudata (dwarf_attr (&scopes[i], DW_AT_call_line, &attr), &call_line);
      inner_file = cu_file (cu, call_file);
      inner_line = (int) call_line;
    }
  free (scopes);
  if (names != NULL)
    {
      inl = g_new0 (Inlined, 1);
      inl->n = names->len;
      inl->names = (const char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
      inl->call_file = inner_file != NULL ? g_string_chunk_insert (self->names, inner_file) : NULL;
      inl->call_line = inner_line;
      if (self->inlined == NULL)
        self->inlined = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, inlined_free);
      g_hash_table_insert (self->inlined, GSIZE_TO_POINTER (addr), inl);
    }
  return inl;
}

guint
lp_symbols_lookup_inlined (LpSymbols           *self,
                           guint64              addr,
                           const char * const **names)
{
  Inlined *inl;

  if (!self->lines || lp_symbols_lookup (self, addr) == NULL || self->inlined == NULL ||
      (inl = g_hash_table_lookup (self->inlined, GSIZE_TO_POINTER (addr))) == NULL)
    return 0;
  *names = inl->names;
  return inl->n;
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
      GElf_Word shndx = 0;
      Elf *elf = NULL;
      Dwarf_Addr bias = 0;

      name = dwfl_module_addrinfo (mod, addr, &off, &sym, &shndx, &elf, &bias);
      if (name != NULL && !names_code (&sym, shndx, elf))
        name = NULL;   /* a data symbol: the address is no code, or none we know */
      if (name == NULL)
        {
          char *plt = plt_name (mod, addr);

          if (plt != NULL)
            {
              result = g_string_chunk_insert (self->names, plt);
              g_free (plt);
              g_hash_table_insert (self->cache, GSIZE_TO_POINTER (addr), (gpointer) result);
              return result;
            }
        }
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
          const char *comp_dir = line ? dwfl_line_comp_dir (line) : NULL;
          Inlined *inl = inlined_at (self, mod, addr, file, lineno, comp_dir);

          /* inlined code: the function shows the line it was inlined at */
          if (inl != NULL)
            {
              file = inl->call_file;
              lineno = inl->call_line;
            }
          if (file != NULL)
            {
              const char *base = strrchr (file, '/');

              note_source (self, file, comp_dir);
              with_line = g_strdup_printf ("%s (%s:%d)", shown, base ? base + 1 : file, lineno);
              shown = with_line;
            }
        }
      result = keep_name (self, shown);
    }

  g_hash_table_insert (self->cache, GSIZE_TO_POINTER (addr), (gpointer) result);
  return *result ? result : NULL;
}

/* The functions' starts of a module, from its .eh_frame_hdr search table
 * (sorted by start, one entry per FDE), as addresses of the ELF file. */
typedef struct
{
  GElf_Addr *starts;
  gsize      n;
} FunctionStarts;

static void
function_starts_free (gpointer data)
{
  FunctionStarts *fs = data;

  g_free (fs->starts);
  g_free (fs);
}

static FunctionStarts *
read_function_starts (Elf *elf)
{
  FunctionStarts *fs = g_new0 (FunctionStarts, 1);
  size_t shstrndx;
  Elf_Scn *scn = NULL;

  if (elf == NULL || elf_getshdrstrndx (elf, &shstrndx) < 0)
    return fs;
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr shdr;
      const char *name;
      Elf_Data *data;
      const guint8 *hdr;
      guint32 count;

      if (gelf_getshdr (scn, &shdr) == NULL || shdr.sh_type == SHT_NOBITS ||
          (name = elf_strptr (elf, shstrndx, shdr.sh_name)) == NULL || strcmp (name, ".eh_frame_hdr") != 0)
        continue;
      data = elf_getdata (scn, NULL);
      if (data == NULL || data->d_buf == NULL || data->d_size < 12)
        break;
      hdr = data->d_buf;
      /* version 1; the table's count as udata4 and its entries as pairs
       * of sdata4 relative to the header (datarel), what GNU ld writes;
       * the frame pointer's encoding sets the count's place: 4 bytes */
      if (hdr[0] != 1 || hdr[2] != 0x03 || hdr[3] != 0x3b || (hdr[1] & 0x0f) != 0x0b)
        break;
      memcpy (&count, hdr + 8, 4);
      if (count > (data->d_size - 12) / 8)
        break;
      fs->starts = g_new (GElf_Addr, MAX (count, 1));
      for (guint32 k = 0; k < count; k++)
        {
          gint32 rel;

          memcpy (&rel, hdr + 12 + (gsize) k * 8, 4);
          fs->starts[k] = shdr.sh_addr + (GElf_Sxword) rel;
        }
      fs->n = count;
      break;
    }
  return fs;
}

gboolean
lp_symbols_function_start (LpSymbols *self,
                           guint64    addr,
                           guint64   *start)
{
  Dwfl_Module *mod = dwfl_addrmodule (self->dwfl, addr);
  Dwarf_Addr bias = 0;
  GElf_Addr elf_bias = 0;
  Dwarf_CFI *cfi;
  Dwarf_Frame *frame = NULL;
  FunctionStarts *fs;
  Elf *elf;
  GElf_Addr vaddr;
  gsize lo = 0, hi;

  if (mod == NULL)
    return FALSE;
  /* some FDE covers it (the table says where each begins, not where it ends) */
  cfi = dwfl_module_eh_cfi (mod, &bias);
  if (cfi == NULL || dwarf_cfi_addrframe (cfi, addr - bias, &frame) != 0)
    {
      free (frame);
      return FALSE;
    }
  free (frame);
  if (self->starts == NULL)
    self->starts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, function_starts_free);
  fs = g_hash_table_lookup (self->starts, mod);
  if (fs == NULL)
    {
      elf = dwfl_module_getelf (mod, &elf_bias);
      fs = read_function_starts (elf);
      g_hash_table_insert (self->starts, mod, fs);
    }
  else
    dwfl_module_getelf (mod, &elf_bias);
  vaddr = addr - elf_bias;
  /* the last start at or before the address */
  hi = fs->n;
  if (hi == 0 || fs->starts[0] > vaddr)
    return FALSE;
  while (hi - lo > 1)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (fs->starts[mid] <= vaddr)
        lo = mid;
      else
        hi = mid;
    }
  *start = fs->starts[lo] + elf_bias;
  return TRUE;
}

GHashTable *
lp_symbols_get_sources (LpSymbols *self)
{
  if (self->sources == NULL)
    self->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self->sources;
}

guint
lp_symbols_get_n_sources (LpSymbols *self)
{
  return self->sources != NULL ? g_hash_table_size (self->sources) : 0;
}
