package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.h2cl.config.H2Settings.DataSource;
import org.junit.jupiter.api.Test;

class TaskSplitTest {

  /** Image i has label labels[i] and every pixel byte equal to i (its identity). */
  private static CifarImages images(int... labels) {
    byte[] pixels = new byte[labels.length * 3072];
    byte[] bytes = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      bytes[i] = (byte) labels[i];
      java.util.Arrays.fill(pixels, i * 3072, (i + 1) * 3072, (byte) i);
    }
    return new CifarImages(pixels, bytes);
  }

  private static int[] identities(CifarImages images) {
    int[] ids = new int[images.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = images.pixels()[i * 3072 + 3071];
      assertEquals(ids[i], images.pixels()[i * 3072], "pixels of one image stay together");
    }
    return ids;
  }

  private static int[] labels(CifarImages images) {
    int[] labels = new int[images.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = images.label(i);
    }
    return labels;
  }

  private static final CifarDataset DATA =
      new CifarDataset(
          // 0..9, then 9..0, then 0..9 again: three images per class.
          images(
              0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
              9),
          images(3, 2, 1, 0, 9, 8, 7, 6, 5, 4));

  @Test
  void tasksTakeConsecutiveClassesInOrderWithRemappedLabels() {
    List<TaskData> tasks =
        TaskSplit.split(
            DATA, CifarFixtures.settings(DataSource.CIFAR10_BINARY, "mem:/", 5, 2, 0, 0));
    assertEquals(5, tasks.size());
    TaskData first = tasks.get(0);
    assertEquals(1, first.task());
    assertEquals(0, first.firstClass());
    assertEquals(2, first.classes());
    // File order kept: ids 0 (class 0), 1 (1), 18 (1), 19 (0), 20 (0), 21 (1).
    assertEquals(List.of(0, 1, 18, 19, 20, 21), toList(identities(first.train())));
    assertEquals(List.of(0, 1, 1, 0, 0, 1), toList(labels(first.train())));
    assertEquals(List.of(2, 3), toList(identities(first.test())));
    assertEquals(List.of(1, 0), toList(labels(first.test())));

    TaskData last = tasks.get(4);
    assertEquals(5, last.task());
    assertEquals(8, last.firstClass());
    assertEquals(List.of(8, 9, 10, 11, 28, 29), toList(identities(last.train())));
    assertEquals(List.of(0, 1, 1, 0, 0, 1), toList(labels(last.train())));
    assertEquals(List.of(1, 0), toList(labels(last.test())));
  }

  @Test
  void perClassLimitsKeepTheFirstImagesOfEachClass() {
    List<TaskData> tasks =
        TaskSplit.split(
            DATA, CifarFixtures.settings(DataSource.CIFAR10_BINARY, "mem:/", 2, 3, 2, 1));
    assertEquals(2, tasks.size());
    TaskData second = tasks.get(1);
    assertEquals(3, second.firstClass());
    assertEquals(3, second.classes());
    // Classes 3, 4, 5: first two of each in file order.
    assertEquals(List.of(3, 4, 5, 14, 15, 16), toList(identities(second.train())));
    assertEquals(List.of(0, 1, 2, 2, 1, 0), toList(labels(second.train())));
    assertEquals(List.of(0, 8, 9), toList(identities(second.test())));
  }

  @Test
  void aClassWithoutImagesIsNamed() {
    CifarDataset noSevenInTest = new CifarDataset(DATA.train(), images(0, 1, 2, 3, 4, 5, 6, 8, 9));
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                TaskSplit.split(
                    noSevenInTest,
                    CifarFixtures.settings(
                        DataSource.CIFAR10_BINARY, "hdfs://nn/cifar", 5, 2, 0, 0)));
    assertTrue(
        e.getMessage().contains("class 7 has no test images in hdfs://nn/cifar"), e.getMessage());
  }

  private static List<Integer> toList(int[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }
}
