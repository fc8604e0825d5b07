package org.h2cl.model.onednn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.stream;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.ResNet18;
import org.h2cl.model.Trunk;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ResNet18}'s trunk on oneDNN (package doc): one {@link Plan} per batch size seen, all
 * sharing one {@link Storage}, run on this trunk's own stream with the calling thread's OpenMP
 * thread count (SeedTask sets it per seed).
 */
public final class OneDnnTrunk implements Trunk {
  /**
   * Channels per block of the activation layout ({@link Plan#LAYOUT}): the base width must be a
   * multiple of it (see {@link #widthProblem}).
   */
  public static final int CHANNEL_BLOCK = 16;

  private final ResNet18 net;
  private final ConvAlgorithm algorithm;
  private final Context ctx;
  private final stream stream;
  private final boolean fenced;
  private final Map<Integer, Plan> plans = new HashMap<>();
  private Plan last;

  /**
   * fenced: every buffer fenced and checked after each pass (tests; see {@link Storage}). The
   * caller has checked {@link #widthProblem}.
   */
  OneDnnTrunk(ResNet18 net, ConvAlgorithm algorithm, boolean fenced) {
    this.net = net;
    this.algorithm = algorithm;
    this.fenced = fenced;
    this.ctx = new Context(OneDnn.engine(), new Storage(OneDnn.engine(), fenced));
    this.stream = new stream(ctx.engine);
  }

  /**
   * The width rule, stated once: why this trunk cannot run a network of this base width, or null
   * when it can. Pure arithmetic, so settings can be checked without loading oneDNN.
   */
  public static String widthProblem(int baseWidth) {
    if (baseWidth % CHANNEL_BLOCK != 0) {
      return "the oneDNN trunk needs h2.model.base-width to be a multiple of "
          + CHANNEL_BLOCK
          + ", got "
          + baseWidth
          + " (oneDNN 2.5.2's kernels for padded channels are slow or wrong)";
    }
    return null;
  }

  @Override
  public INDArray forward(INDArray x, boolean training) {
    last = plan(Math.toIntExact(x.size(0)));
    INDArray features = last.forward(stream, x, training);
    if (fenced) {
      ctx.storage.verifyFences("forward");
    }
    return features;
  }

  @Override
  public void backward(INDArray gradFeatures) {
    if (last == null) {
      throw new IllegalStateException("backward before forward");
    }
    last.backward(stream, gradFeatures);
    if (fenced) {
      ctx.storage.verifyFences("backward");
    }
  }

  private Plan plan(int n) {
    Plan p = plans.get(n);
    if (p == null) {
      long generation = ctx.storage.generation();
      p = new Plan(ctx, net, n, algorithm);
      if (ctx.storage.generation() != generation) {
        // A shared buffer grew: every plan so far, this one's first steps included, may point
        // at the old one. Rebuilt now, all requests fit.
        plans.clear();
        p = new Plan(ctx, net, n, algorithm);
      }
      plans.put(n, p);
    }
    return p;
  }

  /** oneDNN's kernel for each conv layer at batch size n (built if needed). */
  public List<String> convImplementations(int n) {
    return plan(n).convImplementations();
  }

  /** Bytes of the buffers shared by all batch sizes (activations, gradients, scratchpad). */
  public long sharedBytes() {
    return ctx.storage.sharedBytes();
  }
}
