package org.h2cl.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.storage.HadoopConf;

/**
 * The progress records of one run: {@code <folder>/seed=<s>.json}, one small JSON text file per
 * seed, on any Hadoop file system. Executors replace their seed's file; the driver reads them. The
 * folder is {@value #FOLDER} under the checkpoint folder, which every executor can already write
 * and the driver read (resuming depends on it), so the records reach the driver in local mode and
 * on a cluster alike.
 *
 * <p>Serializable so that it can travel to executors: it holds the folder URI, the run id and the
 * driver's Hadoop configuration, and opens the file system lazily where it is used.
 */
public final class ProgressFiles implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The folder's name under the checkpoint folder. */
  public static final String FOLDER = "_progress";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          // A driver of an older version can still read what it knows.
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String uri;
  private final String runId;
  private final HadoopConf hadoop;
  private transient FileSystem fs;

  /**
   * @param uri the folder of the records (need not exist)
   * @param runId the run whose records these are
   * @param hadoop the configuration its file system is opened with
   */
  public ProgressFiles(String uri, String runId, HadoopConf hadoop) {
    this.uri = uri;
    this.runId = runId;
    this.hadoop = hadoop;
  }

  /**
   * The records of run {@code runId} in {@value #FOLDER} under the folder of {@code checkpoints},
   * opened with its Hadoop configuration.
   */
  public static ProgressFiles under(CheckpointStore checkpoints, String runId) {
    return new ProgressFiles(
        new Path(checkpoints.uri(), FOLDER).toString(), runId, checkpoints.hadoop());
  }

  public String uri() {
    return uri;
  }

  public String runId() {
    return runId;
  }

  /** Where the record of {@code seed} lives. */
  public Path path(int seed) {
    return new Path(uri, "seed=" + seed + ".json");
  }

  /**
   * Replaces the record of {@code p.seed()}: written to a hidden temporary file and renamed, so a
   * reader sees the old record or the new one, never a part.
   *
   * @throws UncheckedIOException when the file system refuses
   */
  public void write(SeedProgress p) {
    Path target = path(p.seed());
    Path tmp = new Path(uri, ".seed=" + p.seed() + ".json." + p.attempt() + "-" + p.counter());
    try {
      try (OutputStream out = fs().create(tmp, true)) {
        out.write(toJson(p).getBytes(StandardCharsets.UTF_8));
      }
      if (!fs().rename(tmp, target)) {
        // Hadoop's rename does not replace an existing file on every file system (HDFS): the
        // reader may find no file for a moment and keeps the record it had.
        fs().delete(target, false);
        if (!fs().rename(tmp, target)) {
          fs().delete(tmp, false);
          throw new IOException("could not rename " + tmp + " to " + target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write progress record " + target + ": " + e, e);
    }
  }

  /**
   * The record of {@code seed}, or empty when there is none yet, it belongs to another run, or it
   * cannot be read right now (a poll later will see it).
   */
  public Optional<SeedProgress> read(int seed) {
    try (InputStream in = fs().open(path(seed))) {
      SeedProgress p = fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return runId.equals(p.runId()) && p.seed() == seed ? Optional.of(p) : Optional.empty();
    } catch (IOException e) {
      // Not written yet (FileNotFoundException), or a file system hiccup: the next poll retries.
      return Optional.empty();
    }
  }

  /** Deletes the folder and every record in it. */
  public void deleteAll() {
    try {
      fs().delete(new Path(uri), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete progress records in " + uri + ": " + e, e);
    }
  }

  /** The record as one line of JSON (snake_case keys; NaN as the string "NaN"). */
  public static String toJson(SeedProgress p) {
    try {
      return JSON.writeValueAsString(p);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a progress record as JSON: " + e, e);
    }
  }

  /**
   * Reads a record written by {@link #toJson}.
   *
   * @throws IOException when {@code json} is not such a record
   */
  public static SeedProgress fromJson(String json) throws IOException {
    return JSON.readValue(json, SeedProgress.class);
  }

  private FileSystem fs() throws IOException {
    if (fs == null) {
      fs = new Path(uri).getFileSystem(hadoop.get());
    }
    return fs;
  }

  @Override
  public String toString() {
    return "ProgressFiles(" + uri + ")";
  }
}
