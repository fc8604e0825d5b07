package org.h2cl.data;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.config.H2Settings.DataSettings;

/**
 * The tasks of a run, from settings to {@link TaskData}: makes sure the files exist (download or
 * synthetic generation), reads and splits them. Cached per JVM and settings, so an executor that
 * runs several seeds reads the data set once.
 */
public final class TaskDataLoader {

  private static final Map<DataSettings, Slot> CACHE = new ConcurrentHashMap<>();

  private TaskDataLoader() {}

  /** A cache entry that loads at most once; a failed load is retried by the next caller. */
  private static final class Slot {
    private List<TaskData> tasks;

    synchronized List<TaskData> get(DataSettings settings, Configuration conf) {
      if (tasks == null) {
        tasks = List.copyOf(loadUncached(settings, conf));
      }
      return tasks;
    }
  }

  /**
   * The tasks for these settings, loaded on first use in this JVM. Thread-safe: concurrent callers
   * with the same settings wait for one load.
   *
   * @throws DataException when the data cannot be provided or is malformed
   */
  public static List<TaskData> load(DataSettings settings, Configuration conf) {
    return CACHE.computeIfAbsent(settings, s -> new Slot()).get(settings, conf);
  }

  /** Ensure, read and split, without the cache. */
  public static List<TaskData> loadUncached(DataSettings settings, Configuration conf) {
    CifarDataset dataset =
        switch (settings.source()) {
          case SYNTHETIC -> {
            SyntheticCifar.ensure(settings, conf);
            yield CifarBinaryReader.read(settings.uri(), CifarRelease.CIFAR10, conf);
          }
          case CIFAR10_BINARY -> {
            CifarDownloader.ensure(settings, CifarRelease.CIFAR10, conf);
            yield CifarBinaryReader.read(settings.uri(), CifarRelease.CIFAR10, conf);
          }
          case CIFAR100_BINARY -> {
            CifarDownloader.ensure(settings, CifarRelease.CIFAR100, conf);
            yield CifarBinaryReader.read(settings.uri(), CifarRelease.CIFAR100, conf);
          }
          case MNIST_IDX -> {
            MnistDownloader.ensure(settings, conf);
            yield MnistIdxReader.read(settings.uri(), conf);
          }
        };
    return TaskSplit.split(dataset, settings);
  }

  /** Forgets every cached data set (tests; or to free memory). */
  public static void clearCache() {
    CACHE.clear();
  }
}
