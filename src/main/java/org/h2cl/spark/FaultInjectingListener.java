package org.h2cl.spark;

import org.h2cl.h2.SeedResult;
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
  public void seedStarted(SeedStart e) {
    delegate.seedStarted(e);
  }

  @Override
  public void taskStarted(TaskStart e) {
    delegate.taskStarted(e);
  }

  @Override
  public void phaseStarted(PhaseStart e) {
    delegate.phaseStarted(e);
  }

  @Override
  public void epochEnded(EpochEnd e) {
    delegate.epochEnded(e);
  }

  @Override
  public void taskEnded(TaskEnd e) {
    delegate.taskEnded(e);
    int task = e.outcome().task();
    if (options.failsAfter(e.seed(), task, attempt)) {
      throw new InjectedFault(
          "injected failure of seed " + e.seed() + " after task " + task + ", attempt " + attempt);
    }
  }

  @Override
  public void seedEnded(SeedResult result) {
    delegate.seedEnded(result);
  }
}
