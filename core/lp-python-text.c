/* lp-python-text.c: the texts of a Python target: str objects to sanitized
 * UTF-8, and code objects' line tables (3.10 pairs, 3.11+ location table).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "lp-python-private.h"

/* PyASCIIObject.length and .state, the same in 3.10-3.13 */
enum
{
  STR_LENGTH = 16,
  STR_STATE = 32,
  STATE_COMPACT = 0x20,
  STATE_ASCII = 0x40,
  OB_TYPE = 8,
};

/* Appends code point @c to @out (with room for @left bytes) as UTF-8;
 * FALSE (nothing written) when it does not fit. */
static gboolean
put_utf8 (gunichar  c,
          char    **out,
          gsize    *left)
{
  char buf[6];
  gint n;

  if (c >= 0xd800 && c <= 0xdfff)
    c = '?';
  else if (c > 0x10ffff)
    c = '?';
  n = g_unichar_to_utf8 (c, buf);
  if ((gsize) n > *left)
    return FALSE;
  memcpy (*out, buf, n);
  *out += n;
  *left -= n;
  return TRUE;
}

LpPythonStrResult
_lp_python_str_decode (const LpPythonLayout *layout,
                       guint64               unicode_type,
                       const guint8         *obj,
                       gsize                 obj_len,
                       gsize                *needed,
                       char                 *out,
                       gsize                 out_size)
{
  guint32 state, kind;
  gint64 length;
  gsize data, need;
  char *o = out;
  gsize left;

  g_assert (out_size > 0);
  if (obj_len < (gsize) layout->str_ascii_data || obj_len < STR_STATE + 4)
    {
      *needed = MAX ((gsize) layout->str_ascii_data, STR_STATE + 4);
      return LP_PYTHON_STR_SHORT;
    }
  if ((unicode_type != 0 && _lp_python_u64 (obj, OB_TYPE) != unicode_type) || !_lp_python_refcnt_ok (obj))
    return LP_PYTHON_STR_BAD;
  state = _lp_python_u32 (obj, STR_STATE);
  kind = (state >> 2) & 7;
  length = (gint64) _lp_python_u64 (obj, STR_LENGTH);
  if (!(state & STATE_COMPACT) || (kind != 1 && kind != 2 && kind != 4) ||
      ((state & STATE_ASCII) && kind != 1) || length < 0 || length > LP_PYTHON_STR_MAX)
    return LP_PYTHON_STR_BAD;
  data = (state & STATE_ASCII) ? (gsize) layout->str_ascii_data : (gsize) layout->str_compact_data;
  need = data + (gsize) length * kind;
  if (obj_len < need)
    {
      *needed = need;
      return LP_PYTHON_STR_SHORT;
    }

  left = out_size - 1;
  for (gint64 i = 0; i < length; i++)
    {
      const guint8 *p = obj + data + i * kind;
      gunichar c;

      if (kind == 1)
        c = p[0];
      else if (kind == 2)
        c = p[0] | (p[1] << 8);
      else
        c = _lp_python_u32 (p, 0);
      if ((state & STATE_ASCII) && c >= 0x80)
        return LP_PYTHON_STR_BAD;
      if (!put_utf8 (c, &o, &left))
        break;
    }
  *o = '\0';
  _lp_python_sanitize (out);
  return LP_PYTHON_STR_OK;
}

void
_lp_python_sanitize (char *text)
{
  const char *end;

  /* invalid UTF-8 (only from a caller's bytes: the decoder writes valid
   * UTF-8) ends the text */
  if (!g_utf8_validate (text, -1, &end))
    *(char *) end = '\0';
  for (guchar *p = (guchar *) text; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == ';')
      *p = '?';
}

/* The 3.11+ location table's varints: 6-bit groups, 0x40 = more. FALSE
 * when the table ends first or the value would take over 5 groups. */
static gboolean
varint (const guint8 **p,
        const guint8  *end,
        guint32       *value)
{
  guint32 v = 0;

  for (guint shift = 0; shift <= 24; shift += 6)
    {
      guint8 b;

      if (*p >= end)
        return FALSE;
      b = *(*p)++;
      v |= (guint32) (b & 63) << shift;
      if (!(b & 64))
        {
          *value = v;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
svarint (const guint8 **p,
         const guint8  *end,
         gint64        *value)
{
  guint32 v;

  if (!varint (p, end, &v))
    return FALSE;
  *value = (v & 1) ? -(gint64) (v >> 1) : (gint64) (v >> 1);
  return TRUE;
}

static gint32
clamp_line (gint64 line)
{
  return line > 0 && line <= G_MAXINT32 ? (gint32) line : 0;
}

static gint32
line_311 (const guint8 *table,
          gsize         len,
          gint32        firstlineno,
          gint64        lasti)
{
  const guint8 *p = table, *end = table + len;
  gint64 line = firstlineno, addr = 0;

  if (lasti < 0)
    return clamp_line (firstlineno);
  while (p < end)
    {
      guint8 b = *p++;
      guint code = (b >> 3) & 15, length = (b & 7) + 1;
      gint64 delta = 0;
      guint32 skip;

      if (!(b & 0x80))
        return 0; /* not the first byte of an entry */
      if (code == 14)
        {
          if (!svarint (&p, end, &delta) || !varint (&p, end, &skip) ||
              !varint (&p, end, &skip) || !varint (&p, end, &skip))
            return 0;
        }
      else if (code == 13)
        {
          if (!svarint (&p, end, &delta))
            return 0;
        }
      else if (code >= 10 && code <= 12)
        {
          delta = code - 10;
          p += MIN (2, end - p);
        }
      else if (code < 10 && p < end)
        p += 1;
      line += delta;
      if (lasti >= addr && lasti < addr + length)
        return code == 15 ? 0 : clamp_line (line);
      addr += length;
    }
  return 0;
}

static gint32
line_310 (const guint8 *table,
          gsize         len,
          gint32        firstlineno,
          gint64        lasti)
{
  gint64 addr = lasti * 2, line = firstlineno, end = 0;

  if (lasti < 0)
    return clamp_line (firstlineno);
  for (gsize k = 0; k + 1 < len; k += 2)
    {
      gint64 start = end;
      gint8 ldelta = (gint8) table[k + 1];

      end += table[k];
      if (ldelta != -128)
        line += ldelta;
      if (addr >= start && addr < end)
        return ldelta == -128 ? 0 : clamp_line (line);
    }
  return 0;
}

gint32
_lp_python_line (const LpPythonLayout *layout,
                 const guint8         *table,
                 gsize                 len,
                 gint32                firstlineno,
                 gint64                lasti)
{
  if (layout->linetable_310)
    return line_310 (table, len, firstlineno, lasti);
  return line_311 (table, len, firstlineno, lasti);
}
