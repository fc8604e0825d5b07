package org.h2cl.h2;

/** The phases of one task, in the order docs/ALGORITHM.md §4-§5 runs them. */
public enum Phase {
  /** Task association on a scratch copy (tasks >= 2). */
  ASSOCIATE,
  /** Training; with Fisher-based selection of earlier weights for tasks >= 2. */
  TRAIN,
  /** Magnitude pruning of the task's own weights. */
  PRUNE,
  /** Retraining of the weights that survived pruning. */
  RETRAIN,
  /** Test-set evaluation. */
  EVALUATE
}
