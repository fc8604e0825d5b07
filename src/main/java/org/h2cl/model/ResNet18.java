package org.h2cl.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CIFAR ResNet-18 with one shared trunk of maskable convolutions, per-task heads and per-task
 * BatchNorm banks (docs/ALGORITHM.md §2). It owns the parameters; the {@link Trunk} of its {@link
 * Backend} runs stem, blocks and pooling on them, and the head is applied here. The caller chooses
 * the head, the bank, the masks and the BN mode of each pass.
 */
public final class ResNet18 {
  public static final int IMAGE = 32;

  public final int baseWidth;
  public final boolean stemRelu;

  private final List<ConvLayer> convs = new ArrayList<>();
  private final List<BatchNormLayer> bns = new ArrayList<>();
  private final ConvLayer stem;
  private final BatchNormLayer stemBn;
  private final List<BasicBlock> blocks = new ArrayList<>();
  private final int features;

  private final BatchBuffer logitsBuffer;
  private final BatchBuffer poolGradBuffer;
  private final Backend backend;
  private final Trunk trunk;
  private INDArray pooled;
  private Head head;
  public final INDArray headWeightGrad;
  public final INDArray headBiasGrad;

  public final DataType dataType;

  /**
   * float32 is the product's type (the fast oneDNN/cuDNN paths); float64 serves gradient checks.
   * The backend ({@link org.h2cl.compute.Backends#choose}) computes it.
   */
  public ResNet18(
      int baseWidth, boolean stemRelu, int classesPerTask, DataType dataType, Backend backend) {
    this.dataType = dataType;
    this.baseWidth = baseWidth;
    this.stemRelu = stemRelu;
    stem = new ConvLayer("stem", 3, baseWidth, 3, 1, dataType);
    convs.add(stem);
    stemBn = new BatchNormLayer(0, baseWidth, dataType);
    bns.add(stemBn);
    int in = baseWidth;
    for (int stage = 0; stage < 4; stage++) {
      int width = baseWidth << stage;
      for (int b = 0; b < 2; b++) {
        int stride = (stage > 0 && b == 0) ? 2 : 1;
        blocks.add(
            new BasicBlock(
                "layer" + (stage + 1) + "." + b, in, width, stride, dataType, convs, bns));
        in = width;
      }
    }
    features = in;
    logitsBuffer = new BatchBuffer(dataType);
    poolGradBuffer = new BatchBuffer(dataType);
    headWeightGrad = Nd4j.zeros(dataType, classesPerTask, features);
    headBiasGrad = Nd4j.zeros(dataType, classesPerTask);
    this.backend = backend;
    trunk = backend.trunk(this);
  }

  /** What computes this network (its trunk and its optimizer steps). */
  public Backend backend() {
    return backend;
  }

  /** What runs stem, blocks and pooling (benchmarks and tests look inside). */
  public Trunk trunk() {
    return trunk;
  }

  public ConvLayer stem() {
    return stem;
  }

  public BatchNormLayer stemBn() {
    return stemBn;
  }

  /** The residual blocks in order. */
  public List<BasicBlock> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  /** The maskable layers, in a fixed order (stem, then blocks; conv1, conv2, shortcut each). */
  public List<ConvLayer> convs() {
    return Collections.unmodifiableList(convs);
  }

  public BnBank newBank() {
    return new BnBank(bnChannels(), dataType);
  }

  public Head newHead(int classes, SplittableRandom rng) {
    return Head.initialised(features, classes, dataType, rng);
  }

  public int[] bnChannels() {
    return bns.stream().mapToInt(b -> b.channels).toArray();
  }

  public int features() {
    return features;
  }

  public int[] convSizes() {
    return convs.stream().mapToInt(c -> Math.toIntExact(c.size())).toArray();
  }

  /**
   * PyTorch's default conv init: uniform in ±1/sqrt(fan_in), layer after layer from one generator.
   */
  public void initialiseConvs(SplittableRandom rng) {
    for (ConvLayer c : convs) {
      c.weight.assign(
          Init.uniform(rng, c.size(), 1.0 / Math.sqrt(c.fanIn())).reshape(c.weight.shape()));
    }
  }

  /** Selects the task whose head and BN bank the next passes use. */
  public void use(Head head, BnBank bank) {
    this.head = head;
    for (BatchNormLayer bn : bns) {
      bn.use(bank);
    }
  }

  /** Per layer, the weights that count in the forward pass (null = all). */
  public void setActiveMasks(INDArray[] masks) {
    for (int i = 0; i < convs.size(); i++) {
      convs.get(i).setActiveMask(masks == null ? null : masks[i]);
    }
    refreshWeights();
  }

  /** Recomputes the masked weights the forward pass sees; call after every weight update. */
  public void refreshWeights() {
    for (ConvLayer c : convs) {
      c.refresh();
    }
  }

  /** Logits [n, classes] of a batch x [n, 3, 32, 32]; training = BN on batch statistics. */
  public INDArray forward(INDArray x, boolean training) {
    int n = (int) x.size(0);
    pooled = trunk.forward(x, training);
    INDArray z = logitsBuffer.get(n, head.classes());
    Nd4j.gemm(pooled, head.weight, z, false, true, 1.0, 0.0);
    z.addiRowVector(head.bias);
    return z;
  }

  /**
   * Backward pass of the last forward: fills every conv's grad (w.r.t. its effective weight), the
   * BN layers' gamma/beta grads (training mode) and the head's grads.
   */
  public void backward(INDArray gradLogits) {
    int n = (int) gradLogits.size(0);
    Nd4j.gemm(gradLogits, pooled, headWeightGrad, true, false, 1.0, 0.0);
    headBiasGrad.assign(gradLogits.sum(0));
    INDArray gp = poolGradBuffer.get(n, features);
    Nd4j.gemm(gradLogits, head.weight, gp, false, false, 1.0, 0.0);
    trunk.backward(gp);
  }

  public List<BatchNormLayer> batchNorms() {
    return Collections.unmodifiableList(bns);
  }
}
