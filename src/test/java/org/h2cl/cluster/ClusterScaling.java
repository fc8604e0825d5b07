package org.h2cl.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cluster_scaling benchmark (submit/bench.sh cluster_scaling): on a standalone cluster of two
 * workers of one core each, the wall time of submit/cluster.sh for one seed and for two seeds, one
 * executor JVM per seed; efficiency = T1 / T2 (1.0 = the second executor costs nothing). Prints one
 * JSON line.
 */
public final class ClusterScaling {

  private ClusterScaling() {}

  public static void main(String[] args) throws Exception {
    String conf = args.length > 0 ? args[0] : "conf/quickstart.conf";
    List<String> sparkArgs = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
    Path dir = Files.createTempDirectory("h2-cluster-scaling");
    try (StandaloneCluster cluster = new StandaloneCluster(dir, 2, 1)) {
      Path jar = StandaloneCluster.cpuJar();
      double one = seconds(cluster, jar, dir, conf, "[0]", sparkArgs);
      double two = seconds(cluster, jar, dir, conf, "[0,1]", sparkArgs);
      System.out.printf(
          "{\"bench\": \"cluster_scaling\", \"conf\": \"%s\", \"spark_submit_options\": \"%s\","
              + " \"workers\": 2, \"cores_per_worker\": 1, \"one_seed_seconds\": %.1f,"
              + " \"two_seeds_seconds\": %.1f, \"efficiency\": %.3f}%n",
          conf, String.join(" ", sparkArgs), one, two, one / two);
    }
  }

  private static double seconds(
      StandaloneCluster cluster,
      Path jar,
      Path dir,
      String conf,
      String seeds,
      List<String> sparkArgs)
      throws Exception {
    Path log = dir.resolve("submit-" + seeds.length() + ".log");
    long start = System.nanoTime();
    Process p =
        cluster.submit(
            jar,
            log,
            Map.of(),
            sparkArgs,
            List.of(
                "--conf",
                conf,
                "h2.seeds=" + seeds,
                "h2.compute.threads=1",
                "h2.output.uri=" + dir.resolve("out-" + seeds.length())));
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("the job failed:\n" + Files.readString(log));
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
