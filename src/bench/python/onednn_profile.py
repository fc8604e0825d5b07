#!/usr/bin/env python3
"""Sums oneDNN's verbose lines (`submit/bench.sh profile`) per kind of primitive.

Reads stdin: oneDNN's `onednn_verbose,exec,...` lines of one training step and the benchmark's
JSON line. Prints one JSON line per (primitive, implementation, propagation) with its calls, total
milliseconds and share of the step, largest first (for convolutions also the rate in GFLOP/s of a
direct convolution's 2·mb·ic·oc·kh·kw·oh·ow operations, so Winograd's rate is an effective one),
then the JSON line of the step itself with the time the primitives account for.
"""
import collections
import json
import re
import sys

groups = collections.defaultdict(lambda: [0, 0.0, 0.0])
step = None
for line in sys.stdin:
    line = line.strip()
    if line.startswith("onednn_verbose,exec,"):
        f = line.split(",")
        # onednn_verbose,exec,cpu,<primitive>,<implementation>,<propagation>,...,<problem>,<ms>
        g = groups[(f[3], f[4], f[5])]
        g[0] += 1
        g[1] += float(f[-1])
        if f[3] == "convolution":
            d = {k: int(v) for k, v in re.findall(r"(mb|ic|oc|kh|kw|oh|ow)(\d+)", f[-2])}
            g[2] += 2.0 * d["mb"] * d["ic"] * d["oc"] * d["kh"] * d["kw"] * d["oh"] * d["ow"]
    elif line.startswith("{"):
        step = json.loads(line)
if step is None:
    sys.exit("no benchmark line on stdin")
total = step["step_seconds"] * 1e3
for (primitive, impl, prop), (calls, ms, flop) in sorted(groups.items(), key=lambda kv: -kv[1][1]):
    row = {"bench": "profile", "primitive": primitive, "implementation": impl, "propagation": prop,
           "calls": calls, "ms": round(ms, 1), "share": round(ms / total, 3)}
    if flop:
        row["gflop_per_s"] = round(flop / ms / 1e6, 1)
    print(json.dumps(row))
step["primitives_ms"] = round(sum(ms for _, ms, _ in groups.values()), 1)
step["step_ms"] = round(total, 1)
del step["step_seconds"]
print(json.dumps(step))
