package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.h2cl.model.SoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Fisher estimate of §5.3 on cases worked out by hand. */
class FisherInformationTest {

  @Test
  void isTheMeanOfTheSquaredPerSampleGradients() {
    // Two layers; samples 4 and 9 give the gradients below, sample 2 is never asked for.
    double[][][] perSample = new double[10][][];
    perSample[4] = new double[][] {{1, -2}, {3}};
    perSample[9] = new double[][] {{3, 1}, {-1}};
    INDArray[] grads = {Nd4j.zeros(DataType.FLOAT, 2), Nd4j.zeros(DataType.FLOAT, 1)};
    List<Integer> asked = new ArrayList<>();
    float[][] f =
        FisherInformation.estimate(
            new int[] {4, 9},
            sample -> {
              asked.add(sample);
              for (int l = 0; l < grads.length; l++) {
                grads[l].assign(Nd4j.createFromArray(perSample[sample][l]).castTo(DataType.FLOAT));
              }
            },
            grads);
    assertEquals(List.of(4, 9), asked, "each sample once, in the order drawn");
    // ((1² + 3²) / 2, ((−2)² + 1²) / 2) and ((3² + (−1)²) / 2).
    assertArrayEquals(new float[] {5f, 2.5f}, f[0]);
    assertArrayEquals(new float[] {5f}, f[1]);
  }

  /**
   * Logistic regression, where ∂NLL/∂w has a closed form: logits z = W·x, p = softmax(z), and
   * ∂NLL/∂W[c][j] = (p_c − [c = y])·x_j. F is the mean of its square over the samples.
   */
  @Test
  void matchesTheClosedFormOfASoftmaxClassifier() {
    double[][] w = {{0.5, -1.0, 0.25}, {-0.3, 0.8, 0.1}};
    double[][] x = {{1.0, 2.0, -1.0}, {0.5, -0.5, 2.0}, {-1.5, 0.3, 0.7}};
    int[] y = {0, 1, 1};
    INDArray weight = Nd4j.createFromArray(w).castTo(DataType.FLOAT);
    INDArray grad = Nd4j.zeros(DataType.FLOAT, 2, 3);
    float[][] f =
        FisherInformation.estimate(
            new int[] {0, 1, 2},
            i -> {
              INDArray xi = Nd4j.createFromArray(x[i]).castTo(DataType.FLOAT).reshape(1, 3);
              INDArray z = xi.mmul(weight.transpose());
              INDArray dz = Nd4j.zeros(DataType.FLOAT, 1, 2);
              SoftmaxCrossEntropy.lossAndGradient(z, new int[] {y[i]}, dz);
              grad.assign(dz.transpose().mmul(xi));
            },
            new INDArray[] {grad});

    double[] expected = new double[6];
    for (int i = 0; i < x.length; i++) {
      double z0 = dot(w[0], x[i]);
      double z1 = dot(w[1], x[i]);
      double p1 = 1 / (1 + Math.exp(z0 - z1));
      double[] p = {1 - p1, p1};
      for (int c = 0; c < 2; c++) {
        for (int j = 0; j < 3; j++) {
          double g = (p[c] - (c == y[i] ? 1 : 0)) * x[i][j];
          expected[c * 3 + j] += g * g / x.length;
        }
      }
    }
    for (int k = 0; k < 6; k++) {
      assertEquals(expected[k], f[0][k], 1e-6, "weight " + k);
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
