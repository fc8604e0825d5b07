package org.h2cl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.Loader;
import org.h2cl.config.H2Settings;
import org.h2cl.data.TaskDataLoader;
import org.h2cl.h2.H2Trainer;
import org.h2cl.h2.TrainingListener;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code h2.compute.kernels = libnd4j} never loads oneDNN's natives (JavaCPP's dnnl build and the
 * OpenCL it links), checked where nothing else has loaded them: a fresh JVM that loads the settings
 * and trains a task at a width oneDNN could run. The same run with {@code auto} does load them, so
 * the check can fail.
 */
class KernelsInAFreshJvmTest {
  @TempDir Path dir;

  /** The child: trains task 1 with the given kernels, then prints what JavaCPP loaded. */
  public static void main(String[] args) {
    H2Settings s =
        SettingsFixture.tiny(
            Path.of(args[0]),
            "h2.compute.kernels=" + args[1],
            "h2.model.base-width=16",
            "h2.data.tasks=1",
            "h2.data.synthetic.train-per-class=8",
            "h2.data.synthetic.test-per-class=4",
            "h2.train.epochs=1",
            "h2.train.batch-size=8");
    H2Trainer trainer =
        new H2Trainer(
            s, TaskDataLoader.load(s.data(), new Configuration()), 0, TrainingListener.NONE);
    trainer.runTask(1);
    trainer.evaluateAll();
    System.out.println("kernels: " + trainer.kernels());
    System.out.println("libraries: " + String.join(",", Loader.getLoadedLibraries().keySet()));
  }

  private List<String> child(String kernels) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-D")) {
        command.add(a); // the ND4J build to load, as surefire's argLine has it
      }
    }
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp"));
    command.add(System.getProperty("java.class.path"));
    command.add(KernelsInAFreshJvmTest.class.getName());
    command.add(dir.resolve(kernels).toString());
    command.add(kernels);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
    assertEquals(0, p.exitValue(), out);
    List<String> lines = Arrays.asList(out.split("\n"));
    String kernelsLine = lines.stream().filter(l -> l.startsWith("kernels: ")).findFirst().get();
    String librariesLine =
        lines.stream().filter(l -> l.startsWith("libraries: ")).findFirst().get();
    List<String> result = new ArrayList<>(List.of(kernelsLine.substring(9)));
    result.addAll(Arrays.asList(librariesLine.substring(11).split(",")));
    return result;
  }

  private static boolean isOneDnn(String library) {
    return library.startsWith("dnnl") || library.startsWith("jnidnnl");
  }

  @Test
  void libnd4jNeverLoadsOneDnnWhereAutoDoes() throws Exception {
    List<String> libnd4j = child("libnd4j");
    assertEquals("libnd4j", libnd4j.get(0));
    assertTrue(libnd4j.contains("jnind4jcpu"), libnd4j.toString()); // it did compute
    assertFalse(libnd4j.stream().anyMatch(KernelsInAFreshJvmTest::isOneDnn), libnd4j.toString());

    List<String> auto = child("auto");
    assertTrue(auto.get(0).startsWith("onednn "), auto.get(0));
    assertTrue(auto.stream().anyMatch(KernelsInAFreshJvmTest::isOneDnn), auto.toString());
  }
}
