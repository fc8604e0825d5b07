package org.h2cl.model.onednn;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.h2cl.model.BasicBlock;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.ResNet18;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trunk's primitives and activations for one batch size, built once: stem conv → BN (+ReLU),
 * the residual blocks, global average pooling.
 */
final class Plan {
  /**
   * The activation layout: channels in blocks of 16, the AVX-512 kernels' native layout and the one
   * oneDNN's Winograd needs. So the trunk takes base widths that are multiples of 16 ({@link
   * OneDnnTrunk#widthProblem}); for others oneDNN 2.5.2 pads channels, and with padded or
   * channels-last tensors some of its kernels fail (in-place add+ReLU computes wrong values, the
   * 1×1 backward-weights kernel writes past its scratchpad; OneDnnTrunkTest).
   */
  static final memory.format_tag LAYOUT = memory.format_tag.nChw16c;

  final int batch;
  private final Context ctx;
  private final memory input;
  private final ConvStep stem;
  private final BnStep stemBn;
  private final List<BlockStep> blocks = new ArrayList<>();
  private final PoolStep pool;
  private final INDArray features;

  Plan(Context ctx, ResNet18 net, int batch, ConvAlgorithm algorithm) {
    this.ctx = ctx;
    this.batch = batch;
    int size = ResNet18.IMAGE;
    input =
        new memory(
            OneDnn.desc(memory.format_tag.nchw, batch, 3, size, size), ctx.engine, (Pointer) null);
    Act stemOut = act("stem", "c1", batch, net.baseWidth, size);
    Act h = act("stemBn", BlockStep.outputGradRole(-1), batch, net.baseWidth, size);
    stem = new ConvStep(ctx, net.stem(), input, null, stemOut.value(), stemOut.grad(), algorithm);
    stemBn =
        new BnStep(
            ctx,
            "stemBn",
            net.stemBn(),
            net.stemRelu,
            stemOut.value(),
            h.value(),
            stemOut.grad(),
            h.grad());
    int i = 0;
    for (BasicBlock b : net.blocks()) {
      BlockStep step = new BlockStep(this, ctx, b, i++, h, algorithm);
      blocks.add(step);
      h = step.out;
    }
    pool = new PoolStep(ctx, h);
    features = Nd4j.createUninitialized(DataType.FLOAT, batch, net.features());
  }

  /**
   * A [n, c, h, h] activation: its value in a buffer of its own (role key; the backward pass reads
   * it), its gradient in a buffer shared by role gradRole (see {@link #gradient}).
   */
  Act act(String key, String gradRole, long n, long c, long h) {
    memory.desc d = OneDnn.desc(LAYOUT, n, c, h, h);
    return new Act(d, ctx.storage.shared(key, d), gradient(gradRole, d));
  }

  /**
   * A gradient buffer of role r. A gradient lives only while the backward pass crosses one block,
   * so every block uses the same few buffers (its own temporaries, and its output's and input's
   * gradients alternating from block to block): ~7 buffers of the largest size instead of ~40.
   */
  memory gradient(String r, memory.desc d) {
    return ctx.storage.shared("grad." + r, d);
  }

  /** Pooled features [batch, C] of x [batch, 3, 32, 32] (plain float32). */
  INDArray forward(stream s, INDArray x, boolean training) {
    input.set_data_handle(OneDnn.address(x));
    stem.forward(s);
    stemBn.forward(s, training);
    for (BlockStep b : blocks) {
      b.forward(s, training);
    }
    pool.forward(s, features);
    s._wait();
    return features;
  }

  void backward(stream s, INDArray gradFeatures) {
    pool.backward(s, gradFeatures);
    for (int i = blocks.size() - 1; i >= 0; i--) {
      blocks.get(i).backward(s);
    }
    stemBn.backward(s);
    stem.backward(s);
    s._wait();
  }

  /** oneDNN's kernel for each conv layer, in the network's order (logs, benchmarks). */
  List<String> convImplementations() {
    List<String> names = new ArrayList<>();
    names.add(stem.implementation());
    for (BlockStep b : blocks) {
      names.addAll(b.convImplementations());
    }
    return names;
  }
}
