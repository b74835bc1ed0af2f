"""Check the location-table decoders of walk.py against CPython's own
co_positions() (3.11+) / co_lines() (3.10) for every code object of some
stdlib modules.  Run with each interpreter: python3.X linecheck.py"""
import sys, types, importlib

def varint(tab, i):
    b = tab[i]; i += 1
    v, shift = b & 63, 0
    while b & 64:
        b = tab[i]; i += 1
        shift += 6
        v |= (b & 63) << shift
    return v, i

def line_311(co, lasti):
    """instruction index (code units) -> line; co_linetable format 3.11-3.13"""
    tab, n = co.co_linetable, len(co.co_linetable)
    if lasti < 0:
        return co.co_firstlineno
    addr, line, i = 0, co.co_firstlineno, 0
    while i < n:
        b = tab[i]; i += 1
        code = (b >> 3) & 15
        length = (b & 7) + 1
        if code == 15:          # no location
            delta = 0
        elif code == 14:        # long form: svarint line delta, varint end-line delta, col+1, endcol+1
            v, i = varint(tab, i)
            delta = -(v >> 1) if v & 1 else v >> 1
            _, i = varint(tab, i); _, i = varint(tab, i); _, i = varint(tab, i)
        elif code == 13:        # no column: svarint line delta
            v, i = varint(tab, i)
            delta = -(v >> 1) if v & 1 else v >> 1
        elif code >= 10:        # one-line form: delta = code-10, then col, endcol bytes
            delta = code - 10; i += 2
        else:                   # short form: same line, one byte of columns
            delta = 0; i += 1
        line += delta
        if addr <= lasti < addr + length:
            return None if code == 15 else line
        addr += length
    return None

def line_310(co, lasti):
    tab = co.co_linetable
    addr, line, end = lasti * 2, co.co_firstlineno, 0
    for k in range(0, len(tab) - 1, 2):
        sdelta, ldelta = tab[k], tab[k + 1]
        if ldelta >= 128:
            ldelta -= 256
        start, end = end, end + sdelta
        if ldelta != -128:
            line += ldelta
        if start <= addr < end:
            return None if ldelta == -128 else line
    return None

def codes(co):
    yield co
    for c in co.co_consts:
        if isinstance(c, types.CodeType):
            yield from codes(c)

checked = bad = 0
for name in ("json.encoder", "threading", "asyncio.base_events", "email.message", "argparse", "typing"):
    m = importlib.import_module(name)
    src = open(m.__file__).read()
    top = compile(src, m.__file__, "exec")
    for co in codes(top):
        if sys.version_info >= (3, 11):
            for idx, pos in enumerate(co.co_positions()):
                mine = line_311(co, idx)
                checked += 1
                if mine != pos[0]:
                    bad += 1
                    if bad < 5: print("MISMATCH", co.co_qualname, idx, mine, pos)
        else:
            for start, end, ln in co.co_lines():
                for off in range(start, end, 2):
                    mine = line_310(co, off // 2)
                    checked += 1
                    if mine != ln:
                        bad += 1
                        if bad < 5: print("MISMATCH", co.co_name, off, mine, ln)
print(sys.version.split()[0], "instructions checked", checked, "mismatches", bad)
