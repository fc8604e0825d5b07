package org.h2cl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.h2cl.config.H2Settings.DataSource;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsLoaderTest {

  @TempDir Path dir;

  private static final Properties NO_PROPERTIES = new Properties();

  private static H2Settings load(String... overrides) {
    return SettingsLoader.load(Optional.empty(), List.of(overrides), NO_PROPERTIES);
  }

  private static SettingsException failure(String... overrides) {
    return assertThrows(SettingsException.class, () -> load(overrides));
  }

  private static void assertProblem(SettingsException e, String... fragments) {
    for (String problem : e.problems()) {
      if (List.of(fragments).stream().allMatch(problem::contains)) {
        return;
      }
    }
    throw new AssertionError(
        "no problem contains " + List.of(fragments) + " in\n" + e.getMessage());
  }

  /** h2.methods: names in any order, each once; forMethod narrows the settings to one. */
  @Test
  void methodsAreReadInTheGivenOrderAndNarrowedToOne() {
    H2Settings s = load("h2.methods=[finetune, h2, independent]", "h2.fixes.bn-recalibration=true");
    assertEquals(List.of(Method.FINETUNE, Method.H2, Method.INDEPENDENT), s.methods());
    assertThrows(IllegalStateException.class, s::method);
    H2Settings one = s.forMethod(Method.INDEPENDENT);
    assertEquals(Method.INDEPENDENT, one.method());
    assertTrue(one.fixes().bnRecalibration());
    assertEquals(s.train(), one.train());
  }

  @Test
  void badMethodsAreRefusedNamingTheKeyAndTheChoices() {
    assertProblem(
        failure("h2.methods=[h2, ewc]"),
        "h2.methods",
        "element 1",
        "h2, h2-uniform, independent, packnet, finetune",
        "ewc");
    assertProblem(failure("h2.methods=[h2, h2]"), "h2.methods", "h2 appears more than once");
    assertProblem(failure("h2.methods=[]"), "h2.methods", "a non-empty list");
    assertProblem(failure("h2.methods=h2"), "h2.methods", "a non-empty list");
    assertProblem(failure("h2.fixes.bn-recalibration=maybe"), "h2.fixes.bn-recalibration");
    assertProblem(failure("h2.fixes.other=true"), "h2.fixes.other", "unknown key");
  }

  @Test
  void sparkSettingsOnTheCommandLineReachTheSparkConfTakenLiterally() {
    H2Settings s =
        load(
            "spark.eventLog.enabled=true",
            "h2.train.epochs=3",
            "spark.hadoop.fs.defaultFS=hdfs://nn:8020/x#y",
            "spark.eventLog.enabled=false");

    assertEquals(3, s.train().epochs());
    // The later one wins; a value with // or # is not HOCON to Spark.
    assertEquals(
        java.util.Map.of(
            "spark.eventLog.enabled", "false", "spark.hadoop.fs.defaultFS", "hdfs://nn:8020/x#y"),
        s.spark().conf());
    assertFalse(s.rendered().contains("eventLog"), "the h2 block only: " + s.rendered());
    assertProblem(failure("spark.=1"), "argument \"spark.=1\": expected spark.key=value");
    assertProblem(failure("spark.executor.memory"), "expected spark.key=value");
    assertProblem(
        failure("train.epochs=3"), "expected key=value with a key under h2", "spark.key=value");
  }

  @Test
  void defaultsEqualThePaper() {
    H2Settings s = load();
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), s.seeds());
    assertEquals(DataSource.CIFAR10_BINARY, s.data().source());
    assertEquals(5, s.data().tasks());
    assertEquals(2, s.data().classesPerTask());
    assertEquals(0, s.data().trainPerClass());
    assertEquals(64, s.model().baseWidth());
    assertFalse(s.model().stemRelu());
    assertEquals(100, s.train().epochs());
    assertEquals(0.01, s.train().lr());
    assertEquals(0.9, s.train().momentum());
    assertEquals(128, s.train().batchSize());
    assertEquals(10, s.retrain().epochs());
    assertEquals(0.001, s.retrain().lr());
    assertEquals(15, s.association().epochs());
    assertEquals(5, s.association().warmupEpochs());
    assertEquals(0.01, s.association().lr());
    assertEquals(0.001, s.association().logitLr());
    assertEquals(1.0, s.association().temperature());
    assertFalse(s.association().deterministic());
    assertEquals(List.of(Method.H2), s.methods());
    assertEquals(Method.H2, s.method());
    assertFalse(s.fixes().bnRecalibration());
    assertFalse(s.output().csv());
    assertEquals(0.001, s.reinitStd());
    assertEquals(0.9, s.reuse().selectionFraction());
    assertEquals(90.0, s.reuse().selectionEpochs(s.train().epochs()), 1e-9);
    assertEquals(3, s.reuse().counterDivisor());
    assertEquals(30, s.reuse().fisherSamples());
    assertEquals(0.01, s.reuse().threshold());
    assertFalse(s.reuse().switchOffAtS());
    assertEquals(0.75, s.prune().ratio());
    assertEquals("output/run/_checkpoints", s.checkpoint().uri());
    assertEquals(Kernels.AUTO, s.compute().kernels());
    assertEquals(ConvAlgorithm.WINOGRAD, s.compute().convAlgorithm());
  }

  @Test
  void oneDnnNeedsAWidthThatIsAMultipleOf16() {
    assertProblem(
        failure("h2.compute.kernels=onednn", "h2.model.base-width=8"),
        "h2.compute.kernels",
        "h2.model.base-width",
        "got 8");
    assertEquals(
        16, load("h2.compute.kernels=onednn", "h2.model.base-width=16").model().baseWidth());
  }

  @Test
  void computeChoicesParse() {
    H2Settings s = load("h2.compute.kernels=libnd4j", "h2.compute.conv-algorithm=direct");
    assertEquals(Kernels.LIBND4J, s.compute().kernels());
    assertEquals(ConvAlgorithm.DIRECT, s.compute().convAlgorithm());
  }

  @Test
  void systemPropertyBeatsArgumentBeatsFileBeatsReference() throws IOException {
    Path file = dir.resolve("run.conf");
    Files.writeString(file, "h2.train.epochs = 5\nh2.train.lr = 0.5\nh2.retrain.epochs = 4\n");
    Properties properties = new Properties();
    properties.setProperty("h2.train.epochs", "7");
    properties.setProperty("java.version.ignored", "x");
    List<String> arguments = List.of("h2.train.epochs=6", "h2.train.lr=0.25", "h2.seeds=[3, 1]");

    H2Settings all = SettingsLoader.load(Optional.of(file), arguments, properties);
    assertEquals(7, all.train().epochs());
    assertEquals(0.25, all.train().lr());
    assertEquals(4, all.retrain().epochs());
    assertEquals(128, all.train().batchSize());
    assertEquals(List.of(3, 1), all.seeds());

    assertEquals(
        6, SettingsLoader.load(Optional.of(file), arguments, NO_PROPERTIES).train().epochs());
    assertEquals(
        5, SettingsLoader.load(Optional.of(file), List.of(), NO_PROPERTIES).train().epochs());
  }

  @Test
  void laterArgumentsWinAndListsParseFromSystemProperties() {
    Properties properties = new Properties();
    properties.setProperty("h2.seeds", "[4,5]");
    H2Settings s =
        SettingsLoader.load(
            Optional.empty(), List.of("h2.train.epochs=3", "h2.train.epochs=4"), properties);
    assertEquals(4, s.train().epochs());
    assertEquals(List.of(4, 5), s.seeds());
  }

  @Test
  void uriValuesAreTakenLiterally() {
    H2Settings s =
        load("h2.data.uri=hdfs://namenode:8020/data/cifar#1", "h2.output.uri = hdfs://nn/out");
    assertEquals("hdfs://namenode:8020/data/cifar#1", s.data().uri());
    assertEquals("hdfs://nn/out", s.output().uri());
    assertEquals("hdfs://nn/out/_checkpoints", s.checkpoint().uri());
    assertEquals("hdfs://n/x", load("h2.data.uri=\"hdfs://n/x\"").data().uri());
  }

  @Test
  void explicitCheckpointUriIsKept() {
    assertEquals("/tmp/ck", load("h2.checkpoint.uri=/tmp/ck").checkpoint().uri());
  }

  @Test
  void unknownKeySuggestsTheNearestKnownOne() {
    SettingsException e = failure("h2.train.epoch=10");
    assertProblem(e, "h2.train.epoch: unknown key (did you mean h2.train.epochs?)");
    assertProblem(
        failure("h2.trian.lr=0.1"), "h2.trian.lr: unknown key", "did you mean h2.train.lr?");
    assertProblem(
        failure("h2.epochs=3"),
        "h2.epochs: unknown key",
        "h2.train.epochs",
        "h2.retrain.epochs",
        "h2.association.epochs");
    SettingsException far = failure("h2.data.completely-different=1");
    assertProblem(far, "h2.data.completely-different: unknown key");
    assertFalse(far.getMessage().contains("did you mean"), far.getMessage());
  }

  @Test
  void unknownKeyInAFileNamesTheFile() throws IOException {
    Path file = dir.resolve("typo.conf");
    Files.writeString(file, "h2 {\n  model {\n    base-witdh = 8\n  }\n}\n");
    SettingsException e =
        assertThrows(
            SettingsException.class,
            () -> SettingsLoader.load(Optional.of(file), List.of(), NO_PROPERTIES));
    assertProblem(
        e, "h2.model.base-witdh: unknown key (did you mean h2.model.base-width?)", "typo.conf: 3");
  }

  @Test
  void everyKeyOfAFileOutsideH2IsRefusedNamingTheFile() throws IOException {
    Path file = dir.resolve("outside.conf");
    Files.writeString(
        file,
        "h3.train.epochs = 3\n"
            + "spark.hadoop.fs.s3a.secret.key = \"wJalrXUtnFEMI\"\n"
            + "spark { executor.memory = 4g }\n"
            + "h2.train.epochs = 2\n");
    SettingsException e =
        assertThrows(
            SettingsException.class,
            () -> SettingsLoader.load(Optional.of(file), List.of(), NO_PROPERTIES));
    assertProblem(
        e, "h3.train.epochs: unknown key (did you mean h2.train.epochs?)", "outside.conf: 1");
    assertProblem(
        e,
        "spark.hadoop.fs.s3a.secret.key: Spark settings are not read from a conf file",
        "outside.conf: 2",
        "on the command line as spark.hadoop.fs.s3a.secret.key=VALUE",
        "spark-submit as --conf spark.hadoop.fs.s3a.secret.key=VALUE");
    assertProblem(e, "spark.executor.memory: Spark settings are not read", "outside.conf: 3");
    assertEquals(3, e.problems().size(), e.getMessage());
    assertFalse(e.getMessage().contains("wJalrXUtnFEMI"), "a secret is never quoted");
  }

  @Test
  void wrongTypesNameKeyAndValue() {
    assertProblem(
        failure("h2.train.epochs=ten"), "h2.train.epochs: expected an integer, got STRING \"ten\"");
    assertProblem(
        failure("h2.train.epochs=2.5"), "h2.train.epochs: expected an integer, got NUMBER 2.5");
    assertProblem(failure("h2.train.lr=fast"), "h2.train.lr: expected a number, got STRING");
    assertProblem(failure("h2.output.overwrite=maybe"), "h2.output.overwrite: expected a boolean");
    assertProblem(failure("h2.seeds=7"), "h2.seeds: expected a non-empty list");
    assertProblem(
        failure("h2.seeds=[1, x]"), "h2.seeds: element 1: expected an integer", "STRING \"x\"");
    assertProblem(failure("h2.data=3"), "h2.data: expected a section", "NUMBER 3");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "h2.data.source=imagenet        | h2.data.source: expected one of cifar10-binary, cifar100-binary, mnist-idx, synthetic",
        "h2.data.cifar10-binary.uri=\"\" | h2.data.cifar10-binary.uri: expected a non-empty string",
        "h2.data.tasks=0                 | h2.data.tasks: expected an integer in 1..5 (h2.data.source = cifar10-binary has 10 classes)",
        "h2.data.classes-per-task=1      | h2.data.classes-per-task: expected an integer in 2..10",
        "h2.data.train-per-class=5001    | h2.data.train-per-class: expected an integer in 0..5000",
        "h2.data.test-per-class=-1       | h2.data.test-per-class: expected an integer in 0..1000",
        "h2.data.synthetic.train-per-class=0 | train-per-class: expected an integer in 1..5000",
        "h2.data.synthetic.test-per-class=1001 | test-per-class: expected an integer in 1..1000",
        "h2.model.base-width=257         | h2.model.base-width: expected an integer in 1..256",
        "h2.train.epochs=0               | h2.train.epochs: expected an integer in 1..32767, got 0",
        "h2.train.lr=0                   | h2.train.lr: expected a number > 0, got 0",
        "h2.train.momentum=1             | h2.train.momentum: expected a number in [0, 1), got 1",
        "h2.train.momentum=-0.1          | h2.train.momentum: expected a number in [0, 1)",
        "h2.train.batch-size=0           | h2.train.batch-size: expected an integer >= 1",
        "h2.retrain.epochs=-1            | h2.retrain.epochs: expected an integer >= 0",
        "h2.retrain.lr=-0.001            | h2.retrain.lr: expected a number > 0",
        "h2.association.epochs=-1        | h2.association.epochs: expected an integer >= 0",
        "h2.association.warmup-epochs=16 | warmup-epochs: expected an integer in 0..15",
        "h2.association.lr=0             | h2.association.lr: expected a number > 0",
        "h2.association.logit-lr=-1      | h2.association.logit-lr: expected a number >= 0",
        "h2.association.temperature=0    | h2.association.temperature: expected a number > 0",
        "h2.reinit-std=0                 | h2.reinit-std: expected a number > 0",
        "h2.reuse.selection-fraction=1.5 | h2.reuse.selection-fraction: expected a number in (0, 1]",
        "h2.reuse.selection-fraction=0   | h2.reuse.selection-fraction: expected a number in (0, 1]",
        "h2.reuse.counter-divisor=0      | h2.reuse.counter-divisor: expected an integer >= 1",
        "h2.reuse.fisher-samples=0       | h2.reuse.fisher-samples: expected an integer >= 1",
        "h2.reuse.threshold=-0.5         | h2.reuse.threshold: expected a number >= 0",
        "h2.prune.ratio=1                | h2.prune.ratio: expected a number in (0, 1)",
        "h2.prune.ratio=0                | h2.prune.ratio: expected a number in (0, 1)",
        "h2.compute.threads=-2           | h2.compute.threads: expected an integer >= 0",
        "h2.compute.kernels=cudnn        | h2.compute.kernels: expected one of auto, onednn, libnd4j, got \"cudnn\"",
        "h2.compute.conv-algorithm=fft   | h2.compute.conv-algorithm: expected one of winograd, direct",
        "h2.output.uri=\"\"              | h2.output.uri: expected a non-empty string",
        "h2.spark.master=\"\"            | h2.spark.master: expected a non-empty string",
        "h2.seeds=[]                     | h2.seeds: expected a non-empty list",
        "h2.seeds=[1, 2, 1]              | h2.seeds: seed 1 appears more than once",
        "h2.data.cifar10-binary.download-md5=abc | h2.data.cifar10-binary.download-md5: expected 32 hex digits",
      })
  void valuesOutOfRangeNameKeyValueAndAllowedRange(String argument, String expected) {
    List<String> arguments =
        expected.contains("download-md5")
            ? List.of(argument, "h2.data.download=true")
            : List.of(argument);
    assertProblem(failure(arguments.toArray(String[]::new)), expected);
  }

  @Test
  void eachSourceBringsItsFolderDownloadAndLimits() {
    H2Settings cifar10 = load();
    assertEquals("data/cifar-10-batches-bin", cifar10.data().uri());
    assertEquals(
        "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", cifar10.data().downloadUrl());
    assertEquals(List.of("c32a1d4ab5d03f1284b67883e8d87530"), cifar10.data().downloadMd5());
    assertTrue(cifar10.data().augment());

    H2Settings mnist = load("h2.data.source=mnist-idx");
    assertEquals(DataSource.MNIST_IDX, mnist.data().source());
    assertEquals("data/mnist", mnist.data().uri());
    assertEquals("https://ossci-datasets.s3.amazonaws.com/mnist/", mnist.data().downloadUrl());
    assertEquals(4, mnist.data().downloadMd5().size());
    assertEquals("f68b3c2dcbeaaa9fbdd348bbdeb94873", mnist.data().downloadMd5().get(0));
    assertFalse(mnist.data().augment());
    assertTrue(load("h2.data.source=mnist-idx", "h2.data.mnist-idx.augment=true").data().augment());
    // The resolved folder is what the results record.
    assertTrue(mnist.rendered().contains("\"uri\":\"data/mnist\""), mnist.rendered());
    assertEquals("/x", load("h2.data.source=mnist-idx", "h2.data.uri=/x").data().uri());

    H2Settings cifar100 =
        load(
            "h2.data.source=cifar100-binary",
            "h2.data.tasks=10",
            "h2.data.classes-per-task=10",
            "h2.data.train-per-class=500");
    assertEquals("data/cifar-100-binary", cifar100.data().uri());
    assertEquals(List.of("03b5dce01913d631647c71ecec9e9cb8"), cifar100.data().downloadMd5());
    assertEquals(
        20,
        load("h2.data.source=cifar100-binary", "h2.data.tasks=20", "h2.data.classes-per-task=5")
            .data()
            .tasks());
    assertProblem(
        failure(
            "h2.data.source=cifar100-binary", "h2.data.tasks=11", "h2.data.classes-per-task=10"),
        "11 x 10 = 110",
        "at most 100 (h2.data.source = cifar100-binary has 100 classes)");
    assertProblem(
        failure("h2.data.source=cifar100-binary", "h2.data.train-per-class=501"),
        "h2.data.train-per-class: expected an integer in 0..500",
        "no class of cifar100-binary has more than 500 train images");
    assertProblem(
        failure("h2.data.source=mnist-idx", "h2.data.tasks=6"),
        "h2.data.tasks: expected an integer in 1..5 (h2.data.source = mnist-idx has 10 classes)");
    assertEquals(
        6742,
        load("h2.data.source=mnist-idx", "h2.data.train-per-class=6742").data().trainPerClass());
  }

  @Test
  void aDownloadChecksTheSourcesOwnKeys() {
    assertProblem(
        failure(
            "h2.data.source=mnist-idx",
            "h2.data.download=true",
            "h2.data.mnist-idx.test-labels-md5=xyz"),
        "h2.data.mnist-idx.test-labels-md5: expected 32 hex digits (h2.data.download = true)");
    assertProblem(
        failure(
            "h2.data.source=cifar100-binary",
            "h2.data.download=true",
            "h2.data.cifar100-binary.download-url=ftp://x"),
        "h2.data.cifar100-binary.download-url: expected an http:, https: or file: URL");
    // Another source's keys are not checked: they are not used.
    load("h2.data.download=true", "h2.data.mnist-idx.test-labels-md5=xyz");
    // The flat keys of earlier versions are refused, not silently ignored.
    assertProblem(
        failure("h2.data.download-md5=c32a1d4ab5d03f1284b67883e8d87530"),
        "h2.data.download-md5: unknown key");
  }

  @Test
  void warmupMayExceedZeroAssociationEpochsButNotOthers() {
    assertEquals(0, load("h2.association.epochs=0").association().epochs());
    assertProblem(
        failure("h2.association.epochs=3", "h2.association.warmup-epochs=4"),
        "h2.association.warmup-epochs: expected an integer in 0..3",
        "got 4");
  }

  @Test
  void tooManyClassesNamesBothKeys() {
    SettingsException e = failure("h2.data.tasks=4", "h2.data.classes-per-task=3");
    assertProblem(e, "h2.data.tasks", "h2.data.classes-per-task", "4 x 3 = 12", "at most 10");
    assertEquals(1, load("h2.data.tasks=1", "h2.data.classes-per-task=10").data().tasks());
  }

  @Test
  void outputInsideDataFolderIsRefused() {
    assertProblem(
        failure("h2.data.uri=data/cifar", "h2.output.uri=data/cifar/out"),
        "h2.output.uri",
        "h2.data.uri",
        "inside");
    assertProblem(
        failure("h2.data.uri=data/cifar", "h2.output.uri=./data/cifar/"),
        "h2.output.uri",
        "inside");
    String absolute =
        Paths.get("data/cifar").toAbsolutePath().toUri().toString().replaceAll("/$", "");
    assertProblem(
        failure("h2.data.uri=data/cifar", "h2.output.uri=" + absolute + "/x/.."),
        "h2.output.uri",
        "inside");
    assertProblem(
        failure("h2.data.uri=hdfs://nn:8020/d", "h2.output.uri=HDFS://nn:8020/d/o"),
        "h2.output.uri",
        "inside");
    // Siblings with a common prefix, other hosts and other schemes are fine.
    load("h2.data.uri=data/cifar", "h2.output.uri=data/cifar-out");
    load("h2.data.uri=hdfs://nn:8020/d", "h2.output.uri=hdfs://other:8020/d/o");
    load("h2.data.uri=hdfs://nn:8020/d", "h2.output.uri=/d/o");
  }

  @Test
  void foldersAreComparedWithSymbolicLinksResolved() throws IOException {
    Path data = Files.createDirectories(dir.resolve("real-data"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), data);
    assertProblem(
        failure("h2.data.uri=" + data, "h2.output.uri=" + link.resolve("out")),
        "h2.output.uri",
        "is inside the data folder h2.data.uri");
    assertProblem(
        failure("h2.data.uri=" + link.toUri(), "h2.output.uri=" + data.resolve("x/y").toUri()),
        "h2.output.uri",
        "is inside the data folder h2.data.uri");
    // A link to a sibling is a sibling.
    Path other = Files.createDirectories(dir.resolve("other"));
    load(
        "h2.data.uri=" + data,
        "h2.output.uri=" + Files.createSymbolicLink(dir.resolve("to-other"), other));
  }

  @Test
  void dataInsideTheOutputOrCheckpointFolderIsRefused() {
    assertProblem(
        failure("h2.output.uri=out/run", "h2.data.uri=out/run/task_results/mydata"),
        "h2.data.uri",
        "is inside the folder h2.output.uri",
        "may clear (h2.output.overwrite)");
    assertProblem(
        failure("h2.output.uri=out/run", "h2.checkpoint.uri=ckpt", "h2.data.uri=ckpt/seed=0/data"),
        "h2.data.uri",
        "is inside the folder h2.checkpoint.uri");
    load("h2.output.uri=out/run", "h2.data.uri=out/data");
  }

  @Test
  void aCheckpointFolderOfItsOwnLiesOutsideTheOutput() {
    for (String checkpoint : List.of("out/run/ckpt", "out/run", "out")) {
      assertProblem(
          failure("h2.output.uri=out/run", "h2.checkpoint.uri=" + checkpoint),
          "h2.checkpoint.uri",
          "overlap",
          "expected a checkpoint folder outside the output");
    }
    // The default place, spelt out, and a folder beside the output are fine.
    load("h2.output.uri=out/run", "h2.checkpoint.uri=out/run/_checkpoints/");
    load("h2.output.uri=out/run", "h2.checkpoint.uri=out/ckpt");
  }

  @Test
  void outputAndCheckpointsOnAnObjectStoreAreRefused() {
    SettingsException e = failure("h2.output.uri=s3a://KEY:SECRET@bucket/out");
    assertProblem(
        e,
        "h2.output.uri: \"s3a://***@bucket/out\" is on s3a:",
        "rename copies and deletes instead of moving atomically",
        "hdfs:");
    assertEquals(1, e.problems().size(), "the default checkpoint folder is not named again");
    // The argument quoted at the end is redacted on the console, as every message is.
    assertFalse(Redaction.uris(e.getMessage()).contains("SECRET"), e.getMessage());
    assertProblem(failure("h2.checkpoint.uri=gs://bucket/ck"), "h2.checkpoint.uri", "is on gs:");
    load("h2.data.uri=s3a://bucket/cifar"); // data is only read
  }

  @Test
  void malformedArgumentsAreNamed() {
    assertProblem(failure("epochs"), "argument \"epochs\": expected key=value");
    assertProblem(failure("train.epochs=3"), "argument \"train.epochs=3\"", "under h2");
  }

  @Test
  void missingOrBrokenFileIsNamed() throws IOException {
    Path missing = dir.resolve("nope.conf");
    SettingsException e =
        assertThrows(
            SettingsException.class,
            () -> SettingsLoader.load(Optional.of(missing), List.of(), NO_PROPERTIES));
    assertProblem(e, "conf file " + missing);

    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "h2 { train { epochs = ");
    e =
        assertThrows(
            SettingsException.class,
            () -> SettingsLoader.load(Optional.of(broken), List.of(), NO_PROPERTIES));
    assertProblem(e, "conf file " + broken, "cannot be parsed");
  }

  @Test
  void allProblemsAreReportedTogether() throws IOException {
    Path missing = dir.resolve("nope.conf");
    Properties properties = new Properties();
    properties.setProperty("h2.prune.ratio", "2");
    SettingsException e =
        assertThrows(
            SettingsException.class,
            () ->
                SettingsLoader.load(
                    Optional.of(missing),
                    List.of("h2.train.epochs=ten", "h2.train.lr=-1", "h2.train.epoch=3", "bogus"),
                    properties));
    assertProblem(e, "conf file");
    assertProblem(e, "h2.train.epochs", "ten");
    assertProblem(e, "h2.train.lr", "> 0");
    assertProblem(e, "h2.train.epoch: unknown key");
    assertProblem(e, "argument \"bogus\"");
    assertProblem(e, "h2.prune.ratio", "system property");
    assertEquals(6, e.problems().size(), e.getMessage());
    assertEquals(String.join("\n", e.problems()), e.getMessage());
  }

  @Test
  void renderedIsTheResolvedConfigWithSecretsRedacted() {
    H2Settings s = load("h2.data.uri=s3a://AKIA:xyz@bucket/x", "h2.output.uri=/tmp/out");
    assertEquals("s3a://AKIA:xyz@bucket/x", s.data().uri());
    assertFalse(s.rendered().contains("xyz"), s.rendered());
    assertFalse(s.rendered().contains("AKIA"), s.rendered());
    assertTrue(s.rendered().contains("s3a://***@bucket/x"), s.rendered());
    // The rendering is JSON that loads back to the same settings (apart from the redaction).
    var back = ConfigFactory.parseString(s.rendered());
    assertEquals(100, back.getInt("h2.train.epochs"));
    assertEquals("/tmp/out/_checkpoints", back.getString("h2.checkpoint.uri"));
    assertTrue(s.rendered().startsWith("{\"h2\":{"), s.rendered());
  }

  @Test
  void secretKeysAreRedactedWherever() {
    var config =
        ConfigFactory.parseString(
            "a { password = hunter2, api-token = t0k, s3 { access-key = AKIA, list = [\"u://a:b@h\"] },"
                + " client-secret { x = 1 }, plain = \"http://user@host/p\", n = 3 }");
    String rendered = Redaction.render("a", config.root());
    for (String secret : List.of("hunter2", "t0k", "AKIA", "a:b", "user@")) {
      assertFalse(rendered.contains(secret), rendered);
    }
    assertTrue(rendered.contains("\"n\":3"), rendered);
    assertTrue(rendered.contains("u://***@h"), rendered);
    assertTrue(rendered.contains("\"x\":\"***\""), rendered);
  }

  @Test
  void credentialsCannotBeGivenInOurSettings() {
    // They come from Hadoop's own configuration or the environment; no key of ours holds one.
    var reference = ConfigFactory.parseResources("reference.conf").getConfig("h2");
    for (var entry : reference.entrySet()) {
      String key = entry.getKey().toLowerCase(java.util.Locale.ROOT);
      for (String word : List.of("password", "secret", "token", "credential", "access", "key")) {
        assertFalse(key.contains(word), "h2." + entry.getKey() + " looks like a credential");
      }
    }
    assertProblem(failure("h2.data.s3a.access-key=AKIA"), "h2.data.s3a.access-key: unknown key");
    assertProblem(failure("h2.spark.secret=x"), "h2.spark.secret: unknown key");
  }

  @Test
  void urisLoseTheirUserInfoWherever() {
    assertEquals(
        "cannot reach \"s3a://***@bucket/cifar\" nor hdfs://***@nn:8020/x or file:/plain",
        Redaction.uris(
            "cannot reach \"s3a://AKIA:s3cr3t@bucket/cifar\" nor hdfs://user@nn:8020/x or"
                + " file:/plain"));
  }

  @Test
  void shippedConfFilesLoadCleanly() {
    H2Settings paper =
        SettingsLoader.load(Optional.of(Paths.get("conf/paper.conf")), List.of(), NO_PROPERTIES);
    assertEquals(10, paper.seeds().size());
    assertEquals(DataSource.CIFAR10_BINARY, paper.data().source());
    assertEquals(100, paper.train().epochs());
    assertEquals(64, paper.model().baseWidth());

    H2Settings quick =
        SettingsLoader.load(
            Optional.of(Paths.get("conf/quickstart.conf")), List.of(), NO_PROPERTIES);
    assertEquals(DataSource.SYNTHETIC, quick.data().source());
    assertEquals("data/synthetic-cifar", quick.data().uri());
    assertEquals(List.of(0, 1), quick.seeds());
    assertEquals(16, quick.model().baseWidth());
    assertEquals(6, quick.train().epochs());
    assertEquals(2, quick.retrain().epochs());
    assertEquals(3, quick.association().epochs());
    assertEquals(1, quick.association().warmupEpochs());
    assertEquals(300, quick.data().syntheticTrainPerClass());
    assertEquals(100, quick.data().syntheticTestPerClass());
    assertEquals("output/quickstart", quick.output().uri());

    H2Settings mnist =
        SettingsLoader.load(
            Optional.of(Paths.get("conf/split-mnist.conf")), List.of(), NO_PROPERTIES);
    assertEquals(DataSource.MNIST_IDX, mnist.data().source());
    assertEquals("data/mnist", mnist.data().uri());
    assertTrue(mnist.data().download());
    assertEquals(5, mnist.data().tasks());
    assertEquals(100, mnist.train().epochs());

    H2Settings cifar100 =
        SettingsLoader.load(
            Optional.of(Paths.get("conf/split-cifar100.conf")), List.of(), NO_PROPERTIES);
    assertEquals(DataSource.CIFAR100_BINARY, cifar100.data().source());
    assertEquals(10, cifar100.data().tasks());
    assertEquals(10, cifar100.data().classesPerTask());
    assertTrue(cifar100.data().download());

    H2Settings sample =
        SettingsLoader.load(
            Optional.of(Paths.get("conf/mnist-sample.conf")), List.of(), NO_PROPERTIES);
    assertEquals(DataSource.MNIST_IDX, sample.data().source());
    assertEquals("data/mnist-sample", sample.data().uri());
    assertFalse(sample.data().download());
  }
}
