/* Print _Py_DebugOffsets (3.13) field positions and the values in libpython.
 * V=/root/.pyenv/versions/3.13.0; gcc -I$V/include/python3.13 -I$V/include/python3.13/internal \
 *   debugoffsets313.c -L$V/lib -lpython3.13 -Wl,-rpath,$V/lib -o dbgoff */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <stdio.h>
#include "pycore_runtime.h"
#define D(f) printf("%-40s at +%3zu = %llu\n", #f, offsetof(_Py_DebugOffsets, f), \
                    (unsigned long long)_PyRuntime.debug_offsets.f)
int main(void)
{
  printf("cookie %.8s  sizeof(_Py_DebugOffsets) %zu\n", _PyRuntime.debug_offsets.cookie, sizeof(_Py_DebugOffsets));
  printf("%-40s at +%3zu = %#llx\n", "version", offsetof(_Py_DebugOffsets, version), (unsigned long long)_PyRuntime.debug_offsets.version);
  D(free_threaded);
  D(runtime_state.size); D(runtime_state.finalizing); D(runtime_state.interpreters_head);
  D(interpreter_state.size); D(interpreter_state.id); D(interpreter_state.next); D(interpreter_state.threads_head);
  D(interpreter_state.imports_modules); D(interpreter_state.ceval_gil); D(interpreter_state.gil_runtime_state);
  D(interpreter_state.gil_runtime_state_enabled); D(interpreter_state.gil_runtime_state_locked); D(interpreter_state.gil_runtime_state_holder);
  D(thread_state.size); D(thread_state.prev); D(thread_state.next); D(thread_state.interp); D(thread_state.current_frame);
  D(thread_state.thread_id); D(thread_state.native_thread_id); D(thread_state.datastack_chunk); D(thread_state.status);
  D(interpreter_frame.size); D(interpreter_frame.previous); D(interpreter_frame.executable); D(interpreter_frame.instr_ptr);
  D(interpreter_frame.localsplus); D(interpreter_frame.owner);
  D(code_object.size); D(code_object.filename); D(code_object.name); D(code_object.qualname); D(code_object.linetable);
  D(code_object.firstlineno); D(code_object.argcount); D(code_object.localsplusnames); D(code_object.localspluskinds); D(code_object.co_code_adaptive);
  D(pyobject.size); D(pyobject.ob_type);
  D(type_object.size); D(type_object.tp_name);
  D(tuple_object.ob_item); D(dict_object.ma_keys);
  D(bytes_object.size); D(bytes_object.ob_size); D(bytes_object.ob_sval);
  D(unicode_object.size); D(unicode_object.state); D(unicode_object.length); D(unicode_object.asciiobject_size);
  D(gc.size);
  return 0;
}
