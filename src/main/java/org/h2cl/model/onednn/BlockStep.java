package org.h2cl.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.h2cl.model.BasicBlock;
import org.h2cl.model.ConvAlgorithm;

/**
 * One {@link BasicBlock} at one batch size: conv1 → BN+ReLU → conv2 → BN, the shortcut (identity,
 * or conv1×1 → BN), then add+ReLU in one pass. Backward: the ReLU's mask on the output gradient,
 * both paths, and the two input gradients summed.
 */
final class BlockStep {
  private final ConvStep conv1;
  private final BnStep bn1;
  private final ConvStep conv2;
  private final BnStep bn2;
  private final ConvStep shortcutConv;
  private final BnStep shortcutBn;
  private final Call addRelu;
  private final Call reluBackward;
  private final Call addGradients;
  final Act out;

  /** Block index's output gradient role: blocks alternate, so a block's input and output differ. */
  static String outputGradRole(int index) {
    return "out" + Math.floorMod(index, 2);
  }

  BlockStep(Plan plan, Context ctx, BasicBlock block, int index, Act in, ConvAlgorithm algorithm) {
    String name = "block" + index;
    long[] inDims = OneDnn.dims(in.desc());
    long n = inDims[0];
    long c = block.conv1.out;
    long h = (inDims[2] + 2L * block.conv1.pad - block.conv1.kernel) / block.conv1.stride + 1;
    Act c1 = plan.act(name + ".conv1", "c1", n, c, h);
    Act hidden = plan.act(name + ".bn1", "hidden", n, c, h);
    Act c2 = plan.act(name + ".conv2", "c2", n, c, h);
    out = plan.act(name + ".out", outputGradRole(index), n, c, h);
    conv1 = new ConvStep(ctx, block.conv1, in.value(), in.grad(), c1.value(), c1.grad(), algorithm);
    bn1 =
        new BnStep(
            ctx,
            name + ".bn1",
            block.bn1,
            true,
            c1.value(),
            hidden.value(),
            c1.grad(),
            hidden.grad());
    conv2 =
        new ConvStep(
            ctx, block.conv2, hidden.value(), hidden.grad(), c2.value(), c2.grad(), algorithm);
    bn2 =
        new BnStep(
            ctx, name + ".bn2", block.bn2, false, c2.value(), out.value(), c2.grad(), out.grad());
    memory shortcutValue;
    memory shortcutGrad;
    if (block.shortcutConv != null) {
      Act sc = plan.act(name + ".shortcut", "shortcut", n, c, h);
      memory scOut = ctx.storage.shared(name + ".shortcutBn", out.desc());
      shortcutGrad = plan.gradient("shortcutIn", in.desc());
      shortcutConv =
          new ConvStep(
              ctx, block.shortcutConv, in.value(), shortcutGrad, sc.value(), sc.grad(), algorithm);
      shortcutBn =
          new BnStep(
              ctx,
              name + ".shortcutBn",
              block.shortcutBn,
              false,
              sc.value(),
              scOut,
              sc.grad(),
              out.grad());
      shortcutValue = scOut;
    } else {
      shortcutConv = null;
      shortcutBn = null;
      shortcutValue = in.value();
      shortcutGrad = out.grad(); // the identity passes the output gradient on unchanged
    }
    addRelu = add(ctx, out.value(), shortcutValue, true);
    addGradients = add(ctx, in.grad(), shortcutGrad, false);
    memory.desc d = out.desc();
    var reluFwd =
        new eltwise_forward.primitive_desc(
            new eltwise_forward.desc(
                dnnl.prop_kind.forward_training, dnnl.algorithm.eltwise_relu_use_dst_for_bwd, d),
            ctx.attr(),
            ctx.engine);
    var reluBwd =
        new eltwise_backward.primitive_desc(
            new eltwise_backward.desc(dnnl.algorithm.eltwise_relu_use_dst_for_bwd, d, d),
            ctx.attr(),
            ctx.engine,
            reluFwd);
    reluBackward =
        ctx.call(new eltwise_backward(reluBwd), reluBwd)
            .bind(DNNL_ARG_DST, out.value())
            .bind(DNNL_ARG_DIFF_DST, out.grad())
            .bind(DNNL_ARG_DIFF_SRC, out.grad());
  }

  /** acc ← acc + other, then ReLU when relu is set; in place. */
  private static Call add(Context ctx, memory acc, memory other, boolean relu) {
    memory.desc d = acc.get_desc();
    var pd =
        new binary.primitive_desc(
            new binary.desc(dnnl.algorithm.binary_add, d, other.get_desc(), d),
            relu ? ctx.attrWithRelu() : ctx.attr(),
            ctx.engine);
    return ctx.call(new binary(pd), pd)
        .bind(DNNL_ARG_SRC_0, acc)
        .bind(DNNL_ARG_SRC_1, other)
        .bind(DNNL_ARG_DST, acc);
  }

  void forward(stream s, boolean training) {
    conv1.forward(s);
    bn1.forward(s, training);
    conv2.forward(s);
    bn2.forward(s, training);
    if (shortcutConv != null) {
      shortcutConv.forward(s);
      shortcutBn.forward(s, training);
    }
    addRelu.run(s);
  }

  /** From out's gradient to the input's gradient (and every parameter gradient on the way). */
  void backward(stream s) {
    reluBackward.run(s);
    bn2.backward(s);
    conv2.backward(s);
    bn1.backward(s);
    conv1.backward(s);
    if (shortcutConv != null) {
      shortcutBn.backward(s);
      shortcutConv.backward(s);
    }
    addGradients.run(s);
  }

  List<String> convImplementations() {
    List<String> names = new ArrayList<>(List.of(conv1.implementation(), conv2.implementation()));
    if (shortcutConv != null) {
      names.add(shortcutConv.implementation());
    }
    return names;
  }
}
