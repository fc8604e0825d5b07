package org.h2cl.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class HadoopConfTest {

  private static HadoopConf travelled(HadoopConf conf) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(conf);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (HadoopConf) in.readObject();
    }
  }

  @Test
  void theDriversSettingsArriveWhereTheConfigurationIsRead() throws Exception {
    Configuration driver = new Configuration();
    // What spark.hadoop.* puts into the driver's configuration.
    driver.set("fs.defaultFS", "hdfs://h2test");
    driver.set("dfs.nameservices", "h2test");
    driver.set("dfs.ha.namenodes.h2test", "nn1");
    HadoopConf taken = HadoopConf.of(driver);
    driver.set("set.after.taking", "x");

    Configuration back = travelled(taken).get();

    assertEquals("hdfs://h2test", back.get("fs.defaultFS"));
    assertEquals("nn1", back.get("dfs.ha.namenodes.h2test"));
    assertNull(back.get("set.after.taking"), "a copy taken when the run started");
    assertEquals(driver.get("io.file.buffer.size"), back.get("io.file.buffer.size"));
  }
}
