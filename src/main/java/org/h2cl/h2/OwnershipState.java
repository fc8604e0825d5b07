package org.h2cl.h2;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A snapshot of {@link Ownership} between tasks, as plain arrays, for checkpoints. {@link
 * Ownership#export} builds one from copies and {@link Ownership#restore} copies it back after
 * validating it; the record itself checks nothing and holds its arrays as given. Equality is deep.
 *
 * @param layerSizes weights per maskable layer
 * @param lastFinished the last finished task, 0 if none
 * @param owner owner per weight, per layer: 0 free, k owned by task k ≤ lastFinished
 * @param reuse per finished task k at index k − 1: its reuse counters and threshold; null for task
 *     1
 */
public record OwnershipState(int[] layerSizes, int lastFinished, byte[][] owner, TaskReuse[] reuse)
    implements Serializable {

  /**
   * What task k ≥ 2 kept from training with selection (docs/ALGORITHM.md §3, §5.3): a weight of an
   * earlier task is reused by k iff its counter exceeds selectionEpochs / divisor.
   *
   * @param counters reuse_k, per layer, per weight
   * @param selectionEpochs S, possibly fractional
   * @param divisor D
   */
  public record TaskReuse(short[][] counters, double selectionEpochs, int divisor)
      implements Serializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof TaskReuse r
          && Arrays.deepEquals(counters, r.counters)
          && Double.compare(selectionEpochs, r.selectionEpochs) == 0
          && divisor == r.divisor;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Arrays.deepHashCode(counters) + Double.hashCode(selectionEpochs)) + divisor;
    }

    @Override
    public String toString() {
      return "TaskReuse[S=" + selectionEpochs + ", D=" + divisor + "]";
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OwnershipState s
        && Arrays.equals(layerSizes, s.layerSizes)
        && lastFinished == s.lastFinished
        && Arrays.deepEquals(owner, s.owner)
        && Arrays.deepEquals(reuse, s.reuse);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(layerSizes) * 31 + lastFinished;
  }

  @Override
  public String toString() {
    // The arrays hold millions of entries; name only the shape.
    return "OwnershipState[layers="
        + (layerSizes == null ? "null" : layerSizes.length)
        + ", lastFinished="
        + lastFinished
        + "]";
  }
}
