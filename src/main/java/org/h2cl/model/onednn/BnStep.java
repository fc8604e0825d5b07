package org.h2cl.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.nio.FloatBuffer;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.h2cl.model.BatchNormLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One {@link BatchNormLayer} at one batch size, optionally with the ReLU that follows it fused in
 * (oneDNN keeps the ReLU's mask in a workspace for the backward pass). Training mode normalises
 * with the batch statistics, writes them into the layer's batch mean and variance and moves the
 * bank's running statistics; inference mode normalises with the running statistics, and its
 * backward pass treats them as constants, as libnd4j's path does. Gamma, beta and the statistics
 * are read and written in place in the current bank's arrays, rebound before every call since the
 * bank changes with the task.
 */
final class BnStep {
  private final BatchNormLayer layer;
  private final long valuesPerChannel;
  private final memory scale;
  private final memory shift;
  private final memory mean;
  private final memory variance;
  private final Mode training;
  private final Mode inference;
  private boolean lastTraining;

  /** Forward and backward calls of one mode. */
  private record Mode(Call forward, Call backward) {}

  BnStep(
      Context ctx,
      String name,
      BatchNormLayer layer,
      boolean fuseRelu,
      memory src,
      memory dst,
      memory srcGrad,
      memory dstGrad) {
    this.layer = layer;
    long[] dims = OneDnn.dims(src.get_desc());
    valuesPerChannel = dims[0] * dims[2] * dims[3];
    memory.desc perChannel = OneDnn.desc(memory.format_tag.x, layer.channels);
    scale = new memory(perChannel, ctx.engine, (Pointer) null); // bound before every call
    shift = new memory(perChannel, ctx.engine, (Pointer) null);
    mean = new memory(perChannel, ctx.engine, (Pointer) null);
    variance = new memory(perChannel, ctx.engine, (Pointer) null);
    int flags = dnnl.normalization_flags.use_scale.value | dnnl.normalization_flags.use_shift.value;
    if (fuseRelu) {
      flags |= dnnl.normalization_flags.fuse_norm_relu.value;
    }
    Io io = new Io(src, dst, srcGrad, dstGrad);
    training =
        mode(
            ctx,
            name,
            flags,
            io,
            new memory(perChannel, ctx.engine, OneDnn.address(layer.gradGamma)),
            new memory(perChannel, ctx.engine, OneDnn.address(layer.gradBeta)));
    // Inference mode has no gamma/beta gradients to report: oneDNN's go to scratch.
    inference =
        mode(
            ctx,
            name,
            flags | dnnl.normalization_flags.use_global_stats.value,
            io,
            ctx.allocate(perChannel, name + " dgamma"),
            ctx.allocate(perChannel, name + " dbeta"));
  }

  private record Io(memory src, memory dst, memory srcGrad, memory dstGrad) {}

  private Mode mode(
      Context ctx, String name, int flags, Io io, memory scaleGrad, memory shiftGrad) {
    memory.desc d = io.src.get_desc();
    float eps = (float) BatchNormLayer.EPS;
    // forward_training in both modes: inference-mode passes are differentiated too (Fisher).
    var fwd =
        new batch_normalization_forward.primitive_desc(
            new batch_normalization_forward.desc(
                dnnl.prop_kind.forward_training.value, d, eps, flags),
            ctx.attr(),
            ctx.engine);
    var bwd =
        new batch_normalization_backward.primitive_desc(
            new batch_normalization_backward.desc(dnnl.prop_kind.backward.value, d, d, eps, flags),
            ctx.attr(),
            ctx.engine,
            fwd);
    Call forward =
        ctx.call(new batch_normalization_forward(fwd), fwd)
            .bind(DNNL_ARG_SRC, io.src)
            .bind(DNNL_ARG_DST, io.dst)
            .bind(DNNL_ARG_SCALE, scale)
            .bind(DNNL_ARG_SHIFT, shift)
            .bind(DNNL_ARG_MEAN, mean)
            .bind(DNNL_ARG_VARIANCE, variance);
    // oneDNN 2.5 wants the shift bound in backward too, although it does not read it.
    Call backward =
        ctx.call(new batch_normalization_backward(bwd), bwd)
            .bind(DNNL_ARG_SRC, io.src)
            .bind(DNNL_ARG_DIFF_DST, io.dstGrad)
            .bind(DNNL_ARG_SCALE, scale)
            .bind(DNNL_ARG_SHIFT, shift)
            .bind(DNNL_ARG_MEAN, mean)
            .bind(DNNL_ARG_VARIANCE, variance)
            .bind(DNNL_ARG_DIFF_SRC, io.srcGrad)
            .bind(DNNL_ARG_DIFF_SCALE, scaleGrad)
            .bind(DNNL_ARG_DIFF_SHIFT, shiftGrad);
    if ((flags & dnnl.normalization_flags.fuse_norm_relu.value) != 0) {
      memory workspace = ctx.allocate(fwd.workspace_desc(), name + " relu mask");
      forward.bind(DNNL_ARG_WORKSPACE, workspace);
      backward.bind(DNNL_ARG_WORKSPACE, workspace);
    }
    return new Mode(forward, backward);
  }

  void forward(stream s, boolean training) {
    bind(training);
    if (training) {
      this.training.forward.run(s);
      moveTowards(layer.runningMean(), layer.batchMean(), 1.0);
      moveTowards(
          layer.runningVar(), layer.batchVar(), BatchNormLayer.unbiasedFactor(valuesPerChannel));
    } else {
      inference.forward.run(s);
    }
    lastTraining = training;
  }

  /**
   * dL/dsrc from dL/ddst (through the fused ReLU's mask); after a training-mode forward pass also
   * dL/dgamma and dL/dbeta into the layer's gradients.
   */
  void backward(stream s) {
    bind(lastTraining);
    (lastTraining ? training : inference).backward.run(s);
  }

  /**
   * r ← (1 − m)·r + m·f·b on the host, m = {@link BatchNormLayer#MOMENTUM}: a running statistic
   * moving towards the batch's (f = 1 for the mean, n/(n − 1) for the variance).
   */
  private static void moveTowards(INDArray running, INDArray batch, double f) {
    FloatBuffer r = running.data().asNioFloat();
    FloatBuffer b = batch.data().asNioFloat();
    double m = BatchNormLayer.MOMENTUM;
    for (int i = 0; i < running.length(); i++) {
      r.put(i, (float) ((1 - m) * r.get(i) + m * f * b.get(i)));
    }
  }

  private void bind(boolean training) {
    scale.set_data_handle(OneDnn.address(layer.gamma()));
    shift.set_data_handle(OneDnn.address(layer.beta()));
    INDArray m = training ? layer.batchMean() : layer.runningMean();
    INDArray v = training ? layer.batchVar() : layer.runningVar();
    mean.set_data_handle(OneDnn.address(m));
    variance.set_data_handle(OneDnn.address(v));
  }
}
