package org.h2cl.h2;

/**
 * Observes a seed's training without taking part in it: progress, logging, timing. Every method has
 * a no-op default, so an observer implements only what it needs. The trainer calls these in order:
 * seedStarted, then per task taskStarted, (phaseStarted, epochEnded*)*, taskEnded, and finally
 * seedEnded.
 */
public interface TrainingListener {
  TrainingListener NONE = new TrainingListener() {};

  default void seedStarted(int seed, int tasks, int resumedFromTask) {}

  default void taskStarted(int seed, int task) {}

  default void phaseStarted(int seed, int task, Phase phase, int epochs) {}

  /**
   * @param epoch 0-based epoch that just ended
   * @param loss mean training loss of the epoch
   * @param accuracy training accuracy of the epoch in percent
   */
  default void epochEnded(
      int seed,
      int task,
      Phase phase,
      int epoch,
      int epochs,
      double loss,
      double accuracy,
      double seconds) {}

  default void taskEnded(int seed, TaskOutcome outcome) {}

  default void seedEnded(SeedResult result) {}
}
