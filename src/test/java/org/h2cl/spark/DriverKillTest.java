package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.h2cl.Main;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.data.SyntheticCifar;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.SeedRunner;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;
import org.h2cl.h2.TrainingListener;
import org.h2cl.testing.ChildJvm;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver killed with SIGKILL in the middle of a run: {@code org.h2cl.Main} runs in a child JVM,
 * is killed once every seed has a checkpoint but before the run finished, and the same command is
 * started again. It must finish with tables equal to an uninterrupted run's, without duplicates.
 * The uninterrupted run is the same seeds trained here, without Spark, as a Spark task trains them;
 * the tables are read with Parquet's own reader: no Spark session in this JVM keeps the test short.
 */
class DriverKillTest {

  @TempDir Path dir;

  /** Tiny settings: two seeds, three tasks, a few seconds of training each. */
  private List<String> args(String output) {
    return SettingsFixture.arguments(
        dir.resolve("data").toUri().toString(),
        dir.resolve(output).toUri().toString(),
        "h2.data.synthetic.train-per-class=16",
        "h2.data.synthetic.test-per-class=8",
        "h2.data.tasks=3",
        "h2.train.epochs=1",
        "h2.train.batch-size=16",
        "h2.association.epochs=1",
        "h2.association.warmup-epochs=0",
        "h2.reuse.fisher-samples=2");
  }

  /** {@code java <this JVM's flags> -cp <this class path> org.h2cl.Main args}, output to a file. */
  private Process startMain(List<String> args, Path log) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    return new ProcessBuilder(ChildJvm.command(tmp, Main.class, args))
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
    H2Settings straight = SettingsFixture.load(args("straight"));
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
    if (!second.waitFor(5, TimeUnit.MINUTES)) {
      second.destroyForcibly();
      fail("the second run did not end:\n" + tail(secondLog));
    }
    assertEquals(0, second.exitValue(), tail(secondLog));
    assertTrue(Files.readString(secondLog).contains("resuming an unfinished run"), tail(secondLog));
    // The killed driver could not remove its lock: its process is gone, so the lock is stale.
    assertTrue(Files.readString(secondLog).contains("taking over the lock of output folder"));
    assertFalse(Files.exists(killed.resolve("_H2_LOCK")), "released at the end");

    // The same seeds trained without interruption, in this JVM, as a Spark task trains them: one
    // ND4J thread (local[2] gives each task one core), the same flags and ND4J build.
    SeedTask.limitThreads(1);
    CheckpointStore scratch = new CheckpointStore(dir.resolve("straight").toUri().toString(), "-");
    List<SeedResult> straightRuns =
        List.of(
            SeedRunner.run(straight, 0, scratch, TrainingListener.NONE),
            SeedRunner.run(straight, 1, scratch, TrainingListener.NONE));

    List<Group> rows = read(killed.resolve("task_results"));
    assertEquals(6, rows.size());
    assertEquals(scienceOf(straightRuns), science(rows));
    assertEquals(cellsOf(straightRuns), cells(read(killed.resolve("accuracy_matrix"))));
    Group run = read(killed.resolve("run")).get(0);
    assertTrue(run.getBoolean("complete", 0));
    Group seeds = run.getGroup("seeds", 0);
    for (int i = 0; i < seeds.getFieldRepetitionCount("list"); i++) {
      Group seed = seeds.getGroup("list", i).getGroup("element", 0);
      int s = seed.getInteger("seed", 0);
      assertEquals(
          atKill[s],
          seed.getInteger("resumed_from_task", 0),
          "seed " + s + " resumes after its last checkpoint");
      assertEquals(
          atKill[s],
          rows.stream()
              .filter(r -> r.getInteger("seed", 0) == s && r.getBoolean("resumed", 0))
              .count());
    }
    assertTrue(Files.exists(killed.resolve("_RUN_COMPLETE")));
  }

  /** The rows of a table (every Parquet file of its folder), read without Spark. */
  private static List<Group> read(Path table) throws IOException {
    List<Group> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(table)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList()) {
        try (ParquetReader<Group> reader =
            ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(f.toUri()))
                .build()) {
          for (Group g = reader.read(); g != null; g = reader.read()) {
            rows.add(g);
          }
        }
      }
    }
    return rows;
  }

  /** A Spark-written array<double> column: a LIST group of elements. */
  private static List<Double> doubles(Group row, String column) {
    Group list = row.getGroup(column, 0);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
      values.add(list.getGroup("list", i).getDouble("element", 0));
    }
    return values;
  }

  /** What training produced, per seed and task; a duplicate row would show as "DUPLICATE". */
  private static Map<String, String> science(List<Group> taskResults) {
    return taskResults.stream()
        .collect(
            Collectors.toMap(
                r -> r.getInteger("seed", 0) + "/" + r.getInteger("task", 0),
                r ->
                    List.<Object>of(
                            r.getDouble("acc_after_task", 0),
                            r.getDouble("acc_final", 0),
                            r.getDouble("owned_fraction", 0),
                            r.getDouble("reused_fraction", 0),
                            doubles(r, "association"),
                            doubles(r, "association_logits"))
                        .toString(),
                (a, b) -> a + " DUPLICATE " + b,
                TreeMap::new));
  }

  private static Map<String, String> scienceOf(List<SeedResult> results) {
    Map<String, String> m = new TreeMap<>();
    for (SeedResult r : results) {
      for (TaskResult result : r.tasks()) {
        TaskOutcome o = result.outcome();
        m.put(
            r.seed() + "/" + o.task(),
            List.<Object>of(
                    o.accAfterTask(),
                    result.accFinal(),
                    o.ownedFraction(),
                    o.reusedFraction(),
                    Arrays.stream(o.association()).boxed().toList(),
                    Arrays.stream(o.associationLogits()).boxed().toList())
                .toString());
      }
    }
    return m;
  }

  private static Map<String, Double> cells(List<Group> matrix) {
    return matrix.stream()
        .collect(
            Collectors.toMap(
                r ->
                    r.getInteger("seed", 0)
                        + "/"
                        + r.getInteger("after_task", 0)
                        + "/"
                        + r.getInteger("task", 0),
                r -> r.getDouble("accuracy", 0),
                (a, b) -> Double.NaN,
                TreeMap::new));
  }

  private static Map<String, Double> cellsOf(List<SeedResult> results) {
    Map<String, Double> m = new TreeMap<>();
    for (SeedResult r : results) {
      for (AccuracyCell c : r.accuracyMatrix()) {
        m.put(r.seed() + "/" + c.afterTask() + "/" + c.task(), c.accuracy());
      }
    }
    return m;
  }
}
