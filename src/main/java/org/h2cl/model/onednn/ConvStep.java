package org.h2cl.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.ConvLayer;

/**
 * One {@link ConvLayer} at one batch size: forward, backward-data and backward-weights primitives,
 * and the weights in each primitive's preferred layout, copied from the layer's effective weight
 * only when it changed (the Fisher passes reuse one copy thirty times). The weight gradient lands
 * in {@link ConvLayer#grad} in the plain layout.
 */
final class ConvStep {
  private final ConvLayer layer;
  private final Call forward;
  private final Call backwardData;
  private final Call backwardWeights;
  private final Call weightsToForward;
  private final Call weightsToBackwardData;
  private final Call gradToLayer;
  private final String implementation;
  private long copiedVersion = -1;

  /**
   * src and dst are the input and output activations (src plain NCHW for the stem); srcGrad is null
   * when the input needs no gradient.
   */
  ConvStep(
      Context ctx,
      ConvLayer layer,
      memory src,
      memory srcGrad,
      memory dst,
      memory dstGrad,
      ConvAlgorithm algorithm) {
    this.layer = layer;
    Shape s = new Shape(layer, src.get_desc(), dst.get_desc());
    dnnl.algorithm alg = dnnl.algorithm.convolution_direct;
    convolution_forward.primitive_desc fwd = null;
    if (algorithm == ConvAlgorithm.WINOGRAD && layer.kernel == 3 && layer.stride == 1) {
      try {
        fwd = s.forward(ctx, dnnl.algorithm.convolution_winograd);
        alg = dnnl.algorithm.convolution_winograd;
      } catch (RuntimeException noWinogradKernel) {
        // oneDNN has Winograd only for some shapes and ISAs (e.g. not below AVX-512): direct.
      }
    }
    if (fwd == null) {
      fwd = s.forward(ctx, alg);
    }
    var bwdWeights =
        new convolution_backward_weights.primitive_desc(
            new convolution_backward_weights.desc(
                alg, s.src, s.anyWeights, s.dst, s.strides, Shape.DILATION, s.pad, s.pad),
            ctx.attr(),
            ctx.engine,
            fwd);
    memory effective =
        new memory(s.plainWeights, ctx.engine, OneDnn.address(layer.effectiveWeight()));
    memory layerGrad = new memory(s.plainWeights, ctx.engine, OneDnn.address(layer.grad));
    memory forwardWeights = ownOrPlain(ctx, fwd.weights_desc(), effective, layer.name);
    memory weightGrad = ownOrPlain(ctx, bwdWeights.diff_weights_desc(), layerGrad, layer.name);
    forward =
        ctx.call(new convolution_forward(fwd), fwd)
            .bind(DNNL_ARG_SRC, src)
            .bind(DNNL_ARG_WEIGHTS, forwardWeights)
            .bind(DNNL_ARG_DST, dst);
    backwardWeights =
        ctx.call(new convolution_backward_weights(bwdWeights), bwdWeights)
            .bind(DNNL_ARG_SRC, src)
            .bind(DNNL_ARG_DIFF_DST, dstGrad)
            .bind(DNNL_ARG_DIFF_WEIGHTS, weightGrad);
    memory backwardDataWeights = null;
    if (srcGrad != null) {
      var bwdData =
          new convolution_backward_data.primitive_desc(
              new convolution_backward_data.desc(
                  alg, s.src, s.anyWeights, s.dst, s.strides, Shape.DILATION, s.pad, s.pad),
              ctx.attr(),
              ctx.engine,
              fwd);
      backwardDataWeights =
          bwdData.weights_desc().equals(forwardWeights.get_desc())
              ? forwardWeights
              : ownOrPlain(ctx, bwdData.weights_desc(), effective, layer.name);
      backwardData =
          ctx.call(new convolution_backward_data(bwdData), bwdData)
              .bind(DNNL_ARG_DIFF_DST, dstGrad)
              .bind(DNNL_ARG_WEIGHTS, backwardDataWeights)
              .bind(DNNL_ARG_DIFF_SRC, srcGrad);
    } else {
      backwardData = null;
    }
    weightsToForward = ctx.copy(effective, forwardWeights);
    weightsToBackwardData =
        backwardDataWeights == null || backwardDataWeights == forwardWeights
            ? null
            : ctx.copy(effective, backwardDataWeights);
    gradToLayer = ctx.copy(weightGrad, layerGrad);
    implementation = fwd.impl_info_str().getString();
  }

  /** The descriptors of one conv layer's problem. */
  private static final class Shape {
    static final long[] DILATION = {0, 0};
    final memory.desc src;
    final memory.desc dst;
    final memory.desc anyWeights;
    final memory.desc plainWeights;
    final long[] strides;
    final long[] pad;

    Shape(ConvLayer layer, memory.desc src, memory.desc dst) {
      this.src = src;
      this.dst = dst;
      long[] w = {layer.out, layer.in, layer.kernel, layer.kernel};
      anyWeights = OneDnn.desc(memory.format_tag.any, w);
      plainWeights = OneDnn.desc(memory.format_tag.oihw, w);
      strides = new long[] {layer.stride, layer.stride};
      pad = new long[] {layer.pad, layer.pad};
    }

    convolution_forward.primitive_desc forward(Context ctx, dnnl.algorithm alg) {
      return new convolution_forward.primitive_desc(
          new convolution_forward.desc(
              dnnl.prop_kind.forward_training,
              alg,
              src,
              anyWeights,
              dst,
              strides,
              DILATION,
              pad,
              pad),
          ctx.attr(),
          ctx.engine);
    }
  }

  /** The plain memory itself when the primitive takes the plain layout, else one of its layout. */
  private static memory ownOrPlain(Context ctx, memory.desc wanted, memory plain, String what) {
    return wanted.equals(plain.get_desc()) ? plain : ctx.allocate(wanted, what + " weights");
  }

  /** oneDNN's name for the forward kernel it chose, e.g. "jit_wino_4x3:avx512_core". */
  String implementation() {
    return implementation;
  }

  void forward(stream s) {
    copyWeightsIfChanged(s);
    forward.run(s);
  }

  /** dL/dsrc (when asked for at construction) and dL/dweights into {@link ConvLayer#grad}. */
  void backward(stream s) {
    copyWeightsIfChanged(s);
    if (backwardData != null) {
      backwardData.run(s);
    }
    backwardWeights.run(s);
    if (gradToLayer != null) {
      gradToLayer.run(s);
    }
  }

  private void copyWeightsIfChanged(stream s) {
    long version = layer.effectiveVersion();
    if (version == copiedVersion) {
      return;
    }
    if (weightsToForward != null) {
      weightsToForward.run(s);
    }
    if (weightsToBackwardData != null) {
      weightsToBackwardData.run(s);
    }
    copiedVersion = version;
  }
}
