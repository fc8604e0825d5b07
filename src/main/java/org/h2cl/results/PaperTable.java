package org.h2cl.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.h2cl.config.Method;

/**
 * The summary as the paper's table: the benchmark's name, one column per task and Avg, then a block
 * per method: a row "mean ± std" of its accuracies, for faithful H² where the paper reports that
 * benchmark with these tasks its result for comparison (only Split CIFAR-10 has such figures,
 * docs/ALGORITHM.md; every other run says so instead), and a row of its metrics (ACC, BWT,
 * forgetting, FWT, capacity used and free; docs/OUTPUT.md).
 */
public final class PaperTable {

  /** The official README's result: T1..T5, Avg (mean of 10 runs, task-incremental accuracy, %). */
  public static final List<Double> PAPER = List.of(98.82, 94.13, 96.36, 98.90, 98.27, 97.30);

  /** The paper's figures per benchmark name, for the tasks of {@link #PAPER_COLUMNS}. */
  private static final Map<String, List<Double>> PAPER_BY_BENCHMARK =
      Map.of("Split CIFAR-10", PAPER);

  private static final List<String> PAPER_COLUMNS = List.of("T1", "T2", "T3", "T4", "T5", "Avg");
  private static final String ROW_LABEL = "%-12s";
  private static final String CELL = "%15s";

  private PaperTable() {}

  /**
   * Formats {@code summary} rows (schema {@link ResultSchemas#SUMMARY}, in table order) as text; a
   * standard deviation that is null (a single seed) prints as "n/a".
   */
  public static String format(List<Row> summary) {
    Map<String, List<Row>> byMethod = new LinkedHashMap<>();
    for (Row r : summary) {
      byMethod.computeIfAbsent(r.<String>getAs("method"), m -> new ArrayList<>()).add(r);
    }
    String benchmark = summary.isEmpty() ? "" : summary.get(0).getAs("benchmark");
    int seeds = 0;
    List<String> columns = new ArrayList<>();
    for (Row r : summary) {
      String task = r.getAs("task");
      if (isAccuracyColumn(task)) {
        seeds = Math.max(seeds, r.<Integer>getAs("n_seeds"));
        if (!columns.contains(task)) {
          columns.add(task);
        }
      }
    }
    StringBuilder header = new StringBuilder(String.format(ROW_LABEL, ""));
    columns.forEach(c -> header.append(String.format(CELL, c)));
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%s, task-incremental accuracy (%%), mean ± sample std over %d seed%s",
            benchmark, seeds, seeds == 1 ? "" : "s"));
    lines.add(header.toString());
    for (Map.Entry<String, List<Row>> block : byMethod.entrySet()) {
      lines.addAll(block(block.getKey(), block.getValue(), columns, benchmark));
    }
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  /** One method's rows: its accuracies, the paper's (H² only), its metrics. */
  private static List<String> block(
      String method, List<Row> rows, List<String> columns, String benchmark) {
    Map<String, Row> byLabel = new LinkedHashMap<>();
    rows.forEach(r -> byLabel.put(r.getAs("task"), r));
    StringBuilder run = new StringBuilder(String.format(ROW_LABEL, method));
    List<Integer> stdWidths = new ArrayList<>();
    for (String c : columns) {
      Row r = byLabel.get(c);
      String stdText = r == null ? "" : " ± " + std(r);
      stdWidths.add(stdText.length());
      run.append(String.format(CELL, r == null ? "-" : mean(r) + stdText));
    }
    List<String> lines = new ArrayList<>();
    lines.add(run.toString());
    if (Method.H2.key.equals(method)) {
      List<Double> figures = PAPER_BY_BENCHMARK.get(benchmark);
      if (figures != null && columns.equals(PAPER_COLUMNS)) {
        StringBuilder paper = new StringBuilder(String.format(ROW_LABEL, "paper"));
        for (int i = 0; i < figures.size(); i++) {
          // Padded like the " ± std" above it, so the paper's mean sits under this run's mean.
          paper.append(String.format(CELL, fmt(figures.get(i)) + " ".repeat(stdWidths.get(i))));
        }
        lines.add(paper.toString().stripTrailing());
      } else {
        lines.add(
            String.format(ROW_LABEL, "paper")
                + "no figures to compare with: the paper reports Split CIFAR-10 with 5 tasks");
      }
    }
    StringBuilder metrics = new StringBuilder(String.format(ROW_LABEL, "  metrics"));
    List<String> parts = new ArrayList<>();
    for (String name : Metrics.NAMES) {
      Row r = byLabel.get(name);
      String label = METRIC_LABELS.get(name);
      if (r == null) {
        parts.add(label + " n/a" + (name.equals("FWT") ? " (needs independent)" : ""));
      } else {
        String unit = name.startsWith("capacity") ? " %" : "";
        parts.add(label + " " + mean(r) + " ± " + std(r) + unit);
      }
    }
    metrics.append(String.join("   ", parts));
    lines.add(metrics.toString());
    return lines;
  }

  private static final Map<String, String> METRIC_LABELS =
      Map.of(
          "ACC", "ACC",
          "BWT", "BWT",
          "forgetting", "forgetting",
          "FWT", "FWT",
          "capacity_used", "capacity used",
          "capacity_free", "free");

  /** T1, T2, … and Avg: the table's columns; the other rows are metrics. */
  private static boolean isAccuracyColumn(String label) {
    return label.equals(ResultTables.AVG) || label.matches("T\\d+");
  }

  private static String mean(Row r) {
    return fmt(r.<Double>getAs("mean_acc"));
  }

  private static String std(Row r) {
    Double std = r.getAs("std_acc");
    return std == null ? "n/a" : fmt(std);
  }

  private static String fmt(double v) {
    // -0.00 would read as a loss where there is none.
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.equals("-0.00") ? "0.00" : s;
  }
}
