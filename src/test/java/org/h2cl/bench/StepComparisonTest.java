package org.h2cl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GPU check's comparison on small arrays worked out by hand. */
class StepComparisonTest {

  private static Map<String, float[]> arrays(float[] a, float[] b) {
    Map<String, float[]> m = new LinkedHashMap<>();
    m.put("conv", a);
    m.put("bn0.gamma", b);
    return m;
  }

  @Test
  void identicalStepsDifferByNothing() {
    Map<String, float[]> cpu = arrays(new float[] {3, 4}, new float[] {1, 0});
    StepComparison c = StepComparison.of(cpu, 0.7, cpu, 0.7, "d", "d");
    assertEquals(0, c.maxRelative());
    assertEquals(0, c.lossRelative());
    assertTrue(c.sameStart());
    assertTrue(c.within(0));
  }

  @Test
  void theWorstArrayByNormRelativeDifference() {
    // conv: ||(3,4) - (3,4.5)|| / ||(3,4)|| = 0.5 / 5 = 0.1; gamma: ||(0.01, 0)|| / ||(1, 0)|| =
    // 0.01
    StepComparison c =
        StepComparison.of(
            arrays(new float[] {3, 4.5f}, new float[] {1.01f, 0}),
            1.1,
            arrays(new float[] {3, 4}, new float[] {1, 0}),
            1.0,
            "d",
            "d");
    assertEquals(0.1, c.maxRelative(), 1e-7);
    assertEquals("conv", c.worstArray());
    assertEquals(0.1, c.lossRelative(), 1e-12);
    assertTrue(c.within(0.1 + 1e-6));
    assertFalse(c.within(0.099));
  }

  @Test
  void movingWhatTheCpuLeftAloneOrNotFiniteValuesNeverAgree() {
    Map<String, float[]> cpu = arrays(new float[] {3, 4}, new float[] {0, 0});
    StepComparison moved =
        StepComparison.of(arrays(new float[] {3, 4}, new float[] {0, 1e-6f}), 1, cpu, 1, "d", "d");
    assertEquals(Double.POSITIVE_INFINITY, moved.maxRelative());
    assertEquals("bn0.gamma", moved.worstArray());
    StepComparison nan =
        StepComparison.of(
            arrays(new float[] {Float.NaN, 4}, new float[] {0, 0}), 1, cpu, 1, "d", "d");
    assertEquals(Double.POSITIVE_INFINITY, nan.maxRelative());
    StepComparison nanLoss = StepComparison.of(cpu, Double.NaN, cpu, 1, "d", "d");
    assertFalse(nanLoss.within(1e9));
  }

  @Test
  void anotherStartNeverAgrees() {
    Map<String, float[]> cpu = arrays(new float[] {3, 4}, new float[] {1, 0});
    StepComparison c = StepComparison.of(cpu, 1, cpu, 1, "abc", "abd");
    assertFalse(c.sameStart());
    assertFalse(c.within(1e9));
  }

  @Test
  void differentArraysAreAnError() {
    Map<String, float[]> cpu = arrays(new float[] {3, 4}, new float[] {1, 0});
    Map<String, float[]> other = new LinkedHashMap<>(cpu);
    other.remove("conv");
    assertThrows(
        IllegalArgumentException.class, () -> StepComparison.of(other, 1, cpu, 1, "d", "d"));
    Map<String, float[]> shorter = arrays(new float[] {3}, new float[] {1, 0});
    assertThrows(
        IllegalArgumentException.class, () -> StepComparison.of(shorter, 1, cpu, 1, "d", "d"));
  }
}
