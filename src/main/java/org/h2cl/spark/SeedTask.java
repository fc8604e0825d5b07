package org.h2cl.spark;

import java.util.Optional;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.h2.Placement;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TrainingListener;
import org.h2cl.progress.ProgressFiles;
import org.h2cl.progress.ProgressLog;
import org.h2cl.progress.ProgressRecorder;
import org.h2cl.progress.WorkPlan;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one seed inside a Spark task: sets ND4J's threads, binds the GPU Spark assigned, and runs
 * the {@link SeedTrainer}, which resumes from the seed's latest checkpoint when a retried attempt
 * finds one. Its progress goes to the executor's log and, as records, to the driver; its result, as
 * JSON ({@link SeedResultJson}).
 */
final class SeedTask implements Function<Integer, String> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SeedTask.class);

  private final H2Settings settings;
  private final CheckpointStore checkpoints;
  private final ProgressFiles progress;
  private final JobOptions options;
  private final SeedTrainer trainer;

  SeedTask(
      H2Settings settings,
      CheckpointStore checkpoints,
      ProgressFiles progress,
      JobOptions options,
      SeedTrainer trainer) {
    this.settings = settings;
    this.checkpoints = checkpoints;
    this.progress = progress;
    this.options = options;
    this.trainer = trainer;
  }

  /**
   * Bounds the threads libnd4j uses for this seed. In ND4J 1.0.0-M2.1 {@code
   * Environment.setMaxThreads} changes nothing (maxThreads() still reports every core), so each
   * pool is set itself: OpenMP (oneDNN's kernels) for this thread, which runs the whole seed;
   * libnd4j's own loops and OpenBLAS for the process, where every task of an executor sets the same
   * value.
   */
  static void limitThreads(int threads) {
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
  }

  /** This executor, its host, the GPU Spark gave the task, and how many attempts it took. */
  private static Placement placement(TaskContext ctx, String[] gpus) {
    SparkEnv env = SparkEnv.get();
    return new Placement(
        env.executorId(),
        env.blockManager().blockManagerId().host(),
        gpus == null ? "" : String.join(",", gpus),
        ctx.attemptNumber() + 1);
  }

  @Override
  public String call(Integer seed) {
    TaskContext ctx = TaskContext.get();
    int threads = settings.compute().threads() > 0 ? settings.compute().threads() : ctx.cpus();
    limitThreads(threads);

    String[] gpus =
        Optional.ofNullable(ctx.resourcesJMap().get("gpu"))
            .map(ResourceInformation::addresses)
            .orElse(null);
    boolean cuda = Nd4j.getBackend().getClass().getName().contains("JCublas");
    GpuBinding gpu = GpuBinding.decide(cuda, gpus);
    // The binding holds for this thread, the one that runs the whole seed.
    gpu.cudaDevice().ifPresent(Nd4j.getAffinityManager()::unsafeSetDevice);
    if (cuda && !gpu.assignedBySpark()) {
      LOG.warn(
          "seed {}: Spark assigned no GPU to this task, using {}; set"
              + " spark.task.resource.gpu.amount=1 (submit/cluster.sh) to give each seed its own",
          seed,
          gpu.deviceName());
    } else if (!cuda && gpus != null) {
      LOG.warn(
          "seed {}: Spark assigned GPU {} but ND4J runs on the CPU backend; build with -Pcuda",
          seed,
          String.join(",", gpus));
    }
    LOG.info(
        "seed {}: attempt {} on {} with {} threads",
        seed,
        ctx.attemptNumber(),
        gpu.deviceName(),
        threads);

    TrainingListener observers =
        TrainingListener.all(
            new ProgressLog(),
            new ProgressRecorder(
                progress.runId(), ctx.attemptNumber(), WorkPlan.of(settings), progress::write));
    SeedResult result =
        trainer.run(
            settings,
            seed,
            checkpoints,
            new FaultInjectingListener(observers, options, ctx.attemptNumber()));
    return SeedResultJson.write(result.withPlacement(placement(ctx, gpus)));
  }
}
