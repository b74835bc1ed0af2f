/* lp-process-list.c: processes from /proc with CPU use, owners and traceability.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <glib/gi18n.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lp-process-list.h"

typedef struct
{
  int     pid;
  guint64 ticks;  /* utime + stime */
} Sample;

struct _LpProcessList
{
  GArray     *infos;       /* of LpProcessInfo, by pid */
  GHashTable *prev_ticks;  /* pid -> ticks at the previous refresh */
  gint64      prev_time;   /* monotonic µs of the previous refresh */
  GHashTable *users;       /* uid -> name, cached */
};

static void
info_clear (gpointer data)
{
  LpProcessInfo *info = data;

  g_free (info->user);
  g_free (info->name);
  g_free (info->cmdline);
  g_free (info->why_not);
}

LpProcessList *
lp_process_list_new (void)
{
  LpProcessList *self = g_new0 (LpProcessList, 1);

  self->infos = g_array_new (FALSE, TRUE, sizeof (LpProcessInfo));
  g_array_set_clear_func (self->infos, info_clear);
  self->prev_ticks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->users = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return self;
}

void
lp_process_list_free (LpProcessList *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->infos);
  g_hash_table_unref (self->prev_ticks);
  g_hash_table_unref (self->users);
  g_free (self);
}

static const char *
user_name (LpProcessList *self,
           uid_t          uid)
{
  char *name = g_hash_table_lookup (self->users, GUINT_TO_POINTER (uid));

  if (name == NULL)
    {
      struct passwd *pw = getpwuid (uid);

      name = pw != NULL ? g_strdup (pw->pw_name) : g_strdup_printf ("%u", (guint) uid);
      g_hash_table_insert (self->users, GUINT_TO_POINTER (uid), name);
    }
  return name;
}

static char *
read_proc_file (int         pid,
                const char *what,
                gsize      *len)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", pid, what);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, len, NULL))
    return NULL;
  return contents;
}

static int
read_int_sysctl (const char *path,
                 int         fallback)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return fallback;
  return atoi (text);
}

/* the value of "Key:" in /proc/PID/status, or -1 */
static long
status_field (const char *status,
              const char *key)
{
  const char *p = strstr (status, key);

  if (p == NULL)
    return -1;
  return strtol (p + strlen (key), NULL, 10);
}

#define PF_KTHREAD 0x00200000

/* kernel threads carry PF_KTHREAD in the flags field of /proc/PID/stat */
static gboolean
is_kernel_thread (int pid)
{
  g_autofree char *stat_text = read_proc_file (pid, "stat", NULL);
  const char *close_paren = stat_text != NULL ? strrchr (stat_text, ')') : NULL;
  g_auto(GStrv) fields = NULL;

  if (close_paren == NULL)
    return FALSE;
  fields = g_strsplit (close_paren + 2, " ", 8);
  return g_strv_length (fields) > 6 && (strtoul (fields[6], NULL, 10) & PF_KTHREAD) != 0;
}

char *
lp_process_list_why_not_traceable (int pid)
{
  g_autofree char *status = read_proc_file (pid, "status", NULL);
  struct stat st;
  g_autofree char *dir = g_strdup_printf ("/proc/%d", pid);
  long tracer;
  int scope;

  if (status == NULL || stat (dir, &st) != 0)
    return g_strdup_printf (_("Process %d does not exist (any more)."), pid);
  if (pid == getpid ())
    return g_strdup (_("laprof cannot profile itself."));
  if (is_kernel_thread (pid))
    return g_strdup (_("This is a kernel thread; it has no user-space stack to sample."));

  tracer = status_field (status, "\nTracerPid:");
  if (tracer > 0)
    return g_strdup_printf (_("Process %d is already traced by process %ld (a debugger?). "
                              "Detach it first, or use the cpu mode, which does not trace."),
                            pid, tracer);

  if (geteuid () == 0)
    return NULL;
  if (st.st_uid != geteuid ())
    return g_strdup (_("This process belongs to another user. Run laprof as root "
                       "(it offers to use pkexec) to profile it."));

  scope = read_int_sysctl ("/proc/sys/kernel/yama/ptrace_scope", 0);
  if (scope >= 2)
    return g_strdup_printf (_("kernel.yama.ptrace_scope is %d: only root may attach. "
                              "Run laprof as root, or set it to 0 or 1."), scope);
  if (scope == 1)
    return g_strdup (_("kernel.yama.ptrace_scope is 1: only child processes may be traced. "
                       "Launch the program from laprof, run as root, or set "
                       "kernel.yama.ptrace_scope to 0."));
  return NULL;
}

/* seconds since boot, from /proc/uptime; 0 if unreadable */
static double
read_uptime (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/uptime", &text, NULL, NULL))
    return 0;
  return g_ascii_strtod (text, NULL);
}

gboolean
lp_process_list_refresh (LpProcessList  *self,
                         GError        **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GHashTable) ticks_now = NULL;
  const char *entry;
  gint64 now = g_get_monotonic_time ();
  double elapsed_ticks;
  double uptime;
  long hz = sysconf (_SC_CLK_TCK);

  dir = g_dir_open ("/proc", 0, error);
  if (dir == NULL)
    return FALSE;

  if (hz <= 0)
    hz = 100;
  elapsed_ticks = self->prev_time > 0 ? (now - self->prev_time) / 1e6 * hz : 0;
  uptime = read_uptime ();
  ticks_now = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_array_set_size (self->infos, 0);

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stat_text = NULL;
      g_autofree char *status = NULL;
      g_autofree char *cmdline = NULL;
      LpProcessInfo info = { 0 };
      gsize cmd_len = 0;
      const char *open_paren, *close_paren;
      unsigned long utime = 0, stime = 0;
      unsigned long long start_ticks = 0;
      guint64 *ticks;
      guint64 *prev;
      char *end;
      long pid = strtol (entry, &end, 10);

      if (*end != '\0' || pid <= 0)
        continue;

      /* a process may end at any moment: whatever fails, skip it */
      stat_text = read_proc_file ((int) pid, "stat", NULL);
      status = read_proc_file ((int) pid, "status", NULL);
      if (stat_text == NULL || status == NULL)
        continue;
      open_paren = strchr (stat_text, '(');
      close_paren = strrchr (stat_text, ')');
      if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
        continue;

      info.pid = (int) pid;
      info.name = g_strndup (open_paren + 1, close_paren - open_paren - 1);
      /* fields after the name: state ppid ... utime(14) stime(15), counting from 1 */
      {
        g_auto(GStrv) fields = g_strsplit (close_paren + 2, " ", 0);
        if (g_strv_length (fields) > 13)
          {
            utime = strtoul (fields[11], NULL, 10);
            stime = strtoul (fields[12], NULL, 10);
          }
        /* starttime (22): clock ticks after boot */
        if (g_strv_length (fields) > 19)
          start_ticks = g_ascii_strtoull (fields[19], NULL, 10);
      }
      info.uid = (uid_t) status_field (status, "\nUid:");
      info.user = g_strdup (user_name (self, info.uid));
      info.n_threads = (guint) MAX (status_field (status, "\nThreads:"), 0);
      info.is_own = info.uid == geteuid ();

      cmdline = read_proc_file ((int) pid, "cmdline", &cmd_len);
      if (cmdline != NULL && cmd_len > 0)
        {
          for (gsize i = 0; i + 1 < cmd_len; i++)
            if (cmdline[i] == '\0')
              cmdline[i] = ' ';
          info.cmdline = g_strndup (cmdline, cmd_len);
          g_strchomp (info.cmdline);
        }
      else
        {
          info.is_kernel_thread = is_kernel_thread (info.pid);
          info.cmdline = g_strdup_printf ("[%s]", info.name);
        }

      ticks = g_new (guint64, 1);
      *ticks = (guint64) utime + stime;
      g_hash_table_insert (ticks_now, GINT_TO_POINTER (info.pid), ticks);
      prev = g_hash_table_lookup (self->prev_ticks, GINT_TO_POINTER (info.pid));
      if (prev != NULL && elapsed_ticks > 0 && *ticks >= *prev)
        info.cpu_percent = (*ticks - *prev) * 100.0 / elapsed_ticks;
      else if (prev == NULL && uptime > 0)
        {
          /* first seen: the average since it started, as ps shows, so that
           * the busiest come first from the first look (issue 12) */
          double lived = uptime - (double) start_ticks / hz;
          if (lived > 0.01)
            info.cpu_percent = MIN ((double) *ticks / hz / lived * 100.0, 100.0 * MAX (info.n_threads, 1));
        }

      info.why_not = lp_process_list_why_not_traceable (info.pid);
      g_array_append_val (self->infos, info);
    }

  g_hash_table_unref (self->prev_ticks);
  self->prev_ticks = g_steal_pointer (&ticks_now);
  self->prev_time = now;
  return TRUE;
}

guint
lp_process_list_get_n (const LpProcessList *self)
{
  return self->infos->len;
}

const LpProcessInfo *
lp_process_list_get (const LpProcessList *self,
                     guint                index)
{
  g_return_val_if_fail (index < self->infos->len, NULL);
  return &g_array_index (self->infos, LpProcessInfo, index);
}
