package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GumbelSoftmaxTest {
  // U = e^−1 gives G = −log(−log U) = −log 1 = 0; U = exp(−e^−1) gives G = −log(e^−1) = 1.
  private static final double G0 = Math.exp(-1);
  private static final double G1 = Math.exp(-Math.exp(-1));

  @Test
  void handValues() {
    // p = [1, 0] with noise [0, 1]: z = [1, 1] → [0.5, 0.5].
    assertArrayEquals(
        new double[] {0.5, 0.5},
        GumbelSoftmax.apply(new double[] {1, 0}, new double[] {G0, G1}, 1),
        1e-12);
    // No noise, τ = 0.5: z = [2 ln 2, 0] → [4, 1]/5.
    assertArrayEquals(
        new double[] {0.8, 0.2},
        GumbelSoftmax.apply(new double[] {Math.log(2), 0}, new double[] {G0, G0}, 0.5),
        1e-12);
    // Three tasks: [1, 3, 1]/5.
    assertArrayEquals(
        new double[] {0.2, 0.6, 0.2},
        GumbelSoftmax.apply(new double[] {0, Math.log(3), 0}, new double[] {G0, G0, G0}, 1),
        1e-12);
  }

  /** h2.association.deterministic: softmax(p/τ) by hand, no draw. */
  @Test
  void softmaxWithoutNoise() {
    // p = [ln 3, 0], τ = 1: e^p = [3, 1] → [0.75, 0.25]; τ = 2 halves the logits: [√3, 1]/(√3+1).
    assertArrayEquals(
        new double[] {0.75, 0.25},
        GumbelSoftmax.softmax(new double[] {Math.log(3), 0}, 1.0),
        1e-15);
    double r = Math.sqrt(3);
    assertArrayEquals(
        new double[] {r / (r + 1), 1 / (r + 1)},
        GumbelSoftmax.softmax(new double[] {Math.log(3), 0}, 2.0),
        1e-15);
    assertArrayEquals(new double[] {1.0}, GumbelSoftmax.softmax(new double[] {0.3}, 1.0));
    assertArrayEquals(
        new double[] {0.5, 0.5}, GumbelSoftmax.softmax(new double[] {1000, 1000}, 0.5));
  }

  @Test
  void stableForLargeLogits() {
    double[] pi = GumbelSoftmax.apply(new double[] {1000, 0}, new double[] {G0, G0}, 1);
    assertArrayEquals(new double[] {1.0, 0.0}, pi, 1e-300);
  }

  @Test
  void oneTaskIsAlwaysOne() {
    assertArrayEquals(
        new double[] {1.0}, GumbelSoftmax.apply(new double[] {-5}, new double[] {0.3}, 1));
    assertArrayEquals(
        new double[] {1.0}, GumbelSoftmax.sample(new double[] {42}, 1, new SplittableRandom(1)));
  }

  @Test
  void samplesSumToOneAndReplayFromTheSeed() {
    double[] p = {1.0, 0.7, 1.3, 0.2};
    double[] a = GumbelSoftmax.sample(p, 1, new SplittableRandom(123));
    double[] b = GumbelSoftmax.sample(p, 1, new SplittableRandom(123));
    assertArrayEquals(a, b, 0.0);
    double sum = 0;
    for (double x : a) {
      assertTrue(x > 0 && x < 1, "π entry " + x);
      sum += x;
    }
    assertEquals(1.0, sum, 1e-12);
    // The draw equals apply() on the same uniforms.
    SplittableRandom rng = new SplittableRandom(123);
    double[] u = new double[p.length];
    for (int k = 0; k < u.length; k++) {
      u[k] = rng.nextDouble();
    }
    assertArrayEquals(GumbelSoftmax.apply(p, u, 1), a, 0.0);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(
        IllegalArgumentException.class, () -> GumbelSoftmax.apply(new double[0], new double[0], 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> GumbelSoftmax.apply(new double[] {1, 2}, new double[] {0.0, 0.5}, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> GumbelSoftmax.apply(new double[] {1, 2}, new double[] {0.5}, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> GumbelSoftmax.apply(new double[] {1, 2}, new double[] {0.5, 0.5}, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> GumbelSoftmax.sample(new double[] {1, Double.NaN}, 1, new SplittableRandom(1)));
  }
}
