package org.h2cl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ResultsGuideTest {

  private static final Path CWD = Path.of("/home/ada/h2");

  @Test
  void namesTheFiveTablesAndTheNotebookCommand() {
    assertEquals(
        String.join(
            System.lineSeparator(),
            "Results in output/quickstart, Parquet tables (columns: docs/OUTPUT.md):",
            "  task_results/     one row per method, seed and task",
            "  accuracy_matrix/  one row per method, seed, finished task and evaluated task",
            "  history/          one row per method, seed, task, phase and epoch: the learning"
                + " curves",
            "  summary/          per method a row per task, Avg and metric: the table above",
            "  run/              settings, versions, devices and times of this run",
            "Open them in the notebook (Python setup: notebooks/README.md):",
            "  H2_RUN=output/quickstart jupyter lab notebooks/results.ipynb",
            ""),
        ResultsGuide.format("file:/home/ada/h2/output/quickstart", true, CWD));
    assertEquals(ResultSchemas.TABLES.keySet(), ResultsGuide.TABLES.keySet());
  }

  @Test
  void showsLocalFoldersAsPathsAndOtherFileSystemsAsUris() {
    assertEquals("output/x", ResultsGuide.shown("file:/home/ada/h2/output/x", CWD));
    assertEquals("/data/runs/x", ResultsGuide.shown("file:/data/runs/x", CWD));
    assertEquals("hdfs://nn:8020/runs/x", ResultsGuide.shown("hdfs://nn:8020/runs/x", CWD));
    String spaced = ResultsGuide.format("file:/data/my%20runs/x", false, CWD);
    assertTrue(spaced.startsWith("Results in /data/my runs/x (unfinished run"), spaced);
    assertTrue(spaced.contains("H2_RUN='/data/my runs/x' jupyter lab"), spaced);
  }
}
