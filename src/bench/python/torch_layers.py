#!/usr/bin/env python3
"""PyTorch peer of `submit/bench.sh layer_profile`: per conv layer of the CIFAR ResNet-18, the median
time of the ops a training step runs at that layer's shapes (conv forward and backward, BatchNorm
forward and backward in training mode, ReLU forward and backward, the weight mask and SGD passes).

    /usr/bin/python3 src/bench/python/torch_layers.py --width 64 --batch 128 --threads 2

Prints one JSON line per layer and op, with the keys of the Java benchmark.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

aten = torch.ops.aten


def layers(width):
    """(name, in, out, k, stride, input hw) in the Java network's order."""
    out = [("stem", 3, width, 3, 1, 32)]
    cin, hw = width, 32
    for stage in range(4):
        cout = width << stage
        for b in range(2):
            stride = 2 if (stage > 0 and b == 0) else 1
            name = f"layer{stage + 1}.{b}"
            out.append((name + ".conv1", cin, cout, 3, stride, hw))
            out.append((name + ".conv2", cout, cout, 3, 1, (hw - 1) // stride + 1))
            if stride != 1 or cin != cout:
                out.append((name + ".shortcut", cin, cout, 1, stride, hw))
            hw = (hw - 1) // stride + 1
            cin = cout
    return out


def timed(fn, repeats):
    fn()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--layer", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for i, (name, cin, cout, k, stride, hw) in enumerate(layers(a.width)):
        if a.layer and a.layer != name:
            continue
        pad = k // 2
        hout = (hw + 2 * pad - k) // stride + 1
        x = torch.rand(a.batch, cin, hw, hw)
        w = torch.rand(cout, cin, k, k) - 0.5
        gy = torch.rand(a.batch, cout, hout, hout) - 0.5
        mask = (torch.rand_like(w) > 0.5).float()
        v = torch.zeros_like(w)
        gamma, beta = torch.ones(cout), torch.zeros(cout)
        rm, rv = torch.zeros(cout), torch.ones(cout)
        y = F.conv2d(x, w, None, stride, pad)
        bn_out, save_mean, save_invstd = aten.native_batch_norm(y, gamma, beta, rm, rv, True, 0.1, 1e-5)
        need_gx = i != 0
        ops = {
            "conv_fwd": lambda: F.conv2d(x, w, None, stride, pad),
            "conv_bwd": lambda: aten.convolution_backward(
                gy, x, w, None, [stride, stride], [pad, pad], [1, 1], False, [0, 0], 1,
                [need_gx, True, False]),
            "bn_fwd": lambda: aten.native_batch_norm(y, gamma, beta, rm, rv, True, 0.1, 1e-5),
            "bn_bwd": lambda: aten.native_batch_norm_backward(
                gy, y, gamma, rm, rv, save_mean, save_invstd, True, 1e-5, [True, True, True]),
            "relu_fwd_bwd": lambda: aten.threshold_backward(gy, bn_out.relu_(), 0),
            "weight_mask_sgd": lambda: (w.grad_fn, v.mul_(0.9).add_(mask * w), w.add_(v, alpha=-0.01),
                                        w.mul_(mask)),
        }
        for op, fn in ops.items():
            print(json.dumps({"bench": "layer_profile", "impl": "pytorch", "layer": name, "op": op,
                              "in": cin, "out": cout, "k": k, "stride": stride, "hw": hw,
                              "batch": a.batch, "threads": torch.get_num_threads(),
                              "ms": round(timed(fn, a.repeats), 2)}))


if __name__ == "__main__":
    main()
