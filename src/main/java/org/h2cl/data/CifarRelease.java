package org.h2cl.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The two official CIFAR binary releases: their files, their record layout (label bytes, then 3072
 * pixel bytes) and the folder their archive unpacks into.
 */
public enum CifarRelease {
  /** {@code cifar-10-binary.tar.gz}: 5 x 10 000 training records, 10 000 test records. */
  CIFAR10(
      "CIFAR-10",
      "cifar10-binary",
      List.of(
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin"),
      "test_batch.bin",
      new int[] {10},
      new String[] {"label"},
      "cifar-10-batches-bin/",
      Preprocessing.CIFAR10),

  /**
   * {@code cifar-100-binary.tar.gz}: 50 000 training and 10 000 test records, each with a coarse
   * (0..19) and a fine (0..99) label byte; the fine label is the class.
   */
  CIFAR100(
      "CIFAR-100",
      "cifar100-binary",
      List.of("train.bin"),
      "test.bin",
      new int[] {20, 100},
      new String[] {"coarse label", "fine label"},
      "cifar-100-binary/",
      Preprocessing.CIFAR100);

  /** The name in messages, e.g. "CIFAR-100". */
  final String title;

  /** The source's section under {@code h2.data}, whose keys messages name. */
  final String section;

  /** The training files, read in this order. */
  final List<String> trainFiles;

  final String testFile;

  /** Every data file: the training files, then the test file. */
  final List<String> dataFiles;

  /** How many values each label byte of a record may take; the last label is the class. */
  private final int[] labelValues;

  private final String[] labelNames;

  /** The folder inside the official archive that holds the files. */
  final String archiveFolder;

  /** The release's own statistics and augmentation. */
  final Preprocessing preprocessing;

  /** Bytes of one record: the label bytes, then 3072 pixel bytes. */
  final int recordBytes;

  CifarRelease(
      String title,
      String section,
      List<String> trainFiles,
      String testFile,
      int[] labelValues,
      String[] labelNames,
      String archiveFolder,
      Preprocessing preprocessing) {
    this.title = title;
    this.section = section;
    this.trainFiles = trainFiles;
    this.testFile = testFile;
    List<String> all = new ArrayList<>(trainFiles);
    all.add(testFile);
    this.dataFiles = List.copyOf(all);
    this.labelValues = labelValues;
    this.labelNames = labelNames;
    this.archiveFolder = archiveFolder;
    this.preprocessing = preprocessing;
    this.recordBytes = labelValues.length + CifarImages.IMAGE_BYTES;
  }

  /** Label bytes per record. */
  int labelBytes() {
    return labelValues.length;
  }

  /** How many values label byte {@code i} may take (0 .. that - 1). */
  int labelValues(int i) {
    return labelValues[i];
  }

  /** What label byte {@code i} is, e.g. "coarse label". */
  String labelName(int i) {
    return labelNames[i];
  }

  /** The record layout, for messages: "1 label byte + 3072 pixel bytes". */
  String recordLayout() {
    return labelBytes() == 1
        ? "1 label byte + 3072 pixel bytes"
        : String.join(" byte, ", labelNames) + " byte + 3072 pixel bytes";
  }

  /** A key of the release's section, e.g. "h2.data.cifar100-binary.download-md5". */
  String key(String name) {
    return "h2.data." + section + "." + name;
  }
}
