package org.h2cl.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

  @TempDir java.nio.file.Path dir;

  private static final RunFolder.Contents NOTHING_FOREIGN = List::of;

  private RunFolder folder(java.nio.file.Path p) {
    return new RunFolder(
        p.toUri().toString(), "h2.output.uri", "output folder", new Configuration());
  }

  @Test
  void aFileInTheFoldersPlaceOrInAParentsIsRefused() throws IOException {
    java.nio.file.Path file = Files.writeString(dir.resolve("results.txt"), "mine");
    for (java.nio.file.Path p : List.of(file, file.resolve("out"), file.resolve("a/b"))) {
      StorageException e =
          assertThrows(
              StorageException.class, () -> folder(p).check(NOTHING_FOREIGN, 0, 1, "tables"));
      assertTrue(e.getMessage().startsWith("output folder file:" + p), e.getMessage());
      assertTrue(
          e.getMessage().contains(file + (p == file ? " (h2.output.uri)" : "")), e.getMessage());
      assertTrue(e.getMessage().contains(" is a file; expected a folder"), e.getMessage());
    }
    assertEquals("mine", Files.readString(file));
  }

  @Test
  void whatTheJobDidNotWriteIsRefusedNamingIt() {
    StorageException e =
        assertThrows(
            StorageException.class,
            () ->
                folder(dir)
                    .check(() -> List.of("a/", "b", "c", "d", "e", "f", "g"), 0, 1, "tables"));
    assertTrue(
        e.getMessage().contains("holds what this job did not write: a/, b, c, d, e and 2 more"),
        e.getMessage());
  }

  @Test
  void tooLittleSpaceIsRefusedSayingWhatIsNeededAndFree() {
    long free = folder(dir).bytesUsed(); // 0: nothing there yet
    assertEquals(0, free);
    StorageException e =
        assertThrows(
            StorageException.class,
            () -> folder(dir.resolve("new")).check(NOTHING_FOREIGN, 1L << 60, 1, "checkpoints"));
    assertTrue(
        e.getMessage()
            .matches(
                "too little free space for checkpoints in output folder .*: they"
                    + " need about 1153 PB, .* are free there\\. .*"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("new")));
  }

  @Test
  void takingCreatesLocksAndMarksAndUndoingRemovesItAll() throws IOException {
    java.nio.file.Path out = dir.resolve("a/b/out");
    RunFolder.Taken taken = folder(out).take("r1", Instant.now(), "output of r1");
    assertTrue(Files.isRegularFile(out.resolve(OwnedFolder.MARKER)));
    assertTrue(Files.readString(out.resolve(RunLock.NAME)).contains("run_id=r1"));
    try (var files = Files.list(out)) {
      // Hadoop's local checksum files aside, only the mark and the lock: the probe left nothing.
      assertEquals(
          List.of(RunLock.NAME, OwnedFolder.MARKER),
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> !n.endsWith(".crc"))
              .sorted()
              .toList());
    }
    taken.undo();
    assertFalse(Files.exists(dir.resolve("a")), "the folders it created are gone");
  }

  @Test
  void aFolderInUseIsRefusedAndWhatTheTakeCreatedIsRemoved() throws IOException {
    java.nio.file.Path out = dir.resolve("out");
    try (RunFolder.Taken first = folder(out).take("r1", Instant.now(), "output of r1")) {
      StorageException e =
          assertThrows(
              StorageException.class, () -> folder(out).take("r2", Instant.now(), "output of r2"));
      assertTrue(e.getMessage().contains("is in use by run r1"), e.getMessage());
      assertTrue(Files.readString(out.resolve(RunLock.NAME)).contains("run_id=r1"));
    }
    assertFalse(Files.exists(out.resolve(RunLock.NAME)));
  }

  /** A local file system whose rename moves nothing, as a blob store's may not. */
  public static final class NoRename extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create("norename:///");
    }

    @Override
    public String getScheme() {
      return "norename";
    }

    @Override
    public boolean rename(Path src, Path dst) {
      return false;
    }
  }

  @Test
  void aFileSystemThatDoesNotRenameIsRefusedBeforeAnythingIsWritten() {
    Configuration conf = new Configuration();
    conf.set("fs.norename.impl", NoRename.class.getName());
    conf.setBoolean("fs.norename.impl.disable.cache", true);
    java.nio.file.Path out = dir.resolve("blob/out");
    RunFolder f = new RunFolder("norename://" + out, "h2.output.uri", "output folder", conf);

    StorageException e =
        assertThrows(StorageException.class, () -> f.take("r1", Instant.now(), "output of r1"));

    assertTrue(
        e.getMessage().contains("the file system did not move a file renamed there"),
        e.getMessage());
    assertTrue(e.getMessage().contains("atomic rename"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("blob")), "nothing is left");
  }
}
