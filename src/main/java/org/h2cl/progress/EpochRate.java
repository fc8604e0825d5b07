package org.h2cl.progress;

/**
 * A smoothed measure of wall seconds per epoch, and the time left it implies. Each sample is the
 * wall time from one epoch's end to the next's (the first: from the seed's start), so whatever runs
 * between epochs (Fisher estimation, pruning, evaluation, checkpoints) is part of it. Samples are
 * smoothed exponentially, the latest weighing {@code alpha}: with 0.2 the estimate follows about
 * the last ten epochs, enough to average over phases and to adapt when another seed finishes and
 * frees cores.
 */
public final class EpochRate {

  /** What the executors use. */
  public static final double ALPHA = 0.2;

  private final double alpha;
  private double secondsPerEpoch = Double.NaN;

  public EpochRate(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1]: " + alpha);
    }
    this.alpha = alpha;
  }

  /** Adds the wall time of one epoch. */
  public void add(double seconds) {
    secondsPerEpoch =
        Double.isNaN(secondsPerEpoch) ? seconds : alpha * seconds + (1 - alpha) * secondsPerEpoch;
  }

  /** The smoothed seconds per epoch; NaN before the first epoch. */
  public double secondsPerEpoch() {
    return secondsPerEpoch;
  }

  /** Seconds for {@code epochsLeft} more epochs at {@code secondsPerEpoch}; NaN when unknown. */
  public static double secondsLeft(int epochsLeft, double secondsPerEpoch) {
    return Math.max(0, epochsLeft) * secondsPerEpoch;
  }
}
