package org.h2cl.bench;

import java.util.ArrayList;
import java.util.List;
import org.h2cl.compute.Backends;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.Phase;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Wall time of real training through SeedRunner (no Spark). {@code --what seed}: one whole seed of
 * {@code --conf} (default conf/quickstart.conf). {@code --what epoch}: the first training epoch of
 * task 1 at the paper's settings (width 64, batch 128) on a full-size task of 10 000 generated
 * CIFAR-format images; the run stops after that epoch.
 */
final class EndToEndBench {
  /** Full-size generated CIFAR (5 000 train and 1 000 test images per class), under data/. */
  static final List<String> FULL_SIZE_SYNTHETIC =
      List.of(
          "h2.data.source=synthetic",
          "h2.data.uri=data/synthetic-cifar-full",
          "h2.data.synthetic.train-per-class=5000",
          "h2.data.synthetic.test-per-class=1000");

  private EndToEndBench() {}

  static void run(Bench.Options o, int threads) {
    String what = o.string("what", "seed");
    List<String> overrides =
        new ArrayList<>(List.of("h2.seeds=[0]", "h2.compute.threads=" + threads));
    overrides.addAll(o.computeOverrides());
    if (what.equals("seed")) {
      String conf = o.string("conf", "conf/quickstart.conf");
      H2Settings s = SeedRun.settings(conf, overrides);
      long start = System.nanoTime();
      SeedResult r = SeedRun.run(s, TrainingListener.NONE);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.println(
          new Json()
              .put("bench", "end_to_end")
              .put("what", "seed")
              .put("conf", conf)
              .put("width", s.model().baseWidth())
              .put("batch", s.train().batchSize())
              .put("threads", threads)
              .put("kernels", r.kernels())
              .put("tasks", r.tasks().size())
              .put("seconds", seconds)
              .put("peak_rss_bytes", Bench.peakRssBytes()));
    } else if (what.equals("epoch")) {
      overrides.addAll(FULL_SIZE_SYNTHETIC);
      H2Settings s = SeedRun.settings(null, overrides);
      double[] seconds = {Double.NaN};
      TrainingListener stopAfterFirstEpoch =
          new TrainingListener() {
            @Override
            public void epochEnded(EpochEnd e) {
              if (e.phase() == Phase.TRAIN) {
                seconds[0] = e.seconds();
                throw new StopRun();
              }
            }
          };
      try {
        SeedRun.run(s, stopAfterFirstEpoch);
      } catch (StopRun expected) {
        // the epoch is timed; the rest of the seed is not needed
      }
      int images = s.data().classesPerTask() * s.data().syntheticTrainPerClass();
      System.out.println(
          new Json()
              .put("bench", "end_to_end")
              .put("what", "epoch")
              .put("width", s.model().baseWidth())
              .put("batch", s.train().batchSize())
              .put("threads", threads)
              .put(
                  "kernels",
                  Backends.choose(
                          o.kernels(), DataType.FLOAT, s.model().baseWidth(), o.convAlgorithm())
                      .describe())
              .put("images", images)
              .put("seconds", seconds[0])
              .put("images_per_s", images / seconds[0]));
    } else {
      throw new IllegalArgumentException("--what seed|epoch, got " + what);
    }
  }

  /** Ends a run early from inside a listener. */
  static final class StopRun extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopRun() {
      super(null, null, false, false);
    }
  }
}
