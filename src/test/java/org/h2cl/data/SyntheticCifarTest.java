package org.h2cl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.config.H2Settings.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCifarTest {

  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  @Test
  void writesTheOfficialLayoutReadableByTheReader() throws IOException {
    SyntheticCifar.write(dir.toString(), 7, 3, 1, conf);
    for (String name : CifarFixtures.FILES) {
      long size = Files.size(dir.resolve(name));
      assertTrue(size > 0 && size % 3073 == 0, name + " has " + size + " bytes");
    }
    // 70 train records over five files: 14 each.
    assertEquals(14 * 3073, Files.size(dir.resolve("data_batch_3.bin")));
    assertEquals(30 * 3073, Files.size(dir.resolve("test_batch.bin")));
    List<String> meta = Files.readAllLines(dir.resolve("batches.meta.txt"));
    assertEquals(SyntheticCifar.CLASS_NAMES, meta.subList(0, 10));

    CifarDataset d = CifarBinaryReader.read(dir.toString(), conf);
    assertArrayEquals(counts(7), classCounts(d.train()));
    assertArrayEquals(counts(3), classCounts(d.test()));
    // Class-interleaved like the real data: the first records are not all one class.
    Set<Integer> firstLabels = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      firstLabels.add(d.train().label(i));
    }
    assertTrue(firstLabels.size() >= 4, "first labels " + firstLabels);
    // No temporary files are left behind.
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")));
    }
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
    SyntheticCifar.write(dir.resolve("a").toString(), 5, 2, 42, conf);
    SyntheticCifar.write(dir.resolve("b").toString(), 5, 2, 42, conf);
    SyntheticCifar.write(dir.resolve("c").toString(), 5, 2, 43, conf);
    for (String name : CifarFixtures.FILES) {
      byte[] a = Files.readAllBytes(dir.resolve("a").resolve(name));
      assertArrayEquals(a, Files.readAllBytes(dir.resolve("b").resolve(name)), name);
      assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(dir.resolve("c").resolve(name))));
    }
  }

  @Test
  void classesAreApartButNotTrivial() {
    SyntheticCifar.write(dir.toString(), 400, 50, SyntheticCifar.SEED, conf);
    CifarDataset d = CifarBinaryReader.read(dir.toString(), conf);

    // Class means of two disjoint halves of each class: the same class agrees with itself much
    // better than with any other class.
    double[][][] halves = new double[2][10][3072];
    int[][] counts = new int[2][10];
    for (int i = 0; i < d.train().size(); i++) {
      int c = d.train().label(i);
      int h = counts[0][c] <= counts[1][c] ? 0 : 1;
      counts[h][c]++;
      for (int p = 0; p < 3072; p++) {
        halves[h][c][p] += d.train().pixels()[i * 3072 + p] & 0xff;
      }
    }
    double[][] mean = new double[10][3072];
    for (int c = 0; c < 10; c++) {
      for (int p = 0; p < 3072; p++) {
        halves[0][c][p] /= counts[0][c];
        halves[1][c][p] /= counts[1][c];
        mean[c][p] = (halves[0][c][p] + halves[1][c][p]) / 2;
      }
    }
    double within = 0;
    double between = Double.MAX_VALUE;
    for (int a = 0; a < 10; a++) {
      within = Math.max(within, rms(halves[0][a], halves[1][a]));
      for (int b = a + 1; b < 10; b++) {
        between = Math.min(between, rms(mean[a], mean[b]));
      }
    }
    assertTrue(between > 1.4 * within, "between " + between + ", within " + within);

    // A nearest-class-mean classifier on raw pixels: well above chance (10 %), far from perfect,
    // so the classes need more than colour to be told apart.
    int right = 0;
    for (int i = 0; i < d.test().size(); i++) {
      double[] image = new double[3072];
      for (int p = 0; p < 3072; p++) {
        image[p] = d.test().pixels()[i * 3072 + p] & 0xff;
      }
      int best = 0;
      for (int c = 1; c < 10; c++) {
        if (rms(image, mean[c]) < rms(image, mean[best])) {
          best = c;
        }
      }
      right += best == d.test().label(i) ? 1 : 0;
    }
    double accuracy = right / (double) d.test().size();
    assertTrue(accuracy > 0.3 && accuracy < 0.8, "nearest-mean accuracy " + accuracy);
  }

  @Test
  void ensureGeneratesOnceAndRegeneratesWhenSizesChange() throws IOException {
    String uri = dir.resolve("synthetic").toString();
    var settings = CifarFixtures.settings(DataSource.SYNTHETIC, uri, 5, 2, 0, 0);
    SyntheticCifar.ensure(settings, conf);
    Path batch = dir.resolve("synthetic").resolve("data_batch_1.bin");
    assertEquals(40 * 3073, Files.size(batch)); // 20 per class x 10 classes / 5 files
    FileTime old = FileTime.fromMillis(0);
    Files.setLastModifiedTime(batch, old);

    SyntheticCifar.ensure(settings, conf);
    assertEquals(old, Files.getLastModifiedTime(batch), "present data must not be rewritten");

    var bigger =
        new org.h2cl.config.H2Settings.DataSettings(
            DataSource.SYNTHETIC, uri, false, "", List.of(), true, 5, 2, 0, 0, 30, 10);
    SyntheticCifar.ensure(bigger, conf);
    assertEquals(60 * 3073, Files.size(batch));
  }

  @Test
  void ensureLeavesForeignFilesAlone() throws IOException {
    Path folder = dir.resolve("real");
    CifarFixtures.writeFolder(folder, 2);
    SyntheticCifar.ensure(
        CifarFixtures.settings(DataSource.SYNTHETIC, folder.toString(), 5, 2, 0, 0), conf);
    assertArrayEquals(
        CifarFixtures.file(0, 2), Files.readAllBytes(folder.resolve("data_batch_1.bin")));
  }

  private static int[] counts(int perClass) {
    int[] counts = new int[10];
    java.util.Arrays.fill(counts, perClass);
    return counts;
  }

  private static int[] classCounts(CifarImages images) {
    int[] counts = new int[10];
    for (int i = 0; i < images.size(); i++) {
      counts[images.label(i)]++;
    }
    return counts;
  }

  private static double rms(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum / a.length);
  }
}
