package org.h2cl.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Local folders as the file system sees them: symbolic links resolved, so that a data folder
 * reached through a link and an output inside it are known to overlap. Only {@code file:} paths
 * change; on HDFS symbolic links are off unless a cluster enables them, and other schemes have
 * none.
 */
final class RealPaths {

  private static final String FILE = "file://";

  private RealPaths() {}

  /**
   * {@code uri} (as {@link SettingsLoader#normalise} writes it) with the symbolic links of its
   * longest existing part resolved; the part that does not exist yet is appended as written.
   */
  static String of(String uri) {
    if (!uri.startsWith(FILE)) {
      return uri;
    }
    Path path = Paths.get(uri.substring(FILE.length()));
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return uri;
    }
    try {
      Path real = existing.toRealPath().resolve(existing.relativize(path)).normalize();
      return FILE + real;
    } catch (IOException e) {
      return uri; // unreadable on the way: compared as written, as before
    }
  }
}
