package org.h2cl.h2;

/**
 * A seed that cannot go on: a loss that is no longer finite, or a broken zero-forgetting guarantee.
 * The message names the seed, the task and the phase.
 */
public final class TrainingFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public final int seed;
  public final int task;
  public final Phase phase;

  public TrainingFailure(int seed, int task, Phase phase, String what) {
    super("seed " + seed + ", task " + task + ", phase " + phase + ": " + what);
    this.seed = seed;
    this.task = task;
    this.phase = phase;
  }
}
