/* Prototype: walk CPython 3.11 thread states and frames of another process
 * with process_vm_readv, two ways, and time them.  Research only.
 *   gcc -O2 -Wall pywalk311.c -o pywalk311
 *   ./pywalk311 PID RUNTIME_ADDR PYCODE_TYPE_ADDR [iterations]
 * (addresses: nm -D /usr/bin/python3.11 | grep -E ' (_PyRuntime|PyCode_Type)$',
 *  plus the load bias for a PIE/libpython build) */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

enum {                       /* 3.11 offsets, from offsets.c */
  RT_INTERP_HEAD = 40, IS_THREADS_HEAD = 16, TS_NEXT = 8, TS_CFRAME = 56,
  TS_NATIVE_TID = 160, TS_DS_CHUNK = 296, TS_DS_TOP = 304, CF_CURRENT = 8,
  IF_CODE = 32, IF_PREVIOUS = 48, IF_PREV_INSTR = 56, IF_IS_ENTRY = 68,
  IF_OWNER = 69, IF_SIZE = 72, CO_QUALNAME = 128, CO_FILENAME = 112,
  STR_LEN = 16, STR_STATE = 32, STR_ASCII_DATA = 48, MAX_DEPTH = 4096,
};

static pid_t pid;
static long n_reads;

static int
rd (uint64_t addr, void *buf, size_t len)
{
  struct iovec local = { buf, len }, remote = { (void *) addr, len };
  n_reads++;
  return process_vm_readv (pid, &local, 1, &remote, 1, 0) == (ssize_t) len ? 0 : -1;
}

static uint64_t
u64 (uint64_t addr, int *ok)
{
  uint64_t v = 0;
  if (rd (addr, &v, 8) < 0)
    *ok = 0;
  return v;
}

static int
read_ascii (uint64_t obj, char *out, size_t outlen)
{
  unsigned char hdr[STR_ASCII_DATA];
  if (obj == 0 || obj % 8 || rd (obj, hdr, sizeof hdr) < 0)
    return -1;
  int64_t len; uint32_t state;
  memcpy (&len, hdr + STR_LEN, 8); memcpy (&state, hdr + STR_STATE, 4);
  if (!(state & 0x20) || !(state & 0x40) || len < 0 || (size_t) len >= outlen)
    return -1;                         /* only compact ASCII in this prototype */
  if (rd (obj + STR_ASCII_DATA, out, len) < 0)
    return -1;
  out[len] = 0;
  for (int64_t i = 0; i < len; i++)
    if ((unsigned char) out[i] >= 0x80 || out[i] == ';' || out[i] == '\n')
      return -1;
  return 0;
}

/* Method A: one read per frame (72 bytes).  Method B: one bulk read of the
 * current data-stack chunk, frames inside it parsed from the copy. */
static int
walk (uint64_t rt, uint64_t code_type, int bulk, int print)
{
  int ok = 1, total = 0;
  static unsigned char chunk[1 << 20];
  uint64_t interp = u64 (rt + RT_INTERP_HEAD, &ok);
  uint64_t ts = ok ? u64 (interp + IS_THREADS_HEAD, &ok) : 0;
  for (int nts = 0; ok && ts && nts < 4096; nts++)
    {
      unsigned char tsbuf[320];
      if (rd (ts, tsbuf, sizeof tsbuf) < 0)
        return -1;
      uint64_t cframe, tid, dsc, dstop;
      memcpy (&cframe, tsbuf + TS_CFRAME, 8); memcpy (&tid, tsbuf + TS_NATIVE_TID, 8);
      memcpy (&dsc, tsbuf + TS_DS_CHUNK, 8); memcpy (&dstop, tsbuf + TS_DS_TOP, 8);
      /* bulk: copy the used part of every data-stack chunk (newest first:
       * [chunk+24, datastack_top), then older ones [c+24, c+24+8*c->top)) */
      struct { uint64_t lo, hi; size_t off; } ck[32];
      int nck = 0;
      size_t used = 0;
      for (uint64_t c = bulk ? dsc : 0, end = dstop; c && nck < 32; )
        {
          unsigned char h[24];
          if (c % 8 || rd (c, h, 24) < 0)
            break;
          uint64_t cprev, csize, ctop;
          memcpy (&cprev, h, 8); memcpy (&csize, h + 8, 8); memcpy (&ctop, h + 16, 8);
          if (c != dsc)
            end = c + 24 + 8 * ctop;
          if (end < c + 24 || end > c + csize || used + (end - c) > sizeof chunk
              || rd (c, chunk + used, end - c) < 0)
            break;
          ck[nck].lo = c; ck[nck].hi = end; ck[nck].off = used; nck++;
          used += end - c;
          c = cprev;
        }
      uint64_t f = u64 (cframe + CF_CURRENT, &ok);
      int depth = 0;
      while (ok && f && depth < MAX_DEPTH)
        {
          unsigned char fb[IF_SIZE];
          if (f % 8)
            return -1;
          int k;
          for (k = 0; k < nck; k++)
            if (f >= ck[k].lo + 24 && f + IF_SIZE <= ck[k].hi)
              break;
          if (k < nck)
            memcpy (fb, chunk + ck[k].off + (f - ck[k].lo), IF_SIZE);
          else if (rd (f, fb, IF_SIZE) < 0)
            return -1;
          uint64_t code, prev, instr;
          memcpy (&code, fb + IF_CODE, 8); memcpy (&prev, fb + IF_PREVIOUS, 8);
          memcpy (&instr, fb + IF_PREV_INSTR, 8);
          if (print)
            {
              char q[256] = "?", file[512] = "?";
              uint64_t type = u64 (code + 8, &ok);
              if (type != code_type)
                return -1;
              read_ascii (u64 (code + CO_QUALNAME, &ok), q, sizeof q);
              read_ascii (u64 (code + CO_FILENAME, &ok), file, sizeof file);
              if (depth < 3 || prev == 0)
                printf ("  tid %lu depth %d %s (%s) entry=%d owner=%d\n", (unsigned long) tid,
                        depth, q, file, fb[IF_IS_ENTRY], fb[IF_OWNER]);
            }
          if (prev == f)
            return -1;
          f = prev;
          depth++;
        }
      if (print)
        printf ("  tid %lu: %d frames, %d data-stack chunks, %zu bytes used\n",
                (unsigned long) tid, depth, nck, used);
      total += depth;
      ts = u64 (ts + TS_NEXT, &ok);
    }
  return ok ? total : -1;
}

int
main (int argc, char **argv)
{
  if (argc < 4)
    return 2;
  pid = atoi (argv[1]);
  uint64_t rt = strtoull (argv[2], NULL, 0), code_type = strtoull (argv[3], NULL, 0);
  int iters = argc > 4 ? atoi (argv[4]) : 1000;
  printf ("frames: %d\n", walk (rt, code_type, 1, 1));
  for (int bulk = 0; bulk < 2; bulk++)
    {
      struct timespec a, b;
      n_reads = 0;
      clock_gettime (CLOCK_MONOTONIC, &a);
      int frames = 0;
      for (int i = 0; i < iters; i++)
        frames = walk (rt, code_type, bulk, 0);
      clock_gettime (CLOCK_MONOTONIC, &b);
      double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / iters;
      printf ("%s: %d frames per walk, %.1f reads per walk, %.1f us per walk (all threads)\n",
              bulk ? "bulk chunk read" : "one read per frame", frames,
              (double) n_reads / iters, us);
    }
  return 0;
}
