package org.h2cl.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A batch-shaped buffer shared by every batch size: allocated for the largest batch seen, a smaller
 * batch (the last partial one, an evaluation batch, a single Fisher image) gets a view of its first
 * n samples, which is contiguous from offset 0. So each layer holds one activation-sized buffer per
 * role instead of one per batch size (a full-width seed's peak memory, BENCHMARKS.md).
 */
public final class BatchBuffer {
  private final DataType type;
  private INDArray full;
  private final Map<Integer, INDArray> views = new HashMap<>();

  public BatchBuffer(DataType type) {
    this.type = type;
  }

  /** A buffer of the given shape, shape[0] being the batch size; contents undefined. */
  public INDArray get(long... shape) {
    int n = Math.toIntExact(shape[0]);
    if (full == null
        || full.size(0) < n
        || !Arrays.equals(
            Arrays.copyOfRange(full.shape(), 1, full.rank()),
            Arrays.copyOfRange(shape, 1, shape.length))) {
      full = Nd4j.createUninitialized(type, shape);
      views.clear();
    }
    if (n == full.size(0)) {
      return full;
    }
    return views.computeIfAbsent(n, this::firstSamples);
  }

  private INDArray firstSamples(int n) {
    INDArrayIndex[] index = new INDArrayIndex[full.rank()];
    index[0] = NDArrayIndex.interval(0, n);
    for (int d = 1; d < index.length; d++) {
      index[d] = NDArrayIndex.all();
    }
    return full.get(index);
  }
}
