package org.h2cl.model.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.h2cl.model.Init;
import org.h2cl.model.libnd4j.Libnd4jMaskedUpdate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** oneDNN's fused passes compute the masked momentum step as libnd4j's does, up to rounding. */
class OneDnnMaskedUpdateTest {

  private static INDArray mask(SplittableRandom rng, int n, double threshold) {
    return Init.uniform(rng, n, 1).gt(threshold).castTo(DataType.FLOAT);
  }

  private static void assertClose(INDArray expected, INDArray actual, String what) {
    double diff = actual.sub(expected).amaxNumber().doubleValue();
    double scale = expected.amaxNumber().doubleValue();
    assertTrue(diff <= 4 * Math.ulp((float) scale), what + " differ by " + diff);
  }

  @ParameterizedTest(name = "trainable mask {0}, active mask {1}")
  @CsvSource({"true, true", "false, true", "true, false", "false, false"})
  void equalsLibnd4jsStepUpToRoundingAcrossPhases(boolean trainable, boolean active) {
    int n = 100_003; // not a multiple of any vector width
    SplittableRandom rng = new SplittableRandom(3);
    INDArray w = Init.normal(rng, n, 1);
    INDArray v = Init.normal(rng, n, 0.1);
    INDArray t = trainable ? mask(rng, n, 0.7) : null;
    INDArray a = active ? mask(rng, n, -0.8) : null;
    INDArray eff = a == null ? w.dup() : w.mul(a);
    INDArray w2 = w.dup();
    INDArray v2 = v.dup();
    INDArray eff2 = eff.dup();
    OneDnnMaskedUpdate fused = new OneDnnMaskedUpdate(n);
    Libnd4jMaskedUpdate reference = new Libnd4jMaskedUpdate();
    // Two phases with other rates, steps interleaved with new gradients.
    double[][] rates = {{0.01, 0.9}, {0.01, 0.9}, {0.001, 0.9}, {0.05, 0.5}};
    for (double[] r : rates) {
      INDArray g = Init.normal(rng, n, 1);
      INDArray gBefore = g.dup();
      fused.step(w, g, t, v, r[0], r[1], eff, a);
      reference.step(w2, g, t, v2, r[0], r[1], eff2, a);
      assertEquals(gBefore, g, "the gradient is left as it is");
    }
    // oneDNN fuses multiply and add (one rounding instead of two): a few ulps at most.
    assertClose(v2, v, "velocity");
    assertClose(w2, w, "weights");
    assertClose(eff2, eff, "effective weights");
    if (a != null) {
      assertEquals(0.0, eff.mul(a.rsub(1)).amaxNumber().doubleValue(), "inactive weights stay 0");
    }
  }
}
