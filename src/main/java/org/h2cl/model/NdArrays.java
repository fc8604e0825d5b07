package org.h2cl.model;

import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What the compute packages ask of ND4J itself: where arrays live and how they are laid out. */
public final class NdArrays {
  private NdArrays() {}

  /** True on ND4J's CPU backend, where arrays live in host memory (false on CUDA). */
  public static boolean cpuBackend() {
    return Nd4j.getBackend().getClass().getSimpleName().toLowerCase(Locale.ROOT).contains("cpu");
  }

  /**
   * c-order strides for every dimension longer than 1 (unit dimensions may carry any stride): the
   * elements lie one after another in row-major order, as kernels that take a bare buffer need.
   */
  public static boolean denseRowMajor(INDArray a) {
    long expected = 1;
    for (int d = a.rank() - 1; d >= 0; d--) {
      if (a.size(d) > 1 && a.stride(d) != expected) {
        return false;
      }
      expected *= a.size(d);
    }
    return true;
  }
}
