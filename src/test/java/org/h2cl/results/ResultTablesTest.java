package org.h2cl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.h2cl.h2.SeedResult;
import org.h2cl.spark.H2Job;
import org.h2cl.testing.SeedResults;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResultTablesTest {

  private static SparkSession spark;

  @TempDir java.nio.file.Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = H2Job.session(SettingsFixture.tiny("unused"));
  }

  @AfterAll
  static void stopSpark() throws java.io.IOException {
    spark.stop();
    if (earlier != null) {
      try (Stream<java.nio.file.Path> files = Files.walk(earlier)) {
        for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private static final double[][] ACC = {
    {99.1, 90.2, 95.3, 98.4, 97.5}, {98.0, 92.0, 96.0, 99.0, 98.0}, {97.2, 93.9, 94.1, 98.6, 99.3}
  };

  private static List<SeedResult> threeSeeds() {
    // Out of order on purpose: the tables sort by seed.
    return List.of(
        SeedResults.of(7, 0, ACC[2]), SeedResults.of(0, 0, ACC[0]), SeedResults.of(3, 2, ACC[1]));
  }

  private static RunInfo info(List<SeedFailure> failures) {
    return info("run-1", failures);
  }

  private static RunInfo info(String runId, List<SeedFailure> failures) {
    return new RunInfo(
        runId,
        "Split CIFAR-10",
        Instant.parse("2026-11-25T10:00:00Z"),
        Instant.parse("2026-11-25T11:00:00Z"),
        "{\"h2\":{}}",
        "abc123",
        new Versions("0.1.0", "3.5.3", "1.0.0-M2.1", "17", "2.12.18"),
        "local[2]",
        "local-1764669600000",
        "file:/out",
        "file:/out/_checkpoints",
        failures);
  }

  private Dataset<Row> read(String table) {
    return spark.read().parquet(tmp.resolve("out").resolve(table).toString());
  }

  @Test
  void writesFourTablesWithTheDocumentedSchemasAndAMarker() throws Exception {
    String out = tmp.resolve("out").toUri().toString();
    ResultTables.write(spark, threeSeeds(), info(List.of()), out);

    for (Map.Entry<String, StructType> t : ResultSchemas.TABLES.entrySet()) {
      assertEquals(t.getValue(), read(t.getKey()).schema(), t.getKey());
    }
    assertEquals(15, read("task_results").count());
    assertEquals(3 * 15, read("accuracy_matrix").count());
    // T1..T5, Avg, then ACC, BWT, forgetting, capacity used and free (no FWT without independent).
    assertEquals(11, read("summary").count());
    assertEquals(3 * 9, read("history").count());
    assertTrue(Files.exists(tmp.resolve("out/_RUN_COMPLETE")));
    assertTrue(Files.readString(tmp.resolve("out/_RUN_COMPLETE")).contains("run_id=run-1"));
    try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve("out"))) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("_staging")));
    }

    Row t32 = read("task_results").where("seed = 3 AND task = 2").first();
    assertEquals(92.0, t32.<Double>getAs("acc_final"));
    assertEquals(92.0, t32.<Double>getAs("acc_after_task"));
    assertEquals(0.1875, t32.<Double>getAs("owned_fraction"), 1e-12);
    assertEquals(List.of(1.0), t32.getList(t32.fieldIndex("association")));
    assertEquals(List.of(0.97), t32.getList(t32.fieldIndex("association_logits")));
    assertEquals(20.0, t32.<Double>getAs("train_seconds"));
    assertTrue(t32.<Boolean>getAs("resumed"), "seed 3 resumed after task 2");
    Row t33 = read("task_results").where("seed = 3 AND task = 3").first();
    assertFalse(t33.<Boolean>getAs("resumed"));
    assertEquals(0, read("task_results").where("task = 1 AND size(association) > 0").count());

    assertEquals(
        93.9,
        read("accuracy_matrix")
            .where("seed = 7 AND after_task = 5 AND task = 2")
            .first()
            .<Double>getAs("accuracy"));

    Row run = read("run").first();
    assertEquals("run-1", run.getAs("run_id"));
    assertTrue(run.<Boolean>getAs("complete"));
    assertEquals("{\"h2\":{}}", run.getAs("config_json"));
    assertEquals("abc123", run.getAs("fingerprint"));
    assertEquals("3.5.3", run.getAs("spark_version"));
    assertEquals("2.12.18", run.getAs("scala_version"));
    assertEquals(
        Instant.parse("2026-11-25T11:00:00Z"),
        run.<java.sql.Timestamp>getAs("ended_at").toInstant());
    List<Row> seeds = run.getList(run.fieldIndex("seeds"));
    assertEquals(List.of(0, 3, 7), seeds.stream().map(s -> s.<Integer>getAs("seed")).toList());
    assertEquals(2, seeds.get(1).<Integer>getAs("resumed_from_task"));
    assertEquals("cpu", seeds.get(1).getAs("device"));
    assertTrue(run.getList(run.fieldIndex("failed_seeds")).isEmpty());
  }

  @Test
  void summaryIsMeanAndSampleStdOverSeedsAndTheAverageOfPerSeedMeans() {
    String out = tmp.resolve("out").toUri().toString();
    List<Row> returned = ResultTables.write(spark, threeSeeds(), info(List.of()), out);
    List<Row> all = read("summary").collectAsList();
    assertEquals(all, returned);
    List<Row> summary = all.subList(0, 6);

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
        all.stream().map(r -> r.<String>getAs("task")).toList());
    for (int k = 0; k < 5; k++) {
      double[] column = {ACC[0][k], ACC[1][k], ACC[2][k]};
      assertSummaryRow(summary.get(k), column);
    }
    double[] seedMeans = new double[3];
    for (int s = 0; s < 3; s++) {
      seedMeans[s] = (ACC[s][0] + ACC[s][1] + ACC[s][2] + ACC[s][3] + ACC[s][4]) / 5;
    }
    assertSummaryRow(summary.get(5), seedMeans);
    all.forEach(r -> assertEquals("Split CIFAR-10", r.getAs("benchmark")));
    all.forEach(r -> assertEquals("h2", r.getAs("method")));
    // ACC is Avg; these hand-made seeds never forget, so BWT and forgetting are exactly 0.
    assertEquals(summary.get(5).<Double>getAs("mean_acc"), all.get(6).<Double>getAs("mean_acc"));
    assertEquals(0.0, all.get(7).<Double>getAs("mean_acc"));
    assertEquals(0.0, all.get(8).<Double>getAs("mean_acc"));
    assertEquals(100 * (1 - SeedResults.free(5)), all.get(9).<Double>getAs("mean_acc"), 1e-12);

    String text = PaperTable.format(summary);
    assertTrue(
        text.contains(String.format("%.2f ± %.2f", mean(seedMeans), sampleStd(seedMeans))), text);
    assertTrue(text.contains("paper"), text);
  }

  private static void assertSummaryRow(Row row, double[] values) {
    assertEquals(mean(values), row.<Double>getAs("mean_acc"), 1e-9, row.toString());
    assertEquals(sampleStd(values), row.<Double>getAs("std_acc"), 1e-9, row.toString());
    assertEquals(values.length, row.<Integer>getAs("n_seeds"));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double sampleStd(double[] v) {
    double m = mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (v.length - 1));
  }

  /**
   * Two methods, given out of order: every table lists h2 before finetune (Method's order), then by
   * seed; the summary has a block per method with FWT nowhere (no independent), history keeps a
   * null switched_off where no selection ran; with csv the same rows come out as CSV too.
   */
  @Test
  void everyTableHasAMethodColumnAndCsvCopiesHoldTheSameRows() throws Exception {
    String out = tmp.resolve("out").toUri().toString();
    List<SeedResult> results =
        List.of(
            SeedResults.of("finetune", 1, 0, 70.0, 90.0),
            SeedResults.of("h2", 1, 0, 99.0, 98.0),
            SeedResults.of("finetune", 0, 0, 60.0, 92.0),
            SeedResults.of("h2", 0, 0, 97.0, 96.0));
    List<Row> summary = ResultTables.write(spark, results, info(List.of()), out, true);

    assertEquals(
        List.of("h2 0", "h2 1", "finetune 0", "finetune 1"),
        read("run").first().<Row>getList(read("run").first().fieldIndex("seeds")).stream()
            .map(r -> r.getAs("method") + " " + r.getAs("seed"))
            .toList());
    assertEquals(
        List.of("h2", "h2", "h2", "h2", "finetune", "finetune", "finetune", "finetune"),
        read("task_results").collectAsList().stream().map(r -> r.<String>getAs("method")).toList());
    List<String> labels =
        summary.stream().map(r -> r.getAs("method") + " " + r.getAs("task")).toList();
    assertEquals(16, labels.size(), labels.toString());
    assertEquals("h2 T1", labels.get(0));
    assertEquals("finetune T1", labels.get(8));
    assertTrue(labels.stream().noneMatch(l -> l.endsWith("FWT")), labels.toString());
    // The hand-made seeds keep their accuracies: even "finetune" here has a BWT of exactly 0.
    assertEquals(0.0, summary.get(12).<Double>getAs("mean_acc"));
    assertEquals("BWT", summary.get(12).getAs("task"));
    assertEquals(65.0, summary.get(8).<Double>getAs("mean_acc"));

    List<Row> history = read("history").collectAsList();
    assertEquals(4 * 3, history.size());
    assertNull(history.get(0).getAs("switched_off"));
    assertEquals(0.125, history.get(2).<Double>getAs("switched_off"));

    java.nio.file.Path csv = tmp.resolve("out/csv");
    for (String table : ResultSchemas.TABLES.keySet()) {
      List<String> lines = Files.readAllLines(csv.resolve(table + ".csv"));
      assertEquals(
          String.join(",", ResultSchemas.TABLES.get(table).fieldNames()), lines.get(0), table);
      assertEquals(read(table).count(), lines.size() - 1, table);
    }
    List<String> tasks = Files.readAllLines(csv.resolve("task_results.csv"));
    assertEquals("h2,0,2,96.0,96.0,0.1875,0.02,[1.0],[1.0],20.0,false", tasks.get(2));
    List<String> hist = Files.readAllLines(csv.resolve("history.csv"));
    assertEquals("h2,0,1,train,0,1.0,97.0,0.01,2.0,", hist.get(1));
    String run = Files.readAllLines(csv.resolve("run.csv")).get(1);
    assertTrue(run.contains("\"[{\"\"method\"\":\"\"h2\"\",\"\"seed\"\":0,"), run);

    // A run without csv removes the copies the earlier one wrote.
    ResultTables.write(spark, results, info("run-2", List.of()), out);
    assertFalse(Files.exists(csv));
  }

  @Test
  void oneSeedHasANullStd() {
    String out = tmp.resolve("out").toUri().toString();
    ResultTables.write(spark, List.of(SeedResults.of(4, 0, 99.0, 95.0)), info(List.of()), out);
    List<Row> summary = read("summary").collectAsList();
    assertEquals(
        List.of("T1", "T2", "Avg", "ACC", "BWT", "forgetting", "capacity_used", "capacity_free"),
        summary.stream().map(r -> r.<String>getAs("task")).toList());
    assertEquals(97.0, summary.get(2).<Double>getAs("mean_acc"));
    summary.forEach(r -> assertNull(r.getAs("std_acc")));
  }

  @Test
  void aRunWithAFailedSeedReplacesOldTablesButGetsNoMarker() {
    String out = tmp.resolve("out").toUri().toString();
    ResultTables.write(spark, threeSeeds(), info(List.of(new SeedFailure(9, "boom"))), out);
    assertEquals(15, read("task_results").count());
    ResultTables.write(
        spark,
        List.of(SeedResults.of(0, 0, ACC[0])),
        info(List.of(new SeedFailure(9, "boom"))),
        out);

    assertEquals(5, read("task_results").count());
    assertFalse(Files.exists(tmp.resolve("out/_RUN_COMPLETE")));
    Row run = read("run").first();
    assertFalse(run.<Boolean>getAs("complete"));
    List<Row> failed = run.getList(run.fieldIndex("failed_seeds"));
    assertEquals(9, failed.get(0).<Integer>getAs("seed"));
    assertEquals("boom", failed.get(0).getAs("error"));
  }

  /** Stands in for a crash of the driver at one step of writing the tables. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static java.util.function.Consumer<String> crashAt(String step) {
    return s -> {
      if (s.equals(step)) {
        throw new Crash();
      }
    };
  }

  /** The tables of an unfinished run (3 seeds, one failed), written once and copied per test. */
  private static java.nio.file.Path earlier;

  /** The earlier run's tables in "out", then run-2 with one seed and no failure. */
  private String earlierRunThenCrashAt(String step) throws java.io.IOException {
    if (earlier == null) {
      earlier = Files.createTempDirectory("earlier-run");
      ResultTables.write(
          spark,
          threeSeeds(),
          info("run-1", List.of(new SeedFailure(9, "x"))),
          earlier.toUri().toString());
    }
    try (Stream<java.nio.file.Path> files = Files.walk(earlier)) {
      for (java.nio.file.Path f : files.toList()) {
        Files.copy(f, tmp.resolve("out").resolve(earlier.relativize(f).toString()));
      }
    }
    String out = tmp.resolve("out").toUri().toString();
    assertThrows(
        Crash.class,
        () ->
            ResultTables.write(
                spark,
                List.of(SeedResults.of(0, 0, ACC[0])),
                info("run-2", List.of()),
                out,
                crashAt(step)));
    return out;
  }

  private String runIdOfEveryTable() {
    // Each table tells which run wrote it: the row count of task_results and accuracy_matrix, the
    // n_seeds of summary and the run_id of run.
    return read("task_results").count()
        + "/"
        + read("accuracy_matrix").count()
        + "/"
        + read("summary").first().<Integer>getAs("n_seeds")
        + "/"
        + read("run").first().<String>getAs("run_id");
  }

  private java.util.List<String> stagingFolders() throws java.io.IOException {
    try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve("out"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("_staging"))
          .toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"staged summary"})
  void aCrashWhileTablesAreStagedLeavesTheEarlierTables(String step) throws Exception {
    String out = earlierRunThenCrashAt(step);
    assertEquals("15/45/3/run-1", runIdOfEveryTable());

    List<String> completed =
        new OutputFolder(out, spark.sparkContext().hadoopConfiguration())
            .completeInterruptedPublish();

    assertEquals(List.of(), completed);
    assertEquals("15/45/3/run-1", runIdOfEveryTable());
    assertEquals(List.of(), stagingFolders(), "the half-written staging folder is dropped");
    assertFalse(Files.exists(tmp.resolve("out/_RUN_COMPLETE")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"_READY", "summary", "_RUN_COMPLETE"})
  void aCrashWhileTablesMoveIsCompletedByTheNextStart(String step) throws Exception {
    String out = earlierRunThenCrashAt(step);

    List<String> completed =
        new OutputFolder(out, spark.sparkContext().hadoopConfiguration())
            .completeInterruptedPublish();

    assertEquals(List.of("_staging-run-2"), completed);
    assertEquals("5/15/1/run-2", runIdOfEveryTable(), "every table is the new run's");
    assertTrue(Files.readString(tmp.resolve("out/_RUN_COMPLETE")).contains("run_id=run-2"));
    assertEquals(List.of(), stagingFolders());
    // Completing again changes nothing.
    assertEquals(
        List.of(),
        new OutputFolder(out, spark.sparkContext().hadoopConfiguration())
            .completeInterruptedPublish());
    assertEquals("5/15/1/run-2", runIdOfEveryTable());
  }
}
