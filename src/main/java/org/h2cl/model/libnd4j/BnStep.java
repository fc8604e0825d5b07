package org.h2cl.model.libnd4j;

import org.h2cl.model.BatchBuffer;
import org.h2cl.model.BatchNormLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One {@link BatchNormLayer} on libnd4j's ops (and the CPU's {@link NchwKernels}). Training mode
 * normalises with the batch statistics, writes them into the layer's batch mean and variance and
 * moves the bank's running statistics; inference mode normalises with the running statistics.
 */
final class BnStep {
  private static final double EPS = BatchNormLayer.EPS;

  private final BatchNormLayer layer;
  private final INDArray gradMean;
  private final INDArray gradVar;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private INDArray lastInput;
  private INDArray lastOutput;
  private boolean lastTraining;

  BnStep(BatchNormLayer layer, DataType type) {
    this.layer = layer;
    this.gradMean = Nd4j.zeros(type, layer.channels);
    this.gradVar = Nd4j.zeros(type, layer.channels);
    this.output = new BatchBuffer(type);
    this.inputGrad = new BatchBuffer(type);
  }

  INDArray forward(INDArray x, boolean training) {
    lastInput = x;
    lastTraining = training;
    INDArray y = output.get(x.shape());
    if (training) {
      Ops.batchNormTraining(
          x, layer.gamma(), layer.beta(), y, layer.batchMean(), layer.batchVar(), EPS);
      // r ← (1 − m)·r + m·batch statistic, with the unbiased variance as PyTorch feeds it in.
      long n = x.length() / layer.channels;
      Ops.lerp(layer.runningMean(), layer.batchMean(), BatchNormLayer.MOMENTUM, 1.0);
      Ops.lerp(
          layer.runningVar(),
          layer.batchVar(),
          BatchNormLayer.MOMENTUM,
          BatchNormLayer.unbiasedFactor(n));
    } else {
      Ops.batchNorm(
          x, layer.runningMean(), layer.runningVar(), layer.gamma(), layer.beta(), y, EPS);
    }
    lastOutput = y;
    return y;
  }

  /** The output buffer of the last forward pass (ReLUs may have changed it in place). */
  INDArray output() {
    return lastOutput;
  }

  /** Returns dL/dx; in training mode also fills the layer's gamma and beta gradients. */
  INDArray backward(INDArray gradOut) {
    INDArray gIn = inputGrad.get(lastInput.shape());
    if (lastTraining) {
      Ops.batchNormBackward(
          lastInput,
          layer.batchMean(),
          layer.batchVar(),
          layer.gamma(),
          layer.beta(),
          gradOut,
          gIn,
          gradMean,
          gradVar,
          layer.gradGamma,
          layer.gradBeta,
          EPS);
    } else {
      // Inference mode is a per-channel affine map: dy/dx = gamma / sqrt(runningVar + eps).
      Ops.batchNormInferenceBackward(gradOut, layer.runningVar(), layer.gamma(), gIn, EPS);
    }
    return gIn;
  }
}
