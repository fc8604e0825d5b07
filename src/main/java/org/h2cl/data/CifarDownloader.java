package org.h2cl.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.config.H2Settings.DataSettings;

/**
 * Makes sure the CIFAR-10 binary files are in {@code h2.data.uri}: when they are missing and {@code
 * h2.data.download} is on, fetches the official archive, checks its MD5 and unpacks the {@code
 * cifar-10-batches-bin/} members into the folder.
 */
public final class CifarDownloader {

  private static final String ARCHIVE_FOLDER = "cifar-10-batches-bin/";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private CifarDownloader() {}

  /**
   * Does nothing when the six data files are present; otherwise downloads and unpacks them, or
   * explains how to provide them when downloading is off.
   *
   * @throws DataException when the files are missing and cannot be fetched, or the archive is bad
   */
  public static void ensure(DataSettings data, Configuration conf) {
    Path folder = CifarFiles.folder(data.uri());
    try (FileSystem fs = CifarFiles.fileSystem(folder, data.uri(), conf)) {
      List<String> missing = CifarFiles.missingFiles(fs, folder, data.uri());
      if (missing.isEmpty()) {
        return;
      }
      if (!data.download()) {
        throw new DataException(
            "CIFAR-10 files missing in "
                + fs.makeQualified(folder)
                + ": "
                + String.join(", ", missing)
                + ". Set h2.data.download=true to fetch "
                + data.downloadUrl()
                + ", or point h2.data.uri at a folder holding them.");
      }
      downloadInto(fs, folder, data);
    } catch (IOException e) {
      throw CifarFiles.unreachable(data.uri(), e);
    }
  }

  private static void downloadInto(FileSystem fs, Path folder, DataSettings data)
      throws IOException {
    java.nio.file.Path archive = Files.createTempFile("cifar-10-binary", ".tar.gz");
    try {
      String md5 = fetch(data.downloadUrl(), archive);
      if (!md5.equalsIgnoreCase(data.downloadMd5())) {
        throw new DataException(
            "download "
                + data.downloadUrl()
                + ": MD5 mismatch, expected "
                + data.downloadMd5().toLowerCase(Locale.ROOT)
                + " (h2.data.download-md5), got "
                + md5
                + "; nothing was written to "
                + data.uri());
      }
      fs.mkdirs(folder);
      unpack(archive, data.downloadUrl(), fs, folder);
    } finally {
      Files.deleteIfExists(archive);
    }
    List<String> stillMissing = CifarFiles.missingFiles(fs, folder, data.uri());
    if (!stillMissing.isEmpty()) {
      throw new DataException(
          "archive "
              + data.downloadUrl()
              + " lacks "
              + ARCHIVE_FOLDER
              + String.join(", " + ARCHIVE_FOLDER, stillMissing));
    }
  }

  /** Copies the URL's content into {@code target} and returns its MD5 in lower-case hex. */
  static String fetch(String url, java.nio.file.Path target) {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
    try (InputStream in = new DigestInputStream(open(url), md5);
        OutputStream out = Files.newOutputStream(target)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new DataException("download " + url + " (h2.data.download-url) failed: " + e, e);
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  private static InputStream open(String url) throws IOException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new DataException(
          "h2.data.download-url \"" + url + "\" is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> Files.newInputStream(Paths.get(uri));
      case "http", "https" -> openHttp(uri);
      default ->
          throw new DataException(
              "h2.data.download-url \"" + url + "\": expected an http:, https: or file: URL");
    };
  }

  private static InputStream openHttp(URI uri) throws IOException {
    HttpClient client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("HTTP status " + response.statusCode());
    }
    return response.body();
  }

  /** Writes each cifar-10-batches-bin/* file of the archive into the folder, atomically. */
  private static void unpack(java.nio.file.Path archive, String url, FileSystem fs, Path folder) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
      TarReader tar = new TarReader(in);
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        String name = entry.name().startsWith("./") ? entry.name().substring(2) : entry.name();
        if (!entry.isFile() || !name.startsWith(ARCHIVE_FOLDER)) {
          continue;
        }
        String file = name.substring(ARCHIVE_FOLDER.length());
        if (file.isEmpty() || file.contains("/") || file.startsWith(".")) {
          continue;
        }
        CifarFiles.writeAtomically(
            fs, new Path(folder, file), out -> tar.content().transferTo(out));
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
