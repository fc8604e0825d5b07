package org.h2cl.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded weight draws: values come from the caller's generator, never from ND4J's global one. */
public final class Init {
  private Init() {}

  /** n values uniform in [-bound, bound). */
  public static INDArray uniform(SplittableRandom rng, long n, double bound) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
    return Nd4j.createFromArray(v);
  }

  /** n values from N(0, std²). */
  public static INDArray normal(SplittableRandom rng, long n, double std) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextGaussian() * std);
    }
    return Nd4j.createFromArray(v);
  }
}
