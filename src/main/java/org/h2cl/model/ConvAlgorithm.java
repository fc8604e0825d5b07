package org.h2cl.model;

/**
 * How oneDNN computes the 3×3 stride-1 convolutions ({@code h2.compute.conv-algorithm}); the other
 * convolutions are always direct. Winograd F(4×4, 3×3) does ~2.5× fewer multiplications for the
 * same result up to float32 rounding; libnd4j's kernels choose for themselves.
 */
public enum ConvAlgorithm {
  WINOGRAD,
  DIRECT
}
