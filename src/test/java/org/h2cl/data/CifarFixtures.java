package org.h2cl.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
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
        "0".repeat(32),
        tasks,
        classesPerTask,
        trainPerClass,
        testPerClass,
        20,
        10);
  }

  /** A gzip-compressed ustar archive of the given members (name -> content). */
  static byte[] tarGz(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : members.entrySet()) {
        byte[] content = e.getValue();
        out.write(header(e.getKey(), content.length, e.getKey().endsWith("/") ? '5' : '0'));
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
      }
      out.write(new byte[1024]);
    }
    return bytes.toByteArray();
  }

  private static byte[] header(String name, long size, char type) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, String.format("%011o", 0));
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int offset, String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, offset, b.length);
  }
}
