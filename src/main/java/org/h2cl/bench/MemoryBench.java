package org.h2cl.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.Pointer;
import org.h2cl.config.H2Settings;
import org.h2cl.data.TaskData;
import org.h2cl.data.TaskDataLoader;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TrainingListener;

/**
 * Peak resident memory (heap + off-heap + native libraries: the process's VmHWM) of one seed at
 * full width (64) and batch 128 through every phase of all five tasks. So that it takes minutes,
 * the seed uses {@code --train-per-class} (72) and {@code --test-per-class} (104) images per class
 * and one epoch per phase; the full-size data set (50 000 + 10 000 generated CIFAR-format images)
 * is loaded into the same JVM first and kept, as a real run holds it. Network buffers, optimizer
 * state, masks, Fisher sums, scratch copies and checkpoints do not depend on the number of images
 * or epochs.
 */
final class MemoryBench {
  private MemoryBench() {}

  static void run(Bench.Options o, int threads) {
    // 2 x 72 = 128 + 16 and 2 x 104 = 128 + 80: the same last partial batches as a full task's
    // 10 000 training and 2 000 test images, so every batch size a real run sees occurs.
    int trainPerClass = o.integer("train-per-class", 72);
    int testPerClass = o.integer("test-per-class", 104);
    H2Settings full = SeedRun.settings(null, new ArrayList<>(EndToEndBench.FULL_SIZE_SYNTHETIC));
    List<TaskData> held = TaskDataLoader.load(full.data(), new Configuration());
    List<String> overrides = new ArrayList<>(EndToEndBench.FULL_SIZE_SYNTHETIC);
    overrides.addAll(
        List.of(
            "h2.seeds=[0]",
            "h2.compute.threads=" + threads,
            "h2.data.train-per-class=" + trainPerClass,
            "h2.data.test-per-class=" + testPerClass,
            "h2.train.epochs=1",
            "h2.retrain.epochs=1",
            "h2.association.epochs=1",
            "h2.association.warmup-epochs=0"));
    overrides.addAll(o.computeOverrides());
    H2Settings s = SeedRun.settings(null, overrides);
    long start = System.nanoTime();
    SeedResult r = SeedRun.run(s, TrainingListener.NONE);
    double seconds = (System.nanoTime() - start) / 1e9;
    Runtime rt = Runtime.getRuntime();
    System.out.println(
        new Json()
            .put("bench", "memory")
            .put("width", s.model().baseWidth())
            .put("batch", s.train().batchSize())
            .put("threads", threads)
            .put("kernels", r.kernels())
            .put("tasks", r.tasks().size())
            .put(
                "data_images_held",
                held.stream().mapToInt(t -> t.train().size() + t.test().size()).sum())
            .put("bytes", Bench.peakRssBytes())
            .put("heap_committed_bytes", rt.totalMemory())
            .put("heap_max_bytes", rt.maxMemory())
            .put("javacpp_physical_bytes", Pointer.physicalBytes())
            .put("javacpp_total_bytes", Pointer.totalBytes())
            .put("seconds", seconds));
  }
}
