package org.h2cl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code submit/gpu-check.sh} for real, on ND4J's CUDA build: on a machine without NVIDIA's driver
 * it says in one line that CUDA's libraries did not load and exits 3; on one with it, every GPU
 * agrees with the CPU. Tagged {@code cuda} and left out of {@code mvn verify} and CI, since it
 * needs the CUDA build (about 600 MB) in the local Maven repository: {@code mvn -B -Pcuda
 * dependency:resolve} once, then {@code mvn -B -o test -Dtest.excludedGroups= -Dgroups=cuda}.
 */
@Tag("cuda")
class GpuCheckScriptTest {

  @Test
  void theScriptSaysWhetherThisMachineHasAGpu() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash", "submit/gpu-check.sh", "--width", "16", "--batch", "4", "--steps", "1")
            .redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), out);
    if (Files.exists(Path.of("/proc/driver/nvidia/version"))) {
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("\n  cuda:0 "), out);
      assertTrue(out.contains("gpu-check: ok: "), out);
    } else {
      assertEquals(3, p.exitValue(), out);
      assertTrue(
          out.startsWith(
              "no GPU: CUDA's libraries did not load (libcuda.so.1: cannot open shared object"
                  + " file"),
          out);
      assertEquals(1, out.strip().lines().count(), out);
    }
  }
}
