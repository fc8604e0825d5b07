package org.h2cl.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.h2cl.checkpoint.CheckpointStore;
import org.h2cl.config.H2Settings;
import org.h2cl.config.SettingsLoader;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.SeedRunner;
import org.h2cl.h2.TrainingListener;

/**
 * One seed run in this JVM as a Spark task runs it (SeedRunner, checkpoints after every task), but
 * without Spark: settings from a conf file plus {@code h2.key=value} overrides, checkpoints in a
 * temporary folder removed afterwards.
 */
final class SeedRun {
  private SeedRun() {}

  static H2Settings settings(String conf, List<String> overrides) {
    return SettingsLoader.load(Optional.ofNullable(conf).map(Path::of), overrides);
  }

  /** Runs seed 0 of the settings; the listener sees every event. */
  static SeedResult run(H2Settings settings, TrainingListener listener) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("h2-bench-checkpoints");
      CheckpointStore store = new CheckpointStore(dir.toUri().toString(), "bench");
      return SeedRunner.run(settings, settings.seeds().get(0), store, listener);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        delete(dir);
      }
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary folder is harmless.
    }
  }
}
