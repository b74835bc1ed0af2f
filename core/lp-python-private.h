/* lp-python-private.h: what the files of the Python frame reader share: the
 * per-version layouts, string and line-table decoding.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <string.h>

#include "lp-python.h"

G_BEGIN_DECLS

/* How a thread state leads to its innermost frame. */
typedef enum
{
  LP_PYTHON_WALK_FRAME_OBJECTS, /* 3.10: tstate->frame, heap PyFrameObjects, f_back */
  LP_PYTHON_WALK_CFRAME,        /* 3.11, 3.12: tstate->cframe->current_frame */
  LP_PYTHON_WALK_DIRECT,        /* 3.13: tstate->current_frame */
} LpPythonWalk;

/* How an instance keeps its attributes (thread names, §2.4 of the research). */
typedef enum
{
  LP_PYTHON_DICT_OFFSET,     /* 3.10: the dict at tp_dictoffset */
  LP_PYTHON_DICT_MANAGED_311, /* dict at obj-24, values at obj-32 */
  LP_PYTHON_DICT_MANAGED_312, /* one tagged word at obj-24: odd = values-1 */
  LP_PYTHON_DICT_MANAGED_313, /* dict at obj-24, else inline values after the object */
} LpPythonDictStyle;

/* The offsets (x86-64) of one CPython minor version. -1: the field does not
 * exist in that version. */
typedef struct
{
  guint   minor;
  guint64 runtime_size;        /* sizeof (_PyRuntimeState) == the .PyRuntime section */

  /* _PyRuntimeState */
  gint32  rt_finalizing;
  gint32  rt_interp_head;
  gint32  rt_gil;              /* the GIL struct inside the runtime (3.10, 3.11) */

  /* PyInterpreterState */
  gint32  interp_next;
  gint32  interp_threads_head;
  gint32  interp_gil_ptr;      /* interp->ceval.gil, a pointer (3.12+) */
  gint32  interp_modules;      /* sys.modules */

  /* PyThreadState */
  gint32  ts_read;             /* bytes read at once: covers every field below */
  gint32  ts_next;
  gint32  ts_interp;
  gint32  ts_frame;            /* frame (3.10), cframe (3.11/3.12), current_frame (3.13) */
  gint32  ts_thread_id;        /* pthread_t */
  gint32  ts_native_tid;       /* kernel tid (3.11+) */
  gint32  ts_datastack_chunk;
  gint32  ts_datastack_top;
  gint32  cframe_current;      /* _PyCFrame.current_frame */

  /* frames: _PyInterpreterFrame (3.11+) or PyFrameObject (3.10) */
  LpPythonWalk walk;
  gint32  frame_read;          /* bytes read per frame */
  gint32  frame_code;
  gint32  frame_previous;
  gint32  frame_instr;         /* prev_instr / instr_ptr (a pointer), f_lasti (3.10, an int) */
  gint32  frame_is_entry;
  gint32  frame_owner;
  guint8  owner_max;           /* largest valid owner value */
  gint8   owner_shim;          /* owner of the entry frame each eval call pushes (3.12+), -1 none */

  /* PyCodeObject */
  gint32  code_read;           /* bytes read of a code object: covers every field below */
  gint32  code_firstlineno;
  gint32  code_filename;
  gint32  code_name;
  gint32  code_qualname;       /* co_name in 3.10 */
  gint32  code_linetable;
  gint32  code_adaptive;       /* co_code_adaptive, the bytecode inside the object (3.11+) */
  gboolean linetable_310;      /* the 3.10 (bytecode delta, line delta) pairs */
  gint32  code_flags;          /* co_flags */
  guint32 shim_code_flags;     /* co_flags of the interpreter's own code (CO_NO_MONITORING_EVENTS) */

  /* str */
  gint32  str_ascii_data;      /* sizeof (PyASCIIObject) */
  gint32  str_compact_data;    /* sizeof (PyCompactUnicodeObject) */

  /* thread names */
  LpPythonDictStyle dict_style;
  gint32  ht_cached_keys;      /* PyHeapTypeObject.ht_cached_keys */
  gint32  dict_values_off;     /* PyDictValues.values */
  gboolean long_tagged;        /* 3.12+: PyLongObject.lv_tag */
} LpPythonLayout;

/* The layout of CPython 3.@minor, or NULL. */
const LpPythonLayout *_lp_python_layout_for (guint minor);

/* _lp_python_layout_from_debug_offsets: for 3.13, a copy of the built-in
 * layout with the fields _Py_DebugOffsets carries taken from @debug (the
 * first @len bytes at &_PyRuntime of the target). FALSE (and @layout left
 * alone) when @debug is not a 3.13 debug-offsets struct of a GIL build. */
gboolean _lp_python_layout_from_debug_offsets (const guint8   *debug,
                                               gsize           len,
                                               guint32         version,
                                               LpPythonLayout *layout,
                                               guint          *n_differ);

/* Bytes of a 3.13 _Py_DebugOffsets that _lp_python_layout_from_debug_offsets reads. */
#define LP_PYTHON_DEBUG_OFFSETS_SIZE 584

/* What _lp_python_str_decode made of a str object. */
typedef enum
{
  LP_PYTHON_STR_OK,      /* the text is in @out */
  LP_PYTHON_STR_SHORT,   /* the object is longer than @obj_len: read @needed bytes of it and call again */
  LP_PYTHON_STR_BAD,     /* not a compact str of a sane length */
} LpPythonStrResult;

/* _lp_python_str_decode: the text of the compact str object whose first
 * @obj_len bytes (header and data) are @obj, as sanitized UTF-8 into @out
 * (NUL-terminated, at most @out_size bytes with the NUL: a longer text is
 * cut at a character boundary). @unicode_type: &PyUnicode_Type, 0 to not
 * check the type. */
LpPythonStrResult _lp_python_str_decode (const LpPythonLayout *layout,
                                         guint64               unicode_type,
                                         const guint8         *obj,
                                         gsize                 obj_len,
                                         gsize                *needed,
                                         char                 *out,
                                         gsize                 out_size);

/* Most code points of a str the reader accepts. */
#define LP_PYTHON_STR_MAX 4096

/* _lp_python_sanitize: replaces, in place, what cannot appear in a frame's
 * name in a folded line (';', newlines, NUL, other control characters) by
 * '?', and invalid UTF-8 too. */
void _lp_python_sanitize (char *text);

/* _lp_python_line: the line of instruction @lasti (in code units; -1 before
 * the first) from the line table @table (@len bytes) of a code object
 * whose first line is @firstlineno; 0 when unknown. */
gint32 _lp_python_line (const LpPythonLayout *layout,
                        const guint8         *table,
                        gsize                 len,
                        gint32                firstlineno,
                        gint64                lasti);

static inline guint64
_lp_python_u64 (const guint8 *p, gsize off)
{
  guint64 v;

  memcpy (&v, p + off, sizeof v);
  return v;
}

static inline guint32
_lp_python_u32 (const guint8 *p, gsize off)
{
  guint32 v;

  memcpy (&v, p + off, sizeof v);
  return v;
}

/* A pointer the target could hold to an object: non-NULL, 8-aligned, user space. */
static inline gboolean
_lp_python_ptr_ok (guint64 p)
{
  return p != 0 && (p & 7) == 0 && p < G_GUINT64_CONSTANT (0x800000000000);
}

/* Whether the reference count at the start of @obj can be a live
 * object's: a freed pymalloc block holds its free list's next pointer (or
 * NULL) there. Immortal objects (3.12+) count about 2^32. */
static inline gboolean
_lp_python_refcnt_ok (const guint8 *obj)
{
  guint64 r = _lp_python_u64 (obj, 0);

  return r >= 1 && r < (G_GUINT64_CONSTANT (1) << 40);
}

G_END_DECLS
