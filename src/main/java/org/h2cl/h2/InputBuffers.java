package org.h2cl.h2;

import java.util.HashMap;
import java.util.Map;
import org.h2cl.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J arrays that batches are copied into, one per batch size (full, last partial, single image),
 * allocated once and reused: a batch crosses into native memory as one bulk copy.
 */
final class InputBuffers {
  private static final int IMAGE_FLOATS = 3 * 32 * 32;

  private final Map<Integer, INDArray> images = new HashMap<>();
  private final Map<Integer, float[]> staging = new HashMap<>();
  private final Map<Integer, INDArray> gradLogits = new HashMap<>();

  /** The batch's images as [n, 3, 32, 32]. */
  INDArray of(Batch b) {
    int n = b.size();
    INDArray x =
        images.computeIfAbsent(n, k -> Nd4j.createUninitialized(DataType.FLOAT, k, 3, 32, 32));
    float[] exact = staging.computeIfAbsent(n, k -> new float[k * IMAGE_FLOATS]);
    System.arraycopy(b.x, 0, exact, 0, exact.length);
    x.data().setData(exact);
    return x;
  }

  /** A buffer shaped like the logits of an n-image batch, for dL/dlogits. */
  INDArray gradLogits(int n, INDArray logits) {
    return gradLogits.computeIfAbsent(
        n, k -> Nd4j.createUninitialized(logits.dataType(), logits.shape()));
  }
}
