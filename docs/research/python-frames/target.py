import os, sys, threading, time

def sleeper():
    time.sleep(1000)

def key(x):
    time.sleep(1000)
    return x

def cb():
    sorted([1, 2], key=key)

def gen():
    yield time.sleep(1000)

def g():
    for _ in gen():
        pass

class C:
    def f(self):
        while 1:
            pass

ts = [threading.Thread(target=t, name=n, daemon=True)
      for t, n in ((sleeper, "sleepy"), (cb, "callback"), (g, "gen"))]
for t in ts:
    t.start()
time.sleep(0.2)
print("pid %d %s" % (os.getpid(), sys.version.split()[0]), "main ident %#x native %d" %
      (threading.main_thread().ident, threading.main_thread().native_id),
      *["%s ident %#x native %d" % (t.name, t.ident, t.native_id) for t in ts],
      sep="\n  ", flush=True)
if len(sys.argv) > 1:
    time.sleep(1000)
C().f()
