package org.h2cl.data;

import java.util.SplittableRandom;

/**
 * Training mini-batches of one task: a fresh shuffle each epoch, the training augmentation per
 * image, the last partial batch kept (docs/ALGORITHM.md §1). All randomness comes from the epoch's
 * rng: first the Fisher-Yates shuffle, then per image, in batch order: flip ({@code nextDouble() <
 * 0.5}), crop row offset ({@code nextInt(9)}), crop column offset ({@code nextInt(9)}); an
 * augmentation the images' {@link Preprocessing} leaves out draws nothing (MNIST: no flip, by
 * default no crop).
 */
public final class TrainBatches {

  private final CifarImages images;
  private final Preprocessing preprocessing;
  private final int batchSize;
  private final int[] order;
  private SplittableRandom rng;
  private int next;

  public TrainBatches(CifarImages images, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.images = images;
    this.preprocessing = images.preprocessing();
    this.batchSize = batchSize;
    this.order = new int[images.size()];
  }

  /** Batches per epoch, counting the last partial one. */
  public int batchesPerEpoch() {
    return (images.size() + batchSize - 1) / batchSize;
  }

  /** Images per epoch. */
  public int size() {
    return images.size();
  }

  /**
   * Starts an epoch: shuffles the images with {@code rng} and keeps it for the augmentation draws.
   * The order depends only on {@code rng}, not on earlier epochs.
   */
  public void startEpoch(SplittableRandom rng) {
    this.rng = rng;
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    next = 0;
  }

  /**
   * Fills {@code batch} with the next up to {@code batchSize} augmented images.
   *
   * @return false when the epoch has no images left (the batch is then untouched)
   */
  public boolean next(Batch batch) {
    if (rng == null) {
      throw new IllegalStateException("call startEpoch before next");
    }
    if (batch.capacity() < batchSize) {
      throw new IllegalArgumentException(
          "batch holds " + batch.capacity() + " images, fewer than the batch size " + batchSize);
    }
    if (next >= order.length) {
      return false;
    }
    int n = Math.min(batchSize, order.length - next);
    for (int k = 0; k < n; k++) {
      int index = order[next + k];
      boolean flip = preprocessing.flip() && rng.nextDouble() < 0.5;
      int dy =
          preprocessing.crop() ? rng.nextInt(2 * CifarTransforms.PAD + 1) : CifarTransforms.PAD;
      int dx =
          preprocessing.crop() ? rng.nextInt(2 * CifarTransforms.PAD + 1) : CifarTransforms.PAD;
      CifarTransforms.augmented(images, index, flip, dy, dx, batch.x, k * Batch.IMAGE_FLOATS);
      batch.y[k] = images.label(index);
    }
    batch.size(n);
    next += n;
    return true;
  }
}
