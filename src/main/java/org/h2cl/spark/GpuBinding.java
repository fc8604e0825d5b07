package org.h2cl.spark;

import java.util.OptionalInt;

/**
 * Which device a seed's task computes on, decided from the ND4J backend and the GPU addresses Spark
 * assigned to the task.
 *
 * <ul>
 *   <li>CPU backend: the CPU (GPU addresses, if any, are not used).
 *   <li>CUDA backend, one or more addresses: the first, a device index as {@code
 *       submit/gpu-discovery.sh} reports it.
 *   <li>CUDA backend, no GPU resource (local mode, or a cluster without GPU scheduling): device 0.
 * </ul>
 *
 * @param cudaDevice the CUDA device to bind the task's thread to; empty on the CPU backend
 * @param assignedBySpark whether Spark's resource scheduling chose the device
 */
public record GpuBinding(OptionalInt cudaDevice, boolean assignedBySpark) {

  /** The CPU: nothing to bind. */
  public static final GpuBinding CPU = new GpuBinding(OptionalInt.empty(), false);

  /**
   * @param cudaBackend whether ND4J runs on its CUDA backend
   * @param gpuAddresses the task's {@code gpu} resource addresses, or null when it has none
   * @throws IllegalArgumentException when the CUDA backend gets an address that is not a device
   *     index
   */
  public static GpuBinding decide(boolean cudaBackend, String[] gpuAddresses) {
    if (!cudaBackend) {
      return CPU;
    }
    if (gpuAddresses == null || gpuAddresses.length == 0) {
      return new GpuBinding(OptionalInt.of(0), false);
    }
    return new GpuBinding(OptionalInt.of(deviceIndex(gpuAddresses[0])), true);
  }

  private static int deviceIndex(String address) {
    String a = address == null ? "" : address.strip();
    if (a.matches("\\d{1,4}")) {
      return Integer.parseInt(a);
    }
    throw new IllegalArgumentException(
        "Spark assigned the GPU address '"
            + address
            + "', which is not a CUDA device index: expected a non-negative integer such as 0, as"
            + " submit/gpu-discovery.sh prints them (spark.executor.resource.gpu.discoveryScript)");
  }

  /** "cpu" or "cuda:&lt;index&gt;". */
  public String deviceName() {
    return cudaDevice.isPresent() ? "cuda:" + cudaDevice.getAsInt() : "cpu";
  }
}
