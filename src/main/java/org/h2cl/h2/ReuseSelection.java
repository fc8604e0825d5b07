package org.h2cl.h2;

/**
 * Fisher-based selection of earlier tasks' weights while task t trains (docs/ALGORITHM.md §5.3):
 * the Fisher spread σ, the per-epoch reuse counters, and which earlier weights are switched off in
 * an epoch or reused after training.
 *
 * <p>Layers are indexed alike in every argument: {@code fisher[l][i]} belongs to the weight whose
 * owner is {@code owner[l][i]}.
 */
public final class ReuseSelection {
  private ReuseSelection() {}

  /**
   * Unbiased standard deviation (divisor N − 1) of all entries of all layers together, two-pass in
   * double.
   *
   * @throws IllegalArgumentException if there are fewer than two entries
   */
  public static double fisherStd(float[][] fisher) {
    long n = 0;
    double sum = 0.0;
    for (float[] layer : fisher) {
      n += layer.length;
      for (float f : layer) {
        sum += f;
      }
    }
    if (n < 2) {
      throw new IllegalArgumentException("a standard deviation needs two entries, got " + n);
    }
    double mean = sum / n;
    // Second pass over deviations: the one-pass Σf² − n·mean² cancels badly for F ≈ 1e-8.
    double squares = 0.0;
    for (float[] layer : fisher) {
      for (float f : layer) {
        double d = f - mean;
        squares += d * d;
      }
    }
    return Math.sqrt(squares / (n - 1));
  }

  /**
   * One epoch's counting: every weight with 0 &lt; owner &lt; currentTask whose π-scaled Fisher
   * value F·π[owner − 1], divided by {@code std}, exceeds {@code threshold} gets its counter raised
   * by one. σ is the spread of the unscaled F (§5.3 takes it before the π scaling), hence a
   * parameter.
   *
   * @param fisher F per weight, per layer
   * @param owner owner map, per layer
   * @param currentTask the task being trained, t ≥ 2
   * @param pi π_t, at least t − 1 entries
   * @param threshold 0.01 in the paper's setting
   * @param std {@link #fisherStd} of the same {@code fisher}
   * @param counters reuse_t, per layer; incremented in place
   * @throws IllegalStateException if a counter would pass {@link Short#MAX_VALUE}
   */
  public static void count(
      float[][] fisher,
      byte[][] owner,
      int currentTask,
      double[] pi,
      double threshold,
      double std,
      short[][] counters) {
    if (fisher.length != owner.length || counters.length != owner.length) {
      throw new IllegalArgumentException(
          "layer counts differ: fisher "
              + fisher.length
              + ", owner "
              + owner.length
              + ", counters "
              + counters.length);
    }
    if (currentTask < 2) {
      throw new IllegalArgumentException("selection needs a task >= 2, got " + currentTask);
    }
    if (pi.length < currentTask - 1) {
      throw new IllegalArgumentException(
          "pi needs "
              + (currentTask - 1)
              + " entries for task "
              + currentTask
              + ", has "
              + pi.length);
    }
    for (int l = 0; l < owner.length; l++) {
      float[] f = fisher[l];
      byte[] o = owner[l];
      short[] c = counters[l];
      if (f.length != o.length || c.length != o.length) {
        throw new IllegalArgumentException(
            "layer "
                + l
                + ": fisher "
                + f.length
                + ", owner "
                + o.length
                + ", counters "
                + c.length);
      }
      for (int i = 0; i < o.length; i++) {
        int k = o[i];
        if (k > 0 && k < currentTask && f[i] * pi[k - 1] / std > threshold) {
          if (c[i] == Short.MAX_VALUE) {
            throw new IllegalStateException(
                "reuse counter of layer " + l + " weight " + i + " overflows");
          }
          c[i]++;
        }
      }
    }
  }

  /**
   * Whether an earlier task's weight with reuse counter {@code counter} is switched off (counts as
   * zero) in training epoch {@code epoch} (0-based), §5.3: for epoch &lt; S when counter ≤ epoch/D,
   * for epoch &gt; S when counter ≤ S/D; at epoch == S exactly nothing is switched off (the
   * reference's off-by-one), unless {@code switchOffAtS}, which applies counter ≤ S/D there too.
   *
   * @param s selection length S = 0.9·E, possibly fractional
   * @param divisor the counter divisor D, &gt; 0
   */
  public static boolean switchedOff(
      int counter, int epoch, double s, int divisor, boolean switchOffAtS) {
    return counter <= switchOffBound(epoch, s, divisor, switchOffAtS);
  }

  /**
   * Whether a weight with final reuse counter {@code counter} is reused by the task: counter &gt;
   * S/D (§3).
   */
  public static boolean reused(int counter, double s, int divisor) {
    return counter > reuseBound(s, divisor);
  }

  /**
   * The bound b of epoch {@code epoch}: a weight is switched off iff counter ≤ b. Negative infinity
   * when nothing is switched off. Hoisted out of per-weight loops.
   */
  static double switchOffBound(int epoch, double s, int divisor, boolean switchOffAtS) {
    checkSelection(s, divisor);
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    if (epoch < s) {
      return (double) epoch / divisor;
    }
    if (epoch > s || switchOffAtS) {
      return s / divisor;
    }
    // epoch == S: the reference's `if e < S ... elif e > S` leaves this epoch with every weight on.
    return Double.NEGATIVE_INFINITY;
  }

  /** S/D: a weight is reused iff its counter exceeds it. */
  static double reuseBound(double s, int divisor) {
    checkSelection(s, divisor);
    return s / divisor;
  }

  static void checkSelection(double s, int divisor) {
    if (!(s >= 0.0) || Double.isInfinite(s)) {
      throw new IllegalArgumentException("selection length S must be finite and >= 0, got " + s);
    }
    if (divisor <= 0) {
      throw new IllegalArgumentException("counter divisor D must be > 0, got " + divisor);
    }
  }
}
