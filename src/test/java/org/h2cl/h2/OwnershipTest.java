package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.h2cl.h2.OwnershipState.TaskReuse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OwnershipTest {
  private static final int[] TWO_LAYERS = {8, 4};

  private static void refused(Executable call, String... fragments) {
    IllegalStateException e = assertThrows(IllegalStateException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
    }
  }

  @Test
  void operationsOutOfOrderAreRefused() {
    Ownership o = new Ownership(TWO_LAYERS);
    float[][] w = {new float[8], new float[4]};
    short[][] c = {new short[8], new short[4]};
    refused(() -> o.prune(1, w, 0.75), "prune(1)", "no task has begun");
    refused(() -> o.beginTask(2), "beginTask(2)", "task 1 to begin next");
    refused(() -> o.activeMask(1), "activeMask(1)", "no task has begun");
    refused(() -> o.trainableMask(1), "trainableMask(1)");

    o.beginTask(1);
    refused(() -> o.beginTask(2), "beginTask(2)", "task 1 is TRAINING");
    refused(() -> o.finishTask(1), "finishTask(1)", "task 1 PRUNED", "task 1 is TRAINING");
    refused(() -> o.activeMask(1), "activeMask(1)", "task 1 is TRAINING");
    refused(() -> o.export(), "export()", "task 1 is TRAINING");
    refused(() -> o.trainableMask(2), "trainableMask(2)", "task 1 is TRAINING");
    o.prune(1, w, 0.75);
    refused(() -> o.prune(1, w, 0.75), "prune(1)", "task 1 is PRUNED");
    refused(() -> o.selectionEpochMask(1, null, 0, 5.4, 3, false), "task 1 is PRUNED");
    o.finishTask(1);

    refused(() -> o.beginTask(3), "beginTask(3)", "task 2 to begin next", "task 1 is FINISHED");
    refused(() -> o.trainableMask(1), "trainableMask(1)", "task 1 is FINISHED");
    refused(() -> o.activeMask(3), "activeMask(3)", "task 1 is FINISHED");
    o.beginTask(2);
    refused(() -> o.activeMask(2), "activeMask(2)", "task 2 is TRAINING");
    refused(() -> o.reusedFraction(2), "reusedFraction(2)", "task 2 is TRAINING");
    refused(() -> o.prune(2, w, 0.75), "prune(2)", "setReuse(2");
    refused(() -> o.setReuse(3, c, 5.4, 3), "setReuse(3)", "task 2 is TRAINING");
    assertThrows(IllegalArgumentException.class, () -> o.setReuse(2, new short[][] {c[0]}, 5.4, 3));
    assertThrows(IllegalArgumentException.class, () -> o.setReuse(2, c, 5.4, 0));
    // A bad prune argument leaves the state as it was.
    o.setReuse(2, c, 5.4, 3);
    assertThrows(IllegalArgumentException.class, () -> o.prune(2, new float[][] {w[0]}, 0.75));
    assertEquals(Ownership.Stage.TRAINING, o.stage());
    float[][] diverged = {new float[8], new float[4]};
    diverged[1][2] = Float.NaN;
    byte[][] before = o.owners();
    assertThrows(IllegalArgumentException.class, () -> o.prune(2, diverged, 0.75));
    assertArrayEquals(before, o.owners());
    assertEquals(Ownership.Stage.TRAINING, o.stage());
    o.prune(2, w, 0.75);
    refused(() -> o.setReuse(2, c, 5.4, 3), "setReuse(2)", "task 2 is PRUNED");
  }

  @Test
  void handWorkedTwoTasks() {
    Ownership o = new Ownership(TWO_LAYERS);
    assertEquals(1.0, o.freeFraction());
    o.beginTask(1);
    assertEquals(0.0, o.freeFraction());
    assertArrayEquals(new float[][] {ones(8), ones(4)}, o.trainableMask(1));
    // Ratio 0.5. Layer 0: k = 4 of 8, |w| sorted .05 .1 .2 .3 | .5 .7 .8 .9, cut-off .3.
    // Layer 1: k = 2 of 4, sorted .01 .4 | .6 .9, cut-off .4.
    float[][] w = {{0.8f, -0.1f, 0.5f, 0.05f, -0.9f, 0.2f, 0.3f, 0.7f}, {0.4f, -0.6f, 0.01f, 0.9f}};
    assertEquals(6, o.prune(1, w, 0.5));
    assertArrayEquals(
        new float[][] {{0.8f, 0, 0.5f, 0, -0.9f, 0, 0, 0.7f}, {0, -0.6f, 0, 0.9f}}, w);
    assertArrayEquals(new byte[][] {{1, 0, 1, 0, 1, 0, 0, 1}, {0, 1, 0, 1}}, o.owners());
    float[][] task1 = {{1, 0, 1, 0, 1, 0, 0, 1}, {0, 1, 0, 1}};
    assertArrayEquals(task1, o.activeMask(1));
    assertEquals(0.0, o.reusedFraction(1));
    o.finishTask(1);
    assertEquals(0.5, o.freeFraction());

    o.beginTask(2);
    assertArrayEquals(new byte[][] {{1, 2, 1, 2, 1, 2, 2, 1}, {2, 1, 2, 1}}, o.owners());
    assertArrayEquals(new float[][] {ones(8), ones(4)}, o.nonFreeMask());
    assertArrayEquals(new float[][] {{0, 1, 0, 1, 0, 1, 1, 0}, {1, 0, 1, 0}}, o.trainableMask(2));
    // Task-1 weights have counters 2, 1, 0, 3 (layer 0) and 2, 0 (layer 1); task 2's own are 9.
    short[][] counters = {{2, 9, 1, 9, 0, 9, 9, 3}, {9, 2, 9, 0}};
    // S = 5.4, D = 3. Epoch 3 < S: off iff counter ≤ 1.
    assertArrayEquals(
        new float[][] {{1, 1, 0, 1, 0, 1, 1, 1}, {1, 1, 1, 0}},
        o.selectionEpochMask(2, counters, 3, 5.4, 3, false));
    // Epoch 0: off iff counter ≤ 0.
    assertArrayEquals(
        new float[][] {{1, 1, 1, 1, 0, 1, 1, 1}, {1, 1, 1, 0}},
        o.selectionEpochMask(2, counters, 0, 5.4, 3, false));
    // S = 9, epoch 9 == S: everything on; with switchOffAtS, off iff counter ≤ 3.
    assertArrayEquals(
        new float[][] {ones(8), ones(4)}, o.selectionEpochMask(2, counters, 9, 9, 3, false));
    assertArrayEquals(
        new float[][] {{0, 1, 0, 1, 0, 1, 1, 0}, {1, 0, 1, 0}},
        o.selectionEpochMask(2, counters, 9, 9, 3, true));

    o.setReuse(2, counters, 5.4, 3);
    counters[0][4] = 99; // setReuse copied; this must not leak in
    // Task 2 owns layer 0 {1: .1, 3: .05, 5: .2, 6: .3} → k = 2, cut-off .1; layer 1 {0: .4, 2:
    // .01}
    // → k = 1, cut-off .01.
    w[0] = new float[] {0.8f, 0.1f, 0.5f, -0.05f, -0.9f, 0.2f, 0.3f, 0.7f};
    w[1] = new float[] {0.4f, -0.6f, 0.01f, 0.9f};
    assertEquals(3, o.prune(2, w, 0.5));
    assertArrayEquals(new byte[][] {{1, 0, 1, 0, 1, 2, 2, 1}, {2, 1, 0, 1}}, o.owners());
    // Reused iff counter > 5.4/3 = 1.8: layer 0 weights 0 and 7, layer 1 weight 1.
    float[][] task2 = {{1, 0, 0, 0, 0, 1, 1, 1}, {1, 1, 0, 0}};
    assertArrayEquals(task2, o.activeMask(2));
    assertArrayEquals(new float[][] {{0, 0, 0, 0, 0, 1, 1, 0}, {1, 0, 0, 0}}, o.trainableMask(2));
    o.finishTask(2);

    assertArrayEquals(task1, o.activeMask(1));
    assertArrayEquals(task2, o.activeMask(2));
    assertArrayEquals(new float[][] {{1, 0, 1, 0, 1, 1, 1, 1}, {1, 1, 0, 1}}, o.nonFreeMask());
    assertEquals(6 / 12.0, o.ownedFraction(1));
    assertEquals(3 / 12.0, o.ownedFraction(2));
    assertArrayEquals(new double[] {2 / 8.0, 1 / 4.0}, o.ownedFractionPerLayer(2));
    assertEquals(3 / 12.0, o.reusedFraction(2));
    assertEquals(3 / 12.0, o.freeFraction());
    assertEquals(2, o.lastFinished());
  }

  /** A five-task run on random layers, "training" by redrawing every trainable weight. */
  @Test
  void fiveTasksFollowTheCapacityCurveAndNeverTouchEarlierTasks() {
    int[] sizes = {1728, 36_864, 8192, 4103, 577};
    SplittableRandom rng = new SplittableRandom(2022);
    Ownership o = new Ownership(sizes);
    float[][] w = new float[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      w[l] = new float[sizes[l]];
    }
    int tasks = 5;
    float[][][] activeAfter = new float[tasks + 1][][];
    float[][][] weightsSeen = new float[tasks + 1][][];
    for (int t = 1; t <= tasks; t++) {
      o.beginTask(t);
      train(w, o.trainableMask(t), rng);
      if (t >= 2) {
        short[][] c = new short[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
          c[l] = new short[sizes[l]];
          for (int i = 0; i < sizes[l]; i++) {
            c[l][i] = (short) rng.nextInt(11);
          }
        }
        o.setReuse(t, c, 9.0, 3);
      }
      o.prune(t, w, 0.75);
      train(w, o.trainableMask(t), rng);
      o.finishTask(t);

      double expected = 0.25 * Math.pow(0.75, t - 1);
      double[] perLayer = o.ownedFractionPerLayer(t);
      for (int l = 0; l < sizes.length; l++) {
        assertEquals(expected * sizes[l], perLayer[l] * sizes[l], 3, "task " + t + " layer " + l);
      }
      activeAfter[t] = o.activeMask(t);
      weightsSeen[t] = times(w, activeAfter[t]);
      assertTrue(o.reusedFraction(t) <= 1.0 - o.freeFraction() - o.ownedFraction(t));
    }
    assertEquals(Math.pow(0.75, 5), o.freeFraction(), 3.0 * sizes.length / 51_464);

    byte[][] owner = o.owners();
    for (int k = 1; k <= tasks; k++) {
      float[][] active = o.activeMask(k);
      assertArrayEquals(activeAfter[k], active, "active set of task " + k + " changed");
      assertArrayEquals(weightsSeen[k], times(w, active), "weights of task " + k + " changed");
      for (int l = 0; l < sizes.length; l++) {
        for (int i = 0; i < sizes[l]; i++) {
          if (active[l][i] != 0f) {
            assertTrue(owner[l][i] >= 1 && owner[l][i] <= k, "task " + k + " uses a later weight");
          }
        }
      }
      if (k >= 2) {
        assertTrue(o.reusedFraction(k) > 0, "task " + k + " reuses nothing");
      }
    }
  }

  private static void train(float[][] w, float[][] trainable, SplittableRandom rng) {
    for (int l = 0; l < w.length; l++) {
      for (int i = 0; i < w[l].length; i++) {
        if (trainable[l][i] != 0f) {
          w[l][i] = (float) rng.nextGaussian();
        }
      }
    }
  }

  private static float[][] times(float[][] w, float[][] mask) {
    float[][] r = new float[w.length][];
    for (int l = 0; l < w.length; l++) {
      r[l] = new float[w[l].length];
      for (int i = 0; i < w[l].length; i++) {
        // Select rather than multiply: −w·0 would give −0f for a free weight.
        r[l][i] = mask[l][i] != 0f ? w[l][i] : 0f;
      }
    }
    return r;
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, 1f);
    return a;
  }

  /** Three finished tasks on two small random layers. */
  private static Ownership threeTasks() {
    int[] sizes = {40, 24};
    SplittableRandom rng = new SplittableRandom(5);
    Ownership o = new Ownership(sizes);
    float[][] w = {new float[40], new float[24]};
    for (int t = 1; t <= 3; t++) {
      o.beginTask(t);
      train(w, o.trainableMask(t), rng);
      if (t >= 2) {
        short[][] c = {new short[40], new short[24]};
        for (short[] layer : c) {
          for (int i = 0; i < layer.length; i++) {
            layer[i] = (short) rng.nextInt(7);
          }
        }
        o.setReuse(t, c, 5.4, 3);
      }
      o.prune(t, w, 0.75);
      o.finishTask(t);
    }
    return o;
  }

  @Test
  void restoreOfExportRoundTrips() {
    Ownership o = threeTasks();
    OwnershipState s = o.export();
    Ownership r = Ownership.restore(new int[] {40, 24}, s);
    assertEquals(s, r.export());
    assertEquals(3, r.lastFinished());
    assertEquals(Ownership.Stage.FINISHED, r.stage());
    for (int k = 1; k <= 3; k++) {
      assertArrayEquals(o.activeMask(k), r.activeMask(k));
      assertEquals(o.reusedFraction(k), r.reusedFraction(k));
    }
    // The restored copy is independent of the state it came from, and carries on.
    java.util.Arrays.fill(s.owner()[0], (byte) 0);
    r.beginTask(4);
    assertEquals(o.freeFraction(), r.ownedFraction(4));
    assertEquals(0.0, r.freeFraction());
    // A fresh state round-trips too.
    Ownership fresh = new Ownership(new int[] {3});
    assertEquals(fresh.export(), Ownership.restore(new int[] {3}, fresh.export()).export());
  }

  private static void rejects(Consumer<OwnershipState> corrupt, String fragment) {
    OwnershipState s = threeTasks().export();
    corrupt.accept(s);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Ownership.restore(new int[] {40, 24}, s));
    assertTrue(
        e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
  }

  @Test
  void restoreRejectsCorruptedState() {
    OwnershipState good = threeTasks().export();
    IllegalArgumentException sizes =
        assertThrows(
            IllegalArgumentException.class, () -> Ownership.restore(new int[] {40, 25}, good));
    assertTrue(sizes.getMessage().contains("layer sizes"));

    rejects(s -> s.owner()[1][3] = 4, "outside 0..3");
    rejects(s -> s.owner()[0][0] = -1, "outside 0..3");
    rejects(s -> s.reuse()[0] = s.reuse()[1], "task 1 has reuse counters");
    rejects(s -> s.reuse()[2] = null, "task 3 has no reuse counters");
    rejects(s -> s.reuse()[1].counters()[1] = new short[23], "task 2: counters layer 1");
    rejects(s -> s.reuse()[2].counters()[0][7] = -2, "negative");
    rejects(
        s -> s.reuse()[1] = new TaskReuse(s.reuse()[1].counters(), 5.4, 0),
        "task 2: counter divisor");
    OwnershipState base = threeTasks().export();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Ownership.restore(
                new int[] {40, 24},
                new OwnershipState(base.layerSizes(), 2, base.owner(), base.reuse())));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Ownership.restore(
                new int[] {40, 24},
                new OwnershipState(
                    base.layerSizes(),
                    3,
                    new byte[][] {base.owner()[0], new byte[5]},
                    base.reuse())));
    // The untouched export still restores, and differs from a corrupted one.
    Ownership.restore(new int[] {40, 24}, good);
    OwnershipState other = threeTasks().export();
    other.owner()[0][1] = (byte) (other.owner()[0][1] == 0 ? 1 : 0);
    assertNotEquals(good, other);
  }
}
