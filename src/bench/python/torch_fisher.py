#!/usr/bin/env python3
"""PyTorch peer of `submit/bench.sh fisher`: one H^2 Fisher estimate (docs/ALGORITHM.md §5.3) — N single-image
forward/backward passes with BatchNorm in inference mode, each conv weight's squared gradient added to
a running sum — on the ResNet-18 of torch_step.py (a verbatim copy of /work/shared/bench/torch_step.py)
in the same ownership state (75 % earlier tasks, 10 % free and held at zero).

    /usr/bin/python3 src/bench/python/torch_fisher.py --width 64 --samples 30 --threads 2

Prints one JSON line: {"bench": "fisher", "impl": "pytorch", "seconds": ..., ...}; seconds is the
median over --repeats estimates after --warmup.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_step import ResNet18


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = ResNet18(a.width)
    convs = [m.weight for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        for w in convs:
            o = torch.rand_like(w)
            w.mul_(((o < 0.75) | (o >= 0.85)).float())  # free weights are zero
    model.eval()  # BN on running statistics, as the reference's Fisher pass
    images = torch.rand(a.samples, 1, 3, 32, 32)  # raw pixels in [0, 1]
    labels = torch.randint(0, 2, (a.samples, 1))
    fisher = [torch.zeros_like(w) for w in convs]

    def estimate():
        for f in fisher:
            f.zero_()
        for i in range(a.samples):
            model.zero_grad()
            F.cross_entropy(model(images[i]), labels[i]).backward()
            with torch.no_grad():
                for f, w in zip(fisher, convs):
                    f.addcmul_(w.grad, w.grad)

    seconds = []
    for r in range(a.warmup + a.repeats):
        t0 = time.perf_counter()
        estimate()
        if r >= a.warmup:
            seconds.append(time.perf_counter() - t0)
    print(json.dumps({"bench": "fisher", "impl": "pytorch", "torch": torch.__version__, "width": a.width,
                      "batch": 1, "threads": torch.get_num_threads(), "samples": a.samples,
                      "repeats": a.repeats, "seconds": round(statistics.median(seconds), 4)}))


if __name__ == "__main__":
    main()
