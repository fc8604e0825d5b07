package org.h2cl.bench;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.h2cl.model.onednn.OneDnn;

/**
 * The machine's float32 ceiling as the benchmarks can reach it: GFLOP/s of oneDNN's matrix multiply
 * on {@code --size}² matrices (default 2048), the best-tuned dense kernel on the class path. The
 * training-step figures are set against it in BENCHMARKS.md.
 */
final class PeakBench {
  private PeakBench() {}

  static void run(Bench.Options o, int threads) {
    long n = o.integer("size", 2048);
    if (OneDnn.unavailableReason() != null) {
      throw new IllegalStateException(OneDnn.unavailableReason());
    }
    engine eng = new engine(engine.kind.cpu, 0);
    stream s = new stream(eng);
    memory.desc d = new memory.desc(new long[] {n, n}, memory.data_type.f32, memory.format_tag.ab);
    var pd = new matmul.primitive_desc(new matmul.desc(d, d, d), eng);
    memory a = new memory(d, eng);
    memory b = new memory(d, eng);
    memory c = new memory(d, eng);
    IntMemoryMap args = new IntMemoryMap();
    args.put(DNNL_ARG_SRC, a);
    args.put(DNNL_ARG_WEIGHTS, b);
    args.put(DNNL_ARG_DST, c);
    matmul mm = new matmul(pd);
    List<Double> rates = new ArrayList<>();
    for (int r = 0; r < o.integer("repeats", 7); r++) {
      long start = System.nanoTime();
      mm.execute(s, args);
      s._wait();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (r > 0) {
        rates.add(2.0 * n * n * n / seconds / 1e9);
      }
    }
    System.out.println(
        new Json()
            .put("bench", "peak")
            .put("impl", pd.impl_info_str().getString())
            .put("size", n)
            .put("threads", threads)
            .put("gflop_per_s", Bench.median(rates)));
  }
}
