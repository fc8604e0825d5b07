package org.h2cl.progress;

import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a seed's progress on its executor: one line when it starts, one per epoch (logger {@value
 * #EPOCH_LOGGER}), one per finished task and one at the end, all at INFO. Phase starts get no line
 * of their own: every epoch line names its phase.
 */
public final class ProgressLog implements TrainingListener {

  /** The logger of the task and seed lines. */
  public static final String LOGGER = "org.h2cl.progress.executor";

  /**
   * The logger of the epoch lines, a child of {@link #LOGGER}: the driver mutes it where executors
   * share its JVM (local mode), since its own progress display says the same.
   */
  public static final String EPOCH_LOGGER = LOGGER + ".epoch";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Logger EPOCHS = LoggerFactory.getLogger(EPOCH_LOGGER);

  @Override
  public void seedStarted(SeedStart e) {
    LOG.info(
        "seed {}: {} tasks{}",
        e.seed(),
        e.tasks(),
        e.resumedFromTask() > 0 ? ", resuming after task " + e.resumedFromTask() : "");
  }

  @Override
  public void epochEnded(EpochEnd e) {
    if (EPOCHS.isInfoEnabled()) {
      EPOCHS.info(
          String.format(
              "seed %d task %d %s epoch %d/%d: loss %.4f, train acc %.2f%%, %.1f s",
              e.seed(),
              e.task(),
              e.phase(),
              e.epoch() + 1,
              e.epochs(),
              e.loss(),
              e.accuracy(),
              e.seconds()));
    }
  }

  @Override
  public void taskEnded(TaskEnd e) {
    TaskOutcome o = e.outcome();
    LOG.info(
        String.format(
            "seed %d task %d done: test acc %.2f%%, owns %.2f%%, reuses %.2f%% of weights, %.0f s",
            e.seed(),
            o.task(),
            o.accAfterTask(),
            100 * o.ownedFraction(),
            100 * o.reusedFraction(),
            o.trainSeconds()));
  }

  @Override
  public void seedEnded(SeedResult r) {
    LOG.info(
        "seed {} finished on {} ({}, {} threads, {}) in {} s",
        r.seed(),
        r.device(),
        r.backend(),
        r.threads(),
        r.kernels(),
        (r.endMillis() - r.startMillis()) / 1000);
  }
}
