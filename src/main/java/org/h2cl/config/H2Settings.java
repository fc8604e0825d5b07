package org.h2cl.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    List<Method> methods,
    DataSettings data,
    ModelSettings model,
    TrainSettings train,
    RetrainSettings retrain,
    AssociationSettings association,
    double reinitStd,
    ReuseSettings reuse,
    PruneSettings prune,
    FixesSettings fixes,
    ComputeSettings compute,
    OutputSettings output,
    CheckpointSettings checkpoint,
    SparkSettings spark,
    String rendered)
    implements Serializable {

  public H2Settings {
    seeds = List.copyOf(seeds);
    methods = List.copyOf(methods);
  }

  /**
   * The method a seed trains with. Executors get settings narrowed to one method by {@link
   * #forMethod}.
   *
   * @throws IllegalStateException when the settings hold several methods
   */
  public Method method() {
    if (methods.size() != 1) {
      throw new IllegalStateException(
          "settings of one method expected (forMethod), these hold " + methods);
    }
    return methods.get(0);
  }

  /** These settings with {@code h2.methods = [method]}: what one method's seeds train with. */
  public H2Settings forMethod(Method method) {
    return new H2Settings(
        seeds,
        List.of(method),
        data,
        model,
        train,
        retrain,
        association,
        reinitStd,
        reuse,
        prune,
        fixes,
        compute,
        output,
        checkpoint,
        spark,
        rendered);
  }

  /**
   * These settings with the data, output and checkpoint folders at the given URIs: the driver
   * qualifies them (scheme, authority, absolute path) before the executors, which run in other
   * folders and on other hosts, see them.
   */
  public H2Settings withLocations(String dataUri, String outputUri, String checkpointUri) {
    return new H2Settings(
        seeds,
        methods,
        data.withUri(dataUri),
        model,
        train,
        retrain,
        association,
        reinitStd,
        reuse,
        prune,
        fixes,
        compute,
        new OutputSettings(outputUri, output.overwrite(), output.csv()),
        new CheckpointSettings(checkpointUri),
        spark,
        rendered);
  }

  /**
   * Where the dataset comes from, with the facts of each release that settings are checked against.
   */
  public enum DataSource {
    CIFAR10_BINARY("cifar10-binary", "Split CIFAR-10", 10, 5000, 1000),
    CIFAR100_BINARY("cifar100-binary", "Split CIFAR-100", 100, 500, 100),
    MNIST_IDX("mnist-idx", "Split MNIST", 10, 6742, 1135),
    SYNTHETIC("synthetic", "Split synthetic", 10, 5000, 1000);

    /** The value of {@code h2.data.source}, and the name of the source's section under it. */
    public final String key;

    /** The benchmark's name in the tables and the printed table. */
    public final String benchmark;

    /** Classes of the release. */
    public final int classes;

    /** The most training and test images any one class has (MNIST's classes differ in size). */
    public final int maxTrainPerClass;

    public final int maxTestPerClass;

    DataSource(
        String key, String benchmark, int classes, int maxTrainPerClass, int maxTestPerClass) {
      this.key = key;
      this.benchmark = benchmark;
      this.classes = classes;
      this.maxTrainPerClass = maxTrainPerClass;
      this.maxTestPerClass = maxTestPerClass;
    }
  }

  /**
   * {@code h2.data}, with the keys of the chosen source's section resolved into it.
   *
   * @param uri {@code h2.data.uri}, or the source's own folder when that is empty
   * @param downloadUrl the source's {@code download-url}: an archive, or MNIST's mirror folder
   * @param downloadMd5 the MD5 of every file the download fetches: the archive's, or MNIST's four
   * @param augment whether training images are augmented (false only for MNIST, by its key)
   */
  public record DataSettings(
      DataSource source,
      String uri,
      boolean download,
      String downloadUrl,
      List<String> downloadMd5,
      boolean augment,
      int tasks,
      int classesPerTask,
      int trainPerClass,
      int testPerClass,
      int syntheticTrainPerClass,
      int syntheticTestPerClass)
      implements Serializable {

    public DataSettings {
      downloadMd5 = List.copyOf(downloadMd5);
    }

    /** The same data at {@code newUri}. */
    public DataSettings withUri(String newUri) {
      return new DataSettings(
          source,
          newUri,
          download,
          downloadUrl,
          downloadMd5,
          augment,
          tasks,
          classesPerTask,
          trainPerClass,
          testPerClass,
          syntheticTrainPerClass,
          syntheticTestPerClass);
    }
  }

  /** {@code h2.model}. */
  public record ModelSettings(int baseWidth, boolean stemRelu) implements Serializable {}

  /** {@code h2.train}. */
  public record TrainSettings(int epochs, double lr, double momentum, int batchSize)
      implements Serializable {}

  /** {@code h2.retrain}. */
  public record RetrainSettings(int epochs, double lr) implements Serializable {}

  /** {@code h2.association}. */
  public record AssociationSettings(
      int epochs,
      int warmupEpochs,
      double lr,
      double logitLr,
      double temperature,
      boolean deterministic)
      implements Serializable {

    /** With the reference's Gumbel draw (deterministic = false). */
    public AssociationSettings(
        int epochs, int warmupEpochs, double lr, double logitLr, double temperature) {
      this(epochs, warmupEpochs, lr, logitLr, temperature, false);
    }
  }

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

  /**
   * {@code h2.fixes}: changes the reference lacks, each off by default (faithful H²).
   *
   * @param bnRecalibration after retraining, re-estimate the task's BatchNorm running statistics
   *     with one pass over its training images, no weight touched
   */
  public record FixesSettings(boolean bnRecalibration) implements Serializable {
    /** Every fix off. */
    public static final FixesSettings NONE = new FixesSettings(false);
  }

  /** {@code h2.compute}: how a seed computes; results differ at most by float rounding. */
  public record ComputeSettings(int threads, Kernels kernels, ConvAlgorithm convAlgorithm)
      implements Serializable {}

  /** {@code h2.output}. */
  public record OutputSettings(String uri, boolean overwrite, boolean csv)
      implements Serializable {}

  /** {@code h2.checkpoint}; uri already resolved (never empty). */
  public record CheckpointSettings(String uri) implements Serializable {}

  /**
   * {@code h2.spark}, and the {@code spark.key=value} arguments of the command line.
   *
   * @param conf Spark settings given as arguments, set on the job's SparkConf (they win over
   *     spark-submit's and the defaults)
   */
  public record SparkSettings(String master, String appName, boolean ui, Map<String, String> conf)
      implements Serializable {

    public SparkSettings {
      conf = Collections.unmodifiableMap(new TreeMap<>(conf));
    }
  }
}
