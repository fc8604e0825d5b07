package org.h2cl.h2;

import java.util.Arrays;

/** Magnitude pruning of one task's weights in one layer (docs/ALGORITHM.md §4.3). */
public final class Pruner {
  private Pruner() {}

  /**
   * Frees the smallest-magnitude weights that {@code task} owns in one layer.
   *
   * <p>Among the n weights with {@code owner == task}, the cut-off is the k-th smallest |w| with k
   * = round-half-even(ratio·n). Every such weight with |w| ≤ cut-off gets owner 0 and value 0f.
   * Weights equal to the cut-off are all freed, so more than k go when there are ties at the
   * cut-off (as the reference's {@code abs() <= kthvalue} does). k == 0 frees nothing. Weights of
   * other tasks and free weights are not touched.
   *
   * @param weights the layer's weights; freed entries are set to 0f
   * @param owner the layer's owner map, same length; freed entries are set to 0
   * @param task the task whose weights are pruned, 1..127
   * @param ratio fraction of the task's weights to free, in [0, 1]
   * @return how many weights were freed
   * @throws IllegalArgumentException on mismatched lengths, a bad task or ratio, or a NaN owned
   *     weight
   */
  public static int prune(float[] weights, byte[] owner, int task, double ratio) {
    if (weights.length != owner.length) {
      throw new IllegalArgumentException(
          "weights has " + weights.length + " entries but owner has " + owner.length);
    }
    if (task < 1 || task > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("task must be in 1.." + Byte.MAX_VALUE + ", got " + task);
    }
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
    }
    byte t = (byte) task;
    int n = 0;
    for (byte o : owner) {
      if (o == t) {
        n++;
      }
    }
    // §4.3: k = round(0.75·n), Python's round is half-to-even, as is Math.rint.
    int k = (int) Math.rint(ratio * n);
    if (k == 0) {
      return 0;
    }
    float[] magnitudes = new float[n];
    int j = 0;
    for (int i = 0; i < weights.length; i++) {
      if (owner[i] == t) {
        float w = weights[i];
        if (Float.isNaN(w)) {
          throw new IllegalArgumentException("weight " + i + " of task " + task + " is NaN");
        }
        magnitudes[j++] = Math.abs(w);
      }
    }
    float cutoff = kthSmallest(magnitudes, k - 1);
    int freed = 0;
    for (int i = 0; i < weights.length; i++) {
      if (owner[i] == t && Math.abs(weights[i]) <= cutoff) {
        owner[i] = 0;
        weights[i] = 0f;
        freed++;
      }
    }
    return freed;
  }

  /**
   * The value that would sit at 0-based {@code index} if {@code a} were sorted ascending. Reorders
   * {@code a}. Quickselect (median of three, Hoare partition, so runs of equal values split
   * evenly); falls back to sorting the remaining range if partitioning degenerates. No NaNs
   * allowed.
   */
  static float kthSmallest(float[] a, int index) {
    if (index < 0 || index >= a.length) {
      throw new IllegalArgumentException("index " + index + " outside 0.." + (a.length - 1));
    }
    int lo = 0;
    int hi = a.length - 1;
    // About 2·log2(n) rounds on reasonable data; beyond that, stop gambling and sort.
    int budget = 2 * (32 - Integer.numberOfLeadingZeros(a.length)) + 8;
    while (hi - lo > 16) {
      if (budget-- == 0) {
        Arrays.sort(a, lo, hi + 1);
        return a[index];
      }
      int mid = (lo + hi) >>> 1;
      if (a[mid] < a[lo]) {
        swap(a, mid, lo);
      }
      if (a[hi] < a[lo]) {
        swap(a, hi, lo);
      }
      if (a[hi] < a[mid]) {
        swap(a, hi, mid);
      }
      float pivot = a[mid];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      // Now a[lo..j] <= pivot, a[i..hi] >= pivot, and everything strictly between equals pivot.
      if (index <= j) {
        hi = j;
      } else if (index >= i) {
        lo = i;
      } else {
        return pivot;
      }
    }
    // Small range: insertion sort.
    for (int i = lo + 1; i <= hi; i++) {
      float v = a[i];
      int j = i - 1;
      while (j >= lo && a[j] > v) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
    return a[index];
  }

  private static void swap(float[] a, int i, int j) {
    float x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
}
