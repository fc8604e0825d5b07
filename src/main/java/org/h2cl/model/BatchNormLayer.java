package org.h2cl.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNorm over the channels of an NCHW array, with PyTorch's semantics (H2-SPEC §2): the batch is
 * normalised with the biased variance, running statistics move by 0.1 towards the batch mean and
 * the unbiased batch variance. Its parameters live in a task's {@link BnBank}, selected per pass.
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
  private final INDArray gradMean;
  private final INDArray gradVar;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private INDArray lastInput;
  private INDArray lastOutput;
  private boolean lastTraining;
  private BnBank bank;

  BatchNormLayer(int index, int channels, DataType dtype) {
    this.index = index;
    this.channels = channels;
    this.gradGamma = Nd4j.zeros(dtype, channels);
    this.gradBeta = Nd4j.zeros(dtype, channels);
    this.batchMean = Nd4j.zeros(dtype, channels);
    this.batchVar = Nd4j.zeros(dtype, channels);
    this.gradMean = Nd4j.zeros(dtype, channels);
    this.gradVar = Nd4j.zeros(dtype, channels);
    this.output = new BatchBuffer(dtype);
    this.inputGrad = new BatchBuffer(dtype);
  }

  void use(BnBank bank) {
    this.bank = bank;
  }

  /**
   * Training mode normalises with the batch statistics and updates the bank's running statistics;
   * inference mode normalises with the running statistics.
   */
  INDArray forward(INDArray x, boolean training) {
    lastInput = x;
    lastTraining = training;
    INDArray y = output.get(x.shape());
    INDArray gamma = bank.gamma[index];
    INDArray beta = bank.beta[index];
    if (training) {
      Ops.batchNormTraining(x, gamma, beta, y, batchMean, batchVar, EPS);
      updateRunningStatistics(x.length() / channels);
    } else {
      Ops.batchNorm(x, bank.runningMean[index], bank.runningVar[index], gamma, beta, y, EPS);
    }
    lastOutput = y;
    return y;
  }

  /**
   * Moves the bank's running statistics towards {@link #batchMean()} and {@link #batchVar()} of a
   * batch of n values per channel: r ← (1 − m)·r + m·batch statistic, with the unbiased variance as
   * PyTorch feeds it in.
   */
  public void updateRunningStatistics(long n) {
    Ops.lerp(bank.runningMean[index], batchMean, MOMENTUM, 1.0);
    Ops.lerp(bank.runningVar[index], batchVar, MOMENTUM, n > 1 ? (double) n / (n - 1) : 1.0);
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

  /** The output buffer of the last forward pass (ReLUs may have changed it in place). */
  INDArray forwardOutput() {
    return lastOutput;
  }

  /** Returns dL/dx; in training mode also fills {@link #gradGamma} and {@link #gradBeta}. */
  INDArray backward(INDArray gradOut) {
    INDArray gIn = inputGrad.get(lastInput.shape());
    if (lastTraining) {
      Ops.batchNormBackward(
          lastInput,
          batchMean,
          batchVar,
          bank.gamma[index],
          bank.beta[index],
          gradOut,
          gIn,
          gradMean,
          gradVar,
          gradGamma,
          gradBeta,
          EPS);
    } else {
      // Inference mode is a per-channel affine map: dy/dx = gamma / sqrt(runningVar + eps).
      Ops.batchNormInferenceBackward(gradOut, bank.runningVar[index], bank.gamma[index], gIn, EPS);
    }
    return gIn;
  }
}
