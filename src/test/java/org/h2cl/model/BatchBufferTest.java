package org.h2cl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.h2cl.compute.Backends;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Buffers shared across batch sizes, and a network that uses them for mixed batch sizes. */
class BatchBufferTest {

  @Test
  void smallerBatchesAreContiguousViewsOfTheLargest() {
    BatchBuffer b = new BatchBuffer(DataType.FLOAT);
    INDArray full = b.get(8, 3, 4, 4);
    INDArray part = b.get(3, 3, 4, 4);
    assertEquals(3, part.size(0));
    assertTrue(
        part.offset() == 0 && NdArrays.denseRowMajor(part),
        "a view of the first samples is dense from offset 0");
    part.assign(7);
    assertEquals(7f, full.getFloat(2, 2, 3, 3));
    assertSame(part, b.get(3, 3, 4, 4));
    assertSame(full, b.get(8, 3, 4, 4));
    INDArray larger = b.get(9, 3, 4, 4);
    assertNotSame(full, larger);
    assertEquals(9, larger.size(0));
  }

  /** A partial batch after a full one gives exactly what a fresh network gives for it. */
  @Test
  void mixedBatchSizesMatchAFreshNetwork() {
    INDArray big =
        Init.normal(new SplittableRandom(1), 6 * 3 * 32 * 32, 1.0)
            .reshape(6, 3, 32, 32)
            .castTo(DataType.DOUBLE);
    INDArray small =
        Init.normal(new SplittableRandom(2), 3 * 3 * 32 * 32, 1.0)
            .reshape(3, 3, 32, 32)
            .castTo(DataType.DOUBLE);
    ResNet18 shared = network();
    pass(shared, big, new int[] {0, 1, 0, 1, 1, 0});
    INDArray[] sharedGrads = pass(shared, small, new int[] {1, 0, 1});
    INDArray[] freshGrads = pass(network(), small, new int[] {1, 0, 1});
    for (int i = 0; i < freshGrads.length; i++) {
      assertEquals(freshGrads[i], sharedGrads[i], "array " + i);
    }
  }

  private static ResNet18 network() {
    SplittableRandom rng = new SplittableRandom(7);
    ResNet18 net =
        Backends.network(4, false, 2, DataType.DOUBLE, Kernels.LIBND4J, ConvAlgorithm.DIRECT);
    net.initialiseConvs(rng);
    net.use(net.newHead(2, rng), net.newBank());
    net.setActiveMasks(null);
    return net;
  }

  /** Logits and every conv gradient of one training-mode forward/backward pass. */
  private static INDArray[] pass(ResNet18 net, INDArray x, int[] y) {
    INDArray z = net.forward(x, true);
    INDArray g = Nd4j.zeros(DataType.DOUBLE, z.shape());
    SoftmaxCrossEntropy.lossAndGradient(z, y, g);
    INDArray logits = z.dup();
    net.backward(g);
    INDArray[] out = new INDArray[net.convs().size() + 1];
    out[0] = logits;
    for (int i = 0; i < net.convs().size(); i++) {
      out[i + 1] = net.convs().get(i).grad.dup();
    }
    return out;
  }
}
