package org.h2cl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.config.H2Settings.DataSettings;

/**
 * Makes sure the four MNIST files are in {@code h2.data.uri}: when some are missing and {@code
 * h2.data.download} is on, fetches their {@code .gz} files from the mirror folder {@code
 * h2.data.mnist-idx.download-url}, checks every MD5 and only then writes them into the folder.
 */
public final class MnistDownloader {

  private static final String SECTION = "h2.data.mnist-idx.";

  private MnistDownloader() {}

  /**
   * Does nothing when the four files are present (plain or gzipped); otherwise downloads the
   * missing ones, or explains how to provide them when downloading is off.
   *
   * @throws DataException when files are missing and cannot be fetched, or a download is refused
   */
  public static void ensure(DataSettings data, Configuration conf) {
    Path folder = DataFiles.folder(data.uri());
    try (FileSystem fs = DataFiles.fileSystem(folder, data.uri(), conf)) {
      List<String> missing = MnistFiles.missing(fs, folder, data.uri());
      if (missing.isEmpty()) {
        return;
      }
      if (!data.download()) {
        throw new DataException(
            "MNIST files missing in "
                + fs.makeQualified(folder)
                + ": "
                + String.join(", ", missing)
                + " (plain or .gz). Set h2.data.download=true to fetch them from "
                + data.downloadUrl()
                + ", or point h2.data.uri at a folder holding them.");
      }
      downloadInto(fs, folder, data, missing);
    } catch (IOException e) {
      throw DataFiles.unreachable(data.uri(), e);
    }
  }

  /** Fetches every missing file first, so that a refused one leaves the folder as it was. */
  private static void downloadInto(
      FileSystem fs, Path folder, DataSettings data, List<String> missing) throws IOException {
    List<java.nio.file.Path> fetched = new ArrayList<>();
    try {
      for (String name : missing) {
        int index = MnistFiles.FILES.indexOf(name);
        java.nio.file.Path local = Files.createTempFile(name, MnistFiles.GZIP);
        fetched.add(local);
        Download.fetch(
            url(data.downloadUrl(), name + MnistFiles.GZIP),
            SECTION + "download-url",
            data.downloadMd5().get(index),
            SECTION + md5Key(name),
            local,
            data.uri());
      }
      fs.mkdirs(folder);
      for (int i = 0; i < missing.size(); i++) {
        java.nio.file.Path local = fetched.get(i);
        DataFiles.writeAtomically(
            fs,
            new Path(folder, missing.get(i) + MnistFiles.GZIP),
            out -> {
              try (InputStream in = Files.newInputStream(local)) {
                in.transferTo(out);
              }
            });
      }
    } finally {
      for (java.nio.file.Path local : fetched) {
        Files.deleteIfExists(local);
      }
    }
  }

  /** The file's URL in the mirror folder, whether or not the folder URL ends with a slash. */
  static String url(String mirror, String file) {
    return mirror.endsWith("/") ? mirror + file : mirror + "/" + file;
  }

  /** The key of a file's MD5: train-images-md5, ..., test-labels-md5. */
  private static String md5Key(String name) {
    return switch (name) {
      case MnistFiles.TRAIN_IMAGES -> "train-images-md5";
      case MnistFiles.TRAIN_LABELS -> "train-labels-md5";
      case MnistFiles.TEST_IMAGES -> "test-images-md5";
      default -> "test-labels-md5";
    };
  }
}
