package org.h2cl.h2;

import java.util.SplittableRandom;

/**
 * Every random draw of a run comes from a generator derived from (seed, task, purpose) alone
 * (docs/ALGORITHM.md §8), never from a stream shared across tasks: a seed resumed from task k's
 * checkpoint therefore draws exactly what an uninterrupted run would have drawn.
 */
final class Rngs {
  /** What a generator is for; each purpose gets its own independent stream. */
  enum Purpose {
    CONV_INIT,
    HEAD_INIT,
    ASSOCIATION_REINIT,
    ASSOCIATION_SHUFFLE,
    GUMBEL,
    TRAIN_REINIT,
    TRAIN_SHUFFLE,
    FISHER_ORDER,
    RETRAIN_SHUFFLE,
    /**
     * independent's fresh init of a task's own weights (added last: the others keep their streams).
     */
    INDEPENDENT_INIT
  }

  private Rngs() {}

  static SplittableRandom of(long seed, int task, Purpose purpose) {
    long h = mix(seed ^ 0x48325f73706c6974L);
    h = mix(h + task * 0x9E3779B97F4A7C15L);
    h = mix(h + (purpose.ordinal() + 1) * 0xC2B2AE3D27D4EB4FL);
    return new SplittableRandom(h);
  }

  /** SplitMix64's finaliser: a bijective mix with good avalanche. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
