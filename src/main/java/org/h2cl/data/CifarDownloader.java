package org.h2cl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.config.H2Settings.DataSettings;

/**
 * Makes sure a CIFAR release's binary files are in {@code h2.data.uri}: when they are missing and
 * {@code h2.data.download} is on, fetches the official archive, checks its MD5 and unpacks the
 * members of its folder ({@code cifar-10-batches-bin/}, {@code cifar-100-binary/}) into the folder.
 */
public final class CifarDownloader {

  private CifarDownloader() {}

  /** As {@link #ensure(DataSettings, CifarRelease, Configuration)} for CIFAR-10. */
  public static void ensure(DataSettings data, Configuration conf) {
    ensure(data, CifarRelease.CIFAR10, conf);
  }

  /**
   * Does nothing when the release's data files are present; otherwise downloads and unpacks them,
   * or explains how to provide them when downloading is off.
   *
   * @throws DataException when the files are missing and cannot be fetched, or the archive is bad
   */
  public static void ensure(DataSettings data, CifarRelease release, Configuration conf) {
    Path folder = DataFiles.folder(data.uri());
    try (FileSystem fs = DataFiles.fileSystem(folder, data.uri(), conf)) {
      List<String> missing = DataFiles.missingFiles(fs, folder, data.uri(), release.dataFiles);
      if (missing.isEmpty()) {
        return;
      }
      if (!data.download()) {
        throw new DataException(
            release.title
                + " files missing in "
                + fs.makeQualified(folder)
                + ": "
                + String.join(", ", missing)
                + ". Set h2.data.download=true to fetch "
                + data.downloadUrl()
                + ", or point h2.data.uri at a folder holding them.");
      }
      downloadInto(fs, folder, data, release);
    } catch (IOException e) {
      throw DataFiles.unreachable(data.uri(), e);
    }
  }

  private static void downloadInto(
      FileSystem fs, Path folder, DataSettings data, CifarRelease release) throws IOException {
    java.nio.file.Path archive = Files.createTempFile(release.section, ".tar.gz");
    try {
      Download.fetch(
          data.downloadUrl(),
          release.key("download-url"),
          data.downloadMd5().get(0),
          release.key("download-md5"),
          archive,
          data.uri());
      fs.mkdirs(folder);
      unpack(archive, data.downloadUrl(), release.archiveFolder, fs, folder);
    } finally {
      Files.deleteIfExists(archive);
    }
    List<String> stillMissing = DataFiles.missingFiles(fs, folder, data.uri(), release.dataFiles);
    if (!stillMissing.isEmpty()) {
      throw new DataException(
          "archive "
              + data.downloadUrl()
              + " lacks "
              + release.archiveFolder
              + String.join(", " + release.archiveFolder, stillMissing));
    }
  }

  /** Writes each file directly inside {@code archiveFolder} of the archive into the folder. */
  private static void unpack(
      java.nio.file.Path archive, String url, String archiveFolder, FileSystem fs, Path folder) {
    try (InputStream gzip = new GZIPInputStream(Files.newInputStream(archive), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
      for (TarArchiveEntry entry = tar.getNextTarEntry();
          entry != null;
          entry = tar.getNextTarEntry()) {
        String name =
            entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        if (!entry.isFile() || !name.startsWith(archiveFolder)) {
          continue;
        }
        String file = name.substring(archiveFolder.length());
        if (file.isEmpty() || file.contains("/") || file.startsWith(".")) {
          continue;
        }
        // The tar stream ends at the end of the entry.
        DataFiles.writeAtomically(fs, new Path(folder, file), tar::transferTo);
      }
    } catch (ZipException e) {
      throw new DataException("download " + url + ": not a gzip archive (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new DataException(
          "unpacking " + url + " into " + fs.makeQualified(folder) + " failed: " + e.getMessage(),
          e);
    }
  }
}
