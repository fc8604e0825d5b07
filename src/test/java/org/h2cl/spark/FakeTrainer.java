package org.h2cl.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.EpochRecord;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;
import org.h2cl.h2.TrainingListener;

/**
 * A trainer that takes milliseconds but keeps SeedRunner's contract: it resumes after the seed's
 * latest checkpoint, saves one after each task and then reports the task ended. Its accuracies are
 * a function of seed and task, so a resumed run must equal an uninterrupted one.
 */
public final class FakeTrainer implements SeedTrainer {

  private static final long serialVersionUID = 1L;

  /** What a test does once a task's checkpoint is saved: fill the disk, shrink a quota, wait. */
  @FunctionalInterface
  public interface AfterTask extends java.io.Serializable {
    void after(int seed, int task);
  }

  private final AfterTask afterTask;

  public FakeTrainer() {
    this((seed, task) -> {});
  }

  /**
   * @param afterTask runs after each task's checkpoint is saved and its end reported
   */
  public FakeTrainer(AfterTask afterTask) {
    this.afterTask = afterTask;
  }

  static double accuracy(int seed, int task) {
    return 90 + task + 0.1 * seed + 0.01 * ((seed * 7 + task * 3) % 5);
  }

  @Override
  public SeedResult run(
      H2Settings settings, int seed, CheckpointStore checkpoints, TrainingListener listener) {
    long start = System.currentTimeMillis();
    int tasks = settings.data().tasks();
    int resumed = checkpoints.latestTask(seed).orElse(0);
    double[] acc = resumed > 0 ? checkpoints.load(seed, resumed).doubles("acc") : new double[0];
    listener.seedStarted(new TrainingListener.SeedStart(seed, tasks, resumed));
    for (int k = resumed + 1; k <= tasks; k++) {
      listener.taskStarted(new TrainingListener.TaskStart(seed, k));
      acc = Arrays.copyOf(acc, k);
      acc[k - 1] = accuracy(seed, k);
      checkpoints.save(seed, k, new ArrayBundle().put("acc", acc));
      listener.taskEnded(new TrainingListener.TaskEnd(seed, outcome(k, acc[k - 1])));
      afterTask.after(seed, k);
    }
    List<TaskResult> outcomes = new ArrayList<>();
    List<AccuracyCell> matrix = new ArrayList<>();
    for (int k = 1; k <= tasks; k++) {
      outcomes.add(new TaskResult(outcome(k, acc[k - 1]), acc[k - 1]));
      for (int after = k; after <= tasks; after++) {
        matrix.add(new AccuracyCell(after, k, acc[k - 1]));
      }
    }
    List<EpochRecord> history = new ArrayList<>();
    for (int k = 1; k <= tasks; k++) {
      history.add(new EpochRecord(k, "train", 0, 0.5 / k, acc[k - 1], 0.01, 0.1, Double.NaN));
    }
    SeedResult r =
        new SeedResult(
            settings.method().key,
            seed,
            outcomes,
            matrix,
            history,
            0.5,
            "fake",
            "cpu",
            1,
            "fake",
            resumed,
            start,
            System.currentTimeMillis(),
            org.h2cl.h2.Placement.NONE);
    listener.seedEnded(r);
    return r;
  }

  private static TaskOutcome outcome(int task, double acc) {
    double[] pi = new double[task - 1];
    Arrays.fill(pi, 1.0 / Math.max(1, task - 1));
    return new TaskOutcome(task, acc, 0.25, 0.05, pi, pi.clone(), 0.5);
  }
}
