package org.h2cl.model.libnd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.h2cl.model.Init;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Ops' and the masked update's own compute paths against the libnd4j ops they stand in for, on
 * random data.
 */
class OpsTest {

  private static INDArray random(SplittableRandom rng, DataType t, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return Init.normal(rng, n, 1.0).reshape(shape).castTo(t);
  }

  @ParameterizedTest(name = "{0} n={1} c={2}->{3} hw={4} k={5} s={6}")
  @CsvSource({
    "DOUBLE, 4, 3, 8, 9, 3, 1", "DOUBLE, 3, 5, 7, 8, 3, 2", "DOUBLE, 2, 6, 4, 8, 1, 2",
    "FLOAT, 1, 3, 16, 32, 3, 1", "FLOAT, 8, 3, 16, 32, 3, 1", "FLOAT, 5, 16, 32, 8, 3, 2"
  })
  void weightGradientMatchesConv2dBp(DataType t, int n, int c, int oc, int hw, int k, int s) {
    SplittableRandom rng = new SplittableRandom(n + 31L * c + 97L * hw + k + s);
    int pad = k / 2;
    int oh = (hw + 2 * pad - k) / s + 1;
    INDArray x = random(rng, t, n, c, hw, hw);
    INDArray w = random(rng, t, oc, c, k, k);
    INDArray gradOut = random(rng, t, n, oc, oh, oh);

    INDArray gradW = Nd4j.zeros(t, oc, c, k, k).addi(7); // stale contents must not leak in
    Ops.conv2dWeightGradient(x, gradOut, gradW, k, s, pad);

    INDArray refW = Nd4j.zeros(t, oc, c, k, k);
    Ops.conv2dBackward(x, w, gradOut, Nd4j.zeros(t, n, c, hw, hw), refW, k, s, pad);

    double err = gradW.sub(refW).amaxNumber().doubleValue() / refW.amaxNumber().doubleValue();
    assertTrue(err < (t == DataType.DOUBLE ? 1e-12 : 1e-5), "relative error " + err);
  }

  /**
   * On libnd4j's ops (the GPU's path; here reached with arrays that do not start their buffer,
   * which the Java kernel refuses) or the one-pass Java kernel (CPU).
   */
  @ParameterizedTest(name = "{0} n={1} masks={2} libnd4j={3}")
  @CsvSource({
    "DOUBLE, 1000, true, false",
    "DOUBLE, 40000, false, false",
    "FLOAT, 7, true, false",
    "FLOAT, 70000, true, false",
    "FLOAT, 5000, true, true",
    "FLOAT, 5000, false, true"
  })
  void momentumStepMatchesTheOpSequence(DataType t, int n, boolean masks, boolean libnd4j) {
    SplittableRandom rng = new SplittableRandom(n);
    INDArray w = placed(random(rng, t, n), libnd4j);
    INDArray g = placed(random(rng, t, n), libnd4j);
    INDArray v = placed(random(rng, t, n), libnd4j);
    INDArray trainable = masks ? placed(random(rng, t, n).gt(0).castTo(t), libnd4j) : null;
    INDArray active = masks ? placed(random(rng, t, n).gt(-0.5).castTo(t), libnd4j) : null;
    INDArray eff = placed(Nd4j.zeros(t, n), libnd4j);
    INDArray gBefore = g.dup();

    // PyTorch's SGD with momentum as the ND4J op sequence MomentumSgd used to run.
    INDArray gt = masks ? g.mul(trainable) : g.dup();
    INDArray refV = v.mul(0.9).addi(gt);
    INDArray refW = w.sub(refV.mul(0.01));
    INDArray refEff = masks ? refW.mul(active) : refW.dup();

    new Libnd4jMaskedUpdate().step(w, g, trainable, v, 0.01, 0.9, eff, active);
    double tol = t == DataType.DOUBLE ? 1e-15 : 1e-6;
    assertTrue(v.sub(refV).amaxNumber().doubleValue() < tol, "velocity");
    assertTrue(w.sub(refW).amaxNumber().doubleValue() < tol, "weight");
    assertTrue(eff.sub(refEff).amaxNumber().doubleValue() < tol, "effective weight");
    assertTrue(g.equals(gBefore), "the gradient is left as it is");
  }

  /** a itself, or (libnd4j) a copy placed one element into a larger buffer. */
  private static INDArray placed(INDArray a, boolean libnd4j) {
    if (!libnd4j) {
      return a;
    }
    INDArray view =
        Nd4j.zeros(a.dataType(), a.length() + 1)
            .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, a.length() + 1));
    view.assign(a);
    assertTrue(view.offset() > 0);
    return view;
  }
}
