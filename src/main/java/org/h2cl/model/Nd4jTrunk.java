package org.h2cl.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The trunk on libnd4j's ops with preallocated buffers (cuDNN on the CUDA backend). */
final class Nd4jTrunk implements Trunk {
  private final ConvLayer stem;
  private final BatchNormLayer stemBn;
  private final boolean stemRelu;
  private final List<BasicBlock> blocks;
  private final BatchBuffer pooledBuffer;
  private final BatchBuffer featureGradBuffer;
  private INDArray trunkOut;

  Nd4jTrunk(ResNet18 net) {
    this.stem = net.stem();
    this.stemBn = net.stemBn();
    this.stemRelu = net.stemRelu;
    this.blocks = net.blocks();
    this.pooledBuffer = new BatchBuffer(net.dataType);
    this.featureGradBuffer = new BatchBuffer(net.dataType);
  }

  @Override
  public INDArray forward(INDArray x, boolean training) {
    INDArray h = stemBn.forward(stem.forward(x), training);
    if (stemRelu) {
      Ops.reluInPlace(h);
    }
    for (BasicBlock b : blocks) {
      h = b.forward(h, training);
    }
    trunkOut = h;
    INDArray pooled = pooledBuffer.get(h.size(0), h.size(1));
    Ops.globalAveragePool(h, pooled);
    return pooled;
  }

  @Override
  public void backward(INDArray gradFeatures) {
    INDArray g = featureGradBuffer.get(trunkOut.shape());
    Ops.globalAveragePoolBackward(gradFeatures, g);
    for (int i = blocks.size() - 1; i >= 0; i--) {
      g = blocks.get(i).backward(g);
    }
    if (stemRelu) {
      Ops.reluBackward(stemBn.forwardOutput(), g, g);
    }
    stem.backward(stemBn.backward(g), false);
  }
}
