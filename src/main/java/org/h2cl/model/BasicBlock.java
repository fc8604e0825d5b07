package org.h2cl.model;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * conv3x3 → BN → ReLU → conv3x3 → BN, plus the shortcut (identity, or conv1x1 → BN when the shape
 * changes), then ReLU (docs/ALGORITHM.md §2): the block's layers, which the backend's trunk runs.
 */
public final class BasicBlock {
  public final ConvLayer conv1;
  public final BatchNormLayer bn1;
  public final ConvLayer conv2;
  public final BatchNormLayer bn2;

  /** Null for the identity shortcut. */
  public final ConvLayer shortcutConv;

  public final BatchNormLayer shortcutBn;

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
}
