package org.h2cl.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The part of {@link ResNet18} before the heads: stem, residual blocks and global average pooling,
 * computed by the network's {@link Backend} on the network's parameters: {@code
 * model.libnd4j.Libnd4jTrunk} (libnd4j's ops; every backend and data type) or {@code
 * model.onednn.OneDnnTrunk} (oneDNN called directly; CPU, float32, several times faster).
 */
public interface Trunk {
  /**
   * Pooled features [n, features] of a batch x [n, 3, 32, 32]; training = BatchNorm on batch
   * statistics (and running statistics updated), else on running statistics. The returned array is
   * the trunk's buffer, valid until the next forward pass.
   */
  INDArray forward(INDArray x, boolean training);

  /**
   * Backward pass of the last forward pass from dL/d(pooled features): fills every conv layer's
   * {@link ConvLayer#grad} and, after a training-mode forward pass, the BatchNorm layers' gamma and
   * beta gradients.
   */
  void backward(INDArray gradFeatures);
}
