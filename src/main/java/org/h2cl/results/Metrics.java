package org.h2cl.results;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskResult;

/**
 * The continual-learning metrics of one method's seed, from its accuracy matrix R (R[i][j]: test
 * accuracy of task j after task i finished, in percent; T tasks), defined in docs/OUTPUT.md with
 * their references. Plain Java, so that a local and a cluster run give the same bits.
 *
 * <ul>
 *   <li>ACC = 1/T Σ_j R[T][j] (average accuracy after the last task);
 *   <li>BWT = 1/(T−1) Σ_{j&lt;T} (R[T][j] − R[j][j]) (Lopez-Paz &amp; Ranzato 2017);
 *   <li>forgetting = 1/(T−1) Σ_{j&lt;T} (max_{j≤l&lt;T} R[l][j] − R[T][j]) (Chaudhry et al. 2018);
 *   <li>FWT = 1/(T−1) Σ_{j≥2} (R[j][j] − R^independent[j][j]), same seed: what reusing earlier
 *       weights gives over training the task's own weights alone;
 *   <li>capacity used / free: maskable weights owned by some task / by none after the last task, in
 *       percent.
 * </ul>
 *
 * BWT, forgetting and FWT are NaN for a single task; FWT also when the run has no {@code
 * independent} seed with the same number.
 *
 * <p>ACC, BWT, forgetting and FWT are in accuracy points, capacity in percent of the weights.
 */
public record Metrics(
    String method,
    int seed,
    double acc,
    double bwt,
    double forgetting,
    double fwt,
    double capacityUsed,
    double capacityFree) {

  /** The summary's labels of the metric rows, in the order of {@link #values}. */
  public static final List<String> NAMES =
      List.of("ACC", "BWT", "forgetting", "FWT", "capacity_used", "capacity_free");

  /** The reference method of FWT. */
  public static final String INDEPENDENT = "independent";

  /** The values in the order of {@link #NAMES}. */
  public double[] values() {
    return new double[] {acc, bwt, forgetting, fwt, capacityUsed, capacityFree};
  }

  /**
   * The metrics of {@code result}; {@code independent} is the same seed's result of {@code
   * independent}, or null.
   */
  public static Metrics of(SeedResult result, SeedResult independent) {
    Matrix r = new Matrix(result);
    int t = r.tasks;
    double acc = 0;
    for (int j = 1; j <= t; j++) {
      acc += r.get(t, j);
    }
    acc /= t;
    double bwt = Double.NaN;
    double forgetting = Double.NaN;
    double fwt = Double.NaN;
    if (t >= 2) {
      bwt = 0;
      forgetting = 0;
      for (int j = 1; j < t; j++) {
        bwt += r.get(t, j) - r.get(j, j);
        double best = Double.NEGATIVE_INFINITY;
        for (int l = j; l < t; l++) {
          best = Math.max(best, r.get(l, j));
        }
        forgetting += best - r.get(t, j);
      }
      bwt /= t - 1;
      forgetting /= t - 1;
      if (independent != null) {
        Matrix ind = new Matrix(independent);
        if (ind.tasks == t) {
          fwt = 0;
          for (int j = 2; j <= t; j++) {
            fwt += r.get(j, j) - ind.get(j, j);
          }
          fwt /= t - 1;
        }
      }
    }
    double free = 100.0 * result.freeFraction();
    return new Metrics(
        result.method(), result.seed(), acc, bwt, forgetting, fwt, 100.0 - free, free);
  }

  /**
   * Every result's metrics, in the order given; FWT against the {@code independent} result of the
   * same seed where the run has one.
   */
  public static List<Metrics> of(List<SeedResult> results) {
    Map<Integer, SeedResult> independent = new HashMap<>();
    for (SeedResult r : results) {
      if (INDEPENDENT.equals(r.method())) {
        independent.put(r.seed(), r);
      }
    }
    List<Metrics> metrics = new ArrayList<>();
    for (SeedResult r : results) {
      metrics.add(of(r, independent.get(r.seed())));
    }
    return metrics;
  }

  /**
   * R of one seed: the accuracy matrix's cells, with the diagonal from each task's accuracy right
   * after it and the last row from the final accuracies (the same values where the matrix has
   * them).
   */
  private static final class Matrix {
    final int tasks;
    final Map<Long, Double> cells = new HashMap<>();

    Matrix(SeedResult r) {
      int n = 0;
      for (TaskResult t : r.tasks()) {
        n = Math.max(n, t.task());
      }
      tasks = n;
      for (AccuracyCell c : r.accuracyMatrix()) {
        cells.put(key(c.afterTask(), c.task()), c.accuracy());
      }
      for (TaskResult t : r.tasks()) {
        cells.put(key(t.task(), t.task()), t.outcome().accAfterTask());
        cells.put(key(n, t.task()), t.accFinal());
      }
    }

    double get(int afterTask, int task) {
      Double v = cells.get(key(afterTask, task));
      if (v == null) {
        throw new IllegalArgumentException(
            "accuracy matrix has no cell for task " + task + " after task " + afterTask);
      }
      return v;
    }

    private static long key(int afterTask, int task) {
      return ((long) afterTask << 32) | task;
    }
  }
}
