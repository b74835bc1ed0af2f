/* lp-python-reader-thread.c: the name of a Python thread
 * (threading._active[ident]._name), read from outside the target.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "lp-python-reader-private.h"

enum
{
  MAX_ENTRIES = 4096,        /* entries of a dict looked at */
  DICT_KEYS = 32,            /* PyDictObject.ma_keys */
  DICT_VALUES = 40,          /* PyDictObject.ma_values */
  MODULE_DICT = 16,          /* PyModuleObject.md_dict */
  TYPE_BASICSIZE = 32,
  TYPE_FLAGS = 168,
  TYPE_DICTOFFSET = 288,
  TPFLAGS_INLINE_VALUES = 0x4,
  TPFLAGS_MANAGED_DICT = 0x10,
  LONG_SIZE = 16,            /* ob_size (3.10, 3.11) or lv_tag (3.12+) */
  LONG_DIGITS = 24,
};

/* One entry of a dict: its key and value objects. */
typedef struct
{
  guint64 key, value;
} Item;

/* The entries of the dict keys object @keys (values in the entries, or in
 * @values when the dict is split); NULL when it cannot be read. */
static GArray *
keys_items (LpPythonReader *self,
            guint64         keys,
            guint64         values)
{
  const LpPythonLayout *l = _lp_python_reader_layout (self);
  guint8 head[48];
  guint64 n, entries, esize, koff, voff;
  g_autofree guint8 *buf = NULL;
  g_autofree guint64 *vals = NULL;
  GArray *items;

  if (!_lp_python_ptr_ok (keys) || !_lp_python_reader_read (self, keys, head, sizeof head))
    return NULL;
  if (l->minor == 10)
    {
      guint64 size = _lp_python_u64 (head, 8);
      guint ib = size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffff ? 4 : 8;

      if (size > MAX_ENTRIES * 4)
        return NULL;
      n = _lp_python_u64 (head, 32);
      entries = keys + 40 + size * ib;
      esize = 24, koff = 8, voff = 16;
    }
  else
    {
      guint log2_ib = head[9], kind = head[10];

      if (log2_ib > 20 || kind > 2)
        return NULL;
      n = _lp_python_u64 (head, 24);
      entries = keys + 32 + ((guint64) 1 << log2_ib);
      if (kind == 0)
        esize = 24, koff = 8, voff = 16;
      else
        esize = 16, koff = 0, voff = 8;
    }
  if (n > MAX_ENTRIES)
    return NULL;
  buf = g_malloc (MAX (n * esize, 1));
  if (n > 0 && !_lp_python_reader_read (self, entries, buf, n * esize))
    return NULL;
  if (values != 0)
    {
      vals = g_new (guint64, MAX (n, 1));
      if (!_lp_python_ptr_ok (values) ||
          (n > 0 && !_lp_python_reader_read (self, values + l->dict_values_off, vals, n * 8)))
        return NULL;
    }
  items = g_array_new (FALSE, FALSE, sizeof (Item));
  for (guint64 i = 0; i < n; i++)
    {
      Item it = { _lp_python_u64 (buf, i * esize + koff),
                  vals ? vals[i] : _lp_python_u64 (buf, i * esize + voff) };

      if (it.key != 0 && it.value != 0)
        g_array_append_val (items, it);
    }
  return items;
}

static GArray *
dict_items (LpPythonReader *self,
            guint64         dict)
{
  guint64 kv[2];

  if (!_lp_python_ptr_ok (dict) || !_lp_python_reader_read (self, dict + DICT_KEYS, kv, sizeof kv))
    return NULL;
  return keys_items (self, kv[0], kv[1]);
}

/* The value of the str key @name in @items, 0 when none. */
static guint64
items_find (LpPythonReader *self,
            GArray         *items,
            const char     *name)
{
  char text[64];

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const Item *it = &g_array_index (items, Item, i);

      if (_lp_python_reader_str (self, it->key, text, sizeof text) && strcmp (text, name) == 0)
        return it->value;
    }
  return 0;
}

/* The attributes of the instance @obj. */
static GArray *
instance_items (LpPythonReader *self,
                guint64         obj)
{
  const LpPythonLayout *l = _lp_python_reader_layout (self);
  guint8 type[TYPE_DICTOFFSET + 8];
  guint64 tp, flags, word = 0, dict = 0, values = 0, keys;

  if (!_lp_python_ptr_ok (obj) || !_lp_python_reader_read (self, obj + 8, &tp, 8) ||
      !_lp_python_ptr_ok (tp) || !_lp_python_reader_read (self, tp, type, sizeof type))
    return NULL;
  flags = _lp_python_u64 (type, TYPE_FLAGS);
  if (l->dict_style == LP_PYTHON_DICT_OFFSET || !(flags & TPFLAGS_MANAGED_DICT))
    {
      gint64 off = (gint64) _lp_python_u64 (type, TYPE_DICTOFFSET);

      if (off <= 0 || off > 4096 || !_lp_python_reader_read (self, obj + off, &dict, 8))
        return NULL;
      return dict_items (self, dict);
    }
  switch (l->dict_style)
    {
    case LP_PYTHON_DICT_MANAGED_311:
      {
        guint64 two[2];

        if (!_lp_python_reader_read (self, obj - 32, two, sizeof two))
          return NULL;
        values = two[0], dict = two[1];
      }
      break;
    case LP_PYTHON_DICT_MANAGED_312:
      if (!_lp_python_reader_read (self, obj - 24, &word, 8))
        return NULL;
      if (word & 1)
        values = word + 1;
      else
        dict = word;
      break;
    case LP_PYTHON_DICT_MANAGED_313:
      {
        guint64 basic = _lp_python_u64 (type, TYPE_BASICSIZE);
        guint8 valid[4];

        if (!_lp_python_reader_read (self, obj - 24, &dict, 8))
          return NULL;
        if (dict == 0 && (flags & TPFLAGS_INLINE_VALUES) && basic < 4096 &&
            _lp_python_reader_read (self, obj + basic, valid, sizeof valid) && valid[3])
          values = obj + basic;
      }
      break;
    case LP_PYTHON_DICT_OFFSET:
      break;
    }
  if (dict != 0)
    return dict_items (self, dict);
  if (values == 0 || l->ht_cached_keys < 0 ||
      !_lp_python_reader_read (self, tp + l->ht_cached_keys, &keys, 8))
    return NULL;
  return keys_items (self, keys, values);
}

/* The int object @obj, when it fits 64 bits. */
static gboolean
read_long (LpPythonReader *self,
           guint64         obj,
           guint64        *value)
{
  const LpPythonLayout *l = _lp_python_reader_layout (self);
  guint8 buf[LONG_DIGITS + 12];
  guint64 size, nd, v = 0;
  gboolean neg;

  if (!_lp_python_ptr_ok (obj) || !_lp_python_reader_read (self, obj, buf, sizeof buf))
    return FALSE;
  size = _lp_python_u64 (buf, LONG_SIZE);
  if (l->long_tagged)
    nd = size >> 3, neg = (size & 3) == 2;
  else
    neg = (gint64) size < 0, nd = neg ? -(gint64) size : (gint64) size;
  if (neg || nd > 3)
    return FALSE;
  for (guint i = 0; i < nd; i++)
    {
      guint64 digit = _lp_python_u32 (buf, LONG_DIGITS + 4 * i) & 0x3fffffff;

      if (i == 2 && digit > 0xf)
        return FALSE;
      v |= digit << (30 * i);
    }
  *value = v;
  return TRUE;
}

char *
lp_python_reader_thread_name (LpPythonReader *self,
                              pid_t           tid)
{
  const LpPythonLayout *l;
  guint64 interp, ident, modules, threading, mdict, active, thread, name;
  g_autoptr(GArray) mods = NULL;
  g_autoptr(GArray) globals = NULL;
  g_autoptr(GArray) threads = NULL;
  g_autoptr(GArray) attrs = NULL;
  char text[256];

  g_return_val_if_fail (self != NULL, NULL);
  l = _lp_python_reader_layout (self);
  if (!_lp_python_reader_thread_ident (self, tid, &interp, &ident) ||
      !_lp_python_reader_read (self, interp + l->interp_modules, &modules, 8))
    return NULL;
  mods = dict_items (self, modules);
  threading = items_find (self, mods, "threading");
  if (!_lp_python_ptr_ok (threading) ||
      !_lp_python_reader_read (self, threading + MODULE_DICT, &mdict, 8))
    return NULL;
  globals = dict_items (self, mdict);
  active = items_find (self, globals, "_active");
  threads = dict_items (self, active);
  thread = 0;
  for (guint i = 0; threads != NULL && i < threads->len && thread == 0; i++)
    {
      const Item *it = &g_array_index (threads, Item, i);
      guint64 key;

      if (read_long (self, it->key, &key) && key == ident)
        thread = it->value;
    }
  attrs = thread ? instance_items (self, thread) : NULL;
  name = items_find (self, attrs, "_name");
  if (name == 0 || !_lp_python_reader_str (self, name, text, sizeof text))
    return NULL;
  return g_strdup (text);
}
