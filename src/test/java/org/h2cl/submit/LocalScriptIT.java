package org.h2cl.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/local.sh as a user runs it, from a folder of their own on the jar the build made: relative
 * paths mean that folder, Spark settings on the command line take effect (an event log), only the
 * compile scope is on the class path.
 */
class LocalScriptIT {

  @TempDir Path user;

  @Test
  void aRunFromTheUsersFolderReadsAndWritesThereAndLogsItsEventsForTheHistoryServer()
      throws Exception {
    Path checkout = Path.of("").toAbsolutePath();
    // The tiny run as a conf file of the user's, its folders relative.
    List<String> lines = new ArrayList<>();
    for (String a :
        SettingsFixture.arguments("my-data", "my-output", "h2.seeds=[0]", "h2.data.tasks=2")) {
      lines.add(a);
    }
    Files.write(user.resolve("my.conf"), lines);
    Path events = Files.createDirectories(user.resolve("events"));

    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                checkout.resolve("submit/local.sh").toString(),
                "--conf",
                "my.conf",
                "spark.eventLog.enabled=true",
                "spark.eventLog.dir=" + events.toUri(),
                "spark.driver.memory=2g")
            .directory(user.toFile())
            .redirectErrorStream(true)
            .redirectOutput(user.resolve("log").toFile());
    pb.environment().put("MAVEN_ARGS", "-o");
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), Files.readString(user.resolve("log")));
    String log = Files.readString(user.resolve("log"));
    assertEquals(0, p.exitValue(), log);

    assertFalse(log.contains("Building"), "the build's jars are used as they are: " + log);
    assertTrue(Files.exists(user.resolve("my-output/_RUN_COMPLETE")), log);
    assertTrue(Files.isDirectory(user.resolve("my-data")), log);
    assertTrue(log.contains("spark settings of the command line: {spark.driver.memory=2g,"), log);
    List<Path> logged;
    try (var files = Files.list(events)) {
      logged = files.filter(f -> f.getFileName().toString().startsWith("local-")).toList();
    }
    assertEquals(1, logged.size(), "one event log: " + logged);
    String eventLog = Files.readString(logged.get(0));
    assertTrue(eventLog.contains("SparkListenerApplicationEnd"), "a finished application");
    String classPath = Files.readString(checkout.resolve("target/classpath.txt"));
    assertFalse(classPath.contains("junit"), classPath);
    assertFalse(classPath.contains("hadoop-client-minicluster"), classPath);
  }
}
