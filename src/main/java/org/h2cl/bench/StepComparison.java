package org.h2cl.bench;

import java.util.Map;
import java.util.Objects;

/**
 * How far one training step on a device is from the same step on the CPU, both from the same
 * weights ({@code submit/gpu-check.sh}).
 *
 * <p>What is compared is each parameter array's <em>change</em> in the step (weights after minus
 * weights before): the weights themselves barely move in one step at lr 0.01, so comparing them
 * would hide a wrong gradient. An array's difference is {@code ||d - c|| / ||c||} (Euclidean norms
 * over the array's elements), the measure {@code OneDnnTrunkTest} holds oneDNN's gradients to
 * against libnd4j's: one element whose activation sits within rounding of a ReLU's kink may pass
 * its gradient on one side and not the other and move a whole array's gradient by a few per cent,
 * so a per-element maximum would flag noise. The loss is compared as {@code |d - c| / |c|}. Whether
 * frozen weights stayed exactly where they were is checked on each side, without a tolerance
 * ({@link GpuCheckStep}).
 *
 * @param maxRelative the largest array difference (positive infinity when not finite)
 * @param worstArray the array where it is
 * @param lossRelative the loss's relative difference
 * @param sameStart whether both sides started from bit-identical weights and batch
 */
public record StepComparison(
    double maxRelative, String worstArray, double lossRelative, boolean sameStart) {

  /**
   * Compares a device's step with the CPU's.
   *
   * @param device array name → change in the step, on the device
   * @param cpu the same names on the CPU
   * @param startDigests the two sides' digests of the starting state
   * @throws IllegalArgumentException when the two sides do not hold the same arrays
   */
  public static StepComparison of(
      Map<String, float[]> device,
      double deviceLoss,
      Map<String, float[]> cpu,
      double cpuLoss,
      String deviceStartDigest,
      String cpuStartDigest) {
    if (!device.keySet().equals(cpu.keySet())) {
      throw new IllegalArgumentException(
          "the device and the CPU changed different arrays: "
              + device.keySet()
              + " vs "
              + cpu.keySet());
    }
    double worst = 0;
    String worstName = "";
    for (Map.Entry<String, float[]> e : cpu.entrySet()) {
      double r = relative(device.get(e.getKey()), e.getValue(), e.getKey());
      if (!(r <= worst)) { // NaN and infinity take the place
        worst = Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
        worstName = e.getKey();
        if (worst == Double.POSITIVE_INFINITY) {
          break;
        }
      }
    }
    double loss =
        Double.isFinite(deviceLoss) && Double.isFinite(cpuLoss)
            ? Math.abs(deviceLoss - cpuLoss) / Math.max(Math.abs(cpuLoss), Double.MIN_NORMAL)
            : Double.POSITIVE_INFINITY;
    return new StepComparison(
        worst, worstName, loss, Objects.equals(deviceStartDigest, cpuStartDigest));
  }

  /**
   * {@code ||d - c|| / ||c||}; 0 when both are all zeros, infinity when only the device moved or a
   * value is not finite.
   */
  static double relative(float[] d, float[] c, String name) {
    if (d.length != c.length) {
      throw new IllegalArgumentException(
          name + ": " + d.length + " values on the device, " + c.length + " on the CPU");
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < c.length; i++) {
      if (!Float.isFinite(d[i]) || !Float.isFinite(c[i])) {
        return Double.POSITIVE_INFINITY;
      }
      double e = (double) d[i] - c[i];
      diff += e * e;
      scale += (double) c[i] * c[i];
    }
    if (diff == 0) {
      return 0;
    }
    return scale == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(diff / scale);
  }

  /** Whether the step agrees: the same start, and weights' changes and loss within tolerance. */
  public boolean within(double tolerance) {
    return sameStart && maxRelative <= tolerance && lossRelative <= tolerance;
  }
}
