package org.h2cl.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNorm over the channels of an NCHW array, with PyTorch's semantics (docs/ALGORITHM.md §2):
 * the batch is normalised with the biased variance, running statistics move by {@link #MOMENTUM}
 * towards the batch mean and the unbiased batch variance ({@link #unbiasedFactor}). Its parameters
 * live in a task's {@link BnBank}, selected per pass; this class holds the layer's gradients and
 * the last batch's statistics, which the backend's trunk writes.
 */
public final class BatchNormLayer {
  public static final double EPS = 1e-5;
  public static final double MOMENTUM = 0.1;

  public final int channels;
  final int index;

  /** dL/dgamma and dL/dbeta of the last training-mode backward pass. */
  public final INDArray gradGamma;

  public final INDArray gradBeta;

  private final INDArray batchMean;
  private final INDArray batchVar;
  private BnBank bank;

  BatchNormLayer(int index, int channels, DataType dtype) {
    this.index = index;
    this.channels = channels;
    this.gradGamma = Nd4j.zeros(dtype, channels);
    this.gradBeta = Nd4j.zeros(dtype, channels);
    this.batchMean = Nd4j.zeros(dtype, channels);
    this.batchVar = Nd4j.zeros(dtype, channels);
  }

  void use(BnBank bank) {
    this.bank = bank;
  }

  /**
   * n/(n − 1): what turns the biased variance of a batch of n values per channel into the unbiased
   * one the running variance moves towards (1 for a single value, as PyTorch does).
   */
  public static double unbiasedFactor(long n) {
    return n > 1 ? (double) n / (n - 1) : 1.0;
  }

  /** Mean of the last training-mode batch, per channel. */
  public INDArray batchMean() {
    return batchMean;
  }

  /** Biased variance of the last training-mode batch, per channel. */
  public INDArray batchVar() {
    return batchVar;
  }

  /** The current task's gamma for this layer. */
  public INDArray gamma() {
    return bank.gamma[index];
  }

  public INDArray beta() {
    return bank.beta[index];
  }

  public INDArray runningMean() {
    return bank.runningMean[index];
  }

  public INDArray runningVar() {
    return bank.runningVar[index];
  }
}
