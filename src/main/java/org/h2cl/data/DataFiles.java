package org.h2cl.data;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/** The Hadoop FileSystem plumbing shared by the readers, downloaders and writers of data files. */
final class DataFiles {

  private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private DataFiles() {}

  /** Writes a file's content to an output stream. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * The folder as a Hadoop path; a bare path is a local folder (relative to the working directory),
   * never one on the cluster's default file system.
   */
  static Path folder(String uri) {
    if (HAS_SCHEME.matcher(uri).matches()) {
      return new Path(uri);
    }
    return new Path(new File(uri).getAbsoluteFile().toURI());
  }

  /**
   * A copy of {@code conf} on which an unreachable HDFS fails within seconds: Hadoop's client
   * otherwise retries the connection for minutes before it reports anything.
   */
  static Configuration failFast(Configuration conf) {
    Configuration copy = new Configuration(conf);
    copy.setInt("ipc.client.connect.max.retries", 0);
    copy.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
    copy.setInt("ipc.client.connect.timeout", 5000);
    copy.setInt("dfs.client.failover.max.attempts", 0);
    return copy;
  }

  /** A private FileSystem instance (close it) for the folder, configured to fail fast. */
  static FileSystem fileSystem(Path folder, String uri, Configuration conf) {
    try {
      if ("file".equals(folder.toUri().getScheme())) {
        // The raw local file system: Hadoop's default one would leave .crc files beside ours.
        RawLocalFileSystem local = new RawLocalFileSystem();
        local.initialize(folder.toUri(), conf);
        return local;
      }
      return FileSystem.newInstance(folder.toUri(), failFast(conf));
    } catch (UnsupportedFileSystemException e) {
      throw new DataException(
          "unknown URI scheme '"
              + folder.toUri().getScheme()
              + "' in h2.data.uri \""
              + uri
              + "\": no Hadoop FileSystem is registered for it"
              + " (file: and hdfs: are built in; s3a: needs hadoop-aws on the classpath)",
          e);
    } catch (IOException | IllegalArgumentException e) {
      throw unreachable(uri, e);
    } catch (RuntimeException e) {
      // Hadoop knows s3a: but its classes come with hadoop-aws, which is not on our class path.
      if (!(e.getCause() instanceof ClassNotFoundException)) {
        throw e;
      }
      throw new DataException(
          "no Hadoop FileSystem for the scheme '"
              + folder.toUri().getScheme()
              + "' of h2.data.uri \""
              + uri
              + "\" on the class path ("
              + e.getCause().getMessage()
              + "); s3a: needs hadoop-aws",
          e);
    }
  }

  static DataException unreachable(String uri, Exception e) {
    return new DataException("cannot reach the data folder \"" + uri + "\" (h2.data.uri): " + e, e);
  }

  /**
   * Refuses a folder that does not exist, naming the URI as given and as resolved.
   *
   * @param expected what the folder should hold, for the message
   */
  static void requireFolder(FileSystem fs, Path folder, String uri, String expected)
      throws IOException {
    try {
      fs.getFileStatus(folder);
    } catch (FileNotFoundException e) {
      throw new DataException(
          "data folder not found: \""
              + uri
              + "\" (h2.data.uri; "
              + fs.makeQualified(folder)
              + "); expected a folder holding "
              + expected);
    }
  }

  /**
   * The names of the plain files in the folder; none when the folder does not exist.
   *
   * @param expected what the folder should hold, for the message when the URI is a file
   */
  static Set<String> fileNames(FileSystem fs, Path folder, String uri, List<String> expected) {
    Set<String> present = new HashSet<>();
    try {
      if (!fs.getFileStatus(folder).isDirectory()) {
        throw new DataException(
            "h2.data.uri \""
                + uri
                + "\" is a file; expected a folder holding "
                + String.join(", ", expected));
      }
      for (FileStatus status : fs.listStatus(folder)) {
        if (status.isFile()) {
          present.add(status.getPath().getName());
        }
      }
    } catch (FileNotFoundException e) {
      return present;
    } catch (IOException e) {
      throw unreachable(uri, e);
    }
    return present;
  }

  /** The files of {@code expected} the folder lacks, in that order; all when it does not exist. */
  static List<String> missingFiles(FileSystem fs, Path folder, String uri, List<String> expected) {
    Set<String> present = fileNames(fs, folder, uri, expected);
    List<String> missing = new ArrayList<>();
    for (String name : expected) {
      if (!present.contains(name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /**
   * Writes {@code target} under a temporary name in the same folder, then renames it, so that a
   * crash never leaves a half-written file under the final name.
   */
  static void writeAtomically(FileSystem fs, Path target, Content content) throws IOException {
    Path temporary =
        new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out = fs.create(temporary, true)) {
        content.writeTo(out);
      }
      // HDFS refuses to rename onto an existing file; the local file system replaces it.
      if (!fs.rename(temporary, target)) {
        fs.delete(target, false);
        if (!fs.rename(temporary, target)) {
          throw new IOException("cannot rename " + temporary + " to " + target);
        }
      }
    } finally {
      if (fs.exists(temporary)) {
        fs.delete(temporary, false);
      }
    }
  }
}
