package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.testing.MnistSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistIdxReaderTest {

  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  /** An IDX image file: the header, then {@code count} digits whose pixel p of image i is i + p. */
  static byte[] images(int magic, int count, int rows, int columns) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * rows * columns);
    b.putInt(magic).putInt(count).putInt(rows).putInt(columns);
    for (int i = 0; i < count; i++) {
      for (int p = 0; p < rows * columns; p++) {
        b.put((byte) (i + p));
      }
    }
    return b.array();
  }

  static byte[] images(int count) {
    return images(0x803, count, 28, 28);
  }

  /** An IDX label file of the given labels. */
  static byte[] labels(int... labels) {
    ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
    b.putInt(0x801).putInt(labels.length);
    for (int label : labels) {
      b.put((byte) label);
    }
    return b.array();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /** A folder with 3 training and 2 test digits, the training files gzipped. */
  private Path folder() throws IOException {
    Path folder = dir.resolve("mnist");
    Files.createDirectories(folder);
    Files.write(folder.resolve("train-images-idx3-ubyte.gz"), gzip(images(3)));
    Files.write(folder.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(7, 0, 9)));
    Files.write(folder.resolve("t10k-images-idx3-ubyte"), images(2));
    Files.write(folder.resolve("t10k-labels-idx1-ubyte"), labels(1, 2));
    return folder;
  }

  private DataException refused(Path folder) {
    return assertThrows(DataException.class, () -> MnistIdxReader.read(folder.toString(), conf));
  }

  private static void assertContains(String message, String... fragments) {
    for (String f : fragments) {
      assertTrue(message.contains(f), "expected \"" + f + "\" in: " + message);
    }
  }

  @Test
  void digitsArePaddedTo32x32InThreeChannels() throws IOException {
    CifarDataset d = MnistIdxReader.read(folder().toString(), conf);
    assertArrayEquals(new byte[] {7, 0, 9}, d.train().labels());
    assertArrayEquals(new byte[] {1, 2}, d.test().labels());
    assertSame(Preprocessing.MNIST, d.train().preprocessing());
    byte[] px = d.train().pixels();
    for (int i = 0; i < 3; i++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
            int expected = inside ? (byte) (i + (y - 2) * 28 + (x - 2)) : 0;
            assertEquals(expected, px[i * 3072 + c * 1024 + y * 32 + x], i + "," + c + "," + y);
          }
        }
      }
    }
  }

  @Test
  void readsTheRealDigitsGzippedOrNot() throws IOException {
    Path real = MnistSample.folder();
    CifarDataset d = MnistIdxReader.read(real.toString(), conf);
    int[] train = new int[10];
    int[] test = new int[10];
    for (byte label : d.train().labels()) {
      train[label]++;
    }
    for (byte label : d.test().labels()) {
      test[label]++;
    }
    for (int digit = 0; digit < 10; digit++) {
      int all = MnistSample.DIGITS_PER_CLASS[digit];
      assertEquals(all - MnistSample.TEST_PER_DIGIT, train[digit], "training digits " + digit);
      assertEquals(MnistSample.TEST_PER_DIGIT, test[digit], "test digits " + digit);
    }
    // Real digits: dark background, ink in the middle, the same in every channel, a zero border.
    byte[] px = d.train().pixels();
    for (int i = 0; i < d.train().size(); i += 97) {
      int ink = 0;
      for (int p = 0; p < 1024; p++) {
        int y = p / 32;
        int x = p % 32;
        int v = px[i * 3072 + p] & 0xff;
        assertEquals(px[i * 3072 + p], px[i * 3072 + 1024 + p]);
        assertEquals(px[i * 3072 + p], px[i * 3072 + 2048 + p]);
        if (y < 2 || y >= 30 || x < 2 || x >= 30) {
          assertEquals(0, v, "padding of image " + i);
        }
        ink += v > 128 ? 1 : 0;
      }
      assertTrue(ink > 20 && ink < 400, "image " + i + " has " + ink + " bright pixels");
    }

    // The same files un-gzipped read the same.
    Path plain = dir.resolve("plain");
    Files.createDirectories(plain);
    for (String name : MnistFiles.FILES) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(real.resolve(name + ".gz")))) {
        Files.write(plain.resolve(name), in.readAllBytes());
      }
    }
    CifarDataset again = MnistIdxReader.read(plain.toString(), conf);
    assertArrayEquals(d.train().pixels(), again.train().pixels());
    assertArrayEquals(d.test().labels(), again.test().labels());
  }

  @Test
  void missingFilesAreAllNamed() throws IOException {
    Path folder = folder();
    Files.delete(folder.resolve("train-labels-idx1-ubyte.gz"));
    Files.delete(folder.resolve("t10k-images-idx3-ubyte"));
    assertContains(
        refused(folder).getMessage(),
        "lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte (plain or .gz)",
        "MNIST IDX release");
    assertContains(refused(dir.resolve("nowhere")).getMessage(), "data folder not found");
  }

  @Test
  void aLabelFileInPlaceOfImagesIsNamedByItsMagicNumber() throws IOException {
    Path folder = folder();
    Files.write(folder.resolve("t10k-images-idx3-ubyte"), labels(1, 2));
    assertContains(
        refused(folder).getMessage(),
        "t10k-images-idx3-ubyte: magic number 0x00000801 (that of a label file) at byte offset 0",
        "expected 0x00000803, an MNIST image file");
  }

  @Test
  void otherDimensionsAreRefused() throws IOException {
    Path folder = folder();
    Files.write(folder.resolve("t10k-images-idx3-ubyte"), images(0x803, 2, 32, 32));
    assertContains(
        refused(folder).getMessage(),
        "t10k-images-idx3-ubyte: images of 32 x 32 pixels (byte offsets 8 and 12)",
        "expected 28 x 28");
  }

  @Test
  void imagesAndLabelsMustCountTheSame() throws IOException {
    Path folder = folder();
    Files.write(folder.resolve("t10k-labels-idx1-ubyte"), labels(1, 2, 3));
    assertContains(
        refused(folder).getMessage(),
        "t10k-images-idx3-ubyte: 2 images (byte offset 4), but ",
        "t10k-labels-idx1-ubyte has 3 labels");
  }

  @Test
  void aLabelOutOfRangeIsNamedWithItsOffset() throws IOException {
    Path folder = folder();
    Files.write(folder.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(7, 10, 9)));
    assertContains(
        refused(folder).getMessage(),
        "train-labels-idx1-ubyte.gz: label 1 (uncompressed byte offset 9) is 10; expected 0..9");
  }

  @Test
  void truncatedAndOverlongFilesAreNamedWithTheOffset() throws IOException {
    Path folder = folder();
    byte[] whole = images(2);
    Files.write(folder.resolve("t10k-images-idx3-ubyte"), Arrays.copyOf(whole, 16 + 784 + 100));
    assertContains(
        refused(folder).getMessage(),
        "t10k-images-idx3-ubyte: file ended at byte offset 900 while reading image 1",
        "expected 1584 bytes",
        "truncated");

    Files.write(folder.resolve("t10k-images-idx3-ubyte"), Arrays.copyOf(whole, whole.length + 1));
    assertContains(
        refused(folder).getMessage(),
        "t10k-images-idx3-ubyte: more bytes after its 2 images (byte offset 1584)");

    Files.write(folder.resolve("t10k-images-idx3-ubyte"), Arrays.copyOf(whole, 10));
    assertContains(
        refused(folder).getMessage(), "file ended at byte offset 10, inside its 16-byte header");
  }

  @Test
  void aBrokenGzipFileIsNamed() throws IOException {
    Path folder = folder();
    byte[] gz = gzip(images(3));
    Files.write(folder.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
    assertContains(
        refused(folder).getMessage(),
        "cannot read ",
        "train-images-idx3-ubyte.gz (not a valid gzip file, or truncated)");

    Files.write(folder.resolve("train-images-idx3-ubyte.gz"), images(3));
    assertContains(refused(folder).getMessage(), "train-images-idx3-ubyte.gz (not a valid gzip");
  }
}
