/* Offsets for reading threading._active (thread names) from outside.
 * gcc -w -I$INC -I$INC/internal dictoffsets.c -o d && ./d */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <stddef.h>
#include <stdio.h>
#include "pycore_dict.h"
#include "pycore_moduleobject.h"
#define P(type, field) printf("%-24s %-24s %5zu\n", #type, #field, offsetof(type, field))
#define S(type) printf("%-24s %-24s %5zu\n", #type, "sizeof", sizeof(type))
int main(void)
{
  printf("PY_VERSION %s\n", PY_VERSION);
  P(PyDictObject, ma_used); P(PyDictObject, ma_keys); P(PyDictObject, ma_values);
#if PY_VERSION_HEX >= 0x030b0000
  P(PyDictKeysObject, dk_log2_size); P(PyDictKeysObject, dk_log2_index_bytes);
  P(PyDictKeysObject, dk_kind); P(PyDictKeysObject, dk_nentries); P(PyDictKeysObject, dk_indices);
  S(PyDictUnicodeEntry);
#else
  P(PyDictKeysObject, dk_size); P(PyDictKeysObject, dk_nentries); P(PyDictKeysObject, dk_indices);
#endif
  S(PyDictKeyEntry);
  P(PyModuleObject, md_dict);
  P(PyTypeObject, tp_flags); P(PyTypeObject, tp_basicsize); P(PyTypeObject, tp_dictoffset);
#if PY_VERSION_HEX >= 0x030b0000
  P(PyHeapTypeObject, ht_cached_keys);
  printf("Py_TPFLAGS_MANAGED_DICT %#lx\n", (unsigned long)Py_TPFLAGS_MANAGED_DICT);
#endif
#ifdef Py_TPFLAGS_INLINE_VALUES
  printf("Py_TPFLAGS_INLINE_VALUES %#lx\n", (unsigned long)Py_TPFLAGS_INLINE_VALUES);
  P(PyDictValues, values); P(PyDictValues, valid);
#endif
#if PY_VERSION_HEX >= 0x030c0000
  P(PyLongObject, long_value.lv_tag); P(PyLongObject, long_value.ob_digit);
#else
  P(PyLongObject, ob_base.ob_size); P(PyLongObject, ob_digit);
#endif
  return 0;
}
