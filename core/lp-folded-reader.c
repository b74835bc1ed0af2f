/* lp-folded-reader.c: folded text -> LpFolded, streaming, lenient or strict.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lp-folded-reader.h"

#define READ_CHUNK (1024 * 1024)
/* a file at least this large is read by two threads, a half each */
#define SPLIT_MIN  ((goffset) 16 * 1024 * 1024)

struct _LpFoldedReader
{
  LpFolded            *dest;
  LpFoldedReaderFlags  flags;

  /* a line cut by the end of a fed chunk */
  char     *carry;
  gsize     carry_len;
  gsize     carry_cap;
  gboolean  discarding;   /* inside a line longer than LP_FOLDED_MAX_LINE */

  /* The previous stack: its text, frame ids, the end offset of each frame
   * and the hash of each prefix. Sorted input shares long prefixes from
   * line to line; those frames are reused, not split and interned again. */
  const char *prev_text;  /* prev, or the previous line in the chunk being fed */
  char     *prev;
  gsize     prev_len;
  gsize     prev_cap;
  guint32  *frames;
  guint32  *ends;
  guint64  *hashes;       /* hashes[i]: hash of the first i frames */
  guint     n_prev;
  guint     frames_cap;

  guint64   n_bytes;
  guint64   n_lines;
  guint64   n_stack_lines;
  guint64   n_control_lines;
  guint64   n_skipped;
  gboolean  fractional;   /* a count that is not a whole number */
  guint64   skipped_for[LP_FOLDED_SKIP_N_REASONS];
  GArray   *skips;        /* of LpFoldedSkip, the first few */
};

LpFoldedReader *
lp_folded_reader_new (LpFolded            *dest,
                      LpFoldedReaderFlags  flags)
{
  LpFoldedReader *self;

  g_return_val_if_fail (dest != NULL, NULL);

  self = g_new0 (LpFoldedReader, 1);
  self->dest = dest;
  self->flags = flags;
  self->skips = g_array_new (FALSE, FALSE, sizeof (LpFoldedSkip));
  self->frames_cap = 64;
  self->frames = g_new (guint32, self->frames_cap);
  self->ends = g_new (guint32, self->frames_cap);
  self->hashes = g_new (guint64, self->frames_cap + 1);
  self->hashes[0] = LP_HASH_SEED;
  return self;
}

void
lp_folded_reader_free (LpFoldedReader *self)
{
  if (self == NULL)
    return;
  g_free (self->carry);
  g_free (self->prev);
  g_free (self->frames);
  g_free (self->ends);
  g_free (self->hashes);
  g_array_unref (self->skips);
  g_free (self);
}

const char *
lp_folded_reader_skip_reason_to_string (LpFoldedSkipReason reason)
{
  switch (reason)
    {
    case LP_FOLDED_SKIP_NO_COUNT:
      return _("no sample count at the end of the line");
    case LP_FOLDED_SKIP_NEGATIVE_COUNT:
      return _("negative sample count");
    case LP_FOLDED_SKIP_COUNT_TOO_LARGE:
      return _("sample count too large to count exactly");
    case LP_FOLDED_SKIP_EMPTY_STACK:
      return _("a count with no stack before it");
    case LP_FOLDED_SKIP_EMPTY_FRAME:
      return _("empty frame name (two ';' in a row, or one at an end)");
    case LP_FOLDED_SKIP_NUL_BYTE:
      return _("NUL byte in the line (binary data?)");
    case LP_FOLDED_SKIP_INVALID_UTF8:
      return _("not valid UTF-8 text");
    case LP_FOLDED_SKIP_LINE_TOO_LONG:
      return _("line longer than 16 MiB");
    case LP_FOLDED_SKIP_N_REASONS:
    default:
      break;
    }
  g_return_val_if_reached ("?");
}

static gboolean
skip (LpFoldedReader      *self,
      LpFoldedSkipReason   reason,
      GError             **error)
{
  LpFoldedSkip s = { self->n_lines, reason };

  self->n_skipped++;
  self->skipped_for[reason]++;
  if (self->skips->len < LP_FOLDED_MAX_SKIPS_KEPT)
    g_array_append_val (self->skips, s);

  if (self->flags & LP_FOLDED_READER_STRICT)
    {
      g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_INVALID_LINE,
                   _("Line %" PRIu64 ": %s"), s.line,
                   lp_folded_reader_skip_reason_to_string (reason));
      return FALSE;
    }
  return TRUE;
}

typedef enum
{
  COUNT_OK,
  COUNT_NOT_A_NUMBER,
  COUNT_NEGATIVE,
  COUNT_TOO_LARGE,
} CountResult;

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t';
}

/* What flamegraph.pl reads as a count: \d+(\.\d*)? */
static CountResult
parse_count (const char *p,
             gsize       n,
             double     *value)
{
  gboolean negative = FALSE;
  guint64 v = 0;
  gsize i = 0, int_digits = 0;
  gboolean fraction = FALSE;

  if (n > 0 && p[0] == '-')
    {
      negative = TRUE;
      i = 1;
    }
  for (; i < n && g_ascii_isdigit (p[i]); i++, int_digits++)
    {
      if (int_digits < 17)
        v = v * 10 + (guint64) (p[i] - '0');
    }
  if (int_digits == 0)
    return COUNT_NOT_A_NUMBER;
  if (i < n && p[i] == '.')
    {
      for (i++; i < n && g_ascii_isdigit (p[i]); i++)
        if (p[i] != '0')
          fraction = TRUE;
    }
  if (i != n)
    return COUNT_NOT_A_NUMBER;
  if (negative)
    return COUNT_NEGATIVE;
  if (int_digits > 16 || (double) v > LP_FOLDED_MAX_COUNT)
    return COUNT_TOO_LARGE;

  if (!fraction)
    {
      *value = (double) v;
      return COUNT_OK;
    }
  else
    {
      char buf[64];
      g_autofree char *big = NULL;
      const char *s = buf;

      if (n < sizeof buf)
        {
          memcpy (buf, p, n);
          buf[n] = '\0';
        }
      else
        s = big = g_strndup (p, n);
      *value = g_ascii_strtod (s, NULL);
      return *value > LP_FOLDED_MAX_COUNT ? COUNT_TOO_LARGE : COUNT_OK;
    }
}

static gboolean
count_skip (LpFoldedReader  *self,
            CountResult      r,
            GError         **error)
{
  switch (r)
    {
    case COUNT_NEGATIVE:
      return skip (self, LP_FOLDED_SKIP_NEGATIVE_COUNT, error);
    case COUNT_TOO_LARGE:
      return skip (self, LP_FOLDED_SKIP_COUNT_TOO_LARGE, error);
    case COUNT_NOT_A_NUMBER:
    case COUNT_OK:
    default:
      return skip (self, LP_FOLDED_SKIP_NO_COUNT, error);
    }
}

static gboolean
is_ascii (const char *p,
          gsize       n)
{
  guint64 acc = 0;
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 w;
      memcpy (&w, p + i, 8);
      acc |= w;
    }
  for (; i < n; i++)
    acc |= (guchar) p[i];
  return (acc & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
}

static gsize
common_prefix (const char *a,
               const char *b,
               gsize       n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 x, y;
      memcpy (&x, a + i, 8);
      memcpy (&y, b + i, 8);
      if (x != y)
        return i + (gsize) (__builtin_ctzll (x ^ y) / 8);
    }
  for (; i < n && a[i] == b[i]; i++)
    ;
  return i;
}

static void
ensure_frames (LpFoldedReader *self,
               guint           n)
{
  if (n <= self->frames_cap)
    return;
  while (self->frames_cap < n)
    self->frames_cap *= 2;
  self->frames = g_renew (guint32, self->frames, self->frames_cap);
  self->ends = g_renew (guint32, self->ends, self->frames_cap);
  self->hashes = g_renew (guint64, self->hashes, self->frames_cap + 1);
}

/* Splits @stack into frame ids, reusing the previous line's shared prefix. */
static gboolean
split_stack (LpFoldedReader *self,
             const char     *stack,
             gsize           len,
             guint          *depth)
{
  gsize common = common_prefix (stack, self->prev_text, MIN (len, self->prev_len));
  LpIntern *intern = lp_folded_get_intern (self->dest);
  guint k = 0;
  gsize pos;

  if (common == len && len == self->prev_len)
    {
      *depth = self->n_prev;
      return TRUE;
    }
  /* frame k can be reused when its closing ';' lies in the common part */
  while (k < self->n_prev && self->ends[k] < common)
    k++;
  /* what is not reused is no longer known to match the previous text;
   * if this line fails, the previous text is its first k frames */
  self->n_prev = k;
  self->prev_len = k > 0 ? self->ends[k - 1] : 0;

  pos = k > 0 ? self->ends[k - 1] + 1 : 0;
  for (;;)
    {
      gsize n;
      guint32 id;

      /* an empty name is never interned */
      if (pos == len || stack[pos] == ';')
        return FALSE;
      ensure_frames (self, k + 1);
      id = lp_intern_add_until (intern, stack + pos, len - pos, ';', &n);
      self->frames[k] = id;
      self->ends[k] = (guint32) (pos + n);
      self->hashes[k + 1] = lp_folded_hash_step (self->hashes[k], id);
      k++;
      if (pos + n == len)
        break;
      pos += n + 1;
    }

  /* the text stays where it is until the end of the chunk (keep_prev) */
  self->prev_text = stack;
  self->prev_len = len;
  self->n_prev = k;
  *depth = k;
  return TRUE;
}

/* The previous line's text into the reader's own buffer, before the chunk
 * or the carried line it lies in goes away. */
static void
keep_prev (LpFoldedReader *self)
{
  if (self->prev_text == self->prev || self->prev_len == 0)
    {
      self->prev_text = self->prev;
      return;
    }
  if (self->prev_len > self->prev_cap)
    {
      self->prev_cap = MAX (self->prev_len, self->prev_cap * 2);
      g_free (self->prev);
      self->prev = g_malloc (self->prev_cap);
    }
  memmove (self->prev, self->prev_text, self->prev_len);
  self->prev_text = self->prev;
}

static gboolean
process_line (LpFoldedReader  *self,
              const char      *line,
              gsize            len,
              GError         **error)
{
  gsize start, stack_end, region_end;
  double count = 0, count2 = 0;
  CountResult r;
  guint depth = 0;
  g_autoptr(GError) local_error = NULL;

  self->n_lines++;

  /* CRLF, and trailing blanks, are not part of the count */
  while (len > 0 && (line[len - 1] == '\r' || is_space (line[len - 1])))
    len--;
  if (len == 0)
    return TRUE;
  if ((self->flags & LP_FOLDED_READER_STREAM) && line[0] == '#')
    {
      self->n_control_lines++;
      return TRUE;
    }
  if (memchr (line, '\0', len) != NULL)
    return skip (self, LP_FOLDED_SKIP_NUL_BYTE, error);

  start = len;
  while (start > 0 && !is_space (line[start - 1]))
    start--;
  r = parse_count (line + start, len - start, &count);
  if (start == 0)
    return skip (self, r == COUNT_NOT_A_NUMBER ? LP_FOLDED_SKIP_NO_COUNT : LP_FOLDED_SKIP_EMPTY_STACK, error);
  if (r != COUNT_OK)
    return count_skip (self, r, error);

  stack_end = region_end = start;
  while (stack_end > 0 && is_space (line[stack_end - 1]))
    stack_end--;

  /* a second number before the count: differential input, as in
   * flamegraph.pl, where the last column is the second profile's count */
  if (stack_end > 0)
    {
      gsize s2 = stack_end;
      double first;

      while (s2 > 0 && !is_space (line[s2 - 1]))
        s2--;
      if (s2 > 0)
        {
          r = parse_count (line + s2, stack_end - s2, &first);
          if (r == COUNT_OK)
            {
              count2 = count;
              count = first;
              stack_end = region_end = s2;
              while (stack_end > 0 && is_space (line[stack_end - 1]))
                stack_end--;
              lp_folded_set_differential (self->dest, TRUE);
            }
          else if (r == COUNT_TOO_LARGE)
            return count_skip (self, r, error);
        }
    }

  if (stack_end == 0)
    return skip (self, LP_FOLDED_SKIP_EMPTY_STACK, error);
  /* sums of whole numbers below 2^53 are exact in any order */
  if (count != (double) (guint64) count || count2 != (double) (guint64) count2)
    self->fractional = TRUE;
  /* "a;b;  3": a last frame of blanks. flamegraph.pl takes all but one
   * blank before the count as the stack and keeps the frame " " (perf's
   * frames without a symbol); so does laprof, so that the line is counted
   * and written back byte for byte. ("a;b; 3" leaves an empty name and is
   * skipped, as ever.) */
  if (line[stack_end - 1] == ';' && region_end - stack_end >= 2)
    stack_end = region_end - 1;
  if (!is_ascii (line, stack_end) && !g_utf8_validate_len (line, stack_end, NULL))
    return skip (self, LP_FOLDED_SKIP_INVALID_UTF8, error);
  if (!split_stack (self, line, stack_end, &depth))
    return skip (self, LP_FOLDED_SKIP_EMPTY_FRAME, error);

  if (!lp_folded_add (self->dest, self->frames, depth, self->hashes[depth],
                      count, count2, NULL, &local_error))
    return skip (self, LP_FOLDED_SKIP_COUNT_TOO_LARGE, error);

  self->n_stack_lines++;
  return TRUE;
}

static void
carry_append (LpFoldedReader *self,
              const char     *data,
              gsize           len)
{
  keep_prev (self);
  if (self->carry_len + len > self->carry_cap)
    {
      self->carry_cap = MAX (self->carry_len + len, self->carry_cap * 2);
      self->carry = g_realloc (self->carry, self->carry_cap);
    }
  memcpy (self->carry + self->carry_len, data, len);
  self->carry_len += len;
}

static gboolean
feed (LpFoldedReader  *self,
      const char      *data,
      gsize            len,
      GError         **error)
{

  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      gsize line_len = nl != NULL ? (gsize) (nl - data) : len;

      if (self->discarding)
        {
          if (nl == NULL)
            return TRUE;
          self->discarding = FALSE;
          self->n_lines++;
          if (!skip (self, LP_FOLDED_SKIP_LINE_TOO_LONG, error))
            return FALSE;
        }
      else if (self->carry_len + line_len > LP_FOLDED_MAX_LINE)
        {
          /* drop the line without holding it: a huge line costs no memory */
          self->carry_len = 0;
          self->discarding = TRUE;
          continue;
        }
      else if (nl == NULL)
        {
          carry_append (self, data, len);
          return TRUE;
        }
      else if (self->carry_len > 0)
        {
          gsize n;

          carry_append (self, data, line_len);
          n = self->carry_len;
          self->carry_len = 0;
          if (!process_line (self, self->carry, n, error))
            return FALSE;
        }
      else if (!process_line (self, data, line_len, error))
        return FALSE;

      data = nl + 1;
      len -= line_len + 1;
    }
  return TRUE;
}

gboolean
lp_folded_reader_feed (LpFoldedReader  *self,
                       const char      *data,
                       gsize            len,
                       GError         **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  self->n_bytes += len;
  ok = feed (self, data, len, error);
  /* @data is the caller's: the last line read from it is copied */
  keep_prev (self);
  return ok;
}

gboolean
lp_folded_reader_finish (LpFoldedReader  *self,
                         GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->discarding)
    {
      self->discarding = FALSE;
      self->n_lines++;
      if (!skip (self, LP_FOLDED_SKIP_LINE_TOO_LONG, error))
        return FALSE;
    }
  else if (self->carry_len > 0)
    {
      gsize n = self->carry_len;

      self->carry_len = 0;
      if (!process_line (self, self->carry, n, error))
        return FALSE;
      keep_prev (self);
    }

  if (self->n_bytes == 0)
    {
      g_set_error_literal (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_EMPTY,
                           _("The input is empty"));
      return FALSE;
    }
  if (self->n_stack_lines == 0)
    {
      g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_NO_STACKS,
                   g_dngettext (NULL,
                                "None of its %" PRIu64 " line is a folded stack (\"frame;frame;... count\")",
                                "None of its %" PRIu64 " lines is a folded stack (\"frame;frame;... count\")",
                                self->n_lines),
                   self->n_lines);
      return FALSE;
    }
  return TRUE;
}

/* Feeds the bytes of @fd from @offset to @end (or its end of file); with
 * @offset -1, from where @fd is, by read() (a pipe cannot pread). */
static gboolean
read_range (LpFoldedReader  *self,
            int              fd,
            goffset          offset,
            goffset          end,
            const char      *name,
            GError         **error)
{
  g_autofree char *buf = g_malloc (READ_CHUNK);

  while (end < 0 || offset < end)
    {
      gsize want = end < 0 ? READ_CHUNK : (gsize) MIN ((goffset) READ_CHUNK, end - offset);
      gssize n = offset < 0 ? read (fd, buf, want) : pread (fd, buf, want, offset);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_IO,
                       _("Could not read %s: %s"), name, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      if (offset >= 0)
        offset += n;
      if (!lp_folded_reader_feed (self, buf, (gsize) n, error))
        {
          g_prefix_error (error, "%s: ", name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
lp_folded_reader_read_fd (LpFoldedReader  *self,
                          int              fd,
                          const char      *name,
                          GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  if (!read_range (self, fd, -1, -1, name, error))
    return FALSE;
  if (!lp_folded_reader_finish (self, error))
    {
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  return TRUE;
}


/* The start of the first line at or after the middle of @fd's @size
 * bytes, or -1 when there is none close to it. */
static goffset
find_split (int     fd,
            goffset size)
{
  char buf[64 * 1024];
  goffset mid = size / 2;
  gssize n = pread (fd, buf, sizeof buf, mid - 1);
  const char *nl;

  if (n <= 0)
    return -1;
  nl = memchr (buf, '\n', (gsize) n);
  if (nl == NULL || mid + (nl - buf) >= size)
    return -1;
  return mid + (nl - buf);
}

typedef struct
{
  int             fd;
  goffset         split;
  const char     *name;
  LpFoldedReader *reader;
  gboolean        ok;
} Half;

static gpointer
read_second_half (gpointer data)
{
  Half *h = data;

  /* errors and skipped lines are reported by the sequential read again */
  h->ok = read_range (h->reader, h->fd, h->split, -1, h->name, NULL)
          && lp_folded_reader_finish (h->reader, NULL)
          && h->reader->n_skipped == 0;
  return NULL;
}

/* Two threads: this one reads the first half into the destination, a
 * second one the rest into an aggregate of its own, merged after. Names
 * and stacks keep the ids and order of a read from start to end
 * (lp_folded_merge() adds the second half's names and stacks in the order
 * it met them), and sums of whole counts do not depend on their order. If
 * the second half had anything to say (a line skipped, an error) or a
 * count is fractional, its result is dropped and this thread reads it
 * again, so that every message, line number and sum is that of a read
 * from start to end. */
static gboolean
read_split (LpFoldedReader  *self,
            int              fd,
            goffset          split,
            const char      *name,
            GError         **error)
{
  g_autoptr(LpFolded) second = lp_folded_new ();
  Half h = { fd, split, name, NULL, FALSE };
  GThread *thread;
  gboolean ok;

  h.reader = lp_folded_reader_new (second, self->flags);
  thread = g_thread_new ("lp-read", read_second_half, &h);
  ok = read_range (self, fd, 0, split, name, error);
  g_thread_join (thread);

  if (ok && h.ok && !self->fractional && !h.reader->fractional
      && self->carry_len == 0 && !self->discarding
      && lp_folded_merge (self->dest, second, NULL))
    {
      self->n_bytes += h.reader->n_bytes;
      self->n_lines += h.reader->n_lines;
      self->n_stack_lines += h.reader->n_stack_lines;
      self->n_control_lines += h.reader->n_control_lines;
    }
  else if (ok)
    ok = read_range (self, fd, split, -1, name, error);
  lp_folded_reader_free (h.reader);
  return ok;
}

gboolean
lp_folded_reader_read_file (LpFoldedReader  *self,
                            const char      *path,
                            GError         **error)
{
  gboolean ok;
  struct stat st;
  goffset split = -1;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_str_equal (path, "-"))
    return lp_folded_reader_read_fd (self, STDIN_FILENO, _("standard input"), error);

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LP_FOLDED_ERROR, LP_FOLDED_ERROR_IO,
                   _("Could not open %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  /* a large file, unless a line of an earlier feed is still open */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_size >= SPLIT_MIN
      && g_get_num_processors () >= 2 && self->carry_len == 0 && !self->discarding)
    split = find_split (fd, st.st_size);
  if (split > 0)
    {
      ok = read_split (self, fd, split, path, error);
      if (ok && !lp_folded_reader_finish (self, error))
        {
          g_prefix_error (error, "%s: ", path);
          ok = FALSE;
        }
    }
  else
    ok = lp_folded_reader_read_fd (self, fd, path, error);
  close (fd);
  return ok;
}

guint64
lp_folded_reader_get_n_lines (const LpFoldedReader *self)
{
  return self->n_lines;
}

guint64
lp_folded_reader_get_n_control_lines (const LpFoldedReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_control_lines;
}

guint64
lp_folded_reader_get_n_stack_lines (const LpFoldedReader *self)
{
  return self->n_stack_lines;
}

guint64
lp_folded_reader_get_n_skipped (const LpFoldedReader *self)
{
  return self->n_skipped;
}

guint64
lp_folded_reader_get_n_skipped_for (const LpFoldedReader *self,
                                    LpFoldedSkipReason    reason)
{
  g_return_val_if_fail (reason < LP_FOLDED_SKIP_N_REASONS, 0);
  return self->skipped_for[reason];
}

guint64
lp_folded_reader_get_n_bytes (const LpFoldedReader *self)
{
  return self->n_bytes;
}

const LpFoldedSkip *
lp_folded_reader_get_skips (const LpFoldedReader *self,
                            guint                *n_skips)
{
  *n_skips = self->skips->len;
  return (const LpFoldedSkip *) (gpointer) self->skips->data;
}
