package org.h2cl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

class PaperTableTest {

  private static Row row(String benchmark, String task, double mean, Double std, int n) {
    return row("h2", benchmark, task, mean, std, n);
  }

  private static Row row(
      String method, String benchmark, String task, double mean, Double std, int n) {
    return new GenericRowWithSchema(
        new Object[] {method, benchmark, task, mean, std, n}, ResultSchemas.SUMMARY);
  }

  private static Row row(String task, double mean, Double std, int n) {
    return row("Split CIFAR-10", task, mean, std, n);
  }

  @Test
  void fiveTasksPrintMeanStdAndThePapersRow() {
    List<Row> summary = new ArrayList<>();
    for (int k = 1; k <= 5; k++) {
      summary.add(row("T" + k, 90 + k + 0.004, 0.5 * k, 10));
    }
    summary.add(row("Avg", 93.0, 0.125, 10));

    String text = PaperTable.format(summary);
    List<String> lines = text.lines().toList();

    assertEquals(5, lines.size(), text);
    assertTrue(lines.get(0).startsWith("Split CIFAR-10, task-incremental accuracy"), text);
    assertTrue(lines.get(0).contains("over 10 seeds"), text);
    assertEquals(
        List.of("T1", "T2", "T3", "T4", "T5", "Avg"), List.of(lines.get(1).trim().split("\\s+")));
    assertTrue(lines.get(2).startsWith("h2 "), text);
    for (String cell : List.of("91.00 ± 0.50", "92.00 ± 1.00", "95.00 ± 2.50", "93.00 ± 0.13")) {
      assertTrue(lines.get(2).contains(cell), cell + " missing in\n" + text);
    }
    assertEquals(
        List.of("paper", "98.82", "94.13", "96.36", "98.90", "98.27", "97.30"),
        List.of(lines.get(3).trim().split("\\s+")));
    // No metric rows in this summary: each says it is missing.
    assertTrue(lines.get(4).contains("ACC n/a") && lines.get(4).contains("FWT n/a"), text);
  }

  /**
   * A block per method, in the summary's order: its accuracies, the paper's row for H² only, then
   * its metrics; BWT of 0 prints as 0.00 (never -0.00), FWT only where the summary has it.
   */
  @Test
  void everyMethodHasABlockWithItsMetrics() {
    List<Row> summary = new ArrayList<>();
    for (String method : List.of("h2", "finetune")) {
      boolean h2 = method.equals("h2");
      summary.add(row(method, "Split CIFAR-10", "T1", h2 ? 99.0 : 60.0, 0.5, 2));
      summary.add(row(method, "Split CIFAR-10", "T2", 98.0, 0.5, 2));
      summary.add(row(method, "Split CIFAR-10", "Avg", h2 ? 98.5 : 79.0, 0.25, 2));
      summary.add(row(method, "Split CIFAR-10", "ACC", h2 ? 98.5 : 79.0, 0.25, 2));
      summary.add(row(method, "Split CIFAR-10", "BWT", h2 ? -0.0 : -38.0, 0.0, 2));
      summary.add(row(method, "Split CIFAR-10", "forgetting", h2 ? 0.0 : 38.0, 0.0, 2));
      summary.add(row(method, "Split CIFAR-10", "capacity_used", h2 ? 43.75 : 100.0, 0.0, 2));
      summary.add(row(method, "Split CIFAR-10", "capacity_free", h2 ? 56.25 : 0.0, 0.0, 2));
    }
    String text = PaperTable.format(summary);
    List<String> lines = text.lines().toList();
    assertEquals(7, lines.size(), text);
    assertEquals(List.of("T1", "T2", "Avg"), List.of(lines.get(1).trim().split("\\s+")));
    assertTrue(lines.get(2).startsWith("h2 ") && lines.get(2).contains("99.00 ± 0.50"), text);
    assertTrue(lines.get(3).startsWith("paper"), text);
    assertTrue(lines.get(4).contains("ACC 98.50 ± 0.25"), text);
    assertTrue(lines.get(4).contains("BWT 0.00 ± 0.00"), text);
    assertTrue(lines.get(4).contains("FWT n/a (needs independent)"), text);
    assertTrue(lines.get(4).contains("capacity used 43.75 ± 0.00 %"), text);
    assertTrue(lines.get(5).startsWith("finetune ") && lines.get(5).contains("60.00"), text);
    assertTrue(lines.get(6).contains("BWT -38.00 ± 0.00"), text);
    assertTrue(lines.get(6).contains("forgetting 38.00 ± 0.00"), text);
  }

  @Test
  void oneSeedHasNoStdAndOtherTaskCountsNoPaperRow() {
    String text =
        PaperTable.format(
            List.of(
                row("T1", 99.5, null, 1), row("T2", 97.25, null, 1), row("Avg", 98.375, null, 1)));
    assertTrue(text.contains("over 1 seed\n") || text.contains("over 1 seed\r\n"), text);
    assertTrue(text.contains("99.50 ± n/a") && text.contains("98.38 ± n/a"), text);
    assertFalse(text.contains("98.82"), text);
    assertTrue(text.contains("paper       no figures to compare with"), text);
  }

  @Test
  void onlySplitCifar10HasThePapersRow() {
    for (String benchmark : List.of("Split MNIST", "Split CIFAR-100", "Split synthetic")) {
      List<Row> summary = new ArrayList<>();
      for (int k = 1; k <= 5; k++) {
        summary.add(row(benchmark, "T" + k, 99.0, 0.5, 2));
      }
      summary.add(row(benchmark, "Avg", 99.0, 0.1, 2));
      String text = PaperTable.format(summary);
      assertTrue(text.startsWith(benchmark + ", task-incremental accuracy"), text);
      assertFalse(text.contains("98.82") || text.contains("97.30"), text);
      assertTrue(
          text.contains("no figures to compare with: the paper reports Split CIFAR-10"), text);
    }
  }
}
