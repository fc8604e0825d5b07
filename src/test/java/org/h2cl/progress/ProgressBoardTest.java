package org.h2cl.progress;

import static org.h2cl.progress.Records.NAN;
import static org.h2cl.progress.Records.epoch;
import static org.h2cl.progress.Records.record;
import static org.h2cl.progress.Records.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.h2cl.h2.Phase;
import org.h2cl.progress.ProgressBoard.State;
import org.h2cl.progress.SeedProgress.Event;
import org.junit.jupiter.api.Test;

/** The driver's lines, character by character, from hand-made records. */
class ProgressBoardTest {

  private final ProgressBoard board = new ProgressBoard(List.of(3, 12), 0);

  @Test
  void durationsForPeople() {
    assertEquals("0s", ProgressBoard.duration(0));
    assertEquals("59s", ProgressBoard.duration(59.4));
    assertEquals("1m00s", ProgressBoard.duration(59.6));
    assertEquals("1m01s", ProgressBoard.duration(61));
    assertEquals("59m59s", ProgressBoard.duration(3599));
    assertEquals("1h12m", ProgressBoard.duration(4320));
    assertEquals("1h28m", ProgressBoard.duration(5328));
    assertEquals("2d03h", ProgressBoard.duration(2 * 86400 + 3 * 3600 + 59 * 60));
    assertEquals("0s", ProgressBoard.duration(-5));
    assertEquals("?", ProgressBoard.duration(NAN));
  }

  @Test
  void aRunningSeedShowsTaskPhaseEpochLossAccuracyAndACountdown() {
    board.offer(record(3, 0, 7, Event.EPOCH, 2, Phase.TRAIN, 41, 100, 0.2134, 93.06, 4330), 0);
    // Seen 10 s ago: 4330 - 10 = 4320 s left.
    assertEquals(
        "seed  3  task 2/5  TRAIN      epoch  41/100  loss 0.213  acc  93.1%  ETA 1h12m",
        board.line(3, 10_000));
    assertEquals("seed 12  waiting for a task slot", board.line(12, 10_000));
    assertEquals(State.RUNNING, board.state(3));
  }

  @Test
  void aPhaseStartHasNoLossOrEstimateYetAndOtherEventsKeepTheColumns() {
    board.offer(record(3, 0, 1, Event.PHASE, 2, Phase.ASSOCIATE, 0, 15, NAN, NAN, NAN), 0);
    assertEquals(
        "seed  3  task 2/5  ASSOCIATE  epoch   0/15   loss     -  acc      -  ETA ?",
        board.line(3, 0));

    SeedProgress taskDone = record(3, 0, 2, Event.TASK, 1, Phase.RETRAIN, 10, 10, 0.1, 99, 65);
    board.offer(with(taskDone, List.of(91.25, NAN, NAN, NAN, NAN), 0, 30), 0);
    assertEquals(
        "seed  3  task 1/5  done, test acc 91.3%                              ETA 1m05s",
        board.line(3, 0));

    SeedProgress resumed = record(12, 1, 1, Event.STARTED, 2, null, 0, 0, NAN, NAN, NAN);
    board.offer(with(resumed, List.of(NAN, NAN, NAN, NAN, NAN), 2, 0), 0);
    assertEquals(
        "seed 12  starting, resuming after task 2                             ETA ?  (attempt 2)",
        board.line(12, 0));
  }

  @Test
  void finishedAndFailedSeeds() {
    SeedProgress done = record(3, 0, 40, Event.FINISHED, 5, Phase.RETRAIN, 10, 10, 0.1, 99, 0);
    board.offer(with(done, List.of(NAN, NAN, 91.25, 88.0, 97.5), 2, 133), 0);
    board.failed(12, "java.lang.IllegalStateException: boom");
    assertEquals(
        "seed  3  finished in 2m13s (resumed after task 2)  test acc - - 91.3 88.0 97.5",
        board.line(3, 0));
    assertEquals("seed 12  FAILED: java.lang.IllegalStateException: boom", board.line(12, 0));
    // A late record of a failed seed (a zombie attempt) does not revive it.
    board.offer(epoch(12, 99, 5, Phase.TRAIN, 1, 2), 0);
    assertEquals(State.FAILED, board.state(12));
    assertEquals("run: 1 finished, 1 failed  elapsed 1m40s", board.footer(100_000));
  }

  @Test
  void onlyNewerRecordsOfKnownSeedsAreTaken() {
    assertTrue(board.offer(epoch(3, 5, 1, Phase.TRAIN, 3, 6), 0));
    assertFalse(board.offer(epoch(3, 4, 1, Phase.TRAIN, 2, 6), 0));
    assertFalse(board.offer(epoch(3, 5, 1, Phase.TRAIN, 2, 6), 0));
    assertFalse(board.offer(epoch(7, 9, 1, Phase.TRAIN, 2, 6), 0));
    assertEquals(3, board.latest(3).orElseThrow().epoch());
    // A retried attempt starts its counter again and is still newer.
    assertTrue(board.offer(record(3, 1, 1, Event.STARTED, 0, null, 0, 0, NAN, NAN, NAN), 0));
    assertEquals(1, board.latest(3).orElseThrow().attempt());
  }

  @Test
  void theStageChangesWithPhasesAndTasksNotWithEpochs() {
    board.offer(epoch(3, 1, 1, Phase.TRAIN, 1, 6), 0);
    String train = board.stage(3);
    board.offer(epoch(3, 2, 1, Phase.TRAIN, 2, 6), 0);
    assertEquals(train, board.stage(3));
    board.offer(epoch(3, 3, 1, Phase.RETRAIN, 1, 2), 0);
    assertNotEquals(train, board.stage(3));
    String retrain = board.stage(3);
    board.offer(record(3, 0, 4, Event.TASK, 1, Phase.RETRAIN, 2, 2, 0.1, 99, 9), 0);
    assertNotEquals(retrain, board.stage(3));
    assertEquals("WAITING", board.stage(12));
  }

  @Test
  void theRunsTimeLeftIsTheLongestOnceNoSeedWaits() {
    board.offer(record(3, 0, 1, Event.EPOCH, 1, Phase.TRAIN, 1, 6, 0.5, 80, 300), 0);
    assertEquals("run: 1 running, 1 waiting  elapsed 25m10s", board.footer(1_510_000));
    board.offer(record(12, 0, 1, Event.EPOCH, 1, Phase.TRAIN, 1, 6, 0.5, 80, 200), 0);
    assertEquals("run: 2 running  elapsed 1m00s  ETA 4m00s", board.footer(60_000));
  }
}
