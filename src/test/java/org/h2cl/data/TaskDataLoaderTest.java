package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.H2Settings.DataSource;
import org.h2cl.testing.MnistSample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskDataLoaderTest {

  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  @AfterEach
  void forget() {
    TaskDataLoader.clearCache();
  }

  @Test
  void syntheticSourceIsGeneratedReadAndSplit() {
    DataSettings settings =
        CifarFixtures.settings(DataSource.SYNTHETIC, dir.resolve("s").toString(), 5, 2, 0, 0);
    List<TaskData> tasks = TaskDataLoader.load(settings, conf);
    assertEquals(5, tasks.size());
    for (TaskData task : tasks) {
      assertEquals(40, task.train().size()); // 20 per class
      assertEquals(20, task.test().size()); // 10 per class
    }
    assertSame(tasks, TaskDataLoader.load(settings, conf), "cached per JVM");
    List<TaskData> fresh = TaskDataLoader.loadUncached(settings, conf);
    assertNotSame(tasks, fresh);
    assertArrayEquals(tasks.get(2).train().pixels(), fresh.get(2).train().pixels());
  }

  /** The real digits of {@link MnistSample}, two classes per task. */
  private static DataSettings mnist(
      boolean augment, int tasks, int trainPerClass, int testPerClass) {
    return new DataSettings(
        DataSource.MNIST_IDX,
        MnistSample.folder().toString(),
        false,
        "",
        List.of(),
        augment,
        tasks,
        2,
        trainPerClass,
        testPerClass,
        1,
        1);
  }

  @Test
  void splitMnistIsFiveDigitPairsOfRealDigits() {
    DataSettings settings = mnist(false, 5, 300, 100);
    List<TaskData> tasks = TaskDataLoader.loadUncached(settings, conf);
    assertEquals(5, tasks.size());
    for (TaskData task : tasks) {
      assertEquals(2 * (task.task() - 1), task.firstClass());
      assertEquals(600, task.train().size());
      assertEquals(200, task.test().size());
      assertSame(Preprocessing.MNIST, task.train().preprocessing());
      int ones = 0;
      for (byte label : task.test().labels()) {
        ones += label;
      }
      assertEquals(100, ones, "labels remapped to 0 and 1, 100 each");
    }
    DataSettings augmented = mnist(true, 1, 1, 1);
    assertSame(
        Preprocessing.MNIST_CROPPED,
        TaskDataLoader.loadUncached(augmented, conf).get(0).train().preprocessing());
  }

  @Test
  void concurrentCallersShareOneLoad() throws Exception {
    DataSettings settings =
        CifarFixtures.settings(DataSource.SYNTHETIC, dir.resolve("s").toString(), 2, 2, 5, 0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<TaskData>>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> TaskDataLoader.load(settings, conf)));
      }
      for (Future<List<TaskData>> result : results) {
        assertSame(results.get(0).get(), result.get());
      }
      assertEquals(10, results.get(0).get().get(1).train().size());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void failedLoadIsNotCached() throws IOException {
    Path folder = dir.resolve("cifar");
    DataSettings settings =
        CifarFixtures.settings(DataSource.CIFAR10_BINARY, folder.toString(), 5, 2, 0, 0);
    assertThrows(DataException.class, () -> TaskDataLoader.load(settings, conf));
    CifarFixtures.writeFolder(folder, 10);
    List<TaskData> tasks = TaskDataLoader.load(settings, conf);
    assertEquals(10, tasks.get(0).train().size()); // 50 train images, 5 per class
  }
}
