package org.h2cl.model;

import org.h2cl.model.onednn.MaskedMomentumStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bias-free square convolution whose weights are maskable (H2-SPEC §2): the forward pass sees
 * {@code weight ⊙ activeMask}, and the backward pass yields the gradient with respect to that
 * effective weight. Which weights may then move is the trainer's business.
 */
public final class ConvLayer {
  public final String name;
  public final int in;
  public final int out;
  public final int kernel;
  public final int stride;
  public final int pad;

  /** The one copy of the weights, [out, in, k, k]. */
  public final INDArray weight;

  /** dL/d(effective weight) of the last backward pass. */
  public final INDArray grad;

  private final INDArray effective;
  private long effectiveVersion;
  private INDArray activeMask;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private INDArray lastInput;

  ConvLayer(String name, int in, int out, int kernel, int stride, DataType dtype) {
    this.name = name;
    this.in = in;
    this.out = out;
    this.kernel = kernel;
    this.stride = stride;
    this.pad = kernel / 2;
    long[] shape = {out, in, kernel, kernel};
    this.weight = Nd4j.zeros(dtype, shape);
    this.grad = Nd4j.zeros(dtype, shape);
    this.effective = Nd4j.zeros(dtype, shape);
    this.output = new BatchBuffer(dtype);
    this.inputGrad = new BatchBuffer(dtype);
  }

  public long size() {
    return weight.length();
  }

  /** in * k * k, the fan-in of PyTorch's default initialisation. */
  public int fanIn() {
    return in * kernel * kernel;
  }

  /** Weights outside the mask count as zero in the forward pass; null means all are active. */
  public void setActiveMask(INDArray mask) {
    this.activeMask = mask;
  }

  /** Recomputes the effective weight; call after the weights or the mask changed. */
  public void refresh() {
    if (activeMask == null) {
      effective.assign(weight);
    } else {
      Ops.mul(weight, activeMask, effective);
    }
    effectiveVersion++;
  }

  /** weight ⊙ activeMask as of the last {@link #refresh} or optimizer step: what the conv sees. */
  public INDArray effectiveWeight() {
    return effective;
  }

  /**
   * Changes whenever {@link #effectiveWeight} does, so kernels that keep their own copy of it in
   * another layout know when to copy again.
   */
  public long effectiveVersion() {
    return effectiveVersion;
  }

  /**
   * One momentum-SGD step of the weights from {@link #grad}, only where {@code trainable} is 1
   * (null: everywhere), with the effective weight recomputed in the same pass; on oneDNN's
   * element-wise kernels when given them (and both masks are set), else on {@link Ops}.
   */
  void momentumStep(
      INDArray trainable,
      INDArray velocity,
      double lr,
      double momentum,
      MaskedMomentumStep onOneDnn) {
    if (onOneDnn != null && trainable != null && activeMask != null) {
      onOneDnn.step(weight, grad, trainable, velocity, lr, momentum, effective, activeMask);
    } else {
      Ops.momentumStep(weight, grad, trainable, velocity, lr, momentum, effective, activeMask);
    }
    effectiveVersion++;
  }

  INDArray forward(INDArray x) {
    lastInput = x;
    long n = x.size(0);
    long h = (x.size(2) + 2L * pad - kernel) / stride + 1;
    long w = (x.size(3) + 2L * pad - kernel) / stride + 1;
    INDArray y = output.get(n, out, h, w);
    Ops.conv2d(x, effective, y, kernel, stride, pad);
    return y;
  }

  /** Fills {@link #grad}; returns dL/dx, or null when {@code needInputGrad} is false. */
  INDArray backward(INDArray gradOut, boolean needInputGrad) {
    INDArray gIn = null;
    if (needInputGrad) {
      gIn = inputGrad.get(lastInput.shape());
    }
    Ops.conv2dBackward(lastInput, effective, gradOut, gIn, grad, kernel, stride, pad);
    return gIn;
  }
}
