package org.h2cl.testing;

import java.util.List;
import org.h2cl.config.H2Settings;
import org.h2cl.config.H2Settings.AssociationSettings;
import org.h2cl.config.H2Settings.CheckpointSettings;
import org.h2cl.config.H2Settings.ComputeSettings;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.H2Settings.DataSource;
import org.h2cl.config.H2Settings.ModelSettings;
import org.h2cl.config.H2Settings.OutputSettings;
import org.h2cl.config.H2Settings.PruneSettings;
import org.h2cl.config.H2Settings.RetrainSettings;
import org.h2cl.config.H2Settings.ReuseSettings;
import org.h2cl.config.H2Settings.SparkSettings;
import org.h2cl.config.H2Settings.TrainSettings;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;

/**
 * Hand-built settings for tests that need no training (no config files involved): a tiny synthetic
 * setup whose output and checkpoints live under {@code outputUri}.
 */
public final class SettingsFixture {

  private SettingsFixture() {}

  public static H2Settings tiny(String outputUri) {
    return tiny(outputUri, false);
  }

  public static H2Settings tiny(String outputUri, boolean overwrite) {
    return tiny(outputUri, overwrite, "local[2]");
  }

  /**
   * @param master the Spark master, e.g. "local[2,2]" for two attempts per task
   */
  public static H2Settings tiny(String outputUri, boolean overwrite, String master) {
    return tiny(outputUri, overwrite, master, DataSource.SYNTHETIC);
  }

  /**
   * @param source where the data comes from (in {@code <outputUri>-data}; download is off)
   */
  public static H2Settings tiny(
      String outputUri, boolean overwrite, String master, DataSource source) {
    return new H2Settings(
        List.of(0, 1),
        new DataSettings(
            source,
            outputUri + "-data",
            false,
            "https://example.org/c.tgz",
            List.of("00"),
            true,
            5,
            2,
            0,
            0,
            40,
            20),
        new ModelSettings(4, false),
        new TrainSettings(2, 0.01, 0.9, 32),
        new RetrainSettings(1, 0.001),
        new AssociationSettings(2, 1, 0.01, 0.001, 1.0),
        0.001,
        new ReuseSettings(0.9, 3, 4, 0.01, false),
        new PruneSettings(0.75),
        new ComputeSettings(0, Kernels.AUTO, ConvAlgorithm.WINOGRAD),
        new OutputSettings(outputUri, overwrite),
        new CheckpointSettings(outputUri + "/_checkpoints"),
        new SparkSettings(master, "h2-test", false),
        "{\"seeds\":[0,1]}");
  }
}
