/* lp-python-find.c: finds the CPython interpreter of a running process:
 * the ELF file (executable or libpython) that exports _PyRuntime, its load
 * bias, the addresses the reader needs, and the version.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lp-python-private.h"

/* A mapped file that could hold the interpreter. */
typedef struct
{
  char    *path;
  guint64  start;      /* start of its mapping at file offset 0 */
  gboolean have_start;
} Candidate;

/* What one ELF file says. */
typedef struct
{
  guint64  runtime, code_type, unicode_type, bytes_type, py_version;
  gboolean has_runtime, has_code_type, has_py_version;
  guint64  runtime_size;
  guint64  first_load;   /* p_vaddr of the first PT_LOAD, page-aligned */
  gboolean is_exec;      /* ET_EXEC: addresses are absolute */
  guint32  version;      /* from Py_Version, 0 when not there */
  char     soname[128];
  guint    rodata_minor; /* micro version from .rodata, for PY_VERSION_HEX */
  gint     micro;        /* -1 unknown */
} ElfInfo;

static void
candidate_clear (Candidate *c)
{
  g_free (c->path);
}

/* Whether @base names a libpython: libpython3.11.so.1.0, libpython3.6m.so */
static gboolean
is_libpython (const char *base)
{
  return g_str_has_prefix (base, "libpython") && strstr (base, ".so") != NULL;
}

/* The minor version in a name like "libpython3.10.so.1.0" or "python3.10",
 * 0 when none. */
static guint
minor_from_name (const char *name)
{
  const char *p = name;

  while ((p = strstr (p, "python3.")) != NULL)
    {
      char *end;
      guint64 minor;

      p += strlen ("python3.");
      minor = g_ascii_strtoull (p, &end, 10);
      if (end != p && minor < 100)
        return (guint) minor;
    }
  return 0;
}

/* Scans @data for "3.MINOR.MICRO\0" (PY_VERSION, possibly the merged tail
 * of a longer string); the micro version or -1. */
static gint
micro_from_rodata (const char *data,
                   gsize       len,
                   guint       minor)
{
  g_autofree char *prefix = g_strdup_printf ("3.%u.", minor);
  gsize plen = strlen (prefix);

  for (const char *p = data; p + plen < data + len;)
    {
      const char *hit = memmem (p, data + len - p, prefix, plen);
      const char *q;

      if (hit == NULL)
        break;
      q = hit + plen;
      if ((hit == data || !g_ascii_isdigit (hit[-1])) && q < data + len && g_ascii_isdigit (*q))
        {
          gint micro = 0;

          while (q < data + len && g_ascii_isdigit (*q) && micro < 1000)
            micro = micro * 10 + (*q++ - '0');
          if (q < data + len && *q == '\0')
            return micro;
        }
      p = hit + 1;
    }
  return -1;
}

/* Reads the 8 bytes at @vaddr of the file's loaded image. */
static gboolean
read_file_u64 (Elf     *elf,
               int      fd,
               guint64  vaddr,
               guint64 *value)
{
  size_t n;

  if (elf_getphdrnum (elf, &n) != 0)
    return FALSE;
  for (size_t i = 0; i < n; i++)
    {
      GElf_Phdr ph;

      if (gelf_getphdr (elf, i, &ph) == NULL || ph.p_type != PT_LOAD)
        continue;
      if (vaddr >= ph.p_vaddr && vaddr + 8 <= ph.p_vaddr + ph.p_filesz)
        return pread (fd, value, 8, ph.p_offset + (vaddr - ph.p_vaddr)) == 8;
    }
  return FALSE;
}

static void
read_symbols (Elf_Scn *scn,
              GElf_Shdr *sh,
              Elf     *elf,
              ElfInfo *info)
{
  Elf_Data *data = elf_getdata (scn, NULL);
  size_t n;

  if (data == NULL || sh->sh_entsize == 0)
    return;
  n = sh->sh_size / sh->sh_entsize;
  for (size_t i = 0; i < n; i++)
    {
      GElf_Sym sym;
      const char *name;

      if (gelf_getsym (data, (int) i, &sym) == NULL || sym.st_shndx == SHN_UNDEF ||
          sym.st_value == 0)
        continue;
      name = elf_strptr (elf, sh->sh_link, sym.st_name);
      if (name == NULL || (name[0] != '_' && name[0] != 'P'))
        continue;
      if (strcmp (name, "_PyRuntime") == 0)
        info->runtime = sym.st_value, info->has_runtime = TRUE;
      else if (strcmp (name, "PyCode_Type") == 0)
        info->code_type = sym.st_value, info->has_code_type = TRUE;
      else if (strcmp (name, "PyUnicode_Type") == 0)
        info->unicode_type = sym.st_value;
      else if (strcmp (name, "PyBytes_Type") == 0)
        info->bytes_type = sym.st_value;
      else if (strcmp (name, "Py_Version") == 0)
        info->py_version = sym.st_value, info->has_py_version = TRUE;
    }
}

/* Fills @info from the ELF file @path: its symbols, .PyRuntime, Py_Version. */
static gboolean
read_elf (const char *path,
          ElfInfo    *info)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  Elf *elf;
  GElf_Ehdr eh;
  size_t shstrndx, nph;
  Elf_Scn *scn = NULL;
  gboolean have_dynsym = FALSE;
  Elf_Data *rodata = NULL;

  memset (info, 0, sizeof *info);
  info->micro = -1;
  if (fd < 0)
    return FALSE;
  elf_version (EV_CURRENT);
  elf = elf_begin (fd, ELF_C_READ_MMAP, NULL);
  if (elf == NULL || gelf_getehdr (elf, &eh) == NULL || elf_getshdrstrndx (elf, &shstrndx) != 0)
    {
      if (elf != NULL)
        elf_end (elf);
      close (fd);
      return FALSE;
    }
  info->is_exec = eh.e_type == ET_EXEC;
  info->first_load = G_MAXUINT64;
  if (elf_getphdrnum (elf, &nph) == 0)
    for (size_t i = 0; i < nph; i++)
      {
        GElf_Phdr ph;

        if (gelf_getphdr (elf, i, &ph) != NULL && ph.p_type == PT_LOAD)
          info->first_load = MIN (info->first_load, (ph.p_vaddr - ph.p_offset) & ~(guint64) 0xfff);
      }
  if (info->first_load == G_MAXUINT64)
    info->first_load = 0;

  /* .dynsym first (survives strip); .symtab only when there is no .dynsym */
  for (int pass = 0; pass < 2; pass++)
    while ((scn = elf_nextscn (elf, scn)) != NULL)
      {
        GElf_Shdr sh;
        const char *name;

        if (gelf_getshdr (scn, &sh) == NULL)
          continue;
        name = elf_strptr (elf, shstrndx, sh.sh_name);
        if (pass == 0)
          {
            if (sh.sh_type == SHT_DYNSYM)
              {
                read_symbols (scn, &sh, elf, info);
                have_dynsym = TRUE;
              }
            else if (name != NULL && strcmp (name, ".PyRuntime") == 0)
              info->runtime_size = sh.sh_size;
            else if (name != NULL && strcmp (name, ".rodata") == 0 && sh.sh_type == SHT_PROGBITS)
              rodata = elf_getdata (scn, NULL);
            else if (sh.sh_type == SHT_DYNAMIC)
              {
                Elf_Data *d = elf_getdata (scn, NULL);

                for (size_t i = 0; d != NULL && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++)
                  {
                    GElf_Dyn dyn;
                    const char *s;

                    if (gelf_getdyn (d, (int) i, &dyn) != NULL && dyn.d_tag == DT_SONAME &&
                        (s = elf_strptr (elf, sh.sh_link, dyn.d_un.d_val)) != NULL)
                      g_strlcpy (info->soname, s, sizeof info->soname);
                  }
              }
          }
        else if (!have_dynsym && sh.sh_type == SHT_SYMTAB)
          read_symbols (scn, &sh, elf, info);
      }

  if (info->has_py_version)
    {
      guint64 v;

      if (read_file_u64 (elf, fd, info->py_version, &v) && (v >> 24) == 3)
        info->version = (guint32) v;
    }
  else if (rodata != NULL && rodata->d_buf != NULL)
    {
      guint minor = minor_from_name (info->soname[0] ? info->soname : path);

      if (minor == 0)
        minor = minor_from_name (path);
      info->rodata_minor = minor;
      if (minor != 0)
        info->micro = micro_from_rodata (rodata->d_buf, rodata->d_size, minor);
    }
  elf_end (elf);
  close (fd);
  return TRUE;
}

/* The candidates of @pid: its executable and any libpython, with the start
 * of their mapping at offset 0. */
static GArray *
read_candidates (pid_t    pid,
                 GError **error)
{
  g_autofree char *maps_path = g_strdup_printf ("/proc/%d/maps", pid);
  g_autofree char *exe_link = g_strdup_printf ("/proc/%d/exe", pid);
  g_autofree char *maps = NULL;
  g_autofree char *exe = g_file_read_link (exe_link, NULL);
  g_autoptr(GError) local = NULL;
  GArray *out = g_array_new (FALSE, TRUE, sizeof (Candidate));
  char *line, *save = NULL;

  g_array_set_clear_func (out, (GDestroyNotify) candidate_clear);
  if (!g_file_get_contents (maps_path, &maps, NULL, &local))
    {
      g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_FAILED,
                   _("Cannot read the memory map of process %d: %s"), (int) pid, local->message);
      g_array_unref (out);
      return NULL;
    }
  for (line = strtok_r (maps, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save))
    {
      unsigned long long start, end, offset;
      char perms[8];
      int path_at = 0;
      const char *path, *base;
      Candidate *c = NULL;

      if (sscanf (line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &offset, &path_at) < 4 ||
          path_at == 0 || line[path_at] != '/')
        continue;
      path = line + path_at;
      base = strrchr (path, '/') + 1;
      if (!is_libpython (base) && (exe == NULL || strcmp (path, exe) != 0))
        continue;
      for (guint i = 0; i < out->len; i++)
        if (strcmp (g_array_index (out, Candidate, i).path, path) == 0)
          c = &g_array_index (out, Candidate, i);
      if (c == NULL)
        {
          Candidate n = { g_strdup (path), 0, FALSE };

          g_array_append_val (out, n);
          c = &g_array_index (out, Candidate, out->len - 1);
        }
      if (offset == 0 && !c->have_start)
        {
          c->start = start;
          c->have_start = TRUE;
        }
    }
  return out;
}

/* The version of an interpreter without Py_Version: 3.13+'s debug offsets
 * in the live process, else the name (3.10 and older). */
static guint32
version_without_py_version (pid_t          pid,
                            const ElfInfo *info,
                            guint64        runtime,
                            const char    *path)
{
  guint8 cookie[16];
  guint minor;

  if (lp_python_read_process (GINT_TO_POINTER (pid), runtime, cookie, sizeof cookie) &&
      memcmp (cookie, "xdebugpy", 8) == 0)
    return (guint32) _lp_python_u64 (cookie, 8);
  minor = info->rodata_minor ? info->rodata_minor : minor_from_name (info->soname[0] ? info->soname : path);
  if (minor == 0)
    return 0;
  return 0x03000000 | (minor << 16) | (MAX (info->micro, 0) << 8) | 0xf0;
}

/* Whether the 3.13+ debug offsets at @runtime say "free-threaded" (its
 * objects have another header: unsupported). */
static gboolean
is_free_threaded (pid_t   pid,
                  guint64 runtime)
{
  guint8 head[24];

  return lp_python_read_process (GINT_TO_POINTER (pid), runtime, head, sizeof head) &&
         memcmp (head, "xdebugpy", 8) == 0 && _lp_python_u64 (head, 16) != 0;
}

gboolean
lp_python_find (pid_t            pid,
                LpPythonTarget  *target,
                GError         **error)
{
  g_autoptr(GArray) candidates = NULL;
  gboolean old_python = FALSE;
  char old_path[256] = "";
  guint32 old_version = 0;

  g_return_val_if_fail (target != NULL, FALSE);
  memset (target, 0, sizeof *target);
  candidates = read_candidates (pid, error);
  if (candidates == NULL)
    return FALSE;

  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, i);
      g_autofree char *in_root = g_strdup_printf ("/proc/%d/root%s", pid, c->path);
      ElfInfo info;
      guint64 bias;
      const LpPythonLayout *layout;
      char vbuf[32];

      if (!c->have_start || (!read_elf (in_root, &info) && !read_elf (c->path, &info)))
        continue;
      bias = info.is_exec ? 0 : c->start - info.first_load;
      if (!info.has_runtime)
        {
          /* a CPython older than 3.7 (no _PyRuntime) */
          if (info.has_code_type && !old_python)
            {
              guint minor = minor_from_name (info.soname[0] ? info.soname : c->path);

              old_python = TRUE;
              g_strlcpy (old_path, c->path, sizeof old_path);
              old_version = minor ? 0x03000000 | (minor << 16) | 0xf0 : 0;
            }
          continue;
        }

      target->runtime = bias + info.runtime;
      target->runtime_size = info.runtime_size;
      target->code_type = info.has_code_type ? bias + info.code_type : 0;
      target->unicode_type = info.unicode_type ? bias + info.unicode_type : 0;
      target->bytes_type = info.bytes_type ? bias + info.bytes_type : 0;
      g_strlcpy (target->module, c->path, sizeof target->module);
      target->version = info.version ? info.version
                                     : version_without_py_version (pid, &info, target->runtime, c->path);
      if (target->version == 0)
        {
          g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED,
                       _("A Python in %s whose version laprof cannot tell; native stacks only"),
                       c->path);
          return FALSE;
        }
      layout = _lp_python_layout_for ((target->version >> 16) & 0xff);
      if (layout != NULL && layout->minor >= 13 && is_free_threaded (pid, target->runtime))
        {
          g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED,
                       _("Python %s in %s is a free-threaded build, which laprof cannot read; native stacks only"),
                       lp_python_version_string (target->version, vbuf), c->path);
          return FALSE;
        }
      if ((target->version >> 24) != 3 || layout == NULL || target->code_type == 0 ||
          (layout->minor < 13 && target->runtime_size != 0 &&
           target->runtime_size != layout->runtime_size))
        {
          g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED,
                       _("Python %s in %s: this version's layout is not known to laprof; native stacks only"),
                       lp_python_version_string (target->version, vbuf), c->path);
          return FALSE;
        }
      return TRUE;
    }

  if (old_python)
    {
      char vbuf[32];

      g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_UNSUPPORTED,
                   _("Python %s in %s: this version's layout is not known to laprof; native stacks only"),
                   old_version ? lp_python_version_string (old_version, vbuf) : "3", old_path);
      return FALSE;
    }
  g_set_error (error, LP_PYTHON_ERROR, LP_PYTHON_ERROR_NOT_FOUND,
               _("No Python interpreter in process %d"), (int) pid);
  return FALSE;
}
