package org.h2cl.progress;

import static org.h2cl.progress.Records.epoch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.h2.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records on a file system: JSON text, replaced whole, read back only for their own run. */
class ProgressFilesTest {

  @TempDir Path dir;

  private ProgressFiles files(String runId) {
    return ProgressFiles.under(
        new CheckpointStore(dir.resolve("ckpt").toUri().toString(), "fp"), runId);
  }

  @Test
  void aRecordIsOneLineOfJsonThatReadsBackEqual() throws Exception {
    SeedProgress p = epoch(3, 7, 2, Phase.TRAIN, 41, 100);
    String json = ProgressFiles.toJson(p);
    assertFalse(json.contains("\n"));
    for (String field :
        List.of(
            "\"run_id\":\"r\"",
            "\"seed\":3",
            "\"phase\":\"TRAIN\"",
            "\"epoch\":41",
            "\"train_accuracy\":80.0",
            "\"test_accuracy\":[\"NaN\",",
            "\"seconds_left\":100.0")) {
      assertTrue(json.contains(field), field + " missing from " + json);
    }
    assertEquals(p, ProgressFiles.fromJson(json));
  }

  @Test
  void theNewestRecordReplacesTheFileAndNothingElseIsLeft() throws Exception {
    ProgressFiles files = files("r");
    assertEquals(Optional.empty(), files.read(3));
    files.write(epoch(3, 1, 1, Phase.TRAIN, 1, 6));
    files.write(epoch(3, 2, 1, Phase.TRAIN, 2, 6));
    files.write(epoch(4, 1, 1, Phase.TRAIN, 1, 6));
    assertEquals(2, files.read(3).orElseThrow().counter());
    assertEquals(4, files.read(4).orElseThrow().seed());

    Path folder = dir.resolve("ckpt/_progress");
    try (Stream<Path> listed = Files.list(folder)) {
      // Hadoop's local file system keeps a hidden .crc file beside each file.
      assertEquals(
          List.of("seed=3.json", "seed=4.json"),
          listed
              .map(f -> f.getFileName().toString())
              .filter(n -> !n.startsWith("."))
              .sorted()
              .toList());
    }
    assertTrue(Files.readString(folder.resolve("seed=3.json")).startsWith("{\"run_id\":\"r\""));

    files.deleteAll();
    assertFalse(Files.exists(folder));
    assertEquals(Optional.empty(), files.read(3));
  }

  @Test
  void recordsOfAnotherRunOrUnreadableOnesAreNotShown() throws Exception {
    ProgressFiles files = files("r");
    SeedProgress p = epoch(3, 1, 1, Phase.TRAIN, 1, 6);
    files.write(p);
    assertEquals(Optional.of(p), files.read(3));
    Path file = dir.resolve("ckpt/_progress/seed=3.json");
    String json = ProgressFiles.toJson(p);
    overwrite(file, json);
    assertEquals(Optional.of(p), files.read(3), "read back after a write behind Hadoop's back");
    overwrite(file, json.replace("\"run_id\":\"r\"", "\"run_id\":\"earlier\""));
    assertEquals(Optional.empty(), files.read(3));
    overwrite(file, json.replace("\"seed\":3", "\"seed\":4"));
    assertEquals(Optional.empty(), files.read(3));
    overwrite(file, json.substring(0, json.length() / 2));
    assertEquals(Optional.empty(), files.read(3));
  }

  /** Replaces the file's text and drops Hadoop's checksum of the old text. */
  private static void overwrite(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
  }

  @Test
  void travelsToExecutorsAsItsUriAndRunId() throws Exception {
    ProgressFiles files = files("r");
    files.read(0); // opens the file system, which does not travel
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(files);
    }
    ProgressFiles copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ProgressFiles) in.readObject();
    }
    assertEquals(files.uri(), copy.uri());
    assertTrue(copy.uri().endsWith("/ckpt/_progress"), copy.uri());
    copy.write(epoch(5, 1, 1, Phase.TRAIN, 1, 6));
    assertEquals(1, files.read(5).orElseThrow().counter());
  }
}
