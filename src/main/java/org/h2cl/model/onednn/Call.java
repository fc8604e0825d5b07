package org.h2cl.model.onednn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;

/**
 * A primitive with its arguments bound once (the map holds oneDNN memory handles, so a later {@code
 * set_data_handle} on a bound memory is seen by the call). Made by {@link Context#call}.
 */
final class Call {
  private final primitive primitive;
  private final IntMemoryMap args = new IntMemoryMap();

  Call(primitive primitive) {
    this.primitive = primitive;
  }

  Call bind(int arg, memory m) {
    args.put(arg, m);
    return this;
  }

  void run(stream s) {
    primitive.execute(s, args);
  }
}
