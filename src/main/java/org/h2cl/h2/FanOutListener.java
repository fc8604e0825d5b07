package org.h2cl.h2;

import java.util.List;

/** Passes every event to each listener in turn; see {@link TrainingListener#all}. */
final class FanOutListener implements TrainingListener {

  private final List<TrainingListener> listeners;

  FanOutListener(List<TrainingListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void seedStarted(SeedStart e) {
    listeners.forEach(l -> l.seedStarted(e));
  }

  @Override
  public void taskStarted(TaskStart e) {
    listeners.forEach(l -> l.taskStarted(e));
  }

  @Override
  public void phaseStarted(PhaseStart e) {
    listeners.forEach(l -> l.phaseStarted(e));
  }

  @Override
  public void epochEnded(EpochEnd e) {
    listeners.forEach(l -> l.epochEnded(e));
  }

  @Override
  public void taskEnded(TaskEnd e) {
    listeners.forEach(l -> l.taskEnded(e));
  }

  @Override
  public void seedEnded(SeedResult result) {
    listeners.forEach(l -> l.seedEnded(result));
  }
}
