package org.h2cl.h2;

import java.util.List;
import java.util.OptionalInt;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.checkpoint.CheckpointException;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.data.TaskData;
import org.h2cl.data.TaskDataLoader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One seed from start (or from its last checkpoint) to its results. Knows nothing of Spark: the job
 * calls it once per seed after binding threads and device; tests call it directly.
 */
public final class SeedRunner {
  private SeedRunner() {}

  /**
   * Trains every task of the seed with {@code settings.method()}, resuming after the latest
   * checkpoint of {@code checkpoints} and saving one after each finished task; then re-evaluates
   * every task (zero-forgetting check).
   */
  public static SeedResult run(
      H2Settings settings, int seed, CheckpointStore checkpoints, TrainingListener listener) {
    long start = System.currentTimeMillis();
    // Read once per JVM and shared by the seeds that run in it; opened with the driver's Hadoop
    // configuration, which the checkpoints carry.
    List<TaskData> tasks = TaskDataLoader.load(settings.data(), checkpoints.hadoop().get());
    H2Trainer trainer = new H2Trainer(settings, tasks, seed, listener);
    OptionalInt last = checkpoints.latestTask(seed);
    int resumed = 0;
    if (last.isPresent()) {
      resumed = last.getAsInt();
      // A corrupted file is refused by load, with what to do about it.
      ArrayBundle bundle = checkpoints.load(seed, resumed);
      try {
        trainer.restore(SeedCheckpoint.read(bundle, trainer.batchNormLayers()));
      } catch (CheckpointException e) {
        throw new CheckpointException(
            e.getMessage() + "; " + checkpoints.deleteToRetrain(seed, resumed), e);
      } catch (IllegalArgumentException e) {
        // Shapes and owner values are checked by restore; the user needs to know which file.
        throw new CheckpointException(
            "checkpoint "
                + checkpoints.path(seed, resumed)
                + " does not fit this run's network and tasks: "
                + e.getMessage()
                + "; "
                + checkpoints.deleteToRetrain(seed, resumed),
            e);
      }
    }
    listener.seedStarted(new TrainingListener.SeedStart(seed, tasks.size(), resumed));
    for (int t = resumed + 1; t <= tasks.size(); t++) {
      TaskOutcome outcome = trainer.runTask(t);
      checkpoints.save(seed, t, SeedCheckpoint.write(trainer.snapshot()));
      listener.taskEnded(new TrainingListener.TaskEnd(seed, outcome));
    }
    SeedResult result =
        new SeedResult(
            settings.method().key,
            seed,
            trainer.evaluateAll(),
            trainer.accuracyMatrix(),
            trainer.history(),
            trainer.freeFraction(),
            backendName(),
            deviceName(),
            Nd4j.getEnvironment().maxMasterThreads(),
            trainer.kernels(),
            resumed,
            start,
            System.currentTimeMillis(),
            Placement.NONE);
    listener.seedEnded(result);
    return result;
  }

  static String backendName() {
    String name = Nd4j.getBackend().getClass().getSimpleName();
    return name.toLowerCase().contains("cpu") ? "cpu" : "cuda";
  }

  static String deviceName() {
    return "cuda".equals(backendName())
        ? "cuda:" + Nd4j.getAffinityManager().getDeviceForCurrentThread()
        : "cpu";
  }
}
