package org.h2cl.h2;

import java.io.Serializable;

/**
 * Where Spark ran a seed's last attempt, as the run table records it.
 *
 * @param executorId Spark's executor id ("driver" in local mode)
 * @param host the executor's host
 * @param gpuAddress the GPU address(es) Spark assigned to the task, comma-separated; empty when it
 *     assigned none (also recorded on the CPU backend, which computes on the CPU regardless)
 * @param attempts the Spark task attempts the seed took, this one included (1 = no retry)
 */
public record Placement(String executorId, String host, String gpuAddress, int attempts)
    implements Serializable {

  /** A seed trained outside Spark (tests, benchmarks). */
  public static final Placement NONE = new Placement("", "", "", 1);
}
