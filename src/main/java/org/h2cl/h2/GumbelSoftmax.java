package org.h2cl.h2;

import java.util.SplittableRandom;

/**
 * The Gumbel-softmax draw that turns association logits p into π (docs/ALGORITHM.md §5.2): π =
 * softmax((p + G)/τ), G_k = −log(−log U_k), U_k ~ Uniform(0, 1).
 */
public final class GumbelSoftmax {
  private GumbelSoftmax() {}

  /**
   * Draws π from logits {@code p}. A single logit gives [1.0] and draws nothing from {@code rng}
   * (π_2 is always [1.0]).
   *
   * @param p logits, one per earlier task, at least one
   * @param tau temperature, &gt; 0
   * @param rng source of the uniforms; U = 0 (possible with {@code nextDouble}) is redrawn
   */
  public static double[] sample(double[] p, double tau, SplittableRandom rng) {
    checkArguments(p, tau);
    if (p.length == 1) {
      return new double[] {1.0};
    }
    double[] u = new double[p.length];
    for (int k = 0; k < u.length; k++) {
      double x;
      do {
        // nextDouble is in [0, 1); 0 would make G infinite.
        x = rng.nextDouble();
      } while (x == 0.0);
      u[k] = x;
    }
    return apply(p, u, tau);
  }

  /**
   * The deterministic core: softmax((p + G)/τ) with G_k = −log(−log uniforms_k).
   *
   * @param uniforms one per logit, each in (0, 1)
   */
  public static double[] apply(double[] p, double[] uniforms, double tau) {
    checkArguments(p, tau);
    if (uniforms.length != p.length) {
      throw new IllegalArgumentException("need " + p.length + " uniforms, got " + uniforms.length);
    }
    if (p.length == 1) {
      return new double[] {1.0};
    }
    double[] z = new double[p.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < p.length; k++) {
      double u = uniforms[k];
      if (!(u > 0.0 && u < 1.0)) {
        throw new IllegalArgumentException("uniform " + k + " must be in (0, 1), got " + u);
      }
      z[k] = (p[k] - Math.log(-Math.log(u))) / tau;
      max = Math.max(max, z[k]);
    }
    // Subtracting the max keeps exp from overflowing; it cancels in the ratio.
    double sum = 0.0;
    for (int k = 0; k < z.length; k++) {
      z[k] = Math.exp(z[k] - max);
      sum += z[k];
    }
    for (int k = 0; k < z.length; k++) {
      z[k] /= sum;
    }
    return z;
  }

  /**
   * softmax(p/τ) without noise: π of {@code h2.association.deterministic}. A single logit gives
   * [1.0].
   */
  public static double[] softmax(double[] p, double tau) {
    checkArguments(p, tau);
    double[] z = new double[p.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < p.length; k++) {
      z[k] = p[k] / tau;
      max = Math.max(max, z[k]);
    }
    double sum = 0.0;
    for (int k = 0; k < z.length; k++) {
      z[k] = Math.exp(z[k] - max);
      sum += z[k];
    }
    for (int k = 0; k < z.length; k++) {
      z[k] /= sum;
    }
    return z;
  }

  private static void checkArguments(double[] p, double tau) {
    if (p.length == 0) {
      throw new IllegalArgumentException("no logits: task 1 has no earlier task to associate");
    }
    if (!(tau > 0.0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("tau must be positive and finite, got " + tau);
    }
    for (int k = 0; k < p.length; k++) {
      if (!Double.isFinite(p[k])) {
        throw new IllegalArgumentException("logit " + k + " is not finite: " + p[k]);
      }
    }
  }
}
