package org.h2cl.model.libnd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.h2cl.model.Init;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Ops}' BatchNorm, ReLU-gradient and pooling passes on random data: in float32 on the Java
 * kernels ({@link NchwKernels}), in float64 on the libnd4j ops they fall back to (the GPU's path),
 * each against libnd4j's own ops and the textbook formulas.
 */
class NchwKernelsTest {

  private static INDArray random(
      SplittableRandom rng, DataType t, double scale, double shift, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return Init.normal(rng, n, scale).reshape(shape).castTo(t).addi(shift);
  }

  /** max |a − b| / max |b|. */
  private static double relError(INDArray a, INDArray b) {
    double scale = Math.max(b.amaxNumber().doubleValue(), 1e-30);
    return a.sub(b).amaxNumber().doubleValue() / scale;
  }

  @ParameterizedTest(name = "{0} [{1},{2},{3},{3}]")
  @CsvSource({
    "DOUBLE, 4, 6, 5",
    "DOUBLE, 3, 5, 1",
    "DOUBLE, 16, 32, 4",
    "FLOAT, 4, 6, 5",
    "FLOAT, 3, 5, 1",
    "FLOAT, 16, 32, 4",
    "FLOAT, 8, 16, 32"
  })
  void batchNormBackwardMatchesLibnd4j(DataType t, int n, int c, int hw) {
    SplittableRandom rng = new SplittableRandom(n * 1000 + c * 10 + hw);
    INDArray x = random(rng, t, 2.0, 0.7, n, c, hw, hw);
    INDArray gamma = random(rng, t, 0.5, 1.0, c);
    INDArray beta = random(rng, t, 0.5, 0.0, c);
    INDArray gradOut = random(rng, t, 1.0, 0.1, n, c, hw, hw);
    INDArray mean = Nd4j.zeros(t, c);
    INDArray var = Nd4j.zeros(t, c);
    Ops.moments(x, mean, var);
    assertEquals(t == DataType.FLOAT, NchwKernels.applicable(x, mean, var, gamma, gradOut));

    INDArray gradIn = Nd4j.zeros(t, n, c, hw, hw);
    INDArray gradGamma = Nd4j.zeros(t, c);
    INDArray gradBeta = Nd4j.zeros(t, c);
    Ops.batchNormBackward(
        x,
        mean,
        var,
        gamma,
        beta,
        gradOut,
        gradIn,
        Nd4j.zeros(t, c),
        Nd4j.zeros(t, c),
        gradGamma,
        gradBeta,
        1e-5);

    INDArray refIn = Nd4j.zeros(t, n, c, hw, hw);
    INDArray refGamma = Nd4j.zeros(t, c);
    INDArray refBeta = Nd4j.zeros(t, c);
    Ops.batchNormBackwardLibnd4j(
        x,
        mean,
        var,
        gamma,
        beta,
        gradOut,
        refIn,
        Nd4j.zeros(t, c),
        Nd4j.zeros(t, c),
        refGamma,
        refBeta,
        1e-5);

    double tol = t == DataType.DOUBLE ? 1e-12 : 2e-5;
    assertTrue(relError(gradIn, refIn) < tol, "gradIn " + relError(gradIn, refIn));
    assertTrue(relError(gradGamma, refGamma) < tol, "gradGamma " + relError(gradGamma, refGamma));
    assertTrue(relError(gradBeta, refBeta) < tol, "gradBeta " + relError(gradBeta, refBeta));

    INDArray[] exact = textbookBatchNormBackward(x, gamma, gradOut, 1e-5);
    // libnd4j's double kernel itself is off the textbook formula by up to ~3e-8 relative.
    double exactTol = t == DataType.DOUBLE ? 1e-7 : 2e-5;
    assertTrue(relError(gradIn, exact[0]) < exactTol, "exact gradIn " + relError(gradIn, exact[0]));
    assertTrue(relError(gradGamma, exact[1]) < exactTol, "exact gradGamma");
    assertTrue(relError(gradBeta, exact[2]) < exactTol, "exact gradBeta");
  }

  @ParameterizedTest(name = "{0} [{1},{2},{3},{3}] mean {4}")
  @CsvSource({
    "DOUBLE, 4, 6, 5, 0.7",
    "DOUBLE, 3, 5, 1, 0.7",
    "DOUBLE, 16, 32, 4, 50",
    "FLOAT, 4, 6, 5, 0.7",
    "FLOAT, 3, 5, 1, 0.7",
    "FLOAT, 8, 16, 32, 0.7",
    "FLOAT, 16, 32, 4, 50"
  })
  void batchNormForwardMatchesLibnd4j(DataType t, int n, int c, int hw, double shift) {
    SplittableRandom rng = new SplittableRandom(n * 1000 + c * 10 + hw);
    INDArray x = random(rng, t, 2.0, shift, n, c, hw, hw);
    INDArray gamma = random(rng, t, 0.5, 1.0, c);
    INDArray beta = random(rng, t, 0.5, 0.0, c);
    INDArray mean = Nd4j.zeros(t, c);
    INDArray var = Nd4j.zeros(t, c);
    INDArray y = Nd4j.zeros(t, n, c, hw, hw);
    Ops.batchNormTraining(x, gamma, beta, y, mean, var, 1e-5);

    INDArray refMean = Nd4j.zeros(t, c);
    INDArray refVar = Nd4j.zeros(t, c);
    INDArray refY = Nd4j.zeros(t, n, c, hw, hw);
    Ops.moments(x, refMean, refVar);
    Ops.batchNormLibnd4j(x, refMean, refVar, gamma, beta, refY, 1e-5);
    // shift 50 with std 2: the variance must survive |mean| >> std without cancellation
    double tol = t == DataType.DOUBLE ? 1e-10 : 1e-5;
    assertTrue(relError(mean, refMean) < tol, "mean " + relError(mean, refMean));
    assertTrue(relError(var, refVar) < tol, "var " + relError(var, refVar));
    assertTrue(relError(y, refY) < tol, "y " + relError(y, refY));

    // Inference mode: the same map with given statistics.
    INDArray y2 = Nd4j.zeros(t, n, c, hw, hw);
    Ops.batchNorm(x, refMean, refVar, gamma, beta, y2, 1e-5);
    assertTrue(relError(y2, refY) < tol, "inference y " + relError(y2, refY));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"DOUBLE", "FLOAT"})
  void inferenceBackwardAndReluBackwardMatchLibnd4j(DataType t) {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 4;
    int c = 8;
    INDArray gradOut = random(rng, t, 1.0, 0.0, n, c, 6, 6);
    INDArray var = random(rng, t, 0.2, 1.0, c);
    INDArray gamma = random(rng, t, 0.5, 1.0, c);
    INDArray gradIn = Nd4j.zeros(t, n, c, 6, 6);
    Ops.batchNormInferenceBackward(gradOut, var, gamma, gradIn, 1e-5);
    INDArray scale = var.add(1e-5);
    scale = org.nd4j.linalg.ops.transforms.Transforms.sqrt(scale, false).rdivi(1).muli(gamma);
    INDArray ref = Nd4j.zeros(t, n, c, 6, 6);
    Ops.mulPerChannel(gradOut, scale, ref);
    double tol = t == DataType.DOUBLE ? 1e-12 : 1e-6;
    assertTrue(relError(gradIn, ref) < tol, "inference backward " + relError(gradIn, ref));

    INDArray y = random(rng, t, 1.0, 0.0, n, c, 6, 6);
    Ops.reluInPlace(y);
    INDArray g = Nd4j.zeros(t, n, c, 6, 6);
    Ops.reluBackward(y, gradOut, g);
    INDArray refG = Nd4j.zeros(t, n, c, 6, 6);
    Nd4j.exec(
        org.nd4j.linalg.api.ops.DynamicCustomOp.builder("relu_bp")
            .addInputs(y, gradOut)
            .addOutputs(refG)
            .addFloatingPointArguments(0.0)
            .build());
    assertTrue(relError(g, refG) == 0, "relu backward");
    Ops.reluBackward(y, gradOut, gradOut); // in place
    assertTrue(relError(gradOut, refG) == 0, "relu backward in place");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"DOUBLE", "FLOAT"})
  void globalAveragePoolAndItsBackwardMatchNd4j(DataType t) {
    SplittableRandom rng = new SplittableRandom(5);
    INDArray x = random(rng, t, 1.0, 0.3, 3, 5, 4, 4);
    INDArray pooled = Nd4j.zeros(t, 3, 5);
    Ops.globalAveragePool(x, pooled);
    double tol = t == DataType.DOUBLE ? 1e-14 : 1e-6;
    assertTrue(relError(pooled, x.mean(2, 3)) < tol, "pool");

    INDArray gradOut = random(rng, t, 1.0, 0.0, 3, 5);
    INDArray gradIn = Nd4j.zeros(t, 3, 5, 4, 4);
    Ops.globalAveragePoolBackward(gradOut, gradIn);
    INDArray ref = gradOut.reshape(3, 5, 1, 1).broadcast(3, 5, 4, 4).div(16);
    assertTrue(relError(gradIn, ref) < tol, "pool backward");
  }

  /** (gradIn, gradGamma, gradBeta) from x̂ = (x − μ)/σ in double, term by term. */
  private static INDArray[] textbookBatchNormBackward(
      INDArray x, INDArray gamma, INDArray gy, double eps) {
    int n = (int) x.size(0);
    int c = (int) x.size(1);
    int hw = (int) (x.size(2) * x.size(3));
    double[] xs = x.castTo(DataType.DOUBLE).data().asDouble();
    double[] gs = gy.castTo(DataType.DOUBLE).data().asDouble();
    double[] gi = new double[xs.length];
    double[] gGamma = new double[c];
    double[] gBeta = new double[c];
    double m = (double) n * hw;
    for (int ch = 0; ch < c; ch++) {
      double mu = 0;
      double var = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < hw; j++) {
          mu += xs[(i * c + ch) * hw + j] / m;
        }
      }
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < hw; j++) {
          double d = xs[(i * c + ch) * hw + j] - mu;
          var += d * d / m;
        }
      }
      double sigma = Math.sqrt(var + eps);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < hw; j++) {
          int k = (i * c + ch) * hw + j;
          gBeta[ch] += gs[k];
          gGamma[ch] += gs[k] * (xs[k] - mu) / sigma;
        }
      }
      double g = gamma.getDouble(ch);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < hw; j++) {
          int k = (i * c + ch) * hw + j;
          double xhat = (xs[k] - mu) / sigma;
          gi[k] = g / sigma * (gs[k] - gBeta[ch] / m - xhat * gGamma[ch] / m);
        }
      }
    }
    DataType t = x.dataType();
    return new INDArray[] {
      Nd4j.createFromArray(gi).reshape(x.shape()).castTo(t),
      Nd4j.createFromArray(gGamma).castTo(t),
      Nd4j.createFromArray(gBeta).castTo(t)
    };
  }
}
