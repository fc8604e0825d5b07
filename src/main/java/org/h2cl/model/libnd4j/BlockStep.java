package org.h2cl.model.libnd4j;

import org.h2cl.model.BasicBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One {@link BasicBlock} on libnd4j: conv1 → BN → ReLU → conv2 → BN, the shortcut (identity, or
 * conv1×1 → BN), then add and ReLU in place. Backward: the ReLU's mask on the output gradient, both
 * paths, and the two input gradients summed.
 */
final class BlockStep {
  private final ConvStep conv1;
  private final BnStep bn1;
  private final ConvStep conv2;
  private final BnStep bn2;

  /** Null for the identity shortcut. */
  private final ConvStep shortcutConv;

  private final BnStep shortcutBn;
  private INDArray hidden;
  private INDArray output;

  BlockStep(BasicBlock block, DataType type) {
    conv1 = new ConvStep(block.conv1);
    bn1 = new BnStep(block.bn1, type);
    conv2 = new ConvStep(block.conv2);
    bn2 = new BnStep(block.bn2, type);
    shortcutConv = block.shortcutConv == null ? null : new ConvStep(block.shortcutConv);
    shortcutBn = block.shortcutBn == null ? null : new BnStep(block.shortcutBn, type);
  }

  INDArray forward(INDArray x, boolean training) {
    hidden = bn1.forward(conv1.forward(x), training);
    Ops.reluInPlace(hidden);
    output = bn2.forward(conv2.forward(hidden), training);
    INDArray shortcut =
        shortcutConv == null ? x : shortcutBn.forward(shortcutConv.forward(x), training);
    output.addi(shortcut);
    Ops.reluInPlace(output);
    return output;
  }

  /** gradOut is consumed (overwritten); returns dL/dx. */
  INDArray backward(INDArray gradOut) {
    Ops.reluBackward(output, gradOut, gradOut);
    INDArray g = conv2.backward(bn2.backward(gradOut), true);
    Ops.reluBackward(hidden, g, g);
    INDArray gradIn = conv1.backward(bn1.backward(g), true);
    if (shortcutConv == null) {
      gradIn.addi(gradOut);
    } else {
      gradIn.addi(shortcutConv.backward(shortcutBn.backward(gradOut), true));
    }
    return gradIn;
  }
}
