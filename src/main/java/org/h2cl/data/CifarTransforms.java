package org.h2cl.data;

import java.util.Arrays;

/**
 * The image transforms of docs/ALGORITHM.md §1, from file bytes to floats: scale to [0,1] and
 * normalise per channel with the images' own {@link Preprocessing}, with or without the training
 * augmentation (flip, pad-and-crop). Lookup tables map each byte to its float, so converting an
 * image allocates nothing and computes nothing per pixel.
 */
public final class CifarTransforms {

  /** Padding of the random crop, on each side. */
  static final int PAD = 4;

  private static final int SIDE = CifarImages.WIDTH;
  private static final int PLANE = CifarImages.CHANNEL_PIXELS;

  /** byte -> byte / 255f, as PyTorch's ToTensor computes it (float32). */
  private static final float[] SCALED = new float[256];

  static {
    for (int b = 0; b < 256; b++) {
      SCALED[b] = b / 255f;
    }
  }

  private CifarTransforms() {}

  /** The byte value {@code b} (0..255) scaled to [0,1]. */
  static float scaled(int b) {
    return SCALED[b];
  }

  /**
   * The Fisher input (docs/ALGORITHM.md §5.3): image {@code index} scaled to [0,1], not normalised,
   * not augmented, written as 3072 CHW floats at {@code out[offset]}.
   */
  public static void scaledOnly(CifarImages images, int index, float[] out, int offset) {
    byte[] pixels = images.pixels();
    int from = index * CifarImages.IMAGE_BYTES;
    for (int i = 0; i < CifarImages.IMAGE_BYTES; i++) {
      out[offset + i] = SCALED[pixels[from + i] & 0xff];
    }
  }

  /** The test transform: image {@code index} scaled and normalised, as 3072 CHW floats. */
  public static void normalised(CifarImages images, int index, float[] out, int offset) {
    byte[] pixels = images.pixels();
    int from = index * CifarImages.IMAGE_BYTES;
    for (int c = 0; c < CifarImages.CHANNELS; c++) {
      float[] table = images.preprocessing().table(c);
      int plane = c * PLANE;
      for (int i = 0; i < PLANE; i++) {
        out[offset + plane + i] = table[pixels[from + plane + i] & 0xff];
      }
    }
  }

  /**
   * The train transform with its random draws already made: flip horizontally (if {@code flip}),
   * zero-pad the raw image by 4 on each side, crop 32x32 at ({@code dy}, {@code dx}) in the padded
   * image (each 0..8), scale and normalise. A padded pixel is a raw 0, so it becomes (0 - mean) /
   * std.
   */
  public static void augmented(
      CifarImages images, int index, boolean flip, int dy, int dx, float[] out, int offset) {
    if (dy < 0 || dy > 2 * PAD || dx < 0 || dx > 2 * PAD) {
      throw new IllegalArgumentException("crop offsets must be in 0..8, got " + dy + ", " + dx);
    }
    byte[] pixels = images.pixels();
    int from = index * CifarImages.IMAGE_BYTES;
    // Output column x reads source column x + dx - PAD (of the flipped image), valid in [x0, x1).
    int x0 = Math.max(0, PAD - dx);
    int x1 = Math.min(SIDE, SIDE + PAD - dx);
    for (int c = 0; c < CifarImages.CHANNELS; c++) {
      float[] table = images.preprocessing().table(c);
      float pad = table[0];
      int plane = from + c * PLANE;
      for (int y = 0; y < SIDE; y++) {
        int o = offset + c * PLANE + y * SIDE;
        int sy = y + dy - PAD;
        if (sy < 0 || sy >= SIDE) {
          Arrays.fill(out, o, o + SIDE, pad);
          continue;
        }
        int row = plane + sy * SIDE;
        for (int x = 0; x < x0; x++) {
          out[o + x] = pad;
        }
        if (flip) {
          // Flipped column sx is raw column 31 - sx.
          for (int x = x0; x < x1; x++) {
            out[o + x] = table[pixels[row + SIDE - 1 - (x + dx - PAD)] & 0xff];
          }
        } else {
          for (int x = x0; x < x1; x++) {
            out[o + x] = table[pixels[row + x + dx - PAD] & 0xff];
          }
        }
        for (int x = x1; x < SIDE; x++) {
          out[o + x] = pad;
        }
      }
    }
  }
}
