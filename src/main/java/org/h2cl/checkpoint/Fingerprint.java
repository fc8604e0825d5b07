package org.h2cl.checkpoint;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.h2cl.config.H2Settings;

/**
 * The identity of everything that determines a seed's results: a SHA-256 over the settings that
 * shape training (data content, model, train, retrain, association, reinit-std, reuse, prune) and
 * the code version. Checkpoints carry it, so a run never resumes from state another setup produced.
 *
 * <p>Settings are read component by component from the records, minus an explicit list of keys that
 * only say where things are or how they run. A key added to {@link H2Settings} later therefore
 * counts by default: forgetting to list it costs a refused resume, never a silently mixed result.
 */
public final class Fingerprint {

  /** Keys (record paths) that do not change a seed's results. */
  static final Set<String> IGNORED =
      Set.of(
          "seeds", // each checkpoint belongs to one seed, whatever else the run trains
          "methods", // and to one method: each method's checkpoints have their own folder
          "data.uri",
          "data.download",
          "data.downloadUrl",
          "data.downloadMd5",
          "compute", // threads and kernels change speed and float rounding; the science is the same
          "output",
          "checkpoint",
          "spark",
          "rendered");

  private Fingerprint() {}

  /** Hex SHA-256 of {@link #canonical}. */
  public static String of(H2Settings settings, String codeVersion) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha.digest(canonical(settings, codeVersion).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * The hashed text: one {@code key=value} line per result-determining setting, then the code
   * version.
   */
  public static String canonical(H2Settings settings, String codeVersion) {
    StringBuilder sb = new StringBuilder();
    append(sb, "", settings);
    sb.append("code-version=").append(codeVersion).append('\n');
    return sb.toString();
  }

  private static void append(StringBuilder sb, String prefix, Record record) {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      String key = prefix + c.getName();
      if (IGNORED.contains(key)) {
        continue;
      }
      Object value;
      try {
        value = c.getAccessor().invoke(record);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read setting " + key, e);
      }
      if (value instanceof Record nested) {
        append(sb, key + ".", nested);
      } else {
        sb.append(key).append('=').append(text(value)).append('\n');
      }
    }
  }

  private static String text(Object value) {
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Fingerprint::text).toList().toString();
    }
    // Double.toString is exact (shortest round-trip form), so equal settings give equal text.
    return String.valueOf(value);
  }
}
