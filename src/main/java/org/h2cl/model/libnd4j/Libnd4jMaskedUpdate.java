package org.h2cl.model.libnd4j;

import java.util.Arrays;
import java.util.Objects;
import org.h2cl.model.MaskedUpdate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The masked momentum step on libnd4j: one pass of a Java loop over host memory where the arrays
 * allow it ({@link NchwKernels#momentumStep}, the CPU), else libnd4j's element-wise ops (the GPU),
 * which allocate no full-size array per step.
 */
public final class Libnd4jMaskedUpdate implements MaskedUpdate {

  @Override
  public void step(
      INDArray w,
      INDArray g,
      INDArray t,
      INDArray v,
      double lr,
      double mu,
      INDArray eff,
      INDArray a) {
    INDArray[] present =
        Arrays.stream(new INDArray[] {w, g, t, v, eff, a})
            .filter(Objects::nonNull)
            .toArray(INDArray[]::new);
    if (NchwKernels.applicable(present)) {
      NchwKernels.momentumStep(w, g, t, v, lr, mu, eff, a); // one pass instead of five
      return;
    }
    // g·t goes through eff, which is overwritten below anyway, or else a cached scratch array.
    INDArray gt = g;
    if (t != null) {
      gt = eff != null ? eff : Ops.Scratch.like(g);
      Ops.mul(g, t, gt);
    }
    v.muli(mu).addi(gt);
    Nd4j.getBlasWrapper().level1().axpy(w.length(), -lr, v, w);
    if (eff != null) {
      if (a == null) {
        eff.assign(w);
      } else {
        Ops.mul(w, a, eff);
      }
    }
  }
}
