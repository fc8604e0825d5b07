package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AssociationUpdateTest {

  @Test
  void sumsWTimesGradPerEarlierTask() {
    // Task 3 is associating: owners 1 and 2 count, 0 (free) and 3 (own) do not.
    float[] w = {0.5f, 2f, -1f, 4f, 3f, 0.25f};
    float[] g = {2f, 0.5f, 3f, 1f, 7f, -4f};
    byte[] owner = {1, 2, 2, 0, 3, 1};
    double[] sums = new double[2];
    AssociationUpdate.accumulate(w, g, owner, 3, sums);
    // task 1: 0.5·2 + 0.25·(−4) = 0; task 2: 2·0.5 + (−1)·3 = −2
    assertArrayEquals(new double[] {0.0, -2.0}, sums, 0.0);
    // A second layer adds on.
    AssociationUpdate.accumulate(new float[] {1f}, new float[] {1.5f}, new byte[] {1}, 3, sums);
    assertArrayEquals(new double[] {1.5, -2.0}, sums, 0.0);
  }

  @Test
  void ownAndFreeWeightsCannotLeakIn() {
    // Overflowing or NaN products on the current task's or free weights stay out of the sums.
    float[] w = {1f, Float.MAX_VALUE, 0f, 2f};
    float[] g = {1f, Float.MAX_VALUE, Float.NaN, 3f};
    byte[] owner = {1, 3, 0, 2};
    double[] sums = new double[2];
    AssociationUpdate.accumulate(w, g, owner, 3, sums);
    assertArrayEquals(new double[] {1.0, 6.0}, sums, 0.0);
  }

  @Test
  void accumulatesInDouble() {
    // 2^24 + 1 is not a float; summed in float, 2^24 ones would stall at 2^24.
    int n = (1 << 24) + 1;
    float[] w = new float[n];
    float[] g = new float[n];
    byte[] owner = new byte[n];
    java.util.Arrays.fill(w, 1f);
    java.util.Arrays.fill(g, 1f);
    java.util.Arrays.fill(owner, (byte) 1);
    double[] sums = new double[1];
    AssociationUpdate.accumulate(w, g, owner, 2, sums);
    assertArrayEquals(new double[] {n}, sums, 0.0);
  }

  @Test
  void stepMovesLogitsAgainstTheSums() {
    double[] p = {1.0, 1.0, 1.0};
    AssociationUpdate.step(p, new double[] {2.0, -3.0, 0.0}, 0.001);
    assertArrayEquals(new double[] {0.998, 1.003, 1.0}, p, 1e-15);
  }

  @Test
  void rejectsBadArguments() {
    float[] w = {1f};
    byte[] owner = {1};
    assertThrows(
        IllegalArgumentException.class,
        () -> AssociationUpdate.accumulate(w, new float[2], owner, 2, new double[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> AssociationUpdate.accumulate(w, w, owner, 1, new double[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> AssociationUpdate.accumulate(w, w, owner, 3, new double[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> AssociationUpdate.step(new double[2], new double[1], 0.001));
  }
}
