package org.h2cl.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** Compares a config with reference.conf: unknown keys (with a suggestion), replaced sections. */
final class KnownKeys {

  private KnownKeys() {}

  /**
   * Adds a problem for every key under {@code root} that the reference does not know, and for every
   * section replaced by a plain value.
   *
   * @return the sections replaced by plain values, whose keys need no further reports
   */
  static Set<String> check(
      ConfigObject actual, ConfigObject reference, String root, List<String> problems) {
    Set<String> brokenSections = new HashSet<>();
    check(actual, reference, root, problems, brokenSections, knownPaths(reference, root));
    return brokenSections;
  }

  /**
   * Adds a problem for every key of a conf file outside {@code root}: such keys would otherwise be
   * ignored without a word. Spark's settings ({@code spark.*}) get told where they belong.
   *
   * @param file the parsed conf file
   */
  static void checkOutsideRoot(
      ConfigObject file, ConfigObject reference, String root, List<String> problems) {
    List<String> known = knownPaths(reference, root);
    for (String key : new TreeSet<>(file.keySet())) {
      if (key.equals(root)) {
        continue;
      }
      ConfigValue value = file.get(key);
      String path = ConfigUtil.joinPath(key);
      if (key.equals(SPARK)) {
        // The value is not quoted: Spark settings carry credentials (fs.s3a.secret.key).
        leaves(path, value)
            .forEach(
                (leaf, v) ->
                    problems.add(
                        leaf
                            + ": Spark settings are not read from a conf file"
                            + ConfigReader.where(v.origin())
                            + "; give it on the command line as "
                            + leaf
                            + "=VALUE, or to spark-submit as --conf "
                            + leaf
                            + "=VALUE"));
      } else {
        unknown(path, value, problems, known);
      }
    }
  }

  private static final String SPARK = "spark";

  /** Reports keys that reference.conf does not know and sections replaced by plain values. */
  private static void check(
      ConfigObject actual,
      ConfigObject reference,
      String prefix,
      List<String> problems,
      Set<String> brokenSections,
      List<String> known) {
    for (String key : new TreeSet<>(actual.keySet())) {
      String path = prefix + "." + ConfigUtil.joinPath(key);
      ConfigValue value = actual.get(key);
      ConfigValue expected = reference.get(key);
      if (expected == null) {
        unknown(path, value, problems, known);
      } else if (expected.valueType() == ConfigValueType.OBJECT) {
        if (value.valueType() == ConfigValueType.OBJECT) {
          check(
              (ConfigObject) value, (ConfigObject) expected, path, problems, brokenSections, known);
        } else {
          brokenSections.add(path);
          problems.add(
              path
                  + ": expected a section with keys "
                  + String.join(", ", new TreeSet<>(((ConfigObject) expected).keySet()))
                  + ", got "
                  + value.valueType()
                  + " "
                  + value.render(ConfigRenderOptions.concise())
                  + ConfigReader.where(value.origin()));
        }
      }
    }
  }

  /** Reports every leaf of an unknown value, so each gets its own suggestion. */
  private static void unknown(
      String path, ConfigValue value, List<String> problems, List<String> known) {
    leaves(path, value)
        .forEach(
            (leaf, v) ->
                problems.add(
                    leaf
                        + ": unknown key"
                        + suggestion(leaf, known)
                        + ConfigReader.where(v.origin())));
  }

  /** Every leaf of {@code value}, which sits at {@code path}, by its path. */
  private static Map<String, ConfigValue> leaves(String path, ConfigValue value) {
    Map<String, ConfigValue> leaves = new LinkedHashMap<>();
    if (value.valueType() == ConfigValueType.OBJECT && !((ConfigObject) value).isEmpty()) {
      ConfigObject object = (ConfigObject) value;
      for (String key : new TreeSet<>(object.keySet())) {
        leaves.putAll(leaves(path + "." + ConfigUtil.joinPath(key), object.get(key)));
      }
    } else {
      leaves.put(path, value);
    }
    return leaves;
  }

  private static List<String> knownPaths(ConfigObject object, String prefix) {
    List<String> paths = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = prefix + "." + ConfigUtil.joinPath(e.getKey());
      paths.add(path);
      if (e.getValue().valueType() == ConfigValueType.OBJECT) {
        paths.addAll(knownPaths((ConfigObject) e.getValue(), path));
      }
    }
    return paths;
  }

  /**
   * " (did you mean ...?)": the nearest known key by edit distance when it is close enough to be a
   * typo (h2.train.epoch), else the keys with the same last segment elsewhere (h2.epochs).
   */
  static String suggestion(String unknown, List<String> known) {
    String last = lastSegment(unknown);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = LevenshteinDistance.getDefaultInstance().apply(unknown, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, last.length() / 3)) {
      return " (did you mean " + best + "?)";
    }
    List<String> sameName =
        known.stream()
            .filter(k -> lastSegment(k).equals(last))
            .sorted()
            .collect(Collectors.toList());
    return sameName.isEmpty() ? "" : " (did you mean " + String.join(" or ", sameName) + "?)";
  }

  private static String lastSegment(String path) {
    List<String> parts = ConfigUtil.splitPath(path);
    return parts.get(parts.size() - 1);
  }
}
