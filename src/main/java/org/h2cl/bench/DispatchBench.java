package org.h2cl.bench;

import java.util.ArrayList;
import java.util.List;
import org.h2cl.model.Kernels;
import org.h2cl.model.libnd4j.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;

/**
 * The fixed cost of libnd4j's path, which the GPU runs on: the host time of one op call on a tiny
 * array (Java, JNI, libnd4j's dispatch; no arithmetic to speak of), and how many libnd4j ops one
 * training step of the libnd4j trunk calls here. On a GPU every op also waits for a kernel launch;
 * BENCHMARKS.md uses both for the per-seed estimate.
 */
final class DispatchBench {
  private DispatchBench() {}

  static void run(Bench.Options o, int threads) {
    int calls = o.integer("calls", 20_000);
    INDArray x = Nd4j.rand(DataType.FLOAT, 1, 16, 4, 4);
    List<Double> micros = new ArrayList<>();
    for (int r = 0; r < 6; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        Ops.reluInPlace(x);
      }
      if (r > 0) {
        micros.add((System.nanoTime() - start) / 1e3 / calls);
      }
    }
    int width = o.integer("width", 64);
    int batch = o.integer("batch", 128);
    H2StepFixture f = new H2StepFixture(width, batch, 0, Kernels.LIBND4J, o.convAlgorithm());
    f.step();
    OpExecutioner ex = Nd4j.getExecutioner();
    ex.setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
    OpProfiler.getInstance().reset();
    f.step();
    long ops = OpProfiler.getInstance().getInvocationsCount();
    ex.setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
    System.out.println(
        new Json()
            .put("bench", "dispatch")
            .put("width", width)
            .put("batch", batch)
            .put("threads", threads)
            .put("op_host_micros", Bench.median(micros))
            .put("libnd4j_ops_per_step", ops));
  }
}
