package org.h2cl.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.h2cl.checkpoint.ArrayBundle;

/**
 * Entry point of {@code submit/gpu-check.sh}: one H² training step on every visible GPU and the
 * same step on the CPU from the same weights, compared, with img/s per device. ND4J loads one
 * backend per JVM, so each side runs in a child JVM of its own ({@link GpuCheckStep}): first the
 * GPUs on the CUDA class path (a machine without a GPU stops there, saying why), then the CPU on
 * the CPU class path; they exchange results through files in a scratch folder. This JVM loads no
 * ND4J.
 */
public final class GpuCheck {
  /** Every GPU's step agrees with the CPU's within the tolerance. */
  static final int OK = 0;

  /**
   * A GPU's step differs from the CPU's beyond the tolerance, is not finite, or started elsewhere.
   */
  static final int DIFFERS = 1;

  /** Bad options, or the check could not be set up (class paths, scratch folder). */
  static final int USAGE = 2;

  /** No GPU: CUDA's libraries or ND4J's CUDA backend did not load. */
  static final int NO_CUDA = 3;

  /** No GPU: CUDA loaded but sees no device. */
  static final int NO_DEVICE = 4;

  /**
   * A child JVM failed (a CUDA error during the step, out of memory, a crash): its log is shown.
   */
  static final int FAILED = 5;

  /**
   * The default tolerance on the relative difference ({@link StepComparison}), the one {@code
   * OneDnnTrunkTest} holds oneDNN's gradients to. On the development machine's CPU, libnd4j's and
   * oneDNN's kernels differ in this step by 5e-3 to 8e-3 (BENCHMARKS.md), mostly in BN parameters'
   * changes; cuDNN may compute convolutions in TF32 (a 10-bit mantissa) on Ampere and later GPUs,
   * which {@code NVIDIA_TF32_OVERRIDE=0} turns off. A wrong gradient, mask or layout differs by
   * order 1.
   */
  static final double TOLERANCE = 5e-2;

  static final String USAGE_TEXT =
      """
      usage: submit/gpu-check.sh [--width 64] [--batch 128] [--steps 10] [--seed 0]
                                 [--tolerance 0.05] [--threads N] [--keep DIR]

      Runs one H² training step of ResNet-18 (the trainer's step: forward, loss, backward, non-owned
      gradients zeroed, momentum SGD, free weights held at zero) on each visible GPU and on the CPU
      from the same weights, masks and batch; compares each parameter array's change in the step
      (||gpu - cpu|| / ||cpu|| per array) and the loss, and prints img/s per device over --steps
      more steps. A child JVM per backend: the GPUs on ND4J's CUDA build (-Pcuda), the CPU on the
      CPU build. CUDA_VISIBLE_DEVICES chooses the GPUs. --threads bounds the CPU side (default: all
      cores); --keep DIR keeps the children's files and logs there. A GPU slightly beyond the
      tolerance: rerun with NVIDIA_TF32_OVERRIDE=0 (cuDNN in full float32, not TF32) to tell
      rounding from a wrong step.

      exit codes:
        0  every GPU agrees with the CPU within --tolerance
        1  a GPU's step differs beyond --tolerance (or is not finite, or did not start from the
           CPU's weights)
        2  bad options, or the check could not be set up
        3  no GPU: CUDA's libraries (the driver's libcuda.so.1, the runtime) or ND4J's CUDA backend
           did not load
        4  no GPU: CUDA loaded but sees no device
        5  a child JVM failed during the step (its log is printed)
      """;

  /** What {@link #run} takes; the class paths come from the script, device-backend from tests. */
  private static final List<String> OPTIONS =
      List.of(
          "width",
          "batch",
          "steps",
          "seed",
          "tolerance",
          "threads",
          "keep",
          "conv-algorithm",
          "cpu-classpath",
          "cuda-classpath",
          "device-backend");

  private GpuCheck() {}

  public static void main(String[] argv) {
    System.exit(run(argv, System.out, System.err));
  }

  /** The whole check; returns the exit code. */
  static int run(String[] argv, PrintStream out, PrintStream err) {
    for (String a : argv) {
      if (a.equals("--help") || a.equals("-h")) {
        out.print(USAGE_TEXT);
        return OK;
      }
    }
    Bench.Options o;
    double tolerance;
    try {
      o = new Bench.Options(argv);
      for (String k : o.keys()) {
        if (!OPTIONS.contains(k)) {
          throw new IllegalArgumentException("unknown option --" + k);
        }
      }
      tolerance = Double.parseDouble(o.string("tolerance", Double.toString(TOLERANCE)));
      for (String k : List.of("width", "batch", "steps", "seed")) {
        o.integer(k, 0);
      }
      if (!(tolerance >= 0)) {
        throw new IllegalArgumentException("--tolerance must be a number >= 0");
      }
      if (o.string("cpu-classpath", "").isEmpty() || o.string("cuda-classpath", "").isEmpty()) {
        throw new IllegalArgumentException("--cpu-classpath and --cuda-classpath are needed");
      }
    } catch (IllegalArgumentException e) {
      err.println("gpu-check: " + e.getMessage());
      err.print(USAGE_TEXT);
      return USAGE;
    }
    Path work;
    try {
      String keep = o.string("keep", "");
      work =
          keep.isEmpty()
              ? Files.createTempDirectory("gpu-check")
              : Files.createDirectories(Path.of(keep));
    } catch (IOException e) {
      err.println("gpu-check: cannot make a scratch folder: " + e);
      return USAGE;
    }
    try {
      return check(o, tolerance, work, out, err);
    } finally {
      if (o.string("keep", "").isEmpty()) {
        delete(work);
      }
    }
  }

  private static int check(
      Bench.Options o, double tolerance, Path work, PrintStream out, PrintStream err) {
    // --device-backend cpu puts the "GPU" side on the CPU backend too (libnd4j's kernels against
    // the reference's oneDNN): the project's tests run the whole check that way.
    String deviceBackend = o.string("device-backend", "cuda");
    int code =
        child(
            o,
            "devices",
            deviceBackend,
            deviceBackend.equals("cuda")
                ? o.string("cuda-classpath", "")
                : o.string("cpu-classpath", ""),
            deviceBackend.equals("cuda") ? "auto" : "libnd4j",
            work,
            err);
    if (code != OK) {
      return refusal(work, "devices", code, out, err);
    }
    // Only once a GPU is there: without one, the reason is the only line.
    out.printf(
        Locale.ROOT,
        "gpu-check: one H² training step of ResNet-18 (base width %d, batch %d, seed %d) on each"
            + " GPU and on the CPU, from the same weights%n",
        o.integer("width", 64),
        o.integer("batch", 128),
        o.integer("seed", 0));
    code = child(o, "reference", "cpu", o.string("cpu-classpath", ""), "auto", work, err);
    if (code != OK) {
      return refusal(work, "reference", code, out, err);
    }
    return report(work, tolerance, out);
  }

  /**
   * Compares every {@code devices-<i>.bundle} in {@code work} with {@code reference-0.bundle},
   * prints a line per device and a verdict, and returns the exit code.
   */
  static int report(Path work, double tolerance, PrintStream out) {
    ArrayBundle cpu = read(work.resolve("reference-0.bundle"));
    if (!cpu.meta("frozen_moved").equals("0")) {
      throw new IllegalStateException(
          "the CPU's own step moved " + cpu.meta("frozen_moved") + " frozen weights");
    }
    Map<String, float[]> cpuDeltas = deltas(cpu);
    double cpuLoss = Double.parseDouble(cpu.meta("loss"));
    List<Path> devices = bundles(work, "devices-");
    if (devices.isEmpty()) {
      throw new IllegalStateException("the GPU side wrote no results into " + work);
    }
    int agree = 0;
    String worst = null;
    for (Path p : devices) {
      ArrayBundle d = read(p);
      StepComparison c =
          StepComparison.of(
              deltas(d),
              Double.parseDouble(d.meta("loss")),
              cpuDeltas,
              cpuLoss,
              d.meta("start_digest"),
              cpu.meta("start_digest"));
      // The step ran where it was meant to: the fixture's weights live on the device it bound.
      boolean bound = d.meta("weights_on").equals(d.meta("device"));
      long frozenMoved = Long.parseLong(d.meta("frozen_moved"));
      boolean ok = bound && frozenMoved == 0 && c.within(tolerance);
      agree += ok ? 1 : 0;
      String verdict;
      if (!bound) {
        verdict = "DIFFERS: its weights were on " + d.meta("weights_on");
      } else if (frozenMoved > 0) {
        verdict = "DIFFERS: the step moved " + frozenMoved + " frozen weights";
      } else if (!c.sameStart()) {
        verdict = "DIFFERS: did not start from the CPU's weights and batch";
      } else if (ok) {
        verdict = "ok";
      } else {
        verdict = String.format(Locale.ROOT, "DIFFERS beyond %.1e", tolerance);
      }
      out.printf(
          Locale.ROOT,
          "  %-7s %-22s %-24s %9.1f img/s   rel. diff %.2e (%s), loss %.2e   %s%n",
          d.meta("device"),
          d.meta("device_name"),
          d.meta("kernels"),
          Double.parseDouble(d.meta("images_per_s")),
          c.maxRelative(),
          c.worstArray().isEmpty() ? "-" : c.worstArray(),
          c.lossRelative(),
          verdict);
      if (!ok && worst == null) {
        worst = d.meta("device");
      }
    }
    out.printf(
        Locale.ROOT,
        "  %-7s %-22s %-24s %9.1f img/s   reference%n",
        "cpu",
        "CPU",
        cpu.meta("kernels"),
        Double.parseDouble(cpu.meta("images_per_s")));
    if (worst != null) {
      out.printf(
          Locale.ROOT,
          "gpu-check: FAILED: %d of %d device(s) agree with the CPU within %.1e (first that does"
              + " not: %s)%n",
          agree,
          devices.size(),
          tolerance,
          worst);
      return DIFFERS;
    }
    out.printf(
        Locale.ROOT,
        "gpu-check: ok: %d of %d device(s) agree with the CPU within %.1e (largest relative"
            + " difference of a parameter array's change in the step, and of the loss; no frozen"
            + " weight moved)%n",
        agree,
        devices.size(),
        tolerance);
    return OK;
  }

  /** Runs one side; its output goes to {@code <role>.log}. */
  private static int child(
      Bench.Options o,
      String role,
      String backend,
      String classPath,
      String kernels,
      Path work,
      PrintStream err) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Java 17's --add-opens for ND4J and the JVM's own flags; the natives' build is chosen here.
      if (!a.startsWith("-Dorg.bytedeco.javacpp.platform.extension")
          && !a.startsWith("-agentlib")
          && !a.startsWith("-javaagent")) {
        command.add(a);
      }
    }
    command.add(
        "-Dorg.bytedeco.javacpp.platform.extension="
            + (backend.equals("cuda")
                ? "-cudnn"
                : System.getProperty("org.bytedeco.javacpp.platform.extension", "")));
    command.addAll(List.of("-cp", classPath, GpuCheckStep.class.getName()));
    command.addAll(
        List.of(
            "--role", role, "--backend", backend, "--out", work.toString(), "--kernels", kernels));
    for (String k : List.of("width", "batch", "steps", "seed", "threads", "conv-algorithm")) {
      String v = o.string(k, "");
      if (!v.isEmpty()) {
        command.addAll(List.of("--" + k, v));
      }
    }
    Path log = work.resolve(role + ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      if (backend.equals("cuda")) {
        // The numbering of submit/gpu-discovery.sh (nvidia-smi's, PCI bus order).
        pb.environment().putIfAbsent("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
      }
      Process p = pb.start();
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        err.println("gpu-check: the " + role + " JVM ran for more than 30 minutes; stopped it");
        return FAILED;
      }
      return p.exitValue();
    } catch (IOException e) {
      err.println("gpu-check: cannot start a JVM for the " + role + ": " + e);
      return USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    }
  }

  /** A side that did not finish: its own one-line reason where it gave one, else its log. */
  private static int refusal(Path work, String role, int code, PrintStream out, PrintStream err) {
    Path status = work.resolve(role + ".status");
    try {
      if (Files.exists(status)) {
        List<String> lines = Files.readAllLines(status);
        int said = Integer.parseInt(lines.get(0).strip());
        if (said == NO_CUDA || said == NO_DEVICE) {
          out.println(lines.get(1));
          return said;
        }
      }
      String side = role.equals("devices") ? "GPU" : "CPU";
      err.println(
          "gpu-check: the " + side + " side failed (exit " + code + "); the end of its log:");
      List<String> log = Files.readAllLines(work.resolve(role + ".log"));
      log.subList(Math.max(0, log.size() - 40), log.size()).forEach(err::println);
    } catch (IOException | RuntimeException e) {
      err.println("gpu-check: the " + role + " side failed (exit " + code + "): " + e);
    }
    return FAILED;
  }

  private static Map<String, float[]> deltas(ArrayBundle b) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (String n : b.names()) {
      if (n.startsWith("delta/")) {
        m.put(n.substring(6), b.floats(n));
      }
    }
    return m;
  }

  private static List<Path> bundles(Path work, String prefix) {
    try (Stream<Path> s = Files.list(work)) {
      return s.filter(
              p ->
                  p.getFileName().toString().startsWith(prefix)
                      && p.getFileName().toString().endsWith(".bundle"))
          .sorted(
              Comparator.comparingInt(
                  p -> {
                    String n = p.getFileName().toString();
                    return Integer.parseInt(n.substring(prefix.length(), n.length() - 7));
                  }))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ArrayBundle read(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      return ArrayBundle.readFrom(in, Files.size(p), p.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a scratch folder under /tmp
    }
  }
}
