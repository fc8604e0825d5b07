package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrunerTest {

  @Test
  void freesTheKSmallestMagnitudesOfTheTask() {
    // Task 1 owns 6 weights: |w| = 0.5, 0.1, 0.4, 0.2, 0.6, 0.3. k = rint(0.75·6 = 4.5) = 4 (half
    // to
    // even), cut-off = 4th smallest = 0.4, so 0.1, 0.2, 0.3, 0.4 go; 0.5 and 0.6 stay.
    float[] w = {0.5f, -0.1f, 0.4f, 0.2f, -0.6f, 0.3f};
    byte[] owner = {1, 1, 1, 1, 1, 1};
    assertEquals(4, Pruner.prune(w, owner, 1, 0.75));
    assertArrayEquals(new float[] {0.5f, 0f, 0f, 0f, -0.6f, 0f}, w);
    assertArrayEquals(new byte[] {1, 0, 0, 0, 1, 0}, owner);
  }

  @Test
  void roundsHalfUpToEvenK() {
    // n = 10, k = rint(7.5) = 8: |w| = 1..10, cut-off 8, so 1..8 freed.
    float[] w = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    byte[] owner = new byte[10];
    Arrays.fill(owner, (byte) 2);
    assertEquals(8, Pruner.prune(w, owner, 2, 0.75));
    assertArrayEquals(new float[] {10, 9, 0, 0, 0, 0, 0, 0, 0, 0}, w);
    assertArrayEquals(new byte[] {2, 2, 0, 0, 0, 0, 0, 0, 0, 0}, owner);
  }

  @Test
  void tiesAtTheCutOffAreAllFreed() {
    // n = 4, k = rint(0.5·4) = 2, 2nd smallest |w| = 0.2, and three weights have |w| = 0.2: four
    // go,
    // more than k.
    float[] w = {0.2f, 0.1f, -0.2f, 0.2f, 0.3f};
    byte[] owner = {1, 1, 1, 1, 1};
    assertEquals(4, Pruner.prune(w, owner, 1, 0.5));
    assertArrayEquals(new float[] {0f, 0f, 0f, 0f, 0.3f}, w);
    assertArrayEquals(new byte[] {0, 0, 0, 0, 1}, owner);
  }

  @Test
  void otherTasksAndFreeWeightsAreUntouched() {
    // Task 3 owns indices 1, 3, 5 (|w| 0.9, 0.3, 0.6): k = rint(0.75·3 = 2.25) = 2, cut-off 0.6.
    // The tiny weights of tasks 1, 2 and the free slot must stay as they are.
    float[] w = {0.01f, 0.9f, 0.02f, -0.3f, 0.0f, 0.6f, 0.03f};
    byte[] owner = {1, 3, 2, 3, 0, 3, 2};
    assertEquals(2, Pruner.prune(w, owner, 3, 0.75));
    assertArrayEquals(new float[] {0.01f, 0.9f, 0.02f, 0f, 0.0f, 0f, 0.03f}, w);
    assertArrayEquals(new byte[] {1, 3, 2, 0, 0, 0, 2}, owner);
  }

  @Test
  void kZeroFreesNothing() {
    // n = 1, k = rint(0.25) = 0; and a task owning nothing.
    float[] w = {0.5f, 0.1f};
    byte[] owner = {1, 2};
    assertEquals(0, Pruner.prune(w, owner, 1, 0.25));
    assertEquals(0, Pruner.prune(w, owner, 4, 0.75));
    assertEquals(0, Pruner.prune(w, owner, 2, 0.0));
    assertArrayEquals(new float[] {0.5f, 0.1f}, w);
    assertArrayEquals(new byte[] {1, 2}, owner);
  }

  @Test
  void ratioOneFreesEverything() {
    float[] w = {0.5f, -0.1f, 0.7f};
    byte[] owner = {1, 1, 1};
    assertEquals(3, Pruner.prune(w, owner, 1, 1.0));
    assertArrayEquals(new byte[] {0, 0, 0}, owner);
  }

  @Test
  void rejectsBadArguments() {
    float[] w = {0.5f, Float.NaN};
    byte[] owner = {1, 1};
    assertThrows(IllegalArgumentException.class, () -> Pruner.prune(w, new byte[1], 1, 0.5));
    assertThrows(IllegalArgumentException.class, () -> Pruner.prune(w, owner, 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> Pruner.prune(w, owner, 1, 1.5));
    assertThrows(IllegalArgumentException.class, () -> Pruner.prune(w, owner, 1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Pruner.prune(w, owner, 1, 0.5));
  }

  @Test
  void kthSmallestAgreesWithSorting() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rng.nextInt(trial < 100 ? 40 : 5000);
      float[] a = new float[n];
      // Half the trials draw from few distinct values, to exercise long runs of ties.
      int distinct = trial % 2 == 0 ? 3 : 1_000_000;
      for (int i = 0; i < n; i++) {
        a[i] = rng.nextInt(distinct) / 7f;
      }
      float[] sorted = a.clone();
      Arrays.sort(sorted);
      int index = rng.nextInt(n);
      assertEquals(sorted[index], Pruner.kthSmallest(a.clone(), index), "n=" + n + " k=" + index);
    }
    float[] same = new float[100_000];
    Arrays.fill(same, 1f);
    assertEquals(1f, Pruner.kthSmallest(same, 75_000));
    float[] ascending = new float[100_000];
    for (int i = 0; i < ascending.length; i++) {
      ascending[i] = i;
    }
    assertEquals(74_999f, Pruner.kthSmallest(ascending.clone(), 74_999));
  }
}
