package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.H2Settings.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDownloaderTest {

  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  private static DataSettings settings(Path folder, boolean download, String url, String md5) {
    return new DataSettings(
        DataSource.CIFAR10_BINARY,
        folder.toString(),
        download,
        url,
        List.of(md5),
        true,
        5,
        2,
        0,
        0,
        1,
        1);
  }

  private static String md5(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
  }

  /** The official archive's layout: a folder entry, the six files, the meta and a readme. */
  private Path archive(Map<String, byte[]> files) throws IOException {
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("cifar-10-batches-bin/", new byte[0]);
    members.put(
        "cifar-10-batches-bin/batches.meta.txt",
        "airplane\nautomobile\n".getBytes(StandardCharsets.US_ASCII));
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      members.put("cifar-10-batches-bin/" + e.getKey(), e.getValue());
    }
    members.put("cifar-10-batches-bin/readme.html", new byte[700]);
    members.put("elsewhere/data_batch_1.bin", new byte[3073]);
    Path archive = dir.resolve("cifar-10-binary.tar.gz");
    Files.write(archive, CifarFixtures.tarGz(members));
    return archive;
  }

  @Test
  void presentFilesNeedNothing() throws IOException {
    Path folder = dir.resolve("cifar");
    CifarFixtures.writeFolder(folder, 1);
    CifarDownloader.ensure(settings(folder, true, "file:/does/not/exist", "0".repeat(32)), conf);
  }

  @Test
  void missingFilesWithoutDownloadSayWhatToDo() {
    Path folder = dir.resolve("cifar");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                CifarDownloader.ensure(
                    settings(folder, false, "https://example.org/c.tar.gz", "0".repeat(32)), conf));
    assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("h2.data.download=true"), e.getMessage());
    assertTrue(e.getMessage().contains("h2.data.uri"), e.getMessage());
  }

  @Test
  void downloadWithTheRightMd5UnpacksTheBatches() throws Exception {
    Map<String, byte[]> files = CifarFixtures.files(2);
    Path archive = archive(files);
    Path folder = dir.resolve("data").resolve("cifar");
    String md5 = md5(Files.readAllBytes(archive));

    CifarDownloader.ensure(settings(folder, true, archive.toUri().toString(), md5), conf);

    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(folder.resolve(e.getKey())), e.getKey());
    }
    assertTrue(Files.exists(folder.resolve("batches.meta.txt")));
    try (var listing = Files.list(folder)) {
      assertTrue(
          listing.noneMatch(p -> p.getFileName().toString().startsWith(".")),
          "no temporary files left");
    }
    assertEquals(10, CifarBinaryReader.read(folder.toString(), conf).train().size());
  }

  @Test
  void cifar100ArchiveUnpacksItsFolder() throws Exception {
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("cifar-100-binary/", new byte[0]);
    members.put("cifar-100-binary/coarse_label_names.txt", "aquatic_mammals\n".getBytes());
    members.put("cifar-100-binary/fine_label_names.txt", "apple\n".getBytes());
    members.put("cifar-100-binary/train.bin", CifarFixtures.cifar100File(0, 5));
    members.put("cifar-100-binary/test.bin", CifarFixtures.cifar100File(1, 2));
    // A long name, which tar stores as a GNU extension: the library reads it.
    members.put("cifar-100-binary/" + "x".repeat(120) + "/train.bin", new byte[3074]);
    Path archive = dir.resolve("cifar-100-binary.tar.gz");
    Files.write(archive, CifarFixtures.tarGz(members));
    Path folder = dir.resolve("c100");
    DataSettings settings =
        new DataSettings(
            DataSource.CIFAR100_BINARY,
            folder.toString(),
            true,
            archive.toUri().toString(),
            List.of(md5(Files.readAllBytes(archive))),
            true,
            10,
            10,
            0,
            0,
            1,
            1);

    CifarDownloader.ensure(settings, CifarRelease.CIFAR100, conf);

    assertArrayEquals(
        CifarFixtures.cifar100File(0, 5), Files.readAllBytes(folder.resolve("train.bin")));
    assertTrue(Files.exists(folder.resolve("fine_label_names.txt")));
    assertEquals(
        2, CifarBinaryReader.read(folder.toString(), CifarRelease.CIFAR100, conf).test().size());

    DataException wrong =
        assertThrows(
            DataException.class,
            () ->
                CifarDownloader.ensure(
                    new DataSettings(
                        DataSource.CIFAR100_BINARY,
                        dir.resolve("other").toString(),
                        true,
                        archive.toUri().toString(),
                        List.of("0".repeat(32)),
                        true,
                        10,
                        10,
                        0,
                        0,
                        1,
                        1),
                    CifarRelease.CIFAR100,
                    conf));
    assertTrue(
        wrong.getMessage().contains("(h2.data.cifar100-binary.download-md5)"), wrong.getMessage());
  }

  @Test
  void wrongMd5IsRefusedAndWritesNothing() throws Exception {
    Path archive = archive(CifarFixtures.files(1));
    Path folder = dir.resolve("cifar");
    String url = archive.toUri().toString();
    String wrong = "0123456789abcdef0123456789abcdef";
    DataException e =
        assertThrows(
            DataException.class,
            () -> CifarDownloader.ensure(settings(folder, true, url, wrong), conf));
    assertTrue(e.getMessage().contains(url), e.getMessage());
    assertTrue(e.getMessage().contains("expected " + wrong), e.getMessage());
    assertTrue(e.getMessage().contains("got " + md5(Files.readAllBytes(archive))), e.getMessage());
    assertFalse(Files.exists(folder), "nothing may be written to the data folder");
  }

  @Test
  void archiveWithoutTheBatchesIsNamed() throws Exception {
    Map<String, byte[]> files = CifarFixtures.files(1);
    files.remove("test_batch.bin");
    Path archive = archive(files);
    Path folder = dir.resolve("cifar");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                CifarDownloader.ensure(
                    settings(
                        folder, true, archive.toUri().toString(), md5(Files.readAllBytes(archive))),
                    conf));
    assertTrue(
        e.getMessage().contains("lacks cifar-10-batches-bin/test_batch.bin"), e.getMessage());
  }

  @Test
  void notAnArchiveIsNamed() throws Exception {
    Path junk = dir.resolve("junk.tar.gz");
    Files.writeString(junk, "<html>not found</html>");
    Path folder = dir.resolve("cifar");
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                CifarDownloader.ensure(
                    settings(folder, true, junk.toUri().toString(), md5(Files.readAllBytes(junk))),
                    conf));
    assertTrue(e.getMessage().contains("not a gzip archive"), e.getMessage());
  }

  @Test
  void unreadableUrlIsNamed() {
    Path folder = dir.resolve("cifar");
    String url = dir.resolve("missing.tar.gz").toUri().toString();
    DataException e =
        assertThrows(
            DataException.class,
            () -> CifarDownloader.ensure(settings(folder, true, url, "0".repeat(32)), conf));
    assertTrue(e.getMessage().contains("download " + url), e.getMessage());
    assertTrue(e.getMessage().contains("h2.data.cifar10-binary.download-url"), e.getMessage());
  }
}
