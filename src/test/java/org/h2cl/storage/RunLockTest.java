package org.h2cl.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run lock on the local disk (H2JobHdfsTest takes it on HDFS). */
class RunLockTest {

  @TempDir java.nio.file.Path dir;
  private FileSystem fs;
  private Path folder;

  @BeforeEach
  void open() throws IOException {
    fs = FileSystem.getLocal(new Configuration());
    folder = new Path(dir.toUri());
  }

  private java.nio.file.Path lockFile() {
    return dir.resolve(RunLock.NAME);
  }

  /** A lock as another run wrote it, with its heartbeat {@code age} ago. */
  private void foreignLock(String processSpace, long pid, Duration age) throws IOException {
    Files.writeString(
        lockFile(),
        "run_id=other-run\nstarted_at="
            + Instant.now().minus(age)
            + "\nhost=elsewhere\nprocess_space="
            + processSpace
            + "\npid="
            + pid
            + "\n");
    Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minus(age)));
  }

  @Test
  void ofRunsStartedTogetherExactlyOneGetsTheLockAndTheOthersAreToldWhichRunHasIt()
      throws Exception {
    int runs = 8;
    CyclicBarrier start = new CyclicBarrier(runs);
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    List<Future<RunLock>> attempts = new ArrayList<>();
    Instant started = Instant.now();
    for (int i = 0; i < runs; i++) {
      String runId = "run-" + i;
      attempts.add(
          pool.submit(
              () -> {
                start.await();
                return RunLock.acquire(fs, folder, "output folder x", runId, started);
              }));
    }
    List<RunLock> won = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Future<RunLock> a : attempts) {
      try {
        won.add(a.get());
      } catch (java.util.concurrent.ExecutionException e) {
        assertTrue(e.getCause() instanceof StorageException, e.getCause().toString());
        refused.add(e.getCause().getMessage());
      }
    }
    pool.shutdown();
    assertEquals(1, won.size(), "exactly one run holds the lock: " + refused);
    String holder = RunLock.read(fs, RunLock.of(folder)).orElseThrow().runId();
    for (String message : refused) {
      assertTrue(message.startsWith("output folder x is in use by run " + holder), message);
      assertTrue(message.contains("started " + started), message);
    }
    won.get(0).close();
    assertFalse(Files.exists(lockFile()), "closing removes the lock");
  }

  @Test
  void aLiveRunsLockRefusesWithoutWriting() throws IOException {
    try (RunLock first = RunLock.acquire(fs, folder, "f", "first", Instant.now())) {
      String before = Files.readString(lockFile());
      StorageException e =
          assertThrows(StorageException.class, () -> RunLock.refuseIfInUse(fs, folder, "f"));
      assertTrue(e.getMessage().contains("in use by run first"), e.getMessage());
      assertTrue(e.getMessage().contains("taken over once its heartbeat is 5 min old"));
      assertEquals(before, Files.readString(lockFile()));
    }
    RunLock.refuseIfInUse(fs, folder, "f"); // released: free again
  }

  @Test
  void theLockOfAProcessThatEndedOnThisHostIsTakenOverAtOnce() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    foreignLock(RunLock.processSpace(), ended.pid(), Duration.ZERO);

    try (RunLock taken = RunLock.acquire(fs, folder, "f", "next", Instant.now())) {
      assertTrue(Files.readString(lockFile()).contains("run_id=next"));
    }
  }

  @Test
  void aLockOfALiveProcessOnThisHostHolds() throws IOException {
    // This JVM: alive, and started before the lock.
    foreignLock(RunLock.processSpace(), ProcessHandle.current().pid(), Duration.ZERO);
    assertThrows(
        StorageException.class, () -> RunLock.acquire(fs, folder, "f", "next", Instant.now()));
    assertTrue(Files.readString(lockFile()).contains("run_id=other-run"));
  }

  @Test
  void aLockFromElsewhereGoesStaleFiveMinutesAfterItsLastHeartbeat() throws IOException {
    foreignLock("another-machine", 1, Duration.ofMinutes(4));
    StorageException e =
        assertThrows(
            StorageException.class, () -> RunLock.acquire(fs, folder, "f", "next", Instant.now()));
    assertTrue(e.getMessage().contains("in use by run other-run"), e.getMessage());
    assertTrue(e.getMessage().contains("last heartbeat 240 s ago"), e.getMessage());

    foreignLock("another-machine", 1, Duration.ofMinutes(6));
    try (RunLock taken = RunLock.acquire(fs, folder, "f", "next", Instant.now())) {
      assertTrue(Files.readString(lockFile()).contains("run_id=next"));
    }
  }

  @Test
  void theHeartbeatRefreshesTheLockAndCloseLeavesAnotherRunsLock() throws IOException {
    RunLock lock = RunLock.acquire(fs, folder, "f", "mine", Instant.now());
    Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    lock.beat();
    Instant beat = Files.getLastModifiedTime(lockFile()).toInstant();
    assertTrue(Duration.between(beat, Instant.now()).toSeconds() < 10, beat.toString());

    // Taken over meanwhile (say, this run hung past the timeout): its lock is not this run's,
    // and its heartbeat leaves the other run's lock alone.
    foreignLock("another-machine", 1, Duration.ofMinutes(1));
    Instant taken = Files.getLastModifiedTime(lockFile()).toInstant();
    lock.beat();
    assertEquals(taken, Files.getLastModifiedTime(lockFile()).toInstant());
    lock.close();
    assertTrue(Files.readString(lockFile()).contains("run_id=other-run"));
  }
}
