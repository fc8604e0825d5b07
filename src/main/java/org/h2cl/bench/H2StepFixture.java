package org.h2cl.bench;

import java.util.List;
import java.util.SplittableRandom;
import org.h2cl.compute.Backends;
import org.h2cl.model.BnBank;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Head;
import org.h2cl.model.Init;
import org.h2cl.model.Kernels;
import org.h2cl.model.MomentumSgd;
import org.h2cl.model.ResNet18;
import org.h2cl.model.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network in the state of the PyTorch peer ({@code torch_step.py}): in every conv layer about
 * 75 % of the weights belong to earlier tasks (active, frozen), 10 % are free (held at zero) and 15
 * % belong to the current task (active, trainable); one head, one BN bank, momentum SGD with lr
 * 0.01 and momentum 0.9, a fixed random batch with labels in {0, 1}.
 */
final class H2StepFixture {
  static final double EARLIER = 0.75;
  static final double FREE = 0.10;

  final ResNet18 net;
  final Head head;
  final BnBank bank;
  final MomentumSgd sgd;
  final INDArray[] active;
  final INDArray[] trainable;
  final INDArray x;
  final int[] y;
  private final INDArray gradLogits;

  H2StepFixture(int width, int batch, long seed, Kernels kernels, ConvAlgorithm algorithm) {
    SplittableRandom rng = new SplittableRandom(seed);
    net = Backends.network(width, false, 2, DataType.FLOAT, kernels, algorithm);
    net.initialiseConvs(rng);
    List<ConvLayer> convs = net.convs();
    active = new INDArray[convs.size()];
    trainable = new INDArray[convs.size()];
    for (int l = 0; l < convs.size(); l++) {
      ConvLayer c = convs.get(l);
      float[] a = new float[(int) c.size()];
      float[] t = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        double u = rng.nextDouble();
        a[i] = u < EARLIER || u >= EARLIER + FREE ? 1f : 0f;
        t[i] = u >= EARLIER + FREE ? 1f : 0f;
      }
      active[l] = Nd4j.createFromArray(a).reshape(c.weight.shape());
      trainable[l] = Nd4j.createFromArray(t).reshape(c.weight.shape());
      c.weight.muli(active[l]);
    }
    head = net.newHead(2, rng);
    bank = net.newBank();
    net.use(head, bank);
    net.setActiveMasks(active);
    sgd = new MomentumSgd(net);
    sgd.startPhase(0.01, 0.9, trainable);
    x =
        Init.normal(rng, (long) batch * 3 * ResNet18.IMAGE * ResNet18.IMAGE, 1.0)
            .reshape(batch, 3, ResNet18.IMAGE, ResNet18.IMAGE);
    y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = rng.nextInt(2);
    }
    gradLogits = Nd4j.zeros(net.dataType, batch, 2);
  }

  /**
   * Seconds spent in forward (with the loss), backward and the update by the last {@link #step}.
   */
  final double[] phaseSeconds = new double[3];

  /** One H² training step as H2Trainer drives it; returns the batch's summed loss. */
  double step() {
    long t0 = System.nanoTime();
    INDArray z = net.forward(x, true);
    SoftmaxCrossEntropy.Stats s = SoftmaxCrossEntropy.lossAndGradient(z, y, gradLogits);
    long t1 = System.nanoTime();
    net.backward(gradLogits);
    long t2 = System.nanoTime();
    sgd.step(head, bank);
    long t3 = System.nanoTime();
    phaseSeconds[0] = (t1 - t0) / 1e9;
    phaseSeconds[1] = (t2 - t1) / 1e9;
    phaseSeconds[2] = (t3 - t2) / 1e9;
    return s.lossSum();
  }
}
