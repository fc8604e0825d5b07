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
import java.util.Locale;

/** Fetches an official file (http:, https: or file: URL) into a local file, with its MD5. */
final class Download {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private Download() {}

  /**
   * Copies the URL's content into {@code target} and checks its MD5.
   *
   * @param urlKey the setting the URL comes from, for messages
   * @param md5Key the setting {@code md5} comes from
   * @param folderUri the data folder, which a refused download leaves untouched
   * @throws DataException when the URL cannot be read or the MD5 differs
   */
  static void fetch(
      String url,
      String urlKey,
      String md5,
      String md5Key,
      java.nio.file.Path target,
      String folderUri) {
    String actual = fetch(url, urlKey, target);
    if (!actual.equalsIgnoreCase(md5)) {
      throw new DataException(
          "download "
              + url
              + ": MD5 mismatch, expected "
              + md5.toLowerCase(Locale.ROOT)
              + " ("
              + md5Key
              + "), got "
              + actual
              + "; nothing was written to "
              + folderUri);
    }
  }

  /** Copies the URL's content into {@code target} and returns its MD5 in lower-case hex. */
  static String fetch(String url, String urlKey, java.nio.file.Path target) {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
    try (InputStream in = new DigestInputStream(open(url, urlKey), md5);
        OutputStream out = Files.newOutputStream(target)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new DataException("download " + url + " (" + urlKey + ") failed: " + e, e);
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  private static InputStream open(String url, String urlKey) throws IOException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new DataException(urlKey + " \"" + url + "\" is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> Files.newInputStream(Paths.get(uri));
      case "http", "https" -> openHttp(uri);
      default ->
          throw new DataException(
              urlKey + " \"" + url + "\": expected an http:, https: or file: URL");
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
}
