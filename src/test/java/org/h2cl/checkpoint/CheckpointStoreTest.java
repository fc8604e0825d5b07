package org.h2cl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
