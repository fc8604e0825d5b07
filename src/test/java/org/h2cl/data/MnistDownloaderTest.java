package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.H2Settings.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MNIST download from a mirror folder, served over HTTP on 127.0.0.1. */
class MnistDownloaderTest {

  @TempDir Path dir;

  private final Configuration conf = new Configuration();
  private final Map<String, byte[]> served = new LinkedHashMap<>();
  private final List<String> requests = new ArrayList<>();
  private HttpServer server;
  private String mirror;

  @BeforeEach
  void serve() throws IOException {
    served.put("train-images-idx3-ubyte.gz", MnistIdxReaderTest.gzip(MnistIdxReaderTest.images(3)));
    served.put(
        "train-labels-idx1-ubyte.gz", MnistIdxReaderTest.gzip(MnistIdxReaderTest.labels(0, 1, 2)));
    served.put("t10k-images-idx3-ubyte.gz", MnistIdxReaderTest.gzip(MnistIdxReaderTest.images(2)));
    served.put(
        "t10k-labels-idx1-ubyte.gz", MnistIdxReaderTest.gzip(MnistIdxReaderTest.labels(3, 4)));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/mnist/",
        exchange -> {
          String name = exchange.getRequestURI().getPath().substring("/mnist/".length());
          synchronized (requests) {
            requests.add(name);
          }
          byte[] body = served.get(name);
          exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
          if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
    mirror = "http://127.0.0.1:" + server.getAddress().getPort() + "/mnist";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private List<String> md5s() throws Exception {
    List<String> md5s = new ArrayList<>();
    for (byte[] body : served.values()) {
      md5s.add(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)));
    }
    return md5s;
  }

  private static DataSettings settings(
      Path folder, boolean download, String mirror, List<String> md5s) {
    return new DataSettings(
        DataSource.MNIST_IDX, folder.toString(), download, mirror, md5s, false, 5, 2, 0, 0, 1, 1);
  }

  @Test
  void downloadsTheFourFilesWithTheirMd5() throws Exception {
    Path folder = dir.resolve("data").resolve("mnist");
    MnistDownloader.ensure(settings(folder, true, mirror, md5s()), conf);
    for (Map.Entry<String, byte[]> e : served.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(folder.resolve(e.getKey())), e.getKey());
    }
    try (var listing = Files.list(folder)) {
      assertEquals(4, listing.count(), "the four files and no temporary ones");
    }
    assertEquals(3, MnistIdxReader.read(folder.toString(), conf).train().size());

    // Present now: nothing is fetched again.
    requests.clear();
    MnistDownloader.ensure(settings(folder, true, mirror + "/", md5s()), conf);
    assertEquals(List.of(), requests);
  }

  @Test
  void onlyMissingFilesAreFetchedAndTheUsersFilesStay() throws Exception {
    Path folder = dir.resolve("mnist");
    Files.createDirectories(folder);
    byte[] mine = MnistIdxReaderTest.images(3);
    Files.write(folder.resolve("train-images-idx3-ubyte"), mine);
    Files.write(folder.resolve("train-labels-idx1-ubyte"), MnistIdxReaderTest.labels(5, 6, 7));
    MnistDownloader.ensure(settings(folder, true, mirror + "/", md5s()), conf);
    assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"), requests);
    assertArrayEquals(mine, Files.readAllBytes(folder.resolve("train-images-idx3-ubyte")));
    assertArrayEquals(
        new byte[] {5, 6, 7}, MnistIdxReader.read(folder.toString(), conf).train().labels());
  }

  @Test
  void oneWrongMd5WritesNothing() throws Exception {
    Path folder = dir.resolve("mnist");
    List<String> md5s = new ArrayList<>(md5s());
    md5s.set(2, "0123456789abcdef0123456789abcdef");
    DataException e =
        assertThrows(
            DataException.class,
            () -> MnistDownloader.ensure(settings(folder, true, mirror, md5s), conf));
    assertTrue(e.getMessage().contains(mirror + "/t10k-images-idx3-ubyte.gz"), e.getMessage());
    assertTrue(
        e.getMessage().contains("expected 0123456789abcdef0123456789abcdef"), e.getMessage());
    assertTrue(e.getMessage().contains("(h2.data.mnist-idx.test-images-md5)"), e.getMessage());
    assertFalse(Files.exists(folder), "nothing may be written to the data folder");
  }

  @Test
  void aMissingFileOnTheMirrorIsNamed() throws Exception {
    List<String> md5s = md5s();
    served.remove("t10k-labels-idx1-ubyte.gz");
    Path folder = dir.resolve("mnist");
    DataException e =
        assertThrows(
            DataException.class,
            () -> MnistDownloader.ensure(settings(folder, true, mirror, md5s), conf));
    assertTrue(
        e.getMessage().contains("download " + mirror + "/t10k-labels-idx1-ubyte.gz"),
        e.getMessage());
    assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
    assertTrue(e.getMessage().contains("h2.data.mnist-idx.download-url"), e.getMessage());
    assertFalse(Files.exists(folder));
  }

  @Test
  void missingFilesWithoutDownloadSayWhatToDo() {
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                MnistDownloader.ensure(
                    settings(dir.resolve("mnist"), false, mirror, List.of()), conf));
    assertTrue(
        e.getMessage()
            .contains(
                "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,"
                    + " t10k-labels-idx1-ubyte (plain or .gz)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("h2.data.download=true"), e.getMessage());
    assertTrue(e.getMessage().contains(mirror), e.getMessage());
    assertEquals(List.of(), requests);
  }
}
