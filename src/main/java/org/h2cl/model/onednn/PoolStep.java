package org.h2cl.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global average pooling of the last block's output into plain [n, C] features, and its backward
 * pass. With C a multiple of the block size, [n, C, 1, 1] in the blocked layout is the plain
 * layout, so the features are written and read in place in the caller's arrays.
 */
final class PoolStep {
  private final Call forward;
  private final Call backward;
  private final memory features;
  private final memory featureGrad;

  PoolStep(Context ctx, Act in) {
    long[] d = OneDnn.dims(in.desc());
    memory.desc pooled = OneDnn.desc(Plan.LAYOUT, d[0], d[1], 1, 1);
    if (pooled.get_size() != d[0] * d[1] * Float.BYTES) {
      throw new IllegalArgumentException("channels not a multiple of the block: " + d[1]);
    }
    features = new memory(pooled, ctx.engine, (Pointer) null); // the caller's arrays, per call
    featureGrad = new memory(pooled, ctx.engine, (Pointer) null);
    long[] kernel = {d[2], d[3]};
    long[] zero = {0, 0};
    var fwd =
        new pooling_forward.primitive_desc(
            new pooling_forward.desc(
                dnnl.prop_kind.forward_training,
                dnnl.algorithm.pooling_avg_exclude_padding,
                in.desc(),
                pooled,
                kernel,
                kernel,
                zero,
                zero),
            ctx.attr(),
            ctx.engine);
    var bwd =
        new pooling_backward.primitive_desc(
            new pooling_backward.desc(
                dnnl.algorithm.pooling_avg_exclude_padding,
                in.desc(),
                pooled,
                kernel,
                kernel,
                zero,
                zero),
            ctx.attr(),
            ctx.engine,
            fwd);
    forward =
        ctx.call(new pooling_forward(fwd), fwd)
            .bind(DNNL_ARG_SRC, in.value())
            .bind(DNNL_ARG_DST, features);
    backward =
        ctx.call(new pooling_backward(bwd), bwd)
            .bind(DNNL_ARG_DIFF_DST, featureGrad)
            .bind(DNNL_ARG_DIFF_SRC, in.grad());
  }

  /** out[n, c] = mean over H×W of the input; out is a dense float32 [n, C] array. */
  void forward(stream s, INDArray out) {
    features.set_data_handle(OneDnn.address(out));
    forward.run(s);
  }

  /** The input's gradient from grad = dL/dout, [n, C]. */
  void backward(stream s, INDArray grad) {
    featureGrad.set_data_handle(OneDnn.address(grad));
    backward.run(s);
  }
}
