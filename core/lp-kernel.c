/* lp-kernel.c: kernel frames: the "_[k]" mark, /proc/kallsyms read once and searched, /proc/PID/task/TID/stack.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp-kernel.h"

G_DEFINE_QUARK (lp-kernel-error-quark, lp_kernel_error)

gboolean
lp_kernel_is_frame (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  return len >= strlen (LP_KERNEL_SUFFIX) &&
         memcmp (name + len - strlen (LP_KERNEL_SUFFIX), LP_KERNEL_SUFFIX, strlen (LP_KERNEL_SUFFIX)) == 0;
}

/* ---- /proc/kallsyms ---- */

#define HIDDEN_MESSAGE _("/proc/kallsyms hides the kernel's addresses from this user (kernel.kptr_restrict, " \
                         "kernel.perf_event_paranoid; run as root)")

typedef struct
{
  guint64 addr;
  guint32 name;   /* offset in names */
} Symbol;

struct _LpKernelSymbols
{
  Symbol *symbols;   /* sorted by address */
  guint   n;
  char   *names;
  guint64 end;       /* past the last function (_etext, else the last symbol + 4 KiB) */
};

static int
symbol_cmp (const void *a,
            const void *b)
{
  const Symbol *x = a, *y = b;

  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Reads the text symbols (t, T, w, W) of /proc/kallsyms, modules' too. */
static LpKernelSymbols *
read_kallsyms (GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GArray) symbols = g_array_new (FALSE, FALSE, sizeof (Symbol));
  GString *names;
  LpKernelSymbols *self;
  guint64 etext = 0;
  gboolean any_address = FALSE;
  char *line, *next;

  if (!g_file_get_contents ("/proc/kallsyms", &text, NULL, error))
    return NULL;
  names = g_string_sized_new (strlen (text) / 2);
  for (line = text; *line != '\0'; line = next)
    {
      char *end, *name, *name_end;
      guint64 addr;
      char type;
      Symbol sym;

      next = strchr (line, '\n');
      next = next != NULL ? next + 1 : line + strlen (line);
      /* "ffffffff81000000 T _stext" or "… t name\t[module]" */
      addr = g_ascii_strtoull (line, &end, 16);
      if (end == line || *end != ' ')
        continue;
      type = end[1];
      if (end[2] != ' ')
        continue;
      name = end + 3;
      name_end = name + strcspn (name, "\t\n");
      if (addr != 0)
        any_address = TRUE;
      if (name_end - name == 6 && memcmp (name, "_etext", 6) == 0)
        etext = addr;
      if (type != 't' && type != 'T' && type != 'w' && type != 'W')
        continue;
      sym.addr = addr;
      sym.name = (guint32) names->len;
      g_string_append_len (names, name, name_end - name);
      g_string_append_c (names, '\0');
      g_array_append_val (symbols, sym);
    }
  if (!any_address || symbols->len == 0)
    {
      g_string_free (names, TRUE);
      g_set_error (error, LP_KERNEL_ERROR, LP_KERNEL_ERROR_PERMISSION, HIDDEN_MESSAGE);
      return NULL;
    }
  g_array_sort (symbols, symbol_cmp);
  self = g_new0 (LpKernelSymbols, 1);
  self->n = symbols->len;
  self->symbols = (Symbol *) (gpointer) g_array_free (g_steal_pointer (&symbols), FALSE);
  self->names = g_string_free (names, FALSE);
  self->end = self->symbols[self->n - 1].addr + 4096;
  /* modules lie above the kernel's own text: its end is not theirs */
  if (etext > self->end)
    self->end = etext;
  return self;
}

const LpKernelSymbols *
lp_kernel_symbols_get (GError **error)
{
  static GMutex lock;
  static LpKernelSymbols *table;
  static char *failure;
  const LpKernelSymbols *result;

  g_mutex_lock (&lock);
  if (table == NULL && failure == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      table = read_kallsyms (&local_error);
      if (table == NULL)
        failure = g_strdup (local_error->message);
    }
  if (table == NULL)
    g_set_error_literal (error, LP_KERNEL_ERROR, LP_KERNEL_ERROR_PERMISSION, failure);
  result = table;
  g_mutex_unlock (&lock);
  return result;
}

guint
lp_kernel_symbols_lookup (const LpKernelSymbols  *self,
                          guint64                 addr,
                          const char            **name)
{
  guint lo = 0, hi;

  g_return_val_if_fail (self != NULL, G_MAXUINT);

  *name = NULL;
  if (self->n == 0 || addr < self->symbols[0].addr || addr >= self->end)
    return G_MAXUINT;
  /* the last symbol at or below @addr */
  hi = self->n;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->symbols[mid].addr <= addr)
        lo = mid;
      else
        hi = mid;
    }
  *name = self->names + self->symbols[lo].name;
  return lo;
}

guint
lp_kernel_symbols_count (const LpKernelSymbols *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n;
}

/* ---- /proc/PID/task/TID/stack ---- */

void
lp_kernel_parse_stack (const char *text,
                       GPtrArray  *names)
{
  g_autoptr(GPtrArray) inner_first = g_ptr_array_new ();
  const char *line, *next;

  g_ptr_array_set_size (names, 0);
  for (line = text; line != NULL && *line != '\0'; line = next)
    {
      const char *name, *end;

      next = strchr (line, '\n');
      next = next != NULL ? next + 1 : NULL;
      /* "[<0>] name+0xb5/0x130" (the address is hidden but to root) */
      name = strstr (line, "] ");
      if (name == NULL || (next != NULL && name >= next))
        continue;
      name += 2;
      end = name + strcspn (name, "+ \n");
      if (end == name || inner_first->len >= LP_KERNEL_MAX_FRAMES)
        continue;
      g_ptr_array_add (inner_first, g_strdup_printf ("%.*s" LP_KERNEL_SUFFIX, (int) (end - name), name));
    }
  for (guint i = inner_first->len; i > 0; i--)
    g_ptr_array_add (names, g_ptr_array_index (inner_first, i - 1));
}

gboolean
lp_kernel_read_stack (pid_t       pid,
                      pid_t       tid,
                      GPtrArray  *names,
                      GError    **error)
{
  char path[64], buf[8192];
  gssize n = 0, len = 0;
  int fd, e;

  g_snprintf (path, sizeof path, "/proc/%d/task/%d/stack", (int) pid, (int) tid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      e = errno;
      g_set_error (error, LP_KERNEL_ERROR, e == EACCES || e == EPERM ? LP_KERNEL_ERROR_PERMISSION : LP_KERNEL_ERROR_FAILED,
                   _("cannot read %s: %s"), path, g_strerror (e));
      return FALSE;
    }
  /* the kernel writes the whole file at the first read */
  while (len < (gssize) sizeof buf - 1 && (n = read (fd, buf + len, sizeof buf - 1 - len)) > 0)
    len += n;
  e = errno;
  close (fd);
  if (len == 0 && n < 0)
    {
      g_set_error (error, LP_KERNEL_ERROR, e == EACCES || e == EPERM ? LP_KERNEL_ERROR_PERMISSION : LP_KERNEL_ERROR_FAILED,
                   _("cannot read %s: %s"), path, g_strerror (e));
      return FALSE;
    }
  buf[len] = '\0';
  lp_kernel_parse_stack (buf, names);
  return TRUE;
}

/* Whether /proc/kallsyms shows this process the kernel's addresses: its
 * first line, without reading the whole (about 0.1 s here). */
static gboolean
kallsyms_visible (GError **error)
{
  char buf[256];
  gssize n;
  int fd = open ("/proc/kallsyms", O_RDONLY | O_CLOEXEC);
  int e = errno;

  if (fd < 0)
    {
      g_set_error (error, LP_KERNEL_ERROR, LP_KERNEL_ERROR_PERMISSION, _("cannot read %s: %s"), "/proc/kallsyms",
                   g_strerror (e));
      return FALSE;
    }
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  buf[MAX (n, 0)] = '\0';
  if (g_ascii_strtoull (buf, NULL, 16) == 0)
    {
      g_set_error (error, LP_KERNEL_ERROR, LP_KERNEL_ERROR_PERMISSION, HIDDEN_MESSAGE);
      return FALSE;
    }
  return TRUE;
}

gboolean
lp_kernel_check (pid_t    pid,
                 GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (pid <= 0)
    return kallsyms_visible (error);
  if (!lp_kernel_read_stack (pid, pid, names, error))
    {
      g_prefix_error (error, _("kernel stacks of blocked threads: "));
      return FALSE;
    }
  return TRUE;
}
