package org.h2cl.results;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.h2cl.config.Method;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.EpochRecord;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;

/** Turns seed results into rows of the tables in {@link ResultSchemas}, field for field. */
public final class ResultRows {

  private ResultRows() {}

  /** {@code task_results} rows of all seeds, ordered by method, seed and task. */
  public static List<Row> taskResults(List<SeedResult> results) {
    List<Row> rows = new ArrayList<>();
    for (SeedResult r : ordered(results)) {
      r.tasks().stream()
          .sorted(Comparator.comparingInt(TaskResult::task))
          .forEach(
              result -> {
                TaskOutcome t = result.outcome();
                rows.add(
                    RowFactory.create(
                        r.method(),
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

  /** {@code accuracy_matrix} rows of all seeds, ordered by method, seed, after_task and task. */
  public static List<Row> accuracyMatrix(List<SeedResult> results) {
    List<Row> rows = new ArrayList<>();
    for (SeedResult r : ordered(results)) {
      r.accuracyMatrix().stream()
          .sorted(
              Comparator.comparingInt(AccuracyCell::afterTask).thenComparingInt(AccuracyCell::task))
          .forEach(
              c ->
                  rows.add(
                      RowFactory.create(
                          r.method(), r.seed(), c.afterTask(), c.task(), c.accuracy())));
    }
    return rows;
  }

  /**
   * {@code history} rows of all seeds, ordered by method and seed, then as trained; a NaN
   * switched_off (no selection in that epoch) is null.
   */
  public static List<Row> history(List<SeedResult> results) {
    List<Row> rows = new ArrayList<>();
    for (SeedResult r : ordered(results)) {
      for (EpochRecord e : r.history()) {
        rows.add(
            RowFactory.create(
                r.method(),
                r.seed(),
                e.task(),
                e.phase(),
                e.epoch(),
                e.loss(),
                e.trainAccuracy(),
                e.lr(),
                e.seconds(),
                Double.isNaN(e.switchedOff()) ? null : e.switchedOff()));
      }
    }
    return rows;
  }

  /** The single {@code run} row. */
  public static Row run(RunInfo info, List<SeedResult> results) {
    List<Row> seeds = new ArrayList<>();
    for (SeedResult r : ordered(results)) {
      seeds.add(
          RowFactory.create(
              r.method(),
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
            .sorted(
                Comparator.comparingInt((SeedFailure f) -> methodOrder(f.method()))
                    .thenComparingInt(SeedFailure::seed))
            .map(f -> RowFactory.create(f.method(), f.seed(), f.error()))
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

  /**
   * The results ordered by method (in {@link Method}'s order: h2, h2-uniform, independent, packnet,
   * finetune), then seed: the order of every table.
   */
  public static List<SeedResult> ordered(List<SeedResult> results) {
    return results.stream()
        .sorted(
            Comparator.comparingInt((SeedResult r) -> methodOrder(r.method()))
                .thenComparingInt(SeedResult::seed))
        .toList();
  }

  /** A method's place in {@link Method}'s order; an unknown name after every known one. */
  static int methodOrder(String method) {
    return Method.of(method).map(Enum::ordinal).orElse(Integer.MAX_VALUE);
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
