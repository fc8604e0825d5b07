package org.h2cl.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * The summary as the paper's table: one column per task and Avg, a row "mean ± std" for this run
 * and, for a five-task run, the official result for comparison.
 */
public final class PaperTable {

  /** The official README's result: T1..T5, Avg (mean of 10 runs, task-incremental accuracy, %). */
  public static final List<Double> PAPER = List.of(98.82, 94.13, 96.36, 98.90, 98.27, 97.30);

  private static final List<String> PAPER_COLUMNS = List.of("T1", "T2", "T3", "T4", "T5", "Avg");
  private static final int WIDTH = 15;

  private PaperTable() {}

  /**
   * Formats {@code summary} rows (schema {@link ResultSchemas#SUMMARY}, in table order) as text; a
   * standard deviation that is null (a single seed) prints as "n/a".
   */
  public static String format(List<Row> summary) {
    List<String> columns = new ArrayList<>();
    StringBuilder header = new StringBuilder(String.format("%-10s", ""));
    StringBuilder run = new StringBuilder(String.format("%-10s", "this run"));
    int seeds = 0;
    for (Row r : summary) {
      String task = r.getAs("task");
      columns.add(task);
      Double mean = r.getAs("mean_acc");
      Double std = r.getAs("std_acc");
      seeds = Math.max(seeds, (Integer) r.getAs("n_seeds"));
      header.append(String.format("%" + WIDTH + "s", task));
      run.append(
          String.format(
              Locale.ROOT,
              "%" + WIDTH + "s",
              String.format(Locale.ROOT, "%.2f ± %s", mean, std == null ? "n/a" : fmt(std))));
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "Split CIFAR-10, task-incremental accuracy (%%), mean ± sample std over %d seed%s%n",
            seeds, seeds == 1 ? "" : "s"));
    out.append(header).append(System.lineSeparator());
    out.append(run).append(System.lineSeparator());
    if (columns.equals(PAPER_COLUMNS)) {
      StringBuilder paper = new StringBuilder(String.format("%-10s", "paper"));
      for (double v : PAPER) {
        // Left-aligned under the means of this run, which end in " ± x.xx".
        paper.append(String.format(Locale.ROOT, "%" + WIDTH + "s", fmt(v) + "       "));
      }
      out.append(paper).append(System.lineSeparator());
    }
    return out.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
