package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.checkpoint.Fingerprint;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.SeedRunner;
import org.h2cl.results.PaperTable;
import org.h2cl.results.ResultSchemas;
import org.h2cl.results.Versions;
import org.h2cl.storage.OwnedFolder;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with the real trainer on a tiny setup: two seeds, five tasks, {@code local[2,2]} (two
 * task slots, two attempts per task so that an injected failure is retried).
 */
class H2JobTrainingTest {

  @TempDir static Path dir;
  private static SparkSession spark;
  private static JobReport uninterrupted;

  static H2Settings settings(String output) {
    return SettingsFixture.load(
        SettingsFixture.arguments(
            dir.resolve("data").toUri().toString(),
            dir.resolve(output).toUri().toString(),
            "h2.spark.master=\"local[2,2]\""));
  }

  @BeforeAll
  static void runOnce() {
    H2Settings s = settings("plain");
    spark = H2Job.session(s);
    uninterrupted = H2Job.run(spark, s, JobOptions.none(), SeedRunner::run);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static List<Row> read(String output, String table) {
    return spark.read().parquet(dir.resolve(output).resolve(table).toString()).collectAsList();
  }

  @Test
  void writesTheDocumentedTablesAndASummaryThatMatchesTaskResults() {
    assertTrue(uninterrupted.complete());
    assertEquals(List.of(0, 1), uninterrupted.results().stream().map(SeedResult::seed).toList());
    for (Map.Entry<String, StructType> t : ResultSchemas.TABLES.entrySet()) {
      assertEquals(
          t.getValue(),
          spark.read().parquet(dir.resolve("plain").resolve(t.getKey()).toString()).schema(),
          t.getKey());
    }
    assertTrue(Files.exists(dir.resolve("plain/_RUN_COMPLETE")));
    assertTrue(Files.exists(dir.resolve("plain/_checkpoints/seed=1/task=5.h2ckpt")));

    List<Row> taskResults = read("plain", "task_results");
    assertEquals(10, taskResults.size());
    // H² at work: every later task reuses some of the earlier tasks' weights, and none forgot.
    for (Row r : taskResults) {
      double reused = r.<Double>getAs("reused_fraction");
      assertTrue(r.<Integer>getAs("task") == 1 ? reused == 0 : reused > 0, r.toString());
      assertEquals(r.<Double>getAs("acc_after_task"), r.<Double>getAs("acc_final"), r.toString());
    }
    List<Row> summary = read("plain", "summary");
    assertEquals(
        List.of(
            "T1",
            "T2",
            "T3",
            "T4",
            "T5",
            "Avg",
            "ACC",
            "BWT",
            "forgetting",
            "capacity_used",
            "capacity_free"),
        summary.stream().map(r -> r.<String>getAs("task")).toList());
    // Real H² training: BWT and forgetting exactly 0, and the table shows it.
    assertEquals(0.0, summary.get(7).<Double>getAs("mean_acc"));
    assertEquals(0.0, summary.get(8).<Double>getAs("mean_acc"));
    assertTrue(uninterrupted.paperTable().contains("BWT 0.00 ± 0.00"), uninterrupted.paperTable());
    // The history: every epoch of both seeds, each with its learning rate.
    List<Row> history = read("plain", "history");
    assertFalse(history.isEmpty());
    assertTrue(history.stream().allMatch(r -> r.<Double>getAs("lr") > 0), history.toString());
    Map<Integer, List<Double>> bySeed = new TreeMap<>();
    for (int k = 1; k <= 5; k++) {
      int task = k;
      double[] acc =
          taskResults.stream()
              .filter(r -> r.<Integer>getAs("task") == task)
              .mapToDouble(r -> r.<Double>getAs("acc_final"))
              .toArray();
      assertMeanStd(summary.get(k - 1), acc);
    }
    taskResults.forEach(
        r ->
            bySeed
                .computeIfAbsent(r.<Integer>getAs("seed"), s -> new ArrayList<>())
                .add(r.<Double>getAs("acc_final")));
    assertMeanStd(
        summary.get(5),
        bySeed.values().stream()
            .mapToDouble(l -> l.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
            .toArray());
    assertEquals(PaperTable.format(summary), uninterrupted.paperTable());
  }

  private static void assertMeanStd(Row row, double[] v) {
    double mean = (v[0] + v[1]) / 2;
    double std = Math.abs(v[0] - v[1]) / Math.sqrt(2); // sample std of two values
    assertEquals(2, v.length);
    assertEquals(mean, row.<Double>getAs("mean_acc"), 1e-9, row.toString());
    assertEquals(std, row.<Double>getAs("std_acc"), 1e-9, row.toString());
    assertEquals(2, row.<Integer>getAs("n_seeds"));
  }

  @Test
  void aRetriedAttemptResumesFromItsCheckpointAndEqualsAnUninterruptedRun() {
    JobReport retried =
        H2Job.run(
            spark, settings("retried"), JobOptions.failOnFirstAttemptAfterTask(2), SeedRunner::run);

    assertTrue(retried.complete(), retried.failures().toString());
    retried.results().forEach(r -> assertEquals(2, r.resumedFromTask(), "seed " + r.seed()));
    List<Row> rows = read("retried", "task_results");
    assertEquals(10, rows.size());
    assertEquals(
        10, rows.stream().map(r -> r.getAs("seed") + "/" + r.getAs("task")).distinct().count());
    assertEquals(
        4, rows.stream().filter(r -> r.<Boolean>getAs("resumed")).count(), "tasks 1-2 of 2 seeds");
    assertEquals(science(read("plain", "task_results")), science(rows));
    assertEquals(
        cells(read("plain", "accuracy_matrix")), cells(read("retried", "accuracy_matrix")));
    // The checkpoints carry the history: the restored tasks' epochs are there, as trained.
    assertEquals(curves(read("plain", "history")), curves(read("retried", "history")));
  }

  /** The history without the wall times, one line per epoch in table order. */
  private static List<String> curves(List<Row> history) {
    return history.stream()
        .map(
            r ->
                String.join(
                    "/",
                    String.valueOf(r.<Object>getAs("method")),
                    String.valueOf(r.<Object>getAs("seed")),
                    String.valueOf(r.<Object>getAs("task")),
                    String.valueOf(r.<Object>getAs("phase")),
                    String.valueOf(r.<Object>getAs("epoch")),
                    String.valueOf(r.<Object>getAs("loss")),
                    String.valueOf(r.<Object>getAs("train_accuracy")),
                    String.valueOf(r.<Object>getAs("lr")),
                    String.valueOf(r.<Object>getAs("switched_off"))))
        .toList();
  }

  /** The uninterrupted run's checkpoints of {@code seeds}, copied under {@code output}. */
  private static void copyCheckpoints(String output, int... seeds) throws IOException {
    // With the job's marks, as its own earlier run would have left them.
    for (String folder : List.of("", "_checkpoints")) {
      Path to = Files.createDirectories(dir.resolve(output).resolve(folder));
      Files.copy(
          dir.resolve("plain").resolve(folder).resolve(OwnedFolder.MARKER),
          to.resolve(OwnedFolder.MARKER));
    }
    for (int seed : seeds) {
      Path from = dir.resolve("plain/_checkpoints/seed=" + seed);
      Path to = Files.createDirectories(dir.resolve(output + "/_checkpoints/seed=" + seed));
      try (Stream<Path> files = Files.list(from)) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
  }

  static H2Settings withTrainLr(H2Settings s, double lr) {
    return new H2Settings(
        s.seeds(),
        s.methods(),
        s.data(),
        s.model(),
        new H2Settings.TrainSettings(
            s.train().epochs(), lr, s.train().momentum(), s.train().batchSize()),
        s.retrain(),
        s.association(),
        s.reinitStd(),
        s.reuse(),
        s.prune(),
        s.fixes(),
        s.compute(),
        s.output(),
        s.checkpoint(),
        s.spark(),
        s.rendered());
  }

  @Test
  void aSeedWhoseLossDivergesFailsAloneNamingSeedTaskAndPhase() throws IOException {
    // Seed 0 restores the uninterrupted run's checkpoints; seed 1 trains with a huge rate.
    copyCheckpoints("diverged", 0);
    H2Settings exploding =
        SettingsFixture.load(
            SettingsFixture.arguments(
                dir.resolve("data").toUri().toString(),
                dir.resolve("diverged").toUri().toString(),
                "h2.spark.master=\"local[2,2]\"",
                "h2.train.lr=1e30"));
    SeedTrainer seed1Explodes =
        (s, seed, checkpoints, listener) ->
            SeedRunner.run(seed == 1 ? exploding : s, seed, checkpoints, listener);

    JobReport report = H2Job.run(spark, settings("diverged"), JobOptions.none(), seed1Explodes);

    assertFalse(report.complete());
    assertEquals(List.of(0), report.results().stream().map(SeedResult::seed).toList());
    assertEquals(1, report.failures().size());
    String error = report.failures().get(0).error();
    assertEquals(1, report.failures().get(0).seed());
    assertTrue(
        error.startsWith("org.h2cl.h2.TrainingFailure: seed 1, task 1, phase TRAIN: loss is"),
        error);
    assertEquals(
        science(read("plain", "task_results")).headMap("1/"),
        science(read("diverged", "task_results")));
    assertFalse(Files.exists(dir.resolve("diverged/_RUN_COMPLETE")));
    Row run = read("diverged", "run").get(0);
    Row failed = run.<Row>getList(run.fieldIndex("failed_seeds")).get(0);
    assertEquals(1, failed.<Integer>getAs("seed"));
    assertEquals(error, failed.getAs("error"));
  }

  @Test
  void aBrokenZeroForgettingCheckFailsTheSeedNamingTaskAndPhase() throws IOException {
    // Seed 1's state after task 5 where task 2's accuracy right after training no longer matches
    // its weights: a well-formed checkpoint (the store rewrites checksum and fingerprint), so only
    // the final re-evaluation can notice.
    copyCheckpoints("forgot", 0, 1);
    H2Settings s = settings("forgot");
    CheckpointStore store =
        new CheckpointStore(s.checkpoint().uri(), Fingerprint.of(s, Versions.code()));
    ArrayBundle state = store.load(1, 5);
    double[] outcome = state.doubles("task.2.outcome").clone(); // task, acc_after_task, ...
    double measured = outcome[1];
    outcome[1] = measured == 42.0 ? 43.0 : 42.0;
    store.save(1, 5, state.put("task.2.outcome", outcome));

    JobReport report = H2Job.run(spark, s, JobOptions.none(), SeedRunner::run);

    assertFalse(report.complete());
    assertEquals(List.of(0), report.results().stream().map(SeedResult::seed).toList());
    String error = report.failures().get(0).error();
    assertTrue(
        error.startsWith(
            "org.h2cl.h2.TrainingFailure: seed 1, task 2, phase EVALUATE: zero-forgetting check"
                + " failed: accuracy "
                + outcome[1]
                + " % right after the task, "
                + measured
                + " % after the last task"),
        error);
    assertEquals(
        science(read("plain", "task_results")).headMap("1/"),
        science(read("forgot", "task_results")));
    assertFalse(Files.exists(dir.resolve("forgot/_RUN_COMPLETE")));
  }

  /** What training produced, per seed and task, without timings and resume flags. */
  private static TreeMap<String, String> science(List<Row> taskResults) {
    return taskResults.stream()
        .collect(
            Collectors.toMap(
                r -> r.getAs("seed") + "/" + r.getAs("task"),
                r ->
                    List.<Object>of(
                            r.getAs("acc_after_task"),
                            r.getAs("acc_final"),
                            r.getAs("owned_fraction"),
                            r.getAs("reused_fraction"),
                            r.getList(r.fieldIndex("association")),
                            r.getList(r.fieldIndex("association_logits")))
                        .toString(),
                (a, b) -> a + " DUPLICATE " + b,
                TreeMap::new));
  }

  private static Map<String, Double> cells(List<Row> matrix) {
    return matrix.stream()
        .collect(
            Collectors.toMap(
                r -> r.getAs("seed") + "/" + r.getAs("after_task") + "/" + r.getAs("task"),
                r -> r.<Double>getAs("accuracy"),
                (a, b) -> Double.NaN,
                TreeMap::new));
  }
}
