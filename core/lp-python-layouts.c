/* lp-python-layouts.c: the offsets of CPython's structures, one table per
 * minor version (x86-64), and the 3.13 _Py_DebugOffsets parser.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The numbers come from offsetof() compiled against each version's own
 * headers (docs/research/python-frames/offsets-*.txt) and were checked by
 * walking live interpreters: Debian's 3.11.2, pyenv's 3.10.13, 3.11.7,
 * 3.12.1 and 3.13.0. */
#include "lp-python-private.h"

static const LpPythonLayout layout_310 = {
  .minor = 10,
  .runtime_size = 672,
  .rt_finalizing = 16, .rt_interp_head = 32, .rt_gil = 352,
  .interp_next = 0, .interp_threads_head = 8, .interp_gil_ptr = -1, .interp_modules = 856,
  .ts_read = 184, .ts_next = 8, .ts_interp = 16, .ts_frame = 24, .ts_thread_id = 176,
  .ts_native_tid = -1, .ts_datastack_chunk = -1, .ts_datastack_top = -1, .cframe_current = -1,
  .walk = LP_PYTHON_WALK_FRAME_OBJECTS,
  .frame_read = 104, .frame_code = 32, .frame_previous = 24, .frame_instr = 96,
  .frame_is_entry = -1, .frame_owner = -1, .owner_max = 0, .owner_shim = -1,
  .code_read = 128, .code_firstlineno = 40, .code_filename = 104, .code_name = 112,
  .code_qualname = 112, .code_linetable = 120, .code_adaptive = -1, .linetable_310 = TRUE,
  .code_flags = -1, .shim_code_flags = 0,
  .str_ascii_data = 48, .str_compact_data = 72,
  .dict_style = LP_PYTHON_DICT_OFFSET, .ht_cached_keys = -1, .dict_values_off = 0,
  .long_tagged = FALSE,
};

static const LpPythonLayout layout_311 = {
  .minor = 11,
  .runtime_size = 166688,
  .rt_finalizing = 24, .rt_interp_head = 40, .rt_gil = 360,
  .interp_next = 0, .interp_threads_head = 16, .interp_gil_ptr = -1, .interp_modules = 888,
  .ts_read = 320, .ts_next = 8, .ts_interp = 16, .ts_frame = 56, .ts_thread_id = 152,
  .ts_native_tid = 160, .ts_datastack_chunk = 296, .ts_datastack_top = 304, .cframe_current = 8,
  .walk = LP_PYTHON_WALK_CFRAME,
  .frame_read = 72, .frame_code = 32, .frame_previous = 48, .frame_instr = 56,
  .frame_is_entry = 68, .frame_owner = 69, .owner_max = 2, .owner_shim = -1,
  .code_read = 144, .code_firstlineno = 72, .code_filename = 112, .code_name = 120,
  .code_qualname = 128, .code_linetable = 136, .code_adaptive = 184, .linetable_310 = FALSE,
  .code_flags = -1, .shim_code_flags = 0,
  .str_ascii_data = 48, .str_compact_data = 72,
  .dict_style = LP_PYTHON_DICT_MANAGED_311, .ht_cached_keys = 872, .dict_values_off = 0,
  .long_tagged = FALSE,
};

static const LpPythonLayout layout_312 = {
  .minor = 12,
  .runtime_size = 459944,
  .rt_finalizing = 24, .rt_interp_head = 40, .rt_gil = -1,
  .interp_next = 0, .interp_threads_head = 72, .interp_gil_ptr = 384, .interp_modules = 944,
  .ts_read = 248, .ts_next = 8, .ts_interp = 16, .ts_frame = 56, .ts_thread_id = 136,
  .ts_native_tid = 144, .ts_datastack_chunk = 232, .ts_datastack_top = 240, .cframe_current = 0,
  .walk = LP_PYTHON_WALK_CFRAME,
  .frame_read = 72, .frame_code = 0, .frame_previous = 8, .frame_instr = 56,
  .frame_is_entry = -1, .frame_owner = 70, .owner_max = 3, .owner_shim = 3,
  .code_read = 144, .code_firstlineno = 68, .code_filename = 112, .code_name = 120,
  .code_qualname = 128, .code_linetable = 136, .code_adaptive = 192, .linetable_310 = FALSE,
  .code_flags = -1, .shim_code_flags = 0, /* the trampoline's frame is owner 3 */
  .str_ascii_data = 40, .str_compact_data = 56,
  .dict_style = LP_PYTHON_DICT_MANAGED_312, .ht_cached_keys = 880, .dict_values_off = 0,
  .long_tagged = TRUE,
};

static const LpPythonLayout layout_313 = {
  .minor = 13,
  .runtime_size = 283320,
  .rt_finalizing = 608, .rt_interp_head = 632, .rt_gil = -1,
  .interp_next = 7264, .interp_threads_head = 7344, .interp_gil_ptr = 16, .interp_modules = 7656,
  .ts_read = 248, .ts_next = 8, .ts_interp = 16, .ts_frame = 72, .ts_thread_id = 152,
  .ts_native_tid = 160, .ts_datastack_chunk = 232, .ts_datastack_top = 240, .cframe_current = -1,
  .walk = LP_PYTHON_WALK_DIRECT,
  .frame_read = 72, .frame_code = 0, .frame_previous = 8, .frame_instr = 56,
  .frame_is_entry = -1, .frame_owner = 70, .owner_max = 3, .owner_shim = 3,
  .code_read = 144, .code_firstlineno = 68, .code_filename = 112, .code_name = 120,
  .code_qualname = 128, .code_linetable = 136, .code_adaptive = 200, .linetable_310 = FALSE,
  .code_flags = 48, .shim_code_flags = 0x2000000, /* __init__'s cleanup frame */
  .str_ascii_data = 40, .str_compact_data = 56,
  .dict_style = LP_PYTHON_DICT_MANAGED_313, .ht_cached_keys = 880, .dict_values_off = 8,
  .long_tagged = TRUE,
};

const LpPythonLayout *
_lp_python_layout_for (guint minor)
{
  switch (minor)
    {
    case 10: return &layout_310;
    case 11: return &layout_311;
    case 12: return &layout_312;
    case 13: return &layout_313;
    default: return NULL;
    }
}

/* Where the 3.13 _Py_DebugOffsets keeps the fields the reader uses (byte
 * positions in the struct; each holds a uint64 offset). */
enum
{
  DO_VERSION = 8,
  DO_FREE_THREADED = 16,
  DO_RUNTIME_SIZE = 24,
  DO_RT_FINALIZING = 32,
  DO_RT_INTERP_HEAD = 40,
  DO_INTERP_NEXT = 64,
  DO_INTERP_THREADS_HEAD = 72,
  DO_INTERP_MODULES = 88,
  DO_INTERP_CEVAL_GIL = 112,
  DO_TS_NEXT = 168,
  DO_TS_INTERP = 176,
  DO_TS_CURRENT_FRAME = 184,
  DO_TS_THREAD_ID = 192,
  DO_TS_NATIVE_TID = 200,
  DO_TS_DATASTACK_CHUNK = 208,
  DO_FRAME_PREVIOUS = 232,
  DO_FRAME_EXECUTABLE = 240,
  DO_FRAME_INSTR_PTR = 248,
  DO_FRAME_OWNER = 264,
  DO_CODE_FILENAME = 280,
  DO_CODE_NAME = 288,
  DO_CODE_QUALNAME = 296,
  DO_CODE_LINETABLE = 304,
  DO_CODE_FIRSTLINENO = 312,
  DO_CODE_ADAPTIVE = 344,
  DO_STR_ASCII_SIZE = 560,
};

/* Sets *@field to the offset at position @pos of @debug, counting it in
 * @n_differ when it differs; FALSE when it is too large to be one. */
static gboolean
take (const guint8 *debug,
      gsize         pos,
      guint64       limit,
      gint32       *field,
      guint        *n_differ)
{
  guint64 v = _lp_python_u64 (debug, pos);

  if (v >= limit)
    return FALSE;
  if ((gint64) v != *field)
    (*n_differ)++;
  *field = (gint32) v;
  return TRUE;
}

gboolean
_lp_python_layout_from_debug_offsets (const guint8   *debug,
                                      gsize           len,
                                      guint32         version,
                                      LpPythonLayout *layout,
                                      guint          *n_differ)
{
  LpPythonLayout l = layout_313;
  guint differ = 0;
  gint32 old_chunk = l.ts_datastack_chunk;
  gboolean ok = TRUE;

  if (len < LP_PYTHON_DEBUG_OFFSETS_SIZE || memcmp (debug, "xdebugpy", 8) != 0 ||
      ((version >> 16) & 0xffff) != 0x030d ||
      _lp_python_u64 (debug, DO_VERSION) != version ||
      _lp_python_u64 (debug, DO_FREE_THREADED) != 0)
    return FALSE;
  if (_lp_python_u64 (debug, DO_RUNTIME_SIZE) != l.runtime_size)
    {
      differ++;
      l.runtime_size = _lp_python_u64 (debug, DO_RUNTIME_SIZE);
    }

  /* the structs the reader reads at once stay small: limit their offsets */
  ok = ok && take (debug, DO_RT_FINALIZING, 1 << 20, &l.rt_finalizing, &differ);
  ok = ok && take (debug, DO_RT_INTERP_HEAD, 1 << 20, &l.rt_interp_head, &differ);
  ok = ok && take (debug, DO_INTERP_NEXT, 1 << 20, &l.interp_next, &differ);
  ok = ok && take (debug, DO_INTERP_THREADS_HEAD, 1 << 20, &l.interp_threads_head, &differ);
  ok = ok && take (debug, DO_INTERP_MODULES, 1 << 20, &l.interp_modules, &differ);
  ok = ok && take (debug, DO_INTERP_CEVAL_GIL, 1 << 20, &l.interp_gil_ptr, &differ);
  ok = ok && take (debug, DO_TS_NEXT, 1024, &l.ts_next, &differ);
  ok = ok && take (debug, DO_TS_INTERP, 1024, &l.ts_interp, &differ);
  ok = ok && take (debug, DO_TS_CURRENT_FRAME, 1024, &l.ts_frame, &differ);
  ok = ok && take (debug, DO_TS_THREAD_ID, 1024, &l.ts_thread_id, &differ);
  ok = ok && take (debug, DO_TS_NATIVE_TID, 1024, &l.ts_native_tid, &differ);
  ok = ok && take (debug, DO_TS_DATASTACK_CHUNK, 1024, &l.ts_datastack_chunk, &differ);
  ok = ok && take (debug, DO_FRAME_PREVIOUS, 128, &l.frame_previous, &differ);
  ok = ok && take (debug, DO_FRAME_EXECUTABLE, 128, &l.frame_code, &differ);
  ok = ok && take (debug, DO_FRAME_INSTR_PTR, 128, &l.frame_instr, &differ);
  ok = ok && take (debug, DO_FRAME_OWNER, 128, &l.frame_owner, &differ);
  ok = ok && take (debug, DO_CODE_FILENAME, 256, &l.code_filename, &differ);
  ok = ok && take (debug, DO_CODE_NAME, 256, &l.code_name, &differ);
  ok = ok && take (debug, DO_CODE_QUALNAME, 256, &l.code_qualname, &differ);
  ok = ok && take (debug, DO_CODE_LINETABLE, 256, &l.code_linetable, &differ);
  ok = ok && take (debug, DO_CODE_FIRSTLINENO, 256, &l.code_firstlineno, &differ);
  ok = ok && take (debug, DO_CODE_ADAPTIVE, 512, &l.code_adaptive, &differ);
  ok = ok && take (debug, DO_STR_ASCII_SIZE, 256, &l.str_ascii_data, &differ);
  /* the reader reads the runtime's two words at once (64 bytes) */
  if (!ok || ABS (l.rt_finalizing - l.rt_interp_head) > 56)
    return FALSE;

  /* what the debug offsets do not carry follows the fields it is declared
   * with: datastack_top after datastack_chunk, the compact data after the
   * ASCII header (utf8_length, utf8) */
  if (l.ts_datastack_chunk != old_chunk)
    l.ts_datastack_top = l.ts_datastack_chunk + 8;
  l.str_compact_data = l.str_ascii_data + 16;
  l.ts_read = MAX (MAX (MAX (l.ts_next, l.ts_interp), MAX (l.ts_frame, l.ts_thread_id)),
                   MAX (MAX (l.ts_native_tid, l.ts_datastack_chunk), l.ts_datastack_top)) + 8;
  l.frame_read = MAX (MAX (l.frame_previous, l.frame_code), MAX (l.frame_instr, l.frame_owner)) + 8;
  l.code_read = MAX (MAX (MAX (l.code_filename, l.code_name), MAX (l.code_qualname, l.code_linetable)),
                     MAX (l.code_firstlineno, l.code_flags)) + 8;
  *layout = l;
  *n_differ = differ;
  return TRUE;
}
