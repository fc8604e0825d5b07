#!/usr/bin/env python3
"""The PyTorch H^2 training step (torch_step.py) and Fisher estimate (torch_fisher.py) on a CUDA GPU,
for the GPU estimate in BENCHMARKS.md: float32 weights, PyTorch's defaults (cuDNN, TF32 convolutions
on Ampere and later), eager mode. Each figure is the mean of 50 steps (5 estimates) after 3 warm-ups.

    python3 src/bench/python/torch_gpu.py

Prints one JSON line.
"""
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_step import ResNet18


def timed(fn, n):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) / n


def main():
    dev = "cuda"
    torch.manual_seed(0)
    model = ResNet18(64).to(dev)
    convs = [m.weight for m in model.modules() if isinstance(m, nn.Conv2d)]
    owner = [torch.rand_like(w) for w in convs]
    trainable = [(o >= 0.85).float() for o in owner]
    keep = [((o < 0.75) | (o >= 0.85)).float() for o in owner]
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step(x, y):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        with torch.no_grad():
            for w, t in zip(convs, trainable):
                w.grad.mul_(t)
        opt.step()
        with torch.no_grad():
            for w, k in zip(convs, keep):
                w.mul_(k)

    out = {"device": torch.cuda.get_device_name(), "torch": torch.__version__,
           "tf32_conv": torch.backends.cudnn.allow_tf32}
    for batch in (128, 32):
        x = torch.randn(batch, 3, 32, 32, device=dev)
        y = torch.randint(0, 2, (batch,), device=dev)
        model.train()
        out[f"train_step_b{batch}_images_per_s"] = round(batch / timed(lambda: step(x, y), 50), 1)

    model.eval()
    images = torch.rand(30, 1, 3, 32, 32, device=dev)
    labels = torch.randint(0, 2, (30, 1), device=dev)
    fisher = [torch.zeros_like(w) for w in convs]

    def estimate():
        for i in range(30):
            model.zero_grad()
            F.cross_entropy(model(images[i]), labels[i]).backward()
            with torch.no_grad():
                for f, w in zip(fisher, convs):
                    f.addcmul_(w.grad, w.grad)

    out["fisher_30_seconds"] = round(timed(estimate, 5), 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
