package org.h2cl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.h2cl.testing.Networks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The analytic backward pass of the whole network against central finite differences, in float64 so
 * the check is tight (float32 differences drown in ReLU kinks and rounding): with and without the
 * stem ReLU (the default has none), every weight active or under the masks training uses.
 */
class ResNet18GradientTest {

  private static double loss(ResNet18 net, INDArray x, int[] y, boolean training) {
    INDArray z = net.forward(x, training);
    INDArray g = Nd4j.zerosLike(z);
    return SoftmaxCrossEntropy.lossAndGradient(z, y, g).lossSum() / y.length;
  }

  /**
   * Checks d loss / d param[i] for three entries i where mask (null: all ones) is 1, against
   * analytic[i]; returns how many were checked.
   */
  private static int check(
      ResNet18 net,
      INDArray x,
      int[] y,
      boolean training,
      INDArray param,
      INDArray analytic,
      INDArray mask,
      SplittableRandom rng,
      String what) {
    int checked = 0;
    INDArray flat = param.reshape(param.length());
    INDArray grad = analytic.dup().reshape(analytic.length());
    while (checked < 3) {
      long i = rng.nextLong(param.length());
      if (mask != null && mask.reshape(mask.length()).getDouble(i) == 0) {
        continue;
      }
      double numeric = centralDifference(net, x, y, training, flat, i);
      double a = grad.getDouble(i);
      assertEquals(numeric, a, 1e-6 + 1e-4 * Math.abs(numeric), what + "[" + i + "]");
      checked++;
    }
    return checked;
  }

  private static double centralDifference(
      ResNet18 net, INDArray x, int[] y, boolean training, INDArray flat, long i) {
    double orig = flat.getDouble(i);
    double h = 1e-6;
    flat.putScalar(i, orig + h);
    net.refreshWeights();
    double up = loss(net, x, y, training);
    flat.putScalar(i, orig - h);
    net.refreshWeights();
    double down = loss(net, x, y, training);
    flat.putScalar(i, orig);
    net.refreshWeights();
    return (up - down) / (2 * h);
  }

  @ParameterizedTest(name = "training BN = {0}, stem ReLU = {1}, masked = {2}")
  @CsvSource({
    "true, true, false",
    "false, true, false",
    "true, false, true",
    "false, false, true",
  })
  void backwardMatchesFiniteDifferences(boolean training, boolean stemRelu, boolean masked) {
    SplittableRandom rng = new SplittableRandom(7);
    Networks.Net n =
        Networks.of(4, stemRelu, DataType.DOUBLE, Kernels.LIBND4J, ConvAlgorithm.DIRECT, rng);
    ResNet18 net = n.net();
    INDArray[] masks = masked ? Networks.masks(net, 0.6, 31) : null;
    net.setActiveMasks(masks);
    INDArray x =
        Init.normal(rng, 4 * 3 * 32 * 32, 1.0).reshape(4, 3, 32, 32).castTo(DataType.DOUBLE);
    int[] y = {0, 1, 1, 0};

    BnBank frozen = n.bank().copy();
    INDArray z = net.forward(x, training);
    INDArray g = Nd4j.zerosLike(z);
    SoftmaxCrossEntropy.lossAndGradient(z, y, g);
    net.backward(g);
    // Training-mode forwards move the running statistics; put them back so every pass sees the same
    // net.
    net.use(n.head(), frozen);

    int checked = 0;
    for (int l = 0; l < net.convs().size(); l++) {
      ConvLayer c = net.convs().get(l);
      INDArray mask = masked ? masks[l] : null;
      checked += check(net, x, y, training, c.weight, c.grad, mask, rng, c.name);
      if (masked) {
        // A weight outside the mask does not count: the loss does not change with it.
        long off = firstZero(mask);
        INDArray flat = c.weight.reshape(c.weight.length());
        assertEquals(0.0, centralDifference(net, x, y, training, flat, off), c.name + " masked");
      }
    }
    Head head = n.head();
    checked +=
        check(net, x, y, training, head.weight, net.headWeightGrad, null, rng, "head.weight");
    checked += check(net, x, y, training, head.bias, net.headBiasGrad, null, rng, "head.bias");
    if (training) {
      for (BatchNormLayer bn : net.batchNorms()) {
        checked +=
            check(
                net,
                x,
                y,
                true,
                frozen.gamma[bn.index],
                bn.gradGamma,
                null,
                rng,
                "gamma" + bn.index);
        checked +=
            check(
                net, x, y, true, frozen.beta[bn.index], bn.gradBeta, null, rng, "beta" + bn.index);
      }
    }
    assertTrue(checked >= 60);
  }

  private static long firstZero(INDArray mask) {
    INDArray flat = mask.reshape(mask.length());
    for (long i = 0; i < flat.length(); i++) {
      if (flat.getDouble(i) == 0) {
        return i;
      }
    }
    throw new AssertionError("the mask keeps every weight");
  }
}
