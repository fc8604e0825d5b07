package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GpuBindingTest {

  @Test
  void cpuBackendUsesTheCpuWhateverSparkAssigned() {
    assertEquals(GpuBinding.CPU, GpuBinding.decide(false, null));
    assertEquals(GpuBinding.CPU, GpuBinding.decide(false, new String[] {"1"}));
    assertEquals("cpu", GpuBinding.decide(false, new String[0]).deviceName());
  }

  @Test
  void cudaBackendBindsTheFirstAssignedDevice() {
    GpuBinding b = GpuBinding.decide(true, new String[] {"3", "5"});
    assertEquals(OptionalInt.of(3), b.cudaDevice());
    assertTrue(b.assignedBySpark());
    assertEquals("cuda:3", b.deviceName());
    assertEquals("cuda:12", GpuBinding.decide(true, new String[] {" 12 "}).deviceName());
  }

  @Test
  void cudaBackendWithoutAGpuResourceUsesDeviceZero() {
    for (String[] none : new String[][] {null, {}}) {
      GpuBinding b = GpuBinding.decide(true, none);
      assertEquals(OptionalInt.of(0), b.cudaDevice());
      assertFalse(b.assignedBySpark());
    }
  }

  @Test
  void aMalformedAddressIsAClearError() {
    for (String bad : new String[] {"GPU-5f1e2d", "-1", "", "0,1", "cuda:0", null}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> GpuBinding.decide(true, new String[] {bad}));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("non-negative integer"), e.getMessage());
    }
  }
}
