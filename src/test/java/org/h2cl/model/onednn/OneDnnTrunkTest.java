package org.h2cl.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;
import org.h2cl.model.BatchNormLayer;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Kernels;
import org.h2cl.model.MomentumSgd;
import org.h2cl.model.ResNet18;
import org.h2cl.model.SoftmaxCrossEntropy;
import org.h2cl.testing.Networks;
import org.h2cl.testing.Networks.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The oneDNN trunk against libnd4j's network in float64 on the same parameters (the path the
 * finite-difference test checks), and the trunk's own bookkeeping: buffers shared across batch
 * sizes, weights copied when they change, no kernel writing outside its buffers.
 *
 * <p>Tolerances: float32 forward passes agree with float64 to ~1e-6. Gradients agree as closely
 * unless an activation lies within rounding of a ReLU's kink, where float32 may take the other side
 * and pass (or stop) that element's gradient; one such element among 65 536 moved whole gradients
 * by up to 2 % here (Winograd's rounding differs from direct's). So gradients are held to 5 %,
 * which any wrong path, layout or statistic exceeds many times over, and exact bookkeeping is
 * tested separately with identical arithmetic on both sides.
 */
class OneDnnTrunkTest {
  private static final double FORWARD = 1e-5;
  private static final double GRADIENT = 5e-2;

  private static Net network(
      int width, boolean stemRelu, DataType type, Kernels kernels, ConvAlgorithm algorithm) {
    return Networks.of(width, stemRelu, type, kernels, algorithm);
  }

  private static Net float64(int width, boolean stemRelu) {
    return network(width, stemRelu, DataType.DOUBLE, Kernels.LIBND4J, ConvAlgorithm.DIRECT);
  }

  private static Net oneDnn(int width, boolean stemRelu, ConvAlgorithm algorithm) {
    Net n = network(width, stemRelu, DataType.FLOAT, Kernels.ONEDNN, algorithm);
    assertEquals(Kernels.ONEDNN, n.net().backend().kernels());
    return n;
  }

  private static INDArray images(int n, long seed) {
    return Networks.images(n, seed);
  }

  /** Logits, then every conv gradient, then gamma and beta gradients of one pass. */
  private static INDArray[] pass(ResNet18 net, INDArray x, boolean training) {
    INDArray z = net.forward(x.castTo(net.dataType), training);
    INDArray g = Nd4j.zerosLike(z);
    int[] y = new int[(int) x.size(0)];
    for (int i = 0; i < y.length; i++) {
      y[i] = (i * 7 + 3) % 2;
    }
    SoftmaxCrossEntropy.lossAndGradient(z, y, g);
    INDArray logits = z.dup();
    net.backward(g);
    List<ConvLayer> convs = net.convs();
    List<BatchNormLayer> bns = net.batchNorms();
    INDArray[] out = new INDArray[1 + convs.size() + 2 * bns.size()];
    out[0] = logits;
    for (int i = 0; i < convs.size(); i++) {
      out[1 + i] = convs.get(i).grad.dup();
    }
    for (int i = 0; i < bns.size(); i++) {
      out[1 + convs.size() + 2 * i] = bns.get(i).gradGamma.dup();
      out[2 + convs.size() + 2 * i] = bns.get(i).gradBeta.dup();
    }
    return out;
  }

  private static double relativeError(INDArray actual, INDArray expected) {
    INDArray a = actual.castTo(DataType.DOUBLE);
    INDArray e = expected.castTo(DataType.DOUBLE);
    return a.sub(e).norm2Number().doubleValue() / Math.max(1e-12, e.norm2Number().doubleValue());
  }

  private static void assertSame(INDArray[] expected, INDArray[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], "array " + i);
    }
  }

  @ParameterizedTest(name = "width {0}, batch {1}, training BN {2}, {3}, stem ReLU {4}")
  @CsvSource({
    "16, 4, true, WINOGRAD, false",
    "16, 3, false, WINOGRAD, true",
    "16, 5, true, DIRECT, true",
    "32, 1, false, DIRECT, false",
    "32, 2, true, WINOGRAD, false",
  })
  void matchesLibnd4jInFloat64(
      int width, int batch, boolean training, ConvAlgorithm algorithm, boolean stemRelu) {
    Net reference = float64(width, stemRelu);
    Net net = oneDnn(width, stemRelu, algorithm);
    INDArray x = images(batch, 3);
    INDArray[] expected = pass(reference.net(), x, training);
    INDArray[] actual = pass(net.net(), x, training);
    int convs = net.net().convs().size();
    assertTrue(relativeError(actual[0], expected[0]) < FORWARD, "logits");
    for (int i = 1; i < actual.length; i++) {
      if (i > convs && !training) {
        break; // inference mode reports no gamma/beta gradients
      }
      double err = relativeError(actual[i], expected[i]);
      String what = i <= convs ? net.net().convs().get(i - 1).name : "BN parameter " + (i - convs);
      assertTrue(err < GRADIENT, what + " gradient off by " + err);
    }
    for (int i = 0; i < net.bank().size(); i++) {
      assertTrue(
          relativeError(net.bank().runningMean[i], reference.bank().runningMean[i]) < FORWARD,
          "running mean " + i);
      assertTrue(
          relativeError(net.bank().runningVar[i], reference.bank().runningVar[i]) < FORWARD,
          "running var " + i);
    }
  }

  @Test
  void anSgdStepReachesTheNextForwardPass() {
    Net reference = float64(16, false);
    Net net = oneDnn(16, false, ConvAlgorithm.WINOGRAD);
    // About half of every layer may move.
    INDArray[] trainable = Networks.masks(net.net(), 0.5, 0);
    INDArray[] trainable64 = Networks.masks(reference.net(), 0.5, 0);
    MomentumSgd referenceSgd = new MomentumSgd(reference.net());
    MomentumSgd sgd = new MomentumSgd(net.net());
    referenceSgd.startPhase(0.5, 0.9, trainable64);
    sgd.startPhase(0.5, 0.9, trainable);
    INDArray x = images(4, 10);
    INDArray before = pass(net.net(), x, false)[0];
    pass(reference.net(), x, false);
    referenceSgd.step(reference.head(), reference.bank());
    sgd.step(net.head(), net.bank());
    for (int l = 0; l < net.net().convs().size(); l++) {
      ConvLayer c = net.net().convs().get(l);
      double err = relativeError(c.weight, reference.net().convs().get(l).weight);
      assertTrue(err < 1e-4, c.name + " weights off by " + err);
    }
    // The next pass sees the new weights (the kernels' copies were refreshed): it moved, and
    // as the float64 network's did.
    INDArray after = pass(net.net(), x, false)[0];
    assertTrue(relativeError(after, before) > 1e-2, "the step changed nothing");
    assertTrue(relativeError(after, pass(reference.net(), x, false)[0]) < 1e-4, "after the step");
  }

  @Test
  void batchSizesShareBuffersWithoutInterfering() {
    INDArray x = images(3, 2);
    INDArray[] fresh = pass(oneDnn(16, false, ConvAlgorithm.WINOGRAD).net(), x, true);
    Net shared = oneDnn(16, false, ConvAlgorithm.WINOGRAD);
    // A smaller batch, then a larger one (the buffers grow, the plans are rebuilt), then x: the
    // training-mode pass depends on neither the running statistics nor the earlier batches.
    pass(shared.net(), images(1, 5), false);
    pass(shared.net(), images(7, 4), true);
    assertSame(fresh, pass(shared.net(), x, true));
  }

  @Test
  void weightChangesReachTheKernels() {
    Net net = oneDnn(16, false, ConvAlgorithm.WINOGRAD);
    INDArray x = images(2, 6);
    INDArray before = pass(net.net(), x, false)[0];
    for (ConvLayer c : net.net().convs()) {
      c.weight.muli(1.5);
    }
    net.net().refreshWeights();
    INDArray after = pass(net.net(), x, false)[0];
    Net scaled = oneDnn(16, false, ConvAlgorithm.WINOGRAD);
    for (ConvLayer c : scaled.net().convs()) {
      c.weight.muli(1.5);
    }
    scaled.net().refreshWeights();
    assertEquals(pass(scaled.net(), x, false)[0], after);
    assertTrue(relativeError(after, before) > 1e-3, "scaled weights changed nothing");
  }

  @Test
  void masksReachTheKernels() {
    Net net = oneDnn(16, false, ConvAlgorithm.DIRECT);
    INDArray x = images(2, 8);
    INDArray[] masks = Networks.masks(net.net(), 0.5, 100);
    net.net().setActiveMasks(masks);
    INDArray masked = pass(net.net(), x, false)[0];
    Net zeroed = oneDnn(16, false, ConvAlgorithm.DIRECT);
    for (int l = 0; l < masks.length; l++) {
      zeroed.net().convs().get(l).weight.muli(masks[l]);
    }
    zeroed.net().refreshWeights();
    assertEquals(pass(zeroed.net(), x, false)[0], masked);
  }

  @Test
  void inferencePassesLeaveTheGammaGradientsOfTraining() {
    Net net = oneDnn(16, false, ConvAlgorithm.WINOGRAD);
    INDArray[] trained = pass(net.net(), images(4, 1), true);
    pass(net.net(), images(1, 2), false); // a Fisher-style pass in between
    int first = 1 + net.net().convs().size();
    for (int i = 0; i < net.net().batchNorms().size(); i++) {
      assertEquals(trained[first + 2 * i], net.net().batchNorms().get(i).gradGamma, "gamma " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"WINOGRAD", "DIRECT"})
  void noKernelWritesOutsideItsBuffers(ConvAlgorithm algorithm) {
    Net net = network(16, true, DataType.FLOAT, Kernels.LIBND4J, algorithm);
    OneDnnTrunk fenced = new OneDnnTrunk(net.net(), algorithm, true);
    for (int n : new int[] {1, 5, 16, 3}) {
      for (boolean training : new boolean[] {true, false}) {
        INDArray features = fenced.forward(images(n, n), training); // verifies the fences
        fenced.backward(Nd4j.ones(DataType.FLOAT, features.shape()));
      }
    }
  }

  @Test
  void fencesCatchAWriteBehindTheEnd() {
    Storage storage = new Storage(OneDnn.engine(), true);
    memory m = storage.allocate(OneDnn.desc(memory.format_tag.x, 10), "ten floats");
    storage.verifyFences("nothing");
    FloatPointer p = new FloatPointer(m.get_data_handle());
    p.capacity(11).limit(11).put(10, 1f);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> storage.verifyFences("a test write"));
    assertTrue(e.getMessage().contains("ten floats"), e.getMessage());
  }

  @Test
  void winogradServesTheStrideOneConvolutions() {
    Net net = oneDnn(16, false, ConvAlgorithm.WINOGRAD);
    List<String> kernels = ((OneDnnTrunk) net.net().trunk()).convImplementations(4);
    List<ConvLayer> convs = net.net().convs();
    // oneDNN 2.5 has Winograd kernels for AVX-512 only; elsewhere every layer falls back to direct.
    boolean avx512 = OneDnn.isa().startsWith("avx512");
    for (int l = 0; l < convs.size(); l++) {
      ConvLayer c = convs.get(l);
      boolean expected = avx512 && c.kernel == 3 && c.stride == 1 && c.in % 16 == 0;
      assertEquals(expected, kernels.get(l).contains("wino"), c.name + ": " + kernels.get(l));
    }
  }
}
