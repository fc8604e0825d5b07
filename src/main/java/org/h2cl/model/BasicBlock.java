package org.h2cl.model;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * conv3x3 → BN → ReLU → conv3x3 → BN, plus the shortcut (identity, or conv1x1 → BN when the shape
 * changes), then ReLU (H2-SPEC §2). Its forward and backward run on libnd4j ({@link Nd4jTrunk}).
 */
public final class BasicBlock {
  public final ConvLayer conv1;
  public final BatchNormLayer bn1;
  public final ConvLayer conv2;
  public final BatchNormLayer bn2;

  /** Null for the identity shortcut. */
  public final ConvLayer shortcutConv;

  public final BatchNormLayer shortcutBn;

  private INDArray hidden;
  private INDArray output;

  BasicBlock(
      String name,
      int in,
      int out,
      int stride,
      DataType dt,
      List<ConvLayer> convs,
      List<BatchNormLayer> bns) {
    conv1 = add(convs, new ConvLayer(name + ".conv1", in, out, 3, stride, dt));
    bn1 = add(bns, new BatchNormLayer(bns.size(), out, dt));
    conv2 = add(convs, new ConvLayer(name + ".conv2", out, out, 3, 1, dt));
    bn2 = add(bns, new BatchNormLayer(bns.size(), out, dt));
    if (stride != 1 || in != out) {
      shortcutConv = add(convs, new ConvLayer(name + ".shortcut", in, out, 1, stride, dt));
      shortcutBn = add(bns, new BatchNormLayer(bns.size(), out, dt));
    } else {
      shortcutConv = null;
      shortcutBn = null;
    }
  }

  private static <T> T add(List<T> list, T item) {
    list.add(item);
    return item;
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
