package org.h2cl.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel passes over NCHW arrays written as plain loops on the arrays' host memory, for the
 * CPU backend where libnd4j's kernel is several times slower than a memory-bound pass needs to be
 * (measured in BENCHMARKS.md). Each method does in two passes what libnd4j does in many; the
 * channels are split over {@code Nd4j.getEnvironment().maxThreads()} tasks. Only for contiguous
 * float32/float64 arrays in host memory: {@link #applicable} says when; {@link Ops} falls back to
 * libnd4j otherwise.
 */
final class NchwKernels {
  private static final boolean CPU = Ops.isCpuBackend();

  private NchwKernels() {}

  /** True when every array is a contiguous c-order host array of the first one's type (f32/f64). */
  static boolean applicable(INDArray... arrays) {
    if (!CPU) {
      return false;
    }
    DataType t = arrays[0].dataType();
    if (t != DataType.FLOAT && t != DataType.DOUBLE) {
      return false;
    }
    for (INDArray a : arrays) {
      if (a.dataType() != t
          || a.offset() != 0
          || a.ordering() != 'c'
          || !denseRowMajor(a)
          || a.data().length() < a.length()) {
        return false;
      }
    }
    return true;
  }

  /** c-order strides for every dimension longer than 1 (unit dimensions may carry any stride). */
  private static boolean denseRowMajor(INDArray a) {
    long expected = 1;
    for (int d = a.rank() - 1; d >= 0; d--) {
      if (a.size(d) > 1 && a.stride(d) != expected) {
        return false;
      }
      expected *= a.size(d);
    }
    return true;
  }

  /**
   * Training-mode BatchNorm backward of y = gamma·(x − mean)/sqrt(var + eps) + beta with mean and
   * (biased) var the batch statistics of x over N, H, W:
   *
   * <pre>
   *   gradBeta  = Σ gradOut
   *   gradGamma = Σ gradOut·x̂,   x̂ = (x − mean)/sqrt(var + eps)
   *   gradIn    = gamma/sqrt(var + eps) · (gradOut − gradBeta/M − x̂·gradGamma/M),   M = N·H·W
   * </pre>
   *
   * the same result as libnd4j's {@code batchnorm_bp}, whose gradIn also includes the path through
   * the batch statistics.
   */
  static void batchNormBackward(
      INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray gradOut, INDArray gradIn,
      INDArray gradGamma, INDArray gradBeta, double eps) {
    int n = (int) x.size(0);
    int c = (int) x.size(1);
    int hw = (int) (x.length() / ((long) n * c));
    double[] mu = load(mean);
    double[] v = load(var);
    double[] g = load(gamma);
    double[] dGamma = new double[c];
    double[] dBeta = new double[c];
    boolean f32 = x.dataType() == DataType.FLOAT;
    FloatBuffer xf = f32 ? x.data().asNioFloat() : null;
    FloatBuffer gyf = f32 ? gradOut.data().asNioFloat() : null;
    FloatBuffer gxf = f32 ? gradIn.data().asNioFloat() : null;
    DoubleBuffer xd = f32 ? null : x.data().asNioDouble();
    DoubleBuffer gyd = f32 ? null : gradOut.data().asNioDouble();
    DoubleBuffer gxd = f32 ? null : gradIn.data().asNioDouble();
    forChannels(
        c,
        ch -> {
          double inv = 1.0 / Math.sqrt(v[ch] + eps);
          if (f32) {
            bnBackwardChannel(xf, gyf, gxf, n, c, hw, ch, mu[ch], inv, g[ch], dGamma, dBeta);
          } else {
            bnBackwardChannel(xd, gyd, gxd, n, c, hw, ch, mu[ch], inv, g[ch], dGamma, dBeta);
          }
        });
    store(dGamma, gradGamma);
    store(dBeta, gradBeta);
  }

  private static double[] load(INDArray a) {
    double[] v = new double[(int) a.length()];
    if (a.dataType() == DataType.FLOAT) {
      FloatBuffer b = a.data().asNioFloat();
      for (int i = 0; i < v.length; i++) {
        v[i] = b.get(i);
      }
    } else {
      a.data().asNioDouble().get(0, v);
    }
    return v;
  }

  private static void store(double[] v, INDArray a) {
    if (a.dataType() == DataType.FLOAT) {
      FloatBuffer b = a.data().asNioFloat();
      for (int i = 0; i < v.length; i++) {
        b.put(i, (float) v[i]);
      }
    } else {
      a.data().asNioDouble().put(0, v);
    }
  }

  private static void bnBackwardChannel(
      FloatBuffer x, FloatBuffer gy, FloatBuffer gx, int n, int c, int hw, int ch, double mean,
      double inv, double gamma, double[] dGamma, double[] dBeta) {
    float mu = (float) mean;
    double sumG = 0;
    double sumGx = 0;
    for (int i = 0; i < n; i++) {
      int base = (i * c + ch) * hw;
      // Float sums over one plane (≤ 1024 values), double across planes: accurate and fast.
      float a = 0;
      float b = 0;
      for (int j = base; j < base + hw; j++) {
        float d = gy.get(j);
        a += d;
        b += d * (x.get(j) - mu);
      }
      sumG += a;
      sumGx += b;
    }
    double m = (double) n * hw;
    dBeta[ch] = sumG;
    dGamma[ch] = sumGx * inv;
    float scale = (float) (gamma * inv);
    float meanG = (float) (sumG / m);
    float k = (float) (inv * inv * sumGx / m);
    for (int i = 0; i < n; i++) {
      int base = (i * c + ch) * hw;
      for (int j = base; j < base + hw; j++) {
        gx.put(j, scale * (gy.get(j) - meanG - (x.get(j) - mu) * k));
      }
    }
  }

  private static void bnBackwardChannel(
      DoubleBuffer x, DoubleBuffer gy, DoubleBuffer gx, int n, int c, int hw, int ch, double mu,
      double inv, double gamma, double[] dGamma, double[] dBeta) {
    double sumG = 0;
    double sumGx = 0;
    for (int i = 0; i < n; i++) {
      int base = (i * c + ch) * hw;
      for (int j = base; j < base + hw; j++) {
        double d = gy.get(j);
        sumG += d;
        sumGx += d * (x.get(j) - mu);
      }
    }
    double m = (double) n * hw;
    dBeta[ch] = sumG;
    dGamma[ch] = sumGx * inv;
    double scale = gamma * inv;
    double meanG = sumG / m;
    double k = inv * inv * sumGx / m;
    for (int i = 0; i < n; i++) {
      int base = (i * c + ch) * hw;
      for (int j = base; j < base + hw; j++) {
        gx.put(j, scale * (gy.get(j) - meanG - (x.get(j) - mu) * k));
      }
    }
  }

  /** Runs body(ch) for every channel, the channels split into contiguous ranges over the threads. */
  private static void forChannels(int channels, java.util.function.IntConsumer body) {
    int parts = Math.max(1, Math.min(channels, Nd4j.getEnvironment().maxThreads()));
    if (parts == 1) {
      for (int ch = 0; ch < channels; ch++) {
        body.accept(ch);
      }
      return;
    }
    IntStream.range(0, parts)
        .parallel()
        .forEach(
            p -> {
              int from = (int) ((long) channels * p / parts);
              int to = (int) ((long) channels * (p + 1) / parts);
              for (int ch = from; ch < to; ch++) {
                body.accept(ch);
              }
            });
  }
}
