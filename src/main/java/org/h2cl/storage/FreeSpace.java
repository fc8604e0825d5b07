package org.h2cl.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.QuotaUsage;

/**
 * How many bytes may still be written under a folder: the file system's free space ({@link
 * FileSystem#getStatus}; on the local disk what this user may use), and on HDFS also what the space
 * quotas of the folder and its parents leave. HDFS counts every replica against a quota and
 * reserves a whole block per replica for each file being written, which {@link #needed} adds.
 */
public final class FreeSpace {

  private FreeSpace() {}

  /** The bytes free where {@code dir} is (or would be created). */
  public static long at(FileSystem fs, Path dir) throws IOException {
    Path existing = fs.makeQualified(dir);
    while (existing.getParent() != null && !fs.exists(existing)) {
      existing = existing.getParent();
    }
    if ("file".equals(fs.getScheme())) {
      // Hadoop's local status counts the blocks reserved for root as free.
      return Files.getFileStore(java.nio.file.Path.of(existing.toUri())).getUsableSpace();
    }
    long free = fs.getStatus(existing).getRemaining();
    if ("hdfs".equals(fs.getScheme())) {
      for (Path p = existing; p != null; p = p.getParent()) {
        QuotaUsage q = fs.getQuotaUsage(p);
        if (q.getSpaceQuota() >= 0) {
          free = Math.min(free, Math.max(0, q.getSpaceQuota() - q.getSpaceConsumed()));
        }
      }
    }
    return free;
  }

  /**
   * What writing {@code bytes} in files of which {@code concurrentFiles} are open at once takes
   * under {@code dir}: on HDFS every byte times the replication, plus a block per replica for each
   * open file; elsewhere just {@code bytes}.
   */
  public static long needed(FileSystem fs, Path dir, long bytes, int concurrentFiles) {
    if (!"hdfs".equals(fs.getScheme())) {
      return bytes;
    }
    long replication = fs.getDefaultReplication(dir);
    return replication * (bytes + concurrentFiles * fs.getDefaultBlockSize(dir));
  }

  /** {@code 1.5 GB}, {@code 602 KB}: decimal units, as file managers show them. */
  public static String format(long bytes) {
    String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0
        ? bytes + " B"
        : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  /** " (N free there)", or "" when the file system cannot say: for error messages. */
  public static String describeFree(FileSystem fs, Path dir) {
    try {
      return " (" + format(at(fs, dir)) + " free there)";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
