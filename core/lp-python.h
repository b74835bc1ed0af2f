/* lp-python.h: the Python frames of a CPython process, read from outside it: finding the
 * interpreter, its version and layout, and walking a thread's frames over a memory oracle.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define LP_PYTHON_ERROR (lp_python_error_quark ())
GQuark lp_python_error_quark (void);

typedef enum
{
  LP_PYTHON_ERROR_NOT_FOUND,   /* no module of the process exports _PyRuntime */
  LP_PYTHON_ERROR_UNSUPPORTED, /* a CPython whose version or layout laprof does not know */
  LP_PYTHON_ERROR_FAILED,      /* its maps or files could not be read */
} LpPythonError;

/* What finding the interpreter gives: addresses in the target. */
typedef struct
{
  guint32 version;       /* PY_VERSION_HEX, e.g. 0x030b02f0 for 3.11.2 */
  guint64 runtime;       /* &_PyRuntime */
  guint64 runtime_size;  /* size of the .PyRuntime section; 0 when unknown */
  guint64 code_type;     /* &PyCode_Type */
  guint64 unicode_type;  /* &PyUnicode_Type */
  guint64 bytes_type;    /* &PyBytes_Type */
  char    module[256];   /* path of the ELF file that holds them */
} LpPythonTarget;

/* lp_python_find: finds the CPython interpreter in the running process
 * @pid (its executable or a loaded libpython3.X.so) from the ELF symbols
 * of its mappings, and its version (Py_Version, the 3.13+ debug offsets'
 * cookie, or the soname for 3.10). FALSE with LP_PYTHON_ERROR_NOT_FOUND
 * when the process has none (the usual case for a native program), or
 * LP_PYTHON_ERROR_UNSUPPORTED with a message that names the version. */
gboolean lp_python_find (pid_t             pid,
                         LpPythonTarget   *target,
                         GError          **error);

/* Reads @len bytes at @addr of the target into @buf: TRUE only when all of
 * them were read. */
typedef gboolean (*LpPythonReadFunc) (gpointer  data,
                                      guint64   addr,
                                      void     *buf,
                                      gsize     len);

/* Reads of the live process @data (a pid_t cast with GINT_TO_POINTER) by
 * process_vm_readv. */
gboolean lp_python_read_process (gpointer data,
                                 guint64  addr,
                                 void    *buf,
                                 gsize    len);

typedef struct _LpPythonReader LpPythonReader;

/* lp_python_reader_new: a reader of the interpreter @target, through @read
 * (@data its first argument). NULL with LP_PYTHON_ERROR_UNSUPPORTED when
 * @target's version has no known layout. */
LpPythonReader *lp_python_reader_new  (const LpPythonTarget *target,
                                       LpPythonReadFunc      read,
                                       gpointer              data,
                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            lp_python_reader_free (LpPythonReader *self);

/* A frame's flags. Frames come innermost first; the frames one native
 * call of the interpreter's evaluation function (_PyEval_EvalFrameDefault)
 * runs form a group, whose outermost frame has LP_PYTHON_FRAME_ENTRY. */
enum
{
  LP_PYTHON_FRAME_ENTRY = 1 << 0,
  LP_PYTHON_FRAME_UNREADABLE = 1 << 1, /* a read failed or gave what cannot be: code is 0, the walk ends here */
};

typedef struct
{
  guint32 code;   /* the reader's id of the code object's name and file (lp_python_reader_code_name); 0: none */
  gint32  line;   /* the line being run; 0 when unknown */
  guint32 flags;
} LpPythonFrame;

/* Why a walk ended early, counted by the reader since it was made. */
typedef struct
{
  guint64 walks;        /* calls of lp_python_reader_stack */
  guint64 no_thread;    /* no thread state for the tid: a thread that never ran Python */
  guint64 unreadable;   /* a read failed or gave what cannot be */
  guint64 truncated;    /* the frame limit was reached */
  guint64 finalizing;   /* the interpreter was shutting down */
  guint64 reads;        /* calls of the read function */
} LpPythonStats;

/* lp_python_reader_stack: the Python frames the thread @tid (its kernel
 * thread id) is running, innermost first, into @frames (at most @max).
 * Returns how many; 0 when the thread has no thread state (it never ran
 * Python) or the interpreter is not running. Every pointer, length and
 * string read is checked; a frame that fails is the last one, with
 * LP_PYTHON_FRAME_UNREADABLE. Bounded in reads and time; never allocates
 * once its caches are warm. */
guint lp_python_reader_stack (LpPythonReader *self,
                              pid_t           tid,
                              LpPythonFrame  *frames,
                              guint           max);

/* Where a thread's Python frames are, for a copy taken at the moment of a
 * sample (the in-process source's signal handler): its thread state, the
 * frame pointer in it, and its data stack. Offsets are -1 where the
 * version has no such field (3.10 keeps its frames in objects: nothing to
 * copy; 3.13 has no _PyCFrame). */
typedef struct
{
  guint64 tstate;            /* its PyThreadState */
  gint32  ts_len;            /* bytes of it that hold every field below */
  gint32  ts_frame;          /* offset of its cframe (3.11/3.12) or current frame (3.13) */
  gint32  cframe_current;    /* offset of _PyCFrame.current_frame; -1: none */
  gint32  ts_datastack_chunk; /* offset of its data stack's current chunk; -1: none */
  gint32  ts_datastack_top;  /* offset of that chunk's top */
  gint32  frame_len;         /* bytes of a frame that hold what a walk reads */
  gint32  frame_previous;    /* offset of a frame's link to its caller */
} LpPythonCapture;

/* lp_python_reader_get_capture: the above for thread @tid, once a walk has
 * found its thread state; FALSE otherwise (no Python thread, 3.10). */
gboolean lp_python_reader_get_capture (LpPythonReader  *self,
                                       pid_t            tid,
                                       LpPythonCapture *capture);

/* lp_python_reader_set_lines: whether frames carry their line (the
 * default); without, a walk does not decode line tables (a sample of a
 * 150-frame stack is cheaper by that much). */
void  lp_python_reader_set_lines (LpPythonReader *self,
                                  gboolean        lines);

/* lp_python_reader_code_name: the qualified name and file of the code
 * @code from a frame of this reader: valid UTF-8 without ';' or newline,
 * owned by the reader, valid as long as it lives. */
void  lp_python_reader_code_name (LpPythonReader *self,
                                  guint32         code,
                                  const char    **qualname,
                                  const char    **filename);

/* lp_python_reader_thread_name: the name of the Python thread @tid
 * (threading.Thread's name), or NULL when it has none or it cannot be read.
 * You own the result: g_free() it. Slow (many reads): call it once per
 * thread. */
char *lp_python_reader_thread_name (LpPythonReader *self,
                                    pid_t           tid) G_GNUC_WARN_UNUSED_RESULT;

/* lp_python_reader_is_gil_wait: whether a thread blocked in futex(2) on
 * @futex_addr waits for the interpreter's GIL. */
gboolean lp_python_reader_is_gil_wait (LpPythonReader *self,
                                       guint64         futex_addr);

/* lp_python_reader_forget: drops what the reader knows of thread states
 * (threads come and go); code names stay. */
void  lp_python_reader_forget (LpPythonReader *self);

void  lp_python_reader_get_stats (LpPythonReader *self,
                                  LpPythonStats  *stats);

/* lp_python_version_string: "3.11.2" for 0x030b02f0, into @buf. */
const char *lp_python_version_string (guint32 version,
                                      char    buf[32]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpPythonReader, lp_python_reader_free)

G_END_DECLS
