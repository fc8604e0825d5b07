package org.h2cl.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bias-free square convolution whose weights are maskable (docs/ALGORITHM.md §2): the forward
 * pass sees {@code weight ⊙ activeMask}, and the backward pass yields the gradient with respect to
 * that effective weight. Which weights may then move is the trainer's business. This class holds
 * the layer's arrays; the backend's trunk computes with them.
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
  }

  public long size() {
    return weight.length();
  }

  /** in * k * k, the fan-in of PyTorch's default initialisation. */
  public int fanIn() {
    return in * kernel * kernel;
  }

  /** Output height (and width) for an input of height h. */
  public long outputSize(long h) {
    return (h + 2L * pad - kernel) / stride + 1;
  }

  /** Weights outside the mask count as zero in the forward pass; null means all are active. */
  void setActiveMask(INDArray mask) {
    this.activeMask = mask;
  }

  /** Recomputes the effective weight; call after the weights or the mask changed. */
  void refresh() {
    if (activeMask == null) {
      effective.assign(weight);
    } else {
      weight.mul(activeMask, effective);
    }
    effectiveVersion++;
  }

  /**
   * One step of the optimizer on the weights from {@link #grad}, where {@code trainable} is 1, with
   * the effective weight recomputed in the same pass.
   */
  void step(MaskedUpdate update, INDArray trainable, INDArray velocity, double lr, double mu) {
    update.step(weight, grad, trainable, velocity, lr, mu, effective, activeMask);
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
}
