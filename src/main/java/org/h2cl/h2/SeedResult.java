package org.h2cl.h2;

import java.io.Serializable;
import java.util.List;

/**
 * Everything one seed's run reports: per-task results, the accuracy matrix, and where it ran.
 *
 * @param backend ND4J backend name (e.g. CPU, CUDA)
 * @param device device the seed ran on (e.g. "cpu", "cuda:0")
 * @param threads ND4J threads used
 * @param kernels what computed the network, e.g. "onednn 2.5.2 avx512_core winograd" or "libnd4j"
 * @param resumedFromTask the last task restored from a checkpoint (0 = started fresh)
 * @param placement where Spark ran it; {@link Placement#NONE} until the Spark task sets it
 */
public record SeedResult(
    int seed,
    List<TaskResult> tasks,
    List<AccuracyCell> accuracyMatrix,
    String backend,
    String device,
    int threads,
    String kernels,
    int resumedFromTask,
    long startMillis,
    long endMillis,
    Placement placement)
    implements Serializable {

  /** This result, placed where Spark ran it. */
  public SeedResult withPlacement(Placement where) {
    return new SeedResult(
        seed,
        tasks,
        accuracyMatrix,
        backend,
        device,
        threads,
        kernels,
        resumedFromTask,
        startMillis,
        endMillis,
        where);
  }
}
