package org.h2cl.progress;

import java.util.Collections;
import java.util.List;
import org.h2cl.h2.Phase;
import org.h2cl.progress.SeedProgress.Event;

/** Hand-made progress records. */
final class Records {

  private Records() {}

  static final double NAN = Double.NaN;

  /** A record of run "r" with five tasks; fields the board does not show are fixed. */
  static SeedProgress record(
      int seed,
      int attempt,
      long counter,
      Event event,
      int task,
      Phase phase,
      int epoch,
      int epochs,
      double loss,
      double trainAccuracy,
      double secondsLeft) {
    return record(seed, attempt, counter, event, task, phase, epoch, epochs, loss, trainAccuracy)
        .withLeft(secondsLeft);
  }

  private static Builder record(
      int seed,
      int attempt,
      long counter,
      Event event,
      int task,
      Phase phase,
      int epoch,
      int epochs,
      double loss,
      double trainAccuracy) {
    return new Builder(
        seed, attempt, counter, event, task, phase, epoch, epochs, loss, trainAccuracy);
  }

  static SeedProgress epoch(int seed, long counter, int task, Phase phase, int epoch, int epochs) {
    return record(seed, 0, counter, Event.EPOCH, task, phase, epoch, epochs, 0.5, 80, 100);
  }

  static SeedProgress with(
      SeedProgress p, List<Double> testAccuracy, int resumedFromTask, double elapsedSeconds) {
    return new SeedProgress(
        p.runId(),
        p.seed(),
        p.attempt(),
        p.counter(),
        p.event(),
        p.task(),
        p.tasks(),
        p.phase(),
        p.epoch(),
        p.epochs(),
        p.loss(),
        p.trainAccuracy(),
        p.epochSeconds(),
        testAccuracy,
        resumedFromTask,
        p.epochsDone(),
        p.epochsTotal(),
        p.secondsPerEpoch(),
        p.secondsLeft(),
        elapsedSeconds,
        p.startedAtMillis(),
        p.writtenAtMillis());
  }

  private record Builder(
      int seed,
      int attempt,
      long counter,
      Event event,
      int task,
      Phase phase,
      int epoch,
      int epochs,
      double loss,
      double trainAccuracy) {
    SeedProgress withLeft(double secondsLeft) {
      return new SeedProgress(
          "r",
          seed,
          attempt,
          counter,
          event,
          task,
          5,
          phase,
          epoch,
          epochs,
          loss,
          trainAccuracy,
          1.5,
          Collections.nCopies(5, NAN),
          0,
          17,
          610,
          12,
          secondsLeft,
          30,
          1_700_000_000_000L,
          1_700_000_030_000L);
    }
  }
}
