package org.h2cl.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.h2cl.progress.ProgressView;
import org.h2cl.spark.H2Job;
import org.h2cl.spark.JobOptions;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as users run it on a cluster: a standalone master and two workers, each its own JVM, the
 * CPU cluster jar the build made, submitted by submit/cluster.sh through a distribution's
 * spark-submit. Each result is compared with a local[2] run of the same settings in this JVM.
 */
class ClusterIT {

  @TempDir static Path dir;
  static StandaloneCluster cluster;
  static Path jar;

  /** Four tasks of the tiny run at width 16, so that the executors take oneDNN's kernels. */
  static final List<String> SETTINGS =
      List.of("h2.model.base-width=16", "h2.data.tasks=4", "h2.spark.master=\"local[2]\"");

  @BeforeAll
  static void startCluster() throws Exception {
    jar = StandaloneCluster.cpuJar();
    cluster = new StandaloneCluster(Files.createDirectories(dir.resolve("cluster")), 2, 2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The settings' arguments with data and output where given, then {@code more}. */
  static List<String> arguments(String data, String output, String... more) {
    List<String> args = new ArrayList<>(SettingsFixture.arguments(data, output));
    args.addAll(SETTINGS);
    args.addAll(List.of(more));
    return args;
  }

  /** Runs the job in this JVM on local[2]: the reference. */
  static Path localRun(String name, String... more) {
    Path out = dir.resolve(name);
    H2Job.run(
        SettingsFixture.load(arguments(dir.resolve("data").toString(), out.toString(), more)),
        JobOptions.none(),
        ProgressView.logLines(false));
    return out;
  }

  /** submit/cluster.sh with {@code sparkArgs} before "--" and {@code jobArgs} after it. */
  static Process submit(
      Path log, Map<String, String> env, List<String> sparkArgs, List<String> jobArgs)
      throws Exception {
    Map<String, String> all = new java.util.HashMap<>(Map.of("GPUS_PER_EXECUTOR", "1"));
    all.putAll(env);
    return cluster.submit(jar, log, all, sparkArgs, jobArgs);
  }

  static String finish(Process p, Path log, int seconds) throws Exception {
    boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String text = Files.readString(log);
    assertTrue(ended, "spark-submit still running after " + seconds + " s:\n" + text);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  static SparkSession reader() {
    return SparkSession.builder()
        .master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /** A table's rows, sorted, without the columns that differ from run to run by nature. */
  static List<String> rows(String output, String table, String... drop) {
    return reader().read().parquet(output + "/" + table).drop(drop).collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  /** run.seeds, one map per seed by column name. */
  static List<Map<String, Object>> seeds(String output) {
    Row run = reader().read().parquet(output + "/run").first();
    List<Row> seeds = run.getList(run.fieldIndex("seeds"));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row s : seeds) {
      Map<String, Object> m = new TreeMap<>();
      for (String f : s.schema().fieldNames()) {
        m.put(f, s.get(s.fieldIndex(f)));
      }
      out.add(m);
    }
    return out;
  }

  static Object runColumn(String output, String column) {
    Row run = reader().read().parquet(output + "/run").first();
    return run.get(run.fieldIndex(column));
  }

  /** The three result tables equal, value for value, but for the seconds each task took. */
  static void assertSameResults(String expected, String actual, String... alsoDrop) {
    List<String> drop = new ArrayList<>(List.of("train_seconds"));
    drop.addAll(List.of(alsoDrop));
    assertEquals(
        rows(expected, "task_results", drop.toArray(String[]::new)),
        rows(actual, "task_results", drop.toArray(String[]::new)));
    assertEquals(rows(expected, "accuracy_matrix"), rows(actual, "accuracy_matrix"));
    assertEquals(rows(expected, "summary"), rows(actual, "summary"));
    List<Map<String, Object>> a = seeds(expected);
    List<Map<String, Object>> b = seeds(actual);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      for (String same : List.of("seed", "backend", "device", "threads", "kernels")) {
        assertEquals(a.get(i).get(same), b.get(i).get(same), same + " of " + b.get(i));
      }
    }
  }

  @Test
  void everySeedTrainsInAnExecutorJvmOnItsOwnGpuAndTheTablesEqualALocalRun() throws Exception {
    Path local = localRun("local-4", "h2.seeds=[0,1,2,3]");
    Path out = dir.resolve("cluster-4");
    Path log = dir.resolve("submit-4.log");
    String printed =
        finish(
            submit(
                log,
                Map.of(),
                List.of(),
                arguments(dir.resolve("data").toString(), out.toString(), "h2.seeds=[0,1,2,3]")),
            log,
            600);

    assertTrue(printed.contains("cluster-cpu.jar (cpu backend, natives -onednn-avx2)"), printed);
    assertTrue(Pattern.compile("kernels: onednn").matcher(printed).find(), printed);
    String app = (String) runColumn(out.toString(), "spark_app_id");
    assertTrue(app.startsWith("app-"), app);
    assertTrue(((String) runColumn(out.toString(), "master")).startsWith("spark://127.0.0.1:"));
    assertSameResults(local.toString(), out.toString());

    List<Map<String, Object>> seeds = seeds(out.toString());
    assertEquals(4, seeds.size());
    for (Map<String, Object> s : seeds) {
      String executor = (String) s.get("executor_id");
      assertTrue(executor.matches("\\d+"), "an executor, not the driver: " + s);
      assertTrue(cluster.workerOf(app, executor).isPresent(), "a worker's executor: " + s);
      assertEquals("127.0.0.1", s.get("host"));
      assertTrue(Set.of("0", "1").contains(s.get("gpu_address")), s.toString());
      assertEquals(1, s.get("attempts"));
      assertTrue(((String) s.get("kernels")).startsWith("onednn"), s.toString());
    }
    // Seeds that ran at the same time on one worker had different GPUs.
    for (Map<String, Object> a : seeds) {
      for (Map<String, Object> b : seeds) {
        boolean sameWorker =
            cluster
                .workerOf(app, (String) a.get("executor_id"))
                .equals(cluster.workerOf(app, (String) b.get("executor_id")));
        boolean overlap =
            ((java.sql.Timestamp) a.get("started_at"))
                    .before((java.sql.Timestamp) b.get("ended_at"))
                && ((java.sql.Timestamp) b.get("started_at"))
                    .before((java.sql.Timestamp) a.get("ended_at"));
        if (a != b && sameWorker && overlap) {
          assertNotEquals(a.get("gpu_address"), b.get("gpu_address"), a + " and " + b);
        }
      }
    }
  }

  @Test
  @Tag("slow")
  void aSeedWhoseExecutorIsKilledMidTaskResumesElsewhereWithTheSameResults() throws Exception {
    String[] longer = {"h2.seeds=[0,1]", "h2.train.epochs=6"};
    Path local = localRun("local-kill", longer);
    Path out = dir.resolve("cluster-kill");
    Path log = dir.resolve("submit-kill.log");
    List<String> job = arguments(dir.resolve("data").toString(), out.toString(), longer);
    Process submitted = submit(log, Map.of(), List.of(), job);

    // Seed 0's second checkpoint: it is now training its third task.
    Path second = out.resolve("_checkpoints/seed=0/task=2.h2ckpt");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (!Files.exists(second) && System.nanoTime() < deadline && submitted.isAlive()) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(second), Files.readString(log));
    Thread.sleep(1000);
    ProcessHandle victim = null;
    for (ProcessHandle e : cluster.executors()) {
      String id = executorId(e.info().commandLine().orElse(""));
      for (Path stderr : cluster.executorLogs(appId(log))) {
        if (stderr.getParent().getFileName().toString().equals(id)
            && Files.readString(stderr).contains("seed 0: attempt 0")) {
          victim = e;
        }
      }
    }
    assertTrue(victim != null, "no executor runs seed 0: " + cluster.executors());
    victim.destroyForcibly();
    finish(submitted, log, 600);

    assertSameResults(local.toString(), out.toString(), "resumed");
    Map<String, Object> seed0 = seeds(out.toString()).get(0);
    assertEquals(2, seed0.get("attempts"), seed0.toString());
    assertTrue((Integer) seed0.get("resumed_from_task") >= 2, seed0.toString());
    assertEquals(1, seeds(out.toString()).get(1).get("attempts"));
  }

  @Test
  @Tag("slow")
  void inClusterDeployModeTheDriverRunsOnAWorkerAndSparkHadoopSettingsReachTheExecutors()
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    try (MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build()) {
      // A nameservice that exists only in these settings: a node without them cannot resolve it.
      String ns = "h2test";
      List<String> hadoop =
          List.of(
              "spark.hadoop.dfs.nameservices=" + ns,
              "spark.hadoop.dfs.ha.namenodes." + ns + "=nn1",
              "spark.hadoop.dfs.namenode.rpc-address."
                  + ns
                  + ".nn1=127.0.0.1:"
                  + hdfs.getNameNodePort(),
              "spark.hadoop.dfs.client.failover.proxy.provider."
                  + ns
                  + "=org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider");
      List<String> sparkArgs = new ArrayList<>(List.of("--deploy-mode", "cluster"));
      sparkArgs.addAll(List.of("--conf", "spark.standalone.submit.waitAppCompletion=true"));
      for (String h : hadoop) {
        sparkArgs.addAll(List.of("--conf", h));
      }
      String[] two = {"h2.seeds=[0,1]"};
      Path local = localRun("local-hdfs", two);
      String out = "hdfs://" + ns + "/runs/cluster-mode";
      Path log = dir.resolve("submit-hdfs.log");
      finish(
          submit(log, Map.of(), sparkArgs, arguments("hdfs://" + ns + "/data", out, two)),
          log,
          600);

      // Read back through the nameservice the executors were told about.
      SparkSession reader = reader();
      for (String h : hadoop) {
        String[] kv = h.substring("spark.hadoop.".length()).split("=", 2);
        reader.sparkContext().hadoopConfiguration().set(kv[0], kv[1]);
      }
      assertSameResults(local.toString(), out);
      for (Map<String, Object> s : seeds(out)) {
        assertTrue(((String) s.get("executor_id")).matches("\\d+"), s.toString());
      }
      // The driver ran in a worker's JVM: its log is in a worker's driver folder, not in ours.
      List<Path> driverLogs = new ArrayList<>();
      for (File w : cluster.dir.toFile().listFiles((d, n) -> n.startsWith("worker-"))) {
        if (w.isDirectory()) {
          for (File d : w.listFiles((x, n) -> n.startsWith("driver-"))) {
            driverLogs.add(d.toPath().resolve("stderr"));
          }
        }
      }
      assertEquals(1, driverLogs.size(), driverLogs.toString());
      String driver = Files.readString(driverLogs.get(0));
      assertTrue(driver.contains("seeds [0, 1] on spark://127.0.0.1:"), driver);
    }
  }

  private static String executorId(String commandLine) {
    List<String> words = Arrays.asList(commandLine.split(" "));
    int i = words.indexOf("--executor-id");
    return i < 0 ? "" : words.get(i + 1);
  }

  private static String appId(Path log) throws Exception {
    return StandaloneCluster.await(log, Pattern.compile("(app-\\d+-\\d+)"), 120).group(1);
  }
}
