package org.h2cl.data;

import java.util.ArrayList;
import java.util.List;
import org.h2cl.config.H2Settings.DataSettings;

/**
 * Cuts a data set into tasks of consecutive classes, in class order (docs/ALGORITHM.md §1): Split
 * CIFAR-10, Split MNIST (digit pairs 0-1 ... 8-9), Split CIFAR-100.
 */
public final class TaskSplit {

  private TaskSplit() {}

  /**
   * One {@link TaskData} per task: task {@code t} (1-based) holds classes {@code (t-1)·k .. t·k -
   * 1} for {@code k = classes-per-task}, labels remapped to {@code 0..k-1}. Keeps the first {@code
   * train-per-class} / {@code test-per-class} images of each class in file order (0 = all) and
   * otherwise the file order. The tasks' images carry the settings' {@link Preprocessing}.
   *
   * @throws DataException when a class has no image in the train or test split
   */
  public static List<TaskData> split(CifarDataset dataset, DataSettings settings) {
    List<TaskData> tasks = new ArrayList<>();
    Preprocessing preprocessing = Preprocessing.of(settings);
    int k = settings.classesPerTask();
    for (int t = 0; t < settings.tasks(); t++) {
      int first = t * k;
      CifarImages train =
          select(dataset.train(), first, k, settings.trainPerClass(), "train", settings.uri())
              .with(preprocessing);
      CifarImages test =
          select(dataset.test(), first, k, settings.testPerClass(), "test", settings.uri())
              .with(preprocessing);
      tasks.add(new TaskData(t + 1, first, k, train, test));
    }
    return tasks;
  }

  private static CifarImages select(
      CifarImages images, int first, int classes, int perClass, String split, String uri) {
    int limit = perClass == 0 ? Integer.MAX_VALUE : perClass;
    int[] taken = new int[classes];
    int[] chosen = new int[images.size()];
    int n = 0;
    for (int i = 0; i < images.size(); i++) {
      int c = images.label(i) - first;
      if (c >= 0 && c < classes && taken[c] < limit) {
        taken[c]++;
        chosen[n++] = i;
      }
    }
    for (int c = 0; c < classes; c++) {
      if (taken[c] == 0) {
        throw new DataException(
            "class "
                + (first + c)
                + " has no "
                + split
                + " images in "
                + uri
                + " (h2.data.uri); every class of a task needs some");
      }
    }
    byte[] labels = new byte[n];
    byte[] pixels = new byte[n * CifarImages.IMAGE_BYTES];
    for (int j = 0; j < n; j++) {
      int i = chosen[j];
      labels[j] = (byte) (images.label(i) - first);
      System.arraycopy(
          images.pixels(),
          i * CifarImages.IMAGE_BYTES,
          pixels,
          j * CifarImages.IMAGE_BYTES,
          CifarImages.IMAGE_BYTES);
    }
    return new CifarImages(pixels, labels);
  }
}
