"""Read Python thread names (threading._active[ident]._name) from outside.
Research prototype for laprof issue 14.  Usage (root): python3 threadnames.py PID
Relies on walk.py for ELF/runtime discovery and string reading."""
import sys
import walk

# per minor: interp->modules offset, ht_cached_keys, PyDictValues.values offset
V = {(3, 10): dict(modules=856, cached_keys=None, values_off=0),
     (3, 11): dict(modules=888, cached_keys=872, values_off=0),
     (3, 12): dict(modules=944, cached_keys=880, values_off=0),
     (3, 13): dict(modules=7656, cached_keys=880, values_off=8)}


def keys_entries(m, mm, keys, limit=4096):
    """-> list of (index, key_ptr, value_ptr_from_entry)"""
    if mm == (3, 10):
        size, n = m.u64(keys + 8), m.u64(keys + 32)
        ib = 1 if size <= 0xff else 2 if size <= 0xffff else 4 if size <= 0xffffffff else 8
        ent, esz, ko, vo = keys + 40 + size * ib, 24, 8, 16
    else:
        log2_ib, kind, n = m.u8(keys + 9), m.u8(keys + 10), m.u64(keys + 24)
        ent = keys + 32 + (1 << log2_ib)
        esz, ko, vo = (24, 8, 16) if kind == 0 else (16, 0, 8)
    out = []
    for i in range(min(n, limit)):
        k = m.u64(ent + i * esz + ko)
        if k:
            out.append((i, k, m.u64(ent + i * esz + vo)))
    return out


def dict_items(m, mm, d):
    keys, values = m.u64(d + 32), m.u64(d + 40)
    vo = V[mm]["values_off"]
    return [(k, m.u64(values + vo + 8 * i) if values else v)
            for i, k, v in keys_entries(m, mm, keys)]


def instance_items(m, mm, obj):
    tp = m.u64(obj + 8)
    flags = m.u64(tp + 168)
    if mm == (3, 10) or not flags & 0x10:           # classic __dict__ at tp_dictoffset
        return dict_items(m, mm, m.u64(obj + m.u64(tp + 288)))
    vo = V[mm]["values_off"]
    if mm == (3, 11):
        d, values = m.u64(obj - 24), m.u64(obj - 32)
    elif mm == (3, 12):
        dv = m.u64(obj - 24)
        d, values = (0, dv + 1) if dv & 1 else (dv, 0)   # stored as values-1 (odd)
    else:                                           # 3.13: inline values after the object
        d = m.u64(obj - 24)
        values = obj + m.u64(tp + 32) if flags & 0x4 and m.u8(obj + m.u64(tp + 32) + 3) else 0
    if d:
        return dict_items(m, mm, d)
    keys = m.u64(tp + V[mm]["cached_keys"])
    return [(k, m.u64(values + vo + 8 * i)) for i, k, _ in keys_entries(m, mm, keys)]


def read_long(m, mm, obj):
    if mm >= (3, 12):
        tag = m.u64(obj + 16)
        nd, neg = tag >> 3, (tag & 3) == 2
    else:
        size = m.u64(obj + 16)
        size = size - (1 << 64) if size >> 63 else size
        nd, neg = abs(size), size < 0
    v = sum((m.u32(obj + 24 + 4 * i) & 0x3fffffff) << (30 * i) for i in range(min(nd, 3)))
    return -v if neg else v


def main():
    pid = int(sys.argv[1])
    m = walk.Mem(pid)
    path, bias, syms = walk.find_runtime(pid)
    rt = bias + syms["_PyRuntime"]
    if "Py_Version" in syms:
        ver = m.u64(bias + syms["Py_Version"])
        mm = ((ver >> 24) & 0xff, (ver >> 16) & 0xff)
    else:
        mm = (3, 10)
    o = walk.OFF[mm]
    interp = m.u64(rt + o["rt_interp_head"])
    modules = m.u64(interp + V[mm]["modules"])
    s = lambda p: walk.read_str(m, o, p)
    threading = next(v for k, v in dict_items(m, mm, modules) if s(k) == "threading")
    mdict = m.u64(threading + 16)
    active = next(v for k, v in dict_items(m, mm, mdict) if s(k) == "_active")
    for k, thread in dict_items(m, mm, active):
        ident = read_long(m, mm, k)
        name = next((s(v) for kk, v in instance_items(m, mm, thread) if s(kk) == "_name"), None)
        print(f"{mm[0]}.{mm[1]} ident {ident:#x} name {name!r}")


if __name__ == "__main__":
    main()
