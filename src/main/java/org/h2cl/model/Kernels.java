package org.h2cl.model;

import java.util.Locale;
import org.h2cl.model.onednn.OneDnn;
import org.h2cl.model.onednn.OneDnnTrunk;
import org.nd4j.linalg.api.buffer.DataType;

/** Which code runs the network's trunk ({@code h2.compute.kernels}). */
public enum Kernels {
  /** oneDNN where it can run (CPU backend, float32, library loaded), libnd4j elsewhere. */
  AUTO,
  /** oneDNN called directly, activations kept in its blocked layout (CPU, float32). */
  ONEDNN,
  /** libnd4j's ops: every backend (cuDNN on CUDA) and float64 for gradient checks. */
  LIBND4J;

  /**
   * The concrete choice for a network of this type on this backend; an explicit ONEDNN that cannot
   * run is an error naming the reason.
   */
  public Kernels resolve(DataType type, int baseWidth) {
    String reason = oneDnnUnusableReason(type, baseWidth);
    return switch (this) {
      case LIBND4J -> LIBND4J;
      case AUTO -> reason == null ? ONEDNN : LIBND4J;
      case ONEDNN -> {
        if (reason != null) {
          throw new IllegalStateException("h2.compute.kernels = onednn cannot run here: " + reason);
        }
        yield ONEDNN;
      }
    };
  }

  /**
   * A resolved choice as the results record it: "libnd4j", or "onednn", oneDNN's version, the
   * instruction set its kernels use and the 3×3 convolutions' algorithm.
   */
  public String describe(ConvAlgorithm algorithm) {
    return switch (this) {
      case LIBND4J -> "libnd4j";
      case ONEDNN ->
          String.join(
              " ",
              "onednn",
              OneDnn.version(),
              OneDnn.isa(),
              algorithm.name().toLowerCase(Locale.ROOT));
      case AUTO -> throw new IllegalStateException("resolve first");
    };
  }

  /** Why oneDNN cannot run a network of this type and width here, or null when it can. */
  public static String oneDnnUnusableReason(DataType type, int baseWidth) {
    if (!Ops.isCpuBackend()) {
      return "ND4J runs on a GPU backend (oneDNN is the CPU path; the GPU uses cuDNN)";
    }
    if (type != DataType.FLOAT) {
      return "oneDNN's kernels are float32 only, the network is " + type;
    }
    return OneDnnTrunk.unusableReason(baseWidth);
  }
}
