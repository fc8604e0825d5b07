package org.h2cl.config;

import java.io.Serializable;
import java.util.List;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;

/**
 * The whole validated configuration of a run, built once by {@link SettingsLoader} on the driver
 * and shipped to executors as is. Mirrors {@code reference.conf} key by key (kebab-case keys,
 * camelCase fields).
 *
 * @param rendered the resolved {@code h2} block as JSON, secrets redacted: stored with the results
 */
public record H2Settings(
    List<Integer> seeds,
    DataSettings data,
    ModelSettings model,
    TrainSettings train,
    RetrainSettings retrain,
    AssociationSettings association,
    double reinitStd,
    ReuseSettings reuse,
    PruneSettings prune,
    ComputeSettings compute,
    OutputSettings output,
    CheckpointSettings checkpoint,
    SparkSettings spark,
    String rendered)
    implements Serializable {

  public H2Settings {
    seeds = List.copyOf(seeds);
  }

  /** Where the dataset comes from. */
  public enum DataSource {
    CIFAR10_BINARY("cifar10-binary"),
    SYNTHETIC("synthetic");

    public final String key;

    DataSource(String key) {
      this.key = key;
    }
  }

  /** {@code h2.data}. */
  public record DataSettings(
      DataSource source,
      String uri,
      boolean download,
      String downloadUrl,
      String downloadMd5,
      int tasks,
      int classesPerTask,
      int trainPerClass,
      int testPerClass,
      int syntheticTrainPerClass,
      int syntheticTestPerClass)
      implements Serializable {}

  /** {@code h2.model}. */
  public record ModelSettings(int baseWidth, boolean stemRelu) implements Serializable {}

  /** {@code h2.train}. */
  public record TrainSettings(int epochs, double lr, double momentum, int batchSize)
      implements Serializable {}

  /** {@code h2.retrain}. */
  public record RetrainSettings(int epochs, double lr) implements Serializable {}

  /** {@code h2.association}. */
  public record AssociationSettings(
      int epochs, int warmupEpochs, double lr, double logitLr, double temperature)
      implements Serializable {}

  /** {@code h2.reuse}. */
  public record ReuseSettings(
      double selectionFraction,
      int counterDivisor,
      int fisherSamples,
      double threshold,
      boolean switchOffAtS)
      implements Serializable {

    /**
     * S = selection-fraction x train epochs, kept fractional as the reference does
     * (docs/ALGORITHM.md §5.3).
     */
    public double selectionEpochs(int trainEpochs) {
      return selectionFraction * trainEpochs;
    }
  }

  /** {@code h2.prune}. */
  public record PruneSettings(double ratio) implements Serializable {}

  /** {@code h2.compute}: how a seed computes; results differ at most by float rounding. */
  public record ComputeSettings(int threads, Kernels kernels, ConvAlgorithm convAlgorithm)
      implements Serializable {}

  /** {@code h2.output}. */
  public record OutputSettings(String uri, boolean overwrite) implements Serializable {}

  /** {@code h2.checkpoint}; uri already resolved (never empty). */
  public record CheckpointSettings(String uri) implements Serializable {}

  /** {@code h2.spark}. */
  public record SparkSettings(String master, String appName, boolean ui) implements Serializable {}
}
