package org.h2cl.model.libnd4j;

import java.util.ArrayList;
import java.util.List;
import org.h2cl.model.BasicBlock;
import org.h2cl.model.ResNet18;
import org.h2cl.model.Trunk;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ResNet18}'s trunk on libnd4j's ops (package doc): stem conv → BN (+ReLU), the residual
 * blocks, global average pooling, each a step with its buffers allocated once for the largest batch
 * seen.
 */
final class Libnd4jTrunk implements Trunk {
  private final ConvStep stem;
  private final BnStep stemBn;
  private final boolean stemRelu;
  private final List<BlockStep> blocks = new ArrayList<>();
  private final PoolStep pool;

  Libnd4jTrunk(ResNet18 net) {
    this.stem = new ConvStep(net.stem());
    this.stemBn = new BnStep(net.stemBn(), net.dataType);
    this.stemRelu = net.stemRelu;
    for (BasicBlock b : net.blocks()) {
      blocks.add(new BlockStep(b, net.dataType));
    }
    this.pool = new PoolStep(net.dataType);
  }

  @Override
  public INDArray forward(INDArray x, boolean training) {
    INDArray h = stemBn.forward(stem.forward(x), training);
    if (stemRelu) {
      Ops.reluInPlace(h);
    }
    for (BlockStep b : blocks) {
      h = b.forward(h, training);
    }
    return pool.forward(h);
  }

  @Override
  public void backward(INDArray gradFeatures) {
    INDArray g = pool.backward(gradFeatures);
    for (int i = blocks.size() - 1; i >= 0; i--) {
      g = blocks.get(i).backward(g);
    }
    if (stemRelu) {
      Ops.reluBackward(stemBn.output(), g, g);
    }
    stem.backward(stemBn.backward(g), false);
  }
}
