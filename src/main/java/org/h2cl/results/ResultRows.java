package org.h2cl.results;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;

/** Turns seed results into rows of the tables in {@link ResultSchemas}, field for field. */
public final class ResultRows {

  private ResultRows() {}

  /** {@code task_results} rows of all seeds, ordered by seed and task. */
  public static List<Row> taskResults(List<SeedResult> results) {
    List<Row> rows = new ArrayList<>();
    for (SeedResult r : bySeed(results)) {
      r.tasks().stream()
          .sorted(Comparator.comparingInt(TaskResult::task))
          .forEach(
              result -> {
                TaskOutcome t = result.outcome();
                rows.add(
                    RowFactory.create(
                        r.seed(),
                        t.task(),
                        t.accAfterTask(),
                        result.accFinal(),
                        t.ownedFraction(),
                        t.reusedFraction(),
                        boxed(t.association()),
                        boxed(t.associationLogits()),
                        t.trainSeconds(),
                        t.task() <= r.resumedFromTask()));
              });
    }
    return rows;
  }

  /** {@code accuracy_matrix} rows of all seeds, ordered by seed, after_task and task. */
  public static List<Row> accuracyMatrix(List<SeedResult> results) {
    List<Row> rows = new ArrayList<>();
    for (SeedResult r : bySeed(results)) {
      r.accuracyMatrix().stream()
          .sorted(
              Comparator.comparingInt(AccuracyCell::afterTask).thenComparingInt(AccuracyCell::task))
          .forEach(
              c -> rows.add(RowFactory.create(r.seed(), c.afterTask(), c.task(), c.accuracy())));
    }
    return rows;
  }

  /** The single {@code run} row. */
  public static Row run(RunInfo info, List<SeedResult> results) {
    List<Row> seeds = new ArrayList<>();
    for (SeedResult r : bySeed(results)) {
      seeds.add(
          RowFactory.create(
              r.seed(),
              r.backend(),
              r.device(),
              r.threads(),
              r.kernels(),
              r.resumedFromTask(),
              new Timestamp(r.startMillis()),
              new Timestamp(r.endMillis()),
              r.placement().executorId(),
              r.placement().host(),
              r.placement().gpuAddress(),
              r.placement().attempts()));
    }
    List<Row> failures =
        info.failures().stream()
            .sorted(Comparator.comparingInt(SeedFailure::seed))
            .map(f -> RowFactory.create(f.seed(), f.error()))
            .toList();
    Versions v = info.versions();
    return RowFactory.create(
        info.runId(),
        Timestamp.from(info.startedAt()),
        Timestamp.from(info.endedAt()),
        info.complete(),
        info.configJson(),
        info.fingerprint(),
        v.h2Version(),
        v.sparkVersion(),
        v.nd4jVersion(),
        v.javaVersion(),
        v.scalaVersion(),
        info.master(),
        info.sparkAppId(),
        info.outputUri(),
        info.checkpointUri(),
        seeds,
        failures);
  }

  private static List<SeedResult> bySeed(List<SeedResult> results) {
    return results.stream().sorted(Comparator.comparingInt(SeedResult::seed)).toList();
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
