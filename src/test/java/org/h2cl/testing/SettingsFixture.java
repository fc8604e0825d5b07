package org.h2cl.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.h2cl.config.H2Settings;
import org.h2cl.config.SettingsLoader;

/**
 * The tests' one way to settings: reference.conf, then a tiny synthetic run, then the test's own
 * {@code key=value} overrides, loaded and validated by {@link SettingsLoader} as {@code Main} loads
 * a user's (system properties left out, so no {@code -Dh2.*} of the build leaks in).
 */
public final class SettingsFixture {

  /**
   * Two seeds of five tasks, 40 + 20 generated images per class, width 4 (libnd4j's kernels), a
   * couple of epochs of every phase: seconds per seed.
   */
  private static final List<String> TINY =
      List.of(
          "h2.seeds=[0,1]",
          "h2.data.source=synthetic",
          "h2.data.synthetic.train-per-class=40",
          "h2.data.synthetic.test-per-class=20",
          "h2.model.base-width=4",
          "h2.train.epochs=2",
          "h2.train.batch-size=32",
          "h2.retrain.epochs=1",
          "h2.association.epochs=2",
          "h2.association.warmup-epochs=1",
          "h2.reuse.fisher-samples=4",
          "h2.spark.master=\"local[2]\"",
          "h2.spark.app-name=h2-test");

  private SettingsFixture() {}

  /**
   * The tiny run's arguments with the data in {@code dataUri} and the output in {@code outputUri},
   * then {@code overrides} (a later key wins), as {@code Main} takes them on its command line.
   */
  public static List<String> arguments(String dataUri, String outputUri, String... overrides) {
    List<String> args = new ArrayList<>(TINY);
    args.add("h2.data.uri=\"" + dataUri + "\"");
    args.add("h2.output.uri=\"" + outputUri + "\"");
    args.addAll(Arrays.asList(overrides));
    return args;
  }

  /** The settings these arguments give. */
  public static H2Settings load(List<String> arguments) {
    return SettingsLoader.load(Optional.empty(), arguments, new Properties());
  }

  /** The tiny run with its data in {@code dir/data} and its output in {@code dir/out}. */
  public static H2Settings tiny(Path dir, String... overrides) {
    return load(
        arguments(
            dir.resolve("data").toUri().toString(),
            dir.resolve("out").toUri().toString(),
            overrides));
  }

  /**
   * The tiny run with its output (and checkpoints) in {@code outputUri} and its data beside it, in
   * {@code <outputUri>-data} (a trailing slash dropped first: the data must not sit inside the
   * output).
   */
  public static H2Settings tiny(String outputUri, String... overrides) {
    String beside = outputUri.replaceAll("/+$", "") + "-data";
    return load(arguments(beside, outputUri, overrides));
  }
}
