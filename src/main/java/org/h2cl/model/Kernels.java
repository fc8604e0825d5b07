package org.h2cl.model;

/**
 * Which code computes the network ({@code h2.compute.kernels}); {@link org.h2cl.compute.Backends}
 * turns the choice into a {@link Backend}.
 */
public enum Kernels {
  /** oneDNN where it can run (CPU backend, float32, base width, library loaded), else libnd4j. */
  AUTO,
  /** oneDNN called directly, activations kept in its blocked layout (CPU, float32). */
  ONEDNN,
  /** libnd4j's ops: every backend (cuDNN on CUDA) and float64 for gradient checks. */
  LIBND4J
}
