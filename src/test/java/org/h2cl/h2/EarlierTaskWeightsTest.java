package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EarlierTaskWeightsTest {

  @Test
  void handComputedSums() {
    INDArray[] w = {Nd4j.createFromArray(1f, 2f, 3f, 4f), Nd4j.createFromArray(-1f, 0.5f)};
    INDArray[] g = {Nd4j.createFromArray(10f, 20f, 30f, 40f), Nd4j.createFromArray(2f, 4f)};
    byte[][] owner = {{1, 2, 0, 3}, {2, 1}};
    double[] sums = new double[2];
    new EarlierTaskWeights(w, owner, 3).sums(g, sums);
    // task 1: 1·10 + 0.5·4 = 12; task 2: 2·20 + (−1)·2 = 38; free and current-task weights
    // excluded.
    assertArrayEquals(new double[] {12, 38}, sums, 1e-9);
  }

  @Test
  void equalsTheJvmReferenceOnRandomLayers() {
    SplittableRandom rng = new SplittableRandom(3);
    int[] sizes = {1000, 37, 4096};
    INDArray[] w = new INDArray[sizes.length];
    INDArray[] g = new INDArray[sizes.length];
    byte[][] owner = new byte[sizes.length][];
    double[] expected = new double[4];
    for (int l = 0; l < sizes.length; l++) {
      float[] wl = new float[sizes[l]];
      float[] gl = new float[sizes[l]];
      owner[l] = new byte[sizes[l]];
      for (int i = 0; i < sizes[l]; i++) {
        wl[i] = (float) rng.nextGaussian();
        gl[i] = (float) rng.nextGaussian();
        owner[l][i] = (byte) rng.nextInt(6);
      }
      w[l] = Nd4j.createFromArray(wl);
      g[l] = Nd4j.createFromArray(gl);
      AssociationUpdate.accumulate(wl, gl, owner[l], 5, expected);
    }
    double[] sums = new double[4];
    new EarlierTaskWeights(w, owner, 5).sums(g, sums);
    for (int k = 0; k < 4; k++) {
      assertEquals(expected[k], sums[k], 1e-3 * (1 + Math.abs(expected[k])), "task " + (k + 1));
    }
  }
}
