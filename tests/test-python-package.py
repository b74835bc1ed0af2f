#!/usr/bin/python3
# test-python-package.py: the Python package `laprof` in real CPython programs run under lp-seccomp-run (issue 15).
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   test-python-package.py [package|example|install]     (TAP on stdout)
#
# Every profiled program runs as `lp-seccomp-run -- /usr/bin/python3 …`,
# where ptrace, perf_event_open and process_vm_readv fail, with the build
# tree's package on PYTHONPATH. "package": tests/python/package-target.py
# profiled every way the package offers (its reports, storers, samplers,
# errors, the sample rate). "example": examples/lambda/handler.py, the
# seed's example, storing its report on the S3 test server. "install":
# `meson install --destdir` of the build tree, and the installed package.
#
# Environment (tests/meson.build sets it): PYTHONPATH, LP_SECCOMP_RUN,
# LAPROF_CLI, G_TEST_SRCDIR (tests/), LAPROF_DEMO_SERVER, LAPROF_SOURCE_ROOT,
# LAPROF_BUILD_ROOT.
# The S3 gate (tests/s3/gate.js: node + s3rver with SigV4 checking) and
# Debian's awscli must be there: the tests fail, never skip, without them.
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

SRCDIR = os.environ.get("G_TEST_SRCDIR", os.path.dirname(os.path.abspath(__file__)))
ROOT = os.environ.get("LAPROF_SOURCE_ROOT", os.path.dirname(SRCDIR))
SECCOMP = os.environ.get("LP_SECCOMP_RUN", "")
CLI = os.environ.get("LAPROF_CLI", "")
PYTHON = "/usr/bin/python3"
TARGET = os.path.join(SRCDIR, "python", "package-target.py")
HANDLER = os.path.join(ROOT, "examples", "lambda", "handler.py")

GATE_BUCKET = "reports"
GATE_KEY = "AKIDGOOD"
GATE_SECRET = "good-secret"

TMP = tempfile.mkdtemp(prefix="laprof-pypkg-")


def note(message):
    for line in str(message).splitlines():
        print("# " + line, flush=True)


# The environment: nothing of the user's AWS setup or spool -----------------


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and not k.startswith("LAPROF_")}
    awsdir = os.path.join(TMP, "aws")
    os.makedirs(awsdir, exist_ok=True)
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(awsdir, "credentials")
    env["AWS_CONFIG_FILE"] = os.path.join(awsdir, "config")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["LAPROF_SPOOL_DIR"] = os.path.join(TMP, "spool-default")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if os.environ.get("LAPROF_TEST_PRELOAD"):
        # an AddressSanitizer build: the extension needs the runtime loaded first
        env["LD_PRELOAD"] = os.environ["LAPROF_TEST_PRELOAD"]
        env["ASAN_OPTIONS"] = os.environ["LAPROF_TEST_ASAN_OPTIONS"]
    env.update(extra or {})
    return env


def seccomp(argv, env, timeout=120, no_fork=False, cwd=None):
    """Runs @argv under lp-seccomp-run: (status, stdout, stderr)."""
    cmd = [SECCOMP] + (["--no-fork"] if no_fork else []) + ["--"] + argv
    p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, cwd=cwd)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


_runs = 0


def run_target(config, env_extra=None, no_fork=False, quiet=True, cwd=None):
    """package-target.py with @config under the filter: its result (a dict)."""
    global _runs
    _runs += 1
    conf = os.path.join(TMP, f"config-{_runs}.json")
    result = os.path.join(TMP, f"result-{_runs}.json")
    with open(conf, "w") as f:
        json.dump(config, f)
    status, out, err = seccomp([PYTHON, TARGET, conf, result], clean_env(env_extra),
                               no_fork=no_fork, cwd=cwd)
    if status != 0:
        raise AssertionError(f"package-target.py failed (status {status}):\n{out}\n{err}")
    if quiet:
        assert out == "", f"the profiled program's stdout got {out!r}"
        assert err == "", f"the profiled program's stderr got {err!r}"
    with open(result) as f:
        return json.load(f)


# Folded reports ---------------------------------------------------------


def parse(report):
    stacks = []
    for line in report.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            stacks.append((stack.split(";"), float(count)))
    return stacks


def total(stacks):
    return sum(c for _, c in stacks)


def count_with(stacks, *names):
    """Samples whose stack holds @names in this order (not necessarily adjacent)."""
    n = 0
    for frames, count in stacks:
        i = 0
        for f in frames:
            if i < len(names) and f == names[i]:
                i += 1
        if i == len(names):
            n += count
    return n


def py(name, file="package-target.py"):
    return f"{name} ({file})"


def is_python(frame):
    return frame.endswith(".py)") or ".py:" in frame


def show(stacks, n=12):
    for frames, count in sorted(stacks, key=lambda s: -s[1])[:n]:
        note(f"{count:6.0f} {';'.join(frames[-8:])}")


def read(path):
    with open(path) as f:
        return f.read()


# The S3 gate and awscli --------------------------------------------------


class Gate:
    def __init__(self):
        s3dir = os.path.join(SRCDIR, "s3")
        node = shutil.which("node")
        if node is None:
            raise AssertionError("node is not installed: the S3 tests need it (apt-get install nodejs npm)")
        modules = ["s3rver", "@smithy/signature-v4", "@aws-crypto/sha256-js"]
        if not all(os.path.exists(os.path.join(s3dir, "node_modules", m, "package.json")) for m in modules):
            note(f"installing the npm modules in {s3dir}")
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=s3dir,
                           capture_output=True, check=True)
        self.dir = tempfile.mkdtemp(prefix="laprof-s3rver-", dir=TMP)
        env = dict(os.environ, GATE_CREDENTIALS=f"{GATE_KEY}:{GATE_SECRET}")
        self.proc = subprocess.Popen([node, "--openssl-legacy-provider", os.path.join(s3dir, "gate.js"),
                                      "--dir", self.dir, "--bucket", GATE_BUCKET, "--region", "us-east-1"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("READY "):
            raise AssertionError(f"the S3 gate did not start: {line!r}")
        self.endpoint = f"http://127.0.0.1:{line.split()[1]}"
        note(f"S3 gate at {self.endpoint}")

    def stop(self):
        self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait()

    def env(self, secret=GATE_SECRET):
        return {"AWS_ACCESS_KEY_ID": GATE_KEY, "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": self.endpoint}

    def get(self, key):
        """The object at @key, read with Debian's awscli (None when there is none)."""
        aws = "/usr/bin/aws" if os.access("/usr/bin/aws", os.X_OK) else shutil.which("aws")
        assert aws, "awscli is not installed: the S3 tests need it (apt-get install awscli)"
        out = os.path.join(TMP, "object")
        if os.path.exists(out):
            os.unlink(out)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=GATE_KEY, AWS_SECRET_ACCESS_KEY=GATE_SECRET,
                   AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
                   AWS_CONFIG_FILE="/nonexistent/aws-config",
                   AWS_SHARED_CREDENTIALS_FILE="/nonexistent/aws-credentials", AWS_PAGER="")
        p = subprocess.run([aws, "--endpoint-url", self.endpoint, "s3api", "get-object",
                            "--bucket", GATE_BUCKET, "--key", key, out], env=env, capture_output=True)
        if p.returncode != 0:
            note(f"aws s3api get-object {key}: {p.stderr.decode().strip()}")
            return None
        return read(out)


_gate = None


def gate():
    global _gate
    if _gate is None:
        _gate = Gate()
    return _gate


# The tests of the package ------------------------------------------------


def test_filter_in_force():
    """The filter really forbids what the engine needs: perf_event_open and ptrace fail with EPERM."""
    code = ("import ctypes, ctypes.util\n"
            "libc = ctypes.CDLL(None, use_errno=True)\n"
            "r1 = libc.syscall(298, None, 0, -1, -1, 0)\n"  # perf_event_open
            "e1 = ctypes.get_errno()\n"
            "r2 = libc.syscall(101, 0, 0, 0, 0)\n"  # ptrace(PTRACE_TRACEME)
            "e2 = ctypes.get_errno()\n"
            "print(r1, e1, r2, e2)\n")
    status, out, err = seccomp([PYTHON, "-c", code], clean_env())
    assert status == 0, err
    assert out.split() == ["-1", "1", "-1", "1"], f"perf_event_open and ptrace not refused: {out!r}"


def test_hot_functions():
    """A CPU-bound workload: its hot Python functions lead the report, with native frames merged under them."""
    r = run_target({"api": "with", "period": 0.002, "seconds": 2.0, "storer": "null"}, no_fork=True)
    assert r["error"] is None, r["error"]
    stacks = parse(r["report"])
    show(stacks)
    all_samples = total(stacks)
    main = count_with(stacks, py("main"))
    note(f"{all_samples:.0f} samples, {main:.0f} in main(); stats {r['stats']}")
    assert main >= 0.9 * all_samples, "most samples should be in main() (single=True, CPU-bound)"
    assert all_samples >= 0.5 * r["cpu"] / 0.002, "far fewer samples than asked"
    assert r["stats"]["samples"] == all_samples or abs(r["stats"]["samples"] - all_samples) < 1
    # the three branches of work() hold (nearly) all of main's samples
    hot = count_with(stacks, py("work"), py("hot_outer"), py("hot_inner"))
    sort = count_with(stacks, py("work"), py("sort_caller"))
    comp = count_with(stacks, py("work"), py("compress_caller"))
    note(f"hot_inner {hot / main:.0%}, sort_caller {sort / main:.0%}, compress_caller {comp / main:.0%}")
    for name, n in [("hot_inner", hot), ("sort_caller", sort), ("compress_caller", comp)]:
        assert n >= 0.05 * main, f"{name} has only {n} of {main} samples"
    assert hot + sort + comp >= 0.8 * main, "work()'s three callees should hold its time"
    # no stranger function is hotter than the workload's own (the hottest
    # Python frame closest to the leaf, per stack)
    leaf_py = {}
    for frames, count in stacks:
        pys = [f for f in frames if is_python(f)]
        if pys:
            leaf_py[pys[-1]] = leaf_py.get(pys[-1], 0) + count
    top = sorted(leaf_py, key=lambda k: -leaf_py[k])[:3]
    note(f"hottest Python leaves: {[(k, leaf_py[k]) for k in top]}")
    assert set(top) <= {py("hot_inner"), py("sort_key"), py("sort_caller"), py("compress_caller")}, top
    problems = []

    def check(ok, why):
        if not ok and why not in problems:
            problems.append(why)

    # the Python frames of a sample are those of the native stack's moment:
    # a Python leaf function never "calls" what only another one calls
    # (hot_inner and sort_key call nothing; & is hot_inner's, zlib and
    # thread_time() are work()'s and compress_caller's)
    foreign = {py("hot_inner"): ("PyObject_Vectorcall", "PyObject_CallOneArg", "deflate", "PyNumber_Remainder"),
               py("sort_key"): ("PyObject_Vectorcall", "PyObject_CallOneArg", "deflate", "PyNumber_And")}
    mismatched = 0
    for frames, count in stacks:
        pys = [i for i, f in enumerate(frames) if is_python(f)]
        if pys and frames[pys[-1]] in foreign:
            if any(f.startswith(foreign[frames[pys[-1]]]) for f in frames[pys[-1] + 1:]):
                mismatched += count
                note(f"mismatched: {count:.0f} {';'.join(frames[pys[-1] - 1:])}")
    check(mismatched <= 0.01 * all_samples,
          f"{mismatched:.0f} samples ({mismatched / all_samples:.1%}) glue a function's Python frames to another's native frames")
    # Python caller, C (sorted), Python callee: native frames between them
    between = {}
    for frames, count in stacks:
        if py("sort_caller") in frames and py("sort_key") in frames:
            i, j = frames.index(py("sort_caller")), frames.index(py("sort_key"))
            check(not any(is_python(f) for f in frames[i + 1:j]), f"a Python frame between sort_caller and sort_key: {frames[i:j + 1]}")
            if j > i + 1:
                between[";".join(frames[i + 1:j])] = between.get(";".join(frames[i + 1:j]), 0) + count
    via_c = sum(between.values())
    note(f"sort_caller -> sort_key through native frames: {via_c:.0f} samples, e.g. {sorted(between, key=lambda k: -between[k])[:2]}")
    check(count_with(stacks, py("sort_caller"), py("sort_key")) >= 0.2 * sort, "sort_key should hold much of sort_caller")
    check(via_c >= 0.9 * count_with(stacks, py("sort_caller"), py("sort_key")),
          f"sorted() (C) must stand between sort_caller and its key function (only {via_c:.0f} samples of "
          f"{count_with(stacks, py('sort_caller'), py('sort_key')):.0f})")
    # the interpreter's frames are read in every sample
    unreadable = sum(c for frames, c in stacks if "[python: unreadable]" in frames)
    check(unreadable <= 0.01 * all_samples,
          f"{unreadable:.0f} samples ({unreadable / all_samples:.1%}) have [python: unreadable] frames")
    # compress_caller -> zlib (C) leaves
    native_leaf = sum(c for frames, c in stacks if py("compress_caller") in frames and not is_python(frames[-1]))
    deflate = sum(c for frames, c in stacks
                  if py("compress_caller") in frames and any("deflate" in f for f in frames))
    note(f"compress_caller: {native_leaf:.0f} of {comp:.0f} samples with a native leaf, {deflate:.0f} in deflate*")
    check(native_leaf >= 0.8 * comp, "zlib.compress's time is in native code under compress_caller")
    check(deflate >= 0.5 * comp, "zlib's deflate should be named under compress_caller")
    # the interpreter's own native frames above the Python ones
    check(count_with(stacks, "Py_RunMain", py("<module>"), py("main")) >= 0.9 * main,
          "native frames (Py_RunMain…) should sit above the Python frames")
    assert not problems, "; ".join(problems)


def _check_stored(r, path):
    assert r["error"] is None, r["error"]
    assert r["returned"] > 0
    assert os.path.exists(path), f"no report at {path}"
    report = read(path)
    assert report == r["report"], "the stored report differs from liblaprof's"
    stacks = parse(report)
    spin = count_with(stacks, py("spin_only"))
    assert spin >= 0.9 * total(stacks) and total(stacks) >= 20, show(stacks) or "spin_only should hold the samples"
    assert count_with(stacks, py("spin_only"), py("hot_inner")) >= 0.3 * spin, "hot_inner should hold much of spin_only"
    return stacks


def test_context_manager():
    """`with Profiler(...)`: the report goes to the FS storer's path function."""
    path = os.path.join(TMP, "with.folded")
    r = run_target({"api": "with", "period": 0.005, "seconds": 0.5, "body": "spin", "path": path})
    _check_stored(r, path)
    assert r["location"] == path


def test_decorator():
    """`@profile(...)`: the function's result unchanged, its report stored."""
    path = os.path.join(TMP, "decorator.folded")
    r = run_target({"api": "decorator", "period": 0.005, "seconds": 0.5, "body": "spin", "path": path})
    stacks = _check_stored(r, path)
    assert count_with(stacks, py("profile.__call__.<locals>.profiler_wrapped", "__init__.py"), py("spin_only")) >= 0.8 * total(stacks)


def test_decorator_exception():
    """A decorated function's exception is its own, unchanged; its report is still made."""
    code = ("import laprof\n"
            "deco = laprof.profile(period=0.002, storer=laprof.Null())\n"
            "@deco\n"
            "def handler(n):\n"
            "    'doc'\n"
            "    x = sum(i * i for i in range(n))\n"
            "    raise ValueError('mine', x)\n"
            "try:\n"
            "    handler(2000000)\n"
            "except ValueError as e:\n"
            "    print(handler.__name__, handler.__doc__, e.args[0], deco.last.error, deco.last.stats['samples'] > 10,\n"
            "          b'handler (<string>)' in deco.last.report)\n")
    status, out, err = seccomp([PYTHON, "-c", code], clean_env())
    assert status == 0 and err == "", err
    assert out.split() == ["handler", "doc", "mine", "None", "True", "True"], out


def test_start_stop():
    """start() and stop() (and pylaprof's join())."""
    path = os.path.join(TMP, "startstop.folded")
    r = run_target({"api": "startstop", "period": 0.005, "seconds": 0.5, "body": "spin", "path": path})
    _check_stored(r, path)
    assert r["clean_exit"] is True


def test_fs_default_path():
    """FS() with no path: laprof-{iso date}.folded in the current directory."""
    cwd = tempfile.mkdtemp(prefix="cwd-", dir=TMP)
    r = run_target({"api": "with", "period": 0.005, "seconds": 0.3, "body": "spin", "storer": "fs_default"}, cwd=cwd)
    names = os.listdir(cwd)
    assert len(names) == 1 and names[0].startswith("laprof-20") and names[0].endswith(".folded"), names
    assert read(os.path.join(cwd, names[0])) == r["report"]


def test_min_time():
    """min_time: a run shorter than it stores nothing; a longer one does."""
    path = os.path.join(TMP, "short.folded")
    r = run_target({"period": 0.005, "seconds": 0.3, "body": "spin", "min_time": 5, "path": path})
    assert r["error"] is None, r["error"]
    assert not os.path.exists(path), "a run shorter than min_time was stored"
    assert r["stats"]["too_short"] is True, r["stats"]
    assert r["returned"] > 0
    path = os.path.join(TMP, "long-enough.folded")
    r = run_target({"period": 0.005, "seconds": 0.3, "body": "spin", "min_time": 0.1, "path": path})
    assert os.path.exists(path) and r["stats"]["too_short"] is False, "a run longer than min_time was not stored"


def test_disable():
    """LAPROF_DISABLE=1, true, YES, on: a no-op (nothing sampled or stored); 0 profiles."""
    for value in ["1", "true", "YES", "on"]:
        path = os.path.join(TMP, f"disabled-{value}.folded")
        r = run_target({"period": 0.005, "seconds": 0.2, "body": "spin", "path": path},
                       env_extra={"LAPROF_DISABLE": value})
        assert not os.path.exists(path), f"LAPROF_DISABLE={value} still stored a report"
        assert r["stats"].get("disabled") is True, r["stats"]
        assert r["report"] is None and r["error"] is None and r["returned"] > 0
    path = os.path.join(TMP, "disabled-0.folded")
    r = run_target({"period": 0.005, "seconds": 0.2, "body": "spin", "path": path},
                   env_extra={"LAPROF_DISABLE": "0"})
    assert os.path.exists(path), "LAPROF_DISABLE=0 should profile"


def test_single():
    """single=True samples only the thread that started the profiler; False every thread."""
    seen = {}
    for single in [True, False]:
        path = os.path.join(TMP, f"single-{single}.folded")
        r = run_target({"period": 0.005, "seconds": 1.0, "body": "spin", "single": single,
                        "second_thread": True, "path": path})
        stacks = parse(read(path))
        assert r["error"] is None and r["stats"]["threads"] >= (1 if single else 2), r["stats"]
        other = count_with(stacks, py("other_spin"))
        main = count_with(stacks, py("spin_only"))
        note(f"single={single}: other_spin {other:.0f}, spin_only {main:.0f} samples")
        seen[single] = (other, main)
        assert main >= 50
    assert seen[True][0] == 0, "single=True sampled the other thread"
    assert seen[False][0] >= 0.25 * seen[False][1], "single=False should sample the other busy thread"


def test_s3_environment():
    """S3 storer to the S3 test server, credentials and endpoint from the AWS environment."""
    g = gate()
    key = "python/env.folded"
    r = run_target({"period": 0.005, "seconds": 0.5, "body": "spin", "storer": "s3",
                    "bucket": GATE_BUCKET, "key": key}, env_extra=g.env())
    assert r["error"] is None, r["error"]
    assert r["location"] == f"s3://{GATE_BUCKET}/{key}"
    stored = g.get(key)
    assert stored is not None, "no object on the S3 server"
    assert stored == r["report"]
    assert count_with(parse(stored), py("spin_only"), py("hot_inner")) > 0


def test_s3_opts():
    """S3(s3_opts={endpoint_url, region_name, aws_access_key_id, aws_secret_access_key}) with no AWS environment."""
    g = gate()
    key = "python/opts.folded"
    opts = {"endpoint_url": g.endpoint, "region_name": "us-east-1",
            "aws_access_key_id": GATE_KEY, "aws_secret_access_key": GATE_SECRET}
    r = run_target({"period": 0.005, "seconds": 0.3, "body": "spin", "storer": "s3",
                    "bucket": GATE_BUCKET, "key": key, "s3_opts": opts})
    assert r["error"] is None, r["error"]
    stored = g.get(key)
    assert stored is not None and stored == r["report"]


def test_s3_refused():
    """A wrong secret: the upload is refused, the report spooled, the result unchanged, nothing printed."""
    g = gate()
    spool = tempfile.mkdtemp(prefix="spool-", dir=TMP)
    key = "python/refused.folded"
    env = g.env(secret="wrong-secret")
    env["LAPROF_SPOOL_DIR"] = spool
    r = run_target({"period": 0.005, "seconds": 0.3, "body": "spin", "storer": "s3",
                    "bucket": GATE_BUCKET, "key": key}, env_extra=env)
    note(f"error: {r['error']}")
    assert r["returned"] > 0
    assert r["error"] is not None and "spool" in r["error"], r["error"]
    assert g.get(key) is None, "a refused upload is on the server"
    spooled = []
    for dirpath, _, files in os.walk(spool):
        spooled += [os.path.join(dirpath, f) for f in files]
    note(f"spooled: {spooled}")
    reports = [f for f in spooled if not f.endswith(".dest")]
    assert any(read(f) == r["report"] for f in reports), "the report is not in the spool"
    assert any(read(f).strip() == f"s3://{GATE_BUCKET}/{key}" for f in spooled if f.endswith(".dest")), \
        "the spool should say where the report belongs"


def test_storer_raises():
    """A storer that raises, a sampler whose dump raises: nothing escapes, nothing printed."""
    r = run_target({"period": 0.005, "seconds": 0.3, "body": "spin", "storer": "raise"})
    assert r["returned"] > 0
    assert r["error"] is not None and "the storer failed" in r["error"], r["error"]
    assert r["clean_exit"] is False
    r = run_target({"api": "decorator", "period": 0.005, "seconds": 0.3, "body": "spin",
                    "sampler": "raise", "storer": "null"})
    assert r["returned"] > 0
    assert r["error"] is not None and "dump failed" in r["error"], r["error"]


def test_custom_sampler():
    """A Sampler subclass gets each sample's leaf frame (f_code, f_lineno, f_back), then dump()."""
    path = os.path.join(TMP, "custom.folded")
    r = run_target({"period": 0.002, "seconds": 1.0, "sampler": "custom", "path": path})
    s = r["sampler"]
    note(f"custom sampler: {s['samples']} samples, depth {s['max_depth']}, roots {s['roots']}")
    assert s["samples"] == r["stats"]["samples"] > 100
    assert s["samples"] == total(parse(r["report"]))
    for name in ["hot_inner", "hot_outer", "sort_key", "work", "main", "<module>"]:
        assert s["names"].get(name, 0) > 0, f"{name} never reached the sampler"
        assert s["files"][name] == "package-target.py", s["files"].get(name)
    assert s["names"]["main"] >= 0.9 * s["samples"]
    assert s["python_with_line"] == 0, "no lines were asked: f_lineno is 0"
    assert s["max_depth"] > 6
    assert read(path) == f"recorded {s['samples']}\n", "the storer should get the sampler's dump"


def test_custom_sampler_lines():
    """lines=True: the frames a custom Sampler gets carry their f_lineno."""
    r = run_target({"period": 0.002, "seconds": 0.5, "body": "spin", "sampler": "custom", "lines": True,
                    "storer": "null"})
    s = r["sampler"]
    with open(TARGET) as f:
        source = f.read().splitlines()
    # hot_inner's loop: its lines in the file
    first = next(i for i, line in enumerate(source, 1) if line.startswith("def hot_inner"))
    note(f"hot_inner's lines sampled: {s['lines'].get('hot_inner')}, defined at {first}")
    assert s["python_with_line"] > 0
    assert s["lines"].get("hot_inner") and all(first < n <= first + 5 for n in s["lines"]["hot_inner"])
    assert any(f" ({os.path.basename(TARGET)}:" in line for line in r["report"].splitlines())


def test_frame_labels():
    """The light frames read back every kind of frame of laprof's reports."""
    cases = [("Foo.bar (pkg/mod.py:12)", "bar", "Foo.bar", "pkg/mod.py", 12),
             ("outer.<locals>.<lambda> (x.py)", "<lambda>", "outer.<locals>.<lambda>", "x.py", 0),
             ("<module> (<frozen runpy>)", "<module>", "<module>", "<frozen runpy>", 0),
             ("[idle: GIL]", "[idle: GIL]", "[idle: GIL]", "", 0),
             ("[python3.11+0x1c7193]", "[python3.11+0x1c7193]", "[python3.11+0x1c7193]", "", 0),
             ("std::vector<int>::push_back(int const&)", "std::vector<int>::push_back(int const&)",
              "std::vector<int>::push_back(int const&)", "", 0),
             ("python3", "python3", "python3", "", 0)]
    # in a child: the package loads as the profiled programs load it (under
    # AddressSanitizer, with its runtime preloaded)
    code = ("import json, sys, laprof\n"
            "root = laprof.Frame('python3', None)\n"
            "out = []\n"
            "for label in json.loads(sys.argv[1]):\n"
            "    f = laprof.Frame(label, root)\n"
            "    assert f.f_back is root and f.label == label\n"
            "    out.append([f.f_code.co_name, f.f_code.co_qualname, f.f_code.co_filename, f.f_lineno])\n"
            "print(json.dumps(out))\n")
    status, out, err = seccomp([PYTHON, "-c", code, json.dumps([c[0] for c in cases])], clean_env())
    assert status == 0, err
    for case, got in zip(cases, json.loads(out)):
        assert tuple(got) == case[1:], f"{case[0]}: {got} != {list(case[1:])}"


def test_sample_rate():
    """CPU-bound Python at period 0.001 for 2 s: at least 95 % of the asked samples a second."""
    r = run_target({"period": 0.001, "seconds": 2.0, "body": "spin", "storer": "null"})
    samples = r["stats"]["samples"]
    rate_cpu = samples / r["cpu"]
    rate_wall = samples / r["wall"]
    note(f"{samples} samples in {r['cpu']:.3f} s of CPU ({r['wall']:.3f} s wall): "
         f"{rate_cpu:.0f}/s of CPU time, {rate_wall:.0f}/s of wall time; lost {r['stats']['lost']}; "
         f"{r['stats']['per_sample_us']:.1f} µs per sample on the sampler thread")
    assert rate_cpu >= 950, f"{rate_cpu:.0f} samples a second, asked 1000"


def test_merge():
    """laprof-cli merge (pylaprof-merge's part) merges the package's reports."""
    paths = []
    for i in range(2):
        paths.append(os.path.join(TMP, f"merge-{i}.folded"))
        run_target({"period": 0.005, "seconds": 0.3, "body": "spin", "path": paths[-1]})
    merged = os.path.join(TMP, "merged.folded")
    p = subprocess.run([CLI, "merge", *paths, "-o", merged], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    parts = [parse(read(f)) for f in paths]
    m = parse(read(merged))
    assert total(m) == sum(total(s) for s in parts)
    name = py("spin_only")
    assert count_with(m, name) == sum(count_with(s, name) for s in parts) > 0


PACKAGE_TESTS = [test_filter_in_force, test_hot_functions, test_context_manager, test_decorator,
                 test_decorator_exception,
                 test_start_stop, test_fs_default_path, test_min_time, test_disable, test_single,
                 test_s3_environment, test_s3_opts, test_s3_refused, test_storer_raises,
                 test_custom_sampler, test_custom_sampler_lines, test_frame_labels, test_sample_rate,
                 test_merge]


# The seed's example ------------------------------------------------------


def test_example_handler():
    """examples/lambda/handler.py under the filter: its report on the S3 server holds its functions."""
    g = gate()
    server = subprocess.Popen([os.environ["LAPROF_DEMO_SERVER"], "--delay", "0.5"], stdout=subprocess.PIPE)
    try:
        line = server.stdout.readline().decode()
        assert line.startswith("listening on "), line
        url = "http://" + line.split()[-1] + "/"
        key = "lambda/handler.folded"
        env = g.env()
        env.update(LAPROF_EXAMPLE_URL=url, LAPROF_EXAMPLE_BUCKET=GATE_BUCKET,
                   LAPROF_EXAMPLE_KEY=key, LAPROF_EXAMPLE_SECONDS="0.5")
        status, out, err = seccomp([PYTHON, HANDLER], clean_env(env))
        note(f"handler.py: {out.strip()} {err.strip()}")
        assert status == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == {"some processed": "data"}
        assert err == ""
    finally:
        server.terminate()
        server.wait()
    stored = g.get(key)
    assert stored is not None, "the example stored no report"
    stacks = parse(stored)
    show(stacks)
    h = lambda name: py(name, "handler.py")  # noqa: E731
    handler = count_with(stacks, h("handler"))
    assert handler >= 0.95 * total(stacks) > 50
    for task in ["sleepy_task", "cpu_intens_task", "io_task"]:
        n = count_with(stacks, h("handler"), h(task))
        note(f"{task}: {n / handler:.0%}")
        assert n >= 0.15 * handler, f"{task} should hold about a third of the handler's time"
    # wall mode: the sleep and the request are blocked time, with idle leaves
    asleep = sum(c for frames, c in stacks if h("sleepy_task") in frames and frames[-1].startswith("[idle: "))
    assert asleep >= 0.8 * count_with(stacks, h("sleepy_task")), "sleepy_task's samples should end in [idle: …]"


EXAMPLE_TESTS = [test_example_handler]


# Installed ---------------------------------------------------------------


def test_installed():
    """`meson install` puts the package into the interpreter's site-packages, where it imports and profiles."""
    build = os.environ["LAPROF_BUILD_ROOT"]
    dest = tempfile.mkdtemp(prefix="destdir-", dir=TMP)
    # `meson test` builds only what the tests need: the rest of what is
    # installed (data files, programs no test runs) is built here
    p = subprocess.run(["meson", "install", "-C", build, "--quiet", "--destdir", dest],
                       capture_output=True)
    assert p.returncode == 0, p.stdout.decode() + p.stderr.decode()
    found = {}
    for dirpath, _, files in os.walk(dest):
        for f in files:
            if f == "__init__.py" and os.path.basename(dirpath) == "laprof":
                found["init"] = dirpath
            if f.startswith("_laprof.") and f.endswith(".so"):
                found["ext"] = dirpath
            if f.startswith("liblaprof.so"):
                found["lib"] = dirpath
    note(f"installed: {found}")
    assert found.get("init") and found.get("init") == found.get("ext"), "laprof/ lacks __init__.py or _laprof*.so"
    assert found.get("lib"), "liblaprof.so was not installed"
    site = os.path.dirname(found["init"])
    # where /usr/bin/python3 looks for packages: the default prefix
    # (/usr/local) has a place there, and the package must be in it
    options = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", build],
                                        capture_output=True, check=True).stdout)
    prefix = next(o["value"] for o in options if o["name"] == "prefix")
    path = json.loads(subprocess.run([PYTHON, "-c", "import json, sys; print(json.dumps(sys.path))"],
                                     capture_output=True, check=True, env=clean_env()).stdout)
    note(f"installed into {site[len(dest):]}; the interpreter's path: {path}")
    if any(p.startswith(prefix.rstrip("/") + "/") for p in path):
        assert site[len(dest):] in path, f"{site[len(dest):]} is not where /usr/bin/python3 looks"
    code = ("import laprof, sys\n"
            "p = laprof.Profiler(period=0.005, storer=laprof.Null())\n"
            "with p:\n"
            "    sum(i * i for i in range(3000000))\n"
            "print(laprof.__file__, p.stats['samples'], p.error)\n")
    env = clean_env({"PYTHONPATH": site, "LD_LIBRARY_PATH": found["lib"]})
    status, out, err = seccomp([PYTHON, "-c", code], env, cwd=TMP)
    assert status == 0, err
    file, samples, error = out.split()
    assert file.startswith(dest), f"imported {file}, not the installed package"
    assert int(samples) > 10 and error == "None", out


INSTALL_TESTS = [test_installed]


def main():
    group = sys.argv[1] if len(sys.argv) > 1 else "package"
    tests = {"example": EXAMPLE_TESTS, "install": INSTALL_TESTS}.get(group, PACKAGE_TESTS)
    for name in ["LP_SECCOMP_RUN", "LAPROF_CLI"]:
        if not os.environ.get(name):
            print(f"Bail out! {name} is not set (run through meson test)")
            return 1
    failed = 0
    try:
        for i, test in enumerate(tests, 1):
            start = time.monotonic()
            try:
                test()
                print(f"ok {i} - {test.__name__}: {test.__doc__.splitlines()[0]}", flush=True)
            except Exception:
                failed += 1
                print(f"not ok {i} - {test.__name__}: {test.__doc__.splitlines()[0]}", flush=True)
                note(traceback.format_exc())
            note(f"{test.__name__}: {time.monotonic() - start:.1f} s")
    finally:
        if _gate is not None:
            _gate.stop()
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"1..{len(tests)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
