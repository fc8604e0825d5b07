package org.h2cl.h2;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.checkpoint.ArrayBundle.Type;
import org.h2cl.config.H2Settings;

/**
 * The bytes a run's checkpoints take, computed from the settings before anything trains, so that a
 * folder too small for them is refused at the start instead of after hours of training. It follows
 * {@link SeedCheckpoint}'s layout array by array over ResNet-18's shapes at the configured width (a
 * test holds both against real files); the metadata is bounded by {@link #METADATA_BYTES}.
 */
public final class CheckpointEstimate {

  /** What a checkpoint's metadata (fingerprint, seed, task, settings) takes at most. */
  static final long METADATA_BYTES = 4096;

  private CheckpointEstimate() {}

  /** Every checkpoint of the run: one per method, seed and task, all kept. */
  public static long runBytes(H2Settings settings) {
    long perSeed = 0;
    for (int k = 1; k <= settings.data().tasks(); k++) {
      perSeed += bytesAfterTask(settings, k);
    }
    return perSeed * settings.seeds().size() * settings.methods().size();
  }

  /** One seed's checkpoint after task {@code k}: it holds the state of tasks 1..k. */
  public static long bytesAfterTask(H2Settings settings, int k) {
    int width = settings.model().baseWidth();
    int classes = settings.data().classesPerTask();
    List<Integer> convs = new ArrayList<>();
    List<Integer> bns = new ArrayList<>();
    shapes(width, convs, bns);
    int layers = convs.size();
    int features = 8 * width;

    long b = entry("layers", Type.INT32, 1);
    for (int l = 0; l < layers; l++) {
      b += entry("conv." + l, Type.FLOAT32, convs.get(l));
      b += entry("owner." + l, Type.INT8, convs.get(l));
    }
    b += entry("ownership.layer-sizes", Type.INT32, layers);
    b += entry("ownership.last-finished", Type.INT32, 1);
    b += entry("tasks", Type.INT32, 1);
    for (int j = 1; j <= k; j++) {
      String p = "task." + j + ".";
      if (j >= 2) {
        b += entry(p + "reuse.params", Type.FLOAT64, 2);
        for (int l = 0; l < layers; l++) {
          b += entry(p + "reuse." + l, Type.INT16, convs.get(l));
        }
      }
      b += entry(p + "head.weight", Type.FLOAT32, classes * features);
      b += entry(p + "head.bias", Type.FLOAT32, classes);
      for (int i = 0; i < bns.size(); i++) {
        for (String what : List.of("gamma", "beta", "mean", "var")) {
          b += entry(p + "bn." + i + "." + what, Type.FLOAT32, bns.get(i));
        }
      }
      b += entry(p + "outcome", Type.FLOAT64, 5);
      b += entry(p + "pi", Type.FLOAT64, j - 1);
      b += entry(p + "logits", Type.FLOAT64, j - 1);
    }
    b += entry("accuracy-matrix", Type.FLOAT64, 3 * k * (k + 1) / 2);
    // The history: 8 numbers per epoch; H²'s epochs, the most any method trains.
    int epochs = k * (settings.train().epochs() + settings.retrain().epochs());
    epochs += (k - 1) * settings.association().epochs();
    b += entry("history", Type.FLOAT64, 8 * epochs);
    return ArrayBundle.fileBytes(Map.of(), b) + METADATA_BYTES;
  }

  private static long entry(String name, Type type, int length) {
    return ArrayBundle.entryBytes(name, type, length);
  }

  /**
   * The weights per conv layer and the channels per BatchNorm layer of {@link
   * org.h2cl.model.ResNet18} at {@code width}, in its order: the stem, then per block conv1, conv2
   * and, where the shape changes, the 1x1 shortcut; each conv followed by its BatchNorm.
   */
  static void shapes(int width, List<Integer> convs, List<Integer> bns) {
    convs.add(3 * width * 9);
    bns.add(width);
    int in = width;
    for (int stage = 0; stage < 4; stage++) {
      int out = width << stage;
      for (int block = 0; block < 2; block++) {
        boolean shortcut = (stage > 0 && block == 0) || in != out;
        convs.add(in * out * 9);
        bns.add(out);
        convs.add(out * out * 9);
        bns.add(out);
        if (shortcut) {
          convs.add(in * out);
          bns.add(out);
        }
        in = out;
      }
    }
  }
}
