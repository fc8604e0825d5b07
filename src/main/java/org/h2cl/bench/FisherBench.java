package org.h2cl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.ResNet18;
import org.h2cl.model.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One Fisher estimate as H2Trainer makes it (docs/ALGORITHM.md §5.3): {@code --samples} (30)
 * single-image forward/backward passes with BN in inference mode, each conv layer's squared
 * gradient added to a per-layer sum. Reports the median wall time of {@code --repeats} estimates.
 */
final class FisherBench {
  private FisherBench() {}

  static void run(Bench.Options o, int threads) {
    int width = o.integer("width", 64);
    int samples = o.integer("samples", 30);
    int warmup = o.integer("warmup", 1);
    int repeats = o.integer("repeats", 3);
    H2StepFixture f = new H2StepFixture(width, 1, 0, o.kernels(), o.convAlgorithm());
    SplittableRandom rng = new SplittableRandom(1);
    INDArray[] images = new INDArray[samples];
    int[][] labels = new int[samples][];
    for (int i = 0; i < samples; i++) {
      float[] px = new float[3 * ResNet18.IMAGE * ResNet18.IMAGE];
      for (int j = 0; j < px.length; j++) {
        px[j] = (float) rng.nextDouble(); // raw pixels in [0, 1], as the reference feeds them
      }
      images[i] = Nd4j.createFromArray(px).reshape(1, 3, ResNet18.IMAGE, ResNet18.IMAGE);
      labels[i] = new int[] {rng.nextInt(2)};
    }
    List<ConvLayer> convs = f.net.convs();
    INDArray[] sum = new INDArray[convs.size()];
    for (int l = 0; l < sum.length; l++) {
      sum[l] = Nd4j.zeros(f.net.dataType, convs.get(l).weight.shape());
    }
    INDArray gradLogits = Nd4j.zeros(f.net.dataType, 1, 2);
    List<Double> seconds = new ArrayList<>();
    List<Double> cpuSeconds = new ArrayList<>();
    for (int r = 0; r < warmup + repeats; r++) {
      long start = System.nanoTime();
      double cpuStart = Bench.processCpuSeconds();
      for (INDArray s : sum) {
        s.assign(0);
      }
      for (int i = 0; i < samples; i++) {
        INDArray z = f.net.forward(images[i], false);
        SoftmaxCrossEntropy.lossAndGradient(z, labels[i], gradLogits);
        f.net.backward(gradLogits);
        for (int l = 0; l < sum.length; l++) {
          INDArray g = convs.get(l).grad;
          g.muli(g);
          sum[l].addi(g);
        }
      }
      if (r >= warmup) {
        seconds.add((System.nanoTime() - start) / 1e9);
        cpuSeconds.add(Bench.processCpuSeconds() - cpuStart);
      }
    }
    System.out.println(
        new Json()
            .put("bench", "fisher")
            .put("impl", "h2cl")
            .put("kernels", f.net.backend().describe())
            .put("width", width)
            .put("batch", 1)
            .put("threads", threads)
            .put("samples", samples)
            .put("repeats", repeats)
            .put("seconds", Bench.median(seconds))
            .put("cpu_seconds", Bench.median(cpuSeconds)));
  }
}
