package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.checkpoint.CheckpointException;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints after every task: a seed interrupted after task 2 resumes to identical results. */
class SeedRunnerTest {
  @TempDir Path dir;

  /** Stands in for a crash: an executor that dies right after task 2's checkpoint is durable. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void resumedSeedEqualsUninterruptedSeed() throws Exception {
    H2Settings settings = SettingsFixture.tiny(dir);
    CheckpointStore straight = new CheckpointStore(dir.resolve("ckpt-a").toUri().toString(), "fp");
    SeedResult expected = SeedRunner.run(settings, 5, straight, TrainingListener.NONE);
    assertEquals(0, expected.resumedFromTask());
    // The estimate that the driver checks free space with holds every file, metadata bounded.
    for (int task = 1; task <= settings.data().tasks(); task++) {
      long size = Files.size(Path.of(straight.path(5, task).toUri()));
      long estimate = CheckpointEstimate.bytesAfterTask(settings, task);
      assertTrue(size <= estimate && estimate - size < 4096, size + " bytes, " + estimate);
    }

    CheckpointStore interrupted =
        new CheckpointStore(dir.resolve("ckpt-b").toUri().toString(), "fp");
    TrainingListener crashAfterTask2 =
        new TrainingListener() {
          @Override
          public void taskEnded(TaskEnd e) {
            if (e.outcome().task() == 2) {
              throw new Crash();
            }
          }
        };
    assertThrows(Crash.class, () -> SeedRunner.run(settings, 5, interrupted, crashAfterTask2));
    assertEquals(2, interrupted.latestTask(5).getAsInt());

    SeedResult resumed = SeedRunner.run(settings, 5, interrupted, TrainingListener.NONE);
    assertEquals(2, resumed.resumedFromTask());
    assertEquals(expected.tasks().size(), resumed.tasks().size());
    for (int i = 0; i < expected.tasks().size(); i++) {
      TaskOutcome a = expected.tasks().get(i).outcome();
      TaskOutcome b = resumed.tasks().get(i).outcome();
      assertEquals(a.accAfterTask(), b.accAfterTask(), "task " + a.task());
      assertEquals(expected.tasks().get(i).accFinal(), resumed.tasks().get(i).accFinal());
      assertEquals(a.ownedFraction(), b.ownedFraction());
      assertEquals(a.reusedFraction(), b.reusedFraction());
      assertArrayEquals(a.association(), b.association());
      assertArrayEquals(a.associationLogits(), b.associationLogits());
    }
    assertEquals(expected.accuracyMatrix(), resumed.accuracyMatrix());
  }

  @Test
  void aCorruptedCheckpointIsRefusedWithItsPath() throws Exception {
    H2Settings settings = SettingsFixture.tiny(dir);
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt").toUri().toString(), "fp");
    TrainingListener stopAfterTask1 =
        new TrainingListener() {
          @Override
          public void taskEnded(TaskEnd e) {
            throw new Crash();
          }
        };
    assertThrows(Crash.class, () -> SeedRunner.run(settings, 1, store, stopAfterTask1));
    Path file = Path.of(store.path(1, 1).toUri());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(file, bytes);
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> SeedRunner.run(settings, 1, store, TrainingListener.NONE));
    assertTrue(e.getMessage().contains("task=1"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("; delete " + store.path(1, 1) + " to train task 1 of seed 1 again"),
        e.getMessage());
  }

  @Test
  void aCheckpointWithAWrongShapeOrOwnerIsRefusedWithItsPathBeforeUse() throws Exception {
    H2Settings settings = SettingsFixture.tiny(dir);
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt").toUri().toString(), "fp");
    TrainingListener stopAfterTask1 =
        new TrainingListener() {
          @Override
          public void taskEnded(TaskEnd e) {
            throw new Crash();
          }
        };
    assertThrows(Crash.class, () -> SeedRunner.run(settings, 1, store, stopAfterTask1));
    ArrayBundle ownerTooHigh = store.load(1, 1);
    ArrayBundle wrongShape = store.load(1, 1);

    // Well-formed files with the right fingerprint (saved through the store, so the checksum
    // matches) whose content does not fit: restore must refuse them, naming the file.
    byte[] owner = ownerTooHigh.bytes("owner.0").clone();
    owner[5] = 3; // only task 1 has finished
    store.save(1, 1, ownerTooHigh.put("owner.0", owner));
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> SeedRunner.run(settings, 1, store, TrainingListener.NONE));
    assertTrue(e.getMessage().contains(store.path(1, 1).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("owner of layer 0 weight 5 is 3"), e.getMessage());
    assertTrue(e.getMessage().contains("delete " + store.path(1, 1)), e.getMessage());

    store.save(1, 1, wrongShape.put("conv.0", new float[7]));
    e =
        assertThrows(
            CheckpointException.class,
            () -> SeedRunner.run(settings, 1, store, TrainingListener.NONE));
    assertTrue(e.getMessage().contains(store.path(1, 1).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("has 7 values, expected"), e.getMessage());
  }

  @Test
  void aDivergedModelIsNeverCheckpointedAndTheErrorSaysWhereAndWhatToChange() {
    // The case: task 1 finished with 389 183 of 702 842 weights NaN or infinite.
    H2Settings s = SettingsFixture.tiny(dir, "h2.train.epochs=4", "h2.train.lr=1e9");
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt-nan").toUri().toString(), "fp");
    TrainingFailure f =
        assertThrows(
            TrainingFailure.class, () -> SeedRunner.run(s, 2, store, TrainingListener.NONE));
    assertEquals(1, f.task);
    assertEquals(Phase.TRAIN, f.phase);
    assertTrue(
        f.getMessage()
            .matches(
                "seed 2, task 1, phase TRAIN: .* in epoch \\d of 4; training diverged: lower"
                    + " h2.train.lr \\(now 1.0E9\\)"),
        f.getMessage());
    assertEquals(List.of(), store.seeds(), "nothing checkpointed");
  }

  @Test
  void aDivergedTaskLeavesTheLastGoodCheckpointAsTheResumePoint() {
    H2Settings s =
        SettingsFixture.tiny(dir, "h2.data.tasks=2", "h2.train.epochs=1", "h2.association.lr=1e12");
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt-assoc").toUri().toString(), "fp");
    TrainingFailure first =
        assertThrows(
            TrainingFailure.class, () -> SeedRunner.run(s, 4, store, TrainingListener.NONE));
    assertEquals(2, first.task);
    assertEquals(Phase.ASSOCIATE, first.phase);
    assertTrue(
        first.getMessage().contains("lower h2.association.lr (now 1.0E12)"), first.getMessage());
    assertEquals(1, store.latestTask(4).getAsInt(), "task 1's checkpoint is kept, no task 2");

    int[] resumedFrom = {-1};
    TrainingListener resumed =
        new TrainingListener() {
          @Override
          public void seedStarted(SeedStart e) {
            resumedFrom[0] = e.resumedFromTask();
          }
        };
    TrainingFailure again =
        assertThrows(TrainingFailure.class, () -> SeedRunner.run(s, 4, store, resumed));
    assertEquals(1, resumedFrom[0], "the rerun resumes after task 1");
    assertEquals(first.getMessage(), again.getMessage());
    assertEquals(1, store.latestTask(4).getAsInt());
  }

  @Test
  void aDivergingLossStopsTheSeedNamingTaskAndPhase() {
    H2Settings exploding = SettingsFixture.tiny(dir, "h2.train.lr=1e30");
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt-nan").toUri().toString(), "fp");
    TrainingFailure f =
        assertThrows(
            TrainingFailure.class,
            () -> SeedRunner.run(exploding, 2, store, TrainingListener.NONE));
    assertEquals(1, f.task);
    assertEquals(Phase.TRAIN, f.phase);
    assertTrue(f.getMessage().startsWith("seed 2, task 1, phase TRAIN: loss is"), f.getMessage());
    assertEquals(List.of(), store.seeds());
  }
}
