package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.checkpoint.CheckpointException;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.data.DataException;
import org.h2cl.h2.SeedResult;
import org.h2cl.results.PaperTable;
import org.h2cl.results.ResultSchemas;
import org.h2cl.results.ResultsException;
import org.h2cl.storage.OwnedFolder;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's plumbing, with a trainer that takes milliseconds; {@code local[2]}. */
class H2JobTest {

  private static SparkSession spark;

  @TempDir java.nio.file.Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = H2Job.session(SettingsFixture.tiny("unused"));
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private H2Settings settings(boolean overwrite, String... overrides) {
    List<String> args = new ArrayList<>(List.of(overrides));
    args.add(0, "h2.output.overwrite=" + overwrite);
    return SettingsFixture.tiny(tmp.resolve("out").toUri().toString(), args.toArray(String[]::new));
  }

  private JobReport run(H2Settings s, JobOptions options) {
    return H2Job.run(spark, s, options, new FakeTrainer());
  }

  private Dataset<Row> read(String table) {
    return spark.read().parquet(tmp.resolve("out").resolve(table).toString());
  }

  @Test
  void trainsEverySeedAndWritesTablesCheckpointsAndMarker() {
    JobReport report = run(settings(false), JobOptions.none());

    assertTrue(report.complete());
    assertEquals(List.of(0, 1), report.results().stream().map(SeedResult::seed).toList());
    assertTrue(Files.exists(tmp.resolve("out/_RUN_COMPLETE")));
    for (String table : ResultSchemas.TABLES.keySet()) {
      assertEquals(ResultSchemas.TABLES.get(table), read(table).schema(), table);
    }
    assertEquals(10, read("task_results").count());
    assertEquals(
        FakeTrainer.accuracy(1, 3),
        read("task_results").where("seed = 1 AND task = 3").first().<Double>getAs("acc_final"));
    for (int seed : List.of(0, 1)) {
      for (int task = 1; task <= 5; task++) {
        assertTrue(
            Files.exists(
                tmp.resolve("out/_checkpoints/seed=" + seed + "/task=" + task + ".h2ckpt")));
      }
    }
    assertEquals(PaperTable.format(read("summary").collectAsList()), report.paperTable());
    Row run = read("run").first();
    assertEquals(report.runId(), run.getAs("run_id"));
    assertEquals("local[2]", run.getAs("master"));
    assertEquals(report.outputUri(), run.getAs("output_uri"));
    assertTrue(run.<String>getAs("checkpoint_uri").endsWith("/out/_checkpoints"));
  }

  /**
   * Two methods make method × seed tasks: every table has both, each method's checkpoints live in
   * their own folder (h2's where a single-method run puts them), the printed table has a block per
   * method; overwrite deletes them all.
   */
  @Test
  void everyMethodTrainsEverySeedWithItsOwnCheckpoints() {
    JobReport report = run(settings(false, "h2.methods=[packnet, h2]"), JobOptions.none());

    assertTrue(report.complete());
    assertEquals(
        List.of("packnet 0", "packnet 1", "h2 0", "h2 1"),
        report.results().stream().map(r -> r.method() + " " + r.seed()).toList());
    assertEquals(20, read("task_results").count());
    assertEquals(10, read("task_results").where("method = 'packnet'").count());
    assertEquals(
        List.of("h2", "packnet"),
        read("summary").select("method").distinct().collectAsList().stream()
            .map(r -> r.getString(0))
            .sorted()
            .toList());
    for (int seed : List.of(0, 1)) {
      assertTrue(Files.exists(tmp.resolve("out/_checkpoints/seed=" + seed + "/task=5.h2ckpt")));
      assertTrue(
          Files.exists(
              tmp.resolve("out/_checkpoints/method=packnet/seed=" + seed + "/task=5.h2ckpt")));
    }
    String table = report.paperTable();
    assertTrue(table.contains("\nh2 ") && table.contains("\npacknet "), table);
    assertTrue(table.indexOf("\nh2 ") < table.indexOf("\npacknet "), table);
    assertEquals(
        2, read("run").first().getList(read("run").schema().fieldIndex("seeds")).size() / 2);

    JobReport again = run(settings(true, "h2.methods=[h2]"), JobOptions.none());
    assertTrue(again.complete());
    assertFalse(Files.exists(tmp.resolve("out/_checkpoints/method=packnet/seed=0")));
    assertEquals(0, read("task_results").where("method = 'packnet'").count());
  }

  @Test
  void aFinishedRunIsRefusedWithoutOverwriteAndLeftUntouched() throws IOException {
    run(settings(false), JobOptions.none());
    Map<String, String> before = snapshot(tmp.resolve("out"));

    ResultsException e =
        assertThrows(ResultsException.class, () -> run(settings(false), JobOptions.none()));

    assertTrue(e.getMessage().contains(tmp.resolve("out").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("finished run"), e.getMessage());
    assertTrue(e.getMessage().contains("h2.output.overwrite=true"), e.getMessage());
    assertEquals(before, snapshot(tmp.resolve("out")));
  }

  @Test
  void overwriteReplacesAFinishedRunAndItsCheckpoints() {
    JobReport first = run(settings(false), JobOptions.none());
    JobReport second = run(settings(true), JobOptions.none());

    assertNotEquals(first.runId(), second.runId());
    assertEquals(second.runId(), read("run").first().getAs("run_id"));
    // Trained afresh, not restored from the first run's checkpoints.
    second.results().forEach(r -> assertEquals(0, r.resumedFromTask()));
    assertEquals(0, read("task_results").where("resumed").count());
  }

  @Test
  void aSeedThatFailsForGoodLosesNoOtherSeedAndTheRerunResumesIt() {
    JobReport failed = run(settings(false), JobOptions.failAlwaysAfterTask(1, 2));

    assertFalse(failed.complete());
    assertEquals(1, failed.failures().size());
    assertEquals(1, failed.failures().get(0).seed());
    assertTrue(
        failed.failures().get(0).error().contains("injected failure of seed 1 after task 2"),
        failed.failures().get(0).error());
    assertEquals(List.of(0), failed.results().stream().map(SeedResult::seed).toList());
    assertFalse(Files.exists(tmp.resolve("out/_RUN_COMPLETE")));
    assertEquals(5, read("task_results").where("seed = 0").count());
    assertEquals(0, read("task_results").where("seed = 1").count());
    Row run = read("run").first();
    assertFalse(run.<Boolean>getAs("complete"));
    assertEquals(1, run.getList(run.fieldIndex("failed_seeds")).size());

    JobReport rerun = run(settings(false), JobOptions.none());

    assertTrue(rerun.complete());
    assertTrue(Files.exists(tmp.resolve("out/_RUN_COMPLETE")));
    assertEquals(
        Map.of(0, 5, 1, 2),
        Map.of(
            rerun.results().get(0).seed(), rerun.results().get(0).resumedFromTask(),
            rerun.results().get(1).seed(), rerun.results().get(1).resumedFromTask()));
    assertEquals(10, read("task_results").count());
    assertEquals(10, read("task_results").select("seed", "task").distinct().count());
    assertEquals(
        FakeTrainer.accuracy(1, 5),
        read("task_results").where("seed = 1 AND task = 5").first().<Double>getAs("acc_final"));
  }

  @Test
  void checkpointsOfAnotherSetupStopTheRunBeforeAnyTraining() throws IOException {
    H2Settings s = settings(false);
    new CheckpointStore(s.checkpoint().uri(), "another-setup")
        .save(1, 1, new ArrayBundle().put("acc", new double[] {1}));
    // As an earlier run of the job left them: marked as its own.
    for (String folder : List.of("out", "out/_checkpoints")) {
      Files.writeString(tmp.resolve(folder).resolve(OwnedFolder.MARKER), "earlier run\n");
    }

    CheckpointException e =
        assertThrows(CheckpointException.class, () -> run(s, JobOptions.none()));

    assertTrue(e.getMessage().contains("different configuration"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("out/task_results")));
    assertFalse(Files.exists(tmp.resolve("out/_checkpoints/seed=0")));
  }

  @Test
  void anUnfinishedRunIsNotResumedUnderChangedSettings() throws IOException {
    run(settings(false), JobOptions.failAlwaysAfterTask(1, 2));
    Map<String, String> before = snapshot(tmp.resolve("out"));
    H2Settings moreEpochs =
        settings(false, "h2.train.epochs=" + (settings(false).train().epochs() + 1));

    CheckpointException e =
        assertThrows(CheckpointException.class, () -> run(moreEpochs, JobOptions.none()));

    assertTrue(e.getMessage().contains("written under a different configuration"), e.getMessage());
    assertTrue(e.getMessage().contains("seed=0/task=5.h2ckpt"), e.getMessage());
    assertTrue(
        e.getMessage().contains("differing: h2.train.epochs (2 in the checkpoint, 3 in this run)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("h2.output.overwrite=true"), e.getMessage());
    assertEquals(before, snapshot(tmp.resolve("out")), "nothing changed, nothing mixed in");
  }

  @Test
  void aMissingDataSetStopsTheRunOnTheDriverBeforeAnyTraining() {
    H2Settings s =
        SettingsFixture.tiny(
            tmp.resolve("out").toUri().toString(), "h2.data.source=cifar10-binary");

    DataException e = assertThrows(DataException.class, () -> run(s, JobOptions.none()));

    assertTrue(e.getMessage().contains("h2.data.download=true"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("out/task_results")));
    assertFalse(Files.exists(tmp.resolve("out/_checkpoints")));
  }

  @Test
  void sparkConfTakesTheMasterFromSparkSubmitFirst() {
    H2Settings s = SettingsFixture.tiny("out");
    SparkConf local = H2Job.sparkConf(s);
    assertEquals("local[2]", local.get("spark.master"));
    assertEquals("127.0.0.1", local.get("spark.driver.host"));
    assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
    assertEquals("false", local.get("spark.ui.enabled"));
    assertEquals("org.apache.spark.serializer.KryoSerializer", local.get("spark.serializer"));
    assertTrue(local.get("spark.kryo.registrator").contains("org.nd4j.kryo.Nd4jRegistrator"));

    // spark-submit passes its settings as system properties.
    System.setProperty("spark.master", "spark://cluster:7077");
    try {
      SparkConf submitted = H2Job.sparkConf(s);
      assertEquals("spark://cluster:7077", submitted.get("spark.master"));
      assertFalse(submitted.contains("spark.driver.bindAddress"));
    } finally {
      System.clearProperty("spark.master");
    }
  }

  @Test
  void secretsInTheSettingsReachNeitherTheRunTableNorTheLog() {
    String secret = "wJalrXUtnFEMI-K7MDENG";
    H2Settings s =
        SettingsFixture.tiny(
            tmp,
            "h2.seeds=[0]",
            "h2.data.synthetic.train-per-class=4",
            "h2.data.synthetic.test-per-class=2",
            "h2.data.cifar10-binary.download-url=\"https://AKIAEXAMPLE:"
                + secret
                + "@example.org/c.tgz\"");
    StringWriter log = new StringWriter();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    WriterAppender appender =
        WriterAppender.newBuilder()
            .setName("capture")
            .setTarget(log)
            .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build())
            .build();
    appender.start();
    ctx.getConfiguration().getLoggerConfig("org.h2cl").addAppender(appender, Level.INFO, null);
    ctx.updateLoggers();
    try {
      run(s, JobOptions.none());
    } finally {
      ctx.getConfiguration().getLoggerConfig("org.h2cl").removeAppender("capture");
      ctx.updateLoggers();
      appender.stop();
    }

    String configJson = read("run").first().getAs("config_json");
    assertTrue(configJson.contains("https://***@example.org/c.tgz"), configJson);
    assertTrue(log.toString().contains("https://***@example.org/c.tgz"), log.toString());
    for (String text : List.of(configJson, log.toString())) {
      assertFalse(text.contains(secret), text);
      assertFalse(text.contains("AKIAEXAMPLE"), text);
    }
  }

  @Test
  void aLocalSessionListensOnLoopbackOnlyWithoutAUi() {
    // The session of this class, made by H2Job.session from settings with h2.spark.ui=false.
    assertEquals("127.0.0.1", spark.conf().get("spark.driver.host"));
    assertEquals("127.0.0.1", spark.conf().get("spark.driver.bindAddress"));
    assertEquals("127.0.0.1", SparkEnv.get().rpcEnv().address().host());
    assertEquals("127.0.0.1", SparkEnv.get().blockManager().blockManagerId().host());
    assertTrue(spark.sparkContext().ui().isEmpty(), "no web UI unless h2.spark.ui=true");
    H2Settings withUi = SettingsFixture.tiny("out", "h2.spark.ui=true");
    assertEquals("true", H2Job.sparkConf(withUi).get("spark.ui.enabled"), "asked for: on");
  }

  @Test
  void aFailureIsDescribedInOneLine() {
    SparkException wrapped =
        new SparkException(
            "Job aborted due to stage failure: Task 0 in stage 3.0 failed 2 times, most recent"
                + " failure: Lost task 0.1 (TID 7): java.lang.IllegalStateException: out of"
                + " memory\n\tat org.h2cl.Foo.bar(Foo.java:1)\n",
            new IllegalStateException("out of memory\nmore"));
    assertEquals("java.lang.IllegalStateException: out of memory", H2Job.describe(wrapped));
    assertEquals(
        "Lost task 0.1 (TID 7): java.lang.IllegalStateException: out of memory",
        H2Job.describe(new SparkException(wrapped.getMessage())));
  }

  /** Every file under {@code root}: relative path to modification time and content hash. */
  private static Map<String, String> snapshot(java.nio.file.Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<java.nio.file.Path> walk = Files.walk(root)) {
      for (java.nio.file.Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(
            root.relativize(f).toString(),
            Files.getLastModifiedTime(f).toMillis() + ":" + Arrays.hashCode(Files.readAllBytes(f)));
      }
    }
    assertFalse(files.isEmpty());
    return files;
  }
}
