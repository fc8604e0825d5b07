package org.h2cl.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One task's BatchNorm parameters and running statistics for every BN layer of the network
 * (docs/ALGORITHM.md §3: BN is per task, never masked).
 */
public final class BnBank {
  public final INDArray[] gamma;
  public final INDArray[] beta;
  public final INDArray[] runningMean;
  public final INDArray[] runningVar;

  /** gamma = 1, beta = 0, running mean 0, running variance 1, as PyTorch initialises them. */
  public BnBank(int[] channels, DataType dtype) {
    int n = channels.length;
    gamma = new INDArray[n];
    beta = new INDArray[n];
    runningMean = new INDArray[n];
    runningVar = new INDArray[n];
    for (int i = 0; i < n; i++) {
      gamma[i] = Nd4j.ones(dtype, channels[i]);
      beta[i] = Nd4j.zeros(dtype, channels[i]);
      runningMean[i] = Nd4j.zeros(dtype, channels[i]);
      runningVar[i] = Nd4j.ones(dtype, channels[i]);
    }
  }

  /** A fresh bank (gamma = 1, beta = 0) whose running statistics start from {@code previous}'s. */
  public static BnBank continuing(BnBank previous) {
    BnBank b = new BnBank(previous.channels(), previous.dataType());
    for (int i = 0; i < b.size(); i++) {
      b.runningMean[i].assign(previous.runningMean[i]);
      b.runningVar[i].assign(previous.runningVar[i]);
    }
    return b;
  }

  public BnBank copy() {
    BnBank b = new BnBank(channels(), dataType());
    for (int i = 0; i < size(); i++) {
      b.gamma[i].assign(gamma[i]);
      b.beta[i].assign(beta[i]);
      b.runningMean[i].assign(runningMean[i]);
      b.runningVar[i].assign(runningVar[i]);
    }
    return b;
  }

  public DataType dataType() {
    return gamma[0].dataType();
  }

  public int size() {
    return gamma.length;
  }

  public int[] channels() {
    int[] c = new int[size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = (int) gamma[i].length();
    }
    return c;
  }
}
