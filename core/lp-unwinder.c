/* lp-unwinder.c: libunwind remote unwinding over stack copies, with .eh_frame_hdr lookup from ELF files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <libunwind.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lp-process-mem.h"
#include "lp-unwinder.h"

/* exported by libunwind (libunwind-ptrace uses it) but not declared */
extern int _Ux86_64_dwarf_search_unwind_table (unw_addr_space_t  as,
                                               unw_word_t        ip,
                                               unw_dyn_info_t   *di,
                                               unw_proc_info_t  *pi,
                                               int               need_unwind_info,
                                               void             *arg);

G_DEFINE_QUARK (lp-unwinder-error-quark, lp_unwinder_error)

/* libunwind 1.6 (as Debian builds it: without --enable-per-thread-cache,
 * so UNW_CACHE_PER_THREAD falls back to UNW_CACHE_GLOBAL) takes a lock
 * around each lookup in its caches and memory pools, and masks every
 * signal while it holds it: two sigprocmask() system calls at each lookup,
 * 9-17 a sample, which cost 15-25 µs a sample on a VM (bench-engine).
 * The engine unwinds in one thread, with the signals it handles already
 * blocked (it reads them from a signalfd), and no handler that unwinds:
 * the masking protects nothing. While lp_unwinder_unwind() runs in a
 * thread, that thread's sigprocmask() calls, which can only be
 * libunwind's, are answered without a system call (this definition
 * overrides libc's for the libraries of the program that links the
 * unwinder). Anywhere else, it is libc's. */
static __thread gboolean in_unwind;

int
sigprocmask (int             how,
             const sigset_t *set,
             sigset_t       *oldset)
{
  int r;

  if (in_unwind)
    {
      /* libunwind only hands it back to its next call */
      if (oldset != NULL)
        sigemptyset (oldset);
      return 0;
    }
  r = pthread_sigmask (how, set, oldset);
  if (r != 0)
    {
      errno = r;
      return -1;
    }
  return 0;
}

typedef struct
{
  char        *path;
  const char  *basename;
  GMappedFile *file;      /* NULL for the vDSO */
  guint8      *copy;      /* the vDSO's bytes */
  const guint8 *data;
  gsize        size;
  gboolean     valid;     /* an ELF we could read */
  Elf64_Phdr  *loads;     /* PT_LOAD headers */
  guint        n_loads;
  guint64      text_lo, text_hi;   /* vaddr range of executable PT_LOADs */
  guint64      entry;              /* e_entry: _start, for a program or the dynamic loader */
  gboolean     have_hdr;
  guint64      hdr_vaddr;
  guint64      table_off;          /* from the header to the search table */
  guint64      fde_count;
} Module;

typedef struct
{
  guint64  start, end, offset;
  gboolean writable;
  gboolean executable;
  Module  *module;   /* nullable: anonymous, stack, heap */
  guint64  bias;     /* load bias of the module in this mapping */
  gboolean have_bias;
} Map;

struct _LpUnwinder
{
  pid_t            pid;
  unw_addr_space_t as;
  GHashTable      *modules;   /* path -> Module */
  GArray          *maps;      /* of Map, sorted by start */
  guint            generation;
  guint            maps_generation;
  guint64          n_live_reads;
  guint            last_map;  /* lookup hint */
  /* one block of the live process, for reads beyond the copies; valid
   * during one unwind */
  guint64          live_addr;
  gsize            live_len;
  guint8           live[4096];
};

typedef struct
{
  LpUnwinder       *self;
  const LpSnapshot *snap;
} Ctx;

static void
module_free (gpointer data)
{
  Module *m = data;

  g_clear_pointer (&m->file, g_mapped_file_unref);
  g_free (m->copy);
  g_free (m->loads);
  g_free (m->path);
  g_free (m);
}

static gsize
enc_size (guint8 enc)
{
  switch (enc & 0x0f)
    {
    case 0x00: return 8;          /* absptr */
    case 0x02: case 0x0a: return 2;
    case 0x03: case 0x0b: return 4;
    case 0x04: case 0x0c: return 8;
    default: return 0;
    }
}

/* Reads the program headers and the .eh_frame_hdr of the ELF image. */
static void
module_parse (Module *m)
{
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *) m->data;

  if (m->size < sizeof *eh || memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof (Elf64_Phdr) ||
      eh->e_phoff + (guint64) eh->e_phnum * sizeof (Elf64_Phdr) > m->size)
    return;

  m->entry = eh->e_entry;
  m->loads = g_new0 (Elf64_Phdr, MAX (eh->e_phnum, 1));
  m->text_lo = G_MAXUINT64;
  for (guint i = 0; i < eh->e_phnum; i++)
    {
      Elf64_Phdr ph;

      memcpy (&ph, m->data + eh->e_phoff + i * sizeof ph, sizeof ph);
      if (ph.p_type == PT_LOAD)
        {
          m->loads[m->n_loads++] = ph;
          if (ph.p_flags & PF_X)
            {
              m->text_lo = MIN (m->text_lo, ph.p_vaddr);
              m->text_hi = MAX (m->text_hi, ph.p_vaddr + ph.p_memsz);
            }
        }
      else if (ph.p_type == PT_GNU_EH_FRAME && ph.p_offset + 12 <= m->size)
        {
          const guint8 *h = m->data + ph.p_offset;
          gsize ptr_size = enc_size (h[1]), count_size = enc_size (h[2]);

          /* libunwind's binary search wants datarel|sdata4 entries */
          if (h[0] == 1 && h[3] == 0x3b && ptr_size != 0 && (count_size == 4 || count_size == 8) &&
              ph.p_offset + 4 + ptr_size + count_size <= m->size)
            {
              guint64 count = 0;

              if (count_size == 4)
                {
                  guint32 c32;
                  memcpy (&c32, h + 4 + ptr_size, 4);
                  count = c32;
                }
              else
                memcpy (&count, h + 4 + ptr_size, 8);
              m->have_hdr = TRUE;
              m->hdr_vaddr = ph.p_vaddr;
              m->table_off = 4 + ptr_size + count_size;
              m->fde_count = count;
            }
        }
    }
  m->valid = m->n_loads > 0;
}

static Module *
module_get (LpUnwinder *self,
            const char *path,
            guint64     start,
            guint64     end)
{
  Module *m = g_hash_table_lookup (self->modules, path);

  if (m != NULL)
    return m;

  m = g_new0 (Module, 1);
  m->path = g_strdup (path);
  m->basename = strrchr (m->path, '/') ? strrchr (m->path, '/') + 1 : m->path;
  g_hash_table_insert (self->modules, m->path, m);

  if (g_str_equal (path, "[vdso]"))
    {
      struct iovec local, remote;
      gssize n;

      m->copy = g_malloc (end - start);
      local.iov_base = m->copy;
      local.iov_len = end - start;
      remote.iov_base = (void *) (guintptr) start;
      remote.iov_len = end - start;
      n = lp_process_mem_readv (self->pid, &local, 1, &remote, 1);
      if (n <= 0)
        return m;
      m->data = m->copy;
      m->size = n;
    }
  else
    {
      /* through /proc/PID/root, so that a target in a container is read right */
      g_autofree char *full = g_strdup_printf ("/proc/%d/root%s", (int) self->pid, path);

      m->file = g_mapped_file_new (full, FALSE, NULL);
      if (m->file == NULL)
        m->file = g_mapped_file_new (path, FALSE, NULL);
      if (m->file == NULL)
        return m;
      m->data = (const guint8 *) g_mapped_file_get_contents (m->file);
      m->size = g_mapped_file_get_length (m->file);
    }
  module_parse (m);
  return m;
}

static void
map_compute_bias (Map *map)
{
  Module *m = map->module;
  const guint64 page = 4096;

  for (guint i = 0; m != NULL && i < m->n_loads; i++)
    {
      const Elf64_Phdr *ph = &m->loads[i];
      guint64 off_aligned = ph->p_offset & ~(page - 1);

      if (map->offset >= off_aligned && map->offset < ph->p_offset + MAX (ph->p_filesz, 1))
        {
          map->bias = map->start - (map->offset - off_aligned) - (ph->p_vaddr & ~(page - 1));
          map->have_bias = TRUE;
          return;
        }
    }
}

gboolean
lp_unwinder_refresh_maps (LpUnwinder *self,
                          GError    **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/maps", (int) self->pid);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  char *line, *next;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, LP_UNWINDER_ERROR, LP_UNWINDER_ERROR_MAPS,
                   _("cannot read the mappings of process %d: %s"), (int) self->pid,
                   local_error->message);
      return FALSE;
    }

  g_array_set_size (self->maps, 0);
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      Map map = { 0 };
      char perms[8] = "";
      unsigned long long start, end, offset;
      int name_at = 0;
      const char *name;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (sscanf (line, "%llx-%llx %7s %llx %*x:%*x %*u %n", &start, &end, perms, &offset, &name_at) < 4)
        continue;
      map.start = start;
      map.end = end;
      map.offset = offset;
      map.writable = perms[1] == 'w';
      map.executable = perms[2] == 'x';
      name = name_at > 0 ? line + name_at : "";
      if (name[0] == '/' || g_str_equal (name, "[vdso]"))
        {
          /* a deleted file (replaced on upgrade) can still be read through map_files, but not here */
          if (!g_str_has_suffix (name, " (deleted)"))
            {
              map.module = module_get (self, name, map.start, map.end);
              if (!map.module->valid)
                map.module = NULL;
              map_compute_bias (&map);
            }
        }
      g_array_append_val (self->maps, map);
    }
  self->last_map = 0;
  self->maps_generation = self->generation;
  return TRUE;
}

void
lp_unwinder_set_generation (LpUnwinder *self,
                            guint       generation)
{
  self->generation = generation;
}

static Map *
find_map (LpUnwinder *self,
          guint64     addr,
          gboolean    may_refresh)
{
  Map *maps = (Map *) (gpointer) self->maps->data;
  guint lo = 0, hi = self->maps->len;

  if (self->last_map < self->maps->len &&
      addr >= maps[self->last_map].start && addr < maps[self->last_map].end)
    return &maps[self->last_map];

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (addr < maps[mid].start)
        hi = mid;
      else if (addr >= maps[mid].end)
        lo = mid + 1;
      else
        {
          self->last_map = mid;
          return &maps[mid];
        }
    }

  if (may_refresh && self->maps_generation != self->generation &&
      lp_unwinder_refresh_maps (self, NULL))
    return find_map (self, addr, FALSE);
  return NULL;
}

static gboolean
read_word (LpUnwinder       *self,
           const LpSnapshot *snap,
           guint64           addr,
           guint64          *val)
{
  Map *map;

  /* no addr + 8: a stray address near 2^64 wrapped around, passed, and
   * was read 40 TiB before the copy (a crash 1 run in 4 on python) */
  if (addr > G_MAXUINT64 - 8)
    return FALSE;
  if (snap != NULL && addr >= snap->stack_addr && snap->stack_len >= 8 &&
      addr - snap->stack_addr <= snap->stack_len - 8)
    {
      memcpy (val, snap->stack + (addr - snap->stack_addr), 8);
      return TRUE;
    }

  map = find_map (self, addr, FALSE);
  if (map != NULL && map->module != NULL && !map->writable)
    {
      guint64 off = addr - map->start + map->offset;

      if (map->module->copy != NULL)
        off = addr - map->start;
      if (off + 8 <= map->module->size)
        {
          memcpy (val, map->module->data + off, 8);
          return TRUE;
        }
    }

  /* beyond the copies: read the live process (deep stacks, data), a
   * block at a time */
  if (addr >= self->live_addr && self->live_len >= 8 && addr - self->live_addr <= self->live_len - 8)
    {
      memcpy (val, self->live + (addr - self->live_addr), 8);
      return TRUE;
    }
  {
    guint64 block = addr & ~(guint64) (sizeof self->live - 1);
    struct iovec local = { self->live, sizeof self->live }, remote = { (void *) (guintptr) block, sizeof self->live };
    gssize n;

    self->n_live_reads++;
    n = lp_process_mem_readv (self->pid, &local, 1, &remote, 1);
    self->live_addr = block;
    self->live_len = n > 0 ? (gsize) n : 0;
    if (addr + 8 <= block + self->live_len)
      {
        memcpy (val, self->live + (addr - block), 8);
        return TRUE;
      }
    /* a word across the block's end */
    local.iov_base = val;
    local.iov_len = 8;
    remote.iov_base = (void *) (guintptr) addr;
    remote.iov_len = 8;
    return lp_process_mem_readv (self->pid, &local, 1, &remote, 1) == 8;
  }
}

static int
acc_find_proc_info (unw_addr_space_t  as,
                    unw_word_t        ip,
                    unw_proc_info_t  *pi,
                    int               need_unwind_info,
                    void             *arg)
{
  Ctx *ctx = arg;
  Map *map = find_map (ctx->self, ip, TRUE);
  Module *m;
  unw_dyn_info_t di;

  if (map == NULL || map->module == NULL || !map->have_bias || !map->module->have_hdr)
    return -UNW_ENOINFO;
  m = map->module;

  memset (&di, 0, sizeof di);
  di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
  di.start_ip = m->text_lo + map->bias;
  di.end_ip = m->text_hi + map->bias;
  di.u.rti.name_ptr = 0;
  di.u.rti.segbase = m->hdr_vaddr + map->bias;
  di.u.rti.table_data = m->hdr_vaddr + map->bias + m->table_off;
  di.u.rti.table_len = m->fde_count * 8 / sizeof (unw_word_t);
  return _Ux86_64_dwarf_search_unwind_table (as, ip, &di, pi, need_unwind_info, arg);
}

static void
acc_put_unwind_info (unw_addr_space_t  as,
                     unw_proc_info_t  *pi,
                     void             *arg)
{
  /* remote tables are malloc()ed by libunwind */
  g_clear_pointer (&pi->unwind_info, free);
}

static int
acc_get_dyn_info_list_addr (unw_addr_space_t  as,
                            unw_word_t       *addr,
                            void             *arg)
{
  return -UNW_ENOINFO;
}

static int
acc_access_mem (unw_addr_space_t  as,
                unw_word_t        addr,
                unw_word_t       *val,
                int               write,
                void             *arg)
{
  Ctx *ctx = arg;
  guint64 v;

  if (write)
    return -UNW_EINVAL;
  if (!read_word (ctx->self, ctx->snap, addr, &v))
    return -UNW_EINVAL;
  *val = v;
  return 0;
}

static int
acc_access_reg (unw_addr_space_t  as,
                unw_regnum_t      reg,
                unw_word_t       *val,
                int               write,
                void             *arg)
{
  Ctx *ctx = arg;

  if (write || reg < 0 || reg >= LP_N_REGS)
    return -UNW_EBADREG;
  *val = ctx->snap->regs[reg];
  return 0;
}

static int
acc_access_fpreg (unw_addr_space_t  as,
                  unw_regnum_t      reg,
                  unw_fpreg_t      *val,
                  int               write,
                  void             *arg)
{
  return -UNW_EBADREG;
}

static int
acc_resume (unw_addr_space_t  as,
            unw_cursor_t     *c,
            void             *arg)
{
  return -UNW_EINVAL;
}

static int
acc_get_proc_name (unw_addr_space_t  as,
                   unw_word_t        addr,
                   char             *buf,
                   size_t            len,
                   unw_word_t       *off,
                   void             *arg)
{
  return -UNW_ENOINFO;
}

static unw_accessors_t accessors = {
  .find_proc_info = acc_find_proc_info,
  .put_unwind_info = acc_put_unwind_info,
  .get_dyn_info_list_addr = acc_get_dyn_info_list_addr,
  .access_mem = acc_access_mem,
  .access_reg = acc_access_reg,
  .access_fpreg = acc_access_fpreg,
  .resume = acc_resume,
  .get_proc_name = acc_get_proc_name,
};

/* The signal trampoline's code: mov $15 (rt_sigreturn), %rax; syscall.
 * A signal handler returns into it; it is where libunwind finds the
 * interrupted registers. */
static gboolean
is_sigreturn (LpUnwinder *self,
              guint64     ip)
{
  guint64 w0, w1;

  return read_word (self, NULL, ip, &w0) && w0 == G_GUINT64_CONSTANT (0x0f0000000fc0c748) &&
         read_word (self, NULL, ip + 8, &w1) && (w1 & 0xff) == 0x05;
}

LpUnwinder *
lp_unwinder_new (pid_t    pid,
                 GError **error)
{
  g_autoptr(LpUnwinder) self = g_new0 (LpUnwinder, 1);

  self->pid = pid;
  self->modules = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, module_free);
  self->maps = g_array_new (FALSE, TRUE, sizeof (Map));
  self->as = unw_create_addr_space (&accessors, 0);
  unw_set_caching_policy (self->as, UNW_CACHE_PER_THREAD);
  self->generation = 1;
  if (!lp_unwinder_refresh_maps (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
lp_unwinder_free (LpUnwinder *self)
{
  if (self == NULL)
    return;
  if (self->as != NULL)
    unw_destroy_addr_space (self->as);
  g_array_unref (self->maps);
  g_hash_table_unref (self->modules);
  g_free (self);
}

/* The walk of lp_unwinder_unwind(), from the frame after @ips[0]. */
static guint
unwind_steps (LpUnwinder *self,
              Ctx        *ctx,
              guint64    *ips,
              guint       n,
              guint       max,
              gboolean   *truncated)
{
  unw_cursor_t cursor;
  int r;

  if (unw_init_remote (&cursor, self->as, ctx) < 0)
    {
      *truncated = TRUE;
      return n;
    }
  for (gboolean exact = FALSE;;)
    {
      unw_word_t ip;

      r = unw_step (&cursor);
      if (r == 0)
        break;
      if (r < 0 || n == max)
        {
          *truncated = TRUE;
          break;
        }
      if (unw_get_reg (&cursor, UNW_REG_IP, &ip) < 0 || ip == 0)
        break;
      {
        /* a return address must point into code; else the walk went
         * astray (a file's data is mapped too: python's _PyRuntime was
         * taken for a caller) */
        Map *map = find_map (self, ip, TRUE);
        if (map == NULL || map->module == NULL || !map->executable)
          {
            *truncated = TRUE;
            break;
          }
      }
      if (is_sigreturn (self, ip))
        {
          /* the next frame's pc is where the signal struck, not a return address */
          ips[n++] = LP_UNWIND_SIGNAL_FRAME;
          exact = TRUE;
          continue;
        }
      ips[n++] = exact ? ip : ip - 1;
      exact = FALSE;
    }
  return n;
}

guint
lp_unwinder_unwind (LpUnwinder       *self,
                    const LpSnapshot *snap,
                    guint64          *ips,
                    guint             max,
                    gboolean         *truncated)
{
  Ctx ctx = { self, snap };
  guint n = 0;

  *truncated = FALSE;
  self->live_len = 0;
  if (max == 0)
    return 0;
  ips[n++] = snap->regs[LP_REG_RIP];
  in_unwind = TRUE;
  n = unwind_steps (self, &ctx, ips, n, max, truncated);
  in_unwind = FALSE;
  return n;
}

gboolean
lp_unwinder_describe (LpUnwinder  *self,
                      guint64      addr,
                      const char **module,
                      guint64     *offset)
{
  Map *map = find_map (self, addr, TRUE);

  if (map == NULL || map->module == NULL)
    return FALSE;
  *module = map->module->basename;
  *offset = map->module->copy != NULL ? addr - map->start : addr - map->start + map->offset;
  return TRUE;
}

const char *
lp_unwinder_module_path (LpUnwinder *self,
                         guint64     addr)
{
  Map *map = find_map (self, addr, TRUE);

  return map != NULL && map->module != NULL && map->module->copy == NULL ? map->module->path : NULL;
}

gboolean
lp_unwinder_is_entry (LpUnwinder *self,
                      guint64     addr)
{
  Map *map = find_map (self, addr, TRUE);
  guint64 vaddr;

  if (map == NULL || map->module == NULL || !map->have_bias || map->module->entry == 0)
    return FALSE;
  vaddr = addr - map->bias;
  /* x86-64 glibc: _start calls __libc_start_main at +0x1f; the loader's
   * _start calls _dl_start, then (_dl_start_user) _dl_init at +0x2b; the
   * C runtime's helpers begin at +0x30 */
  return vaddr >= map->module->entry && vaddr < map->module->entry + 48;
}

guint64
lp_unwinder_get_n_live_reads (const LpUnwinder *self)
{
  return self->n_live_reads;
}
