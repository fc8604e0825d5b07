package org.h2cl.model.libnd4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.h2cl.model.NdArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * BatchNorm and ReLU-gradient passes over NCHW arrays written as plain loops on the arrays' host
 * memory, for the CPU backend, where libnd4j's kernels for these memory-bound steps are 2-10x
 * slower than a pass over the data needs to be (BENCHMARKS.md). Each method reads and writes every
 * element at most twice; channels (or index ranges) are split over this thread's OpenMP thread
 * count. Only for contiguous float32 arrays in host memory, the product's: {@link #applicable} says
 * when; {@link Ops} falls back to libnd4j's ops otherwise (the GPU, and float64 for the gradient
 * checks, which thereby check the GPU's path).
 */
final class NchwKernels {
  private static final boolean CPU = NdArrays.cpuBackend();

  private NchwKernels() {}

  /** True when every array is a contiguous c-order float32 host array. */
  static boolean applicable(INDArray... arrays) {
    if (!CPU) {
      return false;
    }
    for (INDArray a : arrays) {
      if (a.dataType() != DataType.FLOAT
          || a.offset() != 0
          || a.ordering() != 'c'
          || !NdArrays.denseRowMajor(a)
          || a.data().length() < a.length()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Training-mode BatchNorm forward: writes the batch mean and biased variance of x over N, H, W
   * into mean and var, and y = gamma·(x − mean)/sqrt(var + eps) + beta. One pass for the statistics
   * (sums of x − K and (x − K)² with K the channel's first value, which keeps the variance accurate
   * when |mean| ≫ std), one for y.
   */
  static void batchNormTraining(
      INDArray x,
      INDArray gamma,
      INDArray beta,
      INDArray y,
      INDArray mean,
      INDArray var,
      double eps) {
    int n = (int) x.size(0);
    int c = (int) x.size(1);
    int hw = (int) (x.length() / ((long) n * c));
    double[] g = load(gamma);
    double[] b = load(beta);
    double[] mu = new double[c];
    double[] v = new double[c];
    FloatBuffer xf = x.data().asNioFloat();
    FloatBuffer yf = y.data().asNioFloat();
    double m = (double) n * hw;
    forChannels(
        c,
        x.length(),
        ch -> {
          double s1 = 0;
          double s2 = 0;
          float k = xf.get(ch * hw);
          for (int i = 0; i < n; i++) {
            int base = (i * c + ch) * hw;
            // Float sums over one plane (≤ 1024 values), double across planes: accurate and fast.
            float a1 = 0;
            float a2 = 0;
            for (int j = base; j < base + hw; j++) {
              float d = xf.get(j) - k;
              a1 += d;
              a2 += d * d;
            }
            s1 += a1;
            s2 += a2;
          }
          mu[ch] = k + s1 / m;
          v[ch] = Math.max(0, s2 / m - (s1 / m) * (s1 / m));
          double scale = g[ch] / Math.sqrt(v[ch] + eps);
          affineChannel(xf, yf, n, c, hw, ch, mu[ch], scale, b[ch]);
        });
    store(mu, mean);
    store(v, var);
  }

  /**
   * out = (in − shift[c])·scale[c] + offset[c] per channel: inference-mode BatchNorm, and its
   * backward (shift = offset = 0). out may alias in.
   */
  static void affine(INDArray in, double[] shift, double[] scale, double[] offset, INDArray out) {
    int n = (int) in.size(0);
    int c = (int) in.size(1);
    int hw = (int) (in.length() / ((long) n * c));
    FloatBuffer inf = in.data().asNioFloat();
    FloatBuffer outf = out.data().asNioFloat();
    forChannels(
        c,
        in.length(),
        ch -> affineChannel(inf, outf, n, c, hw, ch, shift[ch], scale[ch], offset[ch]));
  }

  private static void affineChannel(
      FloatBuffer in,
      FloatBuffer out,
      int n,
      int c,
      int hw,
      int ch,
      double shift,
      double scale,
      double offset) {
    float s = (float) shift;
    float a = (float) scale;
    float b = (float) offset;
    for (int i = 0; i < n; i++) {
      int base = (i * c + ch) * hw;
      for (int j = base; j < base + hw; j++) {
        out.put(j, (in.get(j) - s) * a + b);
      }
    }
  }

  /**
   * gradIn = gradOut where the ReLU's output y is positive, else 0; gradIn may alias gradOut. y
   * must be a ReLU output (no negative values other than −0); NaN in y passes the gradient.
   */
  static void reluBackward(INDArray y, INDArray gradOut, INDArray gradIn) {
    FloatBuffer yf = y.data().asNioFloat();
    FloatBuffer gf = gradOut.data().asNioFloat();
    FloatBuffer of = gradIn.data().asNioFloat();
    forRanges(
        Math.toIntExact(y.length()),
        (from, to) -> {
          // Branch-free: y's sign is random, and a mispredicted branch per element made this
          // pass 5x slower. mask = all ones iff y's bits are a positive int (y > 0, -0 excluded).
          for (int j = from; j < to; j++) {
            int b = Float.floatToRawIntBits(yf.get(j));
            int mask = (-b >> 31) & ~(b >> 31);
            of.put(j, Float.intBitsToFloat(Float.floatToRawIntBits(gf.get(j)) & mask));
          }
        });
  }

  /**
   * One heavy-ball SGD step of a parameter in one pass: v ← μ·v + g·t, w ← w − lr·v, then, if eff
   * is given, eff ← w·a. t (trainable mask) and a (active mask) may be null for "all ones"; g is
   * read, never written.
   */
  static void momentumStep(
      INDArray w,
      INDArray g,
      INDArray t,
      INDArray v,
      double lr,
      double mu,
      INDArray eff,
      INDArray a) {
    FloatBuffer wb = w.data().asNioFloat();
    FloatBuffer gb = g.data().asNioFloat();
    FloatBuffer tb = t == null ? null : t.data().asNioFloat();
    FloatBuffer vb = v.data().asNioFloat();
    FloatBuffer eb = eff == null ? null : eff.data().asNioFloat();
    FloatBuffer ab = a == null ? null : a.data().asNioFloat();
    float m = (float) mu;
    float step = (float) -lr;
    forRanges(
        Math.toIntExact(w.length()),
        (from, to) -> {
          for (int i = from; i < to; i++) {
            float gi = tb == null ? gb.get(i) : gb.get(i) * tb.get(i);
            float vi = m * vb.get(i) + gi;
            float wi = wb.get(i) + step * vi;
            vb.put(i, vi);
            wb.put(i, wi);
            if (eb != null) {
              eb.put(i, ab == null ? wi : wi * ab.get(i));
            }
          }
        });
  }

  /** r ← (1 − m)·r + m·f·b elementwise (a running statistic moving towards a batch's). */
  static void lerp(INDArray r, INDArray b, double m, double f) {
    int n = Math.toIntExact(r.length());
    FloatBuffer rb = r.data().asNioFloat();
    FloatBuffer bb = b.data().asNioFloat();
    for (int i = 0; i < n; i++) {
      rb.put(i, (float) ((1 - m) * rb.get(i) + m * f * bb.get(i)));
    }
  }

  /** out[p] = mean of x's plane p, the n·c planes of h·w values each (global average pooling). */
  static void planeMeans(INDArray x, INDArray out) {
    int planes = Math.toIntExact(out.length());
    int hw = Math.toIntExact(x.length() / planes);
    FloatBuffer xf = x.data().asNioFloat();
    FloatBuffer of = out.data().asNioFloat();
    for (int p = 0; p < planes; p++) {
      double sum = 0;
      for (int j = p * hw; j < (p + 1) * hw; j++) {
        sum += xf.get(j);
      }
      of.put(p, (float) (sum / hw));
    }
  }

  /** out[p·hw + j] = in[p]·scale: each plane of out filled with its scaled value of in. */
  static void spreadPlanes(INDArray in, double scale, INDArray out) {
    int planes = Math.toIntExact(in.length());
    int hw = Math.toIntExact(out.length() / planes);
    FloatBuffer inf = in.data().asNioFloat();
    FloatBuffer of = out.data().asNioFloat();
    for (int p = 0; p < planes; p++) {
      float v = (float) (inf.get(p) * scale);
      for (int j = p * hw; j < (p + 1) * hw; j++) {
        of.put(j, v);
      }
    }
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
      INDArray x,
      INDArray mean,
      INDArray var,
      INDArray gamma,
      INDArray gradOut,
      INDArray gradIn,
      INDArray gradGamma,
      INDArray gradBeta,
      double eps) {
    int n = (int) x.size(0);
    int c = (int) x.size(1);
    int hw = (int) (x.length() / ((long) n * c));
    double[] mu = load(mean);
    double[] v = load(var);
    double[] g = load(gamma);
    double[] dGamma = new double[c];
    double[] dBeta = new double[c];
    FloatBuffer xf = x.data().asNioFloat();
    FloatBuffer gyf = gradOut.data().asNioFloat();
    FloatBuffer gxf = gradIn.data().asNioFloat();
    forChannels(
        c,
        x.length(),
        ch -> {
          double inv = 1.0 / Math.sqrt(v[ch] + eps);
          bnBackwardChannel(xf, gyf, gxf, n, c, hw, ch, mu[ch], inv, g[ch], dGamma, dBeta);
        });
    store(dGamma, gradGamma);
    store(dBeta, gradBeta);
  }

  private static double[] load(INDArray a) {
    double[] v = new double[(int) a.length()];
    FloatBuffer b = a.data().asNioFloat();
    for (int i = 0; i < v.length; i++) {
      v[i] = b.get(i);
    }
    return v;
  }

  private static void store(double[] v, INDArray a) {
    FloatBuffer b = a.data().asNioFloat();
    for (int i = 0; i < v.length; i++) {
      b.put(i, (float) v[i]);
    }
  }

  private static void bnBackwardChannel(
      FloatBuffer x,
      FloatBuffer gy,
      FloatBuffer gx,
      int n,
      int c,
      int hw,
      int ch,
      double mean,
      double inv,
      double gamma,
      double[] dGamma,
      double[] dBeta) {
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

  /** Runs body(from, to) over [0, length) split into one contiguous range per thread. */
  private static void forRanges(int length, RangeBody body) {
    int parts = (int) Math.max(1, Math.min(length / 16384, maxThreads()));
    if (parts == 1) {
      body.run(0, length);
      return;
    }
    IntStream.range(0, parts)
        .parallel()
        .forEach(
            p ->
                body.run(
                    (int) ((long) length * p / parts), (int) ((long) length * (p + 1) / parts)));
  }

  /**
   * This thread's OpenMP budget, the one oneDNN's kernels get: SeedTask sets it per seed, while
   * {@code Environment.maxThreads()} reports every core in ND4J M2.1 whatever it is set to.
   */
  private static int maxThreads() {
    return Math.max(1, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
  }

  private interface RangeBody {
    void run(int from, int to);
  }

  /**
   * Runs body(ch) for every channel, the channels split into contiguous ranges over the threads.
   */
  private static void forChannels(
      int channels, long elements, java.util.function.IntConsumer body) {
    // Below ~16k elements a second thread costs more than it saves.
    int parts = (int) Math.max(1, Math.min(Math.min(channels, elements / 16384), maxThreads()));
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
