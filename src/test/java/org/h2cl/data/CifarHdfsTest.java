package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.h2cl.config.H2Settings.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading through a real (in-process) HDFS, where rename does not overwrite. */
class CifarHdfsTest {

  @TempDir static Path dir;

  private static MiniDFSCluster cluster;
  private static Configuration conf;

  @BeforeAll
  static void start() throws Exception {
    conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void syntheticDataRoundTripsAndRegeneratesOverExistingFiles() throws Exception {
    String uri = cluster.getURI() + "/data/synthetic";
    SyntheticCifar.ensure(CifarFixtures.settings(DataSource.SYNTHETIC, uri, 5, 2, 0, 0), conf);
    CifarDataset first = CifarBinaryReader.read(uri, conf);
    assertEquals(200, first.train().size());

    // Other sizes: every file is replaced (HDFS refuses to rename onto an existing file).
    var bigger =
        new org.h2cl.config.H2Settings.DataSettings(
            DataSource.SYNTHETIC, uri, false, "", List.of(), true, 5, 2, 0, 0, 30, 10);
    SyntheticCifar.ensure(bigger, conf);
    CifarDataset second = CifarBinaryReader.read(uri, conf);
    assertEquals(300, second.train().size());
    assertEquals(100, second.test().size());

    // The same bytes as generated on the local disk.
    String local = dir.resolve("local").toString();
    SyntheticCifar.write(local, 30, 10, SyntheticCifar.SEED, new Configuration());
    assertArrayEquals(
        CifarBinaryReader.read(local, conf).train().pixels(), second.train().pixels());

    try (FileSystem fs = FileSystem.newInstance(cluster.getURI(), conf)) {
      for (var status : fs.listStatus(new org.apache.hadoop.fs.Path(uri))) {
        assertEquals(false, status.getPath().getName().startsWith("."), "temporary file left");
      }
    }
  }
}
