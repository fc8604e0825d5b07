package org.h2cl.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run per folder at a time: a small file {@value #NAME} in the folder names the run holding it
 * (run id, start time, host, process), and its modification time is the run's heartbeat, refreshed
 * every {@link #HEARTBEAT} while the run lives. The lock is created atomically (an exclusive create
 * on the local disk, the name node's create-if-absent on HDFS), so of two runs started together
 * exactly one gets it.
 *
 * <p>A run that was killed cannot remove its lock. Such a lock is <em>stale</em>, and the next run
 * takes it over with a warning, when its heartbeat is older than {@link #STALE_AFTER}, or at once
 * when it was written on this machine by a process that no longer exists (same host, same pid
 * namespace, and the pid gone or reused by a later process).
 */
public final class RunLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

  /** The lock's name in the folder. */
  public static final String NAME = "_H2_LOCK";

  /** How often a running job refreshes its lock's modification time. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(30);

  /** A lock whose heartbeat is this old belongs to a run that is gone. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(5);

  /** Runs after Spark stopped (priority 40 in Hadoop's order), before file systems close (10). */
  private static final int SHUTDOWN_PRIORITY = 20;

  /** The run a lock names, and when it last beat. */
  public record Holder(
      String runId,
      String startedAt,
      String host,
      String processSpace,
      long pid,
      Instant heartbeat) {

    /** "run 20260101-… (started …, on host h, pid 42; heartbeat 3 s ago)". */
    public String describe(Instant now) {
      return "run "
          + runId
          + " (started "
          + startedAt
          + " on host "
          + host
          + ", pid "
          + pid
          + "; last heartbeat "
          + Math.max(0, Duration.between(heartbeat, now).toSeconds())
          + " s ago)";
    }
  }

  private final FileSystem fs;
  private final Path lock;
  private final String runId;
  private final ScheduledExecutorService heartbeat;
  private final Runnable shutdownRelease = this::close;
  private boolean released;

  private RunLock(FileSystem fs, Path lock, String runId) {
    this.fs = fs;
    this.lock = lock;
    this.runId = runId;
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "h2-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = HEARTBEAT.toMillis();
    heartbeat.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
    // SIGTERM runs shutdown hooks but no finally block of the thread that holds the lock.
    ShutdownHookManager.get().addShutdownHook(shutdownRelease, SHUTDOWN_PRIORITY);
  }

  /** Where the lock of {@code folder} lives. */
  public static Path of(Path folder) {
    return new Path(folder, NAME);
  }

  /**
   * Refuses, without writing anything, when a live run holds {@code folder}'s lock.
   *
   * @param what names the folder in messages, e.g. "output folder file:/x (h2.output.uri)"
   * @throws StorageException naming the holder's run id and start time
   */
  public static void refuseIfInUse(FileSystem fs, Path folder, String what) throws IOException {
    Optional<Holder> holder = read(fs, of(folder));
    Instant now = Instant.now();
    if (holder.isPresent() && !isStale(holder.get(), now)) {
      throw inUse(what, of(folder), holder.get(), now);
    }
  }

  /**
   * Takes {@code folder}'s lock for {@code runId} (the folder must exist), taking over a stale one
   * with a warning.
   *
   * @param what names the folder in messages, e.g. "output folder file:/x (h2.output.uri)"
   * @throws StorageException when a live run holds it
   */
  public static RunLock acquire(
      FileSystem fs, Path folder, String what, String runId, Instant started) throws IOException {
    Path lock = of(folder);
    String text = text(runId, started);
    if (createExclusively(fs, lock, text)) {
      return new RunLock(fs, lock, runId);
    }
    Optional<Holder> holder = read(fs, lock);
    Instant now = Instant.now();
    if (holder.isPresent() && !isStale(holder.get(), now)) {
      throw inUse(what, lock, holder.get(), now);
    }
    // Move the stale lock aside, so that of two runs taking it over only one succeeds.
    Path aside = new Path(folder, NAME + ".stale-" + runId);
    if (fs.rename(lock, aside)) {
      Optional<Holder> moved = read(fs, aside);
      boolean same =
          holder.isPresent()
              && moved.isPresent()
              && moved.get().runId().equals(holder.get().runId());
      if (!same) {
        // Another run took it over in between: give its lock back.
        fs.rename(aside, lock);
      } else {
        fs.delete(aside, false);
        LOG.warn(
            "taking over the lock of {}: {} is gone ({}; a lock goes stale {} min after its"
                + " last heartbeat, or at once when its process on this host has ended)",
            what,
            holder.get().describe(now),
            staleReason(holder.get(), now),
            STALE_AFTER.toMinutes());
        if (createExclusively(fs, lock, text)) {
          return new RunLock(fs, lock, runId);
        }
      }
    }
    Optional<Holder> winner = read(fs, lock);
    throw winner.isPresent()
        ? inUse(what, lock, winner.get(), Instant.now())
        : new StorageException(
            what + " is being taken by another run at this moment; try again in a minute");
  }

  /** Stops the heartbeat and removes the lock if it is still this run's. */
  @Override
  public synchronized void close() {
    if (released) {
      return;
    }
    released = true;
    heartbeat.shutdownNow();
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(shutdownRelease);
    }
    try {
      Optional<Holder> holder = read(fs, lock);
      if (holder.isPresent() && holder.get().runId().equals(runId)) {
        fs.delete(lock, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove the lock {}: {}", lock, e.toString());
    }
  }

  /** Refreshes the heartbeat: the lock's modification time becomes now. */
  void beat() {
    try {
      Optional<Holder> holder = read(fs, lock);
      if (holder.isEmpty() || !holder.get().runId().equals(runId)) {
        LOG.error(
            "the lock {} of run {} has {}: another run may write here",
            lock,
            runId,
            holder.map(h -> "been taken over by run " + h.runId()).orElse("vanished"));
        heartbeat.shutdown();
        return;
      }
      fs.setTimes(lock, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not refresh the lock {}: {}", lock, e.toString());
    }
  }

  private static StorageException inUse(String what, Path lock, Holder h, Instant now) {
    return new StorageException(
        what
            + " is in use by "
            + h.describe(now)
            + ". Two runs writing one folder would mix their results: wait until that run ends,"
            + " or choose another folder. A killed run's lock "
            + lock
            + " is taken over once its heartbeat is "
            + STALE_AFTER.toMinutes()
            + " min old, or at once on the same host; delete it only if that run is surely gone.");
  }

  static boolean isStale(Holder h, Instant now) {
    return staleReason(h, now) != null;
  }

  /** Why a lock is stale, or null when its run may still be alive. */
  static String staleReason(Holder h, Instant now) {
    if (h.heartbeat().plus(STALE_AFTER).isBefore(now)) {
      return "no heartbeat for " + Duration.between(h.heartbeat(), now).toMinutes() + " min";
    }
    if (!h.processSpace().equals(processSpace())) {
      return null; // another machine or container: only the heartbeat can tell
    }
    Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
    if (p.isEmpty()) {
      return "its process " + h.pid() + " has ended";
    }
    Optional<Instant> processStart = p.get().info().startInstant();
    Instant lockStart = parse(h.startedAt());
    // A pid reused by a process that started after the lock was written is not the lock's run.
    if (processStart.isPresent()
        && lockStart != null
        && processStart.get().isAfter(lockStart.plusSeconds(1))) {
      return "its pid " + h.pid() + " now belongs to a later process";
    }
    return null;
  }

  private static Instant parse(String instant) {
    try {
      return Instant.parse(instant);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String text(String runId, Instant started) {
    return "run_id="
        + runId
        + "\nstarted_at="
        + started
        + "\nhost="
        + host()
        + "\nprocess_space="
        + processSpace()
        + "\npid="
        + ProcessHandle.current().pid()
        + "\n";
  }

  /**
   * Creates {@code lock} holding {@code text} unless it exists, atomically: on the local disk with
   * an exclusive create (Hadoop's local create checks and then creates), elsewhere with Hadoop's
   * create without overwrite, which HDFS's name node performs atomically.
   */
  private static boolean createExclusively(FileSystem fs, Path lock, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if ("file".equals(fs.getScheme())) {
      try {
        Files.write(
            java.nio.file.Path.of(fs.makeQualified(lock).toUri()),
            bytes,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(lock, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      // HDFS refuses a file that another client is creating with its own exception types.
      if (fs.exists(lock)) {
        return false;
      }
      throw e;
    }
  }

  /** The lock's holder, or empty when there is no lock. A lock being written reads as fresh. */
  static Optional<Holder> read(FileSystem fs, Path lock) throws IOException {
    FileStatus status;
    String text;
    try {
      status = fs.getFileStatus(lock);
      try (InputStream in = fs.open(lock)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        v.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    long pid;
    try {
      pid = Long.parseLong(v.getOrDefault("pid", "-1"));
    } catch (NumberFormatException e) {
      pid = -1;
    }
    return Optional.of(
        new Holder(
            v.getOrDefault("run_id", "(unknown: the lock is being written)"),
            v.getOrDefault("started_at", "?"),
            v.getOrDefault("host", "?"),
            v.getOrDefault("process_space", "?"),
            pid,
            Instant.ofEpochMilli(status.getModificationTime())));
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * Where a pid means one process: the host, and on Linux the boot and the pid namespace (two
   * containers may share a host name but not a pid namespace).
   */
  static String processSpace() {
    String space = host();
    try {
      space +=
          "/"
              + Files.readString(java.nio.file.Path.of("/proc/sys/kernel/random/boot_id")).strip()
              + "/"
              + Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid"));
    } catch (IOException | RuntimeException e) {
      // Not Linux: the host name alone.
    }
    return space;
  }
}
