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
    return new GenericRowWithSchema(
        new Object[] {benchmark, task, mean, std, n}, ResultSchemas.SUMMARY);
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

    assertEquals(4, lines.size(), text);
    assertTrue(lines.get(0).startsWith("Split CIFAR-10, task-incremental accuracy"), text);
    assertTrue(lines.get(0).contains("over 10 seeds"), text);
    assertEquals(
        List.of("T1", "T2", "T3", "T4", "T5", "Avg"), List.of(lines.get(1).trim().split("\\s+")));
    assertTrue(lines.get(2).startsWith("this run"), text);
    for (String cell : List.of("91.00 ± 0.50", "92.00 ± 1.00", "95.00 ± 2.50", "93.00 ± 0.13")) {
      assertTrue(lines.get(2).contains(cell), cell + " missing in\n" + text);
    }
    assertEquals(
        List.of("paper", "98.82", "94.13", "96.36", "98.90", "98.27", "97.30"),
        List.of(lines.get(3).trim().split("\\s+")));
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
    assertTrue(text.contains("paper     no figures to compare with"), text);
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
