package org.h2cl.data;

import java.io.Serializable;

/**
 * {@code n} images with their labels in CIFAR's layout, the network's input shape: image {@code i}
 * is the 3072 bytes at {@code pixels[i * 3072]}, channel-major (1024 red, 1024 green, 1024 blue),
 * each channel 32x32 row-major (MNIST's digits are padded into it). The images carry their data
 * set's {@link Preprocessing}. The arrays are shared, not copied: treat them as read-only.
 */
public final class CifarImages implements Serializable {

  private static final long serialVersionUID = 2L;

  public static final int CHANNELS = 3;
  public static final int HEIGHT = 32;
  public static final int WIDTH = 32;

  /** Pixels of one channel of one image. */
  public static final int CHANNEL_PIXELS = HEIGHT * WIDTH;

  /** Bytes (and floats, once converted) of one image. */
  public static final int IMAGE_BYTES = CHANNELS * CHANNEL_PIXELS;

  private final byte[] pixels;
  private final byte[] labels;
  private final Preprocessing preprocessing;

  /** Images with CIFAR-10's preprocessing (the paper's). */
  public CifarImages(byte[] pixels, byte[] labels) {
    this(pixels, labels, Preprocessing.CIFAR10);
  }

  /**
   * @param pixels {@code labels.length * 3072} bytes, CHW per image
   * @param labels one label per image, each 0..127 (a class index)
   * @param preprocessing how the images are normalised and augmented
   */
  public CifarImages(byte[] pixels, byte[] labels, Preprocessing preprocessing) {
    if ((long) labels.length * IMAGE_BYTES != pixels.length) {
      throw new IllegalArgumentException(
          "expected "
              + labels.length
              + " x "
              + IMAGE_BYTES
              + " pixel bytes for "
              + labels.length
              + " labels, got "
              + pixels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of image " + i + " is outside 0..127");
      }
    }
    this.pixels = pixels;
    this.labels = labels;
    this.preprocessing = preprocessing;
  }

  /** The same images and labels (shared) with another preprocessing. */
  public CifarImages with(Preprocessing other) {
    return new CifarImages(pixels, labels, other);
  }

  /** How these images are normalised and augmented. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  /** All pixels, image after image (shared: do not modify). */
  public byte[] pixels() {
    return pixels;
  }

  /** All labels (shared: do not modify). */
  public byte[] labels() {
    return labels;
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    return labels[i];
  }
}
