package org.h2cl.config;

import java.util.Locale;
import java.util.Set;

/**
 * File systems whose rename is not atomic: object stores copy and then delete. The job makes every
 * checkpoint and table appear whole by a rename, so its output and checkpoints must not live there.
 * A rename that does not work at all is caught when the job takes its folders (a probe rename); one
 * that works but is not atomic cannot be seen by trying, hence this list.
 */
final class AtomicRename {

  /**
   * Hadoop's object-store connectors (abfs: renames atomically only with a hierarchical namespace,
   * which cannot be told from the URI, so it is left to the user).
   */
  static final Set<String> NOT_ATOMIC =
      Set.of("s3a", "s3n", "s3", "gs", "wasb", "wasbs", "oss", "cos", "cosn", "obs", "swift");

  private AtomicRename() {}

  /** The scheme of {@code uri} when its rename is not atomic, else null. */
  static String lacking(String uri) {
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    return NOT_ATOMIC.contains(scheme) ? scheme : null;
  }

  /** Why {@code uri} cannot hold output or checkpoints, or null when its rename is atomic. */
  static String problem(String uri) {
    String scheme = lacking(uri);
    if (scheme == null) {
      return null;
    }
    return "\""
        + Redaction.uris(uri)
        + "\" is on "
        + scheme
        + ":, whose rename copies and deletes instead of moving atomically, and the job makes every"
        + " checkpoint and table appear whole by a rename (a crash could leave half of one);"
        + " expected a folder on hdfs: or a local or network disk (copy the results to "
        + scheme
        + ": afterwards)";
  }
}
