package org.h2cl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalInt;
import org.h2cl.config.H2Settings;
import org.h2cl.storage.OwnedFolder;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir java.nio.file.Path tmp;

  private String uri() {
    return tmp.resolve("ckpt").toUri().toString();
  }

  private static ArrayBundle state(int task) {
    return new ArrayBundle().put("w", new float[] {task, -task}).putMeta("note", "after " + task);
  }

  @Test
  void savesLoadsAndFindsTheLatestTaskPerSeed() throws IOException {
    CheckpointStore store = new CheckpointStore(uri(), "fp-a");
    assertTrue(store.isEmpty());
    assertEquals(OptionalInt.empty(), store.latestTask(3));

    for (int task = 1; task <= 3; task++) {
      store.save(3, task, state(task));
    }
    store.save(11, 1, state(1));
    // A temporary file of an interrupted write is not a checkpoint.
    Files.writeString(tmp.resolve("ckpt/seed=3/.task=4.h2ckpt.tmp-x"), "partial");

    assertFalse(store.isEmpty());
    assertEquals(List.of(3, 11), store.seeds());
    assertEquals(OptionalInt.of(3), store.latestTask(3));
    assertEquals(OptionalInt.of(1), store.latestTask(11));
    assertTrue(Files.isRegularFile(tmp.resolve("ckpt/seed=3/task=2.h2ckpt")));
    ArrayBundle two = store.load(3, 2);
    assertArrayEquals(new float[] {2, -2}, two.floats("w"));
    assertEquals("after 2", two.meta("note"));
    assertEquals("fp-a", two.meta(CheckpointStore.FINGERPRINT_KEY));
    assertEquals("3", two.meta(CheckpointStore.SEED_KEY));
    assertEquals("2", two.meta(CheckpointStore.TASK_KEY));
    store.verifyFingerprints();
  }

  /**
   * Each method but h2 keeps its checkpoints in method=<m>/ under the run's store: the run's store
   * sees them (not empty, fingerprints checked, deleted with overwrite), accepts a marked method
   * folder as its own and names an unmarked one.
   */
  @Test
  void otherMethodsKeepTheirCheckpointsInTheirOwnFolder() throws IOException {
    CheckpointStore run = new CheckpointStore(uri(), "fp-a");
    OwnedFolder.claim(
        org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
        new org.apache.hadoop.fs.Path(uri()),
        "test");
    assertSame(run, run.forMethod("h2"));
    CheckpointStore packnet = run.forMethod("packnet");
    packnet.claimFolder();
    assertTrue(run.isEmpty(), "a marked, empty method folder holds no checkpoint");
    packnet.save(2, 1, state(1));
    assertTrue(Files.isRegularFile(tmp.resolve("ckpt/method=packnet/seed=2/task=1.h2ckpt")));
    assertFalse(run.isEmpty());
    assertEquals(List.of(), run.seeds(), "h2's seeds are its own");
    assertEquals(List.of(), run.foreign());
    new CheckpointStore(uri(), "fp-b").forMethod("packnet").save(3, 1, state(1));
    assertThrows(CheckpointException.class, run::verifyFingerprints);

    Files.createDirectories(tmp.resolve("ckpt/method=finetune"));
    assertEquals(List.of("method=finetune/"), run.foreign());
    Files.delete(tmp.resolve("ckpt/method=finetune"));
    assertThrows(IllegalArgumentException.class, () -> run.forMethod("../x"));

    run.deleteAll();
    assertFalse(Files.exists(tmp.resolve("ckpt/method=packnet")));
    assertTrue(run.isEmpty());
  }

  @Test
  void aMissingCheckpointNamesSeedTaskAndFile() {
    CheckpointStore store = new CheckpointStore(uri(), "fp-a");
    String msg = assertThrows(CheckpointException.class, () -> store.load(2, 4)).getMessage();
    assertTrue(
        msg.contains("seed 2") && msg.contains("task 4") && msg.contains("task=4.h2ckpt"), msg);
  }

  @Test
  void checkpointsOfAnotherSetupAreRefusedWithAWayForward() {
    new CheckpointStore(uri(), "fingerprint-of-old-config").save(0, 1, state(1));
    CheckpointStore now = new CheckpointStore(uri(), "fingerprint-of-new-config");

    for (CheckpointException e :
        List.of(
            assertThrows(CheckpointException.class, () -> now.load(0, 1)),
            assertThrows(CheckpointException.class, now::verifyFingerprints))) {
      assertTrue(e.getMessage().contains("seed=0/task=1.h2ckpt"), e.getMessage());
      assertTrue(
          e.getMessage().contains("different configuration or code version"), e.getMessage());
      assertTrue(e.getMessage().contains("h2.output.overwrite=true"), e.getMessage());
    }
  }

  @Test
  void aRefusedCheckpointSaysWhichSettingsDiffer() {
    H2Settings old = SettingsFixture.tiny("out");
    H2Settings now =
        new H2Settings(
            old.seeds(),
            old.methods(),
            old.data(),
            old.model(),
            new H2Settings.TrainSettings(3, 0.02, 0.9, 32),
            old.retrain(),
            old.association(),
            old.reinitStd(),
            old.reuse(),
            old.prune(),
            old.fixes(),
            old.compute(),
            old.output(),
            old.checkpoint(),
            old.spark(),
            old.rendered());
    new CheckpointStore(uri(), Fingerprint.of(old, "1.0"), Fingerprint.canonical(old, "1.0"))
        .save(0, 1, state(1));
    CheckpointStore store =
        new CheckpointStore(uri(), Fingerprint.of(now, "1.1"), Fingerprint.canonical(now, "1.1"));

    String msg = assertThrows(CheckpointException.class, store::verifyFingerprints).getMessage();

    assertTrue(
        msg.contains(
            "differing: code version (1.0 in the checkpoint, 1.1 in this run), h2.train.epochs (2"
                + " in the checkpoint, 3 in this run), h2.train.lr (0.01 in the checkpoint, 0.02 in"
                + " this run))"),
        msg);
    // A checkpoint written without its settings says so.
    new CheckpointStore(tmp.resolve("bare").toUri().toString(), "fp-a").save(0, 1, state(1));
    msg =
        assertThrows(
                CheckpointException.class,
                new CheckpointStore(tmp.resolve("bare").toUri().toString(), "fp-b", "x=1\n")
                    ::verifyFingerprints)
            .getMessage();
    assertTrue(msg.contains("the checkpoint does not record its settings"), msg);
  }

  @Test
  void aCorruptedCheckpointSaysThatDeletingItRetrainsItsTask() throws IOException {
    CheckpointStore store = new CheckpointStore(uri(), "fp");
    store.save(2, 1, state(1));
    store.save(2, 2, state(2));
    for (int task = 1; task <= 2; task++) {
      java.nio.file.Path file = tmp.resolve("ckpt/seed=2/task=" + task + ".h2ckpt");
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 0x5a;
      Files.write(file, bytes);
    }
    String msg = assertThrows(CheckpointException.class, () -> store.load(2, 2)).getMessage();
    assertTrue(
        msg.endsWith(
            "; delete "
                + store.path(2, 2)
                + " to train task 2 of seed 2 again from its checkpoint after task 1 (running the"
                + " same command unchanged meets the same file)"),
        msg);
    msg = assertThrows(CheckpointException.class, () -> store.load(2, 1)).getMessage();
    assertTrue(msg.contains("to train task 1 of seed 2 again from the start"), msg);
  }

  @Test
  void settingsKeysAreNamedAsInTheConfig() {
    assertEquals("h2.train.batch-size", SettingsDiff.configKey("train.batchSize"));
    assertEquals(
        "h2.data.synthetic.train-per-class", SettingsDiff.configKey("data.syntheticTrainPerClass"));
    assertEquals("h2.reinit-std", SettingsDiff.configKey("reinitStd"));
    assertEquals(
        List.of("h2.prune.ratio (0.75 in the checkpoint, not set in this run)"),
        SettingsDiff.of("a=1\nprune.ratio=0.75\n", "a=1\n"));
  }

  @Test
  void aCheckpointInTheWrongPlaceIsRefused() throws IOException {
    CheckpointStore store = new CheckpointStore(uri(), "fp");
    store.save(1, 2, state(2));
    Files.createDirectories(tmp.resolve("ckpt/seed=5"));
    Files.copy(tmp.resolve("ckpt/seed=1/task=2.h2ckpt"), tmp.resolve("ckpt/seed=5/task=3.h2ckpt"));

    String msg = assertThrows(CheckpointException.class, () -> store.load(5, 3)).getMessage();
    assertTrue(msg.contains("holds seed 1 task 2, expected seed 5 task 3"), msg);
  }

  @Test
  void deleteAllRemovesOnlyCheckpoints() throws IOException {
    CheckpointStore store = new CheckpointStore(uri(), "fp");
    store.save(0, 1, state(1));
    store.save(1, 1, state(1));
    store.deleteAll();
    assertTrue(store.isEmpty());
    assertFalse(Files.exists(tmp.resolve("ckpt")));

    store.save(0, 1, state(1));
    Files.writeString(tmp.resolve("ckpt/notes.txt"), "keep me");
    store.deleteAll();
    assertTrue(store.isEmpty());
    assertEquals("keep me", Files.readString(tmp.resolve("ckpt/notes.txt")));
  }

  @Test
  void survivesJavaSerializationToExecutors() throws Exception {
    CheckpointStore store = new CheckpointStore(uri(), "fp");
    store.save(4, 1, state(1)); // opens the file system, which must not travel

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(store);
    }
    CheckpointStore copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (CheckpointStore) in.readObject();
    }

    assertEquals(OptionalInt.of(1), copy.latestTask(4));
    assertArrayEquals(new float[] {1, -1}, copy.load(4, 1).floats("w"));
  }
}
