package org.h2cl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2cl.checkpoint.ArrayBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check where there is no GPU: its child JVMs for real, with the "GPU" side on the CPU
 * backend (libnd4j's kernels against the reference's oneDNN) so that the whole comparison runs, and
 * its refusal where the CUDA backend is not on the class path. The report is then fed results
 * altered as a broken GPU backend would alter them.
 */
class GpuCheckTest {
  @TempDir static Path dir;
  private static Path work;
  private static Result run;

  record Result(int code, String out, String err) {}

  private static Result check(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> a = new ArrayList<>(List.of(args));
    String cp = System.getProperty("java.class.path");
    a.addAll(List.of("--cpu-classpath", cp, "--cuda-classpath", cp));
    int code =
        GpuCheck.run(
            a.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Result report(double tolerance) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = GpuCheck.report(work, tolerance, new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), "");
  }

  @BeforeAll
  static void runOnTheCpu() {
    work = dir.resolve("work");
    run =
        check(
            "--device-backend",
            "cpu",
            "--width",
            "16",
            "--batch",
            "4",
            "--steps",
            "1",
            "--threads",
            "1",
            "--keep",
            work.toString());
  }

  @Test
  void theWholeCheckAgreesWhereBothSidesAreRight() {
    assertEquals(0, run.code, run.out + run.err);
    String[] lines = run.out.split("\n");
    assertEquals(4, lines.length, run.out);
    assertTrue(lines[0].contains("base width 16, batch 4, seed 0"), lines[0]);
    assertTrue(
        lines[1].matches("  cpu +CPU +libnd4j +[0-9.]+ img/s   rel\\. diff .* ok"), lines[1]);
    assertTrue(lines[2].matches("  cpu +CPU +onednn .* [0-9.]+ img/s   reference"), lines[2]);
    assertTrue(lines[3].startsWith("gpu-check: ok: 1 of 1 device(s) agree"), lines[3]);
  }

  @Test
  void bothSidesStartFromTheSameStateAndDifferOnlyByRounding() throws IOException {
    ArrayBundle device = read(work.resolve("devices-0.bundle"));
    ArrayBundle cpu = read(work.resolve("reference-0.bundle"));
    assertEquals(cpu.meta("start_digest"), device.meta("start_digest"));
    assertEquals("libnd4j", device.meta("kernels"));
    assertTrue(cpu.meta("kernels").startsWith("onednn"), cpu.meta("kernels"));
    assertEquals("0", device.meta("frozen_moved"));
    // The step did something, differently rounded: the comparison is not comparing a thing with
    // itself.
    float[] d = device.floats("delta/layer1.0.conv1");
    float[] c = cpu.floats("delta/layer1.0.conv1");
    double r = StepComparison.relative(d, c, "layer1.0.conv1");
    assertTrue(r > 0 && r < GpuCheck.TOLERANCE, "relative difference " + r);
    assertTrue(maxAbs(c) > 0);
  }

  @Test
  void aWrongGradientAFrozenWeightMovedOrATighterToleranceFail() throws IOException {
    Path file = work.resolve("devices-0.bundle");
    byte[] original = Files.readAllBytes(file);
    try {
      assertEquals(1, report(1e-9).code); // rounding alone exceeds it
      assertEquals(0, report(GpuCheck.TOLERANCE).code);

      ArrayBundle wrong = read(file);
      float[] d = wrong.floats("delta/layer2.0.conv2");
      for (int i = 0; i < d.length; i++) {
        d[i] *= 1.2f; // a gradient 20 % too large in one layer
      }
      write(wrong.put("delta/layer2.0.conv2", d), file);
      Result r = report(GpuCheck.TOLERANCE);
      assertEquals(1, r.code, r.out);
      assertTrue(r.out.contains("(layer2.0.conv2)") && r.out.contains("DIFFERS beyond"), r.out);
      Matcher m = Pattern.compile("rel\\. diff ([0-9.e+-]+) ").matcher(r.out);
      assertTrue(m.find(), r.out);
      assertEquals(0.2, Double.parseDouble(m.group(1)), 0.02, r.out); // 1.2 d - c ≈ 0.2 c
      assertTrue(r.out.contains("gpu-check: FAILED: 0 of 1 device(s)"), r.out);

      Files.write(file, original);
      write(read(file).putMeta("frozen_moved", "3"), file);
      r = report(GpuCheck.TOLERANCE);
      assertEquals(1, r.code, r.out);
      assertTrue(r.out.contains("DIFFERS: the step moved 3 frozen weights"), r.out);
    } finally {
      Files.write(file, original);
    }
  }

  @Test
  void withoutTheCudaBackendItSaysSoAndExits3() {
    Result r = check("--width", "16", "--batch", "4", "--keep", dir.resolve("no-cuda").toString());
    assertEquals(3, r.code, r.out + r.err);
    assertEquals(
        "no GPU: the CUDA backend is not on this class path (nd4j-cuda-11.6: mvn -Pcuda)\n", r.out);
  }

  @Test
  void helpListsTheExitCodesAndBadOptionsExit2() {
    Result help = check("--help");
    assertEquals(0, help.code);
    for (String code :
        List.of(
            "0  every GPU",
            "1  a GPU's step",
            "2  bad options",
            "3  no GPU",
            "4  no GPU",
            "5  a child")) {
      assertTrue(help.out.contains(code), code);
    }
    Result bad = check("--width", "sixteen");
    assertEquals(2, bad.code);
    assertTrue(bad.err.startsWith("gpu-check: "), bad.err);
    assertEquals(2, check("--tolerance", "-1").code);
    Result typo = check("--widht", "16");
    assertEquals(2, typo.code);
    assertTrue(typo.err.startsWith("gpu-check: unknown option --widht\n"), typo.err);
  }

  private static double maxAbs(float[] v) {
    double m = 0;
    for (float x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static ArrayBundle read(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return ArrayBundle.readFrom(in, Files.size(p), p.toString());
    }
  }

  private static void write(ArrayBundle b, Path p) throws IOException {
    try (OutputStream out = Files.newOutputStream(p)) {
      b.writeTo(out);
    }
  }
}
