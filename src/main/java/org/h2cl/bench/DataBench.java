package org.h2cl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.h2cl.data.Batch;
import org.h2cl.data.CifarImages;
import org.h2cl.data.TrainBatches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training data pipeline on the trainer's thread, as H2Trainer runs it: a task's images (10 000
 * by default) shuffled, each augmented (flip, pad-crop) and normalised into a {@link Batch}, the
 * batch copied into the ND4J input array. Reports the median images/s of {@code --epochs} epochs.
 */
final class DataBench {
  private DataBench() {}

  static void run(Bench.Options o, int threads) {
    int batchSize = o.integer("batch", 128);
    int count = o.integer("images", 10_000);
    int epochs = o.integer("epochs", 3);
    SplittableRandom rng = new SplittableRandom(0);
    byte[] pixels = new byte[count * CifarImages.IMAGE_BYTES];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rng.nextInt(256);
    }
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) rng.nextInt(2);
    }
    TrainBatches batches = new TrainBatches(new CifarImages(pixels, labels), batchSize);
    Batch batch = new Batch(batchSize);
    INDArray x = Nd4j.createUninitialized(DataType.FLOAT, batchSize, 3, 32, 32);
    float[] staging = new float[batchSize * Batch.IMAGE_FLOATS];
    List<Double> rates = new ArrayList<>();
    for (int e = 0; e < epochs + 1; e++) {
      long start = System.nanoTime();
      batches.startEpoch(rng.split());
      while (batches.next(batch)) {
        if (batch.size() == batchSize) { // the trainer keeps one input array per batch size
          System.arraycopy(batch.x, 0, staging, 0, staging.length);
          x.data().setData(staging);
        }
      }
      if (e > 0) { // the first epoch warms up the JIT
        rates.add(count / ((System.nanoTime() - start) / 1e9));
      }
    }
    System.out.println(
        new Json()
            .put("bench", "data")
            .put("impl", "java")
            .put("batch", batchSize)
            .put("threads", 1)
            .put("images", count)
            .put("epochs", epochs)
            .put("images_per_s", Bench.median(rates)));
  }
}
