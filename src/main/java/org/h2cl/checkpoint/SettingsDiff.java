package org.h2cl.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which result-determining settings differ between a checkpoint and this run: both sides are {@link
 * Fingerprint#canonical} texts, one {@code key=value} line per setting, the checkpoint's stored
 * beside its fingerprint.
 */
final class SettingsDiff {

  private SettingsDiff() {}

  /**
   * One entry per differing setting, e.g. {@code h2.train.epochs (3 in the checkpoint, 2 in this
   * run)}; the code version's entry names both versions.
   */
  static List<String> of(String stored, String current) {
    Map<String, String> before = lines(stored);
    Map<String, String> now = lines(current);
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(now.keySet());
    List<String> differences = new ArrayList<>();
    for (String key : keys) {
      if (!Objects.equals(before.get(key), now.get(key))) {
        differences.add(
            configKey(key)
                + " ("
                + show(before.get(key))
                + " in the checkpoint, "
                + show(now.get(key))
                + " in this run)");
      }
    }
    return differences;
  }

  private static Map<String, String> lines(String canonical) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : canonical.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return values;
  }

  private static String show(String value) {
    return value == null ? "not set" : value;
  }

  /**
   * The config key of a record path: {@code train.batchSize} is {@code h2.train.batch-size}, {@code
   * data.syntheticTrainPerClass} is {@code h2.data.synthetic.train-per-class}.
   */
  static String configKey(String recordPath) {
    if (recordPath.equals("code-version")) {
      return "code version";
    }
    String kebab = recordPath.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    return "h2." + kebab.replace("data.synthetic-", "data.synthetic.");
  }
}
