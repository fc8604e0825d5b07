package org.h2cl.results;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schemas of the five result tables, defined here and nowhere else; docs/OUTPUT.md explains
 * every column. Every field is declared nullable because Parquet read back through Spark always is,
 * so a table read from disk has exactly these schemas; only {@code summary.std_acc} and {@code
 * history.switched_off} are ever null. Every table starts with the method.
 */
public final class ResultSchemas {

  private ResultSchemas() {}

  /** One row per method, seed and task. */
  public static final StructType TASK_RESULTS =
      struct(
          field("method", StringType),
          field("seed", IntegerType),
          field("task", IntegerType),
          field("acc_after_task", DoubleType),
          field("acc_final", DoubleType),
          field("owned_fraction", DoubleType),
          field("reused_fraction", DoubleType),
          field("association", DataTypes.createArrayType(DoubleType)),
          field("association_logits", DataTypes.createArrayType(DoubleType)),
          field("train_seconds", DoubleType),
          field("resumed", BooleanType));

  /** One row per method, seed, finished task and evaluated task. */
  public static final StructType ACCURACY_MATRIX =
      struct(
          field("method", StringType),
          field("seed", IntegerType),
          field("after_task", IntegerType),
          field("task", IntegerType),
          field("accuracy", DoubleType));

  /** One row per method, seed, task, phase and epoch: the learning curves. */
  public static final StructType HISTORY =
      struct(
          field("method", StringType),
          field("seed", IntegerType),
          field("task", IntegerType),
          field("phase", StringType),
          field("epoch", IntegerType),
          field("loss", DoubleType),
          field("train_accuracy", DoubleType),
          field("lr", DoubleType),
          field("seconds", DoubleType),
          field("switched_off", DoubleType));

  /**
   * Per method: one row per task (T1, T2, ...), one for the average over tasks (Avg), then one per
   * metric ({@link Metrics#NAMES}).
   */
  public static final StructType SUMMARY =
      struct(
          field("method", StringType),
          field("benchmark", StringType),
          field("task", StringType),
          field("mean_acc", DoubleType),
          field("std_acc", DoubleType),
          field("n_seeds", IntegerType));

  /** Per-seed provenance, an element of {@code run.seeds}. */
  public static final StructType SEED_INFO =
      struct(
          field("method", StringType),
          field("seed", IntegerType),
          field("backend", StringType),
          field("device", StringType),
          field("threads", IntegerType),
          field("kernels", StringType),
          field("resumed_from_task", IntegerType),
          field("started_at", TimestampType),
          field("ended_at", TimestampType),
          field("executor_id", StringType),
          field("host", StringType),
          field("gpu_address", StringType),
          field("attempts", IntegerType));

  /** A seed that failed for good, an element of {@code run.failed_seeds}. */
  public static final StructType SEED_FAILURE =
      struct(field("method", StringType), field("seed", IntegerType), field("error", StringType));

  /** One row: what ran, where, with which settings and versions. */
  public static final StructType RUN =
      struct(
          field("run_id", StringType),
          field("started_at", TimestampType),
          field("ended_at", TimestampType),
          field("complete", BooleanType),
          field("config_json", StringType),
          field("fingerprint", StringType),
          field("h2_version", StringType),
          field("spark_version", StringType),
          field("nd4j_version", StringType),
          field("java_version", StringType),
          field("scala_version", StringType),
          field("master", StringType),
          field("spark_app_id", StringType),
          field("output_uri", StringType),
          field("checkpoint_uri", StringType),
          field("seeds", DataTypes.createArrayType(SEED_INFO)),
          field("failed_seeds", DataTypes.createArrayType(SEED_FAILURE)));

  /** Table name (its folder under the output) to schema, in the order they are written. */
  public static final Map<String, StructType> TABLES = tables();

  private static Map<String, StructType> tables() {
    Map<String, StructType> t = new LinkedHashMap<>();
    t.put("task_results", TASK_RESULTS);
    t.put("accuracy_matrix", ACCURACY_MATRIX);
    t.put("history", HISTORY);
    t.put("summary", SUMMARY);
    t.put("run", RUN);
    return Collections.unmodifiableMap(t);
  }

  private static StructType struct(StructField... fields) {
    return new StructType(fields);
  }

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
