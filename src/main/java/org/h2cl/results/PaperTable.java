package org.h2cl.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The summary as the paper's table: the benchmark's name, one column per task and Avg, a row "mean
 * ± std" for this run and, where the paper reports that benchmark with these tasks, its result for
 * comparison. Only Split CIFAR-10 has such figures (docs/ALGORITHM.md); every other run says so
 * instead.
 */
public final class PaperTable {

  /** The official README's result: T1..T5, Avg (mean of 10 runs, task-incremental accuracy, %). */
  public static final List<Double> PAPER = List.of(98.82, 94.13, 96.36, 98.90, 98.27, 97.30);

  /** The paper's figures per benchmark name, for the tasks of {@link #PAPER_COLUMNS}. */
  private static final Map<String, List<Double>> PAPER_BY_BENCHMARK =
      Map.of("Split CIFAR-10", PAPER);

  private static final List<String> PAPER_COLUMNS = List.of("T1", "T2", "T3", "T4", "T5", "Avg");
  private static final String ROW_LABEL = "%-10s";
  private static final String CELL = "%15s";

  private PaperTable() {}

  /**
   * Formats {@code summary} rows (schema {@link ResultSchemas#SUMMARY}, in table order) as text; a
   * standard deviation that is null (a single seed) prints as "n/a".
   */
  public static String format(List<Row> summary) {
    List<String> columns = new ArrayList<>();
    List<Integer> stdWidths = new ArrayList<>();
    StringBuilder header = new StringBuilder(String.format(ROW_LABEL, ""));
    StringBuilder run = new StringBuilder(String.format(ROW_LABEL, "this run"));
    int seeds = 0;
    String benchmark = summary.isEmpty() ? "" : summary.get(0).getAs("benchmark");
    for (Row r : summary) {
      String task = r.getAs("task");
      Double std = r.getAs("std_acc");
      String stdText = " ± " + (std == null ? "n/a" : fmt(std));
      columns.add(task);
      stdWidths.add(stdText.length());
      seeds = Math.max(seeds, r.<Integer>getAs("n_seeds"));
      header.append(String.format(CELL, task));
      run.append(String.format(CELL, fmt(r.<Double>getAs("mean_acc")) + stdText));
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%s, task-incremental accuracy (%%), mean ± sample std over %d seed%s",
            benchmark, seeds, seeds == 1 ? "" : "s"));
    lines.add(header.toString());
    lines.add(run.toString());
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
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
