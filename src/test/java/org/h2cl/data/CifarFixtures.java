package org.h2cl.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.H2Settings.DataSource;

/** Small CIFAR-format files built in code. */
final class CifarFixtures {

  static final String[] FILES = {
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin",
    "test_batch.bin"
  };

  private CifarFixtures() {}

  /** The label of record {@code r} of file {@code f}: classes cycle, offset per file. */
  static int label(int f, int r) {
    return (r + f) % 10;
  }

  /** Pixel byte {@code i} of record {@code r} of file {@code f}: varied enough to catch mix-ups. */
  static byte pixel(int f, int r, int i) {
    return (byte) (i * 7 + r * 13 + f * 101);
  }

  static byte[] file(int f, int records) {
    byte[] bytes = new byte[records * 3073];
    for (int r = 0; r < records; r++) {
      bytes[r * 3073] = (byte) label(f, r);
      for (int i = 0; i < 3072; i++) {
        bytes[r * 3073 + 1 + i] = pixel(f, r, i);
      }
    }
    return bytes;
  }

  /**
   * A CIFAR-100 file: record r has coarse label r % 20, fine label (r * 7 + f) % 100 and the pixels
   * of {@link #pixel}.
   */
  static byte[] cifar100File(int f, int records) {
    byte[] bytes = new byte[records * 3074];
    for (int r = 0; r < records; r++) {
      bytes[r * 3074] = (byte) (r % 20);
      bytes[r * 3074 + 1] = (byte) fineLabel(f, r);
      for (int i = 0; i < 3072; i++) {
        bytes[r * 3074 + 2 + i] = pixel(f, r, i);
      }
    }
    return bytes;
  }

  static int fineLabel(int f, int r) {
    return (r * 7 + f) % 100;
  }

  /** The six files, {@code records} records each, keyed by name. */
  static Map<String, byte[]> files(int records) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int f = 0; f < FILES.length; f++) {
      files.put(FILES[f], file(f, records));
    }
    return files;
  }

  static void writeFolder(Path folder, int records) throws IOException {
    Files.createDirectories(folder);
    for (Map.Entry<String, byte[]> e : files(records).entrySet()) {
      Files.write(folder.resolve(e.getKey()), e.getValue());
    }
  }

  static DataSettings settings(
      DataSource source,
      String uri,
      int tasks,
      int classesPerTask,
      int trainPerClass,
      int testPerClass) {
    return new DataSettings(
        source,
        uri,
        false,
        "file:/none",
        List.of("0".repeat(32)),
        true,
        tasks,
        classesPerTask,
        trainPerClass,
        testPerClass,
        20,
        10);
  }

  /** A gzip-compressed tar archive of the given members (name -> content; "x/" is a folder). */
  static byte[] tarGz(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      for (Map.Entry<String, byte[]> e : members.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }
}
