package org.h2cl.bench;

import org.bytedeco.dnnl.global.dnnl;
import org.h2cl.model.Kernels;

/**
 * Where a training step's time goes on the oneDNN trunk: after {@code --warmup} steps, one step
 * with oneDNN's verbose mode on, which prints one line per primitive executed with its time. {@code
 * submit/bench.sh profile} pipes this through {@code src/bench/python/onednn_profile.py}, which
 * sums the lines per kind of primitive. Diagnosis only.
 */
final class ProfileBench {
  private ProfileBench() {}

  static void run(Bench.Options o, int threads) {
    int width = o.integer("width", 64);
    int batch = o.integer("batch", 128);
    H2StepFixture f = new H2StepFixture(width, batch, 0, Kernels.ONEDNN, o.convAlgorithm());
    for (int i = 0; i < o.integer("warmup", 2); i++) {
      f.step();
    }
    dnnl.set_verbose(1);
    long start = System.nanoTime();
    f.step();
    double seconds = (System.nanoTime() - start) / 1e9;
    dnnl.set_verbose(0);
    System.out.println(
        new Json()
            .put("bench", "profile")
            .put("kernels", f.net.backend().describe())
            .put("width", width)
            .put("batch", batch)
            .put("threads", threads)
            .put("step_seconds", seconds));
  }
}
