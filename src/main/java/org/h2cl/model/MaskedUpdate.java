package org.h2cl.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One heavy-ball SGD step of a parameter array where a mask lets it move (PyTorch's SGD with
 * momentum, no dampening): v ← μ·v + g·t; w ← w − lr·v; then eff ← w·a when eff is given. A weight
 * with t = 0 and v = 0 keeps its value bit for bit, which zero forgetting rests on. One
 * implementation per backend ({@link Backend#convUpdate}, {@link Backend#parameterUpdate}).
 */
public interface MaskedUpdate {
  /**
   * Every array has w's length and is dense; t (trainable) and a (active) may be null for all ones,
   * eff null for none; g is read, never written.
   */
  void step(
      INDArray w,
      INDArray g,
      INDArray t,
      INDArray v,
      double lr,
      double mu,
      INDArray eff,
      INDArray a);
}
