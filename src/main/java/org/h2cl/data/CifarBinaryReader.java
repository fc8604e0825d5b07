package org.h2cl.data;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the CIFAR-10 binary release ({@code data_batch_1..5.bin}, {@code test_batch.bin}) from any
 * Hadoop FileSystem (file:, hdfs:, s3a:; a bare path is local). Validates strictly: every problem
 * is reported with the file's URI and, for a bad record, its index and byte offset.
 */
public final class CifarBinaryReader {

  private static final int BUFFER_BYTES = 1 << 20;

  private CifarBinaryReader() {}

  /**
   * Reads the six files of the folder: the training set is data_batch_1..5 concatenated in order,
   * the test set is test_batch.
   *
   * @throws DataException when the folder or a file is missing, unreachable or malformed
   */
  public static CifarDataset read(String folderUri, Configuration conf) {
    Path folder = CifarFiles.folder(folderUri);
    try (FileSystem fs = CifarFiles.fileSystem(folder, folderUri, conf)) {
      Map<String, FileStatus> files = list(fs, folder, folderUri);
      checkSizes(fs, files);
      CifarImages train = read(fs, CifarFiles.TRAIN_FILES, files);
      CifarImages test = read(fs, List.of(CifarFiles.TEST_FILE), files);
      return new CifarDataset(train, test);
    } catch (IOException e) {
      throw CifarFiles.unreachable(folderUri, e);
    }
  }

  private static Map<String, FileStatus> list(FileSystem fs, Path folder, String folderUri)
      throws IOException {
    try {
      fs.getFileStatus(folder);
    } catch (FileNotFoundException e) {
      throw new DataException(
          "data folder not found: \""
              + folderUri
              + "\" (h2.data.uri; "
              + fs.makeQualified(folder)
              + "); expected a folder holding "
              + String.join(", ", CifarFiles.DATA_FILES));
    }
    List<String> missing = CifarFiles.missingFiles(fs, folder, folderUri);
    if (!missing.isEmpty()) {
      throw new DataException(
          "data folder "
              + fs.makeQualified(folder)
              + " lacks "
              + String.join(", ", missing)
              + "; expected the CIFAR-10 binary release ("
              + String.join(", ", CifarFiles.DATA_FILES)
              + ")");
    }
    Map<String, FileStatus> files = new HashMap<>();
    for (String name : CifarFiles.DATA_FILES) {
      files.put(name, fs.getFileStatus(new Path(folder, name)));
    }
    return files;
  }

  /** Reports every file whose size cannot hold whole records, all at once. */
  private static void checkSizes(FileSystem fs, Map<String, FileStatus> files) {
    List<String> problems = new ArrayList<>();
    for (String name : CifarFiles.DATA_FILES) {
      FileStatus status = files.get(name);
      long length = status.getLen();
      String uri = fs.makeQualified(status.getPath()).toString();
      if (length == 0) {
        problems.add(
            uri
                + ": empty file; expected records of "
                + CifarFiles.RECORD_BYTES
                + " bytes (1 label byte + 3072 pixel bytes)");
      } else if (length % CifarFiles.RECORD_BYTES != 0) {
        problems.add(
            uri
                + ": size "
                + length
                + " bytes is not a multiple of the "
                + CifarFiles.RECORD_BYTES
                + "-byte record (1 label byte + 3072 pixel bytes): "
                + length / CifarFiles.RECORD_BYTES
                + " whole records and "
                + length % CifarFiles.RECORD_BYTES
                + " bytes more; the file is truncated or not a CIFAR-10 binary file");
      }
    }
    if (!problems.isEmpty()) {
      throw new DataException(String.join("\n", problems));
    }
  }

  private static CifarImages read(FileSystem fs, List<String> names, Map<String, FileStatus> files)
      throws IOException {
    long total = 0;
    for (String name : names) {
      total += files.get(name).getLen() / CifarFiles.RECORD_BYTES;
    }
    if (total * CifarImages.IMAGE_BYTES > Integer.MAX_VALUE - 8) {
      throw new DataException(
          "files "
              + names
              + " hold "
              + total
              + " records; at most "
              + (Integer.MAX_VALUE / CifarImages.IMAGE_BYTES)
              + " fit in one array");
    }
    byte[] labels = new byte[(int) total];
    byte[] pixels = new byte[(int) total * CifarImages.IMAGE_BYTES];
    int first = 0;
    for (String name : names) {
      FileStatus status = files.get(name);
      int records = (int) (status.getLen() / CifarFiles.RECORD_BYTES);
      String uri = fs.makeQualified(status.getPath()).toString();
      try (InputStream in = new BufferedInputStream(fs.open(status.getPath()), BUFFER_BYTES)) {
        readRecords(in, uri, records, labels, pixels, first);
      }
      first += records;
    }
    return new CifarImages(pixels, labels);
  }

  /**
   * Reads {@code records} records into {@code labels[first..]} and the matching pixels.
   *
   * @param uri names the file in error messages
   */
  static void readRecords(
      InputStream in, String uri, int records, byte[] labels, byte[] pixels, int first)
      throws IOException {
    for (int r = 0; r < records; r++) {
      long offset = (long) r * CifarFiles.RECORD_BYTES;
      int label = in.read();
      if (label < 0) {
        throw truncated(uri, offset, r, records);
      }
      if (label > 9) {
        throw new DataException(
            uri
                + ": record "
                + r
                + " (byte offset "
                + offset
                + ") has label "
                + label
                + "; expected 0..9");
      }
      labels[first + r] = (byte) label;
      int at = (first + r) * CifarImages.IMAGE_BYTES;
      int read = 0;
      while (read < CifarImages.IMAGE_BYTES) {
        int n = in.read(pixels, at + read, CifarImages.IMAGE_BYTES - read);
        if (n < 0) {
          throw truncated(uri, offset + 1 + read, r, records);
        }
        read += n;
      }
    }
  }

  private static DataException truncated(String uri, long offset, int record, int records) {
    long expected = (long) records * CifarFiles.RECORD_BYTES;
    return new DataException(
        uri
            + ": file ended at byte offset "
            + offset
            + " while reading record "
            + record
            + "; expected "
            + expected
            + " bytes ("
            + records
            + " records of "
            + CifarFiles.RECORD_BYTES
            + "); the file is truncated");
  }
}
