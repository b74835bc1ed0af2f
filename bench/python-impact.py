#!/usr/bin/python3
# python-impact.py: the seed's performance_impact for the Python package `laprof`: a handler's run time with and without the profiler.
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   python-impact.py --server bench/demo-server [--iterations N] [--seconds S]
#                    [--periods 0.01,0.001] [--shape handler|deep] [--rate-seconds 2]
#
# In one process, as pylaprof's benchmark/performance_impact.py: the
# handler runs N times natively and N times under `laprof.Profiler(period=P,
# storer=Null())` for each period, round after round (the order of the
# variants turns at each round), so that the machine's drift falls on all of
# them alike. The impact of a period is the mean and standard deviation of
# (profiled - native) within each round, in seconds and in % of the native
# mean. Shapes:
#   handler  examples/lambda/handler.py with S-second phases: sleep, fixed
#            compute (a counting loop), a request to demo-server (--delay S)
#   deep     mostly CPU at the bottom of a 60-frame recursion (generators,
#            sorted(key=), json), then a 0.05 s sleep: a shape the figures
#            were not tuned on
# Then the sample rate in CPU-bound Python at period 0.001 (samples per
# second of the thread's CPU time and of wall time), and liblaprof's cost
# per sample on its own thread (laprof_stats.per_sample_us, sampler_cpu).
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

import laprof

HERE = os.path.dirname(os.path.abspath(__file__))
HANDLER = os.path.join(os.path.dirname(HERE), "examples", "lambda", "handler.py")


def load_handler(url, seconds):
    os.environ["LAPROF_EXAMPLE_URL"] = url
    os.environ["LAPROF_EXAMPLE_SECONDS"] = str(seconds)
    spec = importlib.util.spec_from_file_location("handler", HANDLER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # handler is decorated with @profile(storer=S3(...)): the function itself
    return module.handler.__wrapped__


def leaf(seed):
    """The deep handler's work: a generator, sorted() calling back, json."""
    squares = sum(x * x for x in range(200))
    order = sorted(range(120), key=lambda v: (v * seed) % 17)
    return squares + len(json.dumps({"order": order, "seed": seed}))


def descend(depth, seed):
    return leaf(seed) if depth == 0 else 1 + descend(depth - 1, seed)


def deep_handler(event, context):
    r = 0
    for i in range(12000):
        r += descend(60, i)
    time.sleep(0.05)
    return {"result": r}


def spin(seconds):
    end = time.thread_time() + seconds
    x = 0
    while time.thread_time() < end:
        for i in range(2000):
            x = (x * 31 + i) & 0xFFFF
    return x


def stats_line(values):
    return f"{statistics.mean(values):.4f} +- {statistics.stdev(values):.4f}"


def main():
    parser = argparse.ArgumentParser(description="laprof's impact on a Python handler (the seed's performance_impact)")
    parser.add_argument("--server", required=True, help="bench/demo-server (the slow HTTP server)")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=0.2, help="each phase of the handler (default 0.2)")
    parser.add_argument("--periods", default="0.01,0.001")
    parser.add_argument("--shape", choices=["handler", "deep"], default="handler")
    parser.add_argument("--rate-seconds", type=float, default=2.0)
    opts = parser.parse_args()
    periods = [float(p) for p in opts.periods.split(",")]

    server = subprocess.Popen([opts.server, "--delay", str(opts.seconds)], stdout=subprocess.PIPE)
    try:
        line = server.stdout.readline().decode()
        if not line.startswith("listening on "):
            print(f"python-impact: demo-server did not start: {line!r}", file=sys.stderr)
            return 1
        url = "http://" + line.split()[-1] + "/"
        if opts.shape == "handler":
            handler = load_handler(url, opts.seconds)
            call = f'handler({{"dummy": "event"}}, {{"dummy": "context"}}) of examples/lambda/handler.py, {opts.seconds} s phases'
        else:
            handler = deep_handler
            call = "deep_handler() (60-frame recursion, sorted(key=), json; 0.05 s sleep)"
        event, context = {"dummy": "event"}, {"dummy": "context"}
        variants = [None] + periods
        durations = {v: [] for v in variants}
        thread_cpu = {v: [] for v in variants}  # the handler's thread: its work plus the signal handler's
        samples = {p: [] for p in periods}
        per_sample = {p: [] for p in periods}
        sampler_cpu = {p: [] for p in periods}
        start_stop = {p: [] for p in periods}  # seconds in Profiler.start() + stop()

        handler(event, context)  # warm up: imports, connections, caches
        print(f"Iterating {opts.iterations} times over {call} w/wo laprof "
              f"(Debian's /usr/bin/python3 {sys.version.split()[0]}, liblaprof, storer Null).\n")
        for i in range(opts.iterations):
            order = variants[i % len(variants):] + variants[:i % len(variants)]
            for period in order:
                if period is None:
                    cpu, start = time.thread_time(), time.perf_counter()
                    handler(event, context)
                    durations[None].append(time.perf_counter() - start)
                    thread_cpu[None].append(time.thread_time() - cpu)
                    continue
                cpu, start = time.thread_time(), time.perf_counter()
                with laprof.Profiler(period=period, storer=laprof.Null()) as profiler:
                    inside = time.perf_counter()
                    handler(event, context)
                    done = time.perf_counter()
                durations[period].append(time.perf_counter() - start)
                start_stop[period].append(inside - start + durations[period][-1] - (done - start))
                thread_cpu[period].append(time.thread_time() - cpu)
                if profiler.error:
                    print(f"python-impact: {profiler.error}", file=sys.stderr)
                    return 1
                samples[period].append(profiler.stats["samples"])
                per_sample[period].append(profiler.stats["per_sample_us"])
                sampler_cpu[period].append(profiler.stats["sampler_cpu"])
    finally:
        server.terminate()
        server.wait()

    native = durations[None]
    print(f"Performance stats for `{call}` (native):\n\t{stats_line(native)} seconds per execution")
    for p in periods:
        print(f"Performance stats (laprof enabled with period {p}):\n\t{stats_line(durations[p])} seconds per execution"
              f"\n\t{statistics.mean(samples[p]):.0f} samples per execution, "
              f"{statistics.mean(per_sample[p]):.1f} µs of the sampler thread's CPU per sample, "
              f"sampler thread {statistics.mean(sampler_cpu[p]) * 1000:.1f} ms CPU per execution"
              f"\n\tProfiler() + start() + stop() (the report made, storer Null): "
              f"{statistics.mean(start_stop[p]) * 1000:.2f} +- {statistics.stdev(start_stop[p]) * 1000:.2f} ms per execution")
    base = statistics.mean(native)
    cpu_base = statistics.mean(thread_cpu[None])
    for p in periods:
        diffs = [a - b for a, b in zip(durations[p], native)]
        m, s = statistics.mean(diffs), statistics.stdev(diffs)
        cpu_diffs = [a - b for a, b in zip(thread_cpu[p], thread_cpu[None])]
        cm, cs = statistics.mean(cpu_diffs), statistics.stdev(cpu_diffs)
        print(f"\nPerformance impact of laprof (period {p}), paired by round:\n"
              f"\t{m:+.4f} +- {s:.4f} seconds per execution ({100 * m / base:+.2f} % +- {100 * s / base:.2f} %), "
              f"median {statistics.median(diffs):+.4f}\n"
              f"\tCPU time of the handler's thread: {cm * 1000:+.2f} +- {cs * 1000:.2f} ms per execution "
              f"({100 * cm / cpu_base:+.2f} % of its {cpu_base * 1000:.1f} ms)")

    # the sample rate in CPU-bound Python at period 0.001
    with laprof.Profiler(period=0.001, storer=laprof.Null()) as profiler:
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        spin(opts.rate_seconds)
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
    st = profiler.stats
    print(f"\nSample rate, CPU-bound Python at period 0.001 for {opts.rate_seconds} s:\n"
          f"\t{st['samples']} samples: {st['samples'] / cpu:.0f} per second of the thread's CPU time, "
          f"{st['samples'] / wall:.0f} per second of wall time (asked: 1000); lost {st['lost']}; "
          f"{st['per_sample_us']:.1f} µs per sample on the sampler thread "
          f"({st['sampler_cpu'] * 1000:.1f} ms CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
