package org.h2cl.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * Typed reads of a merged config that record a problem (and return a neutral value) instead of
 * throwing, so that one pass finds every bad key. Each problem names the key, what is allowed, the
 * value found and, when it does not come from reference.conf, where it was set.
 */
final class ConfigReader {

  private final Config config;
  private final List<String> problems;
  private final Set<String> brokenSections;
  private final Set<String> bad = new HashSet<>();

  ConfigReader(Config config, List<String> problems, Set<String> brokenSections) {
    this.config = config;
    this.problems = problems;
    this.brokenSections = brokenSections;
  }

  /** Every problem so far, the caller's included. */
  List<String> problems() {
    return problems;
  }

  /** True when none of the keys had a problem, so a check across them is meaningful. */
  boolean ok(String... keys) {
    return Arrays.stream(keys).noneMatch(bad::contains);
  }

  void fail(String key, String allowed, boolean withType) {
    bad.add(key);
    String got;
    if (withType) {
      got = describe(config, key);
    } else {
      got = config.getValue(key).render(ConfigRenderOptions.concise());
    }
    problems.add(key + ": expected " + allowed + ", got " + got + origin(key));
  }

  void problem(String key, String message) {
    bad.add(key);
    problems.add(key + ": " + message + origin(key));
  }

  /** A problem that involves several keys; the message names them all. */
  void crossProblem(String message, String... keys) {
    bad.addAll(Arrays.asList(keys));
    problems.add(message);
  }

  private String origin(String key) {
    return config.hasPath(key) ? where(config.getValue(key).origin()) : "";
  }

  private boolean underBrokenSection(String key) {
    for (String section : brokenSections) {
      if (key.startsWith(section + ".")) {
        bad.add(key);
        return true;
      }
    }
    return false;
  }

  int integer(String key, int min, int max) {
    return integer(key, min, max, "");
  }

  int integer(String key, int min, int max, String note) {
    if (underBrokenSection(key)) {
      return 0;
    }
    Number n;
    try {
      n = config.getNumber(key);
    } catch (ConfigException e) {
      fail(key, "an integer", true);
      return 0;
    }
    double d = n.doubleValue();
    boolean whole =
        n instanceof Integer || n instanceof Long || (d == Math.rint(d) && !Double.isInfinite(d));
    if (!whole) {
      fail(key, "an integer", true);
      return 0;
    }
    long value = n instanceof Double ? (long) d : n.longValue();
    if (value < min || value > max) {
      String range = max == Integer.MAX_VALUE ? ">= " + min : "in " + min + ".." + max;
      fail(key, "an integer " + range + note, false);
      return 0;
    }
    return (int) value;
  }

  double number(String key, DoublePredicate allowed, String description) {
    if (underBrokenSection(key)) {
      return 0;
    }
    double value;
    try {
      value = config.getDouble(key);
    } catch (ConfigException e) {
      fail(key, "a number", true);
      return 0;
    }
    if (!allowed.test(value)) {
      fail(key, "a number " + description, false);
      return 0;
    }
    return value;
  }

  boolean bool(String key) {
    if (underBrokenSection(key)) {
      return false;
    }
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      fail(key, "a boolean (true or false)", true);
      return false;
    }
  }

  String string(String key) {
    if (underBrokenSection(key)) {
      return "";
    }
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      fail(key, "a string", true);
      return "";
    }
  }

  String nonEmpty(String key) {
    String value = string(key);
    if (ok(key) && value.isBlank()) {
      fail(key, "a non-empty string", false);
    }
    return value;
  }

  String oneOf(String key, List<String> allowed) {
    String value = string(key);
    if (ok(key) && !allowed.contains(value)) {
      fail(key, "one of " + String.join(", ", allowed), false);
    }
    return value;
  }

  /**
   * An enum constant given by its lower-case name ({@code direct} for DIRECT); the first constant
   * when the value is bad (the problem is recorded).
   */
  <E extends Enum<E>> E choice(String key, Class<E> type) {
    E[] values = type.getEnumConstants();
    List<String> names =
        Arrays.stream(values).map(v -> v.name().toLowerCase(java.util.Locale.ROOT)).toList();
    return values[Math.max(0, names.indexOf(oneOf(key, names)))];
  }

  /**
   * A non-empty list of distinct names, each one of {@code allowed}, e.g. {@code [h2, packnet]}.
   */
  List<String> names(String key, List<String> allowed) {
    String expected =
        "a non-empty list of distinct names from " + String.join(", ", allowed) + ", e.g. [h2]";
    if (underBrokenSection(key)) {
      return List.of();
    }
    List<? extends ConfigValue> values;
    try {
      values = config.getList(key);
    } catch (ConfigException e) {
      fail(key, expected, true);
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      ConfigValue v = values.get(i);
      Object u = v.unwrapped();
      if (!(u instanceof String name) || !allowed.contains(name)) {
        problem(
            key,
            "element "
                + i
                + ": expected one of "
                + String.join(", ", allowed)
                + ", got "
                + v.render(ConfigRenderOptions.concise()));
        continue;
      }
      if (names.contains(name)) {
        problem(key, name + " appears more than once; expected " + expected);
        continue;
      }
      names.add(name);
    }
    if (values.isEmpty()) {
      fail(key, expected, false);
    }
    return names;
  }

  List<Integer> seeds(String key) {
    if (underBrokenSection(key)) {
      return List.of();
    }
    List<? extends ConfigValue> values;
    try {
      values = config.getList(key);
    } catch (ConfigException e) {
      fail(key, "a non-empty list of integer seeds, e.g. [0, 1, 2]", true);
      return List.of();
    }
    List<Integer> seeds = new ArrayList<>();
    Set<Integer> seen = new LinkedHashSet<>();
    for (int i = 0; i < values.size(); i++) {
      ConfigValue v = values.get(i);
      Object u = v.unwrapped();
      boolean isInt =
          u instanceof Integer
              || (u instanceof Long l && l == l.intValue())
              || (u instanceof Double d && d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE);
      if (!isInt) {
        problem(
            key,
            "element "
                + i
                + ": expected an integer, got "
                + v.valueType()
                + " "
                + v.render(ConfigRenderOptions.concise()));
        continue;
      }
      int seed = ((Number) u).intValue();
      if (!seen.add(seed)) {
        problem(
            key,
            "seed "
                + seed
                + " appears more than once; expected distinct seeds, got "
                + config.getValue(key).render(ConfigRenderOptions.concise()));
      }
      seeds.add(seed);
    }
    if (values.isEmpty()) {
      fail(key, "a non-empty list of integer seeds, e.g. [0, 1, 2]", false);
    }
    return seeds;
  }

  /** " (set in ...)" for values that do not come from reference.conf, so users find them. */
  static String where(ConfigOrigin origin) {
    if (origin == null || origin.resource() != null) {
      return "";
    }
    return " (set in " + origin.description() + ")";
  }

  /** The value with its type, e.g. {@code STRING "ten"}, for messages. */
  static String describe(Config config, String key) {
    if (!config.hasPathOrNull(key)) {
      return "nothing (the key is missing)";
    }
    if (config.getIsNull(key)) {
      return "null";
    }
    ConfigValue value = config.getValue(key);
    return value.valueType() + " " + value.render(ConfigRenderOptions.concise());
  }
}
