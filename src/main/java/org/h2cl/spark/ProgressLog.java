package org.h2cl.spark;

import org.h2cl.h2.Phase;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a seed's progress on the executor: phases and epochs at INFO, one line per finished task.
 */
final class ProgressLog implements TrainingListener {

  private static final Logger LOG = LoggerFactory.getLogger("org.h2cl.progress");

  @Override
  public void seedStarted(int seed, int tasks, int resumedFromTask) {
    LOG.info(
        "seed {}: {} tasks{}",
        seed,
        tasks,
        resumedFromTask > 0 ? ", resuming after task " + resumedFromTask : "");
  }

  @Override
  public void phaseStarted(int seed, int task, Phase phase, int epochs) {
    LOG.info("seed {} task {}: {} ({} epochs)", seed, task, phase, epochs);
  }

  @Override
  public void epochEnded(
      int seed,
      int task,
      Phase phase,
      int epoch,
      int epochs,
      double loss,
      double accuracy,
      double seconds) {
    LOG.info(
        String.format(
            "seed %d task %d %s epoch %d/%d: loss %.4f, train acc %.2f%%, %.1f s",
            seed, task, phase, epoch + 1, epochs, loss, accuracy, seconds));
  }

  @Override
  public void taskEnded(int seed, TaskOutcome o) {
    LOG.info(
        String.format(
            "seed %d task %d done: test acc %.2f%%, owns %.2f%%, reuses %.2f%% of weights, %.0f s",
            seed,
            o.task(),
            o.accAfterTask(),
            100 * o.ownedFraction(),
            100 * o.reusedFraction(),
            o.trainSeconds()));
  }

  @Override
  public void seedEnded(SeedResult r) {
    LOG.info(
        "seed {} finished on {} ({}, {} threads) in {} s",
        r.seed(),
        r.device(),
        r.backend(),
        r.threads(),
        (r.endMillis() - r.startMillis()) / 1000);
  }
}
