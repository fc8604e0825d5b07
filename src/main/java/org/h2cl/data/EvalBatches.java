package org.h2cl.data;

/** Evaluation mini-batches: every image once, in order, scaled and normalised, no augmentation. */
public final class EvalBatches {

  private final CifarImages images;
  private final int batchSize;
  private int next;

  public EvalBatches(CifarImages images, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.images = images;
    this.batchSize = batchSize;
  }

  /** Images in all batches. */
  public int size() {
    return images.size();
  }

  /** Starts again from the first image. */
  public void rewind() {
    next = 0;
  }

  /**
   * Fills {@code batch} with the next up to {@code batchSize} images.
   *
   * @return false when every image has been served (the batch is then untouched)
   */
  public boolean next(Batch batch) {
    if (batch.capacity() < batchSize) {
      throw new IllegalArgumentException(
          "batch holds " + batch.capacity() + " images, fewer than the batch size " + batchSize);
    }
    if (next >= images.size()) {
      return false;
    }
    int n = Math.min(batchSize, images.size() - next);
    for (int k = 0; k < n; k++) {
      CifarTransforms.normalised(images, next + k, batch.x, k * Batch.IMAGE_FLOATS);
      batch.y[k] = images.label(next + k);
    }
    batch.size(n);
    next += n;
    return true;
  }
}
