package org.h2cl.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;

/**
 * What the steps of one trunk build with: the engine, the trunk's {@link Storage}, and one
 * scratchpad for all its primitives (they run one after another on one stream), which oneDNN would
 * otherwise allocate behind our back.
 */
final class Context {
  static final String SCRATCHPAD = "scratchpad";

  final engine engine;
  final Storage storage;

  Context(engine engine, Storage storage) {
    this.engine = engine;
    this.storage = storage;
  }

  /** Primitive attributes: scratchpad supplied by us. */
  primitive_attr attr() {
    primitive_attr a = new primitive_attr();
    a.set_scratchpad_mode(dnnl.scratchpad_mode.user);
    return a;
  }

  /** Attributes with a ReLU applied to the primitive's result. */
  primitive_attr attrWithRelu() {
    primitive_attr a = attr();
    post_ops ops = new post_ops();
    ops.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
    a.set_post_ops(ops);
    return a;
  }

  /** A call of p (made from pd) with the shared scratchpad bound when it needs one. */
  Call call(primitive p, primitive_desc_base pd) {
    Call c = new Call(p);
    memory.desc scratch = pd.scratchpad_desc();
    if (scratch.get_size() > 0) {
      c.bind(DNNL_ARG_SCRATCHPAD, storage.shared(SCRATCHPAD, scratch));
    }
    return c;
  }

  /** A copy from one layout to another; null when both are the same memory. */
  Call copy(memory from, memory to) {
    if (from == to) {
      return null;
    }
    var pd = new reorder.primitive_desc(from, to, attr(), false);
    return call(new reorder(pd), pd).bind(DNNL_ARG_FROM, from).bind(DNNL_ARG_TO, to);
  }

  /** A buffer of layout d of the caller's own. */
  memory allocate(memory.desc d, String what) {
    return storage.allocate(d, what);
  }
}
