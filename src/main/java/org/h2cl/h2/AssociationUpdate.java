package org.h2cl.h2;

/**
 * The task-association update of docs/ALGORITHM.md §5.2: per earlier task k, g_k = Σ w·∂L/∂w over
 * the weights task k owns, and p_k ← p_k − lr·g_k.
 *
 * <p>Per optimizer step the caller zeroes {@code sums}, calls {@link #accumulate} once per maskable
 * layer, then {@link #step}.
 */
public final class AssociationUpdate {
  private AssociationUpdate() {}

  /**
   * Adds w·grad of every weight with 0 &lt; owner &lt; currentTask to {@code sums[owner − 1]}, in
   * double. Free weights and the current task's own weights add nothing.
   *
   * @param w one layer's weights
   * @param grad ∂L/∂w for the same layer
   * @param owner the layer's owner map
   * @param currentTask the task being associated, ≥ 2
   * @param sums per earlier task, at least currentTask − 1 entries; added to, not cleared
   */
  public static void accumulate(
      float[] w, float[] grad, byte[] owner, int currentTask, double[] sums) {
    if (w.length != grad.length || w.length != owner.length) {
      throw new IllegalArgumentException(
          "lengths differ: w " + w.length + ", grad " + grad.length + ", owner " + owner.length);
    }
    if (currentTask < 2 || currentTask > Byte.MAX_VALUE) {
      throw new IllegalArgumentException(
          "association needs a task in 2.." + Byte.MAX_VALUE + ", got " + currentTask);
    }
    if (sums.length < currentTask - 1) {
      throw new IllegalArgumentException(
          "sums needs "
              + (currentTask - 1)
              + " entries for task "
              + currentTask
              + ", has "
              + sums.length);
    }
    // One bin per owner value, free and own weights included, so the loop has no branch (2.5x
    // faster on shuffled owners). The product of two floats is exact in double; only the sums
    // round.
    double[] bins = new double[256];
    for (int i = 0; i < owner.length; i++) {
      bins[owner[i] & 0xFF] += (double) w[i] * grad[i];
    }
    for (int k = 1; k < currentTask; k++) {
      sums[k - 1] += bins[k];
    }
  }

  /**
   * p_k ← p_k − logitLr·sums_k for every k (§5.2). A positive sum means task k's weights hurt the
   * new task, so its logit falls. Does not clear {@code sums}.
   */
  public static void step(double[] p, double[] sums, double logitLr) {
    if (sums.length < p.length) {
      throw new IllegalArgumentException("sums has " + sums.length + " entries, p has " + p.length);
    }
    for (int k = 0; k < p.length; k++) {
      p[k] -= logitLr * sums[k];
    }
  }
}
