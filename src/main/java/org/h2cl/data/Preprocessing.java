package org.h2cl.data;

import java.io.Serializable;
import org.h2cl.config.H2Settings.DataSettings;

/**
 * How a data set's images become network input: its own per-channel mean and standard deviation,
 * and which training augmentations apply (docs/ALGORITHM.md §1 for CIFAR). Each byte's normalised
 * float is computed once, into a lookup table per channel.
 */
public final class Preprocessing implements Serializable {

  private static final long serialVersionUID = 1L;

  /** CIFAR-10's statistics (RGB), as the reference normalises; random flip and crop. */
  public static final Preprocessing CIFAR10 =
      new Preprocessing(
          "CIFAR-10",
          new float[] {0.4914f, 0.4822f, 0.4465f},
          new float[] {0.2023f, 0.1994f, 0.2010f},
          true,
          true);

  /**
   * CIFAR-100's statistics over its training set (RGB), as the continual-learning libraries use
   * them (e.g. Avalanche's Split CIFAR-100); random flip and crop, as for CIFAR-10.
   */
  public static final Preprocessing CIFAR100 =
      new Preprocessing(
          "CIFAR-100",
          new float[] {0.5071f, 0.4865f, 0.4409f},
          new float[] {0.2673f, 0.2564f, 0.2762f},
          true,
          true);

  /**
   * MNIST's statistics (0.1307, 0.3081: those of the 28x28 training digits, as torchvision's
   * examples and the continual-learning literature normalise, also after padding), the same in all
   * three channels; no augmentation.
   */
  public static final Preprocessing MNIST =
      new Preprocessing(
          "MNIST",
          new float[] {0.1307f, 0.1307f, 0.1307f},
          new float[] {0.3081f, 0.3081f, 0.3081f},
          false,
          false);

  /** MNIST with the random crop (shifts of up to 4 pixels); a flipped digit is another glyph. */
  static final Preprocessing MNIST_CROPPED =
      new Preprocessing("MNIST", MNIST.mean, MNIST.std, false, true);

  private final String name;
  private final float[] mean;
  private final float[] std;
  private final boolean flip;
  private final boolean crop;

  /** [channel][byte] -> (byte / 255f - mean) / std, as ToTensor then Normalize compute it. */
  private final float[][] normalised;

  private Preprocessing(String name, float[] mean, float[] std, boolean flip, boolean crop) {
    this.name = name;
    this.mean = mean;
    this.std = std;
    this.flip = flip;
    this.crop = crop;
    this.normalised = new float[CifarImages.CHANNELS][256];
    for (int c = 0; c < CifarImages.CHANNELS; c++) {
      for (int b = 0; b < 256; b++) {
        normalised[c][b] = (CifarTransforms.scaled(b) - mean[c]) / std[c];
      }
    }
  }

  /** The preprocessing of the settings' source: its statistics, its augmentation setting. */
  public static Preprocessing of(DataSettings data) {
    return switch (data.source()) {
      case CIFAR10_BINARY, SYNTHETIC -> CIFAR10;
      case CIFAR100_BINARY -> CIFAR100;
      case MNIST_IDX -> data.augment() ? MNIST_CROPPED : MNIST;
    };
  }

  /** The data set whose statistics these are, e.g. "MNIST". */
  public String name() {
    return name;
  }

  /** The normalisation mean of channel {@code c} (0 = red). */
  public float mean(int c) {
    return mean[c];
  }

  /** The normalisation standard deviation of channel {@code c}. */
  public float std(int c) {
    return std[c];
  }

  /** Whether training images are flipped horizontally at random. */
  public boolean flip() {
    return flip;
  }

  /** Whether training images are zero-padded by 4 and cropped back at random. */
  public boolean crop() {
    return crop;
  }

  /** The lookup table of channel {@code c}: byte value to normalised float. */
  float[] table(int c) {
    return normalised[c];
  }

  @Override
  public String toString() {
    return name + (flip ? " +flip" : "") + (crop ? " +crop" : "");
  }
}
