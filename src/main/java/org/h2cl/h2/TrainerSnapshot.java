package org.h2cl.h2;

import java.util.List;

/**
 * A seed's whole state between two tasks, as plain arrays: what a checkpoint holds
 * (docs/ALGORITHM.md §3). Optimizer state is not part of it: every phase starts with fresh
 * momentum.
 *
 * @param convWeights per maskable layer, [out, in, k, k] flattened
 * @param heads per finished task: weight [classes × features] flattened, then bias
 * @param banks per finished task, per BN layer: gamma, beta, running mean, running variance
 */
public record TrainerSnapshot(
    float[][] convWeights,
    OwnershipState ownership,
    List<HeadArrays> heads,
    List<BankArrays> banks,
    List<TaskOutcome> outcomes,
    List<AccuracyCell> accuracyMatrix,
    List<EpochRecord> history) {

  /** A snapshot without history (checkpoints written before the history table existed). */
  public TrainerSnapshot(
      float[][] convWeights,
      OwnershipState ownership,
      List<HeadArrays> heads,
      List<BankArrays> banks,
      List<TaskOutcome> outcomes,
      List<AccuracyCell> accuracyMatrix) {
    this(convWeights, ownership, heads, banks, outcomes, accuracyMatrix, List.of());
  }

  /** One task's head. */
  public record HeadArrays(float[] weight, float[] bias) {}

  /** One task's BN bank; index = BN layer. */
  public record BankArrays(
      float[][] gamma, float[][] beta, float[][] runningMean, float[][] runningVar) {}

  public int finishedTasks() {
    return outcomes.size();
  }
}
