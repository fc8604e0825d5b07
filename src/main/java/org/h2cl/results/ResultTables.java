package org.h2cl.results;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;

import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.h2cl.h2.SeedResult;

/**
 * Writes a run's four result tables as Parquet so that a reader never sees them half-written: all
 * tables go to {@code <out>/_staging-<run id>} first, are then moved into place, and only a run in
 * which every seed finished gets the {@link OutputFolder#MARKER} last. A crash before all four are
 * staged leaves the earlier tables; one while they move is completed by the next start ({@link
 * OutputFolder#completeInterruptedPublish}).
 */
public final class ResultTables {

  /** The label of the summary row that averages over tasks. */
  public static final String AVG = "Avg";

  private ResultTables() {}

  /**
   * Writes {@code task_results}, {@code accuracy_matrix}, {@code summary} and {@code run} under
   * {@code outputUri}, replacing tables an earlier (unfinished) run left there.
   *
   * @return the summary rows (T1..Tn, then Avg), as written
   */
  public static List<Row> write(
      SparkSession spark, List<SeedResult> results, RunInfo info, String outputUri) {
    return write(spark, results, info, outputUri, step -> {});
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
      Consumer<String> afterStep) {
    OutputFolder out = new OutputFolder(outputUri, spark.sparkContext().hadoopConfiguration());
    Path staging = out.freshStaging(info.runId());

    Dataset<Row> taskResults =
        spark.createDataFrame(ResultRows.taskResults(results), ResultSchemas.TASK_RESULTS);
    List<Row> summary = summarize(taskResults, info.benchmark()).collectAsList();
    save(taskResults, out, staging, "task_results");
    afterStep.accept("staged task_results");
    save(
        spark.createDataFrame(ResultRows.accuracyMatrix(results), ResultSchemas.ACCURACY_MATRIX),
        out,
        staging,
        "accuracy_matrix");
    afterStep.accept("staged accuracy_matrix");
    save(spark.createDataFrame(summary, ResultSchemas.SUMMARY), out, staging, "summary");
    afterStep.accept("staged summary");
    save(
        spark.createDataFrame(List.of(ResultRows.run(info, results)), ResultSchemas.RUN),
        out,
        staging,
        "run");
    afterStep.accept("staged run");

    out.publish(
        staging,
        info.complete(),
        "run_id=" + info.runId() + "\nended_at=" + info.endedAt(),
        afterStep);
    return summary;
  }

  /**
   * The {@code summary} table computed from {@code task_results}: per task, the mean and sample
   * standard deviation over seeds of {@code acc_final}; for {@code Avg}, each seed's mean over its
   * tasks, then mean and sample standard deviation of those over seeds. The standard deviation of a
   * single seed is undefined and stays null (Spark's {@code stddev_samp}). Ordered T1..Tn, Avg;
   * every row names the benchmark.
   */
  public static Dataset<Row> summarize(Dataset<Row> rows, String benchmark) {
    // One partition, in seed order: floating-point sums then add up in the same order whatever
    // the cluster's parallelism, so a cluster's summary equals a local run's bit for bit.
    Dataset<Row> taskResults = rows.coalesce(1);
    Column[] byTask = stats(col("acc_final"));
    Dataset<Row> perTask =
        taskResults
            .groupBy("task")
            .agg(byTask[0], byTask[1], byTask[2])
            .select(
                concat(lit("T"), col("task").cast(DataTypes.StringType)).as("task"),
                col("mean_acc"),
                col("std_acc"),
                col("n_seeds"),
                col("task").as("order"));
    Column[] overSeeds = stats(col("seed_mean"));
    Dataset<Row> overTasks =
        taskResults
            .groupBy("seed")
            .agg(avg("acc_final").as("seed_mean"))
            .agg(overSeeds[0], overSeeds[1], overSeeds[2])
            .where(col("n_seeds").gt(0))
            .select(
                lit(AVG).as("task"),
                col("mean_acc"),
                col("std_acc"),
                col("n_seeds"),
                lit(Integer.MAX_VALUE).as("order"));
    StructType schema = ResultSchemas.SUMMARY;
    return perTask
        .unionByName(overTasks)
        .orderBy("order")
        .drop("order")
        .select(
            lit(benchmark).as("benchmark"),
            col("task"),
            col("mean_acc").cast(schema.apply("mean_acc").dataType()),
            col("std_acc").cast(schema.apply("std_acc").dataType()),
            col("n_seeds").cast(schema.apply("n_seeds").dataType()));
  }

  /** Mean, sample standard deviation and count of {@code accuracy}, named as in the summary. */
  private static Column[] stats(Column accuracy) {
    return new Column[] {
      avg(accuracy).as("mean_acc"),
      stddev_samp(accuracy).as("std_acc"),
      count(accuracy).as("n_seeds")
    };
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
