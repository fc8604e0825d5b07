package org.h2cl.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Entry point of {@code submit/bench.sh}: {@code Bench NAME [--key value ...]} runs one benchmark
 * and prints its JSON lines on stdout. Options common to all: {@code --threads} (ND4J/OpenMP
 * threads, default 2); those that train also take {@code --kernels} and {@code --conv-algorithm}
 * (as {@code h2.compute.*}).
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] argv) {
    if (argv.length == 0) {
      throw new IllegalArgumentException("usage: Bench NAME [--key value ...]");
    }
    Options o = new Options(Arrays.copyOfRange(argv, 1, argv.length));
    int threads = o.integer("threads", 2);
    limitThreads(threads);
    switch (argv[0]) {
      case "train_step" -> TrainStepBench.run(o, threads);
      case "fisher" -> FisherBench.run(o, threads);
      case "layer_profile" -> LayerProfileBench.run(o, threads);
      case "profile" -> ProfileBench.run(o, threads);
      case "peak" -> PeakBench.run(o, threads);
      case "dispatch" -> DispatchBench.run(o, threads);
      case "data" -> DataBench.run(o, threads);
      case "end_to_end" -> EndToEndBench.run(o, threads);
      case "memory" -> MemoryBench.run(o, threads);
      default -> throw new IllegalArgumentException("unknown benchmark: " + argv[0]);
    }
  }

  /**
   * Bounds every pool libnd4j uses, as SeedTask does for a seed: {@code setMaxThreads} alone is a
   * no-op in ND4J M2.1, so OpenMP (this thread), libnd4j's own loops and OpenBLAS are set too.
   */
  static void limitThreads(int threads) {
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
  }

  /** {@code --key value} pairs with defaults. */
  static final class Options {
    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --key value, got " + args[i]);
        }
        values.put(args[i].substring(2), args[i + 1]);
      }
    }

    /** The keys given. */
    java.util.Set<String> keys() {
      return values.keySet();
    }

    int integer(String key, int dflt) {
      return values.containsKey(key) ? Integer.parseInt(values.get(key)) : dflt;
    }

    String string(String key, String dflt) {
      return values.getOrDefault(key, dflt);
    }

    /** {@code --kernels auto|onednn|libnd4j} (default auto, as h2.compute.kernels). */
    Kernels kernels() {
      return Kernels.valueOf(string("kernels", "auto").toUpperCase(Locale.ROOT));
    }

    /**
     * {@code --conv-algorithm winograd|direct} (default winograd, as h2.compute.conv-algorithm).
     */
    ConvAlgorithm convAlgorithm() {
      return ConvAlgorithm.valueOf(string("conv-algorithm", "winograd").toUpperCase(Locale.ROOT));
    }

    /** The same choices as h2.compute.* overrides for benchmarks that run the trainer. */
    List<String> computeOverrides() {
      return List.of(
          "h2.compute.kernels=" + string("kernels", "auto"),
          "h2.compute.conv-algorithm=" + string("conv-algorithm", "winograd"));
    }
  }

  /** Median of the values (mean of the middle two for an even count). */
  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** CPU time of this process so far (all threads, user + system), in seconds. */
  static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** Peak resident set of this process (VmHWM), in bytes; -1 where /proc is unavailable. */
  static long peakRssBytes() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException e) {
      return -1;
    }
    return -1;
  }
}
