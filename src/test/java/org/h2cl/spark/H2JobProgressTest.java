package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.SparkSession;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.Phase;
import org.h2cl.h2.SeedRunner;
import org.h2cl.h2.TrainingListener;
import org.h2cl.progress.ProgressView;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress channel end to end in {@code local[2]}: two tiny real seeds write their records
 * under the checkpoint folder, and the driver's view shows them while they train.
 */
class H2JobProgressTest {

  @TempDir static Path dir;
  private static SparkSession spark;

  /** What the driver's view logged; static, as the executors of local mode share this JVM. */
  private static final List<String> SHOWN = new CopyOnWriteArrayList<>();

  private static JobReport report;

  /**
   * Holds a seed at the end of its first training epoch until the driver has shown it training, so
   * that the test sees a record in flight however fast the seed would otherwise finish.
   */
  static final class Gate implements TrainingListener {
    @Override
    public void epochEnded(EpochEnd epoch) {
      int seed = epoch.seed();
      if (epoch.task() == 1 && epoch.phase() == Phase.TRAIN && epoch.epoch() == 0) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!shownTraining(seed) && System.nanoTime() < deadline) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  static boolean shownTraining(int seed) {
    return SHOWN.stream().anyMatch(l -> l.startsWith("seed " + seed + "  task 1/5  TRAIN "));
  }

  @BeforeAll
  static void run() {
    H2Settings s = SettingsFixture.tiny(dir.resolve("out").toUri().toString());
    spark = H2Job.session(s);
    SeedTrainer gated =
        (settings, seed, checkpoints, listener) ->
            SeedRunner.run(settings, seed, checkpoints, TrainingListener.all(listener, new Gate()));
    ProgressView view =
        ProgressView.lines(SHOWN::add, Duration.ofHours(1), Duration.ofMillis(50), false);
    report = H2Job.run(spark, s, JobOptions.none(), gated, view);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void theDriverShowsEverySeedTrainingAndFinishing() {
    assertTrue(report.complete());
    for (int seed : List.of(0, 1)) {
      assertTrue(shownTraining(seed), "seed " + seed + " training not shown in " + SHOWN);
      String training =
          SHOWN.stream()
              .filter(l -> l.startsWith("seed " + seed + "  task 1/5  TRAIN "))
              .findFirst()
              .orElseThrow();
      assertTrue(training.matches(".*epoch   [01]/2 .*ETA .*"), training);
      String last =
          SHOWN.stream().filter(l -> l.startsWith("seed " + seed + " ")).reduce((a, b) -> b).get();
      assertTrue(
          last.matches("seed " + seed + "  finished in \\d+m?\\d*s  test acc( \\d+\\.\\d){5}"),
          last);
    }
    assertEquals("run: 2 finished", SHOWN.get(SHOWN.size() - 1).replaceAll("  elapsed .*", ""));
  }

  @Test
  void theRecordsAreGoneAfterTheRun() {
    assertTrue(Files.isDirectory(dir.resolve("out/_checkpoints/seed=0")));
    assertFalse(Files.exists(dir.resolve("out/_checkpoints/_progress")));
  }
}
