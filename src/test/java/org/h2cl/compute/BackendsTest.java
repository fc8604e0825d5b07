package org.h2cl.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.h2cl.model.Backend;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Init;
import org.h2cl.model.Kernels;
import org.h2cl.model.MaskedUpdate;
import org.h2cl.model.ResNet18;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The choice of backend, and what every backend's optimizer step promises. */
class BackendsTest {

  @Test
  void autoChoosesOneDnnWhereItRunsAndLibnd4jElsewhere() {
    assertEquals(Kernels.ONEDNN, Backends.resolve(Kernels.AUTO, DataType.FLOAT, 64));
    assertEquals(Kernels.LIBND4J, Backends.resolve(Kernels.AUTO, DataType.FLOAT, 8));
    assertEquals(Kernels.LIBND4J, Backends.resolve(Kernels.AUTO, DataType.DOUBLE, 64));
    assertEquals(Kernels.LIBND4J, Backends.resolve(Kernels.LIBND4J, DataType.FLOAT, 64));
    IllegalStateException width =
        assertThrows(
            IllegalStateException.class, () -> Backends.resolve(Kernels.ONEDNN, DataType.FLOAT, 8));
    assertTrue(width.getMessage().contains("h2.model.base-width"), width.getMessage());
    assertTrue(width.getMessage().contains("h2.compute.kernels"), width.getMessage());
    IllegalStateException type =
        assertThrows(
            IllegalStateException.class,
            () -> Backends.resolve(Kernels.ONEDNN, DataType.DOUBLE, 64));
    assertTrue(type.getMessage().contains("float32"), type.getMessage());
    assertEquals("libnd4j", Backends.choose(Kernels.AUTO, DataType.FLOAT, 8, null).describe());
    assertTrue(
        Backends.choose(Kernels.AUTO, DataType.FLOAT, 16, ConvAlgorithm.DIRECT)
            .describe()
            .matches("onednn \\d+\\.\\d+\\.\\d+ \\w+ direct"));
  }

  @Test
  void theSettingsCheckTheWidthRuleOfExplicitOneDnnOnly() {
    String problem = Backends.settingsProblem(Kernels.ONEDNN, 8);
    assertTrue(problem.contains("multiple of 16, got 8"), problem);
    assertNull(Backends.settingsProblem(Kernels.ONEDNN, 32));
    assertNull(Backends.settingsProblem(Kernels.AUTO, 8));
    assertNull(Backends.settingsProblem(Kernels.LIBND4J, 8));
  }

  /**
   * Zero forgetting rests on this: a weight with trainable = 0 and velocity = 0 keeps its bits
   * through any number of steps with any finite gradient, and its velocity stays 0, on every
   * backend and path (libnd4j's Java loop and its op sequence, which the GPU runs, reached here
   * through arrays that do not start their buffer; oneDNN's fused passes), in the conv layers' step
   * and in the small parameters' step. The weights that may move do move.
   */
  @ParameterizedTest(name = "{0} {1}, op sequence {2}")
  @CsvSource({
    "LIBND4J, FLOAT, false",
    "LIBND4J, DOUBLE, false",
    "LIBND4J, FLOAT, true",
    "ONEDNN, FLOAT, false"
  })
  void aWeightThatMayNotMoveKeepsItsBits(Kernels kernels, DataType type, boolean offset) {
    ResNet18 net = Backends.network(16, false, 2, type, kernels, ConvAlgorithm.WINOGRAD);
    assertEquals(kernels, net.backend().kernels());
    Backend backend = net.backend();
    int n = (int) net.convs().get(1).size();
    for (MaskedUpdate update :
        new MaskedUpdate[] {backend.convUpdate(net.convs().get(1)), backend.parameterUpdate()}) {
      SplittableRandom rng = new SplittableRandom(5);
      INDArray w = placed(Init.normal(rng, n, 1).castTo(type), offset);
      w.putScalar(0, -0.0);
      w.putScalar(1, Float.MIN_VALUE);
      w.putScalar(2, 3.0e38);
      INDArray t = placed(Init.uniform(rng, n, 1).gt(0).castTo(type), offset);
      t.putScalar(0, 0);
      t.putScalar(1, 0);
      t.putScalar(2, 0);
      INDArray a = placed(Init.uniform(rng, n, 1).gt(-0.5).castTo(type), offset);
      INDArray v = placed(Nd4j.zeros(type, n), offset);
      INDArray eff = placed(Nd4j.zeros(type, n), offset);
      INDArray before = w.dup();
      for (int step = 0; step < 5; step++) {
        INDArray g = placed(Init.normal(rng, n, 100).castTo(type), offset);
        g.putScalar(1, -1e30);
        update.step(w, g, t, v, 0.01, 0.9, eff, a);
      }
      INDArray frozen = t.rsub(1);
      assertArrayEquals(bits(before), bits(keep(w, before, t)), "the frozen weights' bits");
      assertEquals(0.0, v.mul(frozen).amaxNumber().doubleValue(), "frozen velocity");
      assertArrayEquals(bits(w.mul(a)), bits(eff), "effective weight = w · a");
      assertFalse(w.mul(t).equals(before.mul(t)), "the trainable weights moved");
    }
  }

  /** w where t = 0, before elsewhere: equal to before bit for bit iff no frozen weight moved. */
  private static INDArray keep(INDArray w, INDArray before, INDArray t) {
    INDArray out = before.dup();
    for (long i = 0; i < w.length(); i++) {
      if (t.getDouble(i) == 0) {
        out.putScalar(i, w.getDouble(i));
      }
    }
    return out;
  }

  private static long[] bits(INDArray a) {
    long[] b = new long[(int) a.length()];
    for (int i = 0; i < b.length; i++) {
      b[i] =
          a.dataType() == DataType.FLOAT
              ? Float.floatToRawIntBits(a.getFloat(i))
              : Double.doubleToRawLongBits(a.getDouble(i));
    }
    return b;
  }

  /** a itself, or (offset) a copy placed one element into a larger buffer. */
  private static INDArray placed(INDArray a, boolean offset) {
    if (!offset) {
      return a;
    }
    INDArray view =
        Nd4j.zeros(a.dataType(), a.length() + 1).get(NDArrayIndex.interval(1, a.length() + 1));
    view.assign(a);
    assertTrue(view.offset() > 0);
    return view;
  }
}
