package org.h2cl.model.libnd4j;

import org.h2cl.model.NdArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * libnd4j's ops called directly into preallocated outputs: the fast path measured in ND4J-NOTES.md
 * (DL4J's layer API is ~20x slower). Every method writes into the arrays it is given and allocates
 * no full-size array. Layouts: activations NCHW, conv weights [oC, iC, kH, kW].
 */
public final class Ops {
  private static final int NCHW = 0;
  private static final int OIHW = 1;

  /**
   * oneDNN's batchnorm_bp is ~2x slower than libnd4j's own kernel on CPU (ND4J-NOTES.md); cuDNN's
   * is the right one on GPU.
   */
  private static final boolean HELPERS_FOR_BN_BP = !NdArrays.cpuBackend();

  private Ops() {}

  /** out = conv2d(x, w), square kernel k, explicit padding. */
  public static void conv2d(INDArray x, INDArray w, INDArray out, int k, int stride, int pad) {
    Nd4j.exec(
        DynamicCustomOp.builder("conv2d")
            .addInputs(x, w)
            .addOutputs(out)
            .addIntegerArguments(k, k, stride, stride, pad, pad, 1, 1, 0, NCHW, OIHW)
            .build());
  }

  /**
   * (gradIn, gradW) of conv2d given gradOut. gradIn may be null when the input needs no gradient.
   */
  public static void conv2dBackward(
      INDArray x,
      INDArray w,
      INDArray gradOut,
      INDArray gradIn,
      INDArray gradW,
      int k,
      int stride,
      int pad) {
    if (gradIn == null && NdArrays.cpuBackend()) {
      conv2dWeightGradient(x, gradOut, gradW, k, stride, pad);
      return;
    }
    INDArray gIn = gradIn != null ? gradIn : Scratch.like(x);
    Nd4j.exec(
        DynamicCustomOp.builder("conv2d_bp")
            .addInputs(x, w, gradOut)
            .addOutputs(gIn, gradW)
            .addIntegerArguments(k, k, stride, stride, pad, pad, 1, 1, 0, NCHW, OIHW)
            .build());
  }

  /**
   * gradW of conv2d alone, as the sum over the batch of gradOut[n] · im2col(x)[n]ᵀ. conv2d_bp
   * always computes gradIn as well, which for the stem (3 input channels, a poor fit for oneDNN's
   * backward data kernel) costs twice what gradW does; this path is ~3x faster there
   * (BENCHMARKS.md).
   */
  static void conv2dWeightGradient(
      INDArray x, INDArray gradOut, INDArray gradW, int k, int stride, int pad) {
    long n = x.size(0);
    long c = x.size(1);
    long oc = gradOut.size(1);
    long ohw = gradOut.size(2) * gradOut.size(3);
    INDArray col = Scratch.of(x.dataType(), n, c, k, k, gradOut.size(2), gradOut.size(3));
    Nd4j.exec(
        DynamicCustomOp.builder("im2col")
            .addInputs(x)
            .addOutputs(col)
            .addIntegerArguments(k, k, stride, stride, pad, pad, 1, 1, 0)
            .build());
    INDArray g = gradOut.reshape(n, oc, ohw);
    INDArray cols = col.reshape(n, c * k * k, ohw);
    INDArray gw = gradW.reshape(oc, c * k * k); // a view: gradW is contiguous
    for (int i = 0; i < n; i++) {
      Nd4j.gemm(g.slice(i), cols.slice(i), gw, false, true, 1.0, i == 0 ? 0.0 : 1.0);
    }
  }

  /** Batch mean and biased variance per channel of an NCHW array. */
  public static void moments(INDArray x, INDArray mean, INDArray var) {
    Nd4j.exec(
        DynamicCustomOp.builder("moments")
            .addInputs(x)
            .addOutputs(mean, var)
            .addIntegerArguments(0, 2, 3)
            .build());
  }

  /**
   * Training-mode BatchNorm: mean and var receive the batch mean and biased variance of x over N,
   * H, W, and out = gamma * (x - mean) / sqrt(var + eps) + beta.
   */
  public static void batchNormTraining(
      INDArray x,
      INDArray gamma,
      INDArray beta,
      INDArray out,
      INDArray mean,
      INDArray var,
      double eps) {
    if (NchwKernels.applicable(x, gamma, beta, out, mean, var)) {
      NchwKernels.batchNormTraining(x, gamma, beta, out, mean, var, eps);
      return;
    }
    moments(x, mean, var);
    batchNormLibnd4j(x, mean, var, gamma, beta, out, eps);
  }

  /** out = gamma * (x - mean) / sqrt(var + eps) + beta, per channel (axis 1). */
  public static void batchNorm(
      INDArray x,
      INDArray mean,
      INDArray var,
      INDArray gamma,
      INDArray beta,
      INDArray out,
      double eps) {
    if (NchwKernels.applicable(x, mean, var, gamma, beta, out)) {
      NchwKernels.affine(
          x, mean.toDoubleVector(), inverseStd(var, gamma, eps), beta.toDoubleVector(), out);
      return;
    }
    batchNormLibnd4j(x, mean, var, gamma, beta, out, eps);
  }

  /**
   * Backward of inference-mode BatchNorm, a per-channel affine map: gradIn = gradOut * gamma /
   * sqrt(var + eps), var being the running variance.
   */
  public static void batchNormInferenceBackward(
      INDArray gradOut, INDArray var, INDArray gamma, INDArray gradIn, double eps) {
    if (NchwKernels.applicable(gradOut, var, gamma, gradIn)) {
      double[] zero = new double[(int) var.length()];
      NchwKernels.affine(gradOut, zero, inverseStd(var, gamma, eps), zero, gradIn);
      return;
    }
    INDArray scale = Transforms.sqrt(var.add(eps), false).rdivi(1).muli(gamma);
    mulPerChannel(gradOut, scale, gradIn);
  }

  /** gamma[c] / sqrt(var[c] + eps). */
  private static double[] inverseStd(INDArray var, INDArray gamma, double eps) {
    double[] v = var.toDoubleVector();
    double[] g = gamma.toDoubleVector();
    for (int c = 0; c < v.length; c++) {
      v[c] = g[c] / Math.sqrt(v[c] + eps);
    }
    return v;
  }

  static void batchNormLibnd4j(
      INDArray x,
      INDArray mean,
      INDArray var,
      INDArray gamma,
      INDArray beta,
      INDArray out,
      double eps) {
    Nd4j.exec(
        DynamicCustomOp.builder("batchnorm")
            .addInputs(x, mean, var, gamma, beta)
            .addOutputs(out)
            .addIntegerArguments(1, 1, 1)
            .addFloatingPointArguments(eps)
            .build());
  }

  /**
   * Training-mode BatchNorm backward; gradIn already includes the path through the batch statistics
   * (ND4J-NOTES.md), so gradMean and gradVar are only scratch. On CPU a two-pass kernel ({@link
   * NchwKernels}) replaces libnd4j's, which is ~5x slower.
   */
  public static void batchNormBackward(
      INDArray x,
      INDArray mean,
      INDArray var,
      INDArray gamma,
      INDArray beta,
      INDArray gradOut,
      INDArray gradIn,
      INDArray gradMean,
      INDArray gradVar,
      INDArray gradGamma,
      INDArray gradBeta,
      double eps) {
    if (NchwKernels.applicable(x, mean, var, gamma, gradOut, gradIn, gradGamma, gradBeta)) {
      NchwKernels.batchNormBackward(x, mean, var, gamma, gradOut, gradIn, gradGamma, gradBeta, eps);
      return;
    }
    batchNormBackwardLibnd4j(
        x, mean, var, gamma, beta, gradOut, gradIn, gradMean, gradVar, gradGamma, gradBeta, eps);
  }

  /**
   * {@link #batchNormBackward} by libnd4j's {@code batchnorm_bp} (GPU, and the reference in tests).
   */
  static void batchNormBackwardLibnd4j(
      INDArray x,
      INDArray mean,
      INDArray var,
      INDArray gamma,
      INDArray beta,
      INDArray gradOut,
      INDArray gradIn,
      INDArray gradMean,
      INDArray gradVar,
      INDArray gradGamma,
      INDArray gradBeta,
      double eps) {
    DynamicCustomOp op = DynamicCustomOp.builder("batchnorm_bp").build();
    try (OpContext ctx = Nd4j.getExecutioner().buildContext()) {
      ctx.setInputArrays(x, mean, var, gamma, beta, gradOut);
      ctx.setOutputArrays(gradIn, gradMean, gradVar, gradGamma, gradBeta);
      ctx.setIArguments(1, 1, 1);
      ctx.setTArguments(eps);
      ctx.allowHelpers(HELPERS_FOR_BN_BP);
      Nd4j.exec(op, ctx);
    } catch (Exception e) {
      throw new IllegalStateException("batchnorm_bp failed", e);
    }
  }

  /** In place: x = max(x, 0). */
  public static void reluInPlace(INDArray x) {
    Nd4j.exec(
        DynamicCustomOp.builder("relu")
            .addInputs(x)
            .addOutputs(x)
            .addFloatingPointArguments(0.0)
            .build());
  }

  /** gradIn = gradOut where the ReLU's output y is positive, else 0; gradIn may alias gradOut. */
  public static void reluBackward(INDArray y, INDArray gradOut, INDArray gradIn) {
    if (NchwKernels.applicable(y, gradOut, gradIn)) {
      NchwKernels.reluBackward(y, gradOut, gradIn); // libnd4j's relu_bp is ~10x slower than relu
      return;
    }
    Nd4j.exec(
        DynamicCustomOp.builder("relu_bp")
            .addInputs(y, gradOut)
            .addOutputs(gradIn)
            .addFloatingPointArguments(0.0)
            .build());
  }

  /** out[n, c] = mean of x[n, c, :, :]. */
  public static void globalAveragePool(INDArray x, INDArray out) {
    if (NchwKernels.applicable(x, out)) {
      NchwKernels.planeMeans(x, out);
      return;
    }
    out.assign(x.mean(2, 3));
  }

  /**
   * Backward of {@link #globalAveragePool}: each feature's gradient spread evenly over its H×W
   * positions, gradIn[n, c, h, w] = gradOut[n, c] / (H·W).
   */
  public static void globalAveragePoolBackward(INDArray gradOut, INDArray gradIn) {
    long hw = gradIn.size(2) * gradIn.size(3);
    if (NchwKernels.applicable(gradOut, gradIn)) {
      NchwKernels.spreadPlanes(gradOut, 1.0 / hw, gradIn);
      return;
    }
    gradIn
        .assign(gradOut.reshape(gradIn.size(0), gradIn.size(1), 1, 1).broadcast(gradIn.shape()))
        .divi(hw);
  }

  /** r ← (1 − m)·r + m·f·b, elementwise: a running statistic moving towards a batch statistic. */
  public static void lerp(INDArray r, INDArray b, double m, double f) {
    if (NchwKernels.applicable(r, b)) {
      NchwKernels.lerp(r, b, m, f);
      return;
    }
    r.muli(1 - m).addi(b.mul(m * f));
  }

  /** z = x * y elementwise (same shapes); z may alias x. */
  public static void mul(INDArray x, INDArray y, INDArray z) {
    Nd4j.exec(new MulOp(x, y, z));
  }

  /** z[n, c, h, w] = x[n, c, h, w] * perChannel[c]. */
  public static void mulPerChannel(INDArray x, INDArray perChannel, INDArray z) {
    Nd4j.exec(new BroadcastMulOp(x, perChannel, z, 1));
  }

  /** Scratch arrays for outputs an op insists on producing but nobody reads. */
  static final class Scratch {
    private static final ThreadLocal<java.util.Map<String, INDArray>> CACHE =
        ThreadLocal.withInitial(java.util.HashMap::new);

    static INDArray like(INDArray a) {
      return of(a.dataType(), a.shape());
    }

    static INDArray of(org.nd4j.linalg.api.buffer.DataType type, long... shape) {
      String key = type + java.util.Arrays.toString(shape);
      return CACHE.get().computeIfAbsent(key, k -> Nd4j.createUninitialized(type, shape));
    }
  }
}
