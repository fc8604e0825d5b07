package org.h2cl.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the official MNIST release ({@link MnistFiles}: four IDX files, plain or gzipped) from any
 * Hadoop FileSystem, into the network's layout: each 28x28 digit zero-padded to 32x32 and copied
 * into the three channels, with MNIST's {@link Preprocessing}. Validates strictly: magic numbers,
 * counts (the same in a split's two files), dimensions, label range and the exact length, every
 * problem reported with the file's URI and the byte offset (of the uncompressed content for a
 * {@code .gz} file).
 */
public final class MnistIdxReader {

  private static final int BUFFER_BYTES = 1 << 16;

  private MnistIdxReader() {}

  /**
   * Reads the training set (train-images, train-labels) and the test set (t10k-images, t10k-labels)
   * of the folder.
   *
   * @throws DataException when the folder or a file is missing, unreachable or malformed
   */
  public static CifarDataset read(String folderUri, Configuration conf) {
    Path folder = DataFiles.folder(folderUri);
    try (FileSystem fs = DataFiles.fileSystem(folder, folderUri, conf)) {
      DataFiles.requireFolder(fs, folder, folderUri, expected());
      Set<String> present = DataFiles.fileNames(fs, folder, folderUri, MnistFiles.FILES);
      List<String> missing = MnistFiles.missing(present, folder);
      if (!missing.isEmpty()) {
        throw new DataException(
            "data folder "
                + fs.makeQualified(folder)
                + " lacks "
                + String.join(", ", missing)
                + " (plain or "
                + MnistFiles.GZIP
                + "); expected "
                + expected());
      }
      CifarImages train =
          read(
              fs,
              MnistFiles.find(folder, present, MnistFiles.TRAIN_IMAGES),
              MnistFiles.find(folder, present, MnistFiles.TRAIN_LABELS));
      CifarImages test =
          read(
              fs,
              MnistFiles.find(folder, present, MnistFiles.TEST_IMAGES),
              MnistFiles.find(folder, present, MnistFiles.TEST_LABELS));
      return new CifarDataset(train, test);
    } catch (IOException e) {
      throw DataFiles.unreachable(folderUri, e);
    }
  }

  private static String expected() {
    return "the MNIST IDX release (" + String.join(", ", MnistFiles.FILES) + ", each may be .gz)";
  }

  private static CifarImages read(FileSystem fs, Path imagesPath, Path labelsPath)
      throws IOException {
    IdxFile labelsFile = new IdxFile(fs, labelsPath);
    byte[] labels;
    try (InputStream in = labelsFile.open()) {
      labels = readLabels(in, labelsFile);
    }
    IdxFile imagesFile = new IdxFile(fs, imagesPath);
    try (InputStream in = imagesFile.open()) {
      byte[] pixels = readImages(in, imagesFile, labels.length, labelsFile.uri);
      return new CifarImages(pixels, labels, Preprocessing.MNIST);
    }
  }

  /** One IDX file: its URI for messages, and whether offsets count uncompressed bytes. */
  static final class IdxFile {
    final FileSystem fs;
    final Path path;
    final String uri;
    final String offsetName;

    IdxFile(FileSystem fs, Path path) {
      this.fs = fs;
      this.path = path;
      this.uri = fs == null ? path.toString() : fs.makeQualified(path).toString();
      this.offsetName = gzipped() ? "uncompressed byte offset" : "byte offset";
    }

    boolean gzipped() {
      return path.getName().endsWith(MnistFiles.GZIP);
    }

    InputStream open() throws IOException {
      InputStream raw = fs.open(path);
      try {
        return gzipped()
            ? new GZIPInputStream(raw, BUFFER_BYTES)
            : new BufferedInputStream(raw, BUFFER_BYTES);
      } catch (IOException e) {
        raw.close();
        throw unreadable(this, e);
      }
    }
  }

  /** Reads a label file's header and labels; the stream must end right after them. */
  static byte[] readLabels(InputStream in, IdxFile file) {
    ByteBuffer header =
        header(
            in,
            file,
            MnistFiles.LABELS_HEADER_BYTES,
            MnistFiles.LABELS_MAGIC,
            "label file (1 dimension)");
    int count = count(file, header.getInt(4), "labels", Integer.MAX_VALUE - 8);
    byte[] labels = new byte[count];
    int read = readFully(in, file, labels, 0, count);
    if (read < count) {
      throw truncated(file, MnistFiles.LABELS_HEADER_BYTES + read, "label " + read, count, 1, 8);
    }
    for (int i = 0; i < count; i++) {
      if (labels[i] < 0 || labels[i] > 9) {
        throw new DataException(
            file.uri
                + ": label "
                + i
                + " ("
                + file.offsetName
                + " "
                + (MnistFiles.LABELS_HEADER_BYTES + i)
                + ") is "
                + (labels[i] & 0xff)
                + "; expected 0..9");
      }
    }
    checkEnd(in, file, MnistFiles.LABELS_HEADER_BYTES + (long) count, count, "labels");
    return labels;
  }

  /**
   * Reads an image file whose split has {@code labels} labels (in {@code labelsUri}) into padded,
   * three-channel 32x32 images.
   */
  static byte[] readImages(InputStream in, IdxFile file, int labels, String labelsUri) {
    ByteBuffer header =
        header(
            in,
            file,
            MnistFiles.IMAGES_HEADER_BYTES,
            MnistFiles.IMAGES_MAGIC,
            "image file (unsigned bytes, 3 dimensions)");
    int count =
        count(file, header.getInt(4), "images", (Integer.MAX_VALUE - 8) / CifarImages.IMAGE_BYTES);
    int rows = header.getInt(8);
    int columns = header.getInt(12);
    if (rows != MnistFiles.SIDE || columns != MnistFiles.SIDE) {
      throw new DataException(
          file.uri
              + ": images of "
              + rows
              + " x "
              + columns
              + " pixels ("
              + file.offsetName
              + "s 8 and 12); expected 28 x 28 (MNIST)");
    }
    if (count != labels) {
      throw new DataException(
          file.uri
              + ": "
              + count
              + " images ("
              + file.offsetName
              + " 4), but "
              + labelsUri
              + " has "
              + labels
              + " labels; expected one label per image");
    }
    byte[] pixels = new byte[count * CifarImages.IMAGE_BYTES];
    byte[] digit = new byte[MnistFiles.IMAGE_BYTES];
    for (int i = 0; i < count; i++) {
      long offset = MnistFiles.IMAGES_HEADER_BYTES + (long) i * MnistFiles.IMAGE_BYTES;
      int read = readFully(in, file, digit, 0, digit.length);
      if (read < digit.length) {
        throw truncated(file, offset + read, "image " + i, count, MnistFiles.IMAGE_BYTES, 16);
      }
      pad(digit, pixels, i * CifarImages.IMAGE_BYTES);
    }
    checkEnd(
        in,
        file,
        MnistFiles.IMAGES_HEADER_BYTES + (long) count * MnistFiles.IMAGE_BYTES,
        count,
        "images");
    return pixels;
  }

  /**
   * Writes the 28x28 digit, zero-padded to 32x32, into each of the three channels at {@code at}.
   */
  private static void pad(byte[] digit, byte[] pixels, int at) {
    for (int c = 0; c < CifarImages.CHANNELS; c++) {
      int plane = at + c * CifarImages.CHANNEL_PIXELS;
      for (int y = 0; y < MnistFiles.SIDE; y++) {
        System.arraycopy(
            digit,
            y * MnistFiles.SIDE,
            pixels,
            plane + (y + MnistFiles.PAD) * CifarImages.WIDTH + MnistFiles.PAD,
            MnistFiles.SIDE);
      }
    }
  }

  /** Reads the header; checks the magic number first, so a wrong file is named as such. */
  private static ByteBuffer header(
      InputStream in, IdxFile file, int bytes, int magic, String what) {
    byte[] header = new byte[bytes];
    int read = readFully(in, file, header, 0, bytes);
    if (read >= Integer.BYTES) {
      checkMagic(file, ByteBuffer.wrap(header).getInt(0), magic, what);
    }
    if (read < bytes) {
      throw new DataException(
          file.uri
              + ": file ended at "
              + file.offsetName
              + " "
              + read
              + ", inside its "
              + bytes
              + "-byte header; the file is truncated or not an MNIST IDX file");
    }
    return ByteBuffer.wrap(header); // big-endian, as IDX is
  }

  private static void checkMagic(IdxFile file, int magic, int expected, String what) {
    if (magic != expected) {
      String other =
          magic == MnistFiles.LABELS_MAGIC
              ? " (that of a label file)"
              : magic == MnistFiles.IMAGES_MAGIC ? " (that of an image file)" : "";
      throw new DataException(
          String.format(
              "%s: magic number 0x%08x%s at %s 0; expected 0x%08x, an MNIST %s",
              file.uri, magic, other, file.offsetName, expected, what));
    }
  }

  private static int count(IdxFile file, int count, String what, int most) {
    if (count < 0 || count > most) {
      throw new DataException(
          file.uri
              + ": "
              + what
              + " count "
              + Integer.toUnsignedString(count)
              + " ("
              + file.offsetName
              + " 4); expected 0.."
              + most);
    }
    return count;
  }

  /** Refuses bytes after the last item the header announced. */
  private static void checkEnd(InputStream in, IdxFile file, long length, int count, String what) {
    int next;
    try {
      next = in.read();
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    if (next >= 0) {
      throw new DataException(
          file.uri
              + ": more bytes after its "
              + count
              + " "
              + what
              + " ("
              + file.offsetName
              + " "
              + length
              + "); expected exactly "
              + length
              + " bytes, as its header says");
    }
  }

  private static DataException truncated(
      IdxFile file, long offset, String item, int count, int itemBytes, int headerBytes) {
    return new DataException(
        file.uri
            + ": file ended at "
            + file.offsetName
            + " "
            + offset
            + " while reading "
            + item
            + "; expected "
            + (headerBytes + (long) count * itemBytes)
            + " bytes (a "
            + headerBytes
            + "-byte header and "
            + count
            + " of "
            + itemBytes
            + "); the file is truncated");
  }

  /** Reads up to {@code length} bytes, fewer only at the end of the stream. */
  private static int readFully(InputStream in, IdxFile file, byte[] into, int at, int length) {
    try {
      return in.readNBytes(into, at, length);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static DataException unreadable(IdxFile file, IOException e) {
    String hint = file.gzipped() ? " (not a valid gzip file, or truncated)" : "";
    return new DataException("cannot read " + file.uri + hint + ": " + e, e);
  }
}
