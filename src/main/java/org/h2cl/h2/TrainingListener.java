package org.h2cl.h2;

import java.util.List;

/**
 * Observes a seed's training without taking part in it: progress, logging, timing. Every method has
 * a no-op default, so an observer implements only what it needs. The trainer calls these in order:
 * seedStarted, then per task taskStarted, (phaseStarted, epochEnded*)*, taskEnded, and finally
 * seedEnded. Each event is a record with named fields.
 */
public interface TrainingListener {
  TrainingListener NONE = new TrainingListener() {};

  /** One listener that passes every event to each of {@code listeners}, in the order given. */
  static TrainingListener all(TrainingListener... listeners) {
    return new FanOutListener(List.of(listeners));
  }

  /**
   * A seed starts (or resumes).
   *
   * @param tasks the seed's number of tasks
   * @param resumedFromTask the last task restored from a checkpoint (0 = started fresh)
   */
  record SeedStart(int seed, int tasks, int resumedFromTask) {}

  /** Task {@code task} (1-based) starts. */
  record TaskStart(int seed, int task) {}

  /** A phase of a task starts; it will run {@code epochs} epochs. */
  record PhaseStart(int seed, int task, Phase phase, int epochs) {}

  /**
   * An epoch of a phase ended.
   *
   * @param epoch 0-based epoch that just ended, of {@code epochs}
   * @param loss mean training loss of the epoch
   * @param accuracy training accuracy of the epoch in percent
   * @param seconds wall time of the epoch
   */
  record EpochEnd(
      int seed,
      int task,
      Phase phase,
      int epoch,
      int epochs,
      double loss,
      double accuracy,
      double seconds) {}

  /** A task finished (its checkpoint is saved). */
  record TaskEnd(int seed, TaskOutcome outcome) {}

  default void seedStarted(SeedStart e) {}

  default void taskStarted(TaskStart e) {}

  default void phaseStarted(PhaseStart e) {}

  default void epochEnded(EpochEnd e) {}

  default void taskEnded(TaskEnd e) {}

  default void seedEnded(SeedResult result) {}
}
