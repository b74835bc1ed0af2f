# SPDX-License-Identifier: MIT
"""Walk a live CPython's threads and frames from outside, via /proc/PID/mem.

Research prototype for laprof issue 14 (not laprof code).  Usage, as root:
    python3 walk.py PID [--dump snapshot.json]
Finds the ELF that exports _PyRuntime (executable or libpython), reads
Py_Version, then walks runtime -> interpreter -> thread states -> frames,
printing every address and value it reads.  Offsets are the ones printed by
offsets.c against each version's own headers.
"""
import struct
import subprocess
import sys

# offsets per (major, minor); from offsets.c (see python-research.md)
OFF = {
    (3, 10): dict(rt_interp_head=32, rt_tstate_current=568, rt_gil_last_holder=360,
                  rt_gil_locked=368, rt_gil_switch=376,
                  is_tstate_head=8, ts_next=8, ts_frame=24, ts_thread_id=176,
                  ts_native_tid=None,
                  f_back=24, f_code=32, f_lasti=96,
                  co_firstlineno=40, co_filename=104, co_name=112,
                  co_qualname=None, co_linetable=120,
                  ascii_size=48, compact_size=72),
    (3, 11): dict(rt_interp_head=40, rt_tstate_current=576, rt_gil_last_holder=368,
                  rt_gil_locked=376, rt_gil_switch=384,
                  is_tstate_head=16, ts_next=8, ts_cframe=56, ts_thread_id=152,
                  ts_native_tid=160, cf_current_frame=8, cf_previous=16,
                  if_code=32, if_previous=48, if_prev_instr=56, if_is_entry=68,
                  if_owner=69,
                  co_firstlineno=72, co_filename=112, co_name=120, co_qualname=128,
                  co_linetable=136, co_code_adaptive=184,
                  ascii_size=48, compact_size=72),
    (3, 12): dict(rt_interp_head=40, is_gil_ptr=384, is_tstate_head=72,
                  gil_last_holder=8, gil_locked=16, gil_switch=24,
                  ts_next=8, ts_cframe=56, ts_thread_id=136, ts_native_tid=144,
                  cf_current_frame=0, cf_previous=8,
                  if_code=0, if_previous=8, if_prev_instr=56, if_is_entry=None,
                  if_owner=70,
                  co_firstlineno=68, co_filename=112, co_name=120, co_qualname=128,
                  co_linetable=136, co_code_adaptive=192,
                  ascii_size=40, compact_size=56),
    (3, 13): dict(rt_interp_head=632, is_gil_ptr=16, is_tstate_head=7344,
                  gil_last_holder=8, gil_locked=16, gil_switch=24,
                  ts_next=8, ts_current_frame=72, ts_thread_id=152, ts_native_tid=160,
                  if_code=0, if_previous=8, if_prev_instr=56, if_is_entry=None,
                  if_owner=70,
                  co_firstlineno=68, co_filename=112, co_name=120, co_qualname=128,
                  co_linetable=136, co_code_adaptive=200,
                  ascii_size=40, compact_size=56),
}


class Mem:
    def __init__(self, pid):
        self.f = open(f"/proc/{pid}/mem", "rb", buffering=0)
        self.log = []          # every (addr, bytes) read, for --dump

    def read(self, addr, n):
        self.f.seek(addr)
        data = self.f.read(n)
        self.log.append((addr, data))
        return data

    def dump(self, path, meta):
        """Write the memory that was read as JSON: a fuzz seed / test fixture."""
        import json
        regions = {}
        for addr, data in self.log:
            regions[addr] = data
        with open(path, "w") as out:
            json.dump({"meta": meta,
                       "regions": [[hex(a), d.hex()] for a, d in sorted(regions.items())]},
                      out, indent=0)

    def u64(self, a):
        return struct.unpack("<Q", self.read(a, 8))[0]

    def i32(self, a):
        return struct.unpack("<i", self.read(a, 4))[0]

    def u32(self, a):
        return struct.unpack("<I", self.read(a, 4))[0]

    def u8(self, a):
        return self.read(a, 1)[0]


def dynsym(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path],
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def elf_type(path):
    with open(path, "rb") as f:
        hdr = f.read(18)
    return struct.unpack("<H", hdr[16:18])[0]  # 2 = ET_EXEC, 3 = ET_DYN


def find_runtime(pid):
    seen = []
    for line in open(f"/proc/{pid}/maps"):
        f = line.split()
        if len(f) < 6 or not f[5].startswith("/"):
            continue
        path, off = f[5], int(f[2], 16)
        if path in seen or off != 0:
            continue
        seen.append(path)
        base = int(f[0].split("-")[0], 16)
        syms = dynsym(path)
        if "_PyRuntime" in syms:
            bias = 0 if elf_type(path) == 2 else base  # first PT_LOAD vaddr is 0 here
            return path, bias, syms
    return None, 0, {}


def read_str(m, o, obj):
    """Compact unicode object -> str, with the checks laprof must do."""
    length = m.u64(obj + 16)
    state = m.u32(obj + 32)
    kind, compact, ascii_ = (state >> 2) & 7, (state >> 5) & 1, (state >> 6) & 1
    if not compact or length > 4096 or kind not in (1, 2, 4):
        return f"<bad str len={length} state={state:#x}>"
    if ascii_:
        return m.read(obj + o["ascii_size"], length).decode("ascii")
    raw = m.read(obj + o["compact_size"], length * kind)
    return raw.decode({1: "latin-1", 2: "utf-16-le", 4: "utf-32-le"}[kind])


def line_311(m, o, code, lasti):
    """3.11+ location table -> line of instruction index lasti (code units)."""
    first = m.i32(code + o["co_firstlineno"])
    lt = m.u64(code + o["co_linetable"])
    n = m.u64(lt + 16)
    tab = m.read(lt + 32, n)
    if lasti < 0:
        return first
    addr, line, i = 0, first, 0

    def varint():
        nonlocal i
        b = tab[i]; i += 1
        v, shift = b & 63, 0
        while b & 64:
            b = tab[i]; i += 1
            shift += 6
            v |= (b & 63) << shift
        return v

    def svarint():
        v = varint()
        return -(v >> 1) if v & 1 else v >> 1

    while i < n:
        b = tab[i]; i += 1
        code_ = (b >> 3) & 15
        length = (b & 7) + 1
        if code_ == 15:
            delta, this = 0, -1
        elif code_ == 14:
            delta = svarint(); varint(); varint(); varint()
        elif code_ == 13:
            delta = svarint()
        elif code_ >= 10:
            delta = code_ - 10; i += 2
        else:
            delta = 0; i += 1
        line += delta
        this = -1 if code_ == 15 else line
        if addr <= lasti < addr + length:
            return this
        addr += length
    return -1


def line_310(m, o, code, lasti):
    first = m.i32(code + o["co_firstlineno"])
    lt = m.u64(code + o["co_linetable"])
    n = m.u64(lt + 16)
    tab = m.read(lt + 32, n)
    addr = lasti * 2
    line, end = first, 0
    for k in range(0, n - 1, 2):
        sdelta, ldelta = tab[k], struct.unpack("b", tab[k + 1:k + 2])[0]
        start, end = end, end + sdelta
        if ldelta != -128:
            line += ldelta
        if start <= addr < end:
            return -1 if ldelta == -128 else line
    return -1


def main():
    pid = int(sys.argv[1])
    dump = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--dump" else None
    m = Mem(pid)
    path, bias, syms = find_runtime(pid)
    if not path:
        print("no _PyRuntime in any mapped ELF")
        return
    rt = bias + syms["_PyRuntime"]
    print(f"ELF exporting _PyRuntime: {path}  bias={bias:#x}  _PyRuntime={rt:#x}")
    if "Py_Version" in syms:
        ver = m.u64(bias + syms["Py_Version"])
        print(f"Py_Version @ {bias + syms['Py_Version']:#x} = {ver:#x}")
        mm = ((ver >> 24) & 0xff, (ver >> 16) & 0xff)
    else:
        mm = (3, 10)  # no Py_Version before 3.11: fall back to the soname
        print("no Py_Version symbol: version from path", path)
    if mm >= (3, 13):
        cookie = m.read(rt, 8)
        print(f"_Py_DebugOffsets cookie: {cookie!r}")
    o = OFF[mm]
    code_type = bias + syms["PyCode_Type"]
    interp = m.u64(rt + o["rt_interp_head"])
    print(f"interpreters.head @ {rt + o['rt_interp_head']:#x} = {interp:#x}")
    if mm <= (3, 11):
        holder = m.u64(rt + o["rt_gil_last_holder"])
        locked = m.i32(rt + o["rt_gil_locked"])
        print(f"gil: last_holder={holder:#x} locked={locked} "
              f"switch_number={m.u64(rt + o['rt_gil_switch'])} "
              f"tstate_current={m.u64(rt + o['rt_tstate_current']):#x}")
    else:
        gil = m.u64(interp + o["is_gil_ptr"])
        print(f"interp->ceval.gil = {gil:#x}: last_holder={m.u64(gil + o['gil_last_holder']):#x}"
              f" locked={m.i32(gil + o['gil_locked'])}")
    ts = m.u64(interp + o["is_tstate_head"])
    nthreads = 0
    while ts and nthreads < 64:
        nthreads += 1
        tid = m.u64(ts + o["ts_thread_id"])
        ntid = m.u64(ts + o["ts_native_tid"]) if o.get("ts_native_tid") else None
        print(f"\nPyThreadState {ts:#x}: thread_id(pthread_t)={tid:#x} native_thread_id={ntid}")
        if mm == (3, 10):
            f = m.u64(ts + o["ts_frame"])
            depth = 0
            while f and depth < 200:
                code = m.u64(f + o["f_code"])
                ok = m.u64(code + 8) == code_type
                lasti = m.i32(f + o["f_lasti"])
                print(f"  frame {f:#x} code {code:#x} type_ok={ok} lasti={lasti} "
                      f"{read_str(m, o, m.u64(code + o['co_name']))} "
                      f"({read_str(m, o, m.u64(code + o['co_filename']))}:"
                      f"{line_310(m, o, code, lasti)})")
                f = m.u64(f + o["f_back"])
                depth += 1
        else:
            if mm >= (3, 13):
                f = m.u64(ts + o["ts_current_frame"])
            else:
                cf = m.u64(ts + o["ts_cframe"])
                f = m.u64(cf + o["cf_current_frame"])
                print(f"  cframe {cf:#x} -> current_frame {f:#x}")
                c, chain = cf, []
                while c and len(chain) < 64:
                    chain.append(f"{c:#x}(cur={m.u64(c + o['cf_current_frame']):#x})")
                    c = m.u64(c + o["cf_previous"])
                print("  cframe chain:", " -> ".join(chain))
            depth = 0
            while f and depth < 200:
                code = m.u64(f + o["if_code"])
                owner = m.u8(f + o["if_owner"])
                entry = m.u8(f + o["if_is_entry"]) if o["if_is_entry"] else None
                ok = m.u64(code + 8) == code_type
                if not ok:
                    print(f"  frame {f:#x} owner={owner} code {code:#x} not a code object"
                          f" (shim/entry frame)")
                else:
                    instr = m.u64(f + o["if_prev_instr"])
                    lasti = (instr - (code + o["co_code_adaptive"])) // 2
                    print(f"  frame {f:#x} owner={owner} is_entry={entry} code {code:#x} "
                          f"lasti={lasti} "
                          f"{read_str(m, o, m.u64(code + o['co_qualname']))} "
                          f"({read_str(m, o, m.u64(code + o['co_filename']))}:"
                          f"{line_311(m, o, code, lasti)})")
                f = m.u64(f + o["if_previous"])
                depth += 1
        ts = m.u64(ts + o["ts_next"])
    if dump:
        m.dump(dump, {"version": "%d.%d" % mm, "elf": path, "bias": hex(bias),
                      "_PyRuntime": hex(rt), "PyCode_Type": hex(code_type),
                      "PyUnicode_Type": hex(bias + syms["PyUnicode_Type"]),
                      "PyBytes_Type": hex(bias + syms["PyBytes_Type"])})
        print("dumped", len(m.log), "reads to", dump)


if __name__ == "__main__":
    main()
