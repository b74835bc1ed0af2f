#!/usr/bin/python3
# handler.py: the seed's example made real: a Lambda-style handler profiled from inside by the laprof package.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# It sleeps, computes, and calls a slow HTTP server, each for about
# LAPROF_EXAMPLE_SECONDS (default 3), under @profile, which stores the
# report on S3 through laprof's own S3 storer (no boto3). Run as a script,
# it calls the handler once and prints its result. See README.md.
#
#   LAPROF_EXAMPLE_URL     the slow server (default http://127.0.0.1:8080/)
#   LAPROF_EXAMPLE_BUCKET  the reports' bucket (default pylaprof)
#   LAPROF_EXAMPLE_KEY     the report's key (default: a random one per call)
#   AWS_*                  credentials, region and endpoint, as the AWS CLI reads them
#   LAPROF_DISABLE=1       run without the profiler
import json
import os
import time
import urllib.request

from laprof import S3, profile

SECONDS = float(os.environ.get("LAPROF_EXAMPLE_SECONDS", "3"))
URL = os.environ.get("LAPROF_EXAMPLE_URL", "http://127.0.0.1:8080/")
BUCKET = os.environ.get("LAPROF_EXAMPLE_BUCKET", "pylaprof")
KEY = os.environ.get("LAPROF_EXAMPLE_KEY")

# about as many loop turns as CPython 3.11 makes in a second (on the AMD EPYC of the benchmarks):
# the compute phase is a fixed amount of work, so that a profiler's cost shows
TURNS_PER_SECOND = 40_000_000


@profile(storer=S3(bucket=BUCKET, key=(lambda: KEY) if KEY else None))
def handler(event, context):
    sleepy_task()
    cpu_intens_task()
    io_task()
    return {"some processed": "data"}


def sleepy_task():
    time.sleep(SECONDS)


def cpu_intens_task():
    i = 0
    turns = int(SECONDS * TURNS_PER_SECOND)
    while i < turns:
        i += 1
    return i


def io_task():
    # the server answers at once with its headers, and the body after its delay
    with urllib.request.urlopen(URL, timeout=60) as answer:
        return len(answer.read())


if __name__ == "__main__":
    print(json.dumps(handler({"dummy": "event"}, {"dummy": "context"})))
