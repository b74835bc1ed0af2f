/* lp-perf-script.c: `perf script` text (of a `perf record -g`) read into a capture.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lp-capture.h"

/* The text is a list of samples, a blank line after each:
 *
 *   comm [pid/]tid [[cpu]] seconds.fraction: [period] event:[ more]
 *   \t addr symbol+0xoff (dso)
 *   \t addr [unknown] (dso)
 *
 * frames leaf first. The comm may hold spaces; what follows the event is
 * left alone. */

typedef struct
{
  const char *comm;
  gsize       comm_len;
  gint64      pid;       /* -1: not shown */
  gint64      tid;
  guint64     time_ns;
  guint64     period;    /* 0: not shown */
  const char *event;
  gsize       event_len;
} Header;

static gboolean
parse_uint (const char **p,
            const char  *end,
            guint64     *value)
{
  const char *s = *p;
  guint64 v = 0;

  if (s >= end || !g_ascii_isdigit (*s))
    return FALSE;
  while (s < end && g_ascii_isdigit (*s))
    {
      if (v > (G_MAXUINT64 - 9) / 10)
        return FALSE;
      v = v * 10 + (guint64) (*s - '0');
      s++;
    }
  *p = s;
  *value = v;
  return TRUE;
}

static const char *
skip_spaces (const char *s,
             const char *end)
{
  while (s < end && (*s == ' ' || *s == '\t'))
    s++;
  return s;
}

/* "[pid/]tid [[cpu]] seconds.fraction:" from @s; FALSE if it is not that */
static gboolean
parse_after_comm (const char *s,
                  const char *end,
                  Header     *h)
{
  guint64 a = 0, b = 0;

  if (!parse_uint (&s, end, &a))
    return FALSE;
  h->pid = -1;
  h->tid = (gint64) a;
  if (s < end && *s == '/')
    {
      s++;
      if (!parse_uint (&s, end, &b))
        return FALSE;
      h->pid = (gint64) a;
      h->tid = (gint64) b;
    }
  if (s >= end || (*s != ' ' && *s != '\t'))
    return FALSE;
  s = skip_spaces (s, end);
  if (s < end && *s == '[')
    {
      const char *close = memchr (s, ']', end - s);
      if (close == NULL)
        return FALSE;
      s = skip_spaces (close + 1, end);
    }
  /* the time: seconds, a point, up to 9 digits of fraction, a colon */
  if (!parse_uint (&s, end, &a) || s >= end || *s != '.')
    return FALSE;
  s++;
  {
    const char *frac = s;
    if (!parse_uint (&s, end, &b) || s - frac > 9)
      return FALSE;
    for (gsize i = s - frac; i < 9; i++)
      b *= 10;
  }
  if (s >= end || *s != ':' || a > G_MAXUINT64 / 1000000000 - 1)
    return FALSE;
  h->time_ns = a * 1000000000 + b;
  s = skip_spaces (s + 1, end);
  /* the period, when shown, then the event's name up to its colon */
  h->period = 0;
  {
    const char *t = s;
    if (parse_uint (&t, end, &a) && (t == end || *t == ' ' || *t == '\t'))
      {
        h->period = a;
        s = skip_spaces (t, end);
      }
  }
  h->event = s;
  while (s < end && *s != ':' && *s != ' ')
    s++;
  h->event_len = s - h->event;
  return TRUE;
}

/* a sample's header: the comm runs to the last place where the rest reads
 * as "[pid/]tid ... time:" */
static gboolean
parse_header (const char *line,
              const char *end,
              Header     *h)
{
  if (line >= end || line[0] == ' ' || line[0] == '\t' || line[0] == '#')
    return FALSE;
  for (const char *s = line + 1; s < end; s++)
    if ((s[-1] == ' ' || s[-1] == '\t') && g_ascii_isdigit (*s))
      {
        const char *comm_end = s;
        while (comm_end > line && (comm_end[-1] == ' ' || comm_end[-1] == '\t'))
          comm_end--;
        if (comm_end > line && parse_after_comm (s, end, h))
          {
            h->comm = line;
            h->comm_len = comm_end - line;
            return TRUE;
          }
      }
  return FALSE;
}

/* a frame line "addr symbol+0xoff (dso)" into its frame's name: the symbol
 * without its offset; "[dso+0xaddr]" where perf has no symbol, or the
 * address when it knows no dso either */
static gboolean
parse_frame (const char *line,
             const char *end,
             GString    *name)
{
  const char *s = skip_spaces (line, end), *addr = s, *sym, *sym_end, *dso = NULL, *dso_end = NULL;
  gsize addr_len;

  while (s < end && g_ascii_isxdigit (*s))
    s++;
  addr_len = s - addr;
  if (addr_len == 0 || addr_len > 16 || s >= end || (*s != ' ' && *s != '\t'))
    return FALSE;
  sym = skip_spaces (s, end);
  sym_end = end;
  while (sym_end > sym && (sym_end[-1] == ' ' || sym_end[-1] == '\t' || sym_end[-1] == '\r'))
    sym_end--;
  /* the dso: the last parenthesised part */
  if (sym_end > sym && sym_end[-1] == ')')
    {
      int depth = 0;
      for (const char *p = sym_end - 1; p >= sym; p--)
        {
          if (*p == ')')
            depth++;
          else if (*p == '(' && --depth == 0)
            {
              dso = p + 1;
              dso_end = sym_end - 1;
              sym_end = p;
              break;
            }
        }
      while (sym_end > sym && (sym_end[-1] == ' ' || sym_end[-1] == '\t'))
        sym_end--;
    }
  /* "+0xoff" after the symbol */
  {
    const char *plus = sym_end - sym >= 4 ? g_strrstr_len (sym, sym_end - sym, "+0x") : NULL;
    gboolean hex = plus != NULL && plus + 3 < sym_end;
    for (const char *p = plus != NULL ? plus + 3 : sym_end; hex && p < sym_end; p++)
      hex = g_ascii_isxdigit (*p);
    if (hex)
      sym_end = plus;
  }

  g_string_truncate (name, 0);
  if (sym_end > sym && !(sym_end - sym == 9 && memcmp (sym, "[unknown]", 9) == 0))
    {
      g_string_append_len (name, sym, sym_end - sym);
      return TRUE;
    }
  if (dso != NULL && dso_end > dso && !(dso_end - dso == 9 && memcmp (dso, "[unknown]", 9) == 0))
    {
      const char *base = dso_end;
      while (base > dso && base[-1] != '/')
        base--;
      g_string_append_c (name, '[');
      g_string_append_len (name, base, dso_end - base);
      g_string_append (name, "+0x");
    }
  else
    g_string_append (name, "[0x");
  while (addr_len > 1 && *addr == '0')
    addr++, addr_len--;
  g_string_append_len (name, addr, addr_len);
  g_string_append_c (name, ']');
  return TRUE;
}

typedef struct
{
  LpCapture  *dest;
  LpFolded   *folded;
  GHashTable *process_names;   /* pid -> comm of its main thread (tid == pid) */
  GArray     *frames;          /* guint32, leaf first as read */
  GArray     *root_first;
  gboolean    in_sample;
  Header      header;
  gboolean    have_first;
  guint64     first_ns;
  guint64     last_ns;
  guint64     n_samples;
  guint64     period;
  char       *event;
  char       *command;         /* the first sample's process */
} Reader;

static gboolean
flush_sample (Reader  *r,
              GError **error)
{
  Header *h = &r->header;
  guint thread;
  guint64 t;
  g_autofree char *comm = NULL;
  const char *root;

  if (!r->in_sample)
    return TRUE;
  r->in_sample = FALSE;
  comm = g_strndup (h->comm, h->comm_len);
  if (!r->have_first)
    {
      r->have_first = TRUE;
      r->first_ns = h->time_ns;
      r->period = h->period;
      r->event = g_strndup (h->event, h->event_len);
    }
  t = h->time_ns > r->first_ns ? h->time_ns - r->first_ns : 0;
  r->last_ns = MAX (r->last_ns, t);
  thread = lp_capture_find_thread (r->dest, h->pid, h->tid);
  if (thread == G_MAXUINT)
    thread = lp_capture_add_thread (r->dest, h->pid, h->tid, comm, t);
  else if (!g_str_equal (lp_capture_get_thread (r->dest, thread)->name, comm))
    lp_capture_add_thread (r->dest, h->pid, h->tid, comm, t);   /* renamed (exec, prctl) */

  /* the root frame: the process's name, as laprof's own recordings have */
  root = h->pid >= 0 ? g_hash_table_lookup (r->process_names, GINT_TO_POINTER ((gint) h->pid)) : NULL;
  if (r->command == NULL)
    r->command = g_strdup (root != NULL ? root : comm);
  g_array_set_size (r->root_first, 0);
  {
    guint32 id = lp_folded_intern (r->folded, root != NULL ? root : comm, -1);
    g_array_append_val (r->root_first, id);
  }
  for (guint i = r->frames->len; i-- > 0;)
    g_array_append_val (r->root_first, g_array_index (r->frames, guint32, i));
  g_array_set_size (r->frames, 0);
  r->n_samples++;
  return lp_capture_add_sample_frames (r->dest, t, thread, (const guint32 *) r->root_first->data,
                                       r->root_first->len, 1, 0, error);
}

/* the process names: the comm of each process's main thread, wherever in
 * the text it shows (the header lines only) */
static void
find_process_names (const char *text,
                    gsize       len,
                    GHashTable *names)
{
  const char *end = text + len;

  for (const char *line = text; line < end;)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *line_end = nl != NULL ? nl : end;
      Header h;
      if (line < line_end && line[0] != ' ' && line[0] != '\t' && parse_header (line, line_end, &h)
          && h.pid >= 0 && h.pid == h.tid && h.pid <= G_MAXINT
          && !g_hash_table_contains (names, GINT_TO_POINTER ((gint) h.pid)))
        g_hash_table_insert (names, GINT_TO_POINTER ((gint) h.pid), g_strndup (h.comm, h.comm_len));
      line = nl != NULL ? nl + 1 : end;
    }
}

gboolean
lp_perf_script_read (LpCapture    *dest,
                     const char   *text,
                     gsize         len,
                     guint64      *n_skipped,
                     GError      **error)
{
  Reader r = { 0 };
  const char *end = text + len;
  g_autoptr (GString) name = g_string_new (NULL);
  guint64 skipped = 0;
  gboolean ok = TRUE;
  LpCaptureInfo *info;

  g_return_val_if_fail (dest != NULL, FALSE);
  g_return_val_if_fail (text != NULL || len == 0, FALSE);

  r.dest = dest;
  r.folded = lp_capture_get_folded (dest);
  r.process_names = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  r.frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  r.root_first = g_array_new (FALSE, FALSE, sizeof (guint32));
  find_process_names (text, len, r.process_names);

  for (const char *line = text; ok && line < end;)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *line_end = nl != NULL ? nl : end;
      const char *s = skip_spaces (line, line_end);

      if (s == line_end || (s + 1 == line_end && *s == '\r'))
        ok = flush_sample (&r, error);                   /* blank: the sample ends */
      else if (*s == '#' && s == line)
        ;                                                /* perf's comments */
      else if (s != line)
        {
          /* a frame line: only inside a sample */
          if (r.in_sample && parse_frame (line, line_end, name))
            {
              guint32 id = lp_folded_intern (r.folded, name->str, name->len);
              g_array_append_val (r.frames, id);
            }
          else
            skipped++;
        }
      else
        {
          Header h;
          ok = flush_sample (&r, error);
          if (ok && parse_header (line, line_end, &h))
            {
              r.header = h;
              r.in_sample = TRUE;
            }
          else
            skipped++;
        }
      line = nl != NULL ? nl + 1 : end;
    }
  if (ok)
    ok = flush_sample (&r, error);

  if (ok && r.n_samples == 0)
    {
      g_set_error (error, LP_CAPTURE_ERROR, LP_CAPTURE_ERROR_FORMAT,
                   "no sample of `perf script` could be read (%" G_GUINT64_FORMAT " lines skipped)", skipped);
      ok = FALSE;
    }
  if (ok)
    {
      info = lp_capture_get_info (dest);
      lp_capture_info_set_string (dest, &info->source, "perf script");
      info->has_times = TRUE;
      /* a clock event's period is in nanoseconds: the time between samples */
      if (r.event != NULL && r.period > 0
          && (g_str_has_prefix (r.event, "cpu-clock") || g_str_has_prefix (r.event, "task-clock")))
        {
          info->period = (double) r.period / 1e9;
          lp_capture_info_set_string (dest, &info->mode, "cpu");
        }
      info->duration = (double) (r.last_ns + (info->period > 0 ? r.period : 0)) / 1e9;
      if (info->command == NULL && r.command != NULL)
        lp_capture_info_set_string (dest, &info->command, r.command);
    }
  if (n_skipped != NULL)
    *n_skipped = skipped;
  g_hash_table_unref (r.process_names);
  g_array_unref (r.frames);
  g_array_unref (r.root_first);
  g_free (r.event);
  g_free (r.command);
  return ok;
}
