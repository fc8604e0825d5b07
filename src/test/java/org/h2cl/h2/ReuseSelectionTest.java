package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReuseSelectionTest {

  @Test
  void fisherStdIsUnbiasedOverAllLayers() {
    // 1..5 across two layers: mean 3, squared deviations 4+1+0+1+4 = 10, 10/(5−1) = 2.5.
    assertEquals(
        Math.sqrt(2.5), ReuseSelection.fisherStd(new float[][] {{1, 2}, {3, 4, 5}}), 1e-15);
    // Spread 1/1024 on an offset of 1024 (all exact in float): the offset must cancel.
    float u = 1f / 1024;
    assertEquals(
        Math.sqrt(2.5) / 1024,
        ReuseSelection.fisherStd(
            new float[][] {{1024 + u, 1024 + 2 * u}, {1024 + 3 * u, 1024 + 4 * u, 1024 + 5 * u}}),
        1e-16);
    assertThrows(
        IllegalArgumentException.class, () -> ReuseSelection.fisherStd(new float[][] {{1}}));
  }

  @Test
  void countsPiScaledFisherOverSigma() {
    // Task 3, π = [0.5, 2], σ = 2, threshold 1: a weight counts iff F·π[owner−1] > 2.
    float[][] fisher = {{5f, 4f, 1.5f}, {1f, 100f, 100f}};
    byte[][] owner = {{1, 1, 2}, {2, 0, 3}};
    short[][] counters = {{0, 0, 7}, {0, 0, 0}};
    ReuseSelection.count(fisher, owner, 3, new double[] {0.5, 2.0}, 1.0, 2.0, counters);
    // 5·0.5/2 = 1.25 ✓; 4·0.5/2 = 1 (not >); 1.5·2/2 = 1.5 ✓ (7 → 8); 1·2/2 = 1 (not >);
    // free and own weights never count.
    assertArrayEquals(new short[][] {{1, 0, 8}, {0, 0, 0}}, counters);
    ReuseSelection.count(fisher, owner, 3, new double[] {0.5, 2.0}, 1.0, 2.0, counters);
    assertArrayEquals(new short[][] {{2, 0, 9}, {0, 0, 0}}, counters);
  }

  @Test
  void countRejectsMismatchedShapes() {
    float[][] fisher = {{1f, 2f}};
    byte[][] owner = {{1, 1}};
    double[] pi = {1.0};
    assertThrows(
        IllegalArgumentException.class,
        () -> ReuseSelection.count(fisher, owner, 2, pi, 0.01, 1, new short[][] {{0}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReuseSelection.count(fisher, owner, 3, pi, 0.01, 1, new short[][] {{0, 0}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReuseSelection.count(fisher, owner, 1, pi, 0.01, 1, new short[][] {{0, 0}}));
  }

  @Test
  void switchOffBeforeS() {
    // S = 90, D = 3, epoch 10: off iff counter ≤ 10/3 = 3.33.
    assertTrue(ReuseSelection.switchedOff(3, 10, 90, 3, false));
    assertFalse(ReuseSelection.switchedOff(4, 10, 90, 3, false));
    // Epoch 0: only never-selected weights are off.
    assertTrue(ReuseSelection.switchedOff(0, 0, 90, 3, false));
    assertFalse(ReuseSelection.switchedOff(1, 0, 90, 3, false));
    // Epoch 89: ≤ 29.67.
    assertTrue(ReuseSelection.switchedOff(29, 89, 90, 3, false));
    assertFalse(ReuseSelection.switchedOff(30, 89, 90, 3, false));
  }

  @Test
  void switchOffAtExactlyS() {
    // Faithful: nothing off at e == S, not even a counter of 0.
    assertFalse(ReuseSelection.switchedOff(0, 90, 90, 3, false));
    assertFalse(ReuseSelection.switchedOff(30, 90, 90, 3, false));
    // With the switch: the e > S rule, counter ≤ 30.
    assertTrue(ReuseSelection.switchedOff(30, 90, 90, 3, true));
    assertFalse(ReuseSelection.switchedOff(31, 90, 90, 3, true));
  }

  @Test
  void switchOffAfterS() {
    assertTrue(ReuseSelection.switchedOff(30, 95, 90, 3, false));
    assertFalse(ReuseSelection.switchedOff(31, 95, 90, 3, false));
  }

  @Test
  void fractionalS() {
    // E = 6, S = 5.4, D = 3. Epoch 5 < S: off iff counter ≤ 5/3 = 1.67.
    assertTrue(ReuseSelection.switchedOff(1, 5, 5.4, 3, false));
    assertFalse(ReuseSelection.switchedOff(2, 5, 5.4, 3, false));
    // Epoch 6 > S (there is no epoch equal to S): off iff counter ≤ 5.4/3 = 1.8.
    assertTrue(ReuseSelection.switchedOff(1, 6, 5.4, 3, false));
    assertFalse(ReuseSelection.switchedOff(2, 6, 5.4, 3, false));
    // Reused iff counter > 1.8.
    assertTrue(ReuseSelection.reused(2, 5.4, 3));
    assertFalse(ReuseSelection.reused(1, 5.4, 3));
  }

  @Test
  void reusedAboveSOverD() {
    assertFalse(ReuseSelection.reused(30, 90, 3));
    assertTrue(ReuseSelection.reused(31, 90, 3));
    assertThrows(IllegalArgumentException.class, () -> ReuseSelection.reused(31, 90, 0));
    assertThrows(
        IllegalArgumentException.class, () -> ReuseSelection.switchedOff(1, -1, 90, 3, false));
  }
}
