package org.h2cl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2cl.storage.RunLock;
import org.h2cl.testing.ChildJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while the job writes, as the user meets them: {@link Main} in a child JVM ({@link
 * FaultScenario}, with a trainer that takes milliseconds) whose output lies on a real, small file
 * system, a 16 MB tmpfs mounted for it alone. A user namespace ({@code unshare -rm}) lets any user
 * mount one, root or not. The disk is filled for real at a chosen moment, so Hadoop's own errors
 * ({@code FSError}, an {@code Error}) arrive as on a full disk; then space is freed and the same
 * command runs again. And a SIGTERM in the middle of a run.
 */
class FaultsDuringWritingTest {

  @TempDir static Path dir;

  /** The console of the scenarios that need a small disk, run once in one child JVM. */
  private static String smallDisk;

  /** Why there is none: this machine cannot mount a tmpfs in a user namespace. */
  private static String noSmallDisk;

  @BeforeAll
  static void runOnASmallDisk() throws Exception {
    smallDisk = onSmallDisk("space,checkpoint,tables");
  }

  private static String smallDisk() {
    Assumptions.assumeTrue(smallDisk != null, noSmallDisk);
    return smallDisk;
  }

  /** Runs {@code scenarios} on a fresh tmpfs of 16 MB; returns their console (standard error). */
  private static String onSmallDisk(String scenario) throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--user",
                "--map-root-user",
                "--mount",
                "sh",
                "-c",
                "mount -t tmpfs -o size=16m tmpfs \"$0\" && exec \"$@\"",
                disk.toString()));
    command.addAll(
        ChildJvm.command(
            tmp, FaultScenario.class, List.of(scenario, disk.toString(), data.toString())));
    Path log = dir.resolve("small-disk.log");
    Process p = start(command, log);
    if (!p.waitFor(4, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("the scenario did not end:\n" + Files.readString(log));
    }
    String console = Files.readString(log);
    if (p.exitValue() != 0 && !console.contains("@@ ")) {
      noSmallDisk =
          "this machine cannot mount a tmpfs in a user namespace (unshare -rm): " + console;
      return null;
    }
    assertEquals(0, p.exitValue(), console);
    return console;
  }

  private static Process start(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** The console of the run {@code name}: everything up to its {@code @@ name exit=} line. */
  private static String run(String console, String name) {
    int end = console.indexOf("@@ " + name + " exit=");
    assertTrue(end >= 0, console);
    int start = console.lastIndexOf("@@ ", end - 1);
    start = start < 0 ? 0 : console.indexOf('\n', start) + 1;
    return console.substring(start, console.indexOf('\n', end) + 1);
  }

  private static int exit(String console, String name) {
    String line = console.substring(console.indexOf("@@ " + name + " exit="));
    return Integer.parseInt(line.substring(line.indexOf('=') + 1, line.indexOf('\n')).strip());
  }

  /** The files the scenario listed after run {@code name}. */
  private static List<String> files(String console, String name) {
    String after = console.substring(console.indexOf("@@ " + name + " exit="));
    List<String> files = new ArrayList<>();
    for (String line : after.lines().skip(1).toList()) {
      if (!line.startsWith("@@ file ")) {
        break;
      }
      files.add(line.substring("@@ file ".length(), line.lastIndexOf(' ')));
    }
    return files;
  }

  private static void assertNoStackTrace(String console) {
    assertFalse(console.contains("\tat "), "no stack trace without --verbose:\n" + console);
  }

  @Test
  void tooLittleSpaceForTheCheckpointsIsRefusedBeforeTraining() throws Exception {
    String console = smallDisk();

    String space = run(console, "space");
    assertEquals(Main.USER_ERROR, exit(console, "space"), space);
    assertTrue(
        space.matches(
            "(?s).*\nerror: too little free space for the checkpoints of 1 seed x 5 tasks \\(.* in"
                + " all at base width 16\\) in checkpoint folder file:.*/space/out/_checkpoints"
                + " \\(h2.checkpoint.uri\\): they need about .* MB, 1[67] MB are free"
                + " there\\..*"),
        space);
    assertFalse(space.contains("seed 0 task 1"), "nothing trained");
    assertEquals(List.of(), files(console, "space"), "nothing written");
    assertNoStackTrace(console);
  }

  @Test
  void aDiskFullWhileCheckpointingEndsCleanlyAndTheRerunResumesWithoutRetraining()
      throws Exception {
    String console = smallDisk();

    String full = run(console, "checkpoint-full");
    assertTrue(exit(console, "checkpoint-full") != 0, full);
    assertTrue(
        full.contains(
            "seed 0 failed: org.h2cl.checkpoint.CheckpointException: cannot write checkpoint file:"),
        full);
    assertTrue(
        full.contains(
            "/out/_checkpoints/seed=0/task=3.h2ckpt: java.io.IOException: No space left on device"
                + " (0 B free there)"),
        full);
    assertTrue(full.lines().anyMatch(l -> l.startsWith("error: ")), full);
    List<String> left = files(console, "checkpoint-full");
    assertTrue(left.contains("out/_checkpoints/seed=0/task=2.h2ckpt"), left.toString());
    assertFalse(left.contains("out/_checkpoints/seed=0/task=3.h2ckpt"), left.toString());
    assertTrue(left.stream().noneMatch(f -> f.contains(".tmp-")), "temporary file left: " + left);
    assertTrue(left.stream().noneMatch(f -> f.contains("_staging")), left.toString());
    assertFalse(left.contains("out/" + RunLock.NAME), "the lock is released");

    String rerun = run(console, "checkpoint-rerun");
    assertEquals(Main.OK, exit(console, "checkpoint-rerun"), rerun);
    assertTrue(rerun.contains("seed 0: 5 tasks, resuming after task 2"), rerun);
    assertTrue(files(console, "checkpoint-rerun").contains("out/_RUN_COMPLETE"));
    assertNoStackTrace(console);
  }

  @Test
  void aDiskFullWhileTheTablesAreWrittenEndsCleanlyAndTheRerunOnlyWritesThem() throws Exception {
    String console = smallDisk();

    String full = run(console, "tables-full");
    assertEquals(Main.USER_ERROR, exit(console, "tables-full"), full);
    assertTrue(
        full.matches(
            "(?s).*\nerror: cannot write the result tables into file:.*/tables/out/_staging-[-0-9a-f]+"
                + " \\(task_results\\): java.io.IOException: No space left on device \\(.* free"
                + " there\\)\\. Nothing of the new tables was kept\\..*"),
        full);
    List<String> left = files(console, "tables-full");
    assertTrue(left.stream().noneMatch(f -> f.contains("_staging")), "staging left: " + left);
    assertFalse(left.contains("out/_RUN_COMPLETE"), left.toString());
    assertTrue(left.contains("out/_checkpoints/seed=0/task=5.h2ckpt"), left.toString());

    String rerun = run(console, "tables-rerun");
    assertEquals(Main.OK, exit(console, "tables-rerun"), rerun);
    assertTrue(rerun.contains("seed 0: 5 tasks, resuming after task 5"), rerun);
    assertTrue(files(console, "tables-rerun").contains("out/_RUN_COMPLETE"));
    assertNoStackTrace(console);
  }

  @Test
  void aSigtermEndsTheRunAsInterruptedKeepingItsCheckpointsAndReleasingItsLock() throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path log = dir.resolve("sigterm.log");
    Process p =
        start(
            ChildJvm.command(
                tmp, FaultScenario.class, List.of("sigterm", disk.toString(), data.toString())),
            log);
    try {
      while (!Files.exists(disk.resolve("ready"))) {
        if (!p.isAlive()) {
          fail("the run ended before its first checkpoint:\n" + Files.readString(log));
        }
        Thread.sleep(20);
      }
    } finally {
      p.destroy(); // SIGTERM: the JVM's shutdown hooks run, Spark's among them
    }
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), Files.readString(log));
    String console = Files.readString(log);

    assertTrue(
        console.contains(
            "seed 0 interrupted: the job is shutting down (SIGTERM or Ctrl-C); its finished tasks"
                + " are checkpointed, and the same command resumes it"),
        console);
    assertFalse(console.contains("FAILED"), console);
    assertFalse(console.contains("seed 0 failed"), console);
    assertFalse(console.contains("a bug"), console);
    assertNoStackTrace(console);
    Path out = disk.resolve("sigterm/out");
    assertTrue(Files.exists(out.resolve("_checkpoints/seed=0/task=1.h2ckpt")));
    assertFalse(Files.exists(out.resolve(RunLock.NAME)), "the lock is released");
  }
}
