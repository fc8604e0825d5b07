/**
 * Benchmarks run on demand by {@code submit/bench.sh}; not tests and not part of a training run.
 *
 * <p>Each benchmark prints one JSON line per measurement with {@code bench}, the shape parameters
 * ({@code width}, {@code batch}, {@code threads}) and its figure ({@code images_per_s}, {@code
 * seconds}, {@code bytes} or {@code efficiency}), the format of the PyTorch peers under {@code
 * src/bench/python/}. {@link org.h2cl.bench.GpuCheck} is {@code submit/gpu-check.sh}: one H² step
 * on every GPU against the CPU. Nothing in the product calls into this package.
 */
package org.h2cl.bench;
