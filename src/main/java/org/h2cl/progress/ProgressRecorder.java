package org.h2cl.progress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.h2cl.h2.Phase;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one seed's training events into {@link SeedProgress} records for the driver: one when the
 * seed starts, when each phase starts, when each epoch ends, when each task ends, and when the seed
 * ends. A record that cannot be delivered is dropped with one warning: progress never stops
 * training.
 */
public final class ProgressRecorder implements TrainingListener {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressRecorder.class);

  private final String runId;
  private final int attempt;
  private final WorkPlan plan;
  private final Consumer<SeedProgress> sink;
  private final LongSupplier clock;
  private final EpochRate rate = new EpochRate(EpochRate.ALPHA);

  private long counter;
  private boolean warned;
  private int seed;
  private long startedAt;
  private long lastEpochEnd;
  private int resumedFromTask;
  private List<Double> testAccuracy = List.of();
  private int task;
  private Phase phase;
  private int epoch;
  private int epochs;
  private double loss = Double.NaN;
  private double trainAccuracy = Double.NaN;
  private double epochSeconds = Double.NaN;
  private int epochsDone;

  /**
   * @param attempt Spark's attempt number of the seed's task
   * @param sink where records go, normally {@link ProgressFiles#write}
   */
  public ProgressRecorder(String runId, int attempt, WorkPlan plan, Consumer<SeedProgress> sink) {
    this(runId, attempt, plan, sink, System::currentTimeMillis);
  }

  /**
   * @param clock milliseconds since the epoch
   */
  ProgressRecorder(
      String runId, int attempt, WorkPlan plan, Consumer<SeedProgress> sink, LongSupplier clock) {
    this.runId = runId;
    this.attempt = attempt;
    this.plan = plan;
    this.sink = sink;
    this.clock = clock;
  }

  @Override
  public void seedStarted(SeedStart e) {
    this.seed = e.seed();
    this.resumedFromTask = e.resumedFromTask();
    startedAt = clock.getAsLong();
    lastEpochEnd = startedAt;
    testAccuracy = new ArrayList<>(Collections.nCopies(e.tasks(), Double.NaN));
    task = resumedFromTask;
    epochsDone = plan.epochsBefore(resumedFromTask + 1);
    emit(SeedProgress.Event.STARTED, startedAt);
  }

  @Override
  public void taskStarted(TaskStart e) {
    this.task = e.task();
  }

  @Override
  public void phaseStarted(PhaseStart e) {
    this.task = e.task();
    this.phase = e.phase();
    this.epoch = 0;
    this.epochs = e.epochs();
    loss = Double.NaN;
    trainAccuracy = Double.NaN;
    epochSeconds = Double.NaN;
    epochsDone = plan.position(task, phase, 0);
    emit(SeedProgress.Event.PHASE, clock.getAsLong());
  }

  @Override
  public void epochEnded(EpochEnd e) {
    long now = clock.getAsLong();
    rate.add((now - lastEpochEnd) / 1000.0);
    lastEpochEnd = now;
    this.task = e.task();
    this.phase = e.phase();
    this.epoch = e.epoch() + 1;
    this.epochs = e.epochs();
    this.loss = e.loss();
    this.trainAccuracy = e.accuracy();
    this.epochSeconds = e.seconds();
    epochsDone = plan.position(task, phase, e.epoch() + 1);
    emit(SeedProgress.Event.EPOCH, now);
  }

  @Override
  public void taskEnded(TaskEnd e) {
    task = e.outcome().task();
    if (task >= 1 && task <= testAccuracy.size()) {
      testAccuracy.set(task - 1, e.outcome().accAfterTask());
    }
    epochsDone = plan.epochsBefore(task + 1);
    emit(SeedProgress.Event.TASK, clock.getAsLong());
  }

  @Override
  public void seedEnded(SeedResult result) {
    epochsDone = plan.total();
    emit(SeedProgress.Event.FINISHED, clock.getAsLong());
  }

  private void emit(SeedProgress.Event event, long now) {
    SeedProgress p =
        new SeedProgress(
            runId,
            seed,
            attempt,
            ++counter,
            event,
            task,
            plan.tasks(),
            phase,
            epoch,
            epochs,
            loss,
            trainAccuracy,
            epochSeconds,
            testAccuracy,
            resumedFromTask,
            epochsDone,
            plan.total(),
            rate.secondsPerEpoch(),
            EpochRate.secondsLeft(plan.total() - epochsDone, rate.secondsPerEpoch()),
            (now - startedAt) / 1000.0,
            startedAt,
            now);
    try {
      sink.accept(p);
    } catch (RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn(
            "seed {}: progress records are not reaching the driver ({}); training goes on",
            seed,
            e.toString());
      }
    }
  }
}
