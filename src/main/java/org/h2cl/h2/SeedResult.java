package org.h2cl.h2;

import java.io.Serializable;
import java.util.List;

/**
 * Everything one seed's run of one method reports: per-task results, the accuracy matrix, the
 * per-epoch history, and where it ran. Plain records of simple types only, so that it can travel as
 * JSON as well as Java-serialized.
 *
 * @param method the method's name ({@link org.h2cl.config.Method#key})
 * @param backend ND4J backend name (e.g. CPU, CUDA)
 * @param device device the seed ran on (e.g. "cpu", "cuda:0")
 * @param threads ND4J threads used
 * @param kernels what computed the network, e.g. "onednn 2.5.2 avx512_core winograd" or "libnd4j"
 * @param resumedFromTask the last task restored from a checkpoint (0 = started fresh)
 * @param history every epoch of every task, in order
 * @param freeFraction maskable weights no task owns after the last task (0 for finetune)
 * @param placement where Spark ran it; {@link Placement#NONE} until the Spark task sets it
 */
public record SeedResult(
    String method,
    int seed,
    List<TaskResult> tasks,
    List<AccuracyCell> accuracyMatrix,
    List<EpochRecord> history,
    double freeFraction,
    String backend,
    String device,
    int threads,
    String kernels,
    int resumedFromTask,
    long startMillis,
    long endMillis,
    Placement placement)
    implements Serializable {

  public SeedResult {
    tasks = List.copyOf(tasks);
    accuracyMatrix = List.copyOf(accuracyMatrix);
    history = List.copyOf(history);
  }

  /** A result not yet placed: {@link Placement#NONE}. */
  public SeedResult(
      String method,
      int seed,
      List<TaskResult> tasks,
      List<AccuracyCell> accuracyMatrix,
      List<EpochRecord> history,
      double freeFraction,
      String backend,
      String device,
      int threads,
      String kernels,
      int resumedFromTask,
      long startMillis,
      long endMillis) {
    this(
        method,
        seed,
        tasks,
        accuracyMatrix,
        history,
        freeFraction,
        backend,
        device,
        threads,
        kernels,
        resumedFromTask,
        startMillis,
        endMillis,
        Placement.NONE);
  }

  /** This result, placed where Spark ran it. */
  public SeedResult withPlacement(Placement where) {
    return new SeedResult(
        method,
        seed,
        tasks,
        accuracyMatrix,
        history,
        freeFraction,
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
