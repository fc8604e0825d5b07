package org.h2cl;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.h2cl.checkpoint.CheckpointException;
import org.h2cl.config.H2Settings;
import org.h2cl.config.Redaction;
import org.h2cl.config.SettingsException;
import org.h2cl.config.SettingsLoader;
import org.h2cl.data.DataException;
import org.h2cl.progress.ProgressView;
import org.h2cl.results.ResultsException;
import org.h2cl.results.SeedFailure;
import org.h2cl.spark.H2Job;
import org.h2cl.spark.JobOptions;
import org.h2cl.spark.JobReport;
import org.h2cl.storage.StorageException;

/**
 * The command line: {@code [--conf FILE] [h2.key=value ...]}. Loads the settings once, runs the
 * job, and exits 0 when every seed finished, 1 when a seed failed, 2 on a usage, configuration,
 * data, checkpoint or output error (message only), 3 on anything else (a bug: full stack trace).
 */
public final class Main {

  static final int OK = 0;
  static final int SEEDS_FAILED = 1;
  static final int USER_ERROR = 2;
  static final int BUG = 3;

  private Main() {}

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            System.out,
            System.err,
            (s, verbose) -> H2Job.run(s, JobOptions.none(), ProgressView.forConsole(verbose))));
  }

  /** The parsed command line. */
  record Arguments(Optional<Path> conf, List<String> overrides, boolean help, boolean verbose) {

    static Arguments parse(String[] args) {
      Optional<Path> conf = Optional.empty();
      List<String> overrides = new ArrayList<>();
      boolean help = false;
      boolean verbose = false;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          help = true;
        } else if (a.equals("--verbose")) {
          verbose = true;
        } else if (a.equals("--conf") || a.startsWith("--conf=")) {
          String file =
              a.equals("--conf") ? (i + 1 < args.length ? args[++i] : "") : a.substring(7);
          if (file.isEmpty() || file.startsWith("--")) {
            throw new IllegalArgumentException("--conf needs a file, e.g. --conf conf/paper.conf");
          }
          if (conf.isPresent()) {
            throw new IllegalArgumentException("--conf given twice");
          }
          conf = Optional.of(Path.of(file));
        } else if (!a.startsWith("-") && a.contains("=")) {
          overrides.add(a);
        } else {
          throw new IllegalArgumentException(
              "unknown argument '"
                  + a
                  + "': expected --conf FILE, h2.key=value, --verbose or --help");
        }
      }
      return new Arguments(conf, List.copyOf(overrides), help, verbose);
    }
  }

  /**
   * Runs the command line with {@code job} as the job, writing to {@code out} and {@code err}.
   *
   * @param job runs the settings; its second argument is whether {@code --verbose} was given
   * @return the exit code
   */
  static int run(
      String[] args,
      PrintStream out,
      PrintStream err,
      BiFunction<H2Settings, Boolean, JobReport> job) {
    Arguments a;
    try {
      a = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println("Run with --help for the options.");
      return USER_ERROR;
    }
    if (a.help()) {
      out.print(help());
      return OK;
    }
    configureLogging(a.verbose());
    try {
      H2Settings settings = SettingsLoader.load(a.conf(), a.overrides());
      JobReport report = job.apply(settings, a.verbose());
      if (report.complete()) {
        return OK;
      }
      for (SeedFailure f : report.failures()) {
        err.println(
            "error: "
                + (settings.methods().size() > 1 ? f.method() + " " : "")
                + "seed "
                + f.seed()
                + " failed: "
                + Redaction.uris(f.error()));
      }
      err.printf(
          "%d of %d seeds failed (above: why, and what to change); the others' results are in %s."
              + " The same command resumes every seed after its last checkpoint.%n",
          report.failures().size(),
          settings.seeds().size() * settings.methods().size(),
          Redaction.uris(report.outputUri()));
      return SEEDS_FAILED;
    } catch (SettingsException
        | DataException
        | CheckpointException
        | ResultsException
        | StorageException e) {
      // Errors of the user's setup: the message says what and where; a stack trace would bury it.
      // It may quote a URI, whose credentials must not reach the console.
      err.println("error: " + Redaction.uris(e.getMessage()));
      return USER_ERROR;
    } catch (RuntimeException | Error e) {
      err.println("error: an unexpected failure (a bug; please report it with this output):");
      e.printStackTrace(err);
      return BUG;
    }
  }

  /**
   * The log levels of a run: those of our {@code log4j2.properties} (Spark quiet, our progress at
   * INFO), and Spark's INFO back with {@code --verbose}. Under spark-submit, log4j is configured
   * before this jar is on the class path: from the cluster's own {@code log4j2.properties}, which
   * is kept, or else from Spark's defaults (everything at INFO), which are replaced by ours so that
   * a run is as quiet on a cluster as on a laptop.
   */
  static void configureLogging(boolean verbose) {
    if (LogManager.getContext(false) instanceof LoggerContext ctx
        && String.valueOf(ctx.getConfigLocation()).endsWith(SPARK_DEFAULT_LOG_CONFIG)) {
      URL ours = Main.class.getResource("/log4j2.properties");
      if (ours != null) {
        try {
          ctx.setConfigLocation(ours.toURI());
        } catch (URISyntaxException e) {
          // A jar's resource URL is a valid URI; should one not be, Spark's defaults stay.
        }
      }
    }
    if (verbose) {
      Configurator.setLevel("org.apache.spark", Level.INFO);
      Configurator.setLevel("org.apache.spark.scheduler.TaskSetManager", Level.INFO);
      withStackTraces();
    }
  }

  /**
   * Gives other libraries' log lines their stack traces back: our {@code log4j2.properties} sends
   * them to an appender without ({@code brief}), beside the full one ({@code stderr}).
   */
  private static void withStackTraces() {
    if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
      return;
    }
    var config = ctx.getConfiguration();
    var full = config.getAppender("stderr");
    var root = config.getRootLogger();
    if (full != null && root.getAppenders().containsKey("brief")) {
      root.removeAppender("brief");
      root.addAppender(full, null, null);
      ctx.updateLoggers();
    }
  }

  /** The file Spark configures log4j from when nothing else did. */
  static final String SPARK_DEFAULT_LOG_CONFIG = "log4j2-defaults.properties";

  /** The {@code --help} text, listing the config files found in {@code conf/}. */
  static String help() {
    StringBuilder s = new StringBuilder();
    s.append(
        """
Usage: submit/local.sh [--conf FILE] [h2.key=value ...] [spark.key=value ...]
       submit/cluster.sh --master URL [--num-executors N] -- [--conf FILE] [h2.key=value ...]

Trains H2 (Jin & Kim, ECCV 2022) on Split CIFAR-10: one Spark task per seed (and per method of
h2.methods, to compare H2 with its baselines), five tasks each, checkpointed after every task;
writes Parquet tables and prints the paper's table with the continual-learning metrics.

Options:
  --conf FILE     settings overriding the defaults (HOCON); submit/local.sh uses
                  conf/quickstart.conf when none is given
  h2.key=value    one setting, e.g. h2.train.epochs=10 'h2.seeds=[0,1]' h2.output.uri=out/x
                  (quote values with [ ]: the shell expands them); later ones win;
                  -Dh2.key=value JVM properties beat all of them
  spark.key=value one Spark setting, e.g. spark.eventLog.enabled=true (not in a conf file)
  --verbose       Spark's own INFO logging, and in local mode every epoch's log line too
  --help          this text

While it runs, every seed's task, phase, epoch, last loss and accuracy and time left are
shown: redrawn in place on a terminal, else as log lines every minute and on phase changes.

""");
    s.append("Config files in conf/:\n");
    s.append(confFiles(Path.of("conf")));
    s.append(
        """

Every key, its default and its meaning: reference.conf (src/main/resources/reference.conf,
also inside the jar). Output tables and folder layout: docs/OUTPUT.md.

An unfinished run (no _RUN_COMPLETE marker in h2.output.uri) resumes from its checkpoints
when started again; a finished one is refused unless h2.output.overwrite=true. The job writes
only into a new or empty folder or its own earlier output, one run per folder at a time.

Exit codes: 0 every seed finished; 1 a seed failed (the others' results are written);
2 a usage, configuration, data, checkpoint or output error; 3 a bug.
""");
    return s.toString();
  }

  /** One line per {@code *.conf} file: its name and the first sentence of its leading comment. */
  private static String confFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return "  (none here: run from the project folder to see them)\n";
    }
    StringBuilder s = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
        s.append(String.format("  %-24s %s%n", dir.resolve(f.getFileName()), firstSentence(f)));
      }
    } catch (IOException e) {
      s.append("  (cannot list ").append(dir).append(": ").append(e.getMessage()).append(")\n");
    }
    return s.toString();
  }

  private static String firstSentence(Path conf) throws IOException {
    String comment =
        String.join(
            " ",
            Files.readAllLines(conf).stream()
                .takeWhile(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", ""))
                .toList());
    int end = comment.indexOf(". ");
    return end < 0 ? comment : comment.substring(0, end + 1);
  }
}
