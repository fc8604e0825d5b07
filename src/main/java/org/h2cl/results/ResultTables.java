package org.h2cl.results;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskResult;

/**
 * Writes a run's five result tables as Parquet so that a reader never sees them half-written: all
 * tables go to {@code <out>/_staging-<run id>} first, are then moved into place, and only a run in
 * which every seed finished gets the {@link OutputFolder#MARKER} last. A crash before all five are
 * staged leaves the earlier tables; one while they move is completed by the next start ({@link
 * OutputFolder#completeInterruptedPublish}).
 */
public final class ResultTables {

  /** The label of the summary row that averages over tasks. */
  public static final String AVG = "Avg";

  private ResultTables() {}

  /**
   * Writes {@code task_results}, {@code accuracy_matrix}, {@code history}, {@code summary} and
   * {@code run} under {@code outputUri}, replacing tables an earlier (unfinished) run left there.
   *
   * @return the summary rows (per method T1..Tn, Avg, then the metrics), as written
   */
  public static List<Row> write(
      SparkSession spark, List<SeedResult> results, RunInfo info, String outputUri) {
    return write(spark, results, info, outputUri, false, step -> {});
  }

  /**
   * As above; with {@code csv} ({@code h2.output.csv}) every table also as CSV ({@link CsvTables}).
   */
  public static List<Row> write(
      SparkSession spark, List<SeedResult> results, RunInfo info, String outputUri, boolean csv) {
    return write(spark, results, info, outputUri, csv, step -> {});
  }

  static List<Row> write(
      SparkSession spark,
      List<SeedResult> results,
      RunInfo info,
      String outputUri,
      Consumer<String> afterStep) {
    return write(spark, results, info, outputUri, false, afterStep);
  }

  /**
   * As {@link #write(SparkSession, List, RunInfo, String)}; {@code afterStep} is called with
   * "staged " and the table's name after each table is written to staging, then with each step of
   * {@link OutputFolder#publish(Path, boolean, String, Consumer)}, so that tests can crash there.
   */
  static List<Row> write(
      SparkSession spark,
      List<SeedResult> results,
      RunInfo info,
      String outputUri,
      boolean csv,
      Consumer<String> afterStep) {
    OutputFolder out = new OutputFolder(outputUri, spark.sparkContext().hadoopConfiguration());
    Path staging = out.freshStaging(info.runId());

    List<Row> summary = summarize(results, info.benchmark());
    Map<String, List<Row>> tables = new LinkedHashMap<>();
    tables.put("task_results", ResultRows.taskResults(results));
    tables.put("accuracy_matrix", ResultRows.accuracyMatrix(results));
    tables.put("history", ResultRows.history(results));
    tables.put("summary", summary);
    tables.put("run", List.of(ResultRows.run(info, results)));
    for (Map.Entry<String, List<Row>> table : tables.entrySet()) {
      String name = table.getKey();
      StructType schema = ResultSchemas.TABLES.get(name);
      save(spark.createDataFrame(table.getValue(), schema), out, staging, name);
      afterStep.accept("staged " + name);
    }
    if (csv) {
      try {
        CsvTables.write(out.fileSystem(), new Path(staging, CsvTables.FOLDER), tables);
      } catch (IOException | RuntimeException | FSError e) {
        throw out.stagingFailed(staging, CsvTables.FOLDER, e);
      }
      afterStep.accept("staged " + CsvTables.FOLDER);
    }

    out.publish(
        staging,
        info.complete(),
        "run_id=" + info.runId() + "\nended_at=" + info.endedAt(),
        afterStep);
    return summary;
  }

  /**
   * The {@code summary} rows, computed in plain Java in (method, seed) order so that every run of
   * the same results gives the same bits: per method, per task the mean and sample standard
   * deviation over seeds of {@code acc_final}; for {@code Avg}, each seed's mean over its tasks,
   * then mean and sample standard deviation of those over seeds; then each metric of {@link
   * Metrics} over the seeds that have it (a metric no seed has, FWT without {@code independent},
   * gets no row). The standard deviation of a single seed is undefined and stays null. Every row
   * names the method and the benchmark.
   */
  public static List<Row> summarize(List<SeedResult> results, String benchmark) {
    List<SeedResult> ordered = ResultRows.ordered(results);
    List<Metrics> metrics = Metrics.of(ordered);
    List<Row> rows = new ArrayList<>();
    for (String method : methods(ordered)) {
      TreeMap<Integer, List<Double>> byTask = new TreeMap<>();
      List<Double> seedMeans = new ArrayList<>();
      for (SeedResult r : ordered) {
        if (!r.method().equals(method) || r.tasks().isEmpty()) {
          continue;
        }
        double sum = 0;
        for (TaskResult t :
            r.tasks().stream().sorted(Comparator.comparingInt(TaskResult::task)).toList()) {
          byTask.computeIfAbsent(t.task(), k -> new ArrayList<>()).add(t.accFinal());
          sum += t.accFinal();
        }
        seedMeans.add(sum / r.tasks().size());
      }
      byTask.forEach((task, values) -> rows.add(row(method, benchmark, "T" + task, values)));
      if (!seedMeans.isEmpty()) {
        rows.add(row(method, benchmark, AVG, seedMeans));
      }
      for (int i = 0; i < Metrics.NAMES.size(); i++) {
        List<Double> values = new ArrayList<>();
        for (Metrics m : metrics) {
          double v = m.values()[i];
          if (m.method().equals(method) && !Double.isNaN(v)) {
            values.add(v);
          }
        }
        if (!values.isEmpty()) {
          rows.add(row(method, benchmark, Metrics.NAMES.get(i), values));
        }
      }
    }
    return rows;
  }

  /** The methods of {@code ordered}, each once, in order. */
  private static List<String> methods(List<SeedResult> ordered) {
    return ordered.stream().map(SeedResult::method).distinct().toList();
  }

  private static Row row(String method, String benchmark, String label, List<Double> values) {
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.size();
    Double std = null;
    if (values.size() > 1) {
      double squares = 0;
      for (double v : values) {
        squares += (v - mean) * (v - mean);
      }
      std = Math.sqrt(squares / (values.size() - 1));
    }
    return new GenericRowWithSchema(
        new Object[] {method, benchmark, label, mean, std, values.size()}, ResultSchemas.SUMMARY);
  }

  private static void save(Dataset<Row> table, OutputFolder out, Path staging, String name) {
    try {
      // The tables are small: one file each is what a notebook wants to read.
      table
          .coalesce(1)
          .write()
          .mode(SaveMode.ErrorIfExists)
          .parquet(new Path(staging, name).toString());
    } catch (Exception | FSError e) {
      // Spark's SparkException is checked, though write() declares nothing; a full disk is an
      // FSError or an IOException inside it.
      throw out.stagingFailed(staging, name, e);
    }
  }
}
