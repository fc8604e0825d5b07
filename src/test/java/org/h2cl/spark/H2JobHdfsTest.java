package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.h2cl.checkpoint.CheckpointException;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.SeedRunner;
import org.h2cl.results.ResultsException;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job against a real HDFS (one in-process MiniDFSCluster for the class): data generated
 * on and read from it, checkpoints written, read back and resumed from, tables published there
 * (HDFS's rename never replaces, unlike the local disk's); and an unreachable name node.
 */
class H2JobHdfsTest {

  @TempDir static Path dir;

  private static MiniDFSCluster cluster;
  private static SparkSession spark;
  private static String hdfs;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs = cluster.getURI().toString();
    spark = H2Job.session(SettingsFixture.tiny("unused"));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private static H2Settings settings(String... extra) {
    List<String> args =
        new ArrayList<>(
            SettingsFixture.arguments(
                hdfs + "/datasets/cifar",
                hdfs + "/results/run",
                "h2.seeds=[0]",
                "h2.data.synthetic.train-per-class=8",
                "h2.data.synthetic.test-per-class=4",
                "h2.data.tasks=3",
                "h2.train.epochs=1",
                "h2.train.batch-size=16",
                "h2.association.epochs=1",
                "h2.association.warmup-epochs=0",
                "h2.reuse.fisher-samples=2"));
    args.addAll(List.of(extra));
    return SettingsFixture.load(args);
  }

  @Test
  void readsDataAndWritesCheckpointsAndTablesOnHdfsAndResumesFromThere() throws Exception {
    JobReport failed =
        H2Job.run(spark, settings(), JobOptions.failAlwaysAfterTask(0, 2), SeedRunner::run);
    assertFalse(failed.complete());

    JobReport resumed = H2Job.run(spark, settings(), JobOptions.none(), SeedRunner::run);

    assertTrue(resumed.complete(), resumed.failures().toString());
    assertEquals(2, resumed.results().get(0).resumedFromTask(), "resumed from HDFS checkpoints");
    assertEquals(hdfs + "/results/run", resumed.outputUri());
    List<Row> tasks = spark.read().parquet(hdfs + "/results/run/task_results").collectAsList();
    assertEquals(3, tasks.size());
    assertEquals(2, tasks.stream().filter(r -> r.<Boolean>getAs("resumed")).count());
    Row run = spark.read().parquet(hdfs + "/results/run/run").first();
    assertTrue(run.<Boolean>getAs("complete"));
    assertEquals(hdfs + "/results/run/_checkpoints", run.getAs("checkpoint_uri"));
    try (FileSystem fs = FileSystem.newInstance(cluster.getURI(), new Configuration())) {
      var root = new org.apache.hadoop.fs.Path("/results/run");
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root, "_RUN_COMPLETE")));
      for (int task = 1; task <= 3; task++) {
        assertTrue(
            fs.exists(
                new org.apache.hadoop.fs.Path(
                    root, "_checkpoints/seed=0/task=" + task + ".h2ckpt")));
      }
      for (var f : fs.listStatus(root)) {
        assertFalse(f.getPath().getName().startsWith("_staging"), "staging left: " + f.getPath());
      }
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/datasets/cifar/data_batch_5.bin")));
    }
  }

  @Test
  void anUnreachableNameNodeFailsFastNamingTheFolder() {
    // A name node that refuses connections, and one whose host does not resolve.
    for (String down : List.of("hdfs://127.0.0.1:1", "hdfs://no-such-namenode.invalid:8020")) {
      RuntimeException output =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () ->
                  assertThrows(
                      ResultsException.class,
                      () ->
                          H2Job.run(
                              spark,
                              settings("h2.output.uri=" + down + "/out"),
                              JobOptions.none(),
                              SeedRunner::run)));
      assertTrue(output.getMessage().contains(down + "/out"), output.getMessage());

      RuntimeException checkpoints =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () ->
                  assertThrows(
                      RuntimeException.class,
                      () ->
                          H2Job.run(
                              spark,
                              settings(
                                  "h2.output.uri=" + dir.resolve("local-out").toUri(),
                                  "h2.checkpoint.uri=" + down + "/ckpt"),
                              JobOptions.none(),
                              SeedRunner::run)));
      assertTrue(
          checkpoints instanceof CheckpointException || checkpoints instanceof ResultsException,
          "a user error (exit 2), not a bug: " + checkpoints);
      assertTrue(checkpoints.getMessage().contains(down + "/ckpt"), checkpoints.getMessage());
      assertFalse(java.nio.file.Files.exists(dir.resolve("local-out")));
    }
  }
}
