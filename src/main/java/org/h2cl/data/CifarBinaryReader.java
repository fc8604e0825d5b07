package org.h2cl.data;

import java.io.BufferedInputStream;
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
 * Reads a CIFAR binary release ({@link CifarRelease}: CIFAR-10's {@code data_batch_1..5.bin},
 * {@code test_batch.bin}; CIFAR-100's {@code train.bin}, {@code test.bin}) from any Hadoop
 * FileSystem (file:, hdfs:, s3a:; a bare path is local). Validates strictly: every problem is
 * reported with the file's URI and, for a bad record, its index and byte offset.
 */
public final class CifarBinaryReader {

  private static final int BUFFER_BYTES = 1 << 20;

  private CifarBinaryReader() {}

  /** Reads CIFAR-10's six files of the folder. */
  public static CifarDataset read(String folderUri, Configuration conf) {
    return read(folderUri, CifarRelease.CIFAR10, conf);
  }

  /**
   * Reads the release's files of the folder: the training set is its training files concatenated in
   * order (CIFAR-10: data_batch_1..5), the test set its test file. The class of a record is its
   * last label byte (CIFAR-100: the fine label).
   *
   * @throws DataException when the folder or a file is missing, unreachable or malformed
   */
  public static CifarDataset read(String folderUri, CifarRelease release, Configuration conf) {
    Path folder = DataFiles.folder(folderUri);
    try (FileSystem fs = DataFiles.fileSystem(folder, folderUri, conf)) {
      Map<String, FileStatus> files = list(fs, folder, folderUri, release);
      checkSizes(fs, files, release);
      CifarImages train = read(fs, release.trainFiles, files, release);
      CifarImages test = read(fs, List.of(release.testFile), files, release);
      return new CifarDataset(train, test);
    } catch (IOException e) {
      throw DataFiles.unreachable(folderUri, e);
    }
  }

  private static Map<String, FileStatus> list(
      FileSystem fs, Path folder, String folderUri, CifarRelease release) throws IOException {
    DataFiles.requireFolder(fs, folder, folderUri, String.join(", ", release.dataFiles));
    List<String> missing = DataFiles.missingFiles(fs, folder, folderUri, release.dataFiles);
    if (!missing.isEmpty()) {
      throw new DataException(
          "data folder "
              + fs.makeQualified(folder)
              + " lacks "
              + String.join(", ", missing)
              + "; expected the "
              + release.title
              + " binary release ("
              + String.join(", ", release.dataFiles)
              + ")");
    }
    Map<String, FileStatus> files = new HashMap<>();
    for (String name : release.dataFiles) {
      files.put(name, fs.getFileStatus(new Path(folder, name)));
    }
    return files;
  }

  /** Reports every file whose size cannot hold whole records, all at once. */
  private static void checkSizes(
      FileSystem fs, Map<String, FileStatus> files, CifarRelease release) {
    int record = release.recordBytes;
    List<String> problems = new ArrayList<>();
    for (String name : release.dataFiles) {
      FileStatus status = files.get(name);
      long length = status.getLen();
      String uri = fs.makeQualified(status.getPath()).toString();
      if (length == 0) {
        problems.add(
            uri
                + ": empty file; expected records of "
                + record
                + " bytes ("
                + release.recordLayout()
                + ")");
      } else if (length % record != 0) {
        problems.add(
            uri
                + ": size "
                + length
                + " bytes is not a multiple of the "
                + record
                + "-byte record ("
                + release.recordLayout()
                + "): "
                + length / record
                + " whole records and "
                + length % record
                + " bytes more; the file is truncated or not a "
                + release.title
                + " binary file");
      }
    }
    if (!problems.isEmpty()) {
      throw new DataException(String.join("\n", problems));
    }
  }

  private static CifarImages read(
      FileSystem fs, List<String> names, Map<String, FileStatus> files, CifarRelease release)
      throws IOException {
    long total = 0;
    for (String name : names) {
      total += files.get(name).getLen() / release.recordBytes;
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
      int records = (int) (status.getLen() / release.recordBytes);
      String uri = fs.makeQualified(status.getPath()).toString();
      try (InputStream in = new BufferedInputStream(fs.open(status.getPath()), BUFFER_BYTES)) {
        readRecords(in, uri, release, records, labels, pixels, first);
      }
      first += records;
    }
    return new CifarImages(pixels, labels, release.preprocessing);
  }

  /**
   * Reads {@code records} records into {@code labels[first..]} and the matching pixels.
   *
   * @param uri names the file in error messages
   */
  static void readRecords(
      InputStream in,
      String uri,
      CifarRelease release,
      int records,
      byte[] labels,
      byte[] pixels,
      int first)
      throws IOException {
    int record = release.recordBytes;
    for (int r = 0; r < records; r++) {
      long offset = (long) r * record;
      int label = -1;
      for (int b = 0; b < release.labelBytes(); b++) {
        label = in.read();
        if (label < 0) {
          throw truncated(uri, offset + b, r, records, record);
        }
        if (label >= release.labelValues(b)) {
          throw new DataException(
              uri
                  + ": record "
                  + r
                  + " (byte offset "
                  + (offset + b)
                  + ") has "
                  + release.labelName(b)
                  + " "
                  + label
                  + "; expected 0.."
                  + (release.labelValues(b) - 1));
        }
      }
      labels[first + r] = (byte) label;
      int at = (first + r) * CifarImages.IMAGE_BYTES;
      int read = 0;
      while (read < CifarImages.IMAGE_BYTES) {
        int n = in.read(pixels, at + read, CifarImages.IMAGE_BYTES - read);
        if (n < 0) {
          throw truncated(uri, offset + release.labelBytes() + read, r, records, record);
        }
        read += n;
      }
    }
  }

  private static DataException truncated(
      String uri, long offset, int record, int records, int recordBytes) {
    long expected = (long) records * recordBytes;
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
            + recordBytes
            + "); the file is truncated");
  }
}
