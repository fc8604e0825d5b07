package org.h2cl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.h2cl.data.SyntheticCifar;
import org.h2cl.data.TaskDataLoader;
import org.h2cl.h2.SeedRunner;
import org.h2cl.spark.H2Job;
import org.h2cl.spark.JobOptions;
import org.h2cl.storage.OwnedFolder;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at the level the user meets it: the command line with the real job on a real Spark
 * session. Each case must exit 2 with a message naming the file or key and what was expected, and
 * write nothing: no output folder appears, and an existing finished run stays byte-identical even
 * with {@code h2.output.overwrite=true}, which would delete it once the inputs were found good.
 */
class BadInputTest {

  @TempDir static Path dir;
  private static SparkSession spark;

  /** A finished run's folder, with tables, marker and checkpoints, made once by hand. */
  private static Path finished;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private int jobsRun;

  @BeforeAll
  static void startSpark() throws IOException {
    spark = H2Job.session(SettingsFixture.tiny("unused"));
    finished = dir.resolve("finished");
    Files.createDirectories(finished.resolve("task_results"));
    Files.writeString(finished.resolve("task_results/part-00000.parquet"), "earlier tables");
    Files.writeString(finished.resolve("_RUN_COMPLETE"), "run_id=earlier\n");
    Files.createDirectories(finished.resolve("_checkpoints/seed=0"));
    Files.writeString(finished.resolve("_checkpoints/seed=0/task=5.h2ckpt"), "earlier checkpoint");
    // The job's marks: the folders are its own, which overwrite may clear.
    for (String folder : List.of("", "task_results", "_checkpoints", "_checkpoints/seed=0")) {
      Files.writeString(finished.resolve(folder).resolve(OwnedFolder.MARKER), "h2 output\n");
    }
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void forgetData() {
    // Each case corrupts its own folder; a data set read by an earlier case must not be reused.
    TaskDataLoader.clearCache();
  }

  /** Main with the real job; records whether it ran. */
  private int main(List<String> args) {
    err.reset();
    return Main.run(
        args.toArray(String[]::new),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        (s, verbose) -> {
          jobsRun++;
          return H2Job.run(spark, s, JobOptions.none(), SeedRunner::run);
        });
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Tiny settings on the real CIFAR-10 reader, with {@code extra} last so that it wins. */
  private static List<String> args(String dataUri, Path output, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "h2.seeds=[0]",
                "h2.data.uri=" + dataUri,
                "h2.model.base-width=4",
                "h2.train.epochs=1",
                "h2.retrain.epochs=1",
                "h2.association.epochs=1",
                "h2.association.warmup-epochs=0",
                "h2.reuse.fisher-samples=2",
                "h2.spark.master=\"local[2]\"",
                "h2.output.uri=" + output.toUri()));
    a.addAll(List.of(extra));
    return a;
  }

  /** A valid CIFAR-10 binary folder (4 training and 2 test images per class). */
  private static Path validData(String name) {
    Path folder = dir.resolve(name);
    SyntheticCifar.write(folder.toString(), 4, 2, 7, new Configuration());
    return folder;
  }

  /**
   * Runs the job on {@code dataUri} into a fresh folder and over the finished run with overwrite
   * on; both must exit 2 with every fragment in the message and leave the output as it was.
   */
  private void assertRefusedWritingNothing(String dataUri, String... fragments) throws IOException {
    Map<String, String> before = snapshot(finished);
    for (boolean overwrite : new boolean[] {false, true}) {
      Path output = overwrite ? finished : dir.resolve("fresh-" + System.nanoTime());
      int code = main(args(dataUri, output, "h2.output.overwrite=" + overwrite));

      assertEquals(Main.USER_ERROR, code, err());
      assertTrue(err().startsWith("error: "), err());
      for (String fragment : fragments) {
        assertTrue(err().contains(fragment), "expected \"" + fragment + "\" in: " + err());
      }
      assertFalse(err().contains("\tat "), "no stack trace for a user error: " + err());
      if (overwrite) {
        assertEquals(before, snapshot(finished), "the finished run must be left as it was");
      } else {
        assertFalse(Files.exists(output), "nothing may be written to " + output);
      }
    }
  }

  @Test
  void aMissingFileIsNamed() throws IOException {
    Path data = validData("missing-file");
    Files.delete(data.resolve("data_batch_3.bin"));
    assertRefusedWritingNothing(
        data.toString(), "data_batch_3.bin", "h2.data.download=true", "h2.data.uri");
  }

  @Test
  void aTruncatedFileIsNamedWithItsSize() throws IOException {
    Path data = validData("truncated");
    Path file = data.resolve("data_batch_2.bin");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
    assertRefusedWritingNothing(
        data.toString(),
        "data_batch_2.bin: size " + (bytes.length - 100) + " bytes",
        "not a multiple of the 3073-byte record",
        "truncated");
  }

  @Test
  void aSizeThatIsNoMultipleOfTheRecordIsNamed() throws IOException {
    Path data = validData("extra-bytes");
    Path file = data.resolve("test_batch.bin");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length + 5));
    assertRefusedWritingNothing(
        data.toString(), "test_batch.bin: size", "not a multiple of the 3073-byte record");
  }

  @Test
  void aLabelOutsideZeroToNineIsNamedWithItsRecord() throws IOException {
    Path data = validData("bad-label");
    Path file = data.resolve("test_batch.bin");
    byte[] bytes = Files.readAllBytes(file);
    bytes[2 * 3073] = 10;
    Files.write(file, bytes);
    assertRefusedWritingNothing(
        data.toString(), "test_batch.bin: record 2", "has label 10", "expected 0..9");
  }

  @Test
  void aClassWithoutImagesIsNamed() throws IOException {
    Path data = validData("empty-class");
    for (int f = 1; f <= 5; f++) {
      relabel(data.resolve("data_batch_" + f + ".bin"), 7, 6);
    }
    assertRefusedWritingNothing(data.toString(), "class 7 has no train images", "h2.data.uri");
  }

  @Test
  void aClassWithoutTestImagesIsNamedWhateverTheSplitAndLimits() throws IOException {
    Path data = validData("empty-class-split");
    relabel(data.resolve("test_batch.bin"), 9, 8);
    List<String> a =
        args(
            data.toString(),
            dir.resolve("fresh-split"),
            "h2.data.tasks=2",
            "h2.data.classes-per-task=5",
            "h2.data.test-per-class=1");
    assertEquals(Main.USER_ERROR, main(a), err());
    assertTrue(err().contains("class 9 has no test images"), err());
    assertFalse(Files.exists(dir.resolve("fresh-split")));
  }

  @Test
  void anUnknownUriSchemeIsNamed() throws IOException {
    assertRefusedWritingNothing(
        "xyz://host/cifar", "unknown URI scheme 'xyz' in h2.data.uri", "xyz://host/cifar");
  }

  @Test
  void credentialsInTheDataUriNeverReachTheConsole() throws IOException {
    assertRefusedWritingNothing(
        "s3a://AKIAEXAMPLE:s3cr3t@bucket/cifar",
        "s3a://***@bucket/cifar",
        "no Hadoop FileSystem for the scheme 's3a'");
    assertFalse(err().contains("s3cr3t"), err());
    assertFalse(err().contains("AKIAEXAMPLE"), err());
  }

  @Test
  void anUnreachableHdfsFailsFast() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            assertRefusedWritingNothing(
                "hdfs://127.0.0.1:1/cifar", "cannot reach the data folder", "127.0.0.1:1"));
  }

  @Test
  void aDownloadWithTheWrongMd5IsRefused() throws IOException {
    Path archive = dir.resolve("cifar-10-binary.tar.gz");
    Files.write(archive, "not the archive".getBytes(StandardCharsets.US_ASCII));
    Path data = dir.resolve("to-download");
    String wrong = "0123456789abcdef0123456789abcdef";
    Map<String, String> before = snapshot(finished);

    int code =
        main(
            args(
                data.toString(),
                finished,
                "h2.output.overwrite=true",
                "h2.data.download=true",
                "h2.data.cifar10-binary.download-url=" + archive.toUri(),
                "h2.data.cifar10-binary.download-md5=" + wrong));

    assertEquals(Main.USER_ERROR, code, err());
    assertTrue(err().contains("MD5 mismatch, expected " + wrong), err());
    assertTrue(err().contains("h2.data.cifar10-binary.download-md5"), err());
    assertFalse(Files.exists(data), "nothing may be unpacked");
    assertEquals(before, snapshot(finished));
  }

  @Test
  void anOutputOrCheckpointFolderOnAFileSystemWeCannotOpenIsRefused() {
    Path data = validData("valid-3");
    for (String key : List.of("h2.output.uri", "h2.checkpoint.uri")) {
      // adl: needs hadoop-azure-datalake, which the build does not include.
      String uri = "adl://account.azuredatalakestore.net/out";
      int code = main(args(data.toString(), dir.resolve("fresh-abfs"), key + "=" + uri));
      assertEquals(Main.USER_ERROR, code, err());
      assertTrue(err().contains(uri), err());
      assertTrue(err().contains("no Hadoop file system for its scheme"), err());
      assertFalse(Files.exists(dir.resolve("fresh-abfs")));
    }
  }

  @Test
  void anOutputOrCheckpointFolderOnAFileSystemWithoutAtomicRenameIsRefused() {
    Path data = validData("valid-4");
    for (String key : List.of("h2.output.uri", "h2.checkpoint.uri")) {
      int code = main(args(data.toString(), dir.resolve("fresh-s3a"), key + "=s3a://bucket/out"));
      assertEquals(Main.USER_ERROR, code, err());
      assertEquals(1, err().lines().count(), err());
      assertTrue(
          err()
              .startsWith(
                  "error: "
                      + key
                      + ": \"s3a://bucket/out\" is on s3a:, whose rename copies and deletes instead"
                      + " of moving atomically"),
          err());
      assertEquals(0, jobsRun, "refused with the settings, before the job starts");
      assertFalse(Files.exists(dir.resolve("fresh-s3a")));
    }
  }

  @Test
  void anExistingRunWithoutOverwriteIsRefusedAndKept() throws IOException {
    Path data = validData("valid");
    Map<String, String> before = snapshot(finished);

    int code = main(args(data.toString(), finished));

    assertEquals(Main.USER_ERROR, code, err());
    assertTrue(err().contains("holds a finished run (run_id=earlier)"), err());
    assertTrue(err().contains("h2.output.overwrite=true"), err());
    assertEquals(before, snapshot(finished));
  }

  @Test
  void anOutputInsideTheDataFolderIsRefusedBeforeTheJob() {
    Path data = validData("valid-2");
    int code = main(args(data.toString(), data.resolve("out")));

    assertEquals(Main.USER_ERROR, code, err());
    assertTrue(err().contains("h2.output.uri"), err());
    assertTrue(err().contains("is inside the data folder h2.data.uri"), err());
    assertEquals(0, jobsRun, "the job must not start");
    assertFalse(Files.exists(data.resolve("out")));
  }

  @Test
  void anOutputInsideTheDataFolderThroughASymbolicLinkIsRefused() throws IOException {
    Path data = validData("linked-data");
    Path link = Files.createSymbolicLink(dir.resolve("link-to-data"), data);
    Map<String, String> before = snapshot(data);

    int code = main(args(data.toString(), link.resolve("out")));

    assertEquals(Main.USER_ERROR, code, err());
    assertTrue(err().contains("is inside the data folder h2.data.uri"), err());
    assertEquals(0, jobsRun, "the job must not start");
    assertEquals(before, snapshot(data), "nothing written into the real data folder");
  }

  @Test
  void overwriteNeverDeletesADataFolderInsideTheOutput() throws IOException {
    Path output = dir.resolve("holds-data");
    Path data = output.resolve("task_results/mydata");
    SyntheticCifar.write(data.toString(), 4, 2, 7, new Configuration());
    Files.writeString(output.resolve("_RUN_COMPLETE"), "run_id=earlier\n");
    Map<String, String> before = snapshot(output);

    int code = main(args(data.toString(), output, "h2.output.overwrite=true"));

    assertEquals(Main.USER_ERROR, code, err());
    assertTrue(err().contains("h2.data.uri"), err());
    assertTrue(err().contains("is inside the folder h2.output.uri"), err());
    assertEquals(0, jobsRun, "the job must not start");
    assertEquals(before, snapshot(output), "the data files are all there");
  }

  @Test
  void anOutputHoldingTheUsersOwnFoldersIsRefusedBeforeTrainingNamingThem() throws IOException {
    Path data = validData("valid-5");
    Path output = dir.resolve("users-folder");
    Files.createDirectories(output.resolve("run"));
    Files.createDirectories(output.resolve("summary"));
    Files.writeString(output.resolve("run/notes.txt"), "my notes");
    Files.writeString(output.resolve("summary/important.txt"), "important");
    Map<String, String> before = snapshot(output);

    for (boolean overwrite : new boolean[] {false, true}) {
      int code = main(args(data.toString(), output, "h2.output.overwrite=" + overwrite));

      assertEquals(Main.USER_ERROR, code, err());
      assertEquals(1, err().lines().count(), err());
      assertTrue(
          err()
              .startsWith(
                  "error: output folder "
                      + output.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/")
                      + " (h2.output.uri) holds what this job did not write: run/, summary/."),
          err());
      assertEquals(before, snapshot(output), "the user's files are all there, as they were");
    }
  }

  @Test
  void anOutputOrCheckpointUriThatIsAFileIsRefusedBeforeTraining() throws IOException {
    Path data = validData("valid-6");
    Path file = Files.writeString(dir.resolve("a-file.txt"), "not a folder");
    for (String key : List.of("h2.output.uri", "h2.checkpoint.uri")) {
      for (Path uri : List.of(file, file.resolve("below"))) {
        Path output = key.equals("h2.output.uri") ? uri : dir.resolve("fresh-file");
        int code = main(args(data.toString(), output, key + "=" + uri.toUri()));

        assertEquals(Main.USER_ERROR, code, err());
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().contains("(" + key + ")"), err());
        assertTrue(err().contains(" is a file; expected a folder"), err());
        assertEquals("not a folder", Files.readString(file));
        assertFalse(Files.exists(dir.resolve("fresh-file")), "nothing written");
      }
    }
  }

  /** Rewrites every record of class {@code from} in {@code file} as class {@code to}. */
  private static void relabel(Path file, int from, int to) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int at = 0; at < bytes.length; at += 3073) {
      if (bytes[at] == from) {
        bytes[at] = (byte) to;
      }
    }
    Files.write(file, bytes);
  }

  /** Every file under {@code root}: relative path to modification time and content. */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.toList()) {
        String content =
            Files.isRegularFile(f)
                ? Files.getLastModifiedTime(f).toMillis()
                    + ":"
                    + Arrays.hashCode(Files.readAllBytes(f))
                : "folder";
        files.put(root.relativize(f).toString(), content);
      }
    }
    return files;
  }
}
