package org.h2cl.spark;

import java.io.Serializable;

/**
 * Test-only switches of {@link H2Job}, deliberately out of reach of config files and the command
 * line: fault injection that makes a seed's task throw right after one of its tasks finished (and
 * its checkpoint was saved), to exercise Spark's retries and resuming from checkpoints.
 *
 * @param faultSeed the seed that fails, or {@link #ANY_SEED}
 * @param faultAfterTask the (1-based) task after which it fails; 0 = no fault
 * @param faultEveryAttempt false: only Spark's first attempt fails; true: every attempt fails, so
 *     the seed fails for good
 */
public record JobOptions(int faultSeed, int faultAfterTask, boolean faultEveryAttempt)
    implements Serializable {

  public static final int ANY_SEED = -1;

  /** No fault injection: what {@code Main} always uses. */
  public static JobOptions none() {
    return new JobOptions(ANY_SEED, 0, false);
  }

  /** Every seed's first attempt throws after {@code task}; the retries resume. */
  public static JobOptions failOnFirstAttemptAfterTask(int task) {
    return new JobOptions(ANY_SEED, task, false);
  }

  /** Every attempt of {@code seed} throws after {@code task}: the seed fails for good. */
  public static JobOptions failAlwaysAfterTask(int seed, int task) {
    return new JobOptions(seed, task, true);
  }

  /** Whether {@code attempt} (Spark's, 0-based) of {@code seed} must fail after {@code task}. */
  boolean failsAfter(int seed, int task, int attempt) {
    return faultAfterTask > 0
        && task == faultAfterTask
        && (faultSeed == ANY_SEED || faultSeed == seed)
        && (faultEveryAttempt || attempt == 0);
  }
}
