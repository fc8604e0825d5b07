package org.h2cl.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A folder a run writes (the output, or the checkpoints), checked before any training and then
 * taken for the run. {@link #check} only reads; {@link #take} creates the folder, locks it, probes
 * that a rename there works, and marks it, undoing what it did when any of that fails, so that a
 * refused folder is left as it was.
 */
public final class RunFolder {

  /** Layout-specific check of what the folder holds; see {@link OwnedFolder#foreign}. */
  public interface Contents {
    /** Paths under the folder, relative to it, that the job did not write. */
    List<String> foreign() throws IOException;
  }

  /** The name of the small file that {@link #take} renames to see that renaming works. */
  static final String PROBE_PREFIX = "_H2_PROBE-";

  private final FileSystem fs;
  private final Path path;
  private final String what;

  /**
   * @param uri the folder's URI
   * @param key the setting it comes from, e.g. "h2.output.uri"
   * @param kind "output folder", "checkpoint folder"
   */
  public RunFolder(String uri, String key, String kind, Configuration conf) {
    try {
      Path p = new Path(uri);
      this.fs = p.getFileSystem(conf);
      this.path = fs.makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("cannot open " + kind + " " + uri + " (" + key + "): " + e, e);
    }
    this.what = kind + " " + path + " (" + key + ")";
  }

  public Path path() {
    return path;
  }

  /** "output folder file:/x (h2.output.uri)", for messages. */
  public String what() {
    return what;
  }

  /**
   * Refuses, without writing anything: a file where the folder or one of its parents should be, a
   * live run's lock, anything {@code contents} finds that the job did not write, and less free
   * space than {@code bytes} in {@code concurrentFiles} open files take.
   *
   * @param needs what the bytes are for, e.g. "the checkpoints of 10 seeds x 5 tasks"
   */
  public void check(Contents contents, long bytes, int concurrentFiles, String needs) {
    try {
      refuseFiles();
      RunLock.refuseIfInUse(fs, path, what);
      List<String> foreign = contents.foreign();
      if (!foreign.isEmpty()) {
        throw new StorageException(
            what
                + " holds what this job did not write: "
                + OwnedFolder.describe(foreign)
                + ". It writes only into a new or empty folder, or one it wrote before, and never"
                + " deletes or replaces anything else: move those away, or choose another folder.");
      }
      long needed = FreeSpace.needed(fs, path, bytes, concurrentFiles);
      long free = FreeSpace.at(fs, path);
      if (needed > free) {
        throw new StorageException(
            "too little free space for "
                + needs
                + " in "
                + what
                + ": they need about "
                + FreeSpace.format(needed)
                + ", "
                + FreeSpace.format(free)
                + " are free there. Free some space, or choose a folder with more room.");
      }
    } catch (IOException e) {
      throw new StorageException("cannot check " + what + ": " + e, e);
    }
  }

  /** The folder itself or one of its parents is a file: nothing can be written below it. */
  private void refuseFiles() throws IOException {
    for (Path p = path; p != null; p = p.getParent()) {
      FileStatus status;
      try {
        status = fs.getFileStatus(p);
      } catch (FileNotFoundException e) {
        continue;
      }
      if (status.isDirectory()) {
        return;
      }
      throw new StorageException(
          what
              + (p.equals(path) ? " is a file" : ": " + p + " is a file")
              + "; expected a folder (or a path that does not exist yet), where the job may create"
              + " one");
    }
  }

  /** A folder taken by a run: its lock, and what taking it created. */
  public final class Taken implements AutoCloseable {
    private final RunLock lock;
    private final List<Path> created;

    private Taken(RunLock lock, List<Path> created) {
      this.lock = lock;
      this.created = created;
    }

    /** Ends the run's hold: the lock goes, everything written stays. */
    @Override
    public void close() {
      lock.close();
    }

    /** Undoes the take before anything was written: the lock, the mark, the created folders. */
    public void undo() {
      lock.close();
      try {
        fs.delete(new Path(path, OwnedFolder.MARKER), false);
      } catch (IOException | RuntimeException e) {
        // Best effort: a mark on an empty folder is harmless.
      }
      deleteEmpty(created);
    }
  }

  /**
   * Takes the folder for {@code runId}: creates it if needed, takes its lock, checks that a file
   * renamed there moves (every table and checkpoint appears by a rename), and marks it as the job's
   * with {@code description}.
   *
   * @return the taken folder, to be closed when the run ends
   * @throws StorageException when the folder cannot be created or written, a rename there fails, or
   *     another run took the lock first; whatever was created is removed again
   */
  public Taken take(String runId, Instant started, String description) {
    List<Path> created = new ArrayList<>();
    RunLock lock = null;
    try {
      for (Path p = path; p != null && !fs.exists(p); p = p.getParent()) {
        created.add(0, p);
      }
      if (!fs.mkdirs(path)) {
        throw new IOException("could not create it");
      }
      lock = RunLock.acquire(fs, path, what, runId, started);
      probeRename();
      OwnedFolder.claim(fs, path, description);
      return new Taken(lock, created);
    } catch (IOException | RuntimeException | Error e) {
      if (lock != null) {
        lock.close();
      }
      deleteEmpty(created);
      if (e instanceof StorageException s) {
        throw s;
      }
      if (e instanceof Error error && !(e instanceof org.apache.hadoop.fs.FSError)) {
        throw error;
      }
      throw new StorageException(
          "cannot write into " + what + ": " + e.getMessage() + FreeSpace.describeFree(fs, path),
          e);
    }
  }

  /**
   * Writes a small file, renames it, and checks it moved: every table and checkpoint relies on it.
   */
  private void probeRename() throws IOException {
    String name = PROBE_PREFIX + UUID.randomUUID();
    Path from = new Path(path, name);
    Path to = new Path(path, name + ".renamed");
    try {
      try (OutputStream out = fs.create(from, false)) {
        out.write(1);
      }
      if (!fs.rename(from, to) || fs.exists(from) || !fs.exists(to)) {
        throw new StorageException(
            what
                + ": the file system did not move a file renamed there ("
                + fs.getScheme()
                + ":); the job needs an atomic rename to make every checkpoint and table appear"
                + " whole");
      }
    } finally {
      fs.delete(from, false);
      fs.delete(to, false);
    }
  }

  /** Deletes the folders in {@code created} (parents first in the list) that are empty. */
  private void deleteEmpty(List<Path> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        if (fs.listStatus(created.get(i)).length == 0) {
          fs.delete(created.get(i), false);
        }
      } catch (IOException | RuntimeException e) {
        // Best effort: an empty folder left behind is harmless.
      }
    }
  }

  /** The bytes of the files under the folder now (0 when it does not exist). */
  public long bytesUsed() {
    try {
      return fs.exists(path) ? fs.getContentSummary(path).getLength() : 0;
    } catch (IOException e) {
      throw new StorageException("cannot read " + what + ": " + e, e);
    }
  }
}
