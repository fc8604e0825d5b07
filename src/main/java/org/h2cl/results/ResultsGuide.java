package org.h2cl.results;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the job prints after the paper's table: where the five tables are and how to open the
 * notebook on them.
 */
public final class ResultsGuide {

  /** What each table of {@link ResultSchemas#TABLES} holds. */
  static final Map<String, String> TABLES =
      Map.of(
          "task_results", "one row per method, seed and task",
          "accuracy_matrix", "one row per method, seed, finished task and evaluated task",
          "history", "one row per method, seed, task, phase and epoch: the learning curves",
          "summary", "per method a row per task, Avg and metric: the table above",
          "run", "settings, versions, devices and times of this run");

  private ResultsGuide() {}

  /**
   * The text for a run written to {@code outputUri}, as seen from the working directory.
   *
   * @param complete whether every seed finished
   */
  public static String format(String outputUri, boolean complete) {
    return format(outputUri, complete, Path.of("").toAbsolutePath());
  }

  static String format(String outputUri, boolean complete, Path workingDir) {
    String where = shown(outputUri, workingDir);
    List<String> lines = new ArrayList<>();
    lines.add(
        "Results in "
            + where
            + (complete ? "" : " (unfinished run: the failed seeds are missing)")
            + ", Parquet tables (columns: docs/OUTPUT.md):");
    for (String table : ResultSchemas.TABLES.keySet()) {
      lines.add(String.format("  %-17s %s", table + "/", TABLES.get(table)));
    }
    lines.add("Open them in the notebook (Python setup: notebooks/README.md):");
    lines.add("  H2_RUN=" + shellQuoted(where) + " jupyter lab notebooks/results.ipynb");
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  /** A {@code file:} folder below {@code workingDir} as a relative path; anything else as is. */
  static String shown(String uri, Path workingDir) {
    try {
      URI u = URI.create(uri);
      if ("file".equals(u.getScheme())) {
        Path p = Path.of(u).normalize();
        return p.startsWith(workingDir) && !p.equals(workingDir)
            ? workingDir.relativize(p).toString()
            : p.toString();
      }
    } catch (IllegalArgumentException e) {
      // Not a URI Java can turn into a path (e.g. spaces left unescaped): show it as it is.
    }
    return uri;
  }

  private static String shellQuoted(String s) {
    return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
