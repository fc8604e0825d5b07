package org.h2cl.results;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The layout of a run's output folder:
 *
 * <pre>
 *   &lt;uri&gt;/task_results/  accuracy_matrix/  summary/  run/   Parquet tables (ResultSchemas)
 *   &lt;uri&gt;/_checkpoints/                                         checkpoints (default location)
 *   &lt;uri&gt;/_staging-&lt;run id&gt;/                                    tables being written
 *   &lt;uri&gt;/_RUN_COMPLETE                                         written last, by a finished run
 * </pre>
 *
 * Names starting with {@code _} are skipped by Spark's and Hadoop's readers.
 */
public final class OutputFolder {

  /** The finished-run marker: present only when every seed's results are in the tables. */
  public static final String MARKER = "_RUN_COMPLETE";

  private static final String STAGING_PREFIX = "_staging-";

  private final FileSystem fs;
  private final Path root;

  /**
   * @param conf Hadoop configuration that resolves {@code uri} (Spark's, on the driver)
   */
  public OutputFolder(String uri, Configuration conf) {
    try {
      Path p = new Path(uri);
      this.fs = p.getFileSystem(conf);
      this.root = fs.makeQualified(p);
    } catch (IOException e) {
      throw new ResultsException("cannot open output folder " + uri + ": " + e, e);
    }
  }

  /** The folder's fully qualified URI (a relative path resolved against the working folder). */
  public String uri() {
    return root.toString();
  }

  Path table(String name) {
    return new Path(root, name);
  }

  /** An empty staging folder for the tables of {@code runId} (a left-over one is removed). */
  Path freshStaging(String runId) {
    Path staging = new Path(root, STAGING_PREFIX + runId);
    try {
      delete(staging);
    } catch (IOException e) {
      throw new ResultsException("cannot clear staging folder " + staging + ": " + e, e);
    }
    return staging;
  }

  /** Whether the folder holds a finished run (its marker exists). */
  public boolean isFinished() {
    return exists(new Path(root, MARKER));
  }

  /** The marker's text (run id and end time), if the folder holds a finished run. */
  public Optional<String> markerText() {
    Path m = new Path(root, MARKER);
    try (FSDataInputStream in = fs.open(m)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ResultsException("cannot read " + m + ": " + e, e);
    }
  }

  /**
   * Removes the result tables, the marker and staging folders of earlier runs; nothing else (the
   * checkpoints belong to their store, other files to whoever put them there).
   */
  public void clearResults() {
    try {
      delete(new Path(root, MARKER));
      for (String table : ResultSchemas.TABLES.keySet()) {
        delete(table(table));
      }
      if (exists(root)) {
        for (FileStatus f : fs.listStatus(root)) {
          if (f.isDirectory() && f.getPath().getName().startsWith(STAGING_PREFIX)) {
            delete(f.getPath());
          }
        }
      }
    } catch (IOException e) {
      throw new ResultsException("cannot clear output folder " + root + ": " + e, e);
    }
  }

  /**
   * Moves the tables from {@code staging} into place, replacing earlier ones, removes {@code
   * staging}, and writes the marker with {@code markerText} when {@code complete}.
   */
  void publish(Path staging, boolean complete, String markerText) {
    try {
      // An earlier marker must not vouch for tables that are about to change.
      delete(new Path(root, MARKER));
      for (String table : ResultSchemas.TABLES.keySet()) {
        delete(table(table));
        if (!fs.rename(new Path(staging, table), table(table))) {
          throw new IOException(
              "could not move " + new Path(staging, table) + " to " + table(table));
        }
      }
      delete(staging);
      if (complete) {
        try (OutputStream out = fs.create(new Path(root, MARKER), true)) {
          out.write((markerText + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new ResultsException("cannot publish result tables in " + root + ": " + e, e);
    }
  }

  private boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new ResultsException("cannot access " + p + ": " + e, e);
    }
  }

  private void delete(Path p) throws IOException {
    fs.delete(p, true);
  }
}
