package org.h2cl.spark;

import java.io.Serializable;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TrainingListener;

/**
 * What a Spark task calls to train one seed: {@code SeedRunner::run} in production. An interface so
 * that the Spark boundary (scheduling, retries, failures, tables) can be tested with a trainer that
 * takes milliseconds.
 */
@FunctionalInterface
public interface SeedTrainer extends Serializable {

  /**
   * Trains {@code seed} through all tasks, resuming after its latest checkpoint in {@code
   * checkpoints} and saving one after each finished task.
   */
  SeedResult run(
      H2Settings settings, int seed, CheckpointStore checkpoints, TrainingListener listener);
}
