package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

class SeedTaskTest {

  /** Threads of each pool: libnd4j's loops, OpenMP (this thread), OpenBLAS. */
  private static String pools() {
    return Nd4j.getEnvironment().maxMasterThreads()
        + "/"
        + NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads()
        + "/"
        + Nd4j.factory().blas().getMaxThreads();
  }

  @Test
  void limitThreadsBoundsEveryPoolOfTheCallingThread() {
    int cores = Nd4j.getEnvironment().maxThreads();
    try {
      SeedTask.limitThreads(1);
      assertEquals("1/1/1", pools());
    } finally {
      SeedTask.limitThreads(cores);
    }
    assertEquals(cores + "/" + cores + "/" + cores, pools());
  }
}
