package org.h2cl.data;

/**
 * A reusable mini-batch: {@code x} holds {@code size()} images as NCHW floats (3 x 32 x 32 each),
 * {@code y} their labels. Allocated once for the largest batch and refilled by {@link TrainBatches}
 * and {@link EvalBatches}; only the first {@code size()} entries are valid.
 */
public final class Batch {

  /** Floats per image: 3 x 32 x 32. */
  public static final int IMAGE_FLOATS = CifarImages.IMAGE_BYTES;

  public final float[] x;
  public final int[] y;
  private int size;

  /** A batch that holds up to {@code capacity} images. */
  public Batch(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.x = new float[capacity * IMAGE_FLOATS];
    this.y = new int[capacity];
  }

  /** How many images the batch holds now; the last batch of an epoch may be partial. */
  public int size() {
    return size;
  }

  /** How many images the batch can hold. */
  public int capacity() {
    return y.length;
  }

  /**
   * Sets how many images are valid; for callers that fill {@link #x} themselves (one Fisher image).
   */
  public void size(int size) {
    if (size < 0 || size > capacity()) {
      throw new IllegalArgumentException("size must be in 0.." + capacity() + ", got " + size);
    }
    this.size = size;
  }
}
