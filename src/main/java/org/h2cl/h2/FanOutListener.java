package org.h2cl.h2;

import java.util.List;

/** Passes every event to each listener in turn; see {@link TrainingListener#all}. */
final class FanOutListener implements TrainingListener {

  private final List<TrainingListener> listeners;

  FanOutListener(List<TrainingListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void seedStarted(int seed, int tasks, int resumedFromTask) {
    listeners.forEach(l -> l.seedStarted(seed, tasks, resumedFromTask));
  }

  @Override
  public void taskStarted(int seed, int task) {
    listeners.forEach(l -> l.taskStarted(seed, task));
  }

  @Override
  public void phaseStarted(int seed, int task, Phase phase, int epochs) {
    listeners.forEach(l -> l.phaseStarted(seed, task, phase, epochs));
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
    listeners.forEach(l -> l.epochEnded(seed, task, phase, epoch, epochs, loss, accuracy, seconds));
  }

  @Override
  public void taskEnded(int seed, TaskOutcome outcome) {
    listeners.forEach(l -> l.taskEnded(seed, outcome));
  }

  @Override
  public void seedEnded(SeedResult result) {
    listeners.forEach(l -> l.seedEnded(result));
  }
}
