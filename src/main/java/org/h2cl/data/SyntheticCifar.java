package org.h2cl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.config.H2Settings.DataSettings;

/**
 * Generates a CIFAR-10-shaped data set, written in the official binary format, for tests and the
 * quickstart. Each of the ten classes is a pattern (stripes of three orientations, rings,
 * checkerboard, disc, square frame, cross, gradient, dots) in a class hue, with random position,
 * scale, rotation, phase, background, brightness and per-pixel noise. Neighbouring classes' hues
 * overlap, so a network must look at shape too: a small CNN learns the classes well above chance,
 * but not instantly perfectly.
 */
public final class SyntheticCifar {

  /** The data set is the same for every run seed, as the real one is. */
  public static final long SEED = 2022L;

  /** One name per class, written to batches.meta.txt. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "horizontal-stripes",
          "vertical-stripes",
          "diagonal-stripes",
          "rings",
          "checkerboard",
          "disc",
          "square-frame",
          "cross",
          "gradient",
          "dots");

  /** The class names, one a line, as the official release's batches.meta.txt has them. */
  static final String META_FILE = "batches.meta.txt";

  private static final CifarRelease CIFAR10 = CifarRelease.CIFAR10;

  /** Records how a folder was generated, so that changed sizes regenerate it. */
  static final String MARKER_FILE = "synthetic.txt";

  /** Bumped whenever the images change for the same seed and sizes. */
  private static final int GENERATOR_VERSION = 1;

  private static final int SIDE = CifarImages.WIDTH;
  private static final double TWO_PI = 2 * Math.PI;
  private static final double SQRT_3 = Math.sqrt(3);

  private SyntheticCifar() {}

  /**
   * Generates the data of {@code data.synthetic} into {@code data.uri} unless the folder already
   * holds it. Files present without our marker are someone else's and are left as they are.
   */
  public static void ensure(DataSettings data, Configuration conf) {
    int train = data.syntheticTrainPerClass();
    int test = data.syntheticTestPerClass();
    Path folder = DataFiles.folder(data.uri());
    try (FileSystem fs = DataFiles.fileSystem(folder, data.uri(), conf)) {
      if (DataFiles.missingFiles(fs, folder, data.uri(), CIFAR10.dataFiles).isEmpty()) {
        Path marker = new Path(folder, MARKER_FILE);
        if (!fs.exists(marker) || read(fs, marker).equals(marker(train, test, SEED))) {
          return;
        }
      }
    } catch (IOException e) {
      throw DataFiles.unreachable(data.uri(), e);
    }
    write(data.uri(), train, test, SEED, conf);
  }

  /**
   * Writes data_batch_1..5.bin (the training images in shuffled, class-interleaved order, spread
   * evenly over the five files), test_batch.bin, batches.meta.txt and a marker into the folder,
   * each through a temporary name. The same arguments always give the same bytes.
   */
  public static void write(
      String folderUri, int trainPerClass, int testPerClass, long seed, Configuration conf) {
    if (trainPerClass < 1 || testPerClass < 1) {
      throw new IllegalArgumentException(
          "expected at least one image per class, got "
              + trainPerClass
              + " train, "
              + testPerClass
              + " test");
    }
    SplittableRandom root = new SplittableRandom(seed);
    byte[] train = records(trainPerClass, root.split());
    byte[] test = records(testPerClass, root.split());
    Path folder = DataFiles.folder(folderUri);
    try (FileSystem fs = DataFiles.fileSystem(folder, folderUri, conf)) {
      fs.mkdirs(folder);
      int trainRecords = train.length / CIFAR10.recordBytes;
      int files = CIFAR10.trainFiles.size();
      for (int f = 0; f < files; f++) {
        int from = (int) ((long) f * trainRecords / files) * CIFAR10.recordBytes;
        int to = (int) ((long) (f + 1) * trainRecords / files) * CIFAR10.recordBytes;
        DataFiles.writeAtomically(
            fs,
            new Path(folder, CIFAR10.trainFiles.get(f)),
            out -> out.write(train, from, to - from));
      }
      DataFiles.writeAtomically(fs, new Path(folder, CIFAR10.testFile), out -> out.write(test));
      byte[] meta = (String.join("\n", CLASS_NAMES) + "\n\n").getBytes(StandardCharsets.US_ASCII);
      DataFiles.writeAtomically(fs, new Path(folder, META_FILE), out -> out.write(meta));
      // Last, so that an interrupted run never looks complete.
      byte[] marker = marker(trainPerClass, testPerClass, seed).getBytes(StandardCharsets.UTF_8);
      DataFiles.writeAtomically(fs, new Path(folder, MARKER_FILE), out -> out.write(marker));
    } catch (IOException e) {
      throw new DataException(
          "cannot write synthetic CIFAR-10 into \"" + folderUri + "\": " + e, e);
    }
  }

  private static String marker(int trainPerClass, int testPerClass, long seed) {
    return "generator="
        + GENERATOR_VERSION
        + "\ntrain-per-class="
        + trainPerClass
        + "\ntest-per-class="
        + testPerClass
        + "\nseed="
        + seed
        + "\n";
  }

  private static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    }
  }

  /** {@code perClass} records of every class in shuffled order, as file bytes. */
  private static byte[] records(int perClass, SplittableRandom rng) {
    int n = perClass * CLASS_NAMES.size();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % CLASS_NAMES.size();
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int swap = labels[i];
      labels[i] = labels[j];
      labels[j] = swap;
    }
    byte[] bytes = new byte[n * CIFAR10.recordBytes];
    for (int i = 0; i < n; i++) {
      int at = i * CIFAR10.recordBytes;
      bytes[at] = (byte) labels[i];
      draw(labels[i], rng, bytes, at + 1);
    }
    return bytes;
  }

  /** Draws one image of class {@code label} as 3072 CHW bytes at {@code out[offset]}. */
  static void draw(int label, SplittableRandom rng, byte[] out, int offset) {
    // Colours: the class sets the foreground hue, jittered by +-0.12 while classes are 0.1 apart,
    // so colour alone does not tell neighbouring classes apart.
    double hue = label / 10.0 + (rng.nextDouble() - 0.5) * 0.24;
    double[] fg = hsv(hue, 0.45 + 0.45 * rng.nextDouble(), 0.55 + 0.45 * rng.nextDouble());
    double[] bg = hsv(rng.nextDouble(), 0.35 * rng.nextDouble(), 0.1 + 0.5 * rng.nextDouble());
    // Geometry: where the pattern sits, how large, how rotated, where its period starts.
    double cx = 15.5 + (rng.nextDouble() - 0.5) * 12;
    double cy = 15.5 + (rng.nextDouble() - 0.5) * 12;
    double scale = 0.7 + 0.6 * rng.nextDouble();
    double angle = (rng.nextDouble() - 0.5) * 0.5;
    double phase = rng.nextDouble() * TWO_PI;
    double direction = rng.nextDouble() * TWO_PI;
    double brightness = 0.7 + 0.6 * rng.nextDouble();
    double noise = 0.03 + 0.07 * rng.nextDouble();
    // StrictMath throughout: executors on different machines must generate the same bytes.
    double cos = StrictMath.cos(angle);
    double sin = StrictMath.sin(angle);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        double dx = x - cx;
        double dy = y - cy;
        double u = (dx * cos + dy * sin) / scale;
        double v = (-dx * sin + dy * cos) / scale;
        double a = alpha(label, u, v, phase, direction);
        for (int c = 0; c < CifarImages.CHANNELS; c++) {
          double value = (bg[c] * (1 - a) + fg[c] * a) * brightness + noise * normal(rng);
          long level = Math.round(value * 255);
          out[offset + c * CifarImages.CHANNEL_PIXELS + y * SIDE + x] =
              (byte) Math.max(0, Math.min(255, level));
        }
      }
    }
  }

  /** How much of the foreground colour the pixel at (u, v), relative to the pattern, shows. */
  private static double alpha(int label, double u, double v, double phase, double direction) {
    double r = Math.sqrt(u * u + v * v);
    return switch (label) {
      case 0 -> wave(v / 6, phase); // horizontal stripes
      case 1 -> wave(u / 6, phase); // vertical stripes
      case 2 -> wave((u + v) / Math.sqrt(2) / 6, phase); // diagonal stripes
      case 3 -> wave(r / 5, phase); // concentric rings
      case 4 ->
          0.5
              + 0.5
                  * StrictMath.tanh(
                      4
                          * StrictMath.sin(TWO_PI * u / 10 + phase)
                          * StrictMath.sin(TWO_PI * v / 10 + phase)); // checkerboard
      case 5 -> sigmoid((8 - r) * 1.5); // disc
      case 6 -> gauss((Math.max(Math.abs(u), Math.abs(v)) - 8) / 1.5); // square frame
      case 7 ->
          gauss(Math.min(Math.abs(u), Math.abs(v)) / 2.5)
              * sigmoid((11 - Math.max(Math.abs(u), Math.abs(v))) * 1.5); // cross
      case 8 ->
          0.5
              + 0.5
                  * StrictMath.tanh(
                      (u * StrictMath.cos(direction) + v * StrictMath.sin(direction))
                          / 8); // gradient
      case 9 ->
          sigmoid(
              (StrictMath.cos(TWO_PI * u / 7 + phase) * StrictMath.cos(TWO_PI * v / 7 + phase)
                      - 0.4)
                  * 10); // dots
      default -> throw new IllegalArgumentException("class " + label + " is outside 0..9");
    };
  }

  /**
   * An approximately standard normal draw (Irwin-Hall, four uniforms): plain arithmetic, so the
   * bytes are identical on every JVM and CPU, unlike Math's intrinsics.
   */
  private static double normal(SplittableRandom rng) {
    double sum = rng.nextDouble() + rng.nextDouble() + rng.nextDouble() + rng.nextDouble();
    return (sum - 2) * SQRT_3;
  }

  private static double wave(double t, double phase) {
    return 0.5 + 0.5 * StrictMath.sin(TWO_PI * t + phase);
  }

  private static double sigmoid(double t) {
    return 1 / (1 + StrictMath.exp(-t));
  }

  private static double gauss(double t) {
    return StrictMath.exp(-t * t);
  }

  /** RGB in [0,1] of a hue (wrapping), saturation and value. */
  private static double[] hsv(double hue, double saturation, double value) {
    double h = (hue - Math.floor(hue)) * 6;
    int sector = (int) h % 6;
    double f = h - Math.floor(h);
    double p = value * (1 - saturation);
    double q = value * (1 - saturation * f);
    double t = value * (1 - saturation * (1 - f));
    return switch (sector) {
      case 0 -> new double[] {value, t, p};
      case 1 -> new double[] {q, value, p};
      case 2 -> new double[] {p, value, t};
      case 3 -> new double[] {p, q, value};
      case 4 -> new double[] {t, p, value};
      default -> new double[] {value, p, q};
    };
  }
}
