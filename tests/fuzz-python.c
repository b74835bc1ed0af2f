/* fuzz-python.c: libFuzzer target for the Python frame reader, whose input
 * is a memory image of a CPython process.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzz=true and clang. The input (little-endian):
 *
 *   u8  minor (10-13, taken modulo 4)   u8 unused   u32 tid
 *   u64 &_PyRuntime   u64 &PyCode_Type   u64 &PyUnicode_Type   u64 &PyBytes_Type
 *   then regions until the end: u64 address, u32 length, length bytes
 *
 * The reader reads the image through an LpPythonReadFunc that serves a
 * read only when one region holds all of it. Seeds, tests/data/
 * fuzz-python-corpus/, are what the reader read of real interpreters
 * (test-python-reader with LAPROF_PYTHON_CORPUS set writes them). Besides
 * "no crash, no leak, no undefined behaviour": a bounded number of reads,
 * at most @max frames, UNREADABLE only last and with no code, names valid
 * UTF-8 without ';' or line breaks. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lp-python.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

enum
{
  HEADER = 6 + 4 * 8,
  MAX_REGIONS = 4096,
  MAX_FRAMES = 600,
};

typedef struct
{
  guint64        addr;
  const guint8  *bytes;
  gsize          len;
} Region;

typedef struct
{
  Region regions[MAX_REGIONS];
  guint  n;
} Image;

static gboolean
image_read (gpointer data,
            guint64  addr,
            void    *buf,
            gsize    len)
{
  const Image *image = data;

  for (guint i = 0; i < image->n; i++)
    {
      const Region *r = &image->regions[i];

      if (addr >= r->addr && addr - r->addr <= r->len && len <= r->len - (addr - r->addr))
        {
          memcpy (buf, r->bytes + (addr - r->addr), len);
          return TRUE;
        }
    }
  return FALSE;
}

static guint64
get_u64 (const uint8_t *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static void
check_frames (LpPythonReader      *reader,
              const LpPythonFrame *frames,
              guint                n)
{
  if (n > MAX_FRAMES)
    abort ();
  for (guint i = 0; i < n; i++)
    {
      const char *q, *f;

      if (frames[i].flags & LP_PYTHON_FRAME_UNREADABLE)
        {
          if (i != n - 1 || frames[i].code != 0)
            abort ();
          continue;
        }
      if (frames[i].code == 0 || frames[i].line < 0)
        abort ();
      lp_python_reader_code_name (reader, frames[i].code, &q, &f);
      if (!g_utf8_validate (q, -1, NULL) || !g_utf8_validate (f, -1, NULL) ||
          strpbrk (q, ";\n\r") != NULL || strpbrk (f, ";\n\r") != NULL)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static Image image;
  static LpPythonFrame frames[MAX_FRAMES];
  LpPythonTarget target = { 0 };
  g_autoptr(LpPythonReader) reader = NULL;
  LpPythonStats stats;
  pid_t tid;
  gsize off;

  if (size < HEADER)
    return 0;
  target.version = 0x030000f0 | ((10 + data[0] % 4) << 16);
  memcpy (&tid, data + 2, 4);
  tid = GINT32_FROM_LE (tid);
  target.runtime = get_u64 (data + 6);
  target.code_type = get_u64 (data + 14);
  target.unicode_type = get_u64 (data + 22);
  target.bytes_type = get_u64 (data + 30);
  g_strlcpy (target.module, "fuzz", sizeof target.module);

  image.n = 0;
  for (off = HEADER; off + 12 <= size && image.n < MAX_REGIONS;)
    {
      Region *r = &image.regions[image.n++];
      guint32 len;

      r->addr = get_u64 (data + off);
      memcpy (&len, data + off + 8, 4);
      len = GUINT32_FROM_LE (len);
      off += 12;
      r->bytes = data + off;
      r->len = MIN ((gsize) len, size - off);
      off += r->len;
    }

  reader = lp_python_reader_new (&target, image_read, &image, NULL);
  if (reader == NULL)
    return 0;
  /* cold, warm, then cut short and after forgetting the threads */
  for (guint round = 0; round < 4; round++)
    {
      guint max = round == 2 ? 7 : MAX_FRAMES;
      guint64 reads_before;
      guint n;

      lp_python_reader_get_stats (reader, &stats);
      reads_before = stats.reads;
      n = lp_python_reader_stack (reader, tid, frames, max);
      if (n > max)
        abort ();
      check_frames (reader, frames, n);
      lp_python_reader_get_stats (reader, &stats);
      /* the walk's budget, plus a thread list scan */
      if (stats.reads - reads_before > 1024 + 2 * 4096 + 16)
        abort ();
      if (round == 2)
        lp_python_reader_forget (reader);
    }
  {
    g_autofree char *name = lp_python_reader_thread_name (reader, tid);

    if (name != NULL && (!g_utf8_validate (name, -1, NULL) || strpbrk (name, ";\n\r") != NULL))
      abort ();
  }
  (void) lp_python_reader_is_gil_wait (reader, target.runtime + 400);
  return 0;
}
