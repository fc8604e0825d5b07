#!/usr/bin/env python3
"""Runs a PyTorch peer (torch_step.py or torch_fisher.py) unchanged and adds the process CPU time
(all threads, user + system) its timed section took to the JSON line it prints.

    /usr/bin/python3 with_cpu_time.py torch_step.py --width 64 --batch 128 --steps 5 --threads 2

On a machine shared with other work, wall time swings with the load while CPU time mostly does not;
BENCHMARKS.md compares both. The peers time with time.perf_counter(): each call here still returns
the wall clock, and also records time.process_time(), so the timed intervals are known in both.
"""
import io
import json
import os
import runpy
import statistics
import sys
import time
from contextlib import redirect_stdout

_wall = time.perf_counter
_marks = []
_script = None


def _perf_counter():
    # Only the peer's own calls mark its timed intervals (torch calls perf_counter too).
    caller = sys._getframe(1)
    if caller.f_code.co_filename == _script:
        _marks.append((caller.f_lineno, time.process_time()))
    return _wall()


def main():
    global _script
    script, args = os.path.abspath(sys.argv[1]), sys.argv[2:]
    _script = script
    sys.argv = [script] + args
    sys.path.insert(0, os.path.dirname(script))
    time.perf_counter = _perf_counter
    out = io.StringIO()
    with redirect_stdout(out):
        runpy.run_path(script, run_name="__main__")
    row = json.loads(out.getvalue().strip().splitlines()[-1])
    # A timed interval runs from a call on the line of the first call (t0 = perf_counter()) to the
    # next call, when that one is on another line (the end of the interval).
    start_line = _marks[0][0]
    spans = [b[1] - a[1] for a, b in zip(_marks, _marks[1:])
             if a[0] == start_line and b[0] != start_line]
    if "images_per_s" in row:
        row["cpu_seconds"] = round(spans[-1], 3)
        row["images_per_cpu_s"] = round(row["steps"] * row["batch"] / spans[-1], 3)
    if "seconds" in row:
        timed = spans[len(spans) - row["repeats"]:]
        row["cpu_seconds"] = round(statistics.median(timed), 4)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
