package org.h2cl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.h2cl.config.H2Settings;
import org.h2cl.config.SettingsLoader;
import org.h2cl.data.SyntheticCifar;
import org.h2cl.h2.SeedRunner;
import org.h2cl.spark.H2Job;
import org.h2cl.spark.JobOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver killed with SIGKILL in the middle of a run: {@code org.h2cl.Main} runs in a child JVM,
 * is killed once every seed has a checkpoint but before the run finished, and the same command is
 * started again. It must finish with tables equal to an uninterrupted run's, without duplicates.
 */
class DriverKillTest {

  @TempDir Path dir;

  /** Tiny settings: two seeds, three tasks, a few seconds of training each. */
  private List<String> args(String output) {
    return List.of(
        "h2.seeds=[0,1]",
        "h2.data.source=synthetic",
        "h2.data.uri=" + dir.resolve("data").toUri(),
        "h2.data.synthetic.train-per-class=16",
        "h2.data.synthetic.test-per-class=8",
        "h2.data.tasks=3",
        "h2.model.base-width=4",
        "h2.train.epochs=1",
        "h2.train.batch-size=16",
        "h2.retrain.epochs=1",
        "h2.association.epochs=1",
        "h2.association.warmup-epochs=0",
        "h2.reuse.fisher-samples=2",
        "h2.spark.master=\"local[2]\"",
        "h2.output.uri=" + dir.resolve(output).toUri());
  }

  /** {@code java <this JVM's flags> -cp <this class path> org.h2cl.Main args}, output to a file. */
  private Process startMain(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The add-opens flags Spark needs and the ND4J build to load, as surefire's argLine has them.
      if (a.startsWith("--add-opens") || a.startsWith("-D")) {
        command.add(a);
      }
    }
    // A short run: the client compiler and one GC thread start faster on a busy machine.
    command.addAll(List.of("-Xmx2g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.add("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static long checkpoints(Path output, int seed) throws IOException {
    Path folder = output.resolve("_checkpoints/seed=" + seed);
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().matches("task=\\d+\\.h2ckpt")).count();
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Test
  void aDriverKilledMidRunResumesToTheTablesOfAnUninterruptedRun() throws Exception {
    H2Settings straight = SettingsLoader.load(Optional.empty(), args("straight"), new Properties());
    SyntheticCifar.ensure(straight.data(), new Configuration()); // shared by all three runs

    Path killed = dir.resolve("killed");
    Path firstLog = dir.resolve("first.log");
    Process first = startMain(args("killed"), firstLog);
    try {
      while (checkpoints(killed, 0) == 0 || checkpoints(killed, 1) == 0) {
        if (!first.isAlive()) {
          fail("the run ended before every seed had a checkpoint:\n" + tail(firstLog));
        }
        Thread.sleep(10);
      }
    } finally {
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the child
      first.waitFor(60, TimeUnit.SECONDS);
    }
    long[] atKill = {checkpoints(killed, 0), checkpoints(killed, 1)};
    assertFalse(
        Files.exists(killed.resolve("_RUN_COMPLETE")),
        "killed too late, the run had finished:\n" + tail(firstLog));
    assertTrue(atKill[0] < 3 || atKill[1] < 3, "some seed still had tasks to train");

    Path secondLog = dir.resolve("second.log");
    Process second = startMain(args("killed"), secondLog);
    assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the second run did not end");
    assertEquals(0, second.exitValue(), tail(secondLog));
    assertTrue(Files.readString(secondLog).contains("resuming an unfinished run"), tail(secondLog));

    // The same command, never interrupted, in this JVM (same flags and thread counts).
    SparkSession spark = H2Job.session(straight);
    try {
      assertTrue(H2Job.run(spark, straight, JobOptions.none(), SeedRunner::run).complete());

      List<Row> resumedRows = read(spark, killed, "task_results");
      assertEquals(6, resumedRows.size());
      assertEquals(
          science(read(spark, dir.resolve("straight"), "task_results")), science(resumedRows));
      assertEquals(
          cells(read(spark, dir.resolve("straight"), "accuracy_matrix")),
          cells(read(spark, killed, "accuracy_matrix")));
      Row run = read(spark, killed, "run").get(0);
      assertTrue(run.<Boolean>getAs("complete"));
      for (Row seed : run.<Row>getList(run.fieldIndex("seeds"))) {
        int s = seed.getAs("seed");
        assertEquals(
            atKill[s],
            (long) seed.<Integer>getAs("resumed_from_task"),
            "seed " + s + " resumes after its last checkpoint");
        assertEquals(
            atKill[s],
            resumedRows.stream()
                .filter(r -> r.<Integer>getAs("seed") == s && r.<Boolean>getAs("resumed"))
                .count());
      }
      assertTrue(Files.exists(killed.resolve("_RUN_COMPLETE")));
    } finally {
      spark.stop();
    }
  }

  private static List<Row> read(SparkSession spark, Path output, String table) {
    return spark.read().parquet(output.resolve(table).toString()).collectAsList();
  }

  /** What training produced, per seed and task; a duplicate row would show as "DUPLICATE". */
  private static Map<String, String> science(List<Row> taskResults) {
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
