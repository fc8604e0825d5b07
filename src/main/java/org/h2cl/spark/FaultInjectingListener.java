package org.h2cl.spark;

import org.h2cl.h2.Phase;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TrainingListener;

/**
 * Passes every event on to a delegate and, as {@link JobOptions} asks, throws an {@link
 * InjectedFault} once a task has ended (the trainer saves the task's checkpoint before it reports
 * the task ended).
 */
final class FaultInjectingListener implements TrainingListener {

  /** The failure a test asked for; never thrown outside tests. */
  static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(String message) {
      super(message);
    }
  }

  private final TrainingListener delegate;
  private final JobOptions options;
  private final int attempt;

  /**
   * @param attempt Spark's attempt number of the running task (0 = first)
   */
  FaultInjectingListener(TrainingListener delegate, JobOptions options, int attempt) {
    this.delegate = delegate;
    this.options = options;
    this.attempt = attempt;
  }

  @Override
  public void seedStarted(int seed, int tasks, int resumedFromTask) {
    delegate.seedStarted(seed, tasks, resumedFromTask);
  }

  @Override
  public void taskStarted(int seed, int task) {
    delegate.taskStarted(seed, task);
  }

  @Override
  public void phaseStarted(int seed, int task, Phase phase, int epochs) {
    delegate.phaseStarted(seed, task, phase, epochs);
  }

  @Override
  public void epochEnded(
      int seed,
      int task,
      Phase phase,
      int epoch,
      int epochs,
      double loss,
      double accuracy,
      double seconds) {
    delegate.epochEnded(seed, task, phase, epoch, epochs, loss, accuracy, seconds);
  }

  @Override
  public void taskEnded(int seed, TaskOutcome outcome) {
    delegate.taskEnded(seed, outcome);
    if (options.failsAfter(seed, outcome.task(), attempt)) {
      throw new InjectedFault(
          "injected failure of seed "
              + seed
              + " after task "
              + outcome.task()
              + ", attempt "
              + attempt);
    }
  }

  @Override
  public void seedEnded(SeedResult result) {
    delegate.seedEnded(result);
  }
}
