package org.h2cl.progress;

import java.util.List;
import org.h2cl.h2.Phase;

/**
 * Where one seed's training stands, as its executor last reported it: what the driver shows. Stored
 * as a small JSON text file (see {@link ProgressFiles}), one per seed, replaced at most once per
 * epoch plus once per phase and task boundary. Unknown numbers are NaN.
 *
 * @param runId the run this record belongs to; records of other runs are ignored
 * @param attempt Spark's attempt number of the seed's task (0 = first)
 * @param counter increases with every record of an attempt: of two records, the one with the
 *     greater (attempt, counter) is newer
 * @param event what produced the record
 * @param task the task (1-based) running, or the last one finished
 * @param phase the phase running; null until the first phase starts
 * @param epoch epochs of {@code phase} that have ended (0 at the phase's start)
 * @param epochs epochs of {@code phase}
 * @param loss mean training loss of the last epoch
 * @param trainAccuracy training accuracy (%) of the last epoch
 * @param epochSeconds duration of the last epoch's training loop
 * @param testAccuracy per task 1..T, its test accuracy (%) right after it trained; NaN for tasks
 *     not yet trained or restored from a checkpoint in this attempt
 * @param resumedFromTask the attempt resumed after this task's checkpoint (0 = from the start)
 * @param epochsDone epochs of the whole seed behind it (restored tasks included), see {@link
 *     WorkPlan#position}
 * @param epochsTotal epochs of the whole seed ({@link WorkPlan#total})
 * @param secondsPerEpoch smoothed wall seconds per epoch ({@link EpochRate})
 * @param secondsLeft estimated seconds until the seed's last epoch ends
 * @param elapsedSeconds since this attempt started training
 * @param startedAtMillis when this attempt started (executor clock, ms since the epoch)
 * @param writtenAtMillis when this record was made (executor clock)
 */
public record SeedProgress(
    String runId,
    int seed,
    int attempt,
    long counter,
    Event event,
    int task,
    int tasks,
    Phase phase,
    int epoch,
    int epochs,
    double loss,
    double trainAccuracy,
    double epochSeconds,
    List<Double> testAccuracy,
    int resumedFromTask,
    int epochsDone,
    int epochsTotal,
    double secondsPerEpoch,
    double secondsLeft,
    double elapsedSeconds,
    long startedAtMillis,
    long writtenAtMillis) {

  /** The listener event behind a record. */
  public enum Event {
    /** The seed started (or resumed) training. */
    STARTED,
    /** A phase started: {@code epoch} is 0, loss and accuracy are NaN. */
    PHASE,
    /** An epoch ended. */
    EPOCH,
    /** A task ended: its test accuracy is in {@code testAccuracy}. */
    TASK,
    /** Every task is done and re-evaluated. */
    FINISHED
  }

  public SeedProgress {
    testAccuracy = List.copyOf(testAccuracy);
  }

  /** Whether this record is newer than {@code other} (a later attempt, or a later record of it). */
  public boolean isNewerThan(SeedProgress other) {
    return attempt != other.attempt ? attempt > other.attempt : counter > other.counter;
  }
}
