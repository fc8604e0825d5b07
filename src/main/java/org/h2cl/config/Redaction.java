package org.h2cl.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The resolved config as JSON for the results, without secrets; URIs without their user-info. */
public final class Redaction {

  private static final Set<String> SECRET_WORDS =
      Set.of("password", "secret", "token", "credential", "access-key", "accesskey", "access_key");

  /** The user-info part of {@code scheme://user:pass@host/...}. */
  private static final Pattern URI_USER_INFO = Pattern.compile("(?<=://)[^/@\\s?#]+@");

  private Redaction() {}

  /**
   * {@code text} with the user-info of every URI in it ({@code s3a://KEY:SECRET@bucket}) replaced
   * by {@code ***}: for URIs and messages that go to logs, the console or the results.
   */
  public static String uris(String text) {
    return text == null ? null : URI_USER_INFO.matcher(text).replaceAll("***@");
  }

  /**
   * {@code conf} for a log line: values of secret-looking keys (spark.hadoop.fs.s3a.secret.key)
   * replaced by {@code ***}, URIs without their user-info.
   */
  public static Map<String, String> values(Map<String, String> conf) {
    Map<String, String> copy = new TreeMap<>();
    conf.forEach((key, value) -> copy.put(key, isSecret(key) ? "***" : uris(value)));
    return copy;
  }

  /**
   * Whether {@code key} names a secret: it holds one of the secret words, spelled with a dash or,
   * as Hadoop's and Spark's keys do, with a dot ({@code fs.s3a.access.key}).
   */
  private static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream()
        .anyMatch(w -> lower.contains(w) || lower.contains(w.replace('-', '.')));
  }

  /**
   * {@code {"root": block}} as compact JSON with secrets redacted; fed back as a conf file it loads
   * the same settings.
   */
  static String render(String root, ConfigObject block) {
    ConfigValue redacted = redact(root, block);
    return ConfigFactory.empty()
        .withValue(root, redacted)
        .root()
        .render(ConfigRenderOptions.concise());
  }

  /** Replaces values of secret-looking keys by "***" and the user-info of URIs by "***". */
  static ConfigValue redact(String key, ConfigValue value) {
    // A HOCON path segment holds no dot, so only the dashed spellings can match it.
    boolean secret = isSecret(key);
    switch (value.valueType()) {
      case OBJECT -> {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) value).entrySet()) {
          // Everything below a secret key is secret too.
          copy.put(e.getKey(), redact(secret ? key : e.getKey(), e.getValue()));
        }
        return ConfigValueFactory.fromMap(copy);
      }
      case LIST -> {
        List<Object> copy = new ArrayList<>();
        for (Object element : (List<?>) value) {
          copy.add(redact(key, (ConfigValue) element));
        }
        return ConfigValueFactory.fromIterable(copy);
      }
      case NULL -> {
        return value;
      }
      case STRING -> {
        String s = (String) value.unwrapped();
        return ConfigValueFactory.fromAnyRef(secret ? "***" : uris(s));
      }
      default -> {
        return secret ? ConfigValueFactory.fromAnyRef("***") : value;
      }
    }
  }
}
