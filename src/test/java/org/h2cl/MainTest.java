package org.h2cl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.spark.SparkContext;
import org.h2cl.checkpoint.CheckpointException;
import org.h2cl.config.H2Settings;
import org.h2cl.data.DataException;
import org.h2cl.progress.ProgressView;
import org.h2cl.results.SeedFailure;
import org.h2cl.spark.JobReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line, with the job replaced by a function: no Spark here. */
class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicReference<H2Settings> ran = new AtomicReference<>();
  private final AtomicReference<Boolean> verbose = new AtomicReference<>();

  private int main(Function<H2Settings, JobReport> job, String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        (s, v) -> {
          ran.set(s);
          verbose.set(v);
          return job.apply(s);
        });
  }

  private static JobReport report(List<SeedFailure> failures) {
    return new JobReport("r", "file:/out", List.of(), failures, "");
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsOptionsConfFilesAndTheKeyReference() {
    assertEquals(Main.OK, main(s -> report(List.of()), "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String expected :
        List.of(
            "--conf FILE",
            "h2.key=value",
            "--verbose",
            "redrawn in place on a terminal",
            "conf/paper.conf",
            "The paper's experiment (docs/ALGORITHM.md): real CIFAR-10, ten runs.",
            "conf/quickstart.conf",
            "reference.conf",
            "docs/OUTPUT.md",
            "Exit codes")) {
      assertTrue(help.contains(expected), expected + " missing from\n" + help);
    }
    assertNull(ran.get());
  }

  @Test
  void verboseReachesTheJobForItsProgressDisplayAndGivesLibrariesTheirStackTraces() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    assertEquals(Main.OK, main(s -> report(List.of()), "--conf", "conf/quickstart.conf"));
    assertFalse(verbose.get());
    assertEquals(
        List.of("brief"),
        List.copyOf(ctx.getConfiguration().getRootLogger().getAppenders().keySet()));
    try {
      assertEquals(
          Main.OK, main(s -> report(List.of()), "--verbose", "--conf", "conf/quickstart.conf"));
      assertTrue(verbose.get());
      assertEquals(
          List.of("stderr"),
          List.copyOf(ctx.getConfiguration().getRootLogger().getAppenders().keySet()));
      assertTrue(LogManager.getLogger("org.apache.spark.scheduler.TaskSetManager").isInfoEnabled());
    } finally {
      // --verbose turned Spark's INFO logging on for this whole test JVM.
      ctx.reconfigure();
    }
    assertFalse(LogManager.getLogger("org.apache.spark.SparkContext").isInfoEnabled());
  }

  @Test
  void sparksDefaultLogConfigurationIsReplacedByOurs() throws Exception {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    URI ours = ctx.getConfigLocation();
    URL sparkDefaults =
        SparkContext.class.getResource("/org/apache/spark/" + Main.SPARK_DEFAULT_LOG_CONFIG);
    var spark = LogManager.getLogger("org.apache.spark.SparkContext");
    try {
      // What spark-submit leaves when the cluster has no log4j2.properties of its own.
      ctx.setConfigLocation(sparkDefaults.toURI());
      assertTrue(spark.isInfoEnabled());
      Main.configureLogging(false);
      assertFalse(spark.isInfoEnabled());
      assertTrue(LogManager.getLogger(ProgressView.LOGGER).isInfoEnabled());
      assertTrue(ctx.getConfigLocation().toString().endsWith("/log4j2.properties"));
    } finally {
      ctx.setConfigLocation(ours);
    }
    assertFalse(spark.isInfoEnabled());
  }

  @Test
  void loadsTheConfFileAndOverridesOnceAndRunsTheJob() {
    int code =
        main(
            s -> report(List.of()),
            "--conf",
            "conf/quickstart.conf",
            "h2.seeds=[4]",
            "h2.train.epochs=3");
    assertEquals(Main.OK, code, err());
    assertEquals(List.of(4), ran.get().seeds());
    assertEquals(3, ran.get().train().epochs());
    assertEquals(16, ran.get().model().baseWidth()); // from quickstart.conf
  }

  @Test
  void usageErrorsExitTwoWithoutRunning() {
    assertEquals(Main.USER_ERROR, main(s -> report(List.of()), "--frobnicate"));
    assertTrue(err().contains("unknown argument '--frobnicate'"), err());
    assertEquals(Main.USER_ERROR, main(s -> report(List.of()), "--conf"));
    assertTrue(err().contains("--conf needs a file"), err());
    assertNull(ran.get());
  }

  @Test
  void aBadSettingNamesTheKeyWithoutAStackTrace() {
    assertEquals(Main.USER_ERROR, main(s -> report(List.of()), "h2.train.epochs=zero"));
    assertTrue(err().contains("h2.train.epochs"), err());
    assertFalse(err().contains("\tat "), err());
    assertNull(ran.get());
  }

  /** One case per kind of bad configuration: the job never starts, so nothing is written. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "h2.train.epoch=3                          | h2.train.epoch: unknown key (did you mean"
            + " h2.train.epochs?)",
        "h2.train.epochs=ten                       | h2.train.epochs: expected an integer, got"
            + " STRING \"ten\"",
        "h2.prune.ratio=1.5                        | h2.prune.ratio: expected a number in (0, 1)",
        "h2.seeds=[1,2,1]                          | h2.seeds: seed 1 appears more than once",
        "h2.seeds=[]                               | h2.seeds: expected a non-empty list",
        "h2.data.classes-per-task=3                | 5 x 3 = 15",
        "h2.reuse.selection-fraction=1.2           | selection epochs never exceed train epochs",
        "h2.output.uri=data/cifar-10-batches-bin/o | is inside the data folder h2.data.uri",
      })
  void everyKindOfBadSettingExitsTwoBeforeTheJobStarts(String argument, String expected) {
    assertEquals(Main.USER_ERROR, main(s -> report(List.of()), argument));
    assertTrue(err().contains(expected), err());
    assertFalse(err().contains("\tat "), err());
    assertNull(ran.get(), "the job must not start");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "h3.train.epochs = 3                    | h3.train.epochs: unknown key (did you mean"
            + " h2.train.epochs?) (set in ",
        "spark.hadoop.fs.s3a.secret.key = s3cr3t | spark.hadoop.fs.s3a.secret.key: Spark settings"
            + " are not read from a conf file (set in ",
      })
  void aKeyOutsideH2InAConfFileExitsTwoBeforeTheJobStarts(String line, String expected)
      throws IOException {
    Path conf = Files.createTempFile("outside", ".conf");
    try {
      Files.writeString(conf, line + "\n");
      assertEquals(Main.USER_ERROR, main(s -> report(List.of()), "--conf", conf.toString()));
      // CSV trims the trailing space of "(set in ".
      assertTrue(err().startsWith("error: " + expected + " " + conf), err());
      assertEquals(1, err().lines().count(), "one error line: " + err());
      assertFalse(err().contains("s3cr3t"), err());
      assertNull(ran.get(), "the job must not start");
    } finally {
      Files.delete(conf);
    }
  }

  @Test
  void userErrorsFromTheJobPrintTheirMessageOnly() {
    int code =
        main(
            s -> {
              throw new CheckpointException("checkpoint x was written under a different setup");
            });
    assertEquals(Main.USER_ERROR, code);
    assertEquals("error: checkpoint x was written under a different setup", err().strip());
  }

  @Test
  void credentialsInAMessageNeverReachTheConsole() {
    int code =
        main(
            s -> {
              throw new DataException(
                  "cannot reach the data folder \"s3a://AKIA:s3cr3t@bucket/cifar\" (h2.data.uri)");
            });
    assertEquals(Main.USER_ERROR, code);
    assertEquals(
        "error: cannot reach the data folder \"s3a://***@bucket/cifar\" (h2.data.uri)",
        err().strip());

    main(
        s ->
            new JobReport(
                "r",
                "s3a://AKIA:s3cr3t@bucket/out",
                List.of(),
                List.of(new SeedFailure(0, "cannot write s3a://AKIA:s3cr3t@bucket/out")),
                ""));
    assertFalse(err().contains("s3cr3t"), err());
    assertTrue(err().contains("s3a://***@bucket/out"), err());
  }

  @Test
  void aBugPrintsItsStackTrace() {
    int code =
        main(
            s -> {
              throw new NullPointerException("oops");
            });
    assertEquals(Main.BUG, code);
    assertTrue(err().contains("NullPointerException: oops") && err().contains("\tat "), err());
  }

  @Test
  void aFailedSeedExitsOneNamingIt() {
    int code =
        main(
            s -> report(List.of(new SeedFailure(1, "java.lang.OutOfMemoryError: GPU"))),
            "h2.seeds=[0,1]");
    assertEquals(Main.SEEDS_FAILED, code);
    assertTrue(err().contains("seed 1 failed: java.lang.OutOfMemoryError: GPU"), err());
    assertTrue(err().contains("1 of 2 seeds failed"), err());
  }
}
