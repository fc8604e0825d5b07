package org.h2cl.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.h2cl.h2.Phase;
import org.junit.jupiter.api.Test;

/** The time-left arithmetic on hand values: the paper's settings (T 5, A 15, E 100, R 10). */
class WorkPlanTest {

  private final WorkPlan paper = new WorkPlan(5, 15, 100, 10);

  @Test
  void taskOneTrainsAndRetrainsLaterTasksAlsoAssociate() {
    assertEquals(110, paper.epochsOfTask(1));
    assertEquals(125, paper.epochsOfTask(2));
    assertEquals(0, paper.epochsBefore(1));
    assertEquals(110, paper.epochsBefore(2));
    assertEquals(360, paper.epochsBefore(4));
    assertEquals(110 + 4 * 125, paper.total());
  }

  @Test
  void positionCountsTheEpochsBehindTheSeed() {
    assertEquals(0, paper.position(1, Phase.TRAIN, 0));
    assertEquals(41, paper.position(1, Phase.TRAIN, 41));
    assertEquals(100, paper.position(1, Phase.PRUNE, 0));
    assertEquals(103, paper.position(1, Phase.RETRAIN, 3));
    assertEquals(110, paper.position(1, Phase.EVALUATE, 0));
    assertEquals(110 + 7, paper.position(2, Phase.ASSOCIATE, 7));
    assertEquals(110 + 15 + 41, paper.position(2, Phase.TRAIN, 41));
    assertEquals(110 + 15 + 100 + 10, paper.position(2, Phase.RETRAIN, 10));
    assertEquals(paper.total(), paper.position(5, Phase.RETRAIN, 10));
  }

  @Test
  void theRateIsSmoothedExponentially() {
    EpochRate r = new EpochRate(0.2);
    assertTrue(Double.isNaN(r.secondsPerEpoch()));
    r.add(10);
    assertEquals(10, r.secondsPerEpoch(), 1e-12);
    r.add(20); // 0.2 * 20 + 0.8 * 10
    assertEquals(12, r.secondsPerEpoch(), 1e-12);
    r.add(2); // 0.2 * 2 + 0.8 * 12
    assertEquals(10, r.secondsPerEpoch(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new EpochRate(0));
  }

  @Test
  void timeLeftIsTheEpochsLeftAtTheSmoothedRate() {
    // Task 2, TRAIN epoch 41 of 100 ended, 12 s per epoch: 610 - 166 = 444 epochs left.
    int left = paper.total() - paper.position(2, Phase.TRAIN, 41);
    assertEquals(444, left);
    assertEquals(5328, EpochRate.secondsLeft(left, 12), 1e-9);
    assertEquals(0, EpochRate.secondsLeft(-3, 12));
    assertTrue(Double.isNaN(EpochRate.secondsLeft(10, Double.NaN)));
  }
}
