package org.h2cl.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One H² training step of ResNet-18 (forward, backward, non-owned gradients zeroed, momentum SGD,
 * free weights held at zero) on a fixed batch, timed like {@code torch_step.py}: after {@code
 * --warmup} steps, {@code --repeats} blocks of {@code --steps} steps; a block's rate is steps·batch
 * / its wall time, and the median block is reported.
 */
final class TrainStepBench {
  private TrainStepBench() {}

  static void run(Bench.Options o, int threads) {
    int width = o.integer("width", 64);
    int batch = o.integer("batch", 128);
    int steps = o.integer("steps", 10);
    int warmup = o.integer("warmup", 2);
    int repeats = o.integer("repeats", 1);
    H2StepFixture f = new H2StepFixture(width, batch, 0, o.kernels(), o.convAlgorithm());
    for (int i = 0; i < warmup; i++) {
      f.step();
    }
    List<Double> rates = new ArrayList<>();
    List<Double> cpuRates = new ArrayList<>();
    List<Double> stepSeconds = new ArrayList<>();
    List<List<Double>> phases = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    double loss = 0;
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      double cpuStart = Bench.processCpuSeconds();
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        loss = f.step();
        stepSeconds.add((System.nanoTime() - t0) / 1e9);
        for (int p = 0; p < 3; p++) {
          phases.get(p).add(f.phaseSeconds[p]);
        }
      }
      rates.add((double) steps * batch / ((System.nanoTime() - start) / 1e9));
      cpuRates.add((double) steps * batch / (Bench.processCpuSeconds() - cpuStart));
    }
    System.out.println(
        new Json()
            .put("bench", "train_step")
            .put("impl", "h2cl")
            .put("kernels", f.net.backend().describe())
            .put("width", width)
            .put("batch", batch)
            .put("threads", threads)
            .put("steps", steps)
            .put("repeats", repeats)
            .put("images_per_s", Bench.median(rates))
            .put("images_per_cpu_s", Bench.median(cpuRates))
            .put("step_s_median", Bench.median(stepSeconds))
            .put("forward_s_median", Bench.median(phases.get(0)))
            .put("backward_s_median", Bench.median(phases.get(1)))
            .put("update_s_median", Bench.median(phases.get(2)))
            .put("loss", loss / batch));
  }
}
