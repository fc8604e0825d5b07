package org.h2cl.h2;

import java.util.SplittableRandom;
import org.h2cl.data.Batch;
import org.h2cl.data.CifarImages;
import org.h2cl.data.CifarTransforms;

/** The single raw training images a Fisher estimate looks at (docs/ALGORITHM.md §5.3). */
final class FisherSamples {
  private FisherSamples() {}

  /** n distinct indices of [0, size) in a fresh random order (a partial Fisher–Yates shuffle). */
  static int[] draw(int size, int n, SplittableRandom rng) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = 0; i < n; i++) {
      int j = i + rng.nextInt(size - i);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return java.util.Arrays.copyOf(order, n);
  }

  /** Fills a one-image batch with image i scaled to [0,1]: no augmentation, no normalisation. */
  static void fill(CifarImages images, int i, Batch one) {
    CifarTransforms.scaledOnly(images, i, one.x, 0);
    one.y[0] = images.label(i);
    one.size(1);
  }
}
