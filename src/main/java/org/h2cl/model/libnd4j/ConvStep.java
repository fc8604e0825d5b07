package org.h2cl.model.libnd4j;

import org.h2cl.model.BatchBuffer;
import org.h2cl.model.ConvLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One {@link ConvLayer} on libnd4j's conv2d: its output and input-gradient buffers (shared by every
 * batch size), and the weight gradient written into {@link ConvLayer#grad}.
 */
final class ConvStep {
  private final ConvLayer layer;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private INDArray lastInput;

  ConvStep(ConvLayer layer) {
    this.layer = layer;
    this.output = new BatchBuffer(layer.weight.dataType());
    this.inputGrad = new BatchBuffer(layer.weight.dataType());
  }

  INDArray forward(INDArray x) {
    lastInput = x;
    long h = layer.outputSize(x.size(2));
    long w = layer.outputSize(x.size(3));
    INDArray y = output.get(x.size(0), layer.out, h, w);
    Ops.conv2d(x, layer.effectiveWeight(), y, layer.kernel, layer.stride, layer.pad);
    return y;
  }

  /** Fills the layer's grad; returns dL/dx, or null when {@code needInputGrad} is false. */
  INDArray backward(INDArray gradOut, boolean needInputGrad) {
    INDArray gIn = needInputGrad ? inputGrad.get(lastInput.shape()) : null;
    Ops.conv2dBackward(
        lastInput,
        layer.effectiveWeight(),
        gradOut,
        gIn,
        layer.grad,
        layer.kernel,
        layer.stride,
        layer.pad);
    return gIn;
  }
}
