package org.h2cl.model;

/**
 * What computes a network: the {@link Trunk} that runs stem, blocks and pooling on its parameters,
 * and the {@link MaskedUpdate}s that apply the optimizer's steps to them. One per network, chosen
 * once above this package ({@link org.h2cl.compute.Backends}); this package knows only this
 * interface, and each implementation lives in a package of its own ({@code model.libnd4j}, {@code
 * model.onednn}).
 */
public interface Backend {
  /** {@link Kernels#ONEDNN} or {@link Kernels#LIBND4J}, never {@link Kernels#AUTO}. */
  Kernels kernels();

  /**
   * As the results record it: "libnd4j", or "onednn", oneDNN's version, the instruction set its
   * kernels use and the 3×3 convolutions' algorithm, e.g. "onednn 2.5.2 avx512_core winograd".
   */
  String describe();

  /** The trunk of {@code net}, reading its parameters and writing their gradients in place. */
  Trunk trunk(ResNet18 net);

  /** The masked step of one conv layer's weights. */
  MaskedUpdate convUpdate(ConvLayer layer);

  /** The step of the small unmasked parameters: BN gamma and beta, the heads. */
  MaskedUpdate parameterUpdate();
}
