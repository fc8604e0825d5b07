package org.h2cl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.EpochRecord;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;
import org.h2cl.results.ResultSchemas;
import org.h2cl.results.ResultTables;
import org.h2cl.results.RunInfo;
import org.h2cl.results.SeedFailure;
import org.h2cl.results.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the notebooks in {@code notebooks/}: that they are clean nbformat-4 notebooks, that their
 * code compiles, that every column they name is a column of the result tables ({@link
 * ResultSchemas}), and, where python3 has pandas, pyarrow and matplotlib, that they run top to
 * bottom on tables written by Spark in exactly those schemas.
 *
 * <p>The column check relies on a convention the notebooks keep (notebooks/README.md): columns are
 * named only with string literals in {@code df["c"]}, {@code df[["a", "b"]]}, {@code
 * .groupby(...)}, {@code .set_index(...)}, {@code .sort_values(...)}, {@code .get("c")} and {@code
 * pivot_table(index=..., columns=..., values=...)}; a table is loaded as {@code name =
 * read_table(RUN, "table")}, after which subscripts of {@code name} are checked against that table
 * alone. Forms that would hide a column from the check ({@code .query}, {@code .eval}, {@code
 * .loc[...]}, {@code .at[...]}, attribute access such as {@code df.acc_final}, non-literal column
 * arguments) are refused.
 */
class NotebooksTest {

  private static final Path DIR = Path.of("notebooks");
  private static final String RESULTS = "results.ipynb";
  private static final String COMPARE = "compare_runs.ipynb";
  private static final List<String> NOTEBOOKS = List.of(RESULTS, COMPARE);
  private static final String PYTHON = "python3";
  private static final ObjectMapper JSON = new ObjectMapper();

  // ---- (a) nbformat 4, outputs cleared ----

  @ParameterizedTest
  @ValueSource(strings = {RESULTS, COMPARE})
  void isAnNbformat4NotebookWithoutOutputs(String name) throws IOException {
    JsonNode nb = read(name);
    assertEquals(4, nb.path("nbformat").asInt(-1), name + ": nbformat");
    assertTrue(nb.path("nbformat_minor").isInt(), name + ": nbformat_minor");
    JsonNode kernel = nb.path("metadata").path("kernelspec");
    assertEquals("python3", kernel.path("name").asText(), name + ": metadata.kernelspec.name");
    assertEquals("python", kernel.path("language").asText(), name + ": kernelspec.language");

    JsonNode cells = nb.path("cells");
    assertTrue(cells.isArray() && cells.size() > 0, name + ": cells");
    boolean needsIds = nb.path("nbformat_minor").asInt() >= 5;
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < cells.size(); i++) {
      JsonNode cell = cells.get(i);
      String where = name + " cell " + i;
      String type = cell.path("cell_type").asText();
      assertTrue(Set.of("code", "markdown", "raw").contains(type), where + ": cell_type " + type);
      JsonNode source = cell.get("source");
      assertNotNull(source, where + ": no source");
      assertTrue(
          source.isTextual() || (source.isArray() && allText(source)),
          where + ": source must be a string or a list of strings");
      assertTrue(cell.path("metadata").isObject(), where + ": metadata");
      if (needsIds) {
        String id = cell.path("id").asText();
        assertTrue(id.matches("[a-zA-Z0-9_-]{1,64}"), where + ": id '" + id + "'");
        assertTrue(ids.add(id), where + ": duplicate id " + id);
      }
      if (type.equals("code")) {
        assertTrue(cell.path("outputs").isArray(), where + ": code cell without outputs list");
        assertEquals(0, cell.path("outputs").size(), where + ": outputs are committed; clear them");
        assertTrue(cell.path("execution_count").isNull(), where + ": execution_count not cleared");
      } else {
        assertFalse(cell.has("outputs"), where + ": a " + type + " cell has outputs");
      }
    }
    assertEquals("markdown", cells.get(0).path("cell_type").asText(), name + ": opens with text");
  }

  @Test
  void theFirstCodeCellNamesTheRunsAndHonoursTheEnvironment() throws IOException {
    String results = codeCells(RESULTS).get(0).source();
    assertTrue(
        results.contains("RUN = \"output/quickstart\""),
        "results.ipynb first code cell:\n" + results);
    assertTrue(results.contains("os.environ.get(\"H2_RUN\", RUN)"), results);

    String compare = codeCells(COMPARE).get(0).source();
    assertTrue(compare.contains("RUN_A = \""), compare);
    assertTrue(compare.contains("RUN_B = \""), compare);
    assertTrue(compare.contains("os.environ.get(\"H2_RUN_A\", RUN_A)"), compare);
    assertTrue(compare.contains("os.environ.get(\"H2_RUN_B\", RUN_B)"), compare);

    // The results notebook shows all four tables.
    assertEquals(
        ResultSchemas.TABLES.keySet(),
        new HashSet<>(ColumnCheck.of(codeCells(RESULTS)).tables.values()),
        "tables read by results.ipynb");
  }

  // ---- (b) every code cell compiles ----

  /** Compiles each code cell on its own; prints "notebook: cell i, line n: message" per failure. */
  private static final String COMPILE =
      """
      import json, sys, warnings
      warnings.simplefilter("error")  # e.g. an invalid escape sequence is a failure too
      failures = []
      for path in sys.argv[1:]:
          with open(path, encoding="utf-8") as f:
              cells = json.load(f)["cells"]
          for i, cell in enumerate(cells):
              if cell["cell_type"] != "code":
                  continue
              src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
              try:
                  compile(src, f"{path}, cell {i}", "exec")
              except (SyntaxError, ValueError) as e:
                  line = getattr(e, "lineno", None)
                  text = (getattr(e, "text", None) or "").rstrip()
                  msg = getattr(e, "msg", None) or str(e)
                  failures.append(f"{path}: cell {i}, line {line}: {msg}\\n    {text}")
      print("\\n".join(failures))
      sys.exit(1 if failures else 0)
      """;

  @Test
  void everyCodeCellCompiles() throws Exception {
    List<String> args = new ArrayList<>(List.of("-c", COMPILE));
    NOTEBOOKS.forEach(n -> args.add(DIR.resolve(n).toString()));
    Python.Result r = Python.run(Map.of(), 60, args);
    assertEquals(0, r.exit(), () -> "code cells that do not compile:\n" + r.output());
  }

  // ---- (c) every column named is a column of the result tables ----

  @ParameterizedTest
  @ValueSource(strings = {RESULTS, COMPARE})
  void namesOnlyColumnsOfTheResultTables(String name) throws IOException {
    ColumnCheck check = ColumnCheck.of(codeCells(name));
    assertEquals(List.of(), check.violations, name + ": column names not in ResultSchemas");
    assertFalse(check.used.isEmpty(), name + ": no column uses found; is the extraction broken?");
  }

  @Test
  void theResultsNotebookUsesEveryPartOfTheTables() throws IOException {
    Set<String> used = ColumnCheck.of(codeCells(RESULTS)).used;
    for (String column :
        List.of(
            "acc_final",
            "acc_after_task",
            "owned_fraction",
            "reused_fraction",
            "association",
            "association_logits",
            "after_task",
            "accuracy",
            "benchmark",
            "mean_acc",
            "std_acc",
            "n_seeds",
            "config_json",
            "seeds",
            "failed_seeds",
            "backend",
            "device",
            "kernels",
            "error",
            "method",
            "phase",
            "loss",
            "train_accuracy",
            "switched_off",
            "lr",
            "seconds")) {
      assertTrue(used.contains(column), "results.ipynb does not use " + column + "; uses " + used);
    }
  }

  @Test
  void theColumnCheckCatchesEveryFormItPolices() {
    String good =
        """
        task_results = read_table(RUN, "task_results")
        s = read_table(RUN, "summary").set_index("task")
        x = task_results[task_results["task"] == 2][["seed", 'acc_final']]
        m = am.pivot_table(index="after_task", columns="task", values="accuracy")
        g = task_results.groupby(["seed", "task"])["accuracy"].mean().sort_values("seed")
        b = seeds.get("backend") if os.environ.get("H2_RUN") else s["mean_acc"]
        f"{info['run_id']}"
        """;
    ColumnCheck ok = ColumnCheck.of(List.of(new Cell(0, good)));
    // "accuracy" is allowed after groupby: g is not a table variable, so any table's column counts.
    assertEquals(List.of(), ok.violations);
    assertEquals(
        Set.of(
            "task", "seed", "acc_final", "after_task", "accuracy", "backend", "mean_acc", "run_id"),
        ok.used);

    String bad =
        """
        task_results = read_table(RUN, "task_results")
        a = df["nope1"]
        b = df[["seed", "nope2"]]
        c = df.groupby("nope3")
        d = df.pivot_table(index="nope4", columns="task", values="accuracy")
        e = df.sort_values(["seed", "nope5"]).set_index('nope6')
        f = row.get("nope7")
        g = task_results["mean_acc"]
        h = read_table(RUN, "nope_table")
        i = df.groupby(column)
        j = df.query("seed > 1")
        k = df.loc[0, "seed"]
        l = df.acc_final
        m = df.pivot_table(index=rows, columns="task", values="accuracy")
        n = df[["seed", column]]
        o = read_table(RUN, name)
        """;
    List<String> v = ColumnCheck.of(List.of(new Cell(7, bad))).violations;
    for (String expected :
        List.of(
            "\"nope1\"",
            "\"nope2\"",
            "\"nope3\"",
            "\"nope4\"",
            "\"nope5\"",
            "\"nope6\"",
            "\"nope7\"",
            "\"mean_acc\" is not a column of task_results",
            "result table \"nope_table\"",
            ".groupby(column",
            ".query(",
            ".loc[",
            ".acc_final",
            "index=rows",
            "[[\"seed\", column]]",
            "read_table(RUN, name)")) {
      assertTrue(
          v.stream().anyMatch(s -> s.contains(expected)),
          "no violation mentions " + expected + " in " + v);
    }
    assertTrue(v.stream().allMatch(s -> s.startsWith("cell 7")), v.toString());
    assertEquals(16, v.size(), String.join("\n", v));
  }

  // ---- (d) the notebooks run on real tables ----

  @Test
  void notebooksRunTopToBottomOnTablesWrittenBySpark(@TempDir Path tmp) throws Exception {
    assumeTrue(
        Python.has("pandas", "pyarrow", "matplotlib"),
        PYTHON + " lacks pandas, pyarrow or matplotlib: the notebooks are not executed here");

    Path a = tmp.resolve("run-a");
    Path b = tmp.resolve("run-b");
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("notebooks-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      // A: a finished Split CIFAR-10 run with zero forgetting. B: Split MNIST, fewer epochs, one
      // seed forgot 0.5 points on task 2, and seed 2 failed for good.
      FakeRun.A.write(spark, a);
      FakeRun.B.write(spark, b);
    } finally {
      spark.stop();
    }

    Map<String, String> env = new LinkedHashMap<>();
    env.put("MPLBACKEND", "Agg");
    env.put("MPLCONFIGDIR", tmp.resolve("mplconfig").toString());

    env.put("H2_RUN", a.toString());
    String outA = execute(RESULTS, env, tmp.resolve("figures-a"), 5);
    assertTrue(outA.contains("h2: Zero forgetting"), outA);
    assertTrue(outA.contains("independent: Zero forgetting"), outA);
    assertTrue(
        outA.contains(
            "finetune: Forgetting: max drop 20.00 percentage points, on task 1 after task 5"),
        outA);
    assertTrue(outA.contains("methods: h2, independent, finetune"), outA);
    // The metrics table: h2's BWT 0, finetune's negative; FWT against independent (+1 point).
    assertTrue(outA.contains("0.00 ± 0.00"), outA);
    assertTrue(outA.contains("-12.50 ± 0.00"), outA);
    assertTrue(outA.contains("1.00 ± 0.00"), outA);
    assertFalse(outA.contains("barely moved"), outA);
    assertTrue(outA.contains("Failed seeds: none."), outA);
    assertTrue(outA.contains("98.82"), "the paper's T1 figure is shown:\n" + outA);
    assertTrue(outA.contains("benchmark: Split CIFAR-10\n"), outA);

    env.put("H2_RUN", b.toString());
    String outB = execute(RESULTS, env, tmp.resolve("figures-b"), 5);
    assertTrue(outB.contains("WARNING: h2's association logits barely moved"), outB);
    assertTrue(outB.contains("FWT: n/a"), outB);
    assertTrue(
        outB.contains("h2: Forgetting: max drop 0.50 percentage points, on task 2 after task 4"),
        outB);
    assertTrue(outB.contains("NOTE: not every seed finished"), outB);
    assertTrue(outB.contains("Failed seeds: 1"), outB);
    assertTrue(outB.contains("injected failure"), outB);
    assertTrue(outB.contains("benchmark: Split MNIST (the paper reports no figures"), outB);
    assertTrue(outB.contains("Split MNIST, task-incremental accuracy"), outB);
    assertFalse(outB.contains("98.82"), "no paper figures for Split MNIST:\n" + outB);

    env.remove("H2_RUN");
    env.put("H2_RUN_A", a.toString());
    env.put("H2_RUN_B", b.toString());
    String outCompare = execute(COMPARE, env, tmp.resolve("figures-compare"), 1);
    assertTrue(outCompare.contains("h2.train.epochs"), outCompare);
    assertTrue(outCompare.contains("different fingerprints"), outCompare);
    assertTrue(outCompare.contains("A and B are different benchmarks"), outCompare);
    assertFalse(outCompare.contains("98.82"), outCompare);
    assertTrue(outCompare.contains("A: run-a (run-a)"), outCompare);
    assertTrue(outCompare.contains("methods in both runs: h2"), outCompare);

    // A run that is not there: every path tried is named.
    env.put("H2_RUN_B", "no-such-run");
    Python.Result missing =
        Python.run(
            env,
            300,
            List.of(
                "-c",
                EXECUTE,
                DIR.resolve(COMPARE).toString(),
                tmp.resolve("figures-missing").toString()));
    assertEquals(1, missing.exit(), missing.output());
    assertTrue(
        missing.output().contains("run B ('no-such-run') not found; tried "), missing.output());
    assertTrue(
        missing.output().contains(Path.of("no-such-run").toAbsolutePath().toString())
            && missing
                .output()
                .contains(Path.of("..", "no-such-run").toAbsolutePath().normalize().toString()),
        missing.output());
  }

  /**
   * Runs a notebook's code cells in order in one namespace, as Jupyter would, with matplotlib's Agg
   * backend; saves every figure a cell leaves open (rendering it) and reports the failing cell.
   */
  private static final String EXECUTE =
      """
      import json, os, sys, traceback
      import matplotlib
      matplotlib.use("Agg")
      import matplotlib.pyplot as plt
      path, figures = sys.argv[1], sys.argv[2]
      os.makedirs(figures, exist_ok=True)
      try:
          from IPython.display import display
      except ImportError:
          def display(*objects):
              for o in objects:
                  print(o)
      plt.show = lambda *args, **kwargs: None
      namespace = {"__name__": "__main__", "display": display}
      with open(path, encoding="utf-8") as f:
          cells = json.load(f)["cells"]
      for i, cell in enumerate(cells):
          if cell["cell_type"] != "code":
              continue
          src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
          print(f"----- cell {i}", flush=True)
          try:
              exec(compile(src, f"{path}, cell {i}", "exec"), namespace)
          except BaseException:
              traceback.print_exc()
              print(f"FAILED: {path}, cell {i}", flush=True)
              sys.exit(1)
          for n in plt.get_fignums():
              plt.figure(n).savefig(os.path.join(figures, f"cell{i:02d}-{n}.png"))
          plt.close("all")
      """;

  private static String execute(String notebook, Map<String, String> env, Path figures, int plots)
      throws Exception {
    Python.Result r =
        Python.run(
            env, 300, List.of("-c", EXECUTE, DIR.resolve(notebook).toString(), figures.toString()));
    assertEquals(0, r.exit(), () -> notebook + " failed:\n" + r.output());
    try (Stream<Path> files = Files.list(figures)) {
      assertEquals(plots, files.count(), notebook + ": figures drawn\n" + r.output());
    }
    return r.output();
  }

  // ---- reading notebooks ----

  record Cell(int index, String source) {}

  private static JsonNode read(String name) throws IOException {
    return JSON.readTree(DIR.resolve(name).toFile());
  }

  private static List<Cell> codeCells(String name) throws IOException {
    JsonNode cells = read(name).path("cells");
    List<Cell> out = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      JsonNode cell = cells.get(i);
      if (cell.path("cell_type").asText().equals("code")) {
        out.add(new Cell(i, text(cell.path("source"))));
      }
    }
    return out;
  }

  private static String text(JsonNode source) {
    if (source.isTextual()) {
      return source.asText();
    }
    StringBuilder s = new StringBuilder();
    source.forEach(line -> s.append(line.asText()));
    return s.toString();
  }

  private static boolean allText(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isTextual()) {
        return false;
      }
    }
    return true;
  }

  // ---- the column check ----

  /** The string literals notebooks name columns with, where they stand, and what is wrong. */
  static final class ColumnCheck {

    private static final String LIT = "(?:\"[^\"\\n]*\"|'[^'\\n]*')";
    private static final Pattern LITERAL = Pattern.compile("\"([^\"\\n]*)\"|'([^'\\n]*)'");
    private static final Pattern ONLY_LITERALS =
        Pattern.compile("\\s*(?:" + LIT + "\\s*(?:,\\s*" + LIT + "\\s*)*,?\\s*)?");

    /** df["c"]: a subscript right after a name, a call or another subscript. */
    private static final Pattern SUBSCRIPT =
        Pattern.compile("(?<=[\\w)\\]])\\[\\s*(" + LIT + ")\\s*\\]");

    /** df[["a", "b"]] and df[[...]] in general (its contents must be literals). */
    private static final Pattern LIST_SUBSCRIPT =
        Pattern.compile("(?<=[\\w)\\]])\\[\\s*\\[([^\\[\\]]*)\\]\\s*\\]");

    /** Methods whose first argument is a column or a list of columns. */
    private static final Pattern COLUMN_CALL =
        Pattern.compile("\\.(groupby|set_index|sort_values)\\(\\s*");

    /** x.get("c") on anything but os.environ. */
    private static final Pattern GET = Pattern.compile("(\\w+)\\.get\\(\\s*(" + LIT + ")");

    private static final Pattern PIVOT = Pattern.compile("\\.pivot(?:_table)?\\(");
    private static final Pattern PIVOT_KEY = Pattern.compile("\\b(index|columns|values)\\s*=\\s*");

    private static final Pattern READ_TABLE = Pattern.compile("(?<!def )(?<![.\\w])read_table\\(");
    private static final Pattern READ_TABLE_ASSIGNED =
        Pattern.compile(
            "(?m)^[ \\t]*(\\w+)\\s*=\\s*read_table\\(\\s*[\\w.]+\\s*,\\s*(" + LIT + ")\\s*\\)");
    private static final Pattern READ_TABLE_CALL =
        Pattern.compile("read_table\\(\\s*[\\w.]+\\s*,\\s*(" + LIT + ")\\s*\\)");

    private static final Pattern HIDDEN = Pattern.compile("\\.(query|eval)\\(|\\.(loc|at)\\[");

    /** Top-level columns per table. */
    static final Map<String, Set<String>> TABLE_COLUMNS = tableColumns();

    /** Every column of every table, and the fields of structs nested in them (run.seeds...). */
    static final Set<String> DOCUMENTED = documented();

    /** Variable name to the table it was loaded from. */
    final Map<String, String> tables = new LinkedHashMap<>();

    final Set<String> used = new TreeSet<>();
    final List<String> violations = new ArrayList<>();

    static ColumnCheck of(List<Cell> cells) {
      ColumnCheck c = new ColumnCheck();
      for (Cell cell : cells) {
        Matcher m = READ_TABLE_ASSIGNED.matcher(cell.source());
        while (m.find()) {
          if (ResultSchemas.TABLES.containsKey(unquote(m.group(2)))) {
            c.tables.put(m.group(1), unquote(m.group(2)));
          }
        }
      }
      cells.forEach(c::check);
      return c;
    }

    private void check(Cell cell) {
      String src = cell.source();
      String at = "cell " + cell.index() + ": ";

      Matcher m = READ_TABLE.matcher(src);
      while (m.find()) {
        Matcher call = READ_TABLE_CALL.matcher(src).region(m.start(), src.length());
        if (!call.lookingAt()) {
          violations.add(at + "the table must be a literal: " + snippet(src, m.start()));
        } else if (!ResultSchemas.TABLES.containsKey(unquote(call.group(1)))) {
          violations.add(
              at
                  + "no result table \""
                  + unquote(call.group(1))
                  + "\": "
                  + snippet(src, m.start()));
        }
      }

      m = SUBSCRIPT.matcher(src);
      while (m.find()) {
        column(at, receiver(src, m.start()), unquote(m.group(1)), snippet(src, m.start()));
      }

      m = LIST_SUBSCRIPT.matcher(src);
      while (m.find()) {
        String receiver = receiver(src, m.start());
        literals(at, receiver, m.group(1), snippet(src, m.start()));
      }

      m = COLUMN_CALL.matcher(src);
      while (m.find()) {
        String rest = src.substring(m.end());
        Matcher lit = Pattern.compile(LIT).matcher(rest);
        if (lit.lookingAt()) {
          column(at, null, unquote(lit.group()), snippet(src, m.start()));
        } else if (rest.startsWith("[") && rest.indexOf(']') > 0) {
          literals(at, null, rest.substring(1, rest.indexOf(']')), snippet(src, m.start()));
        } else {
          violations.add(at + "columns must be literals: " + snippet(src, m.start()));
        }
      }

      m = GET.matcher(src);
      while (m.find()) {
        if (!m.group(1).equals("environ")) {
          column(at, null, unquote(m.group(2)), snippet(src, m.start()));
        }
      }

      m = PIVOT.matcher(src);
      while (m.find()) {
        String args = arguments(src, m.end());
        Matcher key = PIVOT_KEY.matcher(args);
        int keys = 0;
        while (key.find()) {
          keys++;
          String rest = args.substring(key.end());
          Matcher lit = Pattern.compile(LIT).matcher(rest);
          if (lit.lookingAt()) {
            column(at, null, unquote(lit.group()), snippet(src, m.start()));
          } else if (rest.startsWith("[") && rest.indexOf(']') > 0) {
            literals(at, null, rest.substring(1, rest.indexOf(']')), snippet(src, m.start()));
          } else {
            violations.add(
                at + key.group(1) + "= must be a literal: " + snippet(src, m.start() + 1));
          }
        }
        if (keys == 0) {
          violations.add(at + "name index=, columns=, values=: " + snippet(src, m.start()));
        }
      }

      m = HIDDEN.matcher(src);
      while (m.find()) {
        violations.add(at + "use df[\"column\"] instead of " + snippet(src, m.start()));
      }

      for (String column : DOCUMENTED) {
        Matcher attr = Pattern.compile("\\.(" + column + ")\\b(?!\\s*\\()").matcher(src);
        while (attr.find()) {
          violations.add(at + "attribute access to a column: " + snippet(src, attr.start()));
        }
      }
    }

    private void literals(String at, String receiver, String list, String snippet) {
      if (!ONLY_LITERALS.matcher(list).matches()) {
        violations.add(at + "a column list must hold only literals: " + snippet);
        return;
      }
      Matcher lit = LITERAL.matcher(list);
      while (lit.find()) {
        column(at, receiver, lit.group(1) != null ? lit.group(1) : lit.group(2), snippet);
      }
    }

    private void column(String at, String receiver, String name, String snippet) {
      used.add(name);
      String table = receiver == null ? null : tables.get(receiver);
      if (table != null) {
        if (!TABLE_COLUMNS.get(table).contains(name)) {
          violations.add(
              at
                  + "\""
                  + name
                  + "\" is not a column of "
                  + table
                  + " "
                  + TABLE_COLUMNS.get(table)
                  + ": "
                  + snippet);
        }
      } else if (!DOCUMENTED.contains(name)) {
        violations.add(at + "\"" + name + "\" is not a column of any result table: " + snippet);
      }
    }

    /** The name right before position {@code bracket}, unless it is an attribute (a.b[...]). */
    private static String receiver(String src, int bracket) {
      int start = bracket;
      while (start > 0
          && (Character.isLetterOrDigit(src.charAt(start - 1)) || src.charAt(start - 1) == '_')) {
        start--;
      }
      if (start == bracket || (start > 0 && src.charAt(start - 1) == '.')) {
        return null;
      }
      return src.substring(start, bracket);
    }

    /** The text between the parenthesis opened just before {@code from} and its closing one. */
    private static String arguments(String src, int from) {
      int depth = 1;
      for (int i = from; i < src.length(); i++) {
        char ch = src.charAt(i);
        if (ch == '(') {
          depth++;
        } else if (ch == ')' && --depth == 0) {
          return src.substring(from, i);
        }
      }
      return src.substring(from);
    }

    private static String snippet(String src, int at) {
      int start = src.lastIndexOf('\n', at) + 1;
      int end = src.indexOf('\n', at);
      return src.substring(start, end < 0 ? src.length() : end).strip();
    }

    private static String unquote(String literal) {
      return literal.substring(1, literal.length() - 1);
    }

    private static Map<String, Set<String>> tableColumns() {
      Map<String, Set<String>> out = new LinkedHashMap<>();
      ResultSchemas.TABLES.forEach(
          (table, schema) ->
              out.put(table, new LinkedHashSet<>(Arrays.asList(schema.fieldNames()))));
      return out;
    }

    private static Set<String> documented() {
      Set<String> out = new TreeSet<>();
      ResultSchemas.TABLES.values().forEach(schema -> addFields(schema, out));
      return out;
    }

    private static void addFields(StructType struct, Set<String> out) {
      for (StructField f : struct.fields()) {
        out.add(f.name());
        DataType t = f.dataType();
        while (t instanceof ArrayType array) {
          t = array.elementType();
        }
        if (t instanceof StructType nested) {
          addFields(nested, out);
        }
      }
    }
  }

  // ---- python3 ----

  private static final class Python {

    record Result(int exit, String output) {}

    static Result run(Map<String, String> env, long timeoutSeconds, List<String> args)
        throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(PYTHON);
      command.addAll(args);
      Path log = Files.createTempFile("notebooks-test", ".log");
      try {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p;
        try {
          p = pb.start();
        } catch (IOException e) {
          throw new AssertionError(PYTHON + " could not be started (is it on the PATH?): " + e, e);
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
          fail(
              PYTHON
                  + " did not finish in "
                  + timeoutSeconds
                  + " s:\n"
                  + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    }

    /** Whether python3 starts and imports all of {@code modules}. */
    static boolean has(String... modules) {
      try {
        return run(Map.of(), 120, List.of("-c", "import " + String.join(", ", modules))).exit()
            == 0;
      } catch (IOException | InterruptedException | AssertionError e) {
        return false;
      }
    }
  }

  // ---- hand-made runs in the exact schemas ----

  private record FakeRun(
      String id,
      String benchmark,
      String source,
      List<String> methods,
      double[][] accuracy,
      int epochs,
      boolean forgetting,
      boolean failedSeed,
      double logitStep) {

    /** A finished Split CIFAR-10 run of three methods; finetune forgets, h2 does not. */
    static final FakeRun A =
        new FakeRun(
            "run-a",
            "Split CIFAR-10",
            "cifar10-binary",
            List.of("h2", "independent", "finetune"),
            new double[][] {{98.9, 94.0, 96.5, 98.8, 98.3}, {98.7, 94.5, 96.1, 99.0, 98.1}},
            100,
            false,
            false,
            0.1);

    /** Split MNIST, h2 alone, logits that barely moved, a seed that forgot, a failed seed. */
    static final FakeRun B =
        new FakeRun(
            "run-b",
            "Split MNIST",
            "mnist-idx",
            List.of("h2"),
            new double[][] {{90.0, 85.0, 88.0, 92.0, 91.0}, {91.0, 86.0, 87.5, 91.0, 92.5}},
            2,
            true,
            true,
            0.0005);

    static final int TASKS = 5;
    static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    /**
     * h2's seed 1 forgets 0.5 points on task 2 from task 4 on, when {@code forgetting}; finetune
     * loses 5 points per later task; independent is a point below h2.
     */
    double acc(String method, int seed, int task, int afterTask) {
      double a = accuracy[seed][task - 1];
      return switch (method) {
        case "finetune" -> a - 5.0 * (afterTask - task);
        case "independent" -> a - 1.0;
        default -> forgetting && seed == 1 && task == 2 && afterTask >= 4 ? a - 0.5 : a;
      };
    }

    /** The tables as the job writes them: through ResultTables, from seed results. */
    void write(SparkSession spark, Path out) {
      List<SeedResult> results = new ArrayList<>();
      for (String method : methods) {
        for (int seed = 0; seed < accuracy.length; seed++) {
          results.add(seed(method, seed));
        }
      }
      List<SeedFailure> failures =
          failedSeed
              ? List.of(
                  new SeedFailure(
                      "h2",
                      2,
                      "java.lang.IllegalStateException: injected failure\n"
                          + "\tat org.h2cl.spark.SeedTask.call(SeedTask.java:1)"))
              : List.of();
      RunInfo info =
          new RunInfo(
              id,
              benchmark,
              START,
              START.plusSeconds(7200),
              config(out),
              epochs == 100 ? "f1ngerpr1nt-full" : "f1ngerpr1nt-short",
              new Versions("0.1.0-SNAPSHOT", "3.5.3", "1.0.0-M2.1", "17.0.12", "2.12.18"),
              "local[2]",
              "local-1764064800000",
              out.toUri().toString(),
              out.resolve("_checkpoints").toUri().toString(),
              failures);
      ResultTables.write(spark, results, info, out.toUri().toString());
    }

    SeedResult seed(String method, int seed) {
      boolean h2 = method.equals("h2");
      List<TaskResult> tasks = new ArrayList<>();
      List<AccuracyCell> matrix = new ArrayList<>();
      List<EpochRecord> history = new ArrayList<>();
      for (int t = 1; t <= TASKS; t++) {
        double[] logits = new double[h2 ? t - 1 : 0];
        for (int k = 1; k < t && h2; k++) {
          logits[k - 1] = 1.0 + logitStep * k + 0.05 * logitStep * seed;
        }
        double[] pi = h2 && t > 1 ? softmax(logits) : new double[0];
        boolean finetune = method.equals("finetune");
        tasks.add(
            new TaskResult(
                new TaskOutcome(
                    t,
                    acc(method, seed, t, t),
                    finetune ? 1.0 : 0.25 * Math.pow(0.75, t - 1),
                    t == 1 || method.equals("independent") ? 0.0 : 0.04 * t + 0.01 * seed,
                    pi,
                    logits,
                    600.0 * t + 13 * seed),
                acc(method, seed, t, TASKS)));
        for (int after = t; after <= TASKS; after++) {
          matrix.add(new AccuracyCell(after, t, acc(method, seed, t, after)));
        }
        if (h2 && t > 1) {
          history.add(new EpochRecord(t, "associate", 0, 1.2, 40.0, 0.01, 3.0, Double.NaN));
        }
        for (int e = 0; e < 2; e++) {
          double off = h2 && t > 1 ? 0.1 / (e + 1) : Double.NaN;
          history.add(new EpochRecord(t, "train", e, 1.0 / (e + 1), 60.0 + 15 * e, 0.01, 5.0, off));
        }
        history.add(new EpochRecord(t, "retrain", 0, 0.3, 90.0, 0.001, 4.0, Double.NaN));
      }
      double free = method.equals("finetune") ? 0.0 : Math.pow(0.75, TASKS);
      return new SeedResult(
          method,
          seed,
          tasks,
          matrix,
          history,
          free,
          "CPU",
          "cpu",
          2,
          "onednn 2.5.2 avx512_core winograd",
          seed == 0 && h2 ? 2 : 0,
          START.toEpochMilli(),
          START.plusSeconds(3600 + 60 * seed).toEpochMilli());
    }

    /** As the job renders it: the resolved h2 block (H2Settings.rendered()). */
    String config(Path out) {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode config = root.putObject("h2");
      config.putArray("seeds").add(0).add(1).add(2);
      methods.forEach(config.putArray("methods")::add);
      ObjectNode data = config.putObject("data");
      data.put("source", source);
      data.put("uri", "data/" + source);
      data.put("tasks", TASKS);
      data.put("classes-per-task", 2);
      ObjectNode train = config.putObject("train");
      train.put("epochs", epochs);
      train.put("lr", 0.01);
      train.put("momentum", 0.9);
      train.put("batch-size", 128);
      config.putObject("prune").put("ratio", 0.75);
      config.putObject("output").put("uri", out.toUri().toString()).put("overwrite", false);
      return root.toString();
    }

    private static double[] softmax(double[] logits) {
      double sum = Arrays.stream(logits).map(Math::exp).sum();
      return Arrays.stream(logits).map(l -> Math.exp(l) / sum).toArray();
    }
  }
}
