package org.h2cl.results;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.storage.FreeSpace;
import org.h2cl.storage.OwnedFolder;

/**
 * The layout of a run's output folder:
 *
 * <pre>
 *   &lt;uri&gt;/task_results/  accuracy_matrix/  history/  summary/  run/   Parquet (ResultSchemas)
 *   &lt;uri&gt;/csv/&lt;table&gt;.csv                                       with h2.output.csv (CsvTables)
 *   &lt;uri&gt;/_checkpoints/                                         checkpoints (default location)
 *   &lt;uri&gt;/_staging-&lt;run id&gt;/                                    tables being written
 *   &lt;uri&gt;/_staging-&lt;run id&gt;/_READY                             all five staged: moving them
 *   &lt;uri&gt;/_RUN_COMPLETE                                         written last, by a finished run
 *   &lt;uri&gt;/_H2_OWNED, &lt;uri&gt;/&lt;table&gt;/_H2_OWNED, …                 the job's mark (OwnedFolder)
 *   &lt;uri&gt;/_H2_LOCK                                              the running job's lock (RunLock)
 * </pre>
 *
 * Names starting with {@code _} are skipped by Spark's and Hadoop's readers.
 *
 * <p>Publishing is completed forward, never undone: once {@code _READY} exists the staged tables
 * are the new state, and {@link #completeInterruptedPublish} finishes moving them after a crash. A
 * staging folder without it was still being written and is dropped, leaving the earlier tables.
 */
public final class OutputFolder {

  /** The finished-run marker: present only when every seed's results are in the tables. */
  public static final String MARKER = "_RUN_COMPLETE";

  private static final String STAGING_PREFIX = "_staging-";

  /** Written into a staging folder once every table in it is complete; holds the marker text. */
  static final String READY = "_READY";

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
    } catch (IOException | IllegalArgumentException e) {
      // An unknown name node host arrives as an IllegalArgumentException.
      throw new ResultsException("cannot open output folder " + uri + ": " + e, e);
    } catch (RuntimeException e) {
      // Hadoop knows s3a: but its classes come with hadoop-aws, which is not on our class path.
      if (!(e.getCause() instanceof ClassNotFoundException)) {
        throw e;
      }
      throw new ResultsException(
          "cannot open output folder "
              + uri
              + " (h2.output.uri): no Hadoop file system for its scheme on the class path ("
              + e.getCause().getMessage()
              + ")",
          e);
    }
  }

  /** The folder's fully qualified URI (a relative path resolved against the working folder). */
  /** The folder's file system. */
  FileSystem fileSystem() {
    return fs;
  }

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
      OwnedFolder.claim(fs, staging, "result tables being written by run " + runId);
    } catch (IOException | FSError e) {
      throw stagingFailed(staging, "its mark", e);
    }
    return staging;
  }

  /**
   * What the folder holds that this job did not write (see {@link OwnedFolder}): everything, when
   * the folder lacks the job's mark; otherwise entries outside the layout above, and in the result
   * tables anything but Parquet's part files and {@code _SUCCESS}. Names are relative to the
   * folder.
   */
  public List<String> foreign() {
    try {
      List<String> foreign = new ArrayList<>(OwnedFolder.foreign(fs, root, OutputFolder::inLayout));
      if (!OwnedFolder.isOwned(fs, root)) {
        return foreign;
      }
      for (FileStatus f : fs.listStatus(root)) {
        String name = f.getPath().getName();
        if (f.isDirectory() && ResultSchemas.TABLES.containsKey(name)) {
          foreign.addAll(OwnedFolder.foreignIn(fs, f, OutputFolder::isTableFile));
        } else if (f.isDirectory() && name.equals(CsvTables.FOLDER)) {
          foreign.addAll(OwnedFolder.foreignIn(fs, f, CsvTables::isCsvFile));
        } else if (f.isDirectory() && name.startsWith(STAGING_PREFIX)) {
          foreign.addAll(OwnedFolder.foreignIn(fs, f, entry -> true));
        }
      }
      foreign.sort(null);
      return foreign;
    } catch (IOException e) {
      throw new ResultsException("cannot list output folder " + root + ": " + e, e);
    }
  }

  /** The entries of the layout above; the checkpoints are their store's to check. */
  private static boolean inLayout(FileStatus f) {
    String name = f.getPath().getName();
    if (f.isDirectory()) {
      return ResultSchemas.TABLES.containsKey(name)
          || name.equals(CsvTables.FOLDER)
          || name.startsWith(STAGING_PREFIX)
          || name.equals(CHECKPOINTS);
    }
    return name.equals(MARKER) || name.equals(MARKER + ".tmp");
  }

  /** What Spark writes into a Parquet table's folder. */
  private static boolean isTableFile(FileStatus f) {
    String name = f.getPath().getName();
    return f.isFile() && (name.startsWith("part-") || name.equals("_SUCCESS"));
  }

  /** The default checkpoint folder's name (h2.checkpoint.uri empty). */
  static final String CHECKPOINTS = "_checkpoints";

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
      for (String table : published()) {
        deleteOwned(table(table));
      }
      if (exists(root)) {
        for (FileStatus f : fs.listStatus(root)) {
          if (f.isDirectory() && f.getPath().getName().startsWith(STAGING_PREFIX)) {
            deleteOwned(f.getPath());
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
    publish(staging, complete, markerText, step -> {});
  }

  /**
   * As {@link #publish(Path, boolean, String)}; {@code afterStep} is called after each step ({@code
   * _READY}, then each table's name once it moved, then {@code _RUN_COMPLETE}) so that tests can
   * stop the publish there, as a crash would.
   */
  void publish(Path staging, boolean complete, String markerText, Consumer<String> afterStep) {
    try {
      for (String table : ResultSchemas.TABLES.keySet()) {
        OwnedFolder.claim(fs, new Path(staging, table), "result table " + table);
      }
      Path csv = new Path(staging, CsvTables.FOLDER);
      if (fs.exists(csv)) {
        OwnedFolder.claim(fs, csv, "CSV copies of the result tables");
      } else {
        // An earlier run's CSV copies would not match the new tables (h2.output.csv is off now).
        deleteOwned(table(CsvTables.FOLDER));
      }
      // The point of no return: from here on a crash is completed by the next start, not undone.
      writeAtomically(new Path(staging, READY), "complete=" + complete + "\n" + markerText + "\n");
    } catch (IOException | FSError e) {
      throw stagingFailed(staging, READY, e);
    }
    afterStep.accept(READY);
    try {
      moveIntoPlace(staging, complete, markerText, afterStep);
    } catch (IOException | FSError e) {
      throw new ResultsException(
          "cannot move the result tables into "
              + root
              + ": "
              + rootCause(e)
              + FreeSpace.describeFree(fs, root)
              + "; the next start of the job completes the move before anything else",
          e);
    }
  }

  /**
   * What a failure while writing {@code what} into {@code staging} becomes: the half-written
   * staging folder is removed, and the error names the table, the cause and the free space.
   */
  ResultsException stagingFailed(Path staging, String what, Throwable e) {
    try {
      delete(staging);
    } catch (IOException | RuntimeException | FSError ignored) {
      // The next start drops a staging folder without _READY anyway.
    }
    return new ResultsException(
        "cannot write the result tables into "
            + staging
            + " ("
            + what
            + "): "
            + rootCause(e)
            + FreeSpace.describeFree(fs, root)
            + ". Nothing of the new tables was kept. Once the cause is fixed, the same command"
            + " restores every finished seed from its checkpoints and writes the tables",
        e);
  }

  /** The innermost cause's one-line description: Spark wraps a full disk in several layers. */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root).lines().findFirst().orElse("");
  }

  /**
   * Finishes what a crash left behind: tables of a staging folder with {@code _READY} are moved
   * into place (and the marker written if that run was complete), as its publish would have; a
   * staging folder without it is deleted, leaving the earlier tables as they were.
   *
   * @return the staging folders whose publish was completed
   */
  public List<String> completeInterruptedPublish() {
    try {
      if (!fs.exists(root)) {
        return List.of();
      }
      List<FileStatus> stagings =
          Arrays.stream(fs.listStatus(root))
              .filter(f -> f.isDirectory() && f.getPath().getName().startsWith(STAGING_PREFIX))
              // Run ids start with their UTC start time: the latest publish is applied last.
              .sorted(Comparator.comparing(f -> f.getPath().getName()))
              .toList();
      List<String> completed = new ArrayList<>();
      for (FileStatus staging : stagings) {
        Path ready = new Path(staging.getPath(), READY);
        if (!fs.exists(ready)) {
          deleteOwned(staging.getPath());
          continue;
        }
        String text;
        try (FSDataInputStream in = fs.open(ready)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int eol = text.indexOf('\n');
        boolean complete = text.substring(0, Math.max(eol, 0)).equals("complete=true");
        moveIntoPlace(staging.getPath(), complete, text.substring(eol + 1).strip(), step -> {});
        completed.add(staging.getPath().getName());
      }
      return completed;
    } catch (IOException e) {
      throw new ResultsException(
          "cannot complete an interrupted publish of result tables in " + root + ": " + e, e);
    }
  }

  /** The moves of a publish; idempotent, so that a crash in the middle can be completed. */
  private void moveIntoPlace(
      Path staging, boolean complete, String markerText, Consumer<String> afterStep)
      throws IOException {
    // An earlier marker must not vouch for tables that are about to change.
    delete(new Path(root, MARKER));
    for (String table : published()) {
      Path staged = new Path(staging, table);
      if (!fs.exists(staged)) {
        continue; // moved before the crash
      }
      deleteOwned(table(table));
      if (!fs.rename(staged, table(table))) {
        throw new IOException("could not move " + staged + " to " + table(table));
      }
      afterStep.accept(table);
    }
    if (complete) {
      writeAtomically(new Path(root, MARKER), markerText + "\n");
      afterStep.accept(MARKER);
    }
    delete(staging);
  }

  /** The folders a publish moves into place: the tables, then their CSV copies. */
  private static List<String> published() {
    List<String> names = new ArrayList<>(ResultSchemas.TABLES.keySet());
    names.add(CsvTables.FOLDER);
    return names;
  }

  /** Writes a small text file under a temporary name, then renames it, so it appears whole. */
  private void writeAtomically(Path target, String text) throws IOException {
    Path tmp = new Path(target.getParent(), target.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    delete(target); // HDFS does not rename onto an existing file
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not rename " + tmp + " to " + target);
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

  /** Deletes the folder {@code p} only if it carries the job's mark; a user's folder stays. */
  private void deleteOwned(Path p) throws IOException {
    if (!fs.exists(p)) {
      return;
    }
    if (!OwnedFolder.isOwned(fs, p)) {
      throw new IOException(p + " was not written by this job, so it is not deleted");
    }
    delete(p);
  }
}
