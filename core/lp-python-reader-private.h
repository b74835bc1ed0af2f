/* lp-python-reader-private.h: the reader's state, shared by its files:
 * lp-python-reader.c (threads, code objects, the walk), -memory.c (reads,
 * the data stack, the frame chain), -thread.c (thread names).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lp-python-private.h"

G_BEGIN_DECLS

enum
{
  MAX_DEPTH = 4096,          /* frames of one walk, whatever @max says */
  WALK_READS = 1024,         /* reads of one walk */
  MAX_THREADS = 4096,        /* thread states scanned to find a tid */
  MAX_INTERPS = 16,
  MAX_CHUNKS = 64,           /* data-stack chunks copied per walk */
  CHUNK_BUF = 1 << 20,       /* bytes of data-stack chunks copied per walk */
  CHUNK_HEADER = 24,         /* _PyStackChunk: previous, size, top, data */
  MAX_CODES = 16384,         /* code objects cached; the cache starts over past it */
  MAX_LINETABLE = 65536,
  BATCH = 256,               /* code objects checked per batched read */
  MAX_IOV = 1024,
  OB_TYPE = 8,
  OB_SIZE = 16,
  BYTES_DATA = 32,
  PTHREAD_SELF = 16,         /* glibc struct pthread: header.self */
  PTHREAD_TID = 720,         /* glibc 2.36 x86-64: struct pthread.tid */
  NEGATIVE_US = 200000,      /* a tid without a thread state is looked up again after this */
  HINTS = 1024,              /* frames outside the data stack remembered per thread: 3.10 */
  HINTS_INTERP_FRAMES = 128, /* 3.11+, whose frames are mostly in the data stack */
  CHUNK_HINTS = 16,          /* older data-stack chunks remembered per thread */
  OWNED_BY_THREAD = 0,       /* _PyInterpreterFrame.owner: FRAME_OWNED_BY_THREAD */
};

/* A data-stack chunk copied into chunk_buf. */
typedef struct
{
  guint64 lo, hi;   /* [lo, hi) of the target */
  gsize   off;      /* where it is in chunk_buf */
} Chunk;

/* A frame of the walk, before its code object is resolved. */
typedef struct
{
  guint64 code;
  guint64 instr;    /* prev_instr / instr_ptr, or f_lasti (3.10) */
  guint32 flags;
} RawFrame;

typedef struct
{
  guint64 addr;
  guint64 words[6]; /* what must not change: ob_type, ob_size, firstlineno, filename, qualname, linetable */
  gint32  firstlineno;
  gint64  n_units;  /* code units of the bytecode; -1 unknown (3.10) */
  guint32 id;
  gboolean shim;    /* one of the interpreter's own (3.13: __init__'s cleanup): not shown */
  guint   checked;  /* walk in which it was last checked */
  guint8 *table;
  gsize   table_len;
} CodeEntry;

/* A thread, and where its last walk found frames outside the data stack
 * (generators, coroutines, the entry frames of 3.12+ on the C stack, 3.10's
 * frame objects): the next walk reads them in the same call as the data
 * stack, and most are still there. */
typedef struct
{
  guint64 tstate;   /* 0: the tid has none (until @expires) */
  guint64 ident;    /* its pthread_t, checked on each use */
  gint64  expires;
  guint   n_hints;
  guint64 *hints;   /* max_hints of them, allocated on first use */
  guint   n_chunk_hints;
  guint64 chunk_hints[CHUNK_HINTS][2]; /* address, bytes read */
} ThreadEntry;

/* What a batched read asks for. */
typedef struct
{
  guint64  addr;
  void    *buf;
  gsize    len;
  gboolean ok;
} Req;

struct _LpPythonReader
{
  gboolean         no_lines;     /* lp_python_reader_set_lines (FALSE): frames' lines are 0 */
  LpPythonTarget   target;
  LpPythonLayout   layout;
  LpPythonReadFunc read;
  gpointer         data;
  gboolean         is_process;
  guint            max_hints;
  LpPythonStats    stats;
  guint            budget;       /* reads left in this walk */
  gboolean         over_budget;

  GHashTable      *threads;      /* tid -> ThreadEntry */
  GHashTable      *codes;        /* code address -> CodeEntry */
  GHashTable      *name_ids;     /* "qualname\nfilename" -> id */
  GPtrArray       *qualnames;    /* id - 1 -> text in strings */
  GPtrArray       *filenames;
  GStringChunk    *strings;
  guint            walk_no;
  guint64          gil;          /* the GIL struct, 0 until known */

  guint8          *tsbuf;
  guint8          *chunk_buf;
  Chunk            chunks[MAX_CHUNKS];
  guint            n_chunks;
  gsize            chunk_used;
  guint64          older_chunk;  /* next older chunk not copied yet */
  guint8          *hint_buf;     /* the hinted frames, read with the data stack */
  guint64          hint_addr[HINTS];
  gboolean         hint_ok[HINTS];
  guint            n_hint_read;
  guint64          new_hints[HINTS];
  guint            n_new_hints;
  guint64          new_chunk_hints[CHUNK_HINTS][2];
  guint            n_new_chunk_hints;
  Req             *first_reqs;   /* the walk's first batch: frame pointer, data stack, hints */
  RawFrame        *raw;
  guint8          *check_buf;
  Req             *reqs;
  CodeEntry      **pending;
  guint8          *str_obj;
  char             qualname[1024];
  char             filename[1024];
};

/* What the walk's first read gave. */
typedef enum
{
  LP_PYTHON_FIRST_OK,
  LP_PYTHON_FIRST_NONE,        /* the thread runs no Python frame */
  LP_PYTHON_FIRST_UNREADABLE,
} LpPythonFirst;

LpPythonFirst _lp_python_reader_read_first (LpPythonReader *self,
                                            ThreadEntry    *entry,
                                            guint64        *frame);

/* Walks the frames from @frame into raw; returns how many (the last one
 * UNREADABLE when the walk broke); *@truncated when @limit or the read
 * budget cut it. */
guint _lp_python_reader_collect (LpPythonReader *self,
                                 guint64         frame,
                                 guint           limit,
                                 gboolean       *truncated);

/* Reads all of @reqs: one process_vm_readv for up to 1,024 of them with a
 * live process, else one read each. */
void _lp_python_reader_read_batch (LpPythonReader *self,
                                   Req            *reqs,
                                   guint           n);

/* One read of @len bytes at @addr, counted in the stats and against the
 * current budget. */
gboolean _lp_python_reader_read (LpPythonReader *self,
                                 guint64         addr,
                                 void           *buf,
                                 gsize           len);

/* The str object at @addr as sanitized UTF-8 into @out. */
gboolean _lp_python_reader_str (LpPythonReader *self,
                                guint64         addr,
                                char           *out,
                                gsize           out_size);

const LpPythonLayout *_lp_python_reader_layout (LpPythonReader *self);

/* The interpreter and pthread_t (threading.get_ident()) of the thread @tid;
 * FALSE when it has no thread state. Resets the read budget. */
gboolean _lp_python_reader_thread_ident (LpPythonReader *self,
                                         pid_t           tid,
                                         guint64        *interp,
                                         guint64        *ident);

G_END_DECLS
