package org.h2cl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.h2cl.config.H2Settings;
import org.h2cl.config.H2Settings.CheckpointSettings;
import org.h2cl.config.H2Settings.ComputeSettings;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.H2Settings.DataSource;
import org.h2cl.config.H2Settings.OutputSettings;
import org.h2cl.config.H2Settings.ReuseSettings;
import org.h2cl.config.H2Settings.SparkSettings;
import org.h2cl.config.H2Settings.TrainSettings;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  private static final H2Settings BASE = SettingsFixture.tiny("file:/tmp/out");
  private static final String FP = Fingerprint.of(BASE, "1.0");

  private static H2Settings with(
      List<Integer> seeds,
      DataSettings data,
      TrainSettings train,
      double reinitStd,
      ReuseSettings reuse,
      ComputeSettings compute,
      OutputSettings output,
      CheckpointSettings checkpoint,
      SparkSettings spark,
      String rendered) {
    H2Settings b = BASE;
    return new H2Settings(
        seeds,
        b.methods(),
        data,
        b.model(),
        train,
        b.retrain(),
        b.association(),
        reinitStd,
        reuse,
        b.prune(),
        b.fixes(),
        compute,
        output,
        checkpoint,
        spark,
        rendered);
  }

  private static H2Settings data(DataSettings d) {
    H2Settings b = BASE;
    return with(
        b.seeds(),
        d,
        b.train(),
        b.reinitStd(),
        b.reuse(),
        b.compute(),
        b.output(),
        b.checkpoint(),
        b.spark(),
        b.rendered());
  }

  @Test
  void isAStableHexSha256() {
    assertEquals(64, FP.length());
    assertTrue(FP.matches("[0-9a-f]{64}"));
    assertEquals(FP, Fingerprint.of(SettingsFixture.tiny("file:/tmp/out"), "1.0"));
  }

  @Test
  void changesWithEveryResultDeterminingSetting() {
    H2Settings b = BASE;
    DataSettings d = b.data();
    List<H2Settings> changed =
        List.of(
            with(
                b.seeds(),
                d,
                new TrainSettings(3, 0.01, 0.9, 32),
                b.reinitStd(),
                b.reuse(),
                b.compute(),
                b.output(),
                b.checkpoint(),
                b.spark(),
                b.rendered()),
            with(
                b.seeds(),
                d,
                new TrainSettings(2, 0.01, 0.9, 64),
                b.reinitStd(),
                b.reuse(),
                b.compute(),
                b.output(),
                b.checkpoint(),
                b.spark(),
                b.rendered()),
            with(
                b.seeds(),
                d,
                b.train(),
                0.002,
                b.reuse(),
                b.compute(),
                b.output(),
                b.checkpoint(),
                b.spark(),
                b.rendered()),
            with(
                b.seeds(),
                d,
                b.train(),
                b.reinitStd(),
                new ReuseSettings(0.9, 3, 4, 0.01, true),
                b.compute(),
                b.output(),
                b.checkpoint(),
                b.spark(),
                b.rendered()),
            data(
                new DataSettings(
                    DataSource.CIFAR10_BINARY,
                    d.uri(),
                    d.download(),
                    d.downloadUrl(),
                    d.downloadMd5(),
                    d.augment(),
                    d.tasks(),
                    d.classesPerTask(),
                    d.trainPerClass(),
                    d.testPerClass(),
                    d.syntheticTrainPerClass(),
                    d.syntheticTestPerClass())),
            data(
                new DataSettings(
                    d.source(),
                    d.uri(),
                    d.download(),
                    d.downloadUrl(),
                    d.downloadMd5(),
                    d.augment(),
                    4,
                    d.classesPerTask(),
                    d.trainPerClass(),
                    d.testPerClass(),
                    d.syntheticTrainPerClass(),
                    d.syntheticTestPerClass())),
            data(
                new DataSettings(
                    d.source(),
                    d.uri(),
                    d.download(),
                    d.downloadUrl(),
                    d.downloadMd5(),
                    d.augment(),
                    d.tasks(),
                    d.classesPerTask(),
                    100,
                    d.testPerClass(),
                    d.syntheticTrainPerClass(),
                    d.syntheticTestPerClass())),
            data(
                new DataSettings(
                    d.source(),
                    d.uri(),
                    d.download(),
                    d.downloadUrl(),
                    d.downloadMd5(),
                    d.augment(),
                    d.tasks(),
                    d.classesPerTask(),
                    d.trainPerClass(),
                    d.testPerClass(),
                    d.syntheticTrainPerClass(),
                    21)));
    for (H2Settings s : changed) {
      assertNotEquals(FP, Fingerprint.of(s, "1.0"), Fingerprint.canonical(s, "1.0"));
    }
    assertNotEquals(FP, Fingerprint.of(BASE, "1.1"));
  }

  @Test
  void ignoresWhereAndHowTheRunRuns() {
    H2Settings b = BASE;
    DataSettings d = b.data();
    List<H2Settings> same =
        List.of(
            with(
                List.of(7),
                d,
                b.train(),
                b.reinitStd(),
                b.reuse(),
                new ComputeSettings(8, Kernels.LIBND4J, ConvAlgorithm.DIRECT),
                new OutputSettings("hdfs://nn/elsewhere", true, false),
                new CheckpointSettings("s3a://bucket/ckpt"),
                new SparkSettings(
                    "yarn", "other", true, java.util.Map.of("spark.eventLog.enabled", "true")),
                "{\"other\":1}"),
            data(
                new DataSettings(
                    d.source(),
                    "hdfs://nn/cifar",
                    true,
                    "https://mirror/x.tgz",
                    List.of("ff"),
                    d.augment(),
                    d.tasks(),
                    d.classesPerTask(),
                    d.trainPerClass(),
                    d.testPerClass(),
                    d.syntheticTrainPerClass(),
                    d.syntheticTestPerClass())));
    for (H2Settings s : same) {
      assertEquals(FP, Fingerprint.of(s, "1.0"));
    }
  }

  @Test
  void canonicalTextListsEachCountedKeyOnce() {
    String text = Fingerprint.canonical(BASE, "1.0");
    for (String key :
        List.of(
            "data.source=SYNTHETIC",
            "data.tasks=5",
            "data.syntheticTrainPerClass=40",
            "model.baseWidth=4",
            "train.lr=0.01",
            "retrain.epochs=1",
            "association.temperature=1.0",
            "reinitStd=0.001",
            "reuse.switchOffAtS=false",
            "prune.ratio=0.75",
            "code-version=1.0")) {
      assertTrue(text.contains(key + "\n"), key + " missing from\n" + text);
    }
    for (String ignored :
        List.of("seeds", "data.uri", "output", "checkpoint", "spark", "compute")) {
      assertTrue(
          text.lines().noneMatch(l -> l.startsWith(ignored + "=") || l.startsWith(ignored + ".")),
          ignored + " counted in\n" + text);
    }
  }
}
