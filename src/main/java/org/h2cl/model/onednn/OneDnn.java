package org.h2cl.model.onednn;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.Pointer;
import org.h2cl.model.NdArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The oneDNN library (JavaCPP's {@code org.bytedeco:dnnl} build, with its own OpenMP runtime shared
 * with libnd4j's): whether it loads here, its version and instruction set, and one CPU engine for
 * the whole JVM (engines are thread-safe; each trunk has its own stream).
 */
public final class OneDnn {
  private static final Probe PROBE = Probe.run();

  private OneDnn() {}

  private record Probe(engine cpu, String version, String unavailableReason) {
    static Probe run() {
      try {
        engine e = new engine(engine.kind.cpu, 0);
        var v = dnnl.version();
        return new Probe(e, v.major() + "." + v.minor() + "." + v.patch(), null);
      } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, dnnl's error
        return new Probe(null, null, "the oneDNN library did not load: " + t);
      }
    }
  }

  /** Null when oneDNN runs here, else why not. */
  public static String unavailableReason() {
    return PROBE.unavailableReason;
  }

  /** oneDNN's version, e.g. "2.5.2"; null when it did not load. */
  public static String version() {
    return PROBE.version;
  }

  /** The instruction set oneDNN's kernels use on this CPU, e.g. "avx512_core". */
  public static String isa() {
    String name = dnnl.get_effective_cpu_isa().toString();
    return name.startsWith("isa_") ? name.substring(4) : name;
  }

  static engine engine() {
    if (PROBE.cpu == null) {
      throw new IllegalStateException(PROBE.unavailableReason);
    }
    return PROBE.cpu;
  }

  /** float32 memory descriptor of the given dims in layout tag. */
  static memory.desc desc(memory.format_tag tag, long... dims) {
    return new memory.desc(dims, memory.data_type.f32, tag);
  }

  /** The dims of a memory descriptor. */
  static long[] dims(memory.desc d) {
    var data = d.data();
    long[] dims = new long[data.ndims()];
    data.dims().get(dims);
    return dims;
  }

  /**
   * The host address of a float32 array's first element, for a oneDNN memory that reads or writes
   * it in place. The array must be dense and start at its buffer's beginning.
   */
  static Pointer address(INDArray a) {
    if (a.dataType() != DataType.FLOAT || a.offset() != 0 || !NdArrays.denseRowMajor(a)) {
      throw new IllegalArgumentException(
          "oneDNN needs a dense float32 array at offset 0, got " + a.shapeInfoToString());
    }
    return a.data().addressPointer();
  }
}
