package org.h2cl.testing;

import java.util.ArrayList;
import java.util.List;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.EpochRecord;
import org.h2cl.h2.Placement;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;

/** Hand-made seed results with chosen accuracies, for tests of the tables. */
public final class SeedResults {

  private SeedResults() {}

  /**
   * A seed whose task k (1-based) reaches {@code accuracies[k-1]}, both right after training and at
   * the end; the accuracy matrix holds every (after, task) cell with after >= task.
   */
  public static SeedResult of(int seed, int resumedFromTask, double... accuracies) {
    return of("h2", seed, resumedFromTask, accuracies);
  }

  /** What H²'s owned fractions 0.25·0.75^(k−1) of tasks 1..n leave free. */
  public static double free(int tasks) {
    double owned = 0;
    for (int k = 1; k <= tasks; k++) {
      owned += 0.25 * Math.pow(0.75, k - 1);
    }
    return 1 - owned;
  }

  /** As {@link #of(int, int, double...)}, for {@code method}. */
  public static SeedResult of(String method, int seed, int resumedFromTask, double... accuracies) {
    List<TaskResult> tasks = new ArrayList<>();
    List<AccuracyCell> matrix = new ArrayList<>();
    for (int k = 1; k <= accuracies.length; k++) {
      double[] pi = new double[k - 1];
      double[] logits = new double[k - 1];
      for (int j = 0; j < k - 1; j++) {
        pi[j] = 1.0 / (k - 1);
        logits[j] = 1.0 - 0.01 * (seed + j);
      }
      tasks.add(
          new TaskResult(
              new TaskOutcome(
                  k,
                  accuracies[k - 1],
                  0.25 * Math.pow(0.75, k - 1),
                  0.01 * k,
                  pi,
                  logits,
                  10.0 * k),
              accuracies[k - 1]));
      for (int after = k; after <= accuracies.length; after++) {
        matrix.add(new AccuracyCell(after, k, accuracies[k - 1]));
      }
    }
    List<EpochRecord> history = new ArrayList<>();
    for (int k = 1; k <= accuracies.length; k++) {
      history.add(
          new EpochRecord(k, "train", 0, 1.0 / k, accuracies[k - 1], 0.01, 2.0, Double.NaN));
      if (k >= 2) {
        history.add(new EpochRecord(k, "train", 1, 0.5 / k, accuracies[k - 1], 0.01, 2.0, 0.125));
      }
    }
    return new SeedResult(
        method,
        seed,
        tasks,
        matrix,
        history,
        free(accuracies.length),
        "CPU",
        "cpu",
        2,
        "onednn 2.5.2 avx512_core winograd",
        resumedFromTask,
        1_700_000_000_000L + seed,
        1_700_000_360_000L + seed,
        new Placement("1", "127.0.0.1", "0", 1));
  }
}
