package org.h2cl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The analytic backward pass of the network against central finite differences, in float64 so the
 * check is tight (float32 differences drown in ReLU kinks and rounding).
 */
class ResNet18GradientTest {

  private static double loss(ResNet18 net, INDArray x, int[] y, boolean training) {
    INDArray z = net.forward(x, training);
    INDArray g = Nd4j.zerosLike(z);
    return SoftmaxCrossEntropy.lossAndGradient(z, y, g).lossSum() / y.length;
  }

  /** Checks d loss / d param[i] for a few entries; returns how many were checked. */
  private static int check(
      ResNet18 net,
      INDArray x,
      int[] y,
      boolean training,
      INDArray param,
      INDArray analytic,
      SplittableRandom rng,
      String what) {
    int checked = 0;
    INDArray flat = param.reshape(param.length());
    INDArray grad = analytic.dup().reshape(analytic.length());
    for (int t = 0; t < 3; t++) {
      long i = rng.nextLong(param.length());
      float orig = flat.getFloat(i);
      double h = 1e-6;
      flat.putScalar(i, orig + h);
      net.refreshWeights();
      double up = loss(net, x, y, training);
      flat.putScalar(i, orig - h);
      net.refreshWeights();
      double down = loss(net, x, y, training);
      flat.putScalar(i, orig);
      net.refreshWeights();
      double numeric = (up - down) / (2 * h);
      double a = grad.getDouble(i);
      assertEquals(numeric, a, 1e-6 + 1e-4 * Math.abs(numeric), what + "[" + i + "]");
      checked++;
    }
    return checked;
  }

  @ParameterizedTest(name = "training BN = {0}")
  @ValueSource(booleans = {true, false})
  void backwardMatchesFiniteDifferences(boolean training) {
    SplittableRandom rng = new SplittableRandom(7);
    ResNet18 net = new ResNet18(4, true, 2, DataType.DOUBLE);
    net.initialiseConvs(rng);
    BnBank bank = net.newBank();
    // Non-trivial BN parameters and running statistics so both BN modes are exercised.
    for (int i = 0; i < bank.size(); i++) {
      bank.gamma[i].assign(Init.uniform(rng, bank.gamma[i].length(), 0.5).addi(1));
      bank.beta[i].assign(Init.uniform(rng, bank.beta[i].length(), 0.3));
      bank.runningMean[i].assign(Init.uniform(rng, bank.gamma[i].length(), 0.1));
      bank.runningVar[i].assign(Init.uniform(rng, bank.gamma[i].length(), 0.2).addi(1));
    }
    Head head = net.newHead(2, rng);
    net.use(head, bank);
    net.setActiveMasks(null);
    INDArray x =
        Init.normal(rng, 4 * 3 * 32 * 32, 1.0).reshape(4, 3, 32, 32).castTo(DataType.DOUBLE);
    int[] y = {0, 1, 1, 0};

    BnBank frozen = bank.copy();
    INDArray z = net.forward(x, training);
    INDArray g = Nd4j.zerosLike(z);
    SoftmaxCrossEntropy.lossAndGradient(z, y, g);
    net.backward(g);
    // Training-mode forwards move the running statistics; put them back so every pass sees the same
    // net.
    net.use(head, frozen);

    int checked = 0;
    for (ConvLayer c : net.convs()) {
      checked += check(net, x, y, training, c.weight, c.grad, rng, c.name);
    }
    checked += check(net, x, y, training, head.weight, net.headWeightGrad, rng, "head.weight");
    checked += check(net, x, y, training, head.bias, net.headBiasGrad, rng, "head.bias");
    if (training) {
      for (BatchNormLayer bn : net.batchNorms()) {
        checked +=
            check(net, x, y, true, frozen.gamma[bn.index], bn.gradGamma, rng, "gamma" + bn.index);
        checked +=
            check(net, x, y, true, frozen.beta[bn.index], bn.gradBeta, rng, "beta" + bn.index);
      }
    }
    assertTrue(checked >= 60);
  }
}
