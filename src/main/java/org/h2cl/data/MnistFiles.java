package org.h2cl.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The official MNIST release's IDX layout: four files, each plain or gzipped ({@code .gz}, as the
 * official site and its mirrors serve them). Big-endian headers: the magic number {@code
 * 0x00000803} (unsigned bytes, 3 dimensions), the image count, 28, 28, then 784 pixel bytes per
 * image, row-major, 0 = background; labels: {@code 0x00000801}, the count, then one byte 0..9 each.
 */
final class MnistFiles {

  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** The four files, in the order of their MD5 keys ({@code h2.data.mnist-idx.*-md5}). */
  static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  static final String GZIP = ".gz";
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;
  static final int IMAGES_HEADER_BYTES = 16;
  static final int LABELS_HEADER_BYTES = 8;
  static final int SIDE = 28;
  static final int IMAGE_BYTES = SIDE * SIDE;

  /** Zero columns and rows on each side that make a 28x28 digit the network's 32x32. */
  static final int PAD = (CifarImages.WIDTH - SIDE) / 2;

  private MnistFiles() {}

  /**
   * The file the folder holds under {@code name}: the plain one when both are there, else the
   * gzipped one, else null.
   */
  static Path find(Path folder, Set<String> present, String name) {
    if (present.contains(name)) {
      return new Path(folder, name);
    }
    if (present.contains(name + GZIP)) {
      return new Path(folder, name + GZIP);
    }
    return null;
  }

  /** The files of {@link #FILES} the folder holds in neither form; all when it does not exist. */
  static List<String> missing(FileSystem fs, Path folder, String uri) {
    return missing(DataFiles.fileNames(fs, folder, uri, FILES), folder);
  }

  /** The files of {@link #FILES} that {@code present} (the folder's file names) lacks. */
  static List<String> missing(Set<String> present, Path folder) {
    List<String> missing = new ArrayList<>();
    for (String name : FILES) {
      if (find(folder, present, name) == null) {
        missing.add(name);
      }
    }
    return missing;
  }
}
