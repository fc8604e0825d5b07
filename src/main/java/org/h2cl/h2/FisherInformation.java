package org.h2cl.h2;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The diagonal Fisher information of §5.3 (docs/ALGORITHM.md): per maskable weight, F = mean over
 * the samples of (∂NLL/∂w)², each sample's gradient computed alone.
 */
final class FisherInformation {
  private FisherInformation() {}

  /** One sample's backward pass: afterwards the gradient arrays hold ∂NLL/∂w of that sample. */
  interface SampleGradient {
    void compute(int sample);
  }

  /**
   * F over {@code samples}, one flat array per layer of {@code grads}.
   *
   * @param grads the arrays {@link SampleGradient#compute} fills, one per layer; overwritten
   */
  static float[][] estimate(int[] samples, SampleGradient gradient, INDArray[] grads) {
    INDArray[] sum = new INDArray[grads.length];
    for (int l = 0; l < sum.length; l++) {
      sum[l] = Nd4j.zeros(grads[l].dataType(), grads[l].shape());
    }
    for (int sample : samples) {
      gradient.compute(sample);
      for (int l = 0; l < sum.length; l++) {
        INDArray g = grads[l];
        g.muli(g);
        sum[l].addi(g);
      }
    }
    float[][] fisher = new float[sum.length][];
    for (int l = 0; l < sum.length; l++) {
      fisher[l] = sum[l].divi(samples.length).data().asFloat();
    }
    return fisher;
  }
}
