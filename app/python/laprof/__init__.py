# laprof: profile Python code from inside its own process, where ptrace and perf events are
# forbidden (AWS Lambda, seccomp'd containers), with pylaprof's surface over liblaprof.
# SPDX-License-Identifier: GPL-3.0-or-later
"""Profile Python code from inside its own process, with pylaprof's surface.

    from laprof import profile, S3

    @profile(period=0.01, storer=S3(bucket="reports"))
    def handler(event, context):
        ...

Samples are taken by liblaprof (laprof's in-process sampler, in C): a
native thread reads each thread's Python frames from the interpreter's
memory without taking the GIL and merges them with the native frames (C
extensions included), so the report is laprof's folded text, the same as
`laprof-cli record` gives, and `laprof-cli merge` merges many of them.

Nothing the profiler does raises into, blocks or prints to the profiled
code: its errors (a storer that raises, a refused upload: the report is
then in laprof's spool) go to the "laprof" logger and stay in
`Profiler.error`. LAPROF_DISABLE=1 (also true, yes, on) makes it a no-op.
See docs/python-package.md.
"""

import io
import logging
import os
import re
import secrets
import threading
from datetime import datetime, timezone
from functools import wraps

from . import _laprof

__all__ = [
    "Profiler",
    "profile",
    "Sampler",
    "StackCollapse",
    "Frame",
    "Storer",
    "FS",
    "S3",
    "Null",
    "disabled",
]

logger = logging.getLogger("laprof")
logger.addHandler(logging.NullHandler())


def _now():
    return datetime.now(timezone.utc).isoformat()


def disabled():
    """Whether LAPROF_DISABLE turns every profiler into a no-op."""
    return _laprof.disabled()


# Storers ---------------------------------------------------------------


class Storer:
    """Where a report goes: subclass it and define store()."""

    def store(self, file):
        """Store a profiling report.

        file
          A file-like object in binary mode holding the report.
        """


class Null(Storer):
    """Keeps the report nowhere (it stays in Profiler.report)."""

    def store(self, file):
        pass


class FS(Storer):
    """Stores the report in a file, atomically, as laprof's storers do."""

    def __init__(self, path=None):
        """
        path (func() -> str)
          Returns the report's path. Default: `laprof-{iso date}.folded`
          in the current directory.
        """
        if path is None:
            path = lambda: f"laprof-{_now()}.folded"  # noqa: E731
        self.path = path
        self.location = None

    def store(self, file):
        path = os.path.abspath(os.fspath(self.path()))
        _laprof.store(path, file.read())
        self.location = path


# s3_opts (boto3's names) -> the environment variables laprof's S3 storer reads
_S3_OPTS_ENV = {
    "endpoint_url": "AWS_ENDPOINT_URL",
    "region_name": "AWS_REGION",
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
}
_env_lock = threading.Lock()


class S3(Storer):
    """Stores the report on S3 through laprof's own S3 storer (no boto3).

    Credentials, region and endpoint come from the environment as the AWS
    CLI finds them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL, AWS_PROFILE and the
    AWS files). An upload that fails for good is kept in laprof's spool
    (LAPROF_SPOOL_DIR; `laprof-cli upload` sends it later) and store()
    raises an error saying where.
    """

    def __init__(self, s3_opts=None, bucket="pylaprof", key=None, put_object_opts=None):
        """
        s3_opts (dict)
          endpoint_url, region_name, aws_access_key_id,
          aws_secret_access_key, aws_session_token: used instead of the
          environment's AWS_ENDPOINT_URL, AWS_REGION… for this storer.
        bucket (str)
          The bucket of the reports.
        key (func() -> str)
          Returns the report's object key. Default:
          `{8 random hex digits}-{iso date}.folded`.
        put_object_opts (dict)
          boto3's put_object options: laprof's storer has none, they are
          ignored (with a warning in the log).
        """
        self.env = {}
        for name, value in (s3_opts or {}).items():
            if name in _S3_OPTS_ENV:
                if value is not None:
                    self.env[_S3_OPTS_ENV[name]] = str(value)
            else:
                logger.warning("laprof.S3: s3_opts %r is not supported, ignored", name)
        if put_object_opts:
            logger.warning("laprof.S3: put_object_opts are not supported, ignored: %s",
                           ", ".join(sorted(put_object_opts)))
        self.bucket = bucket
        if key is None:
            key = lambda: f"{secrets.token_hex(4)}-{_now()}.folded"  # noqa: E731
        self.key = key
        self.location = None

    def store(self, file):
        location = f"s3://{self.bucket}/{self.key()}"
        data = file.read()
        if not self.env:
            _laprof.store(location, data)
        else:
            # laprof's storer reads the environment at each store: set this
            # storer's options for the time of the upload only
            with _env_lock:
                saved = {name: os.environ.get(name) for name in self.env}
                try:
                    os.environ.update(self.env)
                    _laprof.store(location, data)
                finally:
                    for name, value in saved.items():
                        if value is None:
                            os.environ.pop(name, None)
                        else:
                            os.environ[name] = value
        self.location = location


# Samplers --------------------------------------------------------------


class Sampler:
    """What becomes of the samples: subclass it and define sample() and dump().

    At the profiler's stop, sample() gets each sample's leaf frame, once per
    sample, then dump() writes the report that the storer keeps.
    """

    def sample(self, frame):
        """Take one sample.

        frame (Frame)
          The sample's leaf frame: f_code.co_name, f_code.co_filename,
          f_lineno (0 when unknown) and f_back (None at the root), as a
          Python frame has them. Native frames have an empty co_filename.
        """

    def dump(self, file):
        """Write the report.

        file
          A file-like object in binary mode.
        """


class Code:
    """A frame's code, as much of it as a report holds."""

    __slots__ = ("co_name", "co_qualname", "co_filename")

    def __init__(self, qualname, filename):
        self.co_qualname = qualname
        self.co_name = qualname.rpartition(".")[2] if filename else qualname
        self.co_filename = filename

    def __repr__(self):
        return f"<laprof code {self.co_qualname} ({self.co_filename})>"


class Frame:
    """A frame of a sample, read back from laprof's report."""

    __slots__ = ("f_code", "f_lineno", "f_back", "label")

    def __init__(self, label, back):
        match = _PYTHON_FRAME.match(label)
        if match:
            self.f_code = Code(match["name"], match["file"])
            self.f_lineno = int(match["line"] or 0)
        else:
            self.f_code = Code(label, "")
            self.f_lineno = 0
        self.f_back = back
        self.label = label

    def __repr__(self):
        return f"<laprof frame {self.label}>"


# "qualname (file)" or "qualname (file:line)"; native frames are plain names
_PYTHON_FRAME = re.compile(r"^(?P<name>\S.*?) \((?P<file>[^()]+?)(?::(?P<line>\d+))?\)$")


def _parse(report):
    """(frames, count) for each line of a folded report, root first."""
    for line in report.decode("utf-8", "replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        try:
            hits = int(round(float(count)))
        except ValueError:
            continue
        yield stack.split(";"), hits


def _feed(sampler, report):
    """Gives @report's samples to @sampler."""
    if isinstance(sampler, StackCollapse) and type(sampler).sample is StackCollapse.sample:
        sampler._add_report(report)
        return
    frames = {}
    sample = sampler.sample
    for labels, hits in _parse(report):
        frame = None
        for label in labels:
            key = (id(frame), label)
            child = frames.get(key)
            if child is None:
                child = frames[key] = Frame(label, frame)
            frame = child
        for _ in range(hits):
            sample(frame)


def _label(frame):
    label = getattr(frame, "label", None)
    if isinstance(label, str):
        return label
    code = frame.f_code
    if not code.co_filename:
        return code.co_name
    return f"{code.co_name} ({code.co_filename}:{frame.f_lineno})"


class StackCollapse(Sampler):
    """The default sampler: folded stacks ("a;b;c 12"), for flame graphs.

    Its report is liblaprof's, as is: the same frames `laprof-cli record`
    gives, so `laprof-cli merge` merges it with any other laprof report.
    """

    def __init__(self):
        self._reports = []
        self._counts = {}

    def _add_report(self, report):
        self._reports.append(report)

    def sample(self, frame):
        stack = []
        while frame is not None:
            stack.append(_label(frame))
            frame = frame.f_back
        key = ";".join(reversed(stack))
        self._counts[key] = self._counts.get(key, 0) + 1

    def dump(self, file):
        if len(self._reports) == 1 and not self._counts:
            file.write(self._reports[0])
            return
        counts = dict(self._counts)
        for report in self._reports:
            for labels, hits in _parse(report):
                key = ";".join(labels)
                counts[key] = counts.get(key, 0) + hits
        for key in sorted(counts):
            file.write(f"{key} {counts[key]}\n".encode())


# The profiler ----------------------------------------------------------


class Profiler:
    """Samples this process's threads between start() and stop().

    period (float)
      Seconds between two samples of a thread.
    single (bool)
      Sample only the thread that starts the profiler (default), else
      every thread of the process.
    min_time (float)
      A run shorter than this many seconds stores nothing.
    sampler (Sampler)
      What becomes of the samples; default StackCollapse().
    storer (Storer)
      Where the report goes; default S3(), as pylaprof's.
    mode ("wall" or "cpu")
      wall: every sampled thread at each tick, running or blocked
      ("[idle: …]" leaves say what it waits in); cpu: running threads only.
    idle (bool)
      wall mode: keep the samples of blocked threads.
    lines (bool)
      Python frames with their line: "function (file:line)".

    After stop(): `report` (bytes: the folded report, or None), `stats`
    (a dict of liblaprof's figures of the run: samples, duration,
    per_sample_us…), `error` (None, or the message of what failed, also
    logged to the "laprof" logger) and `location` (where the storer put
    the report, when it says).
    """

    def __init__(self, period=0.01, single=True, min_time=0, sampler=None, storer=None, *,
                 mode="wall", idle=True, lines=False, python=True, command=None):
        self.period = float(period)
        self.single = bool(single)
        self.min_time = float(min_time)
        self.sampler = StackCollapse() if sampler is None else sampler
        self.storer = S3() if storer is None else storer
        self.mode = mode
        self.error = None
        self.stats = {}
        self.report = None
        self.location = None
        self.clean_exit = False
        self._running = False
        self._native = _laprof.Profiler(period=self.period, mode=mode, min_time=self.min_time,
                                        idle=bool(idle), single=self.single,
                                        python=bool(python), lines=bool(lines),
                                        command=command)

    def _fail(self, what, exc):
        self.error = f"{what}: {exc}"
        logger.error("laprof: %s", self.error, exc_info=not isinstance(exc, _laprof.Error))

    def start(self):
        """Starts sampling; never raises (see `error`)."""
        self.error = None
        self.clean_exit = False
        try:
            self._native.start()
            self._running = True
        except Exception as exc:
            self._fail("the profiler could not start", exc)

    def stop(self):
        """Stops sampling, gives the samples to the sampler and its report to the storer.

        Never raises: what fails is logged and kept in `error`.
        """
        if not self._running:
            return
        self._running = False
        try:
            self._native.stop()
        except Exception as exc:
            self._fail("the profiler could not stop", exc)
        try:
            self.stats = self._native.stats()
            self.report = self._native.report()
            if (self.report is None or self.stats.get("disabled") or self.stats.get("too_short")
                    or self.stats.get("duration", 0.0) < self.min_time):
                self.clean_exit = self.error is None
                return
            _feed(self.sampler, self.report)
            file = io.BytesIO()
            self.sampler.dump(file)
            file.seek(0)
            self.storer.store(file)
            self.location = getattr(self.storer, "location", None)
            self.clean_exit = self.error is None
        except Exception as exc:
            self._fail("the report could not be stored", exc)

    def join(self, timeout=None):
        """pylaprof's Profiler is a thread; stop() already waits for the work."""

    def close(self):
        """Stops the profiler if it runs and frees the library's profiler."""
        self.stop()
        try:
            self._native.close()
        except Exception as exc:
            self._fail("the profiler could not be closed", exc)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.stop()
        return False


class profile:
    """Profiles each call of a function:

        @profile(period=0.01, single=True)
        def slow_function():
            ...

    Takes Profiler's arguments; the sampler and storer given are shared by
    every call, as pylaprof's are. The function's result and exceptions are
    its own: the profiler never changes them.
    """

    def __init__(self, period=0.01, single=True, min_time=0, sampler=None, storer=None, **extras):
        # wrong arguments fail here, when the function is decorated, not at its calls
        _laprof.Profiler(period=float(period), mode=extras.get("mode", "wall"),
                         min_time=float(min_time)).close()
        self.period = period
        self.single = single
        self.min_time = min_time
        self.sampler = sampler
        self.storer = storer
        self.extras = extras
        self.last = None  # the Profiler of the last call

    def __call__(self, func):
        @wraps(func)
        def profiler_wrapped(*args, **kwargs):
            try:
                profiler = Profiler(period=self.period, single=self.single,
                                    min_time=self.min_time, sampler=self.sampler,
                                    storer=self.storer, **self.extras)
            except Exception as exc:
                logger.error("laprof: the profiler could not be made: %s", exc)
                return func(*args, **kwargs)
            self.last = profiler
            with profiler:
                return func(*args, **kwargs)

        return profiler_wrapped
