package org.h2cl.h2;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Σ w·∂L/∂w over the weights of each earlier task (docs/ALGORITHM.md §5.2), computed on the device.
 * Earlier tasks' weights are frozen during association, so W ⊙ [owner == k] is built once per phase
 * and each step costs one dot product per layer and task — the same sums as {@link
 * AssociationUpdate#accumulate}, without copying gradients to the JVM.
 */
final class EarlierTaskWeights {
  private final INDArray[][] masked;

  /**
   * @param weights per layer, the current weights
   * @param owner per layer, the owner of each weight (same flat order)
   * @param currentTask t; tasks 1 … t−1 are the earlier ones
   */
  EarlierTaskWeights(INDArray[] weights, byte[][] owner, int currentTask) {
    masked = new INDArray[currentTask - 1][weights.length];
    for (int k = 1; k < currentTask; k++) {
      for (int l = 0; l < weights.length; l++) {
        float[] m = new float[owner[l].length];
        for (int i = 0; i < m.length; i++) {
          m[i] = owner[l][i] == k ? 1f : 0f;
        }
        masked[k - 1][l] = Nd4j.createFromArray(m).reshape(weights[l].shape()).muli(weights[l]);
      }
    }
  }

  /** sums[k−1] = Σ over layers of Σ_{owner == k} w·grad; sums is overwritten. */
  void sums(INDArray[] grads, double[] sums) {
    for (int k = 0; k < masked.length; k++) {
      double s = 0;
      for (int l = 0; l < grads.length; l++) {
        s += Nd4j.getBlasWrapper().dot(masked[k][l], grads[l]);
      }
      sums[k] = s;
    }
  }
}
