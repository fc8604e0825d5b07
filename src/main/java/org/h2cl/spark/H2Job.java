package org.h2cl.spark;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.spark.util.SparkUtils;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.checkpoint.Fingerprint;
import org.h2cl.compute.Backends;
import org.h2cl.config.H2Settings;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.Method;
import org.h2cl.config.Redaction;
import org.h2cl.config.SettingsException;
import org.h2cl.data.DataException;
import org.h2cl.data.TaskDataLoader;
import org.h2cl.h2.Placement;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.SeedRunner;
import org.h2cl.model.Kernels;
import org.h2cl.progress.ProgressFiles;
import org.h2cl.progress.ProgressMonitor;
import org.h2cl.progress.ProgressView;
import org.h2cl.results.OutputFolder;
import org.h2cl.results.PaperTable;
import org.h2cl.results.ResultTables;
import org.h2cl.results.ResultsException;
import org.h2cl.results.ResultsGuide;
import org.h2cl.results.RunInfo;
import org.h2cl.results.SeedFailure;
import org.h2cl.results.Versions;
import org.h2cl.storage.HadoopConf;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver: checks the output folder, runs every seed as a Spark task while showing their
 * progress, writes the result tables and prints the paper's table and where the results are.
 *
 * <p>Each seed runs as its own Spark job of one task, all submitted at once from driver threads, so
 * Spark spreads them over the task slots (one per GPU) like the partitions of one job would.
 * Separate jobs keep a seed that fails for good (after Spark's retries, or because its executor
 * died) from aborting the others: each job's result arrives on its own, the failed seed is
 * reported, and the others' results are written.
 */
public final class H2Job {

  private static final Logger LOG = LoggerFactory.getLogger(H2Job.class);

  /**
   * ND4J's registrator, for INDArrays if any ever travel. Seeds' results travel as JSON text
   * ({@link SeedResultJson}), which needs no class of ours in the serializer's class loader.
   */
  static final String KRYO_REGISTRATORS = "org.nd4j.kryo.Nd4jRegistrator";

  private H2Job() {}

  /**
   * The Spark configuration of a run. What spark-submit set (as system properties) wins; otherwise
   * the master, app name and UI switch come from {@code settings}. In local mode the driver binds
   * to 127.0.0.1. Kryo always, with ND4J's registrator.
   */
  static SparkConf sparkConf(H2Settings settings) {
    SparkConf conf = new SparkConf();
    conf.setIfMissing("spark.master", settings.spark().master());
    conf.setIfMissing("spark.app.name", settings.spark().appName());
    if (conf.get("spark.master").startsWith("local")) {
      // No network needed on one machine; the host's name may not even resolve.
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    conf.setIfMissing("spark.ui.enabled", Boolean.toString(settings.spark().ui()));
    // The only shuffles are the summary's aggregations over a few dozen rows.
    conf.setIfMissing("spark.sql.shuffle.partitions", "2");
    // The user's spark.key=value arguments, after every default above and over spark-submit's.
    settings.spark().conf().forEach(conf::set);
    conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.set("spark.kryo.registrator", KRYO_REGISTRATORS);
    return conf;
  }

  /** A Spark session configured by {@link #sparkConf}, or the one already running. */
  public static SparkSession session(H2Settings settings) {
    return SparkSession.builder().config(sparkConf(settings)).getOrCreate();
  }

  /**
   * Runs the whole job: a Spark session from {@code settings} (or spark-submit's), every seed
   * trained by {@link SeedRunner}, the tables, the printed summary; the session is stopped at the
   * end.
   *
   * @param options test-only switches; {@link JobOptions#none()} for real runs
   * @param view how the seeds' progress is shown, normally {@link ProgressView#forConsole}
   */
  public static JobReport run(H2Settings settings, JobOptions options, ProgressView view) {
    SparkSession spark = session(settings);
    try {
      return run(spark, settings, options, SeedRunner::run, view);
    } finally {
      spark.stop();
    }
  }

  /**
   * {@link #run(SparkSession, H2Settings, JobOptions, SeedTrainer, ProgressView)} with log lines.
   */
  public static JobReport run(
      SparkSession spark, H2Settings settings, JobOptions options, SeedTrainer trainer) {
    return run(spark, settings, options, trainer, ProgressView.logLines(false));
  }

  /**
   * Runs every seed of {@code settings} with {@code trainer} on {@code spark}, showing their
   * progress through {@code view}, writes the tables under {@code h2.output.uri} and prints the
   * summary and where the tables are.
   *
   * @throws ResultsException when the output holds a finished run and overwrite is off, or an
   *     output folder cannot be opened
   * @throws org.h2cl.checkpoint.CheckpointException when existing checkpoints belong to another
   *     setup
   * @throws DataException when the data set is missing or malformed; after any of these nothing was
   *     written or deleted
   */
  public static JobReport run(
      SparkSession spark,
      H2Settings settings,
      JobOptions options,
      SeedTrainer trainer,
      ProgressView view) {
    Instant started = Instant.now();
    String runId = runId(started);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    settings = located(settings, hadoop);
    OutputFolder out = new OutputFolder(settings.output().uri(), hadoop);
    String fingerprint = Fingerprint.of(settings, Versions.code());
    CheckpointStore checkpoints =
        new CheckpointStore(
            settings.checkpoint().uri(),
            fingerprint,
            Fingerprint.canonical(settings, Versions.code()),
            HadoopConf.of(hadoop));
    RunFolders folders = new RunFolders(settings, out, checkpoints, hadoop);
    LOG.info("settings (secrets redacted): {}", settings.rendered());
    if (!settings.spark().conf().isEmpty()) {
      LOG.info("spark settings of the command line: {}", Redaction.values(settings.spark().conf()));
    }
    // Every check comes before the first write: a bad input leaves the output as it was.
    folders.check();
    checkOutput(out, checkpoints, settings.output().overwrite());
    checkKernels(settings);
    prepareData(settings.data(), hadoop, spark.sparkContext().isLocal());
    checkKryo(spark);
    try (RunFolders.Taken taken = folders.take(runId, started)) {
      return trainAndPublish(
          spark, settings, options, trainer, view, runId, started, out, checkpoints, fingerprint);
    }
  }

  /** The run in folders taken for it: every seed trained, the tables written, the summary shown. */
  private static JobReport trainAndPublish(
      SparkSession spark,
      H2Settings settings,
      JobOptions options,
      SeedTrainer trainer,
      ProgressView view,
      String runId,
      Instant started,
      OutputFolder out,
      CheckpointStore checkpoints,
      String fingerprint) {
    clearOrRecoverOutput(out, checkpoints, settings.output().overwrite());

    LOG.info(
        "run {}: methods {}, seeds {} on {}, output {}",
        runId,
        settings.methods(),
        settings.seeds(),
        spark.sparkContext().master(),
        Redaction.uris(out.uri()));
    List<SeedResult> results = new ArrayList<>();
    List<SeedFailure> failures = new ArrayList<>();
    // One method after the other, each method's seeds all at once: the progress display and
    // each method's checkpoint folder stay what they are for a single method.
    for (Method method : settings.methods()) {
      if (settings.methods().size() > 1) {
        // The progress lines below name seeds only.
        System.out.println(
            "method "
                + method
                + " ("
                + (settings.methods().indexOf(method) + 1)
                + " of "
                + settings.methods().size()
                + ")");
      }
      CheckpointStore store = checkpoints.forMethod(method.key);
      store.claimFolder();
      ProgressFiles progress = ProgressFiles.under(store, runId);
      // What an interrupted earlier run left (the driver ignores it: another run id).
      deleteQuietly(progress);
      SeedTask task = new SeedTask(settings.forMethod(method), store, progress, options, trainer);
      try (ProgressMonitor monitor = new ProgressMonitor(progress, settings.seeds(), view)) {
        monitor.start(spark.sparkContext().isLocal());
        trainSeeds(spark, method, settings.seeds(), task, results, failures, monitor);
      } finally {
        deleteQuietly(progress);
      }
      if (shuttingDown()) {
        break;
      }
    }
    if (shuttingDown()) {
      // Spark has stopped: no tables can be written, and the JVM exits with the signal's status.
      LOG.warn(
          "run {} interrupted before every seed finished; the earlier tables are as they were."
              + " Run the same command to resume from the checkpoints in {}",
          runId,
          Redaction.uris(checkpoints.uri()));
      return new JobReport(runId, out.uri(), results, List.of(), "");
    }

    RunInfo info =
        new RunInfo(
            runId,
            settings.data().source().benchmark,
            started,
            Instant.now(),
            settings.rendered(),
            fingerprint,
            Versions.current(spark.version()),
            spark.sparkContext().master(),
            spark.sparkContext().applicationId(),
            Redaction.uris(out.uri()),
            Redaction.uris(checkpoints.uri()),
            failures);
    List<Row> summary =
        ResultTables.write(spark, results, info, out.uri(), settings.output().csv());
    String table = PaperTable.format(summary);
    // Apart from the progress display above it.
    System.out.println();
    System.out.print(table);
    System.out.println();
    System.out.print(ResultsGuide.format(Redaction.uris(out.uri()), info.complete()));
    return new JobReport(runId, out.uri(), results, failures, table);
  }

  /**
   * Checks the output folder without changing it: a finished run is refused unless {@code
   * overwrite}; without {@code overwrite} the checkpoints of an unfinished run must carry this
   * run's fingerprint.
   */
  static void checkOutput(OutputFolder out, CheckpointStore checkpoints, boolean overwrite) {
    if (out.isFinished() && !overwrite) {
      throw new ResultsException(
          "output "
              + Redaction.uris(out.uri())
              + " holds a finished run ("
              + out.markerText().orElse("").replace('\n', ' ')
              + "). Choose another h2.output.uri, or set h2.output.overwrite=true to replace it.");
    }
    if (!overwrite && !checkpoints.isEmpty()) {
      checkpoints.verifyFingerprints();
    }
  }

  /**
   * h2.compute.kernels = onednn must be able to run here (the executors run the same build); auto
   * says which kernels it chose and why, since libnd4j's are ~3x slower on a CPU.
   */
  static void checkKernels(H2Settings settings) {
    Kernels asked = settings.compute().kernels();
    int width = settings.model().baseWidth();
    String reason =
        asked == Kernels.LIBND4J ? null : Backends.oneDnnUnusableReason(DataType.FLOAT, width);
    if (asked == Kernels.ONEDNN && reason != null) {
      throw new SettingsException(List.of("h2.compute.kernels: onednn cannot run here: " + reason));
    }
    if (asked == Kernels.AUTO && reason != null) {
      LOG.info("kernels: libnd4j, since {}", reason);
    } else {
      LOG.info(
          "kernels: {}",
          Backends.choose(asked, DataType.FLOAT, width, settings.compute().convAlgorithm())
              .describe());
    }
  }

  /**
   * Makes the checked output folder ready, once every input was found good: with {@code overwrite}
   * every earlier result table and checkpoint is deleted; otherwise a publish of result tables that
   * a crash interrupted is completed, and the checkpoints are kept for resuming.
   */
  static void clearOrRecoverOutput(
      OutputFolder out, CheckpointStore checkpoints, boolean overwrite) {
    if (overwrite) {
      LOG.info(
          "h2.output.overwrite=true: deleting earlier results and checkpoints in {}",
          Redaction.uris(out.uri()));
      out.clearResults();
      checkpoints.deleteAll();
      return;
    }
    for (String staging : out.completeInterruptedPublish()) {
      LOG.warn("completed the publish of result tables that a crash interrupted ({})", staging);
    }
    if (!checkpoints.isEmpty()) {
      LOG.info(
          "resuming an unfinished run from the checkpoints of seeds {} in {}",
          checkpoints.seeds(),
          Redaction.uris(checkpoints.uri()));
    }
  }

  /**
   * Downloads or generates the data set once, on the driver, and reads and splits it with the
   * executors' own code before any seed starts: ten executors must not all fetch the archive, and a
   * missing, truncated or mislabelled data set, or a class without images, is one clear error
   * before anything is written rather than every seed's failed attempts. In local mode the
   * executors then reuse what was read here; on a cluster the driver lets it go.
   *
   * @throws DataException when the data cannot be provided or is malformed
   */
  static void prepareData(DataSettings data, Configuration hadoop, boolean local) {
    TaskDataLoader.load(data, hadoop);
    if (!local) {
      TaskDataLoader.clearCache();
    }
  }

  /**
   * Runs one single-task Spark job per seed, all at once, and sorts what comes back into results
   * and failures.
   */
  private static void trainSeeds(
      SparkSession spark,
      Method method,
      List<Integer> seeds,
      SeedTask task,
      List<SeedResult> results,
      List<SeedFailure> failures,
      ProgressMonitor monitor) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            seeds.size(),
            r -> {
              Thread t = new Thread(r, "h2-seed-job");
              t.setDaemon(true);
              return t;
            });
    try {
      Map<Integer, Future<SeedResult>> jobs = new LinkedHashMap<>();
      for (int seed : seeds) {
        jobs.put(
            seed,
            pool.submit(
                () -> {
                  jsc.setJobDescription("H2 " + method + " seed " + seed);
                  try {
                    SeedResult r =
                        SeedResultJson.read(
                            jsc.parallelize(List.of(seed), 1).map(task).collect().get(0));
                    monitor.finished(seed);
                    Placement p = r.placement();
                    LOG.info(
                        "seed {} ran on executor {} ({}), GPU {}, attempt {}, kernels {}",
                        seed,
                        p.executorId(),
                        p.host(),
                        p.gpuAddress().isEmpty() ? "none" : p.gpuAddress(),
                        p.attempts(),
                        r.kernels());
                    return r;
                  } catch (Exception e) {
                    // Spark's own SparkException is checked, though collect() declares nothing.
                    if (shuttingDown()) {
                      monitor.interrupted(seed);
                    } else {
                      monitor.failed(seed, describe(e));
                    }
                    throw e;
                  }
                }));
      }
      for (Map.Entry<Integer, Future<SeedResult>> job : jobs.entrySet()) {
        try {
          results.add(job.getValue().get());
        } catch (ExecutionException e) {
          if (shuttingDown()) {
            LOG.warn(
                "seed {} interrupted: the job is shutting down (SIGTERM or Ctrl-C); its finished"
                    + " tasks are checkpointed, and the same command resumes it",
                job.getKey());
            continue;
          }
          SeedFailure f =
              new SeedFailure(method.key, job.getKey(), Redaction.uris(describe(e.getCause())));
          LOG.error("{} seed {} failed: {}", f.method(), f.seed(), f.error());
          failures.add(f);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      spark.sparkContext().cancelAllJobs();
      throw new IllegalStateException("interrupted while waiting for the seeds", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One line saying why a seed failed: the outermost exception of this project in the chain, else
   * the task's own exception when Spark passed it back, else the first line of Spark's message.
   */
  static String describe(Throwable t) {
    // Our own exceptions say what to do; what they wrap (a Hadoop error) only says what happened.
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getClass().getName().startsWith("org.h2cl.")) {
        return c.getClass().getName() + ": " + firstLine(String.valueOf(c.getMessage()));
      }
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = String.valueOf(root.getMessage());
    if (root instanceof SparkException) {
      int i = msg.indexOf(MOST_RECENT);
      return firstLine(i < 0 ? msg : msg.substring(i + MOST_RECENT.length()));
    }
    return root.getClass().getName() + ": " + firstLine(msg);
  }

  private static final String MOST_RECENT = "most recent failure: ";

  /**
   * Whether the JVM is shutting down (SIGTERM, Ctrl-C): Hadoop's shutdown hooks, Spark's among
   * them, are running and stopping the seeds' jobs, which then end as interrupted, not failed.
   */
  private static boolean shuttingDown() {
    return ShutdownHookManager.get().isShutdownInProgress();
  }

  private static String firstLine(String s) {
    return s.lines().findFirst().orElse("");
  }

  /**
   * Runs DL4J's check that Kryo can ship INDArrays. It makes an INDArray on the driver, which needs
   * ND4J's backend there; a driver that cannot load it (a CPU-only driver of a CUDA build) only
   * skips the check.
   */
  private static void checkKryo(SparkSession spark) {
    boolean ok;
    try {
      ok =
          SparkUtils.checkKryoConfiguration(
              JavaSparkContext.fromSparkContext(spark.sparkContext()), LOG);
    } catch (RuntimeException | LinkageError e) {
      if (String.valueOf(e.getMessage()).contains("Kryo")) {
        throw e;
      }
      LOG.warn(
          "could not check the Kryo configuration on the driver (ND4J did not load): {}",
          e.toString());
      return;
    }
    if (!ok) {
      throw new IllegalStateException("the Kryo configuration cannot ship INDArrays");
    }
  }

  /** The records are disposable: a folder left behind is deleted by the next run. */
  private static void deleteQuietly(ProgressFiles progress) {
    try {
      progress.deleteAll();
    } catch (RuntimeException e) {
      LOG.warn("could not delete the progress records in {}: {}", progress.uri(), e.toString());
    }
  }

  /**
   * {@code settings} with its folders qualified where the driver runs: a relative path means the
   * folder the user ran the job in, and a path without a scheme the default file system of the
   * driver's Hadoop configuration (where spark.hadoop.fs.defaultFS may point), not what an
   * executor's working folder or node would make of them.
   */
  static H2Settings located(H2Settings settings, Configuration hadoop) {
    return settings.withLocations(
        qualifiedIfOpens(settings.data().uri(), hadoop),
        qualified(settings.output().uri(), hadoop),
        qualified(settings.checkpoint().uri(), hadoop));
  }

  /**
   * The data's URI qualified, or as given when its file system cannot be opened: the data's own
   * checks then say what is wrong with it, naming its key.
   */
  private static String qualifiedIfOpens(String uri, Configuration hadoop) {
    try {
      return qualified(uri, hadoop);
    } catch (ResultsException e) {
      return uri;
    }
  }

  private static String qualified(String uri, Configuration hadoop) {
    try {
      Path p = new Path(uri);
      return p.getFileSystem(hadoop).makeQualified(p).toString();
    } catch (IOException | IllegalArgumentException e) {
      // An unknown name node host arrives as an IllegalArgumentException.
      throw new ResultsException("cannot open the file system of " + uri + ": " + e, e);
    } catch (RuntimeException e) {
      // Hadoop knows s3a: but its classes come with hadoop-aws, which is not on our class path.
      if (!(e.getCause() instanceof ClassNotFoundException)) {
        throw e;
      }
      throw new ResultsException(
          "cannot open the file system of "
              + uri
              + ": no Hadoop file system for its scheme on the class path ("
              + e.getCause().getMessage()
              + ")",
          e);
    }
  }

  private static String runId(Instant started) {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started)
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
