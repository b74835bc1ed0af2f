# package-target.py: a Python program profiled by the laprof package, for tests/test-python-package.py.
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   python3 package-target.py CONFIG.json RESULT.json
#
# CONFIG says how to profile (api: with, decorator or startstop; period,
# single, min_time, mode; storer: fs, s3, null, raise; sampler: default,
# custom, raise; seconds of work; a second busy thread) and RESULT gets
# what the profiler did (report, stats, error, location, what a custom
# sampler saw) and what the profiled function returned. The program itself
# writes nothing to stdout or stderr: the test checks that the profiler
# does not either.
import json
import sys
import threading
import time
import zlib

import laprof


def hot_inner(n):
    x = 1
    for i in range(n):
        x = (x * 31 + i) & 0xFFFF
    return x


def hot_outer():
    return hot_inner(20000)


def sort_key(v):
    x = v
    for i in range(6):
        x = (x * 7 + i) % 1009
    return x


def sort_caller():
    return sorted(range(5000), key=sort_key)[0]


DATA = bytes((i * 7919 >> 3) & 0xFF for i in range(1 << 16))


def compress_caller():
    return len(zlib.compress(DATA, 9))


def work(seconds):
    """CPU-bound rounds for @seconds of this thread's CPU time."""
    end = time.thread_time() + seconds
    rounds = 0
    while time.thread_time() < end:
        hot_outer()
        sort_caller()
        compress_caller()
        rounds += 1
    return rounds


def spin_only(seconds):
    end = time.thread_time() + seconds
    n = 0
    while time.thread_time() < end:
        n += hot_inner(2000)
    return n


def other_spin(stop):
    while not stop.is_set():
        hot_inner(2000)


class Recorder(laprof.Sampler):
    """A user's own sampler: keeps what it is given."""

    def __init__(self):
        self.samples = 0
        self.names = {}
        self.files = {}
        self.max_depth = 0
        self.roots = set()
        self.python_with_line = 0
        self.lines = {}

    def sample(self, frame):
        self.samples += 1
        depth = 0
        f = frame
        while f is not None:
            name = f.f_code.co_name
            self.names[name] = self.names.get(name, 0) + 1
            if f.f_code.co_filename:
                self.files[name] = f.f_code.co_filename
                if f.f_lineno > 0:
                    self.python_with_line += 1
                    self.lines.setdefault(name, []).append(f.f_lineno)
            depth += 1
            last = f
            f = f.f_back
        self.roots.add(last.f_code.co_name)
        self.max_depth = max(self.max_depth, depth)

    def dump(self, file):
        file.write(b"recorded %d\n" % self.samples)


class BadSampler(laprof.StackCollapse):
    def dump(self, file):
        raise RuntimeError("the sampler's dump failed")


class BadStorer(laprof.Storer):
    def store(self, file):
        raise OSError("the storer failed")


def make_storer(config):
    kind = config.get("storer", "fs")
    if kind == "fs":
        path = config["path"]
        return laprof.FS(path=lambda: path)
    if kind == "fs_default":
        return laprof.FS()
    if kind == "s3":
        key = config["key"]
        return laprof.S3(bucket=config["bucket"], key=lambda: key, s3_opts=config.get("s3_opts"))
    if kind == "raise":
        return BadStorer()
    return laprof.Null()


def make_sampler(config):
    kind = config.get("sampler", "default")
    if kind == "custom":
        return Recorder()
    if kind == "raise":
        return BadSampler()
    return None


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    options = dict(period=config.get("period", 0.01), single=config.get("single", True),
                   min_time=config.get("min_time", 0), sampler=make_sampler(config),
                   storer=make_storer(config))
    for extra in ["mode", "lines", "idle"]:
        if extra in config:
            options[extra] = config[extra]
    seconds = config.get("seconds", 1.0)
    body = spin_only if config.get("body") == "spin" else work

    stop = threading.Event()
    other = None
    if config.get("second_thread"):
        other = threading.Thread(target=other_spin, args=(stop,), name="other")
        other.start()

    api = config.get("api", "with")
    cpu0, wall0 = time.thread_time(), time.monotonic()
    if api == "decorator":
        deco = laprof.profile(**options)
        returned = deco(body)(seconds)
        profiler = deco.last
    elif api == "startstop":
        profiler = laprof.Profiler(**options)
        profiler.start()
        returned = body(seconds)
        profiler.stop()
        profiler.join()
    else:
        with laprof.Profiler(**options) as profiler:
            returned = body(seconds)
    cpu1, wall1 = time.thread_time(), time.monotonic()
    stop.set()
    if other is not None:
        other.join()

    result = {
        "returned": returned,
        "expected_rounds_positive": returned > 0,
        "report": profiler.report.decode() if profiler.report is not None else None,
        "stats": profiler.stats,
        "error": profiler.error,
        "location": profiler.location,
        "clean_exit": profiler.clean_exit,
        "cpu": cpu1 - cpu0,
        "wall": wall1 - wall0,
    }
    if isinstance(profiler.sampler, Recorder):
        s = profiler.sampler
        result["sampler"] = {"samples": s.samples, "names": s.names, "files": s.files,
                             "max_depth": s.max_depth, "roots": sorted(s.roots),
                             "python_with_line": s.python_with_line,
                             "lines": {k: sorted(set(v)) for k, v in s.lines.items()}}
    with open(sys.argv[2], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
