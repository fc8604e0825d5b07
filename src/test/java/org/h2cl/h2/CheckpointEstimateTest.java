package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.h2cl.compute.Backends;
import org.h2cl.config.H2Settings;
import org.h2cl.config.SettingsLoader;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;
import org.h2cl.model.ResNet18;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class CheckpointEstimateTest {

  @Test
  void theShapesAreResNet18s() {
    for (int width : new int[] {4, 16, 64}) {
      List<Integer> convs = new ArrayList<>();
      List<Integer> bns = new ArrayList<>();
      CheckpointEstimate.shapes(width, convs, bns);
      ResNet18 net =
          Backends.network(width, false, 2, DataType.FLOAT, Kernels.LIBND4J, ConvAlgorithm.DIRECT);
      assertEquals(Arrays.stream(net.convSizes()).boxed().toList(), convs, "width " + width);
      assertEquals(Arrays.stream(net.bnChannels()).boxed().toList(), bns, "width " + width);
    }
  }

  @Test
  void thePapersRunNeedsAboutFiveGigabytes() {
    H2Settings paper = SettingsLoader.load(Optional.empty(), List.of());
    long bytes = CheckpointEstimate.runBytes(paper);
    // 11.2 M conv weights: 5 bytes each (float, owner) per checkpoint, 2 more per task >= 2 for
    // the reuse counters, five checkpoints per seed, ten seeds.
    long weights = 11_164_352L;
    long expected = 10 * weights * (5 * 5 + 2 * (0 + 1 + 2 + 3 + 4));
    assertTrue(Math.abs(bytes - expected) < expected / 100, bytes + " vs " + expected);
  }
}
