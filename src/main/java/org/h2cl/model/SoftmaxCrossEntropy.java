package org.h2cl.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mean softmax cross-entropy (PyTorch's CrossEntropyLoss) over a batch of logits with few classes;
 * small enough ([n, 2]) to compute on the JVM side.
 */
public final class SoftmaxCrossEntropy {
  private SoftmaxCrossEntropy() {}

  /** Loss sum and number of correct predictions of a batch. */
  public record Stats(double lossSum, int correct) {}

  /**
   * Writes dL/dlogits of the batch-mean loss into gradLogits (same shape as logits) and returns the
   * summed loss and the correct count.
   */
  public static Stats lossAndGradient(INDArray logits, int[] labels, INDArray gradLogits) {
    int n = (int) logits.size(0);
    int c = (int) logits.size(1);
    double[] z = logits.data().asDouble();
    double[] g = new double[n * c];
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int off = i * c;
      double max = z[off];
      int arg = 0;
      for (int j = 1; j < c; j++) {
        if (z[off + j] > max) {
          max = z[off + j];
          arg = j;
        }
      }
      double sum = 0;
      for (int j = 0; j < c; j++) {
        sum += Math.exp(z[off + j] - max);
      }
      double logSum = Math.log(sum) + max;
      loss += logSum - z[off + labels[i]];
      if (arg == labels[i]) {
        correct++;
      }
      for (int j = 0; j < c; j++) {
        double p = Math.exp(z[off + j] - logSum);
        g[off + j] = (p - (j == labels[i] ? 1 : 0)) / n;
      }
    }
    gradLogits.assign(Nd4j.createFromArray(g).reshape(n, c));
    return new Stats(loss, correct);
  }

  /** Number of rows whose largest logit is the label. */
  public static int correct(INDArray logits, int[] labels) {
    int n = (int) logits.size(0);
    int c = (int) logits.size(1);
    double[] z = logits.data().asDouble();
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int arg = 0;
      for (int j = 1; j < c; j++) {
        if (z[i * c + j] > z[i * c + arg]) {
          arg = j;
        }
      }
      if (arg == labels[i]) {
        correct++;
      }
    }
    return correct;
  }
}
