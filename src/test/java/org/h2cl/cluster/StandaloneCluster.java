package org.h2cl.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on 127.0.0.1: a master and workers, each its own JVM started by the
 * distribution's {@code bin/spark-class}, each worker advertising the GPU addresses "0" and "1"
 * through a discovery script (fake ones: this machine may have no GPU). Closing it stops every JVM
 * it started and the executors they started.
 */
final class StandaloneCluster implements AutoCloseable {

  private static final Pattern MASTER_URL =
      Pattern.compile("Starting Spark master at (spark://\\S+)");

  final Path sparkHome;
  final Path dir;
  final String masterUrl;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();

  /**
   * Starts a master and {@code workers} workers of {@code cores} cores and GPUs 0 and 1 each, and
   * waits until every worker has registered.
   */
  StandaloneCluster(Path dir, int workers, int cores) throws Exception {
    this.sparkHome = SparkDistribution.home();
    this.dir = dir;
    Path discovery = dir.resolve("gpus.sh");
    Files.writeString(
        discovery, "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      Path masterLog = dir.resolve("master.log");
      start(
          masterLog,
          Map.of(),
          "org.apache.spark.deploy.master.Master",
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--webui-port",
          "0");
      this.masterUrl = await(masterLog, MASTER_URL, 120, processes.get(0)).group(1);
      for (int w = 0; w < workers; w++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + w));
        workDirs.add(work);
        Path log = dir.resolve("worker-" + w + ".log");
        start(
            log,
            Map.of(
                "SPARK_WORKER_OPTS",
                "-Dspark.worker.resource.gpu.amount=2"
                    + " -Dspark.worker.resource.gpu.discoveryScript="
                    + discovery),
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            Integer.toString(cores),
            "--memory",
            "6g",
            "--work-dir",
            work.toString(),
            "--webui-port",
            "0",
            masterUrl);
      }
      for (int w = 0; w < workers; w++) {
        await(
            dir.resolve("worker-" + w + ".log"),
            Pattern.compile("Successfully registered"),
            120,
            processes.get(1 + w));
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** The environment every JVM of the cluster, and spark-submit, runs with. */
  Map<String, String> environment() {
    return Map.of(
        "SPARK_HOME",
        sparkHome.toString(),
        "SPARK_SCALA_VERSION",
        "2.12",
        "SPARK_LOCAL_IP",
        "127.0.0.1",
        "SPARK_CONF_DIR",
        sparkHome.resolve("conf").toString());
  }

  /**
   * Starts submit/cluster.sh on this cluster: {@code jar} with one core per executor and {@code
   * sparkArgs} before "--", {@code jobArgs} after it; its output goes to {@code log}.
   */
  Process submit(
      Path jar, Path log, Map<String, String> env, List<String> sparkArgs, List<String> jobArgs)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", "submit/cluster.sh"));
    command.addAll(List.of("--master", masterUrl, "--executor-cores", "1"));
    command.addAll(List.of("--executor-memory", "1g", "--driver-memory", "1g"));
    command.addAll(sparkArgs);
    command.add("--");
    command.addAll(jobArgs);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(environment());
    pb.environment().put("H2_JAR", jar.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /** The cluster jar for the CPU that the build left in target/. */
  static Path cpuJar() throws IOException {
    try (var built = Files.list(Path.of("target"))) {
      return built
          .filter(p -> p.getFileName().toString().matches("h2-spark-.*-cluster-cpu\\.jar"))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("no cluster-cpu jar in target/: mvn package"))
          .toAbsolutePath();
    }
  }

  private void start(Path log, Map<String, String> env, String mainClass, String... args)
      throws IOException {
    List<String> command =
        new ArrayList<>(List.of(sparkHome.resolve("bin/spark-class").toString(), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(environment());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    processes.add(pb.start());
  }

  /** Waits for a line of {@code log} matching {@code pattern}. */
  static Matcher await(Path log, Pattern pattern, int seconds) throws Exception {
    return await(log, pattern, seconds, null);
  }

  /** Waits for a line of {@code log} matching {@code pattern}, or for {@code stopped} to end. */
  static Matcher await(Path log, Pattern pattern, int seconds, Process stopped) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = pattern.matcher(Files.readString(log));
        if (m.find()) {
          return m;
        }
      }
      if (stopped != null && !stopped.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "no line matching '"
            + pattern
            + "' in "
            + log
            + " within "
            + seconds
            + " s:\n"
            + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

  /**
   * The worker (0-based) whose work folder holds executor {@code executorId} of app {@code appId}:
   * the worker starts each executor in {@code <work-dir>/<app>/<executor>}.
   */
  Optional<Integer> workerOf(String appId, String executorId) {
    for (int w = 0; w < workDirs.size(); w++) {
      if (Files.isDirectory(workDirs.get(w).resolve(appId).resolve(executorId))) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /** The executor JVMs the workers run now. */
  List<ProcessHandle> executors() {
    return processes.stream()
        .flatMap(Process::descendants)
        .filter(
            h ->
                h.info()
                    .commandLine()
                    .map(c -> c.contains("CoarseGrainedExecutorBackend"))
                    .orElse(false))
        .toList();
  }

  /** What the workers' executors wrote to stderr for app {@code appId}, one text per executor. */
  List<Path> executorLogs(String appId) throws IOException {
    List<Path> logs = new ArrayList<>();
    for (Path work : workDirs) {
      Path app = work.resolve(appId);
      if (Files.isDirectory(app)) {
        try (var executors = Files.list(app)) {
          executors.map(e -> e.resolve("stderr")).filter(Files::exists).forEach(logs::add);
        }
      }
    }
    return logs;
  }

  @Override
  public void close() {
    // Workers first (their executors with them), the master last.
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      children.forEach(ProcessHandle::destroy);
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
