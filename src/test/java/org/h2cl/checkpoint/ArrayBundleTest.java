package org.h2cl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrayBundleTest {

  private static FileSystem fs;

  @TempDir java.nio.file.Path tmp;

  @BeforeAll
  static void localFs() throws IOException {
    // The raw local file system: Hadoop's .crc side files would catch our corruptions before we do.
    fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
  }

  private Path file(String name) {
    return new Path(tmp.toUri().toString(), name);
  }

  private static ArrayBundle sample() {
    return new ArrayBundle()
        .put("conv.w", new float[] {1.5f, -2f, Float.NaN, Float.MIN_VALUE, 0f, 7f}, 1, 2, 3)
        .put("stats", new double[] {Math.PI, -0.0, Double.MAX_VALUE})
        .put("owner", new byte[] {0, 1, 5, -1})
        .put("reuse", new short[] {3, 30, Short.MAX_VALUE}, 3, 1)
        .put("rng", new int[] {Integer.MIN_VALUE, 42})
        .put("empty", new float[0], 0, 4)
        .putMeta("outcomes", "{\"task\":1, \"acc\":98.5}")
        .putMeta("ünïcode", "π ≈ 3.14");
  }

  @Test
  void roundTripKeepsValuesShapesOrderAndMetadata() {
    Path p = file("b.h2ckpt");
    sample().write(fs, p);

    ArrayBundle b = ArrayBundle.read(fs, p);

    assertEquals(
        List.of("conv.w", "stats", "owner", "reuse", "rng", "empty"), List.copyOf(b.names()));
    assertArrayEquals(
        new float[] {1.5f, -2f, Float.NaN, Float.MIN_VALUE, 0f, 7f}, b.floats("conv.w"));
    assertArrayEquals(new int[] {1, 2, 3}, b.shape("conv.w"));
    assertArrayEquals(new double[] {Math.PI, -0.0, Double.MAX_VALUE}, b.doubles("stats"));
    assertArrayEquals(new int[] {3}, b.shape("stats"));
    assertArrayEquals(new byte[] {0, 1, 5, -1}, b.bytes("owner"));
    assertArrayEquals(new short[] {3, 30, Short.MAX_VALUE}, b.shorts("reuse"));
    assertArrayEquals(new int[] {3, 1}, b.shape("reuse"));
    assertArrayEquals(new int[] {Integer.MIN_VALUE, 42}, b.ints("rng"));
    assertArrayEquals(new int[] {0, 4}, b.shape("empty"));
    assertEquals(
        Map.of("outcomes", "{\"task\":1, \"acc\":98.5}", "ünïcode", "π ≈ 3.14"), b.metadata());
    assertEquals(List.of("outcomes", "ünïcode"), List.copyOf(b.metadata().keySet()));
    assertEquals(b.metadata(), ArrayBundle.readMetadata(fs, p));
  }

  @Test
  void largeArraysCrossChunkBoundariesExactly() {
    // 12.5 M floats = 50 MB, the size of a width-64 model's state; odd sizes straddle chunks.
    SplittableRandom rnd = new SplittableRandom(7);
    float[] big = new float[12_500_001];
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) rnd.nextGaussian();
    }
    double[] odd = rnd.doubles(131_073).toArray();
    Path p = file("big.h2ckpt");

    long start = System.nanoTime();
    new ArrayBundle().put("odd", odd).put("big", big).write(fs, p);
    ArrayBundle b = ArrayBundle.read(fs, p);
    double seconds = (System.nanoTime() - start) / 1e9;

    assertArrayEquals(big, b.floats("big"));
    assertArrayEquals(odd, b.doubles("odd"));
    // Bulk copies write and read 50 MB in well under a second; per-element streams take several.
    assertTrue(seconds < 15, "50 MB round trip took " + seconds + " s");
  }

  @Test
  void truncatedFileIsRefusedNamingTheFile() throws IOException {
    Path p = file("t.h2ckpt");
    sample().write(fs, p);
    byte[] whole = Files.readAllBytes(tmp.resolve("t.h2ckpt"));

    for (int keep :
        new int[] {0, 5, 12, 40, whole.length / 2, whole.length - 4, whole.length - 1}) {
      Path cut = file("cut" + keep + ".h2ckpt");
      Files.write(tmp.resolve("cut" + keep + ".h2ckpt"), Arrays.copyOf(whole, keep));
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> ArrayBundle.read(fs, cut));
      assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("truncated") || e.getMessage().contains("not an H2 checkpoint"),
          "cut at " + keep + ": " + e.getMessage());
    }
  }

  @Test
  void corruptedBytesAreRefusedNamingTheFile() throws IOException {
    Path p = file("c.h2ckpt");
    sample().write(fs, p);
    byte[] whole = Files.readAllBytes(tmp.resolve("c.h2ckpt"));

    // Every single flipped byte after the magic is caught (checksum, or a length check before it).
    for (int i = 8; i < whole.length; i++) {
      byte[] bad = whole.clone();
      bad[i] ^= 0x10;
      Files.write(tmp.resolve("c.h2ckpt"), bad);
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> ArrayBundle.read(fs, p));
      assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    byte[] magic = whole.clone();
    magic[1] = 'X';
    Files.write(tmp.resolve("c.h2ckpt"), magic);
    assertTrue(
        assertThrows(CheckpointException.class, () -> ArrayBundle.read(fs, p))
            .getMessage()
            .contains("is not an H2 checkpoint"));

    byte[] longer = Arrays.copyOf(whole, whole.length + 3);
    Files.write(tmp.resolve("c.h2ckpt"), longer);
    assertTrue(
        assertThrows(CheckpointException.class, () -> ArrayBundle.read(fs, p))
            .getMessage()
            .contains("after the checksum"));

    Files.write(tmp.resolve("c.h2ckpt"), whole);
    assertArrayEquals(sample().ints("rng"), ArrayBundle.read(fs, p).ints("rng"));
  }

  /** A class whose deserialization would run code: what an attacker's checkpoint would carry. */
  static final class Gadget implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static final java.util.concurrent.atomic.AtomicBoolean RAN =
        new java.util.concurrent.atomic.AtomicBoolean();

    private void readObject(java.io.ObjectInputStream in)
        throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      RAN.set(true);
    }
  }

  @Test
  void aJavaSerializedObjectIsRefusedWithoutRunningItsCode() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(new Gadget());
    }
    Path p = file("task=1.h2ckpt");
    Files.write(tmp.resolve("task=1.h2ckpt"), bytes.toByteArray());

    CheckpointException e = assertThrows(CheckpointException.class, () -> ArrayBundle.read(fs, p));
    assertTrue(e.getMessage().contains("is not an H2 checkpoint"), e.getMessage());
    assertThrows(CheckpointException.class, () -> ArrayBundle.readMetadata(fs, p));
    assertFalse(Gadget.RAN.get(), "nothing of the file may be deserialized");
  }

  @Test
  void noProductionCodeDeserializesJavaObjects() throws IOException {
    // Files we read back are checkpoints (ArrayBundle), CIFAR binaries, our text markers and
    // Parquet: none may go through Java serialization or another format that instantiates classes.
    List<String> forbidden =
        List.of(
            "ObjectInputStream", "readObject(", "XMLDecoder", "SerializationUtils", "readUnshared");
    try (Stream<java.nio.file.Path> files = Files.walk(java.nio.file.Path.of("src/main/java"))) {
      for (java.nio.file.Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
        String source = Files.readString(f);
        for (String word : forbidden) {
          assertFalse(source.contains(word), f + " uses " + word);
        }
      }
    }
  }

  @Test
  void missingFileOrEntryOrWrongTypeNamesWhatWasExpected() throws IOException {
    Path p = file("m.h2ckpt");
    CheckpointException missing =
        assertThrows(CheckpointException.class, () -> ArrayBundle.read(fs, p));
    assertTrue(missing.getMessage().contains(p.toString()));

    sample().write(fs, p);
    ArrayBundle b = ArrayBundle.read(fs, p);
    String noEntry = assertThrows(CheckpointException.class, () -> b.floats("head.w")).getMessage();
    assertTrue(noEntry.contains(p.toString()) && noEntry.contains("head.w"), noEntry);
    String wrongType = assertThrows(CheckpointException.class, () -> b.ints("conv.w")).getMessage();
    assertTrue(wrongType.contains("FLOAT32") && wrongType.contains("INT32"), wrongType);
    assertThrows(CheckpointException.class, () -> b.meta("nope"));
  }

  @Test
  void shapeMustMatchLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ArrayBundle().put("w", new float[6], 4, 2));
    assertTrue(e.getMessage().contains("'w'"));
  }

  @Test
  void failedWriteLeavesNoFileAndKeepsTheOldOne() throws IOException {
    Path p = file("a.h2ckpt");
    ArrayBundle old = new ArrayBundle().put("x", new int[] {1, 2, 3});
    old.write(fs, p);
    FileSystem failing = new FailingFileSystem(fs, 100_000);

    ArrayBundle big = new ArrayBundle().put("w", new float[1_000_000]);
    CheckpointException e = assertThrows(CheckpointException.class, () -> big.write(failing, p));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());

    assertArrayEquals(new int[] {1, 2, 3}, ArrayBundle.read(fs, p).ints("x"));
    Path fresh = file("fresh.h2ckpt");
    assertThrows(CheckpointException.class, () -> big.write(failing, fresh));
    assertFalse(fs.exists(fresh));
    try (Stream<java.nio.file.Path> files = Files.list(tmp)) {
      assertEquals(
          List.of("a.h2ckpt"),
          files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList());
    }
  }

  /** A file system whose output streams fail with an IOException after {@code limit} bytes. */
  static final class FailingFileSystem extends FilterFileSystem {
    private final long limit;

    FailingFileSystem(FileSystem fs, long limit) {
      super(fs);
      setConf(fs.getConf());
      this.limit = limit;
    }

    @Override
    public FSDataOutputStream create(
        Path f,
        FsPermission permission,
        boolean overwrite,
        int bufferSize,
        short replication,
        long blockSize,
        Progressable progress)
        throws IOException {
      FSDataOutputStream real =
          super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
      OutputStream limited =
          new OutputStream() {
            long written;

            @Override
            public void write(int b) throws IOException {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              if (written + len > limit) {
                throw new IOException("no space left on device (injected)");
              }
              written += len;
              real.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
              real.close();
            }
          };
      return new FSDataOutputStream(limited, null);
    }
  }
}
