package org.h2cl.results;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * {@code h2.output.csv = true}: every result table also as {@code csv/<table>.csv} (RFC 4180,
 * UTF-8, a header line of the column names), for tools that do not read Parquet. A null is an empty
 * field; a list ({@code association}, {@code run.seeds}) is JSON text; a timestamp is ISO-8601 in
 * UTC; numbers are Java's shortest round-trip form, so the CSV holds the Parquet's values exactly.
 */
public final class CsvTables {

  /** The folder under the output that holds the CSV files. */
  public static final String FOLDER = "csv";

  private CsvTables() {}

  /** Writes {@code tables} (name to rows of {@link ResultSchemas#TABLES}) into {@code folder}. */
  static void write(FileSystem fs, Path folder, Map<String, List<Row>> tables) throws IOException {
    fs.mkdirs(folder);
    for (Map.Entry<String, List<Row>> table : tables.entrySet()) {
      StructType schema = ResultSchemas.TABLES.get(table.getKey());
      try (OutputStream out = fs.create(new Path(folder, table.getKey() + ".csv"), false);
          Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
        w.write(String.join(",", schema.fieldNames()));
        w.write("\r\n");
        for (Row row : table.getValue()) {
          w.write(line(row, schema));
          w.write("\r\n");
        }
      }
    }
  }

  /** Whether {@code f} is what {@link #write} puts into the folder. */
  static boolean isCsvFile(FileStatus f) {
    return f.isFile() && f.getPath().getName().endsWith(".csv");
  }

  /** One row as a CSV line. */
  static String line(Row row, StructType schema) {
    StringBuilder sb = new StringBuilder();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object v = row.get(i);
      if (v == null) {
        continue;
      }
      String text =
          fields[i].dataType() instanceof ArrayType ? json(v, fields[i].dataType()) : scalar(v);
      sb.append(quoted(text));
    }
    return sb.toString();
  }

  private static String scalar(Object v) {
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    return String.valueOf(v);
  }

  /** A value of {@code type} as JSON: lists as arrays, rows as objects by field name. */
  static String json(Object v, DataType type) {
    if (v == null) {
      return "null";
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      return json(JavaConverters.seqAsJavaList(seq), type);
    }
    if (v instanceof List<?> list && type instanceof ArrayType array) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(json(list.get(i), array.elementType()));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Row r && type instanceof StructType struct) {
      StringBuilder sb = new StringBuilder("{");
      String[] names = struct.fieldNames();
      for (int i = 0; i < r.length(); i++) {
        sb.append(i == 0 ? "" : ",")
            .append(string(names[i]))
            .append(':')
            .append(json(r.get(i), struct.fields()[i].dataType()));
      }
      return sb.append('}').toString();
    }
    if (v instanceof Double d && !Double.isFinite(d)) {
      return string(String.valueOf(d));
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    return string(scalar(v));
  }

  private static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
  private static String quoted(String text) {
    boolean plain = text.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
    return plain ? text : '"' + text.replace("\"", "\"\"") + '"';
  }
}
