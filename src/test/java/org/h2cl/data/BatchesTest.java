package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchesTest {

  private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
  private static final float[] STD = {0.2023f, 0.1994f, 0.2010f};

  /** Raw byte of channel c, row y, column x of image i: distinct along rows and columns. */
  private static int raw(int i, int c, int y, int x) {
    return (i * 31 + c * 85 + y * 5 + x * 3 + 1) & 0xff;
  }

  private static CifarImages images(int n) {
    byte[] pixels = new byte[n * 3072];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            pixels[i * 3072 + c * 1024 + y * 32 + x] = (byte) raw(i, c, y, x);
          }
        }
      }
    }
    return new CifarImages(pixels, labels);
  }

  private static float normalised(int c, int b) {
    return (b / 255f - MEAN[c]) / STD[c];
  }

  private static float at(float[] out, int c, int y, int x) {
    return out[c * 1024 + y * 32 + x];
  }

  @Test
  void normalisationMatchesTheFormula() {
    // Hand-computed: red 255 -> (1 - 0.4914) / 0.2023; blue 0 -> -0.4465 / 0.2010.
    assertEquals(2.514088f, normalised(0, 255), 1e-5f);
    assertEquals(-2.221393f, normalised(2, 0), 1e-5f);
    CifarImages one = images(1);
    float[] out = new float[3072];
    CifarTransforms.normalised(one, 0, out, 0);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y += 7) {
        for (int x = 0; x < 32; x += 5) {
          assertEquals(normalised(c, raw(0, c, y, x)), at(out, c, y, x), 0f);
        }
      }
    }
    assertEquals(MEAN[1], Preprocessing.CIFAR10.mean(1));
    assertEquals(STD[2], Preprocessing.CIFAR10.std(2));
  }

  @Test
  void scaledOnlyIsNotNormalised() {
    CifarImages two = images(2);
    float[] out = new float[3072 + 5];
    CifarTransforms.scaledOnly(two, 1, out, 5);
    assertEquals(raw(1, 0, 0, 0) / 255f, out[5], 0f);
    assertEquals(raw(1, 2, 31, 31) / 255f, out[5 + 3071], 0f);
    assertEquals(raw(1, 1, 3, 4) / 255f, out[5 + 1024 + 3 * 32 + 4], 0f);
  }

  @Test
  void centreCropWithoutFlipIsTheTestTransform() {
    CifarImages one = images(1);
    float[] augmented = new float[3072];
    float[] plain = new float[3072];
    CifarTransforms.augmented(one, 0, false, 4, 4, augmented, 0);
    CifarTransforms.normalised(one, 0, plain, 0);
    assertArrayEquals(plain, augmented);
  }

  @Test
  void cropShiftsTheImageAndPadsWithNormalisedZero() {
    CifarImages one = images(1);
    float[] out = new float[3072];
    // Offsets (0, 0): the 4 padded rows and columns come first, raw (0,0) lands at (4,4).
    CifarTransforms.augmented(one, 0, false, 0, 0, out, 0);
    for (int c = 0; c < 3; c++) {
      float pad = -MEAN[c] / STD[c];
      assertEquals(pad, at(out, c, 0, 0), 0f);
      assertEquals(pad, at(out, c, 3, 20), 0f);
      assertEquals(pad, at(out, c, 20, 3), 0f);
      assertEquals(normalised(c, raw(0, c, 0, 0)), at(out, c, 4, 4), 0f);
      assertEquals(normalised(c, raw(0, c, 27, 27)), at(out, c, 31, 31), 0f);
    }
    assertEquals(-2.429065f, -MEAN[0] / STD[0], 1e-5f);

    // Offsets (8, 8): raw (4+y, 4+x); the last 4 rows and columns are padding.
    CifarTransforms.augmented(one, 0, false, 8, 8, out, 0);
    assertEquals(normalised(1, raw(0, 1, 4, 4)), at(out, 1, 0, 0), 0f);
    assertEquals(normalised(1, raw(0, 1, 31, 31)), at(out, 1, 27, 27), 0f);
    assertEquals(-MEAN[1] / STD[1], at(out, 1, 28, 0), 0f);
    assertEquals(-MEAN[1] / STD[1], at(out, 1, 0, 28), 0f);
  }

  @Test
  void flipMirrorsBeforeTheCrop() {
    CifarImages one = images(1);
    float[] out = new float[3072];
    CifarTransforms.augmented(one, 0, true, 4, 4, out, 0);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y += 3) {
        for (int x = 0; x < 32; x++) {
          assertEquals(normalised(c, raw(0, c, y, 31 - x)), at(out, c, y, x), 0f);
        }
      }
    }
    // Flip, then crop at (2, 7): out(y, x) = flipped(y - 2, x + 3) = raw(y - 2, 28 - x).
    CifarTransforms.augmented(one, 0, true, 2, 7, out, 0);
    assertEquals(normalised(2, raw(0, 2, 0, 28)), at(out, 2, 2, 0), 0f);
    assertEquals(normalised(2, raw(0, 2, 10, 18)), at(out, 2, 12, 10), 0f);
    assertEquals(normalised(2, raw(0, 2, 29, 0)), at(out, 2, 31, 28), 0f);
    assertEquals(-MEAN[2] / STD[2], at(out, 2, 1, 5), 0f);
    assertEquals(-MEAN[2] / STD[2], at(out, 2, 5, 29), 0f);
  }

  @Test
  void trainBatchesFollowTheDocumentedDraws() {
    CifarImages images = images(10);
    TrainBatches batches = new TrainBatches(images, 4);
    assertEquals(3, batches.batchesPerEpoch());
    batches.startEpoch(new SplittableRandom(7));

    // The same draws by hand: shuffle, then per image flip, row offset, column offset.
    SplittableRandom rng = new SplittableRandom(7);
    int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (int i = 9; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    Batch batch = new Batch(4);
    float[] expected = new float[3072];
    int seen = 0;
    int[] sizes = new int[3];
    for (int b = 0; b < 3; b++) {
      assertTrue(batches.next(batch));
      sizes[b] = batch.size();
      for (int k = 0; k < batch.size(); k++) {
        int index = order[seen++];
        boolean flip = rng.nextDouble() < 0.5;
        int dy = rng.nextInt(9);
        int dx = rng.nextInt(9);
        CifarTransforms.augmented(images, index, flip, dy, dx, expected, 0);
        assertArrayEquals(expected, Arrays.copyOfRange(batch.x, k * 3072, (k + 1) * 3072));
        assertEquals(index % 10, batch.y[k]);
      }
    }
    assertArrayEquals(new int[] {4, 4, 2}, sizes, "the last partial batch is kept");
    assertFalse(batches.next(batch));
  }

  @Test
  void mnistUsesItsOwnStatisticsAndNoAugmentationUnlessAskedForACrop() {
    CifarImages images = images(6).with(Preprocessing.MNIST);
    float[] out = new float[3072];
    CifarTransforms.normalised(images, 0, out, 0);
    assertEquals((raw(0, 1, 3, 4) / 255f - 0.1307f) / 0.3081f, at(out, 1, 3, 4), 0f);

    // No augmentation: the training batch is the test transform, and only the shuffle draws.
    TrainBatches batches = new TrainBatches(images, 6);
    Batch batch = new Batch(6);
    SplittableRandom rng = new SplittableRandom(5);
    batches.startEpoch(rng);
    assertTrue(batches.next(batch));
    SplittableRandom replay = new SplittableRandom(5);
    for (int i = 5; i > 0; i--) {
      replay.nextInt(i + 1);
    }
    assertEquals(replay.nextLong(), rng.nextLong(), "no draws after the shuffle");
    for (int k = 0; k < 6; k++) {
      int index = batch.y[k]; // label i % 10 == i here
      CifarTransforms.normalised(images, index, out, 0);
      assertArrayEquals(out, Arrays.copyOfRange(batch.x, k * 3072, (k + 1) * 3072));
    }

    // The crop option draws two offsets per image and never flips.
    assertFalse(Preprocessing.MNIST_CROPPED.flip());
    assertTrue(Preprocessing.MNIST_CROPPED.crop());
    CifarImages cropped = images(1).with(Preprocessing.MNIST_CROPPED);
    TrainBatches one = new TrainBatches(cropped, 1);
    one.startEpoch(new SplittableRandom(9));
    assertTrue(one.next(batch));
    SplittableRandom draws = new SplittableRandom(9);
    float[] expected = new float[3072];
    CifarTransforms.augmented(cropped, 0, false, draws.nextInt(9), draws.nextInt(9), expected, 0);
    assertArrayEquals(expected, Arrays.copyOf(batch.x, 3072));
  }

  @Test
  void sameSeedSameBatchesAndEveryImageOncePerEpoch() {
    CifarImages images = images(37);
    float[][] first = epoch(images, 11);
    float[][] again = epoch(images, 11);
    float[][] other = epoch(images, 12);
    for (int b = 0; b < first.length; b++) {
      assertArrayEquals(first[b], again[b]);
    }
    assertFalse(Arrays.equals(first[0], other[0]));

    TrainBatches batches = new TrainBatches(images, 8);
    Batch batch = new Batch(8);
    batches.startEpoch(new SplittableRandom(3));
    int[] perClass = new int[10];
    int total = 0;
    while (batches.next(batch)) {
      for (int k = 0; k < batch.size(); k++) {
        perClass[batch.y[k]]++;
      }
      total += batch.size();
    }
    assertEquals(37, total);
    assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4, 3, 3, 3}, perClass);
  }

  private static float[][] epoch(CifarImages images, long seed) {
    TrainBatches batches = new TrainBatches(images, 16);
    Batch batch = new Batch(16);
    batches.startEpoch(new SplittableRandom(seed));
    float[][] out = new float[batches.batchesPerEpoch()][];
    for (int b = 0; batches.next(batch); b++) {
      out[b] = Arrays.copyOf(batch.x, batch.size() * 3072);
    }
    return out;
  }

  @Test
  void evalBatchesAreSequentialAndNormalised() {
    CifarImages images = images(5);
    EvalBatches batches = new EvalBatches(images, 2);
    Batch batch = new Batch(3);
    float[] expected = new float[3072];
    for (int round = 0; round < 2; round++) {
      int seen = 0;
      while (batches.next(batch)) {
        for (int k = 0; k < batch.size(); k++) {
          CifarTransforms.normalised(images, seen, expected, 0);
          assertArrayEquals(expected, Arrays.copyOfRange(batch.x, k * 3072, (k + 1) * 3072));
          assertEquals(seen % 10, batch.y[k]);
          seen++;
        }
      }
      assertEquals(1, batch.size(), "last partial batch");
      assertEquals(5, seen);
      batches.rewind();
    }
  }

  @Test
  void misuseIsRefused() {
    TrainBatches batches = new TrainBatches(images(3), 4);
    assertThrows(IllegalStateException.class, () -> batches.next(new Batch(4)));
    batches.startEpoch(new SplittableRandom(1));
    assertThrows(IllegalArgumentException.class, () -> batches.next(new Batch(3)));
  }

  @Test
  void augmentationIsFast() {
    CifarImages images = images(2000);
    TrainBatches batches = new TrainBatches(images, 128);
    Batch batch = new Batch(128);
    batches.startEpoch(new SplittableRandom(0));
    while (batches.next(batch)) {
      // warm up
    }
    long start = System.nanoTime();
    batches.startEpoch(new SplittableRandom(1));
    while (batches.next(batch)) {
      // measure
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // Thousands of images per second on one core; bound loosely for a loaded machine.
    assertTrue(2000 / seconds > 2000, "augmented images per second: " + 2000 / seconds);
  }
}
