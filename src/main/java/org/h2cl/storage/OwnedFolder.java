package org.h2cl.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The job's mark on a folder it created, or found empty and took: a small text file, {@value
 * #MARKER}, saying what the folder is. The job writes into and deletes from marked folders only, so
 * it knows its own files from a user's: a folder without the mark that holds anything is not the
 * job's to write into.
 */
public final class OwnedFolder {

  /** The mark's name; names starting with {@code _} are skipped by Spark's and pandas' readers. */
  public static final String MARKER = "_H2_OWNED";

  private OwnedFolder() {}

  /** Whether {@code dir} carries the job's mark. */
  public static boolean isOwned(FileSystem fs, Path dir) throws IOException {
    return fs.exists(new Path(dir, MARKER));
  }

  /**
   * Creates {@code dir} if needed and marks it as the job's, saying what it holds (e.g. "output
   * folder of h2cl run 20260101-…"). A mark already there is kept.
   */
  public static void claim(FileSystem fs, Path dir, String what) throws IOException {
    Path marker = new Path(dir, MARKER);
    if (fs.exists(marker)) {
      return;
    }
    if (!fs.mkdirs(dir)) {
      throw new IOException("could not create folder " + dir);
    }
    try (OutputStream out = fs.create(marker, false)) {
      out.write(
          ("This folder was written by the H2 job (h2cl): " + what + "\n")
              .getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException e) {
      // Another seed's task marked it at the same moment.
    }
  }

  /**
   * What in {@code dir} the job did not write: nothing when it does not exist; every entry when it
   * is not marked (an empty folder is fine); otherwise the entries that {@code ours} does not
   * accept. Names are relative to {@code dir}, folders end with {@code /}.
   *
   * @param ours accepts the entries of the folder's layout; the mark and a lock are always accepted
   */
  public static List<String> foreign(FileSystem fs, Path dir, Predicate<FileStatus> ours)
      throws IOException {
    FileStatus[] entries;
    try {
      entries = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return List.of();
    }
    boolean owned = isOwned(fs, dir);
    List<String> foreign = new ArrayList<>();
    for (FileStatus e : entries) {
      if (!isStorageFile(e) && !(owned && ours.test(e))) {
        foreign.add(name(e));
      }
    }
    foreign.sort(null);
    return foreign;
  }

  /**
   * What in the subfolder {@code sub} of a checked folder the job did not write, named {@code
   * sub/entry}: all of it ({@code sub/}) when it lacks the mark.
   */
  public static List<String> foreignIn(FileSystem fs, FileStatus sub, Predicate<FileStatus> ours)
      throws IOException {
    if (!isOwned(fs, sub.getPath())) {
      return List.of(name(sub));
    }
    return unexpected(fs, sub, ours);
  }

  /**
   * The entries of the folder {@code sub} that {@code ours} does not accept, named {@code
   * sub/entry}, for a folder the job recognises by its name alone.
   */
  public static List<String> unexpected(FileSystem fs, FileStatus sub, Predicate<FileStatus> ours)
      throws IOException {
    List<String> foreign = new ArrayList<>();
    for (FileStatus e : fs.listStatus(sub.getPath())) {
      if (!isStorageFile(e) && !ours.test(e)) {
        foreign.add(name(sub) + name(e));
      }
    }
    foreign.sort(null);
    return foreign;
  }

  /** The mark, the lock and what taking a lock or probing a rename may leave after a crash. */
  private static boolean isStorageFile(FileStatus e) {
    String name = e.getPath().getName();
    return name.equals(MARKER)
        || name.equals(RunLock.NAME)
        || name.startsWith(RunLock.NAME + ".stale-")
        || name.startsWith(RunFolder.PROBE_PREFIX);
  }

  private static String name(FileStatus e) {
    return e.getPath().getName() + (e.isDirectory() ? "/" : "");
  }

  /** {@code run/, summary/ and 3 more}: a few names for a message. */
  public static String describe(List<String> names) {
    int shown = Math.min(names.size(), 5);
    String s = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? s + " and " + (names.size() - shown) + " more" : s;
  }
}
