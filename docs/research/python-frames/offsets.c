/* Print the offsets laprof needs, from the interpreter's own headers.
 * gcc -I$INC -I$INC/internal -DPy_BUILD_CORE offsets.c -o offsets   */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <stddef.h>
#include <stdio.h>
#include "pycore_runtime.h"
#include "pycore_interp.h"
#if PY_VERSION_HEX >= 0x030b0000
#include "pycore_frame.h"
#else
#include <frameobject.h>
#endif
#if PY_VERSION_HEX >= 0x030c0000
#include "pycore_ceval_state.h"
#endif
#include "pycore_gil.h"

#define P(type, field) printf("%-28s %-36s %5zu\n", #type, #field, offsetof(type, field))
#define S(type) printf("%-28s %-36s %5zu\n", #type, "sizeof", sizeof(type))

int main(void)
{
  printf("PY_VERSION %s  hex 0x%08x\n", PY_VERSION, PY_VERSION_HEX);
  /* runtime */
  S(_PyRuntimeState);
#if PY_VERSION_HEX >= 0x030d0000
  P(_PyRuntimeState, debug_offsets);
#endif
  P(_PyRuntimeState, interpreters.head);
  P(_PyRuntimeState, _finalizing);
  P(_PyRuntimeState, main_thread);
  P(_PyRuntimeState, interpreters.main);
  P(_PyRuntimeState, gilstate);
#if PY_VERSION_HEX < 0x030c0000
  P(_PyRuntimeState, gilstate.tstate_current);
  P(_PyRuntimeState, ceval.gil);
  P(_PyRuntimeState, ceval.gil.last_holder);
  P(_PyRuntimeState, ceval.gil.locked);
  P(_PyRuntimeState, ceval.gil.switch_number);
#endif
  printf("%-28s %-36s %5zu\n", "struct _gil_runtime_state", "sizeof", sizeof(struct _gil_runtime_state));
  P(struct _gil_runtime_state, last_holder);
  P(struct _gil_runtime_state, locked);
  P(struct _gil_runtime_state, cond);
  P(struct _gil_runtime_state, mutex);
#ifdef FORCE_SWITCHING
  P(struct _gil_runtime_state, switch_cond);
#endif
  /* interpreter */
  P(PyInterpreterState, next);
#if PY_VERSION_HEX >= 0x030b0000
  P(PyInterpreterState, threads.head);
#else
  P(PyInterpreterState, tstate_head);
#endif
  P(PyInterpreterState, id);
#if PY_VERSION_HEX >= 0x030c0000
  P(PyInterpreterState, imports.modules);
#else
  P(PyInterpreterState, modules);
#endif
#if PY_VERSION_HEX >= 0x030c0000
  P(PyInterpreterState, ceval.gil);
  P(PyInterpreterState, _gil);
  P(PyInterpreterState, _gil.last_holder);
  P(PyInterpreterState, _gil.locked);
  P(PyInterpreterState, _gil.switch_number);
#endif
  /* thread state */
  S(PyThreadState);
  P(PyThreadState, prev);
  P(PyThreadState, next);
  P(PyThreadState, interp);
#if PY_VERSION_HEX >= 0x030d0000
  P(PyThreadState, current_frame);
#elif PY_VERSION_HEX >= 0x030b0000
  P(PyThreadState, cframe);
  P(PyThreadState, root_cframe);
#else
  P(PyThreadState, frame);
  P(PyThreadState, cframe);
#endif
  P(PyThreadState, thread_id);
#if PY_VERSION_HEX >= 0x030b0000
  P(PyThreadState, datastack_chunk);
  P(PyThreadState, datastack_top);
  P(PyThreadState, datastack_limit);
  P(_PyStackChunk, previous);
  P(_PyStackChunk, size);
  P(_PyStackChunk, top);
  P(_PyStackChunk, data);
#endif
#if PY_VERSION_HEX >= 0x030b0000
  P(PyThreadState, native_thread_id);
#endif
#if PY_VERSION_HEX >= 0x030b0000 && PY_VERSION_HEX < 0x030d0000
  P(_PyCFrame, current_frame);
  P(_PyCFrame, previous);
#endif
#if PY_VERSION_HEX >= 0x030b0000
  S(_PyInterpreterFrame);
#if PY_VERSION_HEX >= 0x030d0000
  P(_PyInterpreterFrame, f_executable);
  P(_PyInterpreterFrame, instr_ptr);
#else
  P(_PyInterpreterFrame, f_code);
  P(_PyInterpreterFrame, prev_instr);
#endif
  P(_PyInterpreterFrame, previous);
  P(_PyInterpreterFrame, frame_obj);
#if PY_VERSION_HEX < 0x030c0000
  P(_PyInterpreterFrame, is_entry);
#endif
  P(_PyInterpreterFrame, owner);
  P(_PyInterpreterFrame, localsplus);
#else
  P(PyFrameObject, f_back);
  P(PyFrameObject, f_code);
  P(PyFrameObject, f_lasti);
  P(PyFrameObject, f_lineno);
#endif
  /* code */
  S(PyCodeObject);
  P(PyObject, ob_type);
  P(PyCodeObject, co_flags);
  P(PyCodeObject, co_firstlineno);
  P(PyCodeObject, co_filename);
  P(PyCodeObject, co_name);
#if PY_VERSION_HEX >= 0x030b0000
  P(PyCodeObject, co_qualname);
  P(PyCodeObject, co_linetable);
  P(PyCodeObject, _co_firsttraceable);
  P(PyCodeObject, co_code_adaptive);
#else
  P(PyCodeObject, co_linetable);
  P(PyCodeObject, co_code);
#endif
  /* strings */
  S(PyASCIIObject);
  S(PyCompactUnicodeObject);
  P(PyASCIIObject, length);
  P(PyASCIIObject, hash);
  P(PyASCIIObject, state);
  P(PyBytesObject, ob_base.ob_size);
  P(PyBytesObject, ob_sval);
  P(PyTupleObject, ob_item);
  /* bit positions of the state bitfield, found by setting each field */
  {
    PyASCIIObject a; unsigned char *st = (unsigned char *)&a.state;
    memset(&a, 0, sizeof a); a.state.kind = 7;
    printf("state.kind mask (u32 at state): 0x%08x\n", *(unsigned *)st);
    memset(&a, 0, sizeof a); a.state.compact = 1;
    printf("state.compact mask:             0x%08x\n", *(unsigned *)st);
    memset(&a, 0, sizeof a); a.state.ascii = 1;
    printf("state.ascii mask:               0x%08x\n", *(unsigned *)st);
    memset(&a, 0, sizeof a); a.state.interned = 3;
    printf("state.interned mask:            0x%08x\n", *(unsigned *)st);
#if PY_VERSION_HEX < 0x030c0000
    memset(&a, 0, sizeof a); a.state.ready = 1;
    printf("state.ready mask:               0x%08x\n", *(unsigned *)st);
#endif
  }
  return 0;
}
