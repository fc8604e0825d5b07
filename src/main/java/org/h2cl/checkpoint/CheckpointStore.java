package org.h2cl.checkpoint;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.storage.HadoopConf;
import org.h2cl.storage.OwnedFolder;

/**
 * The checkpoints of a run: one {@link ArrayBundle} per seed and finished task, laid out as {@code
 * <uri>/seed=<s>/task=<k>.h2ckpt} on any Hadoop file system; faithful H²'s there, every other
 * method's in a store of its own under {@code <uri>/method=<m>/} ({@link #forMethod}). Every bundle
 * saved carries the run's {@link Fingerprint}, its seed and its task, and {@link #load} refuses one
 * whose values differ.
 *
 * <p>Serializable so that it can travel to executors: it holds the folder URI, the fingerprint and
 * the driver's Hadoop configuration ({@link HadoopConf}, with the user's {@code spark.hadoop.*}
 * settings), and opens the file system lazily where it is used.
 */
public final class CheckpointStore implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Metadata keys the store writes into every bundle. */
  public static final String FINGERPRINT_KEY = "h2.fingerprint";

  public static final String SEED_KEY = "h2.seed";
  public static final String TASK_KEY = "h2.task";

  /** The settings the fingerprint was computed from ({@link Fingerprint#canonical}). */
  public static final String SETTINGS_KEY = "h2.fingerprint-settings";

  private static final Pattern SEED_DIR = Pattern.compile("seed=(\\d+)");
  private static final Pattern METHOD_DIR = Pattern.compile("method=([a-z0-9-]+)");
  private static final Pattern TASK_FILE = Pattern.compile("task=(\\d+)\\.h2ckpt");

  private final String uri;
  private final String fingerprint;
  private final String settings;
  private final HadoopConf hadoop;

  /** Whether this is a method's store inside the run's (its folder is marked when first used). */
  private final boolean methodStore;

  private transient FileSystem fs;

  /**
   * A store whose checkpoints record no settings beside their fingerprint (tests).
   *
   * @param uri the checkpoint folder (any Hadoop file system URI); need not exist yet
   * @param fingerprint identity of the setup, normally {@link Fingerprint#of}
   */
  public CheckpointStore(String uri, String fingerprint) {
    this(uri, fingerprint, "");
  }

  /**
   * @param settings the text the fingerprint was computed from ({@link Fingerprint#canonical}),
   *     stored in every checkpoint so that a refused one can say which settings differ
   */
  public CheckpointStore(String uri, String fingerprint, String settings) {
    this(uri, fingerprint, settings, HadoopConf.defaults());
  }

  /**
   * @param hadoop the configuration its file system is opened with, on the driver and on every
   *     executor: the driver's, so that {@code spark.hadoop.*} settings reach the executors
   */
  public CheckpointStore(String uri, String fingerprint, String settings, HadoopConf hadoop) {
    this(uri, fingerprint, settings, hadoop, false);
  }

  private CheckpointStore(
      String uri, String fingerprint, String settings, HadoopConf hadoop, boolean methodStore) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("checkpoint uri must not be empty");
    }
    this.uri = uri;
    this.fingerprint = fingerprint;
    this.settings = settings;
    this.hadoop = hadoop;
    this.methodStore = methodStore;
  }

  /**
   * The Hadoop configuration of the run, the driver's: what executors open the data and progress
   * folders with as well.
   */
  public HadoopConf hadoop() {
    return hadoop;
  }

  /**
   * The store of {@code method}'s checkpoints: this one for faithful H² ({@code h2}), so that its
   * layout is the one every earlier run used; {@code <uri>/method=<method>} for any other.
   */
  public CheckpointStore forMethod(String method) {
    if ("h2".equals(method)) {
      return this;
    }
    if (!METHOD_DIR.matcher("method=" + method).matches()) {
      throw new IllegalArgumentException("not a method name: " + method);
    }
    return new CheckpointStore(
        new Path(uri, "method=" + method).toString(), fingerprint, settings, hadoop, true);
  }

  /**
   * Creates and marks a method's folder before anything is written into it (its progress records
   * come before its first checkpoint), so that a run stopped early leaves a folder the next run
   * recognises as the job's. Nothing to do for the run's own store, which the job marks itself.
   */
  public void claimFolder() {
    if (!methodStore) {
      return;
    }
    try {
      OwnedFolder.claim(fs(), new Path(uri), "checkpoints of one method");
    } catch (IOException e) {
      throw new CheckpointException("cannot create checkpoint folder " + uri + ": " + e, e);
    }
  }

  /** The stores of other methods that have a folder here (none in a method's own store). */
  private List<CheckpointStore> methodStores() {
    List<CheckpointStore> stores = new ArrayList<>();
    if (methodStore) {
      return stores;
    }
    for (FileStatus f : list(new Path(uri))) {
      Matcher m = METHOD_DIR.matcher(f.getPath().getName());
      if (f.isDirectory() && m.matches()) {
        stores.add(forMethod(m.group(1)));
      }
    }
    return stores;
  }

  public String uri() {
    return uri;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** Where the checkpoint of {@code seed} after {@code task} lives. */
  public Path path(int seed, int task) {
    return new Path(seedDir(seed), "task=" + task + ".h2ckpt");
  }

  private Path seedDir(int seed) {
    return new Path(uri, "seed=" + seed);
  }

  /**
   * Saves {@code bundle} as the checkpoint of {@code seed} after {@code task} (1-based), first
   * adding the fingerprint, seed and task to its metadata. The file appears whole or not at all.
   */
  public void save(int seed, int task, ArrayBundle bundle) {
    bundle
        .putMeta(FINGERPRINT_KEY, fingerprint)
        .putMeta(SEED_KEY, Integer.toString(seed))
        .putMeta(TASK_KEY, Integer.toString(task));
    if (!settings.isEmpty()) {
      bundle.putMeta(SETTINGS_KEY, settings);
    }
    try {
      if (methodStore) {
        OwnedFolder.claim(fs(), new Path(uri), "checkpoints of one method");
      }
      OwnedFolder.claim(fs(), seedDir(seed), "checkpoints of seed " + seed);
    } catch (IOException e) {
      throw new CheckpointException(
          "cannot create checkpoint folder " + seedDir(seed) + ": " + e, e);
    }
    bundle.write(fs(), path(seed, task));
  }

  /**
   * The last task of {@code seed} that has a checkpoint, or empty when it has none. Files appear
   * only once complete (see {@link ArrayBundle#write}), so a listed file is whole; {@link #load}
   * still verifies its checksum and fingerprint.
   */
  public OptionalInt latestTask(int seed) {
    return tasks(seed).stream().mapToInt(Integer::intValue).max();
  }

  private List<Integer> tasks(int seed) {
    List<Integer> tasks = new ArrayList<>();
    for (FileStatus f : list(seedDir(seed))) {
      Matcher m = TASK_FILE.matcher(f.getPath().getName());
      if (f.isFile() && m.matches()) {
        tasks.add(Integer.parseInt(m.group(1)));
      }
    }
    return tasks;
  }

  /**
   * Reads the checkpoint of {@code seed} after {@code task}.
   *
   * @throws CheckpointException when it is missing, corrupted, or belongs to another seed, task or
   *     setup (fingerprint)
   */
  public ArrayBundle load(int seed, int task) {
    Path p = path(seed, task);
    try {
      if (!fs().exists(p)) {
        throw new CheckpointException(
            "no checkpoint of seed " + seed + " after task " + task + ": " + p + " does not exist");
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + p + ": " + e, e);
    }
    ArrayBundle b;
    try {
      b = ArrayBundle.read(fs(), p);
    } catch (CheckpointException e) {
      // Hadoop's own checksums (a local file's .crc, HDFS blocks) see corruption first.
      if (e.getCause() instanceof IOException && !(e.getCause() instanceof ChecksumException)) {
        throw e; // the file could not be read; it may well be whole
      }
      throw new CheckpointException(e.getMessage() + "; " + deleteToRetrain(seed, task), e);
    }
    check(p, b.metadata(), seed, task);
    return b;
  }

  /**
   * What to do about a checkpoint that is whole on disk but unusable (corrupted, or not fitting the
   * network): deleting it makes the seed resume from the checkpoint before it.
   */
  public String deleteToRetrain(int seed, int task) {
    return "delete "
        + path(seed, task)
        + " to train task "
        + task
        + " of seed "
        + seed
        + " again"
        + (task > 1 ? " from its checkpoint after task " + (task - 1) : " from the start")
        + " (running the same command unchanged meets the same file)";
  }

  private void check(Path p, Map<String, String> meta, int seed, int task) {
    String found = meta.get(FINGERPRINT_KEY);
    if (found == null) {
      throw new CheckpointException(
          "checkpoint "
              + p
              + " has no fingerprint; it was not written by this project's "
              + "CheckpointStore");
    }
    if (!found.equals(fingerprint)) {
      throw new CheckpointException(
          "checkpoint "
              + p
              + " was written under a different configuration or code version "
              + "(fingerprint "
              + abbreviate(found)
              + ", this run "
              + abbreviate(fingerprint)
              + "; "
              + differences(meta.get(SETTINGS_KEY))
              + "), so this run cannot resume from it. Write to another folder (h2.output.uri, or "
              + "h2.checkpoint.uri), or set h2.output.overwrite=true to delete the old output and "
              + "checkpoints and start over.");
    }
    String expected = "seed " + seed + " task " + task;
    String actual = "seed " + meta.get(SEED_KEY) + " task " + meta.get(TASK_KEY);
    if (!expected.equals(actual)) {
      throw new CheckpointException(
          "checkpoint " + p + " holds " + actual + ", expected " + expected + " from its name");
    }
  }

  /** Which settings differ from the ones {@code stored} beside a checkpoint's fingerprint. */
  private String differences(String stored) {
    if (stored == null || settings.isEmpty()) {
      return "the checkpoint does not record its settings";
    }
    List<String> differ = SettingsDiff.of(stored, settings);
    return differ.isEmpty()
        ? "its recorded settings are this run's"
        : "differing: " + String.join(", ", differ);
  }

  private static String abbreviate(String fingerprint) {
    return fingerprint.length() > 12 ? fingerprint.substring(0, 12) + "…" : fingerprint;
  }

  /**
   * Checks, from metadata alone, that every seed's latest checkpoint carries this store's
   * fingerprint; cheap enough for the driver to run before it starts any training.
   *
   * @throws CheckpointException on the first mismatch, saying how to proceed
   */
  public void verifyFingerprints() {
    for (CheckpointStore store : methodStores()) {
      store.verifyFingerprints();
    }
    for (int seed : seeds()) {
      OptionalInt latest = latestTask(seed);
      if (latest.isPresent()) {
        Path p = path(seed, latest.getAsInt());
        check(p, ArrayBundle.readMetadata(fs(), p), seed, latest.getAsInt());
      }
    }
  }

  /**
   * What the folder holds that this job did not write (see {@link OwnedFolder}): everything, when
   * it lacks the job's mark; otherwise anything but marked {@code seed=<s>} folders of checkpoints
   * (and their temporary files) and the progress records. Names are relative to the folder.
   */
  public List<String> foreign() {
    Path root = new Path(uri);
    try {
      List<String> foreign =
          new ArrayList<>(
              OwnedFolder.foreign(
                  fs(),
                  root,
                  f ->
                      f.isDirectory()
                          && (isSeedDir(f)
                              || f.getPath().getName().equals(PROGRESS)
                              || (!methodStore && isMethodDir(f)))));
      if (!OwnedFolder.isOwned(fs(), root)) {
        return foreign;
      }
      for (FileStatus f : list(root)) {
        if (f.isDirectory() && !methodStore && isMethodDir(f)) {
          String name = f.getPath().getName() + "/";
          if (!OwnedFolder.isOwned(fs(), f.getPath())) {
            foreign.add(name);
          } else {
            forMethod(METHOD_DIR.matcher(f.getPath().getName()).replaceAll("$1")).foreign().stream()
                .map(entry -> name + entry)
                .forEach(foreign::add);
          }
        } else if (f.isDirectory() && isSeedDir(f)) {
          foreign.addAll(OwnedFolder.foreignIn(fs(), f, CheckpointStore::isCheckpointFile));
        } else if (f.isDirectory() && f.getPath().getName().equals(PROGRESS)) {
          foreign.addAll(OwnedFolder.unexpected(fs(), f, CheckpointStore::isProgressFile));
        }
      }
      foreign.sort(null);
      return foreign;
    } catch (IOException e) {
      throw new CheckpointException("cannot list checkpoints in " + uri + ": " + e, e);
    }
  }

  /** The progress records' folder (org.h2cl.progress.ProgressFiles.FOLDER). */
  private static final String PROGRESS = "_progress";

  private static final Pattern TEMPORARY = Pattern.compile("\\.task=\\d+\\.h2ckpt\\.tmp-.*");
  private static final Pattern PROGRESS_FILE = Pattern.compile("\\.?seed=\\d+\\.json.*");

  private static boolean isMethodDir(FileStatus f) {
    return METHOD_DIR.matcher(f.getPath().getName()).matches();
  }

  private static boolean isSeedDir(FileStatus f) {
    return SEED_DIR.matcher(f.getPath().getName()).matches();
  }

  private static boolean isCheckpointFile(FileStatus f) {
    String name = f.getPath().getName();
    return f.isFile() && (TASK_FILE.matcher(name).matches() || TEMPORARY.matcher(name).matches());
  }

  private static boolean isProgressFile(FileStatus f) {
    return f.isFile() && PROGRESS_FILE.matcher(f.getPath().getName()).matches();
  }

  /** Whether no seed (of any method) has any checkpoint here. */
  public boolean isEmpty() {
    return seeds().stream().allMatch(s -> tasks(s).isEmpty())
        && methodStores().stream().allMatch(CheckpointStore::isEmpty);
  }

  /** Seeds that have a folder here. */
  public List<Integer> seeds() {
    List<Integer> seeds = new ArrayList<>();
    for (FileStatus f : list(new Path(uri))) {
      Matcher m = SEED_DIR.matcher(f.getPath().getName());
      if (f.isDirectory() && m.matches()) {
        seeds.add(Integer.parseInt(m.group(1)));
      }
    }
    seeds.sort(null);
    return seeds;
  }

  /**
   * Deletes every seed's checkpoints, then the folder itself if nothing else is left in it. Only
   * the {@code seed=<s>} folders are touched, so a mistyped URI cannot wipe unrelated files.
   */
  public void deleteAll() {
    Path root = new Path(uri);
    try {
      for (CheckpointStore store : methodStores()) {
        store.deleteAll();
      }
      for (int seed : seeds()) {
        if (!OwnedFolder.isOwned(fs(), seedDir(seed))) {
          throw new IOException(
              seedDir(seed) + " was not written by this job, so it is not deleted");
        }
        fs().delete(seedDir(seed), true);
      }
      if (fs().exists(root) && fs().listStatus(root).length == 0) {
        fs().delete(root, false);
      } else if (methodStore
          && fs().exists(root)
          && Arrays.stream(fs().listStatus(root))
              .map(f -> f.getPath().getName())
              .allMatch(n -> n.equals(OwnedFolder.MARKER) || n.equals(PROGRESS))) {
        // A method's folder holds nothing but the job's mark and progress records now.
        fs().delete(root, true);
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot delete checkpoints under " + uri + ": " + e, e);
    }
  }

  private FileStatus[] list(Path dir) {
    try {
      return fs().listStatus(dir);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    } catch (IOException e) {
      throw new CheckpointException("cannot list checkpoints in " + dir + ": " + e, e);
    }
  }

  private FileSystem fs() {
    if (fs == null) {
      try {
        fs = new Path(uri).getFileSystem(hadoop.get());
      } catch (IOException | IllegalArgumentException e) {
        // An unknown name node host arrives as an IllegalArgumentException.
        throw new CheckpointException(
            "cannot open the file system of checkpoint folder " + uri + ": " + e, e);
      }
    }
    return fs;
  }

  @Override
  public String toString() {
    return "CheckpointStore(" + uri + ")";
  }
}
