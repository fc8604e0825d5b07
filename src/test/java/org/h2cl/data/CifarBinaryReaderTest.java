package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {

  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  private static void assertContains(String message, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), "expected \"" + fragment + "\" in: " + message);
    }
  }

  @Test
  void readsTrainFilesInOrderThenTest() throws IOException {
    Path folder = dir.resolve("cifar");
    CifarFixtures.writeFolder(folder, 3);

    for (String uri : new String[] {folder.toString(), folder.toUri().toString()}) {
      CifarDataset d = CifarBinaryReader.read(uri, conf);
      assertEquals(15, d.train().size());
      assertEquals(3, d.test().size());
      for (int f = 0; f < 5; f++) {
        for (int r = 0; r < 3; r++) {
          int i = f * 3 + r;
          assertEquals(CifarFixtures.label(f, r), d.train().label(i));
          for (int p : new int[] {0, 1, 1023, 1024, 2048, 3071}) {
            assertEquals(CifarFixtures.pixel(f, r, p), d.train().pixels()[i * 3072 + p]);
          }
        }
      }
      assertEquals(CifarFixtures.label(5, 2), d.test().label(2));
      assertEquals(CifarFixtures.pixel(5, 2, 3071), d.test().pixels()[2 * 3072 + 3071]);
    }
  }

  @Test
  void readsCifar100WithItsFineLabels() throws IOException {
    Path folder = dir.resolve("cifar-100-binary");
    Files.createDirectories(folder);
    Files.write(folder.resolve("train.bin"), CifarFixtures.cifar100File(0, 30));
    Files.write(folder.resolve("test.bin"), CifarFixtures.cifar100File(1, 4));
    CifarDataset d = CifarBinaryReader.read(folder.toString(), CifarRelease.CIFAR100, conf);
    assertEquals(30, d.train().size());
    assertEquals(4, d.test().size());
    for (int r = 0; r < 30; r++) {
      assertEquals(CifarFixtures.fineLabel(0, r), d.train().label(r));
      assertEquals(CifarFixtures.pixel(0, r, 3071), d.train().pixels()[r * 3072 + 3071]);
    }
    assertEquals(CifarFixtures.fineLabel(1, 3), d.test().label(3));
    assertEquals(Preprocessing.CIFAR100, d.train().preprocessing());
  }

  @Test
  void cifar100FilesAreCheckedForTheirOwnLayout() throws IOException {
    Path folder = dir.resolve("cifar-100-binary");
    Files.createDirectories(folder);
    byte[] train = CifarFixtures.cifar100File(0, 3);
    train[3074] = 20; // record 1's coarse label
    Files.write(folder.resolve("train.bin"), train);
    Files.write(folder.resolve("test.bin"), CifarFixtures.cifar100File(1, 2));
    assertContains(
        assertThrows(
                DataException.class,
                () -> CifarBinaryReader.read(folder.toString(), CifarRelease.CIFAR100, conf))
            .getMessage(),
        "train.bin: record 1 (byte offset 3074) has coarse label 20; expected 0..19");

    train[3074] = 1;
    train[2 * 3074 + 1] = 100; // record 2's fine label
    Files.write(folder.resolve("train.bin"), train);
    assertContains(
        assertThrows(
                DataException.class,
                () -> CifarBinaryReader.read(folder.toString(), CifarRelease.CIFAR100, conf))
            .getMessage(),
        "train.bin: record 2 (byte offset 6149) has fine label 100; expected 0..99");

    Files.write(folder.resolve("test.bin"), CifarFixtures.file(0, 2)); // CIFAR-10's 3073 bytes
    assertContains(
        assertThrows(
                DataException.class,
                () -> CifarBinaryReader.read(folder.toString(), CifarRelease.CIFAR100, conf))
            .getMessage(),
        "test.bin: size 6146 bytes is not a multiple of the 3074-byte record",
        "coarse label byte, fine label byte + 3072 pixel bytes",
        "not a CIFAR-100 binary file");
    Files.delete(folder.resolve("test.bin"));
    assertContains(
        assertThrows(
                DataException.class,
                () -> CifarBinaryReader.read(folder.toString(), CifarRelease.CIFAR100, conf))
            .getMessage(),
        "lacks test.bin; expected the CIFAR-100 binary release (train.bin, test.bin)");
  }

  @Test
  void relativeBarePathIsLocal() throws IOException {
    Path folder = Path.of("target", "reader-test-" + System.nanoTime());
    try {
      CifarFixtures.writeFolder(folder, 1);
      assertEquals(5, CifarBinaryReader.read(folder.toString(), conf).train().size());
    } finally {
      for (String name : CifarFixtures.FILES) {
        Files.deleteIfExists(folder.resolve(name));
      }
      Files.deleteIfExists(folder);
    }
  }

  @Test
  void missingFolderIsNamed() {
    String uri = dir.resolve("nowhere").toString();
    DataException e = assertThrows(DataException.class, () -> CifarBinaryReader.read(uri, conf));
    assertContains(e.getMessage(), "data folder not found", uri, "data_batch_1.bin");
  }

  @Test
  void allMissingFilesAreListed() throws IOException {
    Path folder = dir.resolve("cifar");
    CifarFixtures.writeFolder(folder, 1);
    Files.delete(folder.resolve("data_batch_3.bin"));
    Files.delete(folder.resolve("test_batch.bin"));
    DataException e =
        assertThrows(DataException.class, () -> CifarBinaryReader.read(folder.toString(), conf));
    assertContains(e.getMessage(), folder.toString(), "lacks data_batch_3.bin, test_batch.bin");
  }

  @Test
  void sizeNotAMultipleOfTheRecordIsNamedWithTheSize() throws IOException {
    Path folder = dir.resolve("cifar");
    CifarFixtures.writeFolder(folder, 2);
    byte[] file = CifarFixtures.file(1, 2);
    Files.write(folder.resolve("data_batch_2.bin"), Arrays.copyOf(file, file.length - 100));
    Files.write(folder.resolve("test_batch.bin"), new byte[0]);
    DataException e =
        assertThrows(DataException.class, () -> CifarBinaryReader.read(folder.toString(), conf));
    assertContains(
        e.getMessage(),
        "data_batch_2.bin: size 6046 bytes is not a multiple of the" + " 3073-byte record",
        "test_batch.bin: empty file");
    assertContains(e.getMessage(), folder.toUri().getPath());
  }

  @Test
  void badLabelIsNamedWithRecordAndOffset() throws IOException {
    Path folder = dir.resolve("cifar");
    CifarFixtures.writeFolder(folder, 4);
    byte[] file = CifarFixtures.file(3, 4);
    file[2 * 3073] = 10;
    Files.write(folder.resolve("data_batch_4.bin"), file);
    DataException e =
        assertThrows(DataException.class, () -> CifarBinaryReader.read(folder.toString(), conf));
    assertContains(
        e.getMessage(),
        "data_batch_4.bin: record 2 (byte offset 6146) has label 10",
        "expected 0..9");
  }

  @Test
  void fileEndingEarlyIsReportedWithOffset() {
    byte[] bytes = Arrays.copyOf(CifarFixtures.file(0, 2), 3073 + 500);
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                CifarBinaryReader.readRecords(
                    new ByteArrayInputStream(bytes),
                    "file:/x/data_batch_1.bin",
                    CifarRelease.CIFAR10,
                    2,
                    new byte[2],
                    new byte[2 * 3072],
                    0));
    assertContains(
        e.getMessage(),
        "file:/x/data_batch_1.bin: file ended at byte offset 3573",
        "record 1",
        "expected 6146 bytes",
        "truncated");
  }

  @Test
  void unknownSchemeIsNamed() {
    DataException e =
        assertThrows(DataException.class, () -> CifarBinaryReader.read("xyz://host/cifar", conf));
    assertContains(e.getMessage(), "unknown URI scheme 'xyz' in h2.data.uri", "xyz://host/cifar");
  }

  @Test
  void unreachableHdfsFailsFast() {
    DataException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                assertThrows(
                    DataException.class,
                    () -> CifarBinaryReader.read("hdfs://127.0.0.1:1/x", conf)));
    assertContains(e.getMessage(), "cannot reach", "hdfs://127.0.0.1:1/x");
  }
}
