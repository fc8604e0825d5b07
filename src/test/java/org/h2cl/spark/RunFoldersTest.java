package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.h2cl.config.H2Settings;
import org.h2cl.results.ResultSchemas;
import org.h2cl.storage.OwnedFolder;
import org.h2cl.storage.RunLock;
import org.h2cl.storage.StorageException;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the job may write and delete, and one run per output at a time: the real driver on {@code
 * local[2]} with a trainer that takes milliseconds.
 */
class RunFoldersTest {

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = H2Job.session(SettingsFixture.tiny("unused"));
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private H2Settings settings(boolean overwrite) {
    return SettingsFixture.tiny(
        tmp.resolve("out").toUri().toString(), "h2.output.overwrite=" + overwrite);
  }

  private JobReport run(H2Settings s, SeedTrainer trainer) {
    return H2Job.run(spark, s, JobOptions.none(), trainer);
  }

  @Test
  void everyFolderTheJobKeepsCarriesItsMarkAndNoLockIsLeft() {
    run(settings(false), new FakeTrainer());
    run(settings(true), new FakeTrainer());

    Path out = tmp.resolve("out");
    List<Path> folders =
        Stream.concat(
                Stream.of("", "_checkpoints", "_checkpoints/seed=0", "_checkpoints/seed=1"),
                ResultSchemas.TABLES.keySet().stream())
            .map(out::resolve)
            .toList();
    for (Path folder : folders) {
      assertTrue(Files.isRegularFile(folder.resolve(OwnedFolder.MARKER)), folder.toString());
    }
    assertFalse(Files.exists(out.resolve(RunLock.NAME)));
    assertFalse(Files.exists(out.resolve("_checkpoints").resolve(RunLock.NAME)));
  }

  @Test
  void filesTheUserPutIntoAnOutputOfTheJobAreNeverDeletedNorReplaced() throws IOException {
    run(settings(false), new FakeTrainer());
    Path out = tmp.resolve("out");
    Files.writeString(out.resolve("notes.txt"), "my notes");
    Files.writeString(out.resolve("run/important.txt"), "keep me");
    Files.writeString(out.resolve("_checkpoints/seed=0/mine.bin"), "mine");
    Map<String, String> before = snapshot(out);

    StorageException e =
        assertThrows(StorageException.class, () -> run(settings(true), new FakeTrainer()));

    assertTrue(
        e.getMessage().contains("holds what this job did not write: notes.txt, run/important.txt"),
        e.getMessage());
    assertEquals(before, snapshot(out), "nothing deleted, nothing written");

    Files.delete(out.resolve("notes.txt"));
    Files.delete(out.resolve("run/important.txt"));
    e = assertThrows(StorageException.class, () -> run(settings(true), new FakeTrainer()));
    assertTrue(e.getMessage().contains("checkpoint folder"), e.getMessage());
    assertTrue(e.getMessage().contains("seed=0/mine.bin"), e.getMessage());
  }

  /** Trains only once told to: a run that holds its folders for as long as a test needs. */
  static final class HeldTrainer implements SeedTrainer {
    private static final long serialVersionUID = 1L;
    static CountDownLatch started;
    static CountDownLatch release;

    @Override
    public org.h2cl.h2.SeedResult run(
        H2Settings settings,
        int seed,
        org.h2cl.checkpoint.CheckpointStore checkpoints,
        org.h2cl.h2.TrainingListener listener) {
      started.countDown();
      try {
        release.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new FakeTrainer().run(settings, seed, checkpoints, listener);
    }
  }

  @Test
  void aSecondRunOnAnOutputInUseIsRefusedWithTheFirstRunsIdAndStartTime() throws Exception {
    HeldTrainer.started = new CountDownLatch(2);
    HeldTrainer.release = new CountDownLatch(1);
    CompletableFuture<JobReport> first =
        CompletableFuture.supplyAsync(() -> run(settings(false), new HeldTrainer()));
    assertTrue(HeldTrainer.started.await(2, TimeUnit.MINUTES), "the first run trains");
    String lock = Files.readString(tmp.resolve("out").resolve(RunLock.NAME));

    // The case: the same output, another learning rate.
    H2Settings otherLr = H2JobTrainingTest.withTrainLr(settings(false), 0.02);
    StorageException e =
        assertThrows(StorageException.class, () -> run(otherLr, new FakeTrainer()));
    HeldTrainer.release.countDown();
    JobReport report = first.get(2, TimeUnit.MINUTES);

    assertTrue(
        e.getMessage().contains("is in use by run " + report.runId() + " (started "),
        e.getMessage());
    assertTrue(lock.contains("run_id=" + report.runId()), lock);
    assertTrue(report.complete());
    assertEquals(
        report.runId(),
        spark.read().parquet(tmp.resolve("out/run").toString()).first().getAs("run_id"));
  }

  /** Every file under {@code root}: relative path to modification time and content hash. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.toList()) {
        files.put(
            root.relativize(f).toString(),
            Files.isRegularFile(f)
                ? Files.getLastModifiedTime(f).toMillis()
                    + ":"
                    + Arrays.hashCode(Files.readAllBytes(f))
                : "folder");
      }
    }
    return files;
  }
}
