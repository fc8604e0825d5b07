package org.h2cl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;
import org.h2cl.testing.SeedResults;
import org.junit.jupiter.api.Test;

/** The metrics on accuracy matrices small enough to compute by hand. */
class MetricsTest {

  /**
   * A seed whose accuracy matrix is {@code r} (r[i][j]: task j+1 after task i+1, lower triangle),
   * with {@code free} of the weights left.
   */
  static SeedResult matrix(String method, int seed, double free, double[][] r) {
    int t = r.length;
    List<TaskResult> tasks = new ArrayList<>();
    List<AccuracyCell> cells = new ArrayList<>();
    for (int j = 1; j <= t; j++) {
      TaskOutcome o = new TaskOutcome(j, r[j - 1][j - 1], 0.1, 0, new double[0], new double[0], 1);
      tasks.add(new TaskResult(o, r[t - 1][j - 1]));
      for (int i = j; i <= t; i++) {
        cells.add(new AccuracyCell(i, j, r[i - 1][j - 1]));
      }
    }
    return new SeedResult(
        method, seed, tasks, cells, List.of(), free, "cpu", "cpu", 1, "k", 0, 0, 1);
  }

  /**
   * Finetune on three tasks: R = [[90], [70, 80], [60, 75, 85]]. ACC = (60+75+85)/3 = 73.33; BWT =
   * ((60−90) + (75−80))/2 = −17.5; forgetting = ((90−60) + (80−75))/2 = 17.5; FWT against
   * independent's diagonal 90, 82, 86: ((80−82) + (85−86))/2 = −1.5; every weight in use.
   */
  @Test
  void finetuneForgetsAndBwtIsNegative() {
    SeedResult finetune = matrix("finetune", 0, 0.0, new double[][] {{90}, {70, 80}, {60, 75, 85}});
    SeedResult independent =
        matrix("independent", 0, 0.4, new double[][] {{90}, {90, 82}, {90, 82, 86}});
    Metrics m = Metrics.of(finetune, independent);
    assertEquals(220.0 / 3, m.acc(), 1e-12);
    assertEquals(-17.5, m.bwt(), 1e-12);
    assertEquals(17.5, m.forgetting(), 1e-12);
    assertEquals(-1.5, m.fwt(), 1e-12);
    assertEquals(100.0, m.capacityUsed());
    assertEquals(0.0, m.capacityFree());
  }

  /**
   * Forgetting takes each task's best, not its first: task 1 at 80, 95, then 85 forgot 10 points
   * (95 − 85) though BWT (85 − 80 = +5, task 2: 0) says it gained.
   */
  @Test
  void forgettingIsMeasuredFromTheBestEarlierAccuracy() {
    Metrics m =
        Metrics.of(matrix("finetune", 0, 0, new double[][] {{80}, {95, 90}, {85, 90, 70}}), null);
    assertEquals((5 + 0) / 2.0, m.bwt(), 1e-12);
    assertEquals((10 + 0) / 2.0, m.forgetting(), 1e-12);
    assertTrue(Double.isNaN(m.fwt()), "no independent run, no FWT");
  }

  /** H²'s earlier tasks never move: BWT and forgetting are exactly 0.0, not merely small. */
  @Test
  void zeroForgettingGivesExactlyZero() {
    SeedResult h2 = SeedResults.of(3, 0, 99.1, 97.3, 98.7);
    Metrics m = Metrics.of(h2, null);
    assertEquals(0, Double.compare(0.0, m.bwt()));
    assertEquals(0, Double.compare(0.0, m.forgetting()));
    assertEquals(100 * (1 - SeedResults.free(3)), m.capacityUsed(), 1e-12);
  }

  /** One task has nothing to look back at or forward from. */
  @Test
  void oneTaskHasOnlyAccAndCapacity() {
    Metrics m = Metrics.of(matrix("h2", 0, 0.75, new double[][] {{91}}), null);
    assertEquals(91.0, m.acc());
    assertTrue(Double.isNaN(m.bwt()) && Double.isNaN(m.forgetting()) && Double.isNaN(m.fwt()));
    assertEquals(25.0, m.capacityUsed());
  }

  /** FWT pairs each method's seed with independent's of the same seed, never another's. */
  @Test
  void fwtUsesTheSameSeedsIndependentRun() {
    List<SeedResult> results =
        List.of(
            matrix("h2", 0, 0.5, new double[][] {{90}, {90, 95}}),
            matrix("h2", 1, 0.5, new double[][] {{90}, {90, 91}}),
            matrix("independent", 0, 0.5, new double[][] {{90}, {90, 93}}),
            matrix("independent", 1, 0.5, new double[][] {{90}, {90, 80}}));
    List<Metrics> m = Metrics.of(results);
    assertEquals(2.0, m.get(0).fwt(), 1e-12);
    assertEquals(11.0, m.get(1).fwt(), 1e-12);
    assertEquals(0.0, m.get(2).fwt());
  }

  @Test
  void aMissingCellIsNamed() {
    SeedResult r = matrix("h2", 0, 0.5, new double[][] {{90}, {90, 95}, {90, 95, 97}});
    SeedResult holey =
        new SeedResult(
            "h2",
            0,
            r.tasks(),
            r.accuracyMatrix().stream().filter(c -> c.afterTask() != 2 || c.task() != 1).toList(),
            List.of(),
            0.5,
            "cpu",
            "cpu",
            1,
            "k",
            0,
            0,
            1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metrics.of(holey, null));
    assertTrue(e.getMessage().contains("task 1 after task 2"), e.getMessage());
  }
}
