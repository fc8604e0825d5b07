package org.h2cl;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.h2cl.progress.ProgressView;
import org.h2cl.spark.FakeTrainer;
import org.h2cl.spark.H2Job;
import org.h2cl.spark.JobOptions;
import org.h2cl.spark.SeedTrainer;

/**
 * The child JVM of {@link FaultsDuringWritingTest}: runs {@link Main} (with a trainer that takes
 * milliseconds) against a small file system of its own, fills that file system at a chosen moment,
 * frees it and runs again, and reports what the user saw. Its standard error is the user's console;
 * each run ends with a line {@code @@ <name> exit=<code>}, and the files of the folder follow as
 * lines {@code @@ file <path> <bytes>}.
 *
 * <p>Arguments: the scenarios, separated by commas ({@code space}, {@code checkpoint}, {@code
 * tables}, {@code sigterm}), the folder to write their outputs into (one folder each), and a folder
 * for the data.
 */
public final class FaultScenario {

  private FaultScenario() {}

  public static void main(String[] args) throws Exception {
    Path disk = Path.of(args[1]);
    Path data = Path.of(args[2]);
    Path filler = disk.resolve("filler");
    for (String scenario : args[0].split(",")) {
      // Each scenario in a folder of its own on the same small disk.
      Path root = Files.createDirectories(disk.resolve(scenario));
      switch (scenario) {
        case "space" ->
            run("space", root, args(root, data, "h2.model.base-width=16"), new FakeTrainer());
        case "checkpoint", "tables" -> {
          int task = scenario.equals("checkpoint") ? 2 : 5;
          run(scenario + "-full", root, args(root, data), fillingAfter(task, filler));
          Files.delete(filler);
          run(scenario + "-rerun", root, args(root, data), new FakeTrainer());
        }
        case "sigterm" ->
            run("sigterm", root, args(root, data), waitingAfterTask1(disk.resolve("ready")));
        default -> throw new IllegalArgumentException(scenario);
      }
    }
    System.exit(0);
  }

  private static List<String> args(Path disk, Path data, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "h2.seeds=[0]",
                "h2.data.source=synthetic",
                "h2.data.uri=" + data.toUri(),
                "h2.data.synthetic.train-per-class=4",
                "h2.data.synthetic.test-per-class=2",
                "h2.model.base-width=4",
                "h2.spark.master=\"local[2]\"",
                "h2.output.uri=" + disk.resolve("out").toUri()));
    a.addAll(List.of(extra));
    return a;
  }

  private static void run(String name, Path disk, List<String> args, SeedTrainer trainer)
      throws IOException {
    int code =
        Main.run(
            args.toArray(String[]::new),
            System.out,
            System.err,
            (s, verbose) -> {
              SparkSession spark = H2Job.session(s);
              try {
                return H2Job.run(
                    spark, s, JobOptions.none(), trainer, ProgressView.logLines(false));
              } finally {
                spark.stop();
              }
            });
    System.err.println("@@ " + name + " exit=" + code);
    try (Stream<Path> files = Files.walk(disk)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        System.err.println("@@ file " + disk.relativize(f) + " " + Files.size(f));
      }
    }
    System.err.flush();
  }

  /** Fills the disk once seed 0 has checkpointed {@code task}, as another program might. */
  private static SeedTrainer fillingAfter(int task, Path filler) {
    String file = filler.toString();
    return new FakeTrainer(
        (seed, t) -> {
          if (t == task) {
            fill(Path.of(file));
          }
        });
  }

  /** Writes until the file system is full. */
  static void fill(Path filler) {
    byte[] block = new byte[1 << 16];
    try (OutputStream out = new FileOutputStream(filler.toFile())) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      System.err.println("@@ filled: " + full.getMessage());
    }
  }

  /** Checkpoints task 1, says so in the file {@code ready}, and waits to be stopped. */
  private static SeedTrainer waitingAfterTask1(Path ready) {
    String file = ready.toString();
    return new FakeTrainer(
        (seed, task) -> {
          try {
            Files.writeString(Path.of(file), "task " + task);
            Thread.sleep(600_000);
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
