package org.h2cl.model.libnd4j;

import org.h2cl.model.BatchBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Global average pooling of the last block's output into [n, C] features, and its backward. */
final class PoolStep {
  private final BatchBuffer pooled;
  private final BatchBuffer inputGrad;
  private long[] inputShape;

  PoolStep(DataType type) {
    this.pooled = new BatchBuffer(type);
    this.inputGrad = new BatchBuffer(type);
  }

  /** The features of x [n, C, H, W]; the buffer is valid until the next forward pass. */
  INDArray forward(INDArray x) {
    inputShape = x.shape();
    INDArray out = pooled.get(x.size(0), x.size(1));
    Ops.globalAveragePool(x, out);
    return out;
  }

  /** dL/dx of the last forward pass from dL/dfeatures. */
  INDArray backward(INDArray gradFeatures) {
    INDArray g = inputGrad.get(inputShape);
    Ops.globalAveragePoolBackward(gradFeatures, g);
    return g;
  }
}
